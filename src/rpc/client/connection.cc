#include "rpc/client/connection.h"

#include <grpcpp/create_channel_posix.h>
#include <grpcpp/grpcpp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <new>
#include <thread>

#include "rpc/client/convert.h"
#include "rpc/client/fork_guard.h"
#include "rpc/rsm.grpc.pb.h"

namespace openrsm::rpc {
namespace {

// How long Open retries while rsmd's accept queue is full.
constexpr std::chrono::seconds kConnectWait{5};

std::string Raw(const Guid& g) {
  if (g.IsNull()) return std::string();
  return std::string(reinterpret_cast<const char*>(g.bytes.data()), g.bytes.size());
}
Guid GuidOf(const std::string& raw) { return raw.size() == 16 ? Guid::FromRaw(raw.data()) : Guid(); }

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

// The deadline of a call that should return at once.
void SetQuickDeadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() + kQuickCallTimeout);
}

// A failed gRPC call as a Win32 code: a missed deadline is `on_deadline`,
// RESOURCE_EXHAUSTED (a reply over the size limit) ERROR_NOT_ENOUGH_MEMORY,
// anything else (connection lost or refused) ERROR_NOT_CONNECTED.
Status TransportError(const grpc::Status& st, uint32_t on_deadline = err::kNotConnected) {
  switch (st.error_code()) {
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Status(on_deadline, "no answer from rsmd in time: " + st.error_message());
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return Status(err::kNotEnoughMemory, st.error_message());
    default:  // UNAVAILABLE (connection lost or closed) and anything unexpected
      return Status(err::kNotConnected, "connection to rsmd lost: " + st.error_message());
  }
}

// rsmd's answer, or the transport failure. Read `r` only after the call
// returned (a reply read before is the default instance: error 0).
Status Answer(const grpc::Status& gs, const Result& r, uint32_t on_deadline = err::kNotConnected) {
  if (!gs.ok()) return TransportError(gs, on_deadline);
  return Status(r.error(), r.message());
}

// Runs `fn` inside the fork guard, turning an allocation failure into
// ERROR_NOT_ENOUGH_MEMORY. The scope outlives every gRPC object `fn` makes.
template <typename Fn>
auto Guarded(Fn&& fn) -> decltype(fn()) {
  RpcScope scope;
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Status(err::kNotEnoughMemory, "allocation failure");
  }
}

}  // namespace

struct RsmConnection::Impl {
  std::shared_ptr<grpc::Channel> channel;  // over this session's own connection
  std::unique_ptr<Rsm::Stub> stub;
  std::string token;  // the server session's id (16 bytes)
};

RsmConnection::RsmConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RsmConnection::~RsmConnection() {
  RpcScope scope;  // the channel and stub are gRPC objects
  impl_.reset();
}

openrsm::Result<std::unique_ptr<RsmConnection>> RsmConnection::Open(const std::string& socket_path,
                                                                    const SessionParams& params) {
  RpcScope scope;  // outlives every gRPC object below
  try {
    if (!RpcUsable())
      return Status(err::kNoNetwork, "forked while another thread was in a libntmsapi call: exec, or fork when idle");
    EnsureRpcRuntime();
    std::string why;
    int fd = Connect(socket_path, &why);
    if (fd < 0) return Status(err::kNotConnected, "cannot reach rsmd at " + socket_path + ": " + why);
    auto impl = std::make_unique<Impl>();
    impl->channel = ChannelOver(fd);
    impl->stub = Rsm::NewStub(impl->channel);
    OpenSessionRequest req;
    req.set_server(params.server);
    req.set_application(params.application);
    req.set_options(params.options);
    req.set_computer(params.computer);
    OpenSessionReply rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl->stub->OpenSession(&ctx, req, &rep);
    RSM_RETURN_IF_ERROR(Answer(gs, rep.result()));
    impl->token = rep.session();
    return std::unique_ptr<RsmConnection>(new RsmConnection(std::move(impl)));
  } catch (const std::bad_alloc&) {
    return Status(err::kNotEnoughMemory, "allocation failure");
  }
}

Status RsmConnection::CloseSession() {
  return Guarded([&]() -> Status {
    SessionRequest req;
    req.set_session(impl_->token);
    Result rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->CloseSession(&ctx, req, &rep);
    if (!gs.ok()) return Status(err::kConnectionUnavail, "CloseSession: " + gs.error_message());
    return Status(rep.error(), rep.message());
  });
}

openrsm::Result<std::vector<Guid>> RsmConnection::Enumerate(const Guid& container, uint32_t type, uint32_t options) {
  return Guarded([&]() -> openrsm::Result<std::vector<Guid>> {
    EnumerateRequest req;
    req.set_session(impl_->token);
    req.set_container(Raw(container));
    req.set_type(type);
    req.set_options(options);
    EnumerateReply rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->Enumerate(&ctx, req, &rep);
    RSM_RETURN_IF_ERROR(Answer(gs, rep.result()));
    std::vector<Guid> ids;
    ids.reserve(size_t(rep.ids_size()));
    for (const auto& id : rep.ids()) ids.push_back(GuidOf(id));
    return ids;
  });
}

openrsm::Result<openrsm::ObjectInfo> RsmConnection::GetObjectInfo(const Guid& id, uint32_t type_hint) {
  return Guarded([&]() -> openrsm::Result<openrsm::ObjectInfo> {
    ObjectRequest req;
    req.set_session(impl_->token);
    req.set_id(Raw(id));
    req.set_type(type_hint);  // the server reads that kind's row directly
    ObjectInfoReply rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->GetObjectInfo(&ctx, req, &rep);
    RSM_RETURN_IF_ERROR(Answer(gs, rep.result()));
    return FromProto(rep.info());
  });
}

Status RsmConnection::SetEnabled(uint32_t type, const Guid& id, bool enable) {
  return Guarded([&]() -> Status {
    ObjectRequest req;
    req.set_session(impl_->token);
    req.set_id(Raw(id));
    req.set_type(type);
    Result rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = enable ? impl_->stub->EnableObject(&ctx, req, &rep) : impl_->stub->DisableObject(&ctx, req, &rep);
    return Answer(gs, rep);
  });
}

openrsm::Result<std::vector<Guid>> RsmConnection::Mount(const std::vector<Guid>& media, const std::vector<Guid>& drives,
                                                        uint32_t options, int32_t priority, uint32_t timeout_ms) {
  return Guarded([&]() -> openrsm::Result<std::vector<Guid>> {
    MountRequest req;
    req.set_session(impl_->token);
    for (const Guid& m : media) req.add_media(Raw(m));
    for (const Guid& d : drives) req.add_drives(Raw(d));
    req.set_options(options);
    req.set_priority(priority);
    req.set_timeout_ms(timeout_ms);
    MountReply rep;
    grpc::ClientContext ctx;
    if (timeout_ms != kInfinite)
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms) + kMountMargin);
    grpc::Status gs = impl_->stub->Mount(&ctx, req, &rep);
    RSM_RETURN_IF_ERROR(Answer(gs, rep.result(), err::kTimeout));
    std::vector<Guid> used;
    for (const auto& d : rep.drives()) used.push_back(GuidOf(d));
    return used;
  });
}

Status RsmConnection::DismountMedia(const std::vector<Guid>& media, uint32_t options) {
  return Guarded([&]() -> Status {
    DismountMediaRequest req;
    req.set_session(impl_->token);
    for (const Guid& m : media) req.add_media(Raw(m));
    req.set_options(options);
    Result rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->DismountMedia(&ctx, req, &rep);
    return Answer(gs, rep, err::kTimeout);
  });
}

Status RsmConnection::DismountDrive(const Guid& drive) {
  return Guarded([&]() -> Status {
    ObjectRequest req;
    req.set_session(impl_->token);
    req.set_id(Raw(drive));
    Result rep;
    grpc::ClientContext ctx;  // no deadline: waits for the robot; keepalive notices a dead rsmd
    grpc::Status gs = impl_->stub->DismountDrive(&ctx, req, &rep);
    return Answer(gs, rep);
  });
}

Status RsmConnection::Inventory(const Guid& library, uint32_t action) {
  return Guarded([&]() -> Status {
    InventoryRequest req;
    req.set_session(impl_->token);
    req.set_library(Raw(library));
    req.set_action(action);
    Result rep;
    grpc::ClientContext ctx;  // no deadline: waits for the robot; keepalive notices a dead rsmd
    grpc::Status gs = impl_->stub->Inventory(&ctx, req, &rep);
    return Answer(gs, rep);
  });
}

Status RsmConnection::CancelLibRequest(const Guid& request) {
  return Guarded([&]() -> Status {
    ObjectRequest req;
    req.set_session(impl_->token);
    req.set_id(Raw(request));
    Result rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->CancelLibRequest(&ctx, req, &rep);
    return Answer(gs, rep);
  });
}

Status RsmConnection::DecommissionMedia(const Guid& side) {
  return Guarded([&]() -> Status {
    ObjectRequest req;
    req.set_session(impl_->token);
    req.set_id(Raw(side));
    Result rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    return Answer(impl_->stub->DecommissionMedia(&ctx, req, &rep), rep);
  });
}

Status RsmConnection::DeleteMedia(const Guid& media) {
  return Guarded([&]() -> Status {
    ObjectRequest req;
    req.set_session(impl_->token);
    req.set_id(Raw(media));
    Result rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    return Answer(impl_->stub->DeleteMedia(&ctx, req, &rep), rep);
  });
}

openrsm::Result<Guid> RsmConnection::EjectMedia(const Guid& media, const Guid& operation, uint32_t action) {
  return Guarded([&]() -> openrsm::Result<Guid> {
    IeRequest req;
    req.set_session(impl_->token);
    req.set_object(Raw(media));
    req.set_operation(Raw(operation));
    req.set_action(action);
    IeReply rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->EjectMedia(&ctx, req, &rep);
    RSM_RETURN_IF_ERROR(Answer(gs, rep.result()));
    return GuidOf(rep.operation());
  });
}

openrsm::Result<Guid> RsmConnection::InjectMedia(const Guid& library, const Guid& operation, uint32_t action) {
  return Guarded([&]() -> openrsm::Result<Guid> {
    IeRequest req;
    req.set_session(impl_->token);
    req.set_object(Raw(library));
    req.set_operation(Raw(operation));
    req.set_action(action);
    IeReply rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->InjectMedia(&ctx, req, &rep);
    RSM_RETURN_IF_ERROR(Answer(gs, rep.result()));
    return GuidOf(rep.operation());
  });
}

// ---- media pools (branch pools) ----

openrsm::Result<Guid> RsmConnection::CreatePool(const std::string& name, const Guid& media_type, uint32_t action) {
  return Guarded([&]() -> openrsm::Result<Guid> {
    CreatePoolRequest req;
    req.set_session(impl_->token);
    req.set_name(name);
    req.set_media_type(Raw(media_type));
    req.set_action(action);
    PoolReply rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->CreatePool(&ctx, req, &rep);
    RSM_RETURN_IF_ERROR(Answer(gs, rep.result()));
    return GuidOf(rep.pool());
  });
}

Status RsmConnection::DeletePool(const Guid& pool) {
  return Guarded([&]() -> Status {
    ObjectRequest req;
    req.set_session(impl_->token);
    req.set_id(Raw(pool));
    Result rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->DeletePool(&ctx, req, &rep);
    return Answer(gs, rep);
  });
}

openrsm::Result<std::string> RsmConnection::GetPoolName(const Guid& pool) {
  return Guarded([&]() -> openrsm::Result<std::string> {
    ObjectRequest req;
    req.set_session(impl_->token);
    req.set_id(Raw(pool));
    PoolReply rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->GetPoolName(&ctx, req, &rep);
    RSM_RETURN_IF_ERROR(Answer(gs, rep.result()));
    return rep.name();
  });
}

Status RsmConnection::MoveToPool(const Guid& media, const Guid& pool) {
  return Guarded([&]() -> Status {
    MovePoolRequest req;
    req.set_session(impl_->token);
    req.set_media(Raw(media));
    req.set_pool(Raw(pool));
    Result rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->MoveToPool(&ctx, req, &rep);
    return Answer(gs, rep);
  });
}

Status RsmConnection::SetObjectInfo(const Guid& id, const openrsm::ObjectInfo& info) {
  return Guarded([&]() -> Status {
    SetObjectInfoRequest req;
    req.set_session(impl_->token);
    req.set_id(Raw(id));
    WritableToProto(info, req.mutable_info());
    Result rep;
    grpc::ClientContext ctx;
    SetQuickDeadline(&ctx);
    grpc::Status gs = impl_->stub->SetObjectInfo(&ctx, req, &rep);
    return Answer(gs, rep);
  });
}

void HoldAcrossFork(Mutex* mu) { HoldLockAcrossFork(mu); }

}  // namespace openrsm::rpc
