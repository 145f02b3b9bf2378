// Client-side sessions behind the opaque HANDLEs of ntmsapi.h.
//
// A HANDLE is a pointer to a ClientSession, but it is never dereferenced
// before it is found in the live-handle registry and shown to belong to the
// calling process, so a made-up, closed or inherited (fork) handle gives
// ERROR_INVALID_HANDLE instead of a crash. Sessions are thread-safe.
//
// Each session owns its connection to rsmd (rpc/client/connection.h: one
// connection per session, deadlines, keepalive, fork safety).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "rpc/client/connection.h"

namespace openrsm::client {

struct ClientSession {
  pid_t pid = 0;
  std::unique_ptr<rpc::RsmConnection> rpc;
};

// Connects to rsmd (ClientSocketPath()) on a new connection and opens a
// server session; registers it. Errors as rpc::RsmConnection::Open.
Result<ClientSession*> OpenSession(const std::string& server, const std::string& application, uint32_t options);
// The live session behind `handle` for this process, or null. The returned
// reference keeps the session alive even if another thread closes it.
std::shared_ptr<ClientSession> Lookup(void* handle);
// Removes `handle` from the registry (the session is freed with its last user).
void Forget(void* handle);

}  // namespace openrsm::client
