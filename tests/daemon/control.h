// What the test daemon rsmd_test wires into the daemon skeleton
// (src/daemon/daemon.h), which rsmd runs with nothing wired in:
//   - every catalogue transaction goes through a FaultyStore;
//   - every changer is a CrashAfterMoveChanger;
//   - every simulated library is built with SimFaults the daemon keeps;
//   - the control service openrsm.test.RsmTestControl (rsm_test.proto),
//     served to root on the daemon's socket, drives them;
//   - a gRPC server interceptor arms a FailCall fault on the thread that runs
//     the named call (the handler runs inside the interceptor's Proceed() on
//     gRPC's callback API), so only that call's own transactions can fail.
#pragma once

#include "daemon/daemon.h"

namespace openrsm::testdaemon {

// The state the returned wiring refers to is owned by its functions.
daemon::Wiring MakeTestWiring();

}  // namespace openrsm::testdaemon
