// Service: rsmd's RSM object model and operations, independent of the RPC
// transport. Every public method is one ntmsapi.h call as the server sees
// it: parameters are checked first, then the objects are looked up, then
// access, then enabled/online state, then the operation's own state checks
// (MS-RSMP's order). Results are Status values carrying the Win32 code.
//
// Threading: public methods are called concurrently from RPC threads and
// return without blocking on devices. Device work runs only on each
// library's worker thread (worker.h). Calls that wait for library requests
// (MountNtmsMedia, DismountNtmsDrive, InventoryNtmsLibrary) hold no thread
// while they wait: they queue the requests and return a PendingCall; the
// `done` callback runs once, when the requests finish, time out, or the
// caller goes away (PendingCall::Cancel), on whichever thread saw that.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog/store.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/guid.h"
#include "common/log_limiter.h"
#include "common/object_info.h"
#include "common/status.h"
#include "common/thread_annotations.h"
#include "service/housekeeping.h"
#include "service/request_queue.h"
#include "service/security.h"
#include "service/sessions.h"
#include "service/timers.h"

namespace openrsm::devices {
struct LibraryDevices;
}
namespace openrsm::devices::sim {
class SimFaults;
}

namespace openrsm::service {

class LibraryWorker;
struct LibraryRuntime;
class RequestWait;

// A call that waits for library requests. Thread-safe.
class PendingCall {
 public:
  virtual ~PendingCall() = default;
  // The caller went away (its connection closed or its RPC was cancelled):
  // what is still queued is cancelled, what already happened is released,
  // and `done` is called with ERROR_CANCELLED unless it was called already.
  virtual void Cancel() = 0;
};

// What a daemon may wire around the catalogue and the devices when it
// builds the object graph (src/daemon/graph.h; never a global). rsmd wires
// nothing: every member is empty. The test daemon (tests/daemon/) wraps them
// in fault-injecting decorators that only test binaries contain.
struct ServiceSeams {
  // Receives the opened catalogue and returns the Store the service uses.
  // Called once, in daemon::OpenCatalogue.
  std::function<std::unique_ptr<catalog::Store>(std::unique_ptr<catalog::Store>)> wrap_store;
  // Receives a library's devices each time they are opened (in daemon::OpenLibraries, and
  // on the library's worker thread when it reopens them) before the service
  // uses them; may replace them with wrappers.
  std::function<void(const LibraryConfig&, devices::LibraryDevices&)> wrap_devices;
  // The fault switches a simulated library is built with (called in daemon::OpenLibraries
  // once per sim library); empty, or null returned: a private, fault-free one.
  std::function<std::shared_ptr<devices::sim::SimFaults>(const LibraryConfig&)> sim_faults;
};

class Service {
 public:
  using Done = std::function<void(const Status&)>;
  using MountDone = std::function<void(const Status&, const std::vector<Guid>& drives)>;

  // Takes the catalogue and the libraries' runtimes (devices opened or
  // offline; src/daemon/graph.h builds both) and builds, but does not
  // start, the service. Destroying it stops the workers before the devices
  // and the catalogue go.
  static Result<std::unique_ptr<Service>> Create(const Config& config, Clock* clock,
                                                 std::unique_ptr<catalog::Store> store,
                                                 std::vector<std::unique_ptr<LibraryRuntime>> libraries);
  ~Service();

  // The RSM startup rule, then inventory of every library, then workers.
  Status Start();
  // Completes every waiting call with ERROR_CANCELLED (nothing in the
  // catalogue changes: the start-up rule settles their requests). First
  // step of a shutdown; safe to call more than once.
  void CancelWaits();
  // Stops workers (each finishes its current device step) and timers.
  void Stop();

  Result<Guid> OpenSession(const Peer& peer, const std::string& server, const std::string& application,
                           const std::string& computer, uint32_t options);
  Status CloseSession(const Peer& peer, const Guid& session);
  // The connection `connection` is gone: its sessions close as with
  // CloseNtmsSession (waiting requests cancelled, held sides released).
  void ConnectionClosed(uint64_t connection);
  // `options`: dwOptions (0 or NTMS_ENUM_ROOTPOOL).
  Result<std::vector<Guid>> Enumerate(const Peer& peer, const Guid& session, const Guid& container, uint32_t type,
                                      uint32_t options = 0);
  // `type_hint`: the type the caller expects (0 = unknown). A right hint
  // saves the object_index lookup; a wrong one costs it, nothing else.
  Status GetObjectInfo(const Peer& peer, const Guid& session, const Guid& id, ObjectInfo* out, uint32_t type_hint = 0);
  Status SetEnabled(const Peer& peer, const Guid& session, uint32_t type, const Guid& id, bool enable);
  // MountNtmsMedia. `drives` (same length as media): the drives asked for
  // (NTMS_MOUNT_SPECIFIC_DRIVE); `done` gets the drives used. Returns null
  // when `done` has already been called.
  std::shared_ptr<PendingCall> Mount(const Peer& peer, const Guid& session, const std::vector<Guid>& media,
                                     const std::vector<Guid>& drives, uint32_t options, int32_t priority,
                                     uint32_t timeout_ms, MountDone done);
  Status DismountMedia(const Peer& peer, const Guid& session, const std::vector<Guid>& media, uint32_t options);
  std::shared_ptr<PendingCall> DismountDrive(const Peer& peer, const Guid& session, const Guid& drive, Done done);
  std::shared_ptr<PendingCall> Inventory(const Peer& peer, const Guid& session, const Guid& library, uint32_t action,
                                         Done done);
  Status CancelLibRequest(const Peer& peer, const Guid& session, const Guid& request);
  // EjectNtmsMedia / InjectNtmsMedia (ieports_api.cc). `operation` is the
  // caller's operation id (NTMS_*_STOP); a started operation's id goes to *started.
  Status EjectMedia(const Peer& peer, const Guid& session, const Guid& media, const Guid& operation, uint32_t action,
                    Guid* started);
  Status InjectMedia(const Peer& peer, const Guid& session, const Guid& library, const Guid& operation, uint32_t action,
                     Guid* started);
  // The media life cycle (media_api.cc, service/lifecycle.h).
  // DecommissionNtmsMedia: `side` is a side (partition) id.
  Status DecommissionMedia(const Peer& peer, const Guid& session, const Guid& side);
  // DeleteNtmsMedia: `media` is a physical media id.
  Status DeleteMedia(const Peer& peer, const Guid& session, const Guid& media);
  Status Ping(const Peer& peer);

  // ---- media pools (pools_api.cc; docs/pools.md) ----
  // CreateNtmsMediaPool: `name` is the UTF-8 hierarchy ("App\Pool", an
  // optional leading backslash), `media_type` null for a pool of pools,
  // `action` NtmsCreateOptions. The pool opened or created goes to *id.
  Status CreateMediaPool(const Peer& peer, const Guid& session, const std::string& name, const Guid& media_type,
                         uint32_t action, Guid* id);
  Status DeleteMediaPool(const Peer& peer, const Guid& session, const Guid& pool);
  // GetNtmsMediaPoolName: the full hierarchy, "\App\Pool" ("\" for the root pool).
  Status GetMediaPoolName(const Peer& peer, const Guid& session, const Guid& pool, std::string* name);
  Status MoveToMediaPool(const Peer& peer, const Guid& session, const Guid& media, const Guid& pool);
  // SetNtmsObjectInformation: the writable members of `info` (info.type is
  // the caller's dwType). Media pools only; other types ERROR_NOT_SUPPORTED.
  Status SetObjectInfo(const Peer& peer, const Guid& session, const Guid& id, const ObjectInfo& info);

  catalog::Store* store() { return store_.get(); }
  const Config& config() const { return config_; }

 private:
  friend class RequestWait;
  Service(const Config& config, Clock* clock);

  Status ApplyStartupRule();
  Status MarkRemovedLibraries();
  LibraryRuntime* RuntimeFor(const Guid& library);
  void Wake(const Guid& library);
  // Cancels what session `s` leaves behind and releases the sides it holds
  // (CloseNtmsSession and a closed connection).
  void UnwindSession(const Session& s);
  // InventoryNtmsLibrary(NTMS_INVENTORY_STOP); commits `txn`.
  Status StopInventories(RequestQueue::Txn& txn, const catalog::Library& lib);
  // DisableNtmsObject of a drive: queue its cartridge home when nobody holds it.
  Status SendHomeFromDisabledDrive(RequestQueue::Txn& qtxn, const Session& s, const catalog::Drive& d);
  // Registers a wait (RequestWait) until it completes.
  void Remember(const std::shared_ptr<RequestWait>& w);
  void Forget(RequestWait* w);
  // NTMS_EJECT_STOP / NTMS_INJECT_STOP: cancels a queued request of that operation.
  Status StopIeOperation(const Peer& peer, const Guid& operation, uint32_t lm_operation);

  Config config_;
  Clock* clock_;
  std::unique_ptr<catalog::Store> store_;
  Security security_;
  Sessions sessions_;
  std::unique_ptr<RequestQueue> queue_;
  Timers timers_;
  std::unique_ptr<Housekeeping> housekeeping_;
  std::vector<std::unique_ptr<LibraryRuntime>> libraries_;
  Mutex waits_mu_;
  std::unordered_map<RequestWait*, std::shared_ptr<RequestWait>> waits_ RSM_GUARDED_BY(waits_mu_);
  LogLimiter refusals_;  // log lines of calls refused by [limits]
  std::atomic<bool> stopping_{false};
};

// Blocking forms of the waiting calls, for in-process callers (benchmarks,
// tests): they wait on the calling thread for `done`.
Status MountAndWait(Service& svc, const Peer& peer, const Guid& session, const std::vector<Guid>& media,
                    std::vector<Guid>* drives, uint32_t options, int32_t priority, uint32_t timeout_ms);
Status DismountDriveAndWait(Service& svc, const Peer& peer, const Guid& session, const Guid& drive);
Status InventoryAndWait(Service& svc, const Peer& peer, const Guid& session, const Guid& library, uint32_t action);

}  // namespace openrsm::service
