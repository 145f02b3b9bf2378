#include "client/session.h"

#include <unistd.h>

#include <unordered_map>

#include "common/config.h"
#include "common/thread_annotations.h"

namespace openrsm::client {
namespace {

// The open sessions by handle. The RPC client's fork handlers hold `mu`
// across fork() so that a child never inherits it locked
// (rpc::HoldAcrossFork). No connection is made, used or destroyed while it
// is held.
struct Registry {
  Mutex mu;
  std::unordered_map<void*, std::shared_ptr<ClientSession>> sessions RSM_GUARDED_BY(mu);
};

Registry& TheRegistry() {
  static auto* r = [] {
    auto* reg = new Registry();
    rpc::HoldAcrossFork(&reg->mu);
    return reg;
  }();
  return *r;
}

}  // namespace

Result<ClientSession*> OpenSession(const std::string& server, const std::string& application, uint32_t options) {
  rpc::SessionParams params;
  params.server = server;
  params.application = application;
  params.options = options;
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  params.computer = std::string(host).substr(0, 63);
  auto conn = rpc::RsmConnection::Open(ClientSocketPath(), params);
  if (!conn.ok()) return conn.status();
  auto s = std::make_shared<ClientSession>();
  s->pid = getpid();
  s->rpc = std::move(conn).value();
  ClientSession* raw = s.get();
  Registry& reg = TheRegistry();
  MutexLock lock(&reg.mu);
  reg.sessions[raw] = std::move(s);
  return raw;
}

std::shared_ptr<ClientSession> Lookup(void* handle) {
  Registry& reg = TheRegistry();
  MutexLock lock(&reg.mu);
  auto it = reg.sessions.find(handle);
  if (it == reg.sessions.end()) return nullptr;
  if (it->second->pid != getpid()) return nullptr;  // handles cannot be shared across processes
  return it->second;
}

void Forget(void* handle) {
  std::shared_ptr<ClientSession> last;  // released after the lock (it may close the connection)
  Registry& reg = TheRegistry();
  MutexLock lock(&reg.mu);
  auto it = reg.sessions.find(handle);
  if (it == reg.sessions.end()) return;
  last = std::move(it->second);
  reg.sessions.erase(it);
}

}  // namespace openrsm::client
