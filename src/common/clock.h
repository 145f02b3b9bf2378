// Clock: the injected time source. Nothing below main() reads the system
// clock or sleeps directly; it asks a Clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace openrsm {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in milliseconds since the Unix epoch (for timestamps).
  virtual int64_t NowMillis() = 0;
  // Monotonic time for deadlines.
  virtual std::chrono::steady_clock::time_point Steady() = 0;
  // Blocks the calling thread for `d` of this clock's time.
  virtual void Sleep(std::chrono::microseconds d) = 0;
};

// The real clock. Thread-safe.
Clock* RealClock();

}  // namespace openrsm
