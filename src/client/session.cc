#include "client/session.h"

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <unordered_map>

#include "common/config.h"

namespace openrsm::client {
namespace {

std::mutex& RegistryMu() {
  static std::mutex mu;
  return mu;
}
std::unordered_map<void*, std::shared_ptr<ClientSession>>& Registry() {
  static auto* r = new std::unordered_map<void*, std::shared_ptr<ClientSession>>();
  return *r;
}

}  // namespace

uint32_t TransportError(const grpc::Status& st) {
  switch (st.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return err::kNotConnected;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return err::kNotEnoughMemory;
    default:
      return err::kNotConnected;
  }
}

Result<ClientSession*> OpenSession(const std::string& server, const std::string& application, uint32_t options) {
  auto s = std::make_unique<ClientSession>();
  s->pid = getpid();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  s->channel = grpc::CreateCustomChannel("unix:" + ClientSocketPath(), grpc::InsecureChannelCredentials(), args);
  // Wait for the connection, but give up at the first failed attempt: a
  // missing socket or a refused connect means no rsmd, and waiting out the
  // whole deadline would only delay ERROR_NOT_CONNECTED.
  auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  for (;;) {
    grpc_connectivity_state st = s->channel->GetState(/*try_to_connect=*/true);
    if (st == GRPC_CHANNEL_READY) break;
    if (st == GRPC_CHANNEL_TRANSIENT_FAILURE || st == GRPC_CHANNEL_SHUTDOWN ||
        !s->channel->WaitForStateChange(st, deadline))
      return Status(err::kNotConnected, "cannot reach rsmd at " + ClientSocketPath());
  }
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
  grpc::Status gs = s->stub->OpenSession(&ctx, req, &rep);
  if (!gs.ok()) return Status(TransportError(gs), gs.error_message());
  if (rep.result().error() != 0) return Status(rep.result().error(), rep.result().message());
  s->token = rep.session();
  std::shared_ptr<ClientSession> shared(std::move(s));
  ClientSession* raw = shared.get();
  std::lock_guard<std::mutex> lock(RegistryMu());
  Registry()[raw] = std::move(shared);
  return raw;
}

std::shared_ptr<ClientSession> Lookup(void* handle) {
  std::lock_guard<std::mutex> lock(RegistryMu());
  auto it = Registry().find(handle);
  if (it == Registry().end()) return nullptr;
  if (it->second->pid != getpid()) return nullptr;  // handles cannot be shared across processes
  return it->second;
}

void Forget(void* handle) {
  std::shared_ptr<ClientSession> last;
  std::lock_guard<std::mutex> lock(RegistryMu());
  auto it = Registry().find(handle);
  if (it == Registry().end()) return;
  last = std::move(it->second);
  Registry().erase(it);
}

}  // namespace openrsm::client
