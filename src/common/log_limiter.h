// LogLimiter: keeps a log line that a caller can provoke at will (a refused
// connection, a request over a limit) to once per interval and key, and
// counts what it held back. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/thread_annotations.h"

namespace openrsm {

class LogLimiter {
 public:
  explicit LogLimiter(std::chrono::milliseconds interval = std::chrono::seconds(10)) : interval_(interval) {}
  // True when a line for `key` may be logged now; *suppressed gets how many
  // were held back since the last one that was.
  bool Allow(const std::string& key, uint64_t* suppressed) {
    const auto now = std::chrono::steady_clock::now();
    MutexLock lock(&mu_);
    State& s = state_[key];
    if (s.logged && now - s.last < interval_) {
      ++s.suppressed;
      return false;
    }
    *suppressed = s.suppressed;
    s.suppressed = 0;
    s.last = now;
    s.logged = true;
    return true;
  }

 private:
  struct State {
    std::chrono::steady_clock::time_point last;
    uint64_t suppressed = 0;
    bool logged = false;
  };
  const std::chrono::milliseconds interval_;
  Mutex mu_;
  std::unordered_map<std::string, State> state_ RSM_GUARDED_BY(mu_);
};

}  // namespace openrsm
