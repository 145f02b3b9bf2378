// RequestQueue: the one place that changes a library request's state
// (NtmsLmState), who is waiting for which request, and how many unfinished
// requests each uid has.
//
// Every state change goes through a RequestQueue::Txn (a catalogue write
// transaction plus the queue's bookkeeping) and is checked against one table
// of allowed transitions (Allowed):
//
//   new        -> QUEUED      submitted for a library worker
//   new        -> DEFERRED    gathered by NTMS_EJECT_QUEUE until a START
//   new        -> PASSED      a change done in the submitting call (Enable/Disable)
//   DEFERRED   -> QUEUED      NTMS_EJECT_START
//   QUEUED     -> WAITING     parked by the worker: a resource it needs is busy
//   QUEUED     -> INPROCESS   claimed by the worker
//   WAITING    -> INPROCESS   claimed by the worker once the resource is free
//   QUEUED, WAITING -> FAILED     refused by the worker when it tried to claim it
//   DEFERRED, QUEUED, WAITING -> CANCELLED   by its caller, a timeout, a closed
//                                            session or connection, the start-up rule
//   INPROCESS  -> PASSED | FAILED   the worker's outcome (also the start-up rule: FAILED)
//
// PASSED, FAILED and CANCELLED are final. When a transaction that moved
// requests to a final state commits, their watchers are called (in the
// committing thread, after the commit, without any queue lock held) and the
// submitters' per-uid counts drop.
//
// A caller that gives up on a request the worker is running (timeout,
// cancel) cannot stop the robot: it marks the request abandoned (Abandon,
// inside a write transaction) and the worker, committing the move's result
// in its own write transaction, sees the mark and records the cartridge
// without holding it for anyone. Both sides hold the catalogue's write lock
// when they set or read the mark, so exactly one of them sees the other.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <vector>

#include "catalog/store.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/guid.h"
#include "common/log_limiter.h"
#include "common/status.h"
#include "common/thread_annotations.h"
#include "service/sessions.h"

namespace openrsm::service {

// How a library request ended, as its watchers learn it.
struct RequestOutcome {
  Guid id;
  uint32_t state = 0;  // NTMS_LM_PASSED, NTMS_LM_FAILED or NTMS_LM_CANCELLED
  uint32_t error = 0;  // Win32 code (0 when passed)
  Guid drive;          // the request's drive as its final commit recorded it
};

class RequestQueue {
 public:
  using Watcher = std::function<void(const RequestOutcome&)>;
  using WakeFn = std::function<void(const Guid& library)>;

  // A request that is not stored yet (the "from" of a submit).
  static constexpr uint32_t kNew = 0xFFFFFFFFu;
  // Whether a request may go from state `from` to `to` (the table above).
  static bool Allowed(uint32_t from, uint32_t to);
  static bool IsFinal(uint32_t state);

  // `limits` and `clock` must outlive the queue.
  RequestQueue(catalog::Store* store, Clock* clock, const Limits* limits);

  // Called (outside any lock) when a library has new work for its worker or
  // something its waiting requests wait for may have been freed.
  void SetWake(WakeFn wake);
  // Wakes `library`'s worker (a side released, a drive enabled, ...).
  void Poke(const Guid& library);

  class Txn {
   public:
    Txn(Txn&&) noexcept;
    ~Txn();  // rolls back and returns the uid reservations of an uncommitted submit
    // The catalogue transaction (commit through Commit() below, never db().Commit()).
    catalog::Txn& db() { return *txn_; }

    // Stores a new request in `state` (QUEUED, DEFERRED or PASSED): assigns
    // its id, name, times and the session's fields. A QUEUED or DEFERRED
    // request counts against its submitter's requests_per_uid (root is not
    // counted): ERROR_NOT_ENOUGH_MEMORY when the uid has that many unfinished.
    Status Submit(catalog::LibRequest& req, const Session& s, uint32_t state = 0 /* NTMS_LM_QUEUED */);
    // Moves `req` (as read in this transaction) to `to` with `error`, setting
    // its times; ERROR_INVALID_STATE for a transition the table forbids.
    Status Move(catalog::LibRequest& req, uint32_t to, uint32_t error = 0);
    // Marks an INPROCESS request abandoned by its caller with `code` (see the
    // header comment). Kept even if this transaction rolls back.
    void Abandon(const catalog::LibRequest& req, uint32_t code);
    // The outcomes this transaction commits go to `*sink` instead of the
    // watchers; the caller delivers them later (Deliver). The worker holds
    // them until it has finished with the device (an inventory after a UNIT
    // ATTENTION), so that a caller's next read reflects the device.
    void Hold(std::vector<RequestOutcome>* sink) { hold_ = sink; }
    // Commits and releases the catalogue transaction (db() is invalid
    // afterwards); then wakes the libraries that got new work and tells the
    // watchers of the requests this transaction finished.
    Status Commit();

   private:
    friend class RequestQueue;
    Txn(RequestQueue* q, std::unique_ptr<catalog::Txn> txn) : q_(q), txn_(std::move(txn)) {}
    RequestQueue* q_;
    std::unique_ptr<catalog::Txn> txn_;
    std::vector<RequestOutcome> finished_;
    std::set<Guid> wake_;
    std::vector<std::pair<Guid, uint32_t>> submitted_;  // (request, uid) counted in this transaction
    std::vector<RequestOutcome>* hold_ = nullptr;
    bool committed_ = false;
  };

  // A synced write transaction; `synced` false: BeginUnsynced (see Store).
  Result<Txn> Begin(bool synced = true);
  // A write transaction that works while the store is degraded (full): for
  // recording outcomes and marks rsmd cannot leave unrecorded.
  Result<Txn> BeginRecovery();

  // Calls `w` once when request `id` reaches a final state (register before
  // the submit commits). One watcher per request; a second replaces it.
  void Watch(const Guid& id, Watcher w);
  void Unwatch(const Guid& id);
  // Tells the watcher of `outcome.id` without a catalogue change: the final
  // state could not be committed (the start-up rule or a later reconcile
  // records it). Also drops the request's count.
  void FinishUncommitted(const RequestOutcome& outcome);
  // Tells the watchers of outcomes a Txn held (Txn::Hold).
  void Deliver(const std::vector<RequestOutcome>& outcomes) { Notify(outcomes); }

  // The abandon mark of an INPROCESS request (0: none). Read it inside the
  // write transaction that commits the request's outcome.
  uint32_t AbandonedCode(const Guid& id);

  // The requests of one multi-media MountNtmsMedia (all or none may hold
  // drives while the others wait). BatchOf: the batch of `id` (empty: none).
  void SetBatch(const std::vector<Guid>& ids);
  std::vector<Guid> BatchOf(const Guid& id);

  // Unfinished requests submitted by `uid` (those counted).
  uint32_t Outstanding(uint32_t uid);

  // Fails every watcher with `error` (shutdown) and forgets them.
  void FinishAllWatchers(uint32_t error);

 private:
  void Committed(Txn& t);
  void Release(const std::vector<std::pair<Guid, uint32_t>>& submitted) RSM_EXCLUDES(mu_);
  void Notify(const std::vector<RequestOutcome>& outcomes) RSM_EXCLUDES(mu_);

  catalog::Store* store_;
  Clock* clock_;
  const Limits* limits_;
  LogLimiter log_limiter_;  // refusals by requests_per_uid, per uid
  Mutex mu_;
  WakeFn wake_ RSM_GUARDED_BY(mu_);
  std::unordered_map<Guid, Watcher> watchers_ RSM_GUARDED_BY(mu_);
  std::unordered_map<Guid, uint32_t> abandoned_ RSM_GUARDED_BY(mu_);
  std::unordered_map<Guid, std::shared_ptr<std::vector<Guid>>> batches_ RSM_GUARDED_BY(mu_);
  std::unordered_map<Guid, uint32_t> owner_ RSM_GUARDED_BY(mu_);            // counted request -> uid
  std::unordered_map<uint32_t, uint32_t> outstanding_ RSM_GUARDED_BY(mu_);  // uid -> counted requests
};

}  // namespace openrsm::service
