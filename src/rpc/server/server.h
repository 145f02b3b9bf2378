// RpcServer: serves the Rsm gRPC service on a Unix socket.
//
// gRPC 1.51 cannot tell a handler who is calling over its own Unix-socket
// listener, so the server owns the listening socket: it accepts connections
// itself, reads the peer's uid/gid/pid with SO_PEERCRED, and hands each
// (non-blocking) connection to gRPC with AddInsecureChannelFromFd. Handlers
// find the caller's credentials by the "fd:N" peer string.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/status.h"
#include "service/service.h"

namespace grpc {
class Server;
}

namespace openrsm::rpc {

class RpcServer {
 public:
  explicit RpcServer(service::Service* service);
  ~RpcServer();
  // Binds `socket_path` (replacing a stale socket), mode 0666: every local
  // user may connect; rights are checked per call.
  Status Start(const std::string& socket_path);
  void Stop();
  // Credentials of the connection behind a gRPC peer string; false if unknown.
  bool PeerOf(const std::string& grpc_peer, service::Peer* out);

 private:
  void AcceptLoop();

  service::Service* service_;
  std::unique_ptr<class RsmServiceImpl> impl_;
  std::unique_ptr<grpc::Server> server_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::string path_;
  std::thread accept_thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace openrsm::rpc
