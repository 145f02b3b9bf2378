// rsmd: the OpenRSM daemon. Its skeleton (command line, config, locks, the
// object graph, signals) is src/daemon/daemon.h, shared with the test daemon
// rsmd_test (tests/daemon/), which differs only in what it wires in; rsmd
// wires in nothing.
#include "daemon/daemon.h"

int main(int argc, char** argv) { return openrsm::daemon::Run(argc, argv, "rsmd", {}); }
