// Fork safety of libntmsapi (docs/client.md "fork").
//
// gRPC keeps process-wide state (an epoll set, timer and executor threads)
// that a forked child shares with its parent unless gRPC's fork handlers run
// around fork(). libntmsapi makes them run without the application doing
// anything:
//  - at load time it sets GRPC_ENABLE_FORK_SUPPORT=1 unless the application
//    set the variable (gRPC reads it when it initializes);
//  - it registers pthread_atfork handlers that call grpc_prefork(),
//    grpc_postfork_parent() and grpc_postfork_child() (Debian's gRPC 1.51 is
//    built without GRPC_POSIX_FORK_ALLOW_PTHREAD_ATFORK and registers none,
//    so they are registered exactly once, here).
// gRPC skips its handlers when another thread is inside gRPC at fork time;
// the child then shares the parent's epoll set and would steal its events.
// libntmsapi counts the threads inside its own calls (RpcScope) and, when a
// fork happens while that count is not zero (or while gRPC's fork support is
// off), marks the child: its OpenNtmsSession fails with ERROR_NO_NETWORK and
// it never touches gRPC. A child never uses the parent's handles
// (ERROR_INVALID_HANDLE, src/client/session.h).
//
// Internal to src/rpc/client: RsmConnection (connection.h) takes an RpcScope
// in every call and checks RpcUsable() before it connects.
#pragma once

#include "common/thread_annotations.h"

namespace openrsm::rpc {

// Marks the calling thread as inside a libntmsapi call that may use gRPC
// (creating or destroying a channel, making a call). Construction waits while
// another thread is forking; destruction must happen after every gRPC object
// the scope used is gone. Cheap (one mutex, uncontended).
class RpcScope {
 public:
  RpcScope();
  ~RpcScope();
  RpcScope(const RpcScope&) = delete;
  RpcScope& operator=(const RpcScope&) = delete;
};

// False in a child forked while gRPC could not be made safe for it (a parent
// thread was inside a libntmsapi call, or gRPC's fork support is disabled):
// such a process must not use gRPC. True otherwise.
bool RpcUsable();

// Takes the first reference on gRPC's runtime (grpc_init) and never drops it,
// so gRPC is not shut down and re-initialized as sessions come and go (a
// re-initialization would re-read GRPC_ENABLE_FORK_SUPPORT, and its
// asynchronous shutdown thread would make fork handlers skip). Idempotent.
void EnsureRpcRuntime();

// Also holds `mu` from the prepare handler until fork() returns in parent
// and child (connection.h: HoldAcrossFork).
void HoldLockAcrossFork(Mutex* mu);

}  // namespace openrsm::rpc
