// RequestWait: one waiting call (MountNtmsMedia, DismountNtmsDrive,
// InventoryNtmsLibrary) for the library requests it queued. It costs no
// thread: the RequestQueue tells it each request's outcome (on the thread
// that committed it), the Timers tell it its deadline, and the RPC layer
// tells it when the caller went away (Cancel).
//
// It completes exactly once (`done`), when the first of these happens:
//   - every request passed                        -> success (and the drives)
//   - a request failed or was cancelled            -> that code; the others are
//                                                     given up (see GiveUp)
//   - the timeout passed (mounts)                  -> ERROR_TIMEOUT, or ERROR_BUSY
//                                                     when a request still waited
//                                                     for a busy resource
//   - the caller went away / its session closed    -> ERROR_CANCELLED
//   - rsmd stops (Shutdown)                        -> ERROR_CANCELLED, nothing written
// Giving up cancels the requests still queued or waiting, marks the ones
// the worker is running abandoned (the robot finishes; the cartridge is
// recorded but held for nobody), and releases what a passed mount holds
// (its drive is left dismountable), in one catalogue transaction.
// Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "common/thread_annotations.h"
#include "service/request_queue.h"
#include "service/service.h"
#include "service/timers.h"

namespace openrsm::service {

// A wait without a timer (dwTimeout INFINITE).
inline constexpr uint32_t kWaitForever = 0xFFFFFFFFu;

// Completes `done` with `st` now: what a waiting call returns (null) when it
// is answered before any request is queued.
inline std::shared_ptr<PendingCall> AnswerNow(const Service::MountDone& done, const Status& st) {
  done(st, {});
  return nullptr;
}

class RequestWait final : public PendingCall, public std::enable_shared_from_this<RequestWait> {
 public:
  enum Kind { kMount, kDismountDrive, kInventory };

  // Creates the wait for `ids` (queued by session `s`), registers it with
  // the service and watches the requests; call before the submitting
  // transaction commits. `timeout_ms` (mounts): 0xFFFFFFFF = none.
  static std::shared_ptr<RequestWait> Start(Service* svc, Kind kind, const Session& s, std::vector<Guid> ids,
                                            uint32_t timeout_ms, Service::MountDone done);
  // The submitting transaction did not commit: completes with `st`.
  void Abort(const Status& st);
  void Cancel() override { GiveUp(err::kCancelled, false); }
  // rsmd stops: completes with ERROR_CANCELLED without touching the catalogue.
  void Shutdown() { Complete(Status(err::kCancelled, "rsmd is stopping")); }

 private:
  RequestWait(Service* svc, Kind kind, const Session& s, std::vector<Guid> ids, Service::MountDone done);
  void OnOutcome(size_t i, const RequestOutcome& o);
  // Gives up the requests not yet done and completes with `code` (with
  // `timeout`: ERROR_BUSY if one still waits for a resource, else ERROR_TIMEOUT).
  void GiveUp(uint32_t code, bool timeout);
  void Complete(const Status& st);
  // The call's documented codes: outcomes outside them are mapped.
  Status MapResult(const Status& st) const;

  Service* svc_;
  const Kind kind_;
  const Session session_;
  const std::vector<Guid> ids_;
  Mutex mu_;
  std::vector<std::optional<RequestOutcome>> outcomes_ RSM_GUARDED_BY(mu_);
  bool finishing_ RSM_GUARDED_BY(mu_) = false;  // an outcome or a give-up decided the result
  bool completed_ RSM_GUARDED_BY(mu_) = false;  // `done` was called
  Service::MountDone done_ RSM_GUARDED_BY(mu_);
  Timers::Id timer_ RSM_GUARDED_BY(mu_) = 0;
};

}  // namespace openrsm::service
