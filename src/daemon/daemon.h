// The daemon skeleton shared by rsmd (tools/rsmd) and the test daemon
// rsmd_test (tests/daemon), so that the two differ only in what they wire
// in: Run reads the command line and the config, takes the state directory
// and the socket (one daemon each), builds the object graph in a visible
// order (listening socket, catalogue and devices, service, RPC server), runs
// in the foreground logging to stderr, and stops in reverse order on
// SIGTERM/SIGINT.
#pragma once

#include <functional>

#include "rpc/server/server.h"
#include "service/service.h"

namespace grpc {
class ServerBuilder;
}

namespace openrsm::daemon {

// What a daemon binary wires into the object graph. rsmd: nothing.
struct Wiring {
  // Passed to Service::Create.
  service::ServiceSeams seams;
  // Called by RpcServer::Serve with the daemon's RpcServer and the gRPC
  // builder (RpcServer::SetExtension), before the server starts.
  std::function<void(rpc::RpcServer&, grpc::ServerBuilder&)> server_extension;
};

// Runs the daemon named `name` (its log name and --help) until SIGTERM or
// SIGINT. Returns main's exit code: 0 after a clean stop or a done
// --restore-catalog, 1 when it cannot start (or the restore failed), 2 for a
// bad config file (CLI11's own codes for a bad command line).
int Run(int argc, char** argv, const char* name, Wiring wiring);

}  // namespace openrsm::daemon
