// Client-side sessions behind the opaque HANDLEs of ntmsapi.h.
//
// A HANDLE is a pointer to a ClientSession, but it is never dereferenced
// before it is found in the live-handle registry and shown to belong to the
// calling process, so a made-up, closed or inherited (fork) handle gives
// ERROR_INVALID_HANDLE instead of a crash. Sessions are thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "common/status.h"
#include "rpc/rsm.grpc.pb.h"

namespace openrsm::client {

struct ClientSession {
  pid_t pid = 0;
  std::string token;                         // server-side session id (16 bytes)
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<rpc::Rsm::Stub> stub;
};

// Connects to rsmd (ClientSocketPath()) and opens a server session.
Result<ClientSession*> OpenSession(const std::string& server, const std::string& application, uint32_t options);
// The live session behind `handle` for this process, or null. The returned
// reference keeps the session alive even if another thread closes it.
std::shared_ptr<ClientSession> Lookup(void* handle);
// Removes `handle` from the registry (the session is freed with its last user).
void Forget(void* handle);

// Maps a failed gRPC call to a Win32 code.
uint32_t TransportError(const grpc::Status& st);

}  // namespace openrsm::client
