#include "client/session.h"

#include <grpcpp/create_channel_posix.h>
#include <grpcpp/grpcpp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <thread>
#include <unordered_map>

#include "client/fork_guard.h"
#include "common/config.h"
#include "ntmsapi.h"

namespace openrsm::client {
namespace {

// How long OpenSession retries while rsmd's accept queue is full.
constexpr std::chrono::seconds kConnectWait{5};

std::unordered_map<void*, std::shared_ptr<ClientSession>>& Registry() {
  static auto* r = new std::unordered_map<void*, std::shared_ptr<ClientSession>>();
  return *r;
}

// A new connection to rsmd's socket, made with the caller's credentials of
// this moment (rsmd reads them with SO_PEERCRED). Returns the descriptor
// (close-on-exec, non-blocking), or -1 with `why` set: at once when nothing
// listens (no socket file, connection refused), after kConnectWait when
// rsmd's accept queue stays full.
int Connect(const std::string& path, std::string* why) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    *why = "socket path too long";
    return -1;
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    *why = std::strerror(errno);
    return -1;
  }
  const auto give_up = std::chrono::steady_clock::now() + kConnectWait;
  for (;;) {
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
    int e = errno;
    if (e == EINTR) continue;
    if (e != EAGAIN || std::chrono::steady_clock::now() >= give_up) {
      *why = std::strerror(e);
      ::close(fd);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // accept queue full
  }
}

// The channel over `fd` (gRPC owns it from here). It is a direct channel: it
// never reconnects, never goes idle, and while a call waits it pings rsmd
// every kKeepaliveTime, closing the connection when a ping is not answered
// within kKeepaliveTimeout.
std::shared_ptr<grpc::Channel> ChannelOver(int fd) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, int(kKeepaliveTime.count()));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, int(kKeepaliveTimeout.count()));
  // Pings only while a call waits. Between calls no thread polls this
  // connection (a synchronous client over a direct channel has no background
  // poller), so a ping's answer would go unread and the watchdog would close
  // a healthy idle session (measured: every idle session died after ~15 s).
  // A connection lost while idle is noticed by the next call, at once.
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  // A call that waits (a mount) sends no data: without this, gRPC sends two
  // pings and then no more until data is sent, and stops noticing a dead rsmd.
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  args.SetInt(GRPC_ARG_CLIENT_IDLE_TIMEOUT_MS, INT_MAX);
  return grpc::CreateCustomInsecureChannelFromFd("rsmd", fd, args);
}

}  // namespace

std::mutex& RegistryMutex() {
  static auto* mu = new std::mutex();
  return *mu;
}

void SetQuickDeadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() + kQuickCallTimeout);
}

void SetMountDeadline(grpc::ClientContext* ctx, uint32_t timeout_ms) {
  if (timeout_ms == kInfinite) return;
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms) + kMountMargin);
}

uint32_t TransportError(const grpc::Status& st, uint32_t on_deadline) {
  switch (st.error_code()) {
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return on_deadline;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return err::kNotEnoughMemory;
    default:  // UNAVAILABLE (connection lost or closed) and anything unexpected
      return err::kNotConnected;
  }
}

Result<ClientSession*> OpenSession(const std::string& server, const std::string& application, uint32_t options) {
  RpcScope scope;  // outlives `s` and every gRPC object below
  if (!RpcUsable())
    return Status(ERROR_NO_NETWORK, "forked while another thread was in a libntmsapi call: exec, or fork when idle");
  EnsureRpcRuntime();
  const std::string path = ClientSocketPath();
  std::string why;
  int fd = Connect(path, &why);
  if (fd < 0) return Status(err::kNotConnected, "cannot reach rsmd at " + path + ": " + why);
  auto s = std::make_unique<ClientSession>();
  s->pid = getpid();
  s->channel = ChannelOver(fd);
  s->stub = rpc::Rsm::NewStub(s->channel);
  rpc::OpenSessionRequest req;
  req.set_server(server);
  req.set_application(application);
  req.set_options(options);
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  req.set_computer(std::string(host).substr(0, 63));
  rpc::OpenSessionReply rep;
  grpc::ClientContext ctx;
  SetQuickDeadline(&ctx);
  grpc::Status gs = s->stub->OpenSession(&ctx, req, &rep);
  if (!gs.ok()) return Status(TransportError(gs), gs.error_message());
  if (rep.result().error() != 0) return Status(rep.result().error(), rep.result().message());
  s->token = rep.session();
  std::shared_ptr<ClientSession> shared(std::move(s));
  ClientSession* raw = shared.get();
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry()[raw] = std::move(shared);
  return raw;
}

std::shared_ptr<ClientSession> Lookup(void* handle) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find(handle);
  if (it == Registry().end()) return nullptr;
  if (it->second->pid != getpid()) return nullptr;  // handles cannot be shared across processes
  return it->second;
}

void Forget(void* handle) {
  std::shared_ptr<ClientSession> last;  // released after the lock (it may close the channel)
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find(handle);
  if (it == Registry().end()) return;
  last = std::move(it->second);
  Registry().erase(it);
}

}  // namespace openrsm::client
