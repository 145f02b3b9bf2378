// RpcServer: serves the Rsm gRPC service on a Unix socket.
//
// gRPC 1.51 cannot tell a handler who is calling over its own Unix-socket
// listener, so the server owns the listening socket: it accepts connections
// itself, reads the peer's credentials (SO_PEERCRED: uid, gid, pid;
// SO_PEERGROUPS: supplementary groups) once per connection, and hands the
// connection to gRPC (AddInsecureChannelFromFd). Handlers find the caller by
// the "fd:N" peer string. Sessions are bound to their connection
// (service/sessions.h); a duplicate of each connection's descriptor is
// watched (epoll, EPOLLRDHUP) so that the service hears at once when a
// connection closes (Service::ConnectionClosed).
//
// Protection (docs/security.md): a uid other than root may hold at most
// [limits] connections_per_uid connections, and all of them together at most
// max_connections; beyond that a connection is closed as soon as it is
// accepted, with a rate-limited log line. When the process runs out of file
// descriptors, a reserved descriptor lets the accept loop take the
// connection and close it instead of spinning, and it backs off briefly.
// Root is never refused by these limits.
//
// The service is served with gRPC's callback API: a call that waits for a
// library request holds no thread (Service's PendingCall).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/config.h"
#include "common/log_limiter.h"
#include "common/status.h"
#include "common/thread_annotations.h"
#include "service/service.h"

namespace grpc {
class Server;
class ServerBuilder;
}  // namespace grpc

namespace openrsm::rpc {

class RpcServer {
 public:
  RpcServer(service::Service* service, Limits limits);
  ~RpcServer();
  // The service the handlers call (set before Serve when it was not known
  // at construction: rsmd listens before it opens the catalogue).
  void SetService(service::Service* service) { service_ = service; }
  // Called by Serve with the gRPC builder before it builds the server: a
  // daemon may register more services or interceptors on the same socket
  // (rsmd registers none; the test daemon adds its control service).
  void SetExtension(std::function<void(grpc::ServerBuilder&)> extension) { extension_ = std::move(extension); }
  // Creates the listening socket for `socket_path`, mode 0666 (every local
  // user may connect; rights are checked per call). Fails when the path is
  // too long, its directory cannot be made, or a live daemon already serves
  // it (a stale socket file is replaced). The socket appears at
  // `socket_path` only when Serve starts answering on it.
  Status Listen(const std::string& socket_path);
  // Starts gRPC and the accept loop.
  Status Serve();
  // Stops accepting, cancels the calls still in flight after a short grace
  // period, and removes the socket file. Safe to call more than once.
  void Stop();
  // Credentials of the connection behind a gRPC peer string; false if unknown.
  bool PeerOf(const std::string& grpc_peer, service::Peer* out);

  // Whether a daemon answers on `socket_path` (a connect succeeds).
  static bool SocketIsLive(const std::string& socket_path);

 private:
  struct Conn {
    service::Peer peer;
    int watch_fd = -1;  // our duplicate of gRPC's descriptor, watched for hang-up
    int grpc_fd = -1;
  };
  void AcceptLoop();
  void AcceptReady();
  // Takes connection `fd` (credentials read), or refuses it.
  void Admit(int fd);
  void Closed(uint64_t id);
  // Logs (rate-limited) and pauses accepts for 100 ms (accept thread only).
  void OutOfDescriptors();
  // Logs `what` at most once every 10 s per key, with how many were suppressed.
  void RateLimitedWarn(const std::string& key, const std::string& what);

  service::Service* service_;
  const Limits limits_;
  std::function<void(grpc::ServerBuilder&)> extension_;
  std::unique_ptr<class RsmServiceImpl> impl_;
  std::unique_ptr<grpc::Server> server_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  int reserve_fd_ = -1;  // released to accept-and-close when out of descriptors
  std::string path_;
  std::string bound_path_;  // where the socket is now (a starting name until Serve)
  bool own_socket_file_ = false;
  std::thread accept_thread_;
  std::atomic<bool> stop_{false};
  int64_t backoff_until_ms_ = 0;  // accept thread only: no accepts before this (EMFILE)

  Mutex mu_;
  uint64_t next_id_ RSM_GUARDED_BY(mu_) = 1;
  std::unordered_map<int, uint64_t> by_grpc_fd_ RSM_GUARDED_BY(mu_);
  std::unordered_map<uint64_t, Conn> conns_ RSM_GUARDED_BY(mu_);
  std::unordered_map<uint32_t, uint32_t> per_uid_ RSM_GUARDED_BY(mu_);
  uint32_t non_root_ RSM_GUARDED_BY(mu_) = 0;
  LogLimiter log_limiter_;
};

}  // namespace openrsm::rpc
