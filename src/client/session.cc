#include "client/session.h"

#include <unistd.h>

#include <mutex>
#include <unordered_map>

#include "common/config.h"

namespace openrsm::client {
namespace {

// The registry's lock. The RPC client's fork handlers hold it across fork()
// so that a child never inherits it locked (rpc::HoldAcrossFork). No
// connection is made, used or destroyed while it is held.
std::mutex& RegistryMutex() {
  static auto* mu = [] {
    auto* m = new std::mutex();
    rpc::HoldAcrossFork(m);
    return m;
  }();
  return *mu;
}

std::unordered_map<void*, std::shared_ptr<ClientSession>>& Registry() {
  static auto* r = new std::unordered_map<void*, std::shared_ptr<ClientSession>>();
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
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry()[raw] = std::move(s);
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
  std::shared_ptr<ClientSession> last;  // released after the lock (it may close the connection)
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find(handle);
  if (it == Registry().end()) return;
  last = std::move(it->second);
  Registry().erase(it);
}

}  // namespace openrsm::client
