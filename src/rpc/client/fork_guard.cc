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
Mutex g_mu;
int g_in_call RSM_GUARDED_BY(g_mu) = 0;           // threads inside an RpcScope
bool g_fork_unsafe RSM_GUARDED_BY(g_mu) = false;  // decided by the prepare handler
bool g_poisoned RSM_GUARDED_BY(g_mu) = false;     // this process is a child that must not use gRPC
// What gRPC read from GRPC_ENABLE_FORK_SUPPORT: set by the load-time hook,
// before any thread of ours exists; read-only afterwards.
bool g_fork_support = false;
bool g_grpc_handlers RSM_GUARDED_BY(g_mu) = false;  // the prepare handler called grpc_prefork
Mutex* g_held RSM_GUARDED_BY(g_mu) = nullptr;       // HoldLockAcrossFork's lock

// gRPC's own reading of a boolean configuration variable
// (gpr_parse_bool_value; anything else is its default, false).
bool ParseGrpcBool(const char* v) {
  if (!v) return false;
  for (const char* t : {"1", "t", "true", "y", "yes"})
    if (strcasecmp(v, t) == 0) return true;
  return false;
}

// The prepare handler takes g_mu (and *g_held) and the parent or child
// handler releases them: a split across functions that the analysis cannot
// follow, hence RSM_NO_THREAD_SAFETY_ANALYSIS on these three.
void Prepare() RSM_NO_THREAD_SAFETY_ANALYSIS {
  g_mu.Lock();
  if (g_held) g_held->Lock();  // a child must not inherit it locked
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

void Parent() RSM_NO_THREAD_SAFETY_ANALYSIS {
  if (g_grpc_handlers) grpc_postfork_parent();
  if (g_held) g_held->Unlock();
  g_mu.Unlock();
}

void Child() RSM_NO_THREAD_SAFETY_ANALYSIS {
  if (g_grpc_handlers) grpc_postfork_child();
  if (g_fork_unsafe) g_poisoned = true;  // and it stays so in its own children
  g_in_call = 0;                         // the threads that were in calls are not here
  if (g_held) g_held->Unlock();
  g_mu.Unlock();
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
  MutexLock lock(&g_mu);
  ++g_in_call;
}

RpcScope::~RpcScope() {
  MutexLock lock(&g_mu);
  --g_in_call;
}

bool RpcUsable() {
  MutexLock lock(&g_mu);
  return !g_poisoned;
}

void EnsureRpcRuntime() {
  static std::once_flag once;
  std::call_once(once, [] { grpc_init(); });
}

void HoldLockAcrossFork(Mutex* mu) {
  MutexLock lock(&g_mu);
  g_held = mu;
}

}  // namespace openrsm::rpc
