// OutcomeSyncer: tells waiters the outcomes of library requests only once
// they are durable, without making the library's worker wait for the sync.
//
// The worker commits a request's result unsynced (docs/service.md "Commits
// of one library request"), hands the outcomes its commits produced to
// Deliver(), and goes on with the next request at once. The syncer's thread
// takes every outcome handed over so far, calls Store::SyncCommitted (which
// makes every commit that returned before it durable; concurrent callers
// share syncs) and only then tells their watchers (RequestQueue::Deliver).
// So outcomes handed over while a sync runs are told after the next one: one
// sync for however many requests finished meanwhile (group commit).
//
// A failed sync tells each watcher FAILED with the sync's error (the store
// is then in failed mode): a waiter never learns an outcome that is not
// durable, and is never left waiting.
//
// Thread safety: Deliver from any thread; Start and Stop from the owner.
#pragma once

#include <condition_variable>
#include <string>
#include <thread>
#include <vector>

#include "catalog/store.h"
#include "common/thread_annotations.h"
#include "service/request_queue.h"

namespace openrsm::service {

class OutcomeSyncer {
 public:
  // `name` names the library in log lines. `store` and `queue` outlive it.
  OutcomeSyncer(catalog::Store* store, RequestQueue* queue, std::string name);
  ~OutcomeSyncer();  // Stop()
  void Start();
  // Outcomes committed (synced or not) before this call; their watchers are
  // told after a SyncCommitted that begins after this call. Without a
  // running thread (before Start, after Stop) this syncs and tells at once.
  void Deliver(std::vector<RequestOutcome> outcomes);
  // Syncs and tells whatever was handed over, then ends the thread.
  void Stop();

 private:
  void Loop();
  // Syncs, then tells the watchers of `batch` (the syncer's thread, or Stop).
  void SyncAndTell(std::vector<RequestOutcome>& batch);

  catalog::Store* const store_;
  RequestQueue* const queue_;
  const std::string name_;
  Mutex mu_;
  std::condition_variable cv_;
  std::vector<RequestOutcome> pending_ RSM_GUARDED_BY(mu_);
  bool running_ RSM_GUARDED_BY(mu_) = false;
  bool stop_ RSM_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace openrsm::service
