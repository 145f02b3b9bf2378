#include "rpc/server/server.h"

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <new>

#include "rpc/rsm.grpc.pb.h"

namespace openrsm::rpc {

namespace {

Guid GuidOf(const std::string& raw) {
  if (raw.size() != 16) return Guid();
  return Guid::FromRaw(raw.data());
}

std::string Raw(const Guid& g) {
  if (g.IsNull()) return std::string();
  return std::string(reinterpret_cast<const char*>(g.bytes.data()), 16);
}

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

}  // namespace

class RsmServiceImpl final : public Rsm::Service {
 public:
  RsmServiceImpl(service::Service* svc, RpcServer* server) : svc_(svc), server_(server) {}

  grpc::Status OpenSession(grpc::ServerContext* ctx, const OpenSessionRequest* req, OpenSessionReply* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    Status st = Guarded([&]() -> Status {
      auto r = svc_->OpenSession(peer, req->server(), req->application(), req->computer(), req->options());
      if (!r.ok()) return r.status();
      rep->set_session(Raw(*r));
      return Status::Ok();
    });
    SetResult(st, rep->mutable_result());
    return grpc::Status::OK;
  }
  grpc::Status CloseSession(grpc::ServerContext* ctx, const SessionRequest* req, Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    SetResult(Guarded([&] { return svc_->CloseSession(peer, GuidOf(req->session())); }), rep);
    return grpc::Status::OK;
  }
  grpc::Status Enumerate(grpc::ServerContext* ctx, const EnumerateRequest* req, EnumerateReply* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    Status st = Guarded([&]() -> Status {
      auto r = svc_->Enumerate(peer, GuidOf(req->session()), GuidOf(req->container()), req->type());
      if (!r.ok()) return r.status();
      for (const auto& id : *r) rep->add_ids(Raw(id));
      return Status::Ok();
    });
    SetResult(st, rep->mutable_result());
    return grpc::Status::OK;
  }
  grpc::Status GetObjectInfo(grpc::ServerContext* ctx, const ObjectRequest* req, ObjectInfoReply* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    // req->type(): the caller's expected type, a hint (0 = unknown).
    Status st = Guarded([&] {
      return svc_->GetObjectInfo(peer, GuidOf(req->session()), GuidOf(req->id()), rep->mutable_info(), req->type());
    });
    if (!st.ok()) rep->clear_info();
    SetResult(st, rep->mutable_result());
    return grpc::Status::OK;
  }
  grpc::Status EnableObject(grpc::ServerContext* ctx, const ObjectRequest* req, Result* rep) override {
    return SetEnabled(ctx, req, rep, true);
  }
  grpc::Status DisableObject(grpc::ServerContext* ctx, const ObjectRequest* req, Result* rep) override {
    return SetEnabled(ctx, req, rep, false);
  }
  grpc::Status Mount(grpc::ServerContext* ctx, const MountRequest* req, MountReply* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    Status st = Guarded([&]() -> Status {
      std::vector<Guid> media, drives;
      for (const auto& m : req->media()) media.push_back(GuidOf(m));
      for (const auto& d : req->drives()) drives.push_back(GuidOf(d));
      Status s = svc_->Mount(peer, GuidOf(req->session()), media, &drives, req->options(), req->priority(),
                             req->timeout_ms());
      if (s.ok())
        for (const auto& d : drives) rep->add_drives(Raw(d));
      return s;
    });
    SetResult(st, rep->mutable_result());
    return grpc::Status::OK;
  }
  grpc::Status DismountMedia(grpc::ServerContext* ctx, const DismountMediaRequest* req, Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    SetResult(Guarded([&] {
                std::vector<Guid> media;
                for (const auto& m : req->media()) media.push_back(GuidOf(m));
                return svc_->DismountMedia(peer, GuidOf(req->session()), media, req->options());
              }),
              rep);
    return grpc::Status::OK;
  }
  grpc::Status DismountDrive(grpc::ServerContext* ctx, const ObjectRequest* req, Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    SetResult(Guarded([&] { return svc_->DismountDrive(peer, GuidOf(req->session()), GuidOf(req->id())); }), rep);
    return grpc::Status::OK;
  }
  grpc::Status Inventory(grpc::ServerContext* ctx, const InventoryRequest* req, Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    SetResult(Guarded([&] { return svc_->Inventory(peer, GuidOf(req->session()), GuidOf(req->library()), req->action()); }),
              rep);
    return grpc::Status::OK;
  }
  grpc::Status CancelLibRequest(grpc::ServerContext* ctx, const ObjectRequest* req, Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    SetResult(Guarded([&] { return svc_->CancelLibRequest(peer, GuidOf(req->session()), GuidOf(req->id())); }), rep);
    return grpc::Status::OK;
  }
  grpc::Status EjectMedia(grpc::ServerContext* ctx, const IeRequest* req, IeReply* rep) override {
    return IeCall(ctx, req, rep, &service::Service::EjectMedia);
  }
  grpc::Status InjectMedia(grpc::ServerContext* ctx, const IeRequest* req, IeReply* rep) override {
    return IeCall(ctx, req, rep, &service::Service::InjectMedia);
  }
  grpc::Status Ping(grpc::ServerContext* ctx, const SessionRequest*, Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    SetResult(svc_->Ping(peer), rep);
    return grpc::Status::OK;
  }
  grpc::Status TestHook(grpc::ServerContext* ctx, const TestHookRequest* req, Result* rep) override {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    SetResult(svc_->TestHook(peer, req->library(), req->fault(), req->drive_index(), req->count(), req->arg()), rep);
    return grpc::Status::OK;
  }

 private:
  bool Who(grpc::ServerContext* ctx, service::Peer* peer) { return server_->PeerOf(ctx->peer(), peer); }
  static grpc::Status Unauthenticated() {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "caller credentials unknown");
  }
  grpc::Status SetEnabled(grpc::ServerContext* ctx, const ObjectRequest* req, Result* rep, bool enable) {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    SetResult(Guarded([&] { return svc_->SetEnabled(peer, GuidOf(req->session()), req->type(), GuidOf(req->id()), enable); }),
              rep);
    return grpc::Status::OK;
  }

  using IeMethod = Status (service::Service::*)(const service::Peer&, const Guid&, const Guid&, const Guid&, uint32_t,
                                                Guid*);
  grpc::Status IeCall(grpc::ServerContext* ctx, const IeRequest* req, IeReply* rep, IeMethod method) {
    service::Peer peer;
    if (!Who(ctx, &peer)) return Unauthenticated();
    Status st = Guarded([&]() -> Status {
      Guid started;
      Status s = (svc_->*method)(peer, GuidOf(req->session()), GuidOf(req->object()), GuidOf(req->operation()),
                                 req->action(), &started);
      if (s.ok() && !started.IsNull()) rep->set_operation(Raw(started));
      return s;
    });
    SetResult(st, rep->mutable_result());
    return grpc::Status::OK;
  }

  service::Service* svc_;
  RpcServer* server_;
};

RpcServer::RpcServer(service::Service* service) : service_(service) {}

RpcServer::~RpcServer() { Stop(); }

bool RpcServer::PeerOf(const std::string& grpc_peer, service::Peer* out) {
  if (grpc_peer.rfind("fd:", 0) != 0) return false;
  int fd = std::atoi(grpc_peer.c_str() + 3);
  // Ask the live socket: fd numbers are reused, so a map entry could be stale.
  struct ucred cred {};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  out->uid = cred.uid;
  out->gid = cred.gid;
  out->pid = cred.pid;
  return true;
}

Status RpcServer::Start(const std::string& socket_path) {
  path_ = socket_path;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(socket_path).parent_path(), ec);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) return Status(err::kInvalidParameter, "socket path too long");
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return Status(err::kNotReady, std::string("socket: ") + std::strerror(errno));
  ::unlink(socket_path.c_str());
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return Status(err::kNotReady, fmt::format("bind {}: {}", socket_path, std::strerror(errno)));
  ::chmod(socket_path.c_str(), 0666);
  if (::listen(listen_fd_, 128) != 0) return Status(err::kNotReady, std::string("listen: ") + std::strerror(errno));
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) return Status(err::kNotReady, "pipe");

  impl_ = std::make_unique<RsmServiceImpl>(service_, this);
  grpc::ServerBuilder builder;
  builder.RegisterService(impl_.get());
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  // libntmsapi sends an HTTP/2 keepalive ping every 10 s while a call waits
  // (src/client/session.h); one may arrive just after the call ended.
  // Accept them all, never GOAWAY for pings.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  server_ = builder.BuildAndStart();
  if (!server_) return Status(err::kNotReady, "gRPC server failed to start");
  accept_thread_ = std::thread([this] { AcceptLoop(); });
  return Status::Ok();
}

void RpcServer::AcceptLoop() {
  while (!stop_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("poll: {}", std::strerror(errno));
      return;
    }
    if (stop_ || (fds[1].revents & POLLIN)) return;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EINTR && errno != EAGAIN) spdlog::warn("accept: {}", std::strerror(errno));
      continue;
    }
    grpc::AddInsecureChannelFromFd(server_.get(), fd);  // gRPC owns fd from here
  }
}

void RpcServer::Stop() {
  if (stop_.exchange(true)) return;
  if (wake_pipe_[1] >= 0) {
    char c = 1;
    (void)!::write(wake_pipe_[1], &c, 1);
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  // Waiters were released by Service::Stop; give in-flight replies a moment, then cancel.
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (int& fd : wake_pipe_)
    if (fd >= 0) ::close(fd), fd = -1;
  if (!path_.empty()) ::unlink(path_.c_str());
}

}  // namespace openrsm::rpc
