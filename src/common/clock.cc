#include "common/clock.h"

#include <thread>

namespace openrsm {
namespace {
class SystemClock final : public Clock {
 public:
  int64_t NowMillis() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::chrono::steady_clock::time_point Steady() override { return std::chrono::steady_clock::now(); }
  void Sleep(std::chrono::microseconds d) override {
    if (d.count() > 0) std::this_thread::sleep_for(d);
  }
};
}  // namespace

Clock* RealClock() {
  static SystemClock clock;
  return &clock;
}

}  // namespace openrsm
