// Client-side sessions behind the opaque HANDLEs of ntmsapi.h.
//
// A HANDLE is a pointer to a ClientSession, but it is never dereferenced
// before it is found in the live-handle registry and shown to belong to the
// calling process, so a made-up, closed or inherited (fork) handle gives
// ERROR_INVALID_HANDLE instead of a crash. Sessions are thread-safe.
//
// One session, one connection: OpenSession connects the Unix socket itself
// and gives gRPC that one descriptor (a direct channel, no subchannel pool),
// so rsmd identifies the session by the credentials of the caller at the
// moment it opened it (SO_PEERCRED), and two sessions never share a
// connection. The channel cannot reconnect: when the connection is lost
// (rsmd stopped answering HTTP/2 keepalive pings, exited, or restarted),
// every later call on the session fails (ERROR_NOT_CONNECTED) and the
// application opens a new session.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "rpc/rsm.grpc.pb.h"

namespace openrsm::client {

struct ClientSession {
  pid_t pid = 0;
  std::string token;                         // server-side session id (16 bytes)
  std::shared_ptr<grpc::Channel> channel;    // over this session's own connection
  std::unique_ptr<rpc::Rsm::Stub> stub;
};

// How long a call waits for rsmd's answer (docs/client.md "Deadlines").
// A call that returns at once (lookups, state changes, queueing) gets
// kQuickCallTimeout; MountNtmsMedia gets its dwTimeout plus kMountMargin
// (none for INFINITE); DismountNtmsDrive and InventoryNtmsLibrary, which wait
// for the robot and have no timeout parameter, get none. Whatever the
// deadline, while a call waits its connection is pinged every kKeepaliveTime
// and closed (the call failing) when a ping is not answered within
// kKeepaliveTimeout: a stopped or hung rsmd is noticed within about 15-20 s.
inline constexpr std::chrono::seconds kQuickCallTimeout{60};
inline constexpr std::chrono::seconds kMountMargin{30};
inline constexpr std::chrono::milliseconds kKeepaliveTime{10000};
inline constexpr std::chrono::milliseconds kKeepaliveTimeout{5000};
inline constexpr uint32_t kInfinite = 0xFFFFFFFFu;  // Win32 INFINITE

// Connects to rsmd (ClientSocketPath()) on a new connection and opens a
// server session. Errors: ERROR_NOT_CONNECTED (nothing listens, or no answer
// in time), ERROR_NO_NETWORK (this process is a child forked while a parent
// thread was inside a libntmsapi call: its RPC runtime is the parent's and
// must not be used, see fork_guard.h), or rsmd's answer.
Result<ClientSession*> OpenSession(const std::string& server, const std::string& application, uint32_t options);
// The live session behind `handle` for this process, or null. The returned
// reference keeps the session alive even if another thread closes it.
std::shared_ptr<ClientSession> Lookup(void* handle);
// Removes `handle` from the registry (the session is freed with its last user).
void Forget(void* handle);
// The registry's lock, for fork_guard.cc only: held across fork() so that a
// child never inherits it locked.
std::mutex& RegistryMutex();

// Sets the deadline of a call that should return at once (kQuickCallTimeout).
void SetQuickDeadline(grpc::ClientContext* ctx);
// Sets MountNtmsMedia's deadline: dwTimeout + kMountMargin; none for kInfinite.
void SetMountDeadline(grpc::ClientContext* ctx, uint32_t timeout_ms);

// Maps a failed gRPC call to a Win32 code: a missed deadline is `on_deadline`
// (ERROR_TIMEOUT where the function documents it), RESOURCE_EXHAUSTED is
// ERROR_NOT_ENOUGH_MEMORY, anything else (connection lost or refused) is
// ERROR_NOT_CONNECTED.
uint32_t TransportError(const grpc::Status& st, uint32_t on_deadline = err::kNotConnected);

}  // namespace openrsm::client
