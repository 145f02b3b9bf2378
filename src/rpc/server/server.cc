#include "rpc/server/server.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <new>

#include "common/thread_annotations.h"
#include "rpc/rsm.grpc.pb.h"
#include "rpc/server/convert.h"

namespace openrsm::rpc {

namespace {

Guid GuidOf(const std::string& raw) { return GuidFromRaw(raw); }
std::string Raw(const Guid& g) { return RawGuid(g); }

void SetResult(const Status& st, Result* r) {
  r->set_error(st.code());
  if (!st.ok()) r->set_message(st.message());
}

// Runs a handler body, turning an allocation failure anywhere in the call
// path into ERROR_NOT_ENOUGH_MEMORY (the catalogue transaction, if any, has
// rolled back by then).
template <typename Fn>
Status Guarded(Fn&& fn) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Status(err::kNotEnoughMemory, "allocation failure");
  }
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

constexpr uint64_t kListenTag = 0;
constexpr uint64_t kWakeTag = ~uint64_t(0);

bool FillAddress(const std::string& path, sockaddr_un* addr) {
  *addr = sockaddr_un{};
  addr->sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr->sun_path) return false;
  std::memcpy(addr->sun_path, path.c_str(), path.size() + 1);
  return true;
}

// A call that waits for library requests: the PendingCall is cancelled when
// the client goes away (or its deadline passes), and the reply is sent when
// the service calls `done`. Deletes itself when gRPC is done with it.
class WaitingReactor final : public grpc::ServerUnaryReactor {
 public:
  void Attach(std::shared_ptr<service::PendingCall> call) {
    MutexLock lock(&mu_);
    if (!finished_) call_ = std::move(call);
  }
  void Reply() {
    {
      MutexLock lock(&mu_);
      finished_ = true;
      call_.reset();
    }
    Finish(grpc::Status::OK);
  }
  void OnCancel() override {
    std::shared_ptr<service::PendingCall> call;
    {
      MutexLock lock(&mu_);
      call = call_;
    }
    if (call) call->Cancel();
  }
  void OnDone() override { delete this; }

 private:
  Mutex mu_;
  bool finished_ RSM_GUARDED_BY(mu_) = false;
  std::shared_ptr<service::PendingCall> call_ RSM_GUARDED_BY(mu_);
};

}  // namespace

class RsmServiceImpl final : public Rsm::CallbackService {
 public:
  RsmServiceImpl(service::Service* svc, RpcServer* server) : svc_(svc), server_(server) {}

  grpc::ServerUnaryReactor* OpenSession(grpc::CallbackServerContext* ctx, const OpenSessionRequest* req,
                                        OpenSessionReply* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    Status st = Guarded([&]() -> Status {
      auto r = svc_->OpenSession(peer, req->server(), req->application(), req->computer(), req->options());
      if (!r.ok()) return r.status();
      rep->set_session(Raw(*r));
      return Status::Ok();
    });
    SetResult(st, rep->mutable_result());
    return Ok(ctx);
  }
  grpc::ServerUnaryReactor* CloseSession(grpc::CallbackServerContext* ctx, const SessionRequest* req,
                                         Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    SetResult(Guarded([&] { return svc_->CloseSession(peer, GuidOf(req->session())); }), rep);
    return Ok(ctx);
  }
  grpc::ServerUnaryReactor* Enumerate(grpc::CallbackServerContext* ctx, const EnumerateRequest* req,
                                      EnumerateReply* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    Status st = Guarded([&]() -> Status {
      auto r = svc_->Enumerate(peer, GuidOf(req->session()), GuidOf(req->container()), req->type(), req->options());
      if (!r.ok()) return r.status();
      for (const auto& id : *r) rep->add_ids(Raw(id));
      return Status::Ok();
    });
    SetResult(st, rep->mutable_result());
    return Ok(ctx);
  }
  grpc::ServerUnaryReactor* GetObjectInfo(grpc::CallbackServerContext* ctx, const ObjectRequest* req,
                                          ObjectInfoReply* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    // req->type(): the caller's expected type, a hint (0 = unknown).
    Status st = Guarded([&]() -> Status {
      openrsm::ObjectInfo info;
      RSM_RETURN_IF_ERROR(svc_->GetObjectInfo(peer, GuidOf(req->session()), GuidOf(req->id()), &info, req->type()));
      ToProto(info, rep->mutable_info());
      return Status::Ok();
    });
    if (!st.ok()) rep->clear_info();
    SetResult(st, rep->mutable_result());
    return Ok(ctx);
  }
  grpc::ServerUnaryReactor* EnableObject(grpc::CallbackServerContext* ctx, const ObjectRequest* req,
                                         Result* rep) override {
    return SetEnabled(ctx, req, rep, true);
  }
  grpc::ServerUnaryReactor* DisableObject(grpc::CallbackServerContext* ctx, const ObjectRequest* req,
                                          Result* rep) override {
    return SetEnabled(ctx, req, rep, false);
  }
  grpc::ServerUnaryReactor* Mount(grpc::CallbackServerContext* ctx, const MountRequest* req, MountReply* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    auto* reactor = new WaitingReactor();
    std::vector<Guid> media, drives;
    for (const auto& m : req->media()) media.push_back(GuidOf(m));
    for (const auto& d : req->drives()) drives.push_back(GuidOf(d));
    auto done = [reactor, rep](const Status& st, const std::vector<Guid>& used) {
      if (st.ok())
        for (const auto& d : used) rep->add_drives(Raw(d));
      SetResult(st, rep->mutable_result());
      reactor->Reply();
    };
    Start(reactor, done, [&] {
      return svc_->Mount(peer, GuidOf(req->session()), media, drives, req->options(), req->priority(),
                         req->timeout_ms(), done);
    });
    return reactor;
  }
  grpc::ServerUnaryReactor* DismountMedia(grpc::CallbackServerContext* ctx, const DismountMediaRequest* req,
                                          Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    SetResult(Guarded([&] {
                std::vector<Guid> media;
                for (const auto& m : req->media()) media.push_back(GuidOf(m));
                return svc_->DismountMedia(peer, GuidOf(req->session()), media, req->options());
              }),
              rep);
    return Ok(ctx);
  }
  grpc::ServerUnaryReactor* DismountDrive(grpc::CallbackServerContext* ctx, const ObjectRequest* req,
                                          Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    auto* reactor = new WaitingReactor();
    auto done = [reactor, rep](const Status& st, const std::vector<Guid>&) {
      SetResult(st, rep);
      reactor->Reply();
    };
    Start(reactor, done, [&] {
      return svc_->DismountDrive(peer, GuidOf(req->session()), GuidOf(req->id()),
                                 [done](const Status& st) { done(st, {}); });
    });
    return reactor;
  }
  grpc::ServerUnaryReactor* Inventory(grpc::CallbackServerContext* ctx, const InventoryRequest* req,
                                      Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    auto* reactor = new WaitingReactor();
    auto done = [reactor, rep](const Status& st, const std::vector<Guid>&) {
      SetResult(st, rep);
      reactor->Reply();
    };
    Start(reactor, done, [&] {
      return svc_->Inventory(peer, GuidOf(req->session()), GuidOf(req->library()), req->action(),
                             [done](const Status& st) { done(st, {}); });
    });
    return reactor;
  }
  grpc::ServerUnaryReactor* CancelLibRequest(grpc::CallbackServerContext* ctx, const ObjectRequest* req,
                                             Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    SetResult(Guarded([&] { return svc_->CancelLibRequest(peer, GuidOf(req->session()), GuidOf(req->id())); }), rep);
    return Ok(ctx);
  }
  grpc::ServerUnaryReactor* EjectMedia(grpc::CallbackServerContext* ctx, const IeRequest* req, IeReply* rep) override {
    return IeCall(ctx, req, rep, &service::Service::EjectMedia);
  }
  grpc::ServerUnaryReactor* InjectMedia(grpc::CallbackServerContext* ctx, const IeRequest* req, IeReply* rep) override {
    return IeCall(ctx, req, rep, &service::Service::InjectMedia);
  }
  grpc::ServerUnaryReactor* DecommissionMedia(grpc::CallbackServerContext* ctx, const ObjectRequest* req,
                                              Result* rep) override {
    return ObjectCall(ctx, req, rep, &service::Service::DecommissionMedia);
  }
  grpc::ServerUnaryReactor* DeleteMedia(grpc::CallbackServerContext* ctx, const ObjectRequest* req,
                                        Result* rep) override {
    return ObjectCall(ctx, req, rep, &service::Service::DeleteMedia);
  }
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* ctx, const SessionRequest*, Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    SetResult(svc_->Ping(peer), rep);
    return Ok(ctx);
  }

  // ---- media pools (branch pools; service/pools_api.cc) ----
  grpc::ServerUnaryReactor* CreatePool(grpc::CallbackServerContext* ctx, const CreatePoolRequest* req,
                                       PoolReply* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    Status st = Guarded([&]() -> Status {
      Guid id;
      RSM_RETURN_IF_ERROR(svc_->CreateMediaPool(peer, GuidOf(req->session()), req->name(), GuidOf(req->media_type()),
                                                req->action(), &id));
      rep->set_pool(Raw(id));
      return Status::Ok();
    });
    SetResult(st, rep->mutable_result());
    return Ok(ctx);
  }
  grpc::ServerUnaryReactor* DeletePool(grpc::CallbackServerContext* ctx, const ObjectRequest* req,
                                       Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    SetResult(Guarded([&] { return svc_->DeleteMediaPool(peer, GuidOf(req->session()), GuidOf(req->id())); }), rep);
    return Ok(ctx);
  }
  grpc::ServerUnaryReactor* GetPoolName(grpc::CallbackServerContext* ctx, const ObjectRequest* req,
                                        PoolReply* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    Status st = Guarded([&]() -> Status {
      std::string name;
      RSM_RETURN_IF_ERROR(svc_->GetMediaPoolName(peer, GuidOf(req->session()), GuidOf(req->id()), &name));
      rep->set_name(name);
      return Status::Ok();
    });
    SetResult(st, rep->mutable_result());
    return Ok(ctx);
  }
  grpc::ServerUnaryReactor* MoveToPool(grpc::CallbackServerContext* ctx, const MovePoolRequest* req,
                                       Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    SetResult(Guarded([&] {
                return svc_->MoveToMediaPool(peer, GuidOf(req->session()), GuidOf(req->media()), GuidOf(req->pool()));
              }),
              rep);
    return Ok(ctx);
  }
  grpc::ServerUnaryReactor* SetObjectInfo(grpc::CallbackServerContext* ctx, const SetObjectInfoRequest* req,
                                          Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    SetResult(Guarded([&] {
                return svc_->SetObjectInfo(peer, GuidOf(req->session()), GuidOf(req->id()),
                                           WritableFromProto(req->info()));
              }),
              rep);
    return Ok(ctx);
  }

 private:
  bool Who(grpc::CallbackServerContext* ctx, service::Peer* peer) { return server_->PeerOf(ctx->peer(), peer); }
  static grpc::ServerUnaryReactor* Ok(grpc::CallbackServerContext* ctx) {
    auto* r = ctx->DefaultReactor();
    r->Finish(grpc::Status::OK);
    return r;
  }
  static grpc::ServerUnaryReactor* Unauthenticated(grpc::CallbackServerContext* ctx) {
    auto* r = ctx->DefaultReactor();
    r->Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "caller credentials unknown"));
    return r;
  }
  // Starts a waiting call: `start` returns its PendingCall (null once `done`
  // ran); an allocation failure before the call started completes it here.
  template <typename Done, typename StartFn>
  static void Start(WaitingReactor* reactor, const Done& done, StartFn&& start) {
    std::shared_ptr<service::PendingCall> call;
    try {
      call = start();
    } catch (const std::bad_alloc&) {
      done(Status(err::kNotEnoughMemory, "allocation failure"), {});
      return;
    }
    if (call) reactor->Attach(std::move(call));
  }
  grpc::ServerUnaryReactor* SetEnabled(grpc::CallbackServerContext* ctx, const ObjectRequest* req, Result* rep,
                                       bool enable) {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    SetResult(
        Guarded([&] { return svc_->SetEnabled(peer, GuidOf(req->session()), req->type(), GuidOf(req->id()), enable); }),
        rep);
    return Ok(ctx);
  }

  // A call on one object that answers only a status.
  using ObjectMethod = Status (service::Service::*)(const service::Peer&, const Guid&, const Guid&);
  grpc::ServerUnaryReactor* ObjectCall(grpc::CallbackServerContext* ctx, const ObjectRequest* req, Result* rep,
                                       ObjectMethod method) {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    SetResult(Guarded([&] { return (svc_->*method)(peer, GuidOf(req->session()), GuidOf(req->id())); }), rep);
    return Ok(ctx);
  }

  using IeMethod = Status (service::Service::*)(const service::Peer&, const Guid&, const Guid&, const Guid&, uint32_t,
                                                Guid*);
  grpc::ServerUnaryReactor* IeCall(grpc::CallbackServerContext* ctx, const IeRequest* req, IeReply* rep,
                                   IeMethod method) {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated(ctx);
    Status st = Guarded([&]() -> Status {
      Guid started;
      Status s = (svc_->*method)(peer, GuidOf(req->session()), GuidOf(req->object()), GuidOf(req->operation()),
                                 req->action(), &started);
      if (s.ok() && !started.IsNull()) rep->set_operation(Raw(started));
      return s;
    });
    SetResult(st, rep->mutable_result());
    return Ok(ctx);
  }

  service::Service* svc_;
  RpcServer* server_;
};

// ---- RpcServer ------------------------------------------------------------------------

RpcServer::RpcServer(service::Service* service, Limits limits) : service_(service), limits_(limits) {}

RpcServer::~RpcServer() { Stop(); }

bool RpcServer::PeerOf(const std::string& grpc_peer, service::Peer* out) {
  if (grpc_peer.rfind("fd:", 0) != 0) return false;
  int fd = std::atoi(grpc_peer.c_str() + 3);
  MutexLock lock(&mu_);
  auto it = by_grpc_fd_.find(fd);
  if (it == by_grpc_fd_.end()) return false;
  auto c = conns_.find(it->second);
  if (c == conns_.end()) return false;
  *out = c->second.peer;
  return true;
}

bool RpcServer::SocketIsLive(const std::string& socket_path) {
  sockaddr_un addr;
  if (!FillAddress(socket_path, &addr)) return false;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool live = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return live;
}

Status RpcServer::Listen(const std::string& socket_path) {
  path_ = socket_path;
  sockaddr_un addr;
  if (!FillAddress(socket_path, &addr))
    return Status(err::kInvalidParameter, fmt::format("socket path '{}' is empty or longer than {} bytes", socket_path,
                                                      sizeof addr.sun_path - 1));
  std::error_code ec;
  auto dir = std::filesystem::path(socket_path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) return Status(err::kNotReady, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  struct stat st {};
  if (::lstat(socket_path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      return Status(err::kInvalidParameter, fmt::format("{} exists and is not a socket", socket_path));
    if (SocketIsLive(socket_path))
      return Status(err::kBusy, fmt::format("another rsmd already serves {}", socket_path));
    ::unlink(socket_path.c_str());  // stale: nobody answers on it
  }
  // Bound under a name of the same length beside it until Serve renames it
  // into place: a client that finds the socket finds a daemon that answers.
  auto base = std::filesystem::path(socket_path).filename().string();
  bound_path_ = (dir.empty() ? std::string() : dir.string() + "/") + ("~" + base).substr(0, base.size());
  FillAddress(bound_path_, &addr);
  ::unlink(bound_path_.c_str());  // left by a daemon that died while starting
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0) return Status(err::kNotReady, std::string("socket: ") + std::strerror(errno));
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return Status(err::kNotReady, fmt::format("bind {}: {}", bound_path_, std::strerror(errno)));
  own_socket_file_ = true;
  ::chmod(bound_path_.c_str(), 0666);
  if (::listen(listen_fd_, 512) != 0) return Status(err::kNotReady, std::string("listen: ") + std::strerror(errno));
  return Status::Ok();
}

Status RpcServer::Serve() {
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) return Status(err::kNotReady, "pipe");
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return Status(err::kNotReady, std::string("epoll: ") + std::strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenTag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.u64 = kWakeTag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_pipe_[0], &ev);
  reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

  impl_ = std::make_unique<RsmServiceImpl>(service_, this);
  grpc::ServerBuilder builder;
  builder.RegisterService(impl_.get());
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  // Clients ping to notice a stopped daemon (docs/client.md): allow it.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  if (extension_) extension_(builder);
  server_ = builder.BuildAndStart();
  if (!server_) return Status(err::kNotReady, "gRPC server failed to start");
  accept_thread_ = std::thread([this] { AcceptLoop(); });
  if (::rename(bound_path_.c_str(), path_.c_str()) != 0)
    return Status(err::kNotReady, fmt::format("rename {} to {}: {}", bound_path_, path_, std::strerror(errno)));
  bound_path_ = path_;
  return Status::Ok();
}

void RpcServer::RateLimitedWarn(const std::string& key, const std::string& what) {
  uint64_t suppressed = 0;
  if (!log_limiter_.Allow(key, &suppressed)) return;
  if (suppressed)
    spdlog::warn("{} ({} more like it in the last 10 s)", what, suppressed);
  else
    spdlog::warn("{}", what);
}

void RpcServer::AcceptLoop() {
  epoll_event events[64];
  while (!stop_) {
    int timeout = -1;
    if (backoff_until_ms_ != 0) {
      int64_t left = backoff_until_ms_ - SteadyMs();
      if (left <= 0) {
        backoff_until_ms_ = 0;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = kListenTag;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &ev);
      } else {
        timeout = int(left);
      }
    }
    int n = ::epoll_wait(epoll_fd_, events, 64, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      spdlog::error("epoll_wait: {}", std::strerror(errno));
      return;
    }
    for (int i = 0; i < n && !stop_; ++i) {
      uint64_t tag = events[i].data.u64;
      if (tag == kWakeTag) return;
      if (tag == kListenTag)
        AcceptReady();
      else
        Closed(tag);
    }
  }
}

void RpcServer::AcceptReady() {
  for (int taken = 0; taken < 256 && !stop_; ++taken) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Admit(fd);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    if (errno == EMFILE || errno == ENFILE) {
      // Out of descriptors: take the connection with the reserved one and
      // close it, so the backlog does not spin this loop.
      if (reserve_fd_ >= 0) {
        ::close(reserve_fd_);
        int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c >= 0) ::close(c);
        reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      }
      OutOfDescriptors();
      return;
    }
    RateLimitedWarn("accept", std::string("accept: ") + std::strerror(errno));
    return;
  }
}

void RpcServer::OutOfDescriptors() {
  RateLimitedWarn("emfile", "out of file descriptors: refusing new connections for 100 ms");
  backoff_until_ms_ = SteadyMs() + 100;
  epoll_event ev{};
  ev.events = 0;
  ev.data.u64 = kListenTag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &ev);
}

void RpcServer::Admit(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    ::close(fd);
    return;
  }
  service::Peer peer;
  peer.uid = cred.uid;
  peer.gid = cred.gid;
  peer.pid = cred.pid;
  std::vector<gid_t> groups(64);
  socklen_t glen = socklen_t(groups.size() * sizeof(gid_t));
  int rc = ::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen);
  if (rc != 0 && errno == ERANGE) {
    groups.resize(glen / sizeof(gid_t) + 1);
    glen = socklen_t(groups.size() * sizeof(gid_t));
    rc = ::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen);
  }
  if (rc == 0)
    for (size_t i = 0; i < glen / sizeof(gid_t); ++i) peer.groups.push_back(groups[i]);
  const bool root = peer.uid == 0;
  std::string refused;
  Conn conn;
  {
    MutexLock lock(&mu_);
    if (!root && per_uid_[peer.uid] >= limits_.connections_per_uid)
      refused = fmt::format("uid {} has {} connections (limit connections_per_uid = {}); refusing pid {}", peer.uid,
                            per_uid_[peer.uid], limits_.connections_per_uid, peer.pid);
    else if (!root && non_root_ >= limits_.max_connections)
      refused = fmt::format("{} connections from non-root users (limit max_connections = {}); refusing uid {} pid {}",
                            non_root_, limits_.max_connections, peer.uid, peer.pid);
  }
  if (!refused.empty()) {
    ::close(fd);
    RateLimitedWarn("limit:" + std::to_string(peer.uid), refused);
    return;
  }
  int watch = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (watch < 0) {
    const int e = errno;
    ::close(fd);
    if (e == EMFILE || e == ENFILE)
      OutOfDescriptors();
    else
      RateLimitedWarn("dup", std::string("cannot watch a connection: ") + std::strerror(e));
    return;
  }
  uint64_t id;
  {
    MutexLock lock(&mu_);
    id = next_id_++;
    peer.connection = id;
    conn.peer = peer;
    conn.watch_fd = watch;
    conn.grpc_fd = fd;
    conns_[id] = std::move(conn);
    by_grpc_fd_[fd] = id;  // replaces a closed connection that had the same number
    ++per_uid_[peer.uid];
    if (!root) ++non_root_;
  }
  epoll_event ev{};
  ev.events = EPOLLRDHUP | EPOLLHUP | EPOLLERR;
  ev.data.u64 = id;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, watch, &ev);
  grpc::AddInsecureChannelFromFd(server_.get(), fd);  // gRPC owns fd from here
}

void RpcServer::Closed(uint64_t id) {
  int watch = -1;
  {
    MutexLock lock(&mu_);
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    watch = it->second.watch_fd;
    auto b = by_grpc_fd_.find(it->second.grpc_fd);
    if (b != by_grpc_fd_.end() && b->second == id) by_grpc_fd_.erase(b);
    uint32_t uid = it->second.peer.uid;
    if (auto n = per_uid_.find(uid); n != per_uid_.end() && --n->second == 0) per_uid_.erase(n);
    if (uid != 0) --non_root_;
    conns_.erase(it);
  }
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, watch, nullptr);
  ::close(watch);
  service_->ConnectionClosed(id);
}

void RpcServer::Stop() {
  if (stop_.exchange(true)) return;
  if (wake_pipe_[1] >= 0) {
    char c = 1;
    (void)!::write(wake_pipe_[1], &c, 1);
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_), listen_fd_ = -1;
  // Waiting calls were completed by Service::CancelWaits; give in-flight
  // replies a moment, then cancel what is left.
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  {
    MutexLock lock(&mu_);
    for (auto& [id, c] : conns_) ::close(c.watch_fd);
    conns_.clear();
    by_grpc_fd_.clear();
  }
  for (int& fd : wake_pipe_)
    if (fd >= 0) ::close(fd), fd = -1;
  if (epoll_fd_ >= 0) ::close(epoll_fd_), epoll_fd_ = -1;
  if (reserve_fd_ >= 0) ::close(reserve_fd_), reserve_fd_ = -1;
  if (own_socket_file_ && !bound_path_.empty()) ::unlink(bound_path_.c_str());
}

}  // namespace openrsm::rpc
