// FakeClock: a Clock for tests whose time moves only when the test says so.
// One copy for every test folder (tests/unit, bench, ...).
//
// NowMillis() and Steady() start at fixed values and advance together, by
// Advance() or by Sleep(), which returns at once. Sleep() also records each
// duration (sleeps(), sleep_count(); ClearSleeps() forgets them) and then runs
// the hook set_on_sleep() gave, outside the clock's lock (a test can look at
// the world while the code under test "sleeps"). Thread-safe: a thread under
// test may read it while the test advances it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace openrsm::test_support {

class FakeClock final : public Clock {
 public:
  static constexpr int64_t kStartMillis = 1714564984056;  // 2024-05-01 12:03:04.056 UTC

  int64_t NowMillis() override {
    std::lock_guard lock(mu_);
    return kStartMillis + std::chrono::duration_cast<std::chrono::milliseconds>(elapsed_).count();
  }
  std::chrono::steady_clock::time_point Steady() override {
    std::lock_guard lock(mu_);
    return std::chrono::steady_clock::time_point(std::chrono::seconds(1000) + elapsed_);
  }
  void Sleep(std::chrono::microseconds d) override {
    std::function<void()> hook;
    {
      std::lock_guard lock(mu_);
      sleeps_.push_back(d);
      elapsed_ += d;
      hook = on_sleep_;
    }
    if (hook) hook();
  }
  void Advance(std::chrono::microseconds d) {
    std::lock_guard lock(mu_);
    elapsed_ += d;
  }

  std::vector<std::chrono::microseconds> sleeps() {
    std::lock_guard lock(mu_);
    return sleeps_;
  }
  size_t sleep_count() {
    std::lock_guard lock(mu_);
    return sleeps_.size();
  }
  void ClearSleeps() {
    std::lock_guard lock(mu_);
    sleeps_.clear();
  }
  void set_on_sleep(std::function<void()> f) {
    std::lock_guard lock(mu_);
    on_sleep_ = std::move(f);
  }

 private:
  std::mutex mu_;
  std::chrono::microseconds elapsed_{0};
  std::vector<std::chrono::microseconds> sleeps_;
  std::function<void()> on_sleep_;
};

}  // namespace openrsm::test_support
