// Completions: lets an RPC thread wait for a library request that a worker
// runs. A waiter registers interest (Expect) before the request is queued so
// no completion can be missed; the worker calls Finish. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "common/guid.h"

namespace openrsm::service {

class Completions {
 public:
  struct Outcome {
    uint32_t error = 0;
    Guid drive;  // the request's drive as its last commit recorded it (null if unknown)
  };
  void Expect(const Guid& id) {
    std::lock_guard<std::mutex> lock(mu_);
    pending_[id] = std::nullopt;
  }
  // Records the outcome if someone waits for it, and counts the completion
  // for WaitForAnyFinish (every request's, waited for or not).
  void Finish(const Guid& id, uint32_t error, const Guid& drive = Guid()) {
    std::lock_guard<std::mutex> lock(mu_);
    ++finished_;
    auto it = pending_.find(id);
    if (it != pending_.end()) it->second = Outcome{error, drive};
    cv_.notify_all();
  }
  // Completions counted so far. Read it before looking at the catalogue, then
  // WaitForAnyFinish(count, ...) cannot miss a request that finished after the look.
  uint64_t FinishedCount() {
    std::lock_guard<std::mutex> lock(mu_);
    return finished_;
  }
  // Waits until a request finishes after FinishedCount() returned `seen`, or
  // until `timeout` (a fallback for changes that are not request completions).
  void WaitForAnyFinish(uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return finished_ != seen; });
  }
  // Waits until Finish(id) or the deadline; forgets the id either way.
  std::optional<Outcome> Wait(const Guid& id, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_until(lock, deadline, [&] {
      auto it = pending_.find(id);
      return it == pending_.end() || it->second.has_value();
    });
    auto it = pending_.find(id);
    if (it == pending_.end()) return std::nullopt;
    auto r = it->second;
    if (r) pending_.erase(it);
    return r;
  }
  void Forget(const Guid& id) {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.erase(id);
  }
  // Completes every waiter with `error` (shutdown).
  void FinishAll(uint32_t error) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, v] : pending_)
      if (!v) v = Outcome{error, Guid()};
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<Guid, std::optional<Outcome>> pending_;
  uint64_t finished_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace openrsm::service
