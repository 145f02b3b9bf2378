// Service: rsmd's RSM object model and operations, independent of the RPC
// transport. Every public method is one ntmsapi.h call as the server sees
// it: parameters are checked first, then the objects are looked up, then
// access, then enabled/online state, then the operation's own state checks
// (MS-RSMP's order). Results are Status values carrying the Win32 code.
//
// Threading: public methods are called concurrently from RPC threads. Device
// work runs only on each library's worker thread (see worker.h); calls that
// wait for a library request (mount, drive dismount) block the calling RPC
// thread on a condition variable, never on device I/O.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/store.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/guid.h"
#include "common/status.h"
#include "rpc/rsm.pb.h"
#include "service/completions.h"
#include "service/security.h"
#include "service/sessions.h"

namespace openrsm::devices::sim {
class SimFaults;
}

namespace openrsm::service {

class LibraryWorker;

struct LibraryRuntime;

class Service {
 public:
  // Opens the catalogue and builds (but does not start) the libraries.
  static Result<std::unique_ptr<Service>> Create(const Config& config, Clock* clock);
  ~Service();

  // The RSM startup rule, then inventory of every library, then workers.
  Status Start();
  // Stops workers (finishing the current device step) and fails waiters.
  void Stop();

  Result<Guid> OpenSession(const Peer& peer, const std::string& server, const std::string& application,
                           const std::string& computer, uint32_t options);
  Status CloseSession(const Peer& peer, const Guid& session);
  Result<std::vector<Guid>> Enumerate(const Peer& peer, const Guid& session, const Guid& container,
                                      uint32_t type);
  // `type_hint`: the type the caller expects (0 = unknown). A right hint
  // saves the object_index lookup; a wrong one costs it, nothing else.
  Status GetObjectInfo(const Peer& peer, const Guid& session, const Guid& id, rpc::ObjectInfo* out,
                       uint32_t type_hint = 0);
  Status SetEnabled(const Peer& peer, const Guid& session, uint32_t type, const Guid& id, bool enable);
  // Fills `drives` (same length as media) with the drives used.
  Status Mount(const Peer& peer, const Guid& session, const std::vector<Guid>& media, std::vector<Guid>* drives,
               uint32_t options, int32_t priority, uint32_t timeout_ms);
  Status DismountMedia(const Peer& peer, const Guid& session, const std::vector<Guid>& media, uint32_t options);
  Status DismountDrive(const Peer& peer, const Guid& session, const Guid& drive);
  Status Inventory(const Peer& peer, const Guid& session, const Guid& library, uint32_t action);
  Status CancelLibRequest(const Peer& peer, const Guid& session, const Guid& request);
  // EjectNtmsMedia / InjectNtmsMedia (ieports_api.cc). `operation` is the
  // caller's operation id (NTMS_*_STOP); a started operation's id goes to *started.
  Status EjectMedia(const Peer& peer, const Guid& session, const Guid& media, const Guid& operation, uint32_t action,
                    Guid* started);
  Status InjectMedia(const Peer& peer, const Guid& session, const Guid& library, const Guid& operation,
                     uint32_t action, Guid* started);
  Status Ping(const Peer& peer);
  Status TestHook(const Peer& peer, const std::string& library, const std::string& fault, int32_t drive_index,
                  int32_t count, const std::string& arg);

  catalog::Store* store() { return store_.get(); }
  bool test_hooks_enabled() const { return config_.test_hooks; }

 private:
  Service(const Config& config, Clock* clock);

  Status ApplyStartupRule();
  Status MarkRemovedLibraries();
  LibraryRuntime* RuntimeFor(const Guid& library);
  // Throws std::bad_alloc when the test hook armed an allocation failure for `call`.
  void MaybeInjectOom(const char* call);
  // Persists a new request (QUEUED) for the library's worker and wakes it.
  Status Enqueue(catalog::Txn& txn, catalog::LibRequest& req, const Session& s);
  // `drive` (optional) receives the request's drive as the worker recorded it.
  Status WaitForRequest(const Guid& request, uint32_t timeout_ms, Guid* drive = nullptr);
  // NTMS_EJECT_STOP / NTMS_INJECT_STOP: cancels a queued request of that operation.
  Status StopIeOperation(const Peer& peer, const Guid& operation, uint32_t lm_operation);

  Config config_;
  Clock* clock_;
  std::unique_ptr<catalog::Store> store_;
  Security security_;
  Sessions sessions_;
  Completions completions_;
  std::vector<std::unique_ptr<LibraryRuntime>> libraries_;
  std::mutex oom_mu_;
  std::map<std::string, int> oom_armed_;
  std::atomic<bool> stopping_{false};
};

}  // namespace openrsm::service
