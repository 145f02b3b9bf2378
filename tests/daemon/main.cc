// rsmd_test: the test daemon. rsmd's own skeleton and libraries
// (src/daemon/daemon.h) with the fault-injecting decorators and the control
// service of control.h wired in. Built only under tests/ and never
// installed; the API test harness (tests/api/harness.h) runs it by default.
#include "daemon/daemon.h"
#include "tests/daemon/control.h"

int main(int argc, char** argv) {
  return openrsm::daemon::Run(argc, argv, "rsmd_test", openrsm::testdaemon::MakeTestWiring());
}
