#include "tests/daemon/crash_changer.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace openrsm::testdaemon {

Status CrashAfterMoveChanger::Move(const devices::ElementRef& from, const devices::ElementRef& to) {
  Status st = inner_->Move(from, to);
  if (st.ok() && armed_->exchange(false)) {
    spdlog::critical("test hook: crashing after a completed move, before the catalogue commit");
    spdlog::default_logger()->flush();
    std::_Exit(137);
  }
  return st;
}

}  // namespace openrsm::testdaemon
