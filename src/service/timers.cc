#include "service/timers.h"

namespace openrsm::service {

Timers::Timers(Clock* clock) : clock_(clock) {}

Timers::~Timers() { Stop(); }

void Timers::Start() {
  MutexLock lock(&mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Timers::Stop() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
    by_time_.clear();
    timers_.clear();
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

Timers::Id Timers::After(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto at = clock_->Steady() + delay;
  MutexLock lock(&mu_);
  Id id = next_id_++;
  timers_[id] = {at, std::move(fn)};
  by_time_.emplace(at, id);
  cv_.notify_all();
  return id;
}

bool Timers::Cancel(Id id) {
  MutexLock lock(&mu_);
  auto it = timers_.find(id);
  if (it == timers_.end()) return false;
  auto range = by_time_.equal_range(it->second.first);
  for (auto t = range.first; t != range.second; ++t)
    if (t->second == id) {
      by_time_.erase(t);
      break;
    }
  timers_.erase(it);
  return true;
}

void Timers::Loop() {
  MutexLock lock(&mu_);
  while (!stop_) {
    if (by_time_.empty()) {
      Wait(cv_, mu_, [&]() RSM_NO_THREAD_SAFETY_ANALYSIS { return stop_ || !by_time_.empty(); });
      continue;
    }
    auto first = by_time_.begin();
    auto now = clock_->Steady();
    if (first->first > now) {
      // The clock's steady time is the real one for every clock rsmd runs
      // with; re-check at least every 100 ms for clocks that run faster.
      auto until = std::min(first->first, now + std::chrono::milliseconds(100));
      WaitFor(cv_, mu_, until - now, [&]() RSM_NO_THREAD_SAFETY_ANALYSIS { return stop_; });
      continue;
    }
    Id id = first->second;
    by_time_.erase(first);
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;
    auto fn = std::move(it->second.second);
    timers_.erase(it);
    mu_.Unlock();
    fn();
    mu_.Lock();
  }
}

}  // namespace openrsm::service
