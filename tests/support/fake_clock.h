// FakeClock: a Clock for tests whose time moves only when the test says so.
//
// NowMillis() and Steady() start at fixed values and advance together by
// Advance() or Sleep() (which returns at once). Thread-safe: a thread under
// test may read it while the test advances it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "common/clock.h"

namespace openrsm::test_support {

class FakeClock final : public Clock {
 public:
  static constexpr int64_t kStartMillis = 1714564984056;  // 2024-05-01 12:03:04.056 UTC

  int64_t NowMillis() override { return now_ms_; }
  std::chrono::steady_clock::time_point Steady() override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(steady_ms_));
  }
  void Sleep(std::chrono::microseconds d) override {
    Advance(std::chrono::duration_cast<std::chrono::milliseconds>(d));
  }
  void Advance(std::chrono::milliseconds d) {
    now_ms_ += d.count();
    steady_ms_ += d.count();
  }

 private:
  std::atomic<int64_t> now_ms_{kStartMillis};
  std::atomic<int64_t> steady_ms_{1000000};
};

}  // namespace openrsm::test_support
