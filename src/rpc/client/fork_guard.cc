#include "rpc/client/fork_guard.h"

#include <grpc/fork.h>
#include <grpc/grpc.h>
#include <pthread.h>
#include <strings.h>

#include <cstdlib>
#include <mutex>

namespace openrsm::rpc {
namespace {

constexpr const char* kForkSupportVar = "GRPC_ENABLE_FORK_SUPPORT";

// Held from the prepare handler to the parent or child handler, so no thread
// enters or leaves a call while a fork is being prepared and the count read
// there stays true until fork() returns. Never held while waiting on gRPC.
std::mutex g_mu;
int g_in_call = 0;           // threads inside an RpcScope (guarded by g_mu)
bool g_fork_unsafe = false;  // decided by the prepare handler (guarded by g_mu)
bool g_poisoned = false;     // this process is a child that must not use gRPC
bool g_fork_support = false;  // what gRPC read from GRPC_ENABLE_FORK_SUPPORT
bool g_grpc_handlers = false;  // the prepare handler called grpc_prefork (guarded by g_mu)
std::mutex* g_held = nullptr;  // HoldLockAcrossFork's lock (guarded by g_mu)

// gRPC's own reading of a boolean configuration variable
// (gpr_parse_bool_value; anything else is its default, false).
bool ParseGrpcBool(const char* v) {
  if (!v) return false;
  for (const char* t : {"1", "t", "true", "y", "yes"})
    if (strcasecmp(v, t) == 0) return true;
  return false;
}

void Prepare() {
  g_mu.lock();
  if (g_held) g_held->lock();  // a child must not inherit it locked
  // A poisoned process leaves gRPC alone (its state is its parent's), and
  // so will its children (g_poisoned is inherited).
  if (g_poisoned) {
    g_grpc_handlers = false;
    return;
  }
  // The child may use gRPC if no thread of ours is inside a call (gRPC skips
  // its handlers when a thread is inside gRPC), and gRPC either is not
  // running yet (it starts afresh in the child) or has its fork support on.
  bool running = grpc_is_initialized() != 0;
  g_fork_unsafe = g_in_call > 0 || (running && !g_fork_support);
  g_grpc_handlers = running && g_fork_support;
  if (g_grpc_handlers) grpc_prefork();  // skips itself if a thread is inside gRPC
}

void Parent() {
  if (g_grpc_handlers) grpc_postfork_parent();
  if (g_held) g_held->unlock();
  g_mu.unlock();
}

void Child() {
  if (g_grpc_handlers) grpc_postfork_child();
  if (g_fork_unsafe) g_poisoned = true;  // and it stays so in its own children
  g_in_call = 0;                         // the threads that were in calls are not here
  if (g_held) g_held->unlock();
  g_mu.unlock();
}

// Runs when libntmsapi is loaded, before main() for a linked application:
// gRPC reads GRPC_ENABLE_FORK_SUPPORT when it initializes, which may be
// before the first libntmsapi call if the application uses gRPC itself.
// (A load-time hook is the only point early enough; it registers nothing
// else.) pthread_atfork handlers registered here run for every fork() of the
// process, before the application's own prepare handlers registered earlier
// and after those registered later (POSIX order).
__attribute__((constructor)) void InitForkSupport() {
  // gRPC's epoll engine keeps one kernel epoll set that a forked child
  // shares: fds the child adds fire in the parent's poller (measured: the
  // parent crashed in LockfreeEvent::SetReady while a child used its own
  // session). The poll engine has no such shared object and, with fork
  // support, gives the child fresh wakeup fds. A client polls a handful of
  // descriptors, so poll costs nothing here.
  if (!std::getenv("GRPC_POLL_STRATEGY")) setenv("GRPC_POLL_STRATEGY", "poll", 0);
  const char* v = std::getenv(kForkSupportVar);
  if (!v) {
    setenv(kForkSupportVar, "1", 0);
    v = std::getenv(kForkSupportVar);
  }
  g_fork_support = ParseGrpcBool(v);
  pthread_atfork(Prepare, Parent, Child);
}

}  // namespace

RpcScope::RpcScope() {
  std::lock_guard<std::mutex> lock(g_mu);
  ++g_in_call;
}

RpcScope::~RpcScope() {
  std::lock_guard<std::mutex> lock(g_mu);
  --g_in_call;
}

bool RpcUsable() {
  std::lock_guard<std::mutex> lock(g_mu);
  return !g_poisoned;
}

void EnsureRpcRuntime() {
  static std::once_flag once;
  std::call_once(once, [] { grpc_init(); });
}

void HoldLockAcrossFork(std::mutex* mu) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_held = mu;
}

}  // namespace openrsm::rpc
