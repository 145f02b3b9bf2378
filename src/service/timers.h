// Timers: runs callbacks at deadlines on one thread (MountNtmsMedia's
// dwTimeout). A callback runs on the timer thread with no lock held; it may
// do catalogue work but should not block for long. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <thread>

#include "common/clock.h"
#include "common/thread_annotations.h"

namespace openrsm::service {

class Timers {
 public:
  using Id = uint64_t;
  explicit Timers(Clock* clock);
  ~Timers();  // Stop()
  void Start();
  // Drops the timers that have not fired and joins the thread.
  void Stop();
  // Runs `fn` once `delay` of the clock's steady time has passed; returns an
  // id for Cancel.
  Id After(std::chrono::milliseconds delay, std::function<void()> fn);
  // True if the timer had not fired (and now never will).
  bool Cancel(Id id);

 private:
  void Loop();
  Clock* clock_;
  Mutex mu_;
  std::condition_variable cv_;
  bool stop_ RSM_GUARDED_BY(mu_) = false;
  Id next_id_ RSM_GUARDED_BY(mu_) = 1;
  std::multimap<std::chrono::steady_clock::time_point, Id> by_time_ RSM_GUARDED_BY(mu_);
  std::map<Id, std::pair<std::chrono::steady_clock::time_point, std::function<void()>>> timers_ RSM_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace openrsm::service
