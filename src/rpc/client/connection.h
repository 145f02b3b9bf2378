// RsmConnection: one session's connection to rsmd, the RPC client that
// libntmsapi (src/client) calls. Plain and domain types only: no gRPC or
// protobuf type appears here, and src/client cannot include either.
//
// One session, one connection: Open connects the Unix socket itself and
// gives gRPC that one descriptor (a direct channel, no subchannel pool), so
// rsmd identifies the session by the credentials of the caller at the
// moment it opened it (SO_PEERCRED), and two sessions never share a
// connection. The channel cannot reconnect: when the connection is lost
// (rsmd stopped answering HTTP/2 keepalive pings, exited, or restarted),
// every later call fails (ERROR_NOT_CONNECTED) and the application opens a
// new session. docs/client.md "Connections and identity".
//
// Results: each call returns rsmd's answer (a Status carrying its Win32
// code and message), or, when the call did not get one, the code of the
// transport failure: ERROR_NOT_CONNECTED (connection lost or refused), or
// where noted ERROR_TIMEOUT for a missed deadline and
// ERROR_CONNECTION_UNAVAIL; ERROR_NOT_ENOUGH_MEMORY when a reply is too
// large or an allocation fails. No exception leaves this class.
//
// Thread safety: calls on one connection may be made from several threads
// at once. Every call is made inside the fork guard (fork_guard.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/guid.h"
#include "common/object_info.h"
#include "common/status.h"
#include "common/thread_annotations.h"

namespace openrsm::rpc {

// How long a call waits for rsmd's answer (docs/client.md "Deadlines").
// A call that returns at once (lookups, state changes, queueing) gets
// kQuickCallTimeout; Mount gets its timeout_ms plus kMountMargin (none for
// kInfinite); DismountDrive and Inventory, which wait for the robot and have
// no timeout parameter, get none. Whatever the deadline, while a call waits
// its connection is pinged every kKeepaliveTime and closed (the call
// failing) when a ping is not answered within kKeepaliveTimeout: a stopped
// or hung rsmd is noticed within about 15-20 s.
inline constexpr std::chrono::seconds kQuickCallTimeout{60};
inline constexpr std::chrono::seconds kMountMargin{30};
inline constexpr std::chrono::milliseconds kKeepaliveTime{10000};
inline constexpr std::chrono::milliseconds kKeepaliveTimeout{5000};
inline constexpr uint32_t kInfinite = 0xFFFFFFFFu;  // Win32 INFINITE

// What OpenNtmsSession sends.
struct SessionParams {
  std::string server;
  std::string application;
  std::string computer;  // the client's host name
  uint32_t options = 0;
};

class RsmConnection {
 public:
  // Connects to rsmd at `socket_path` on a new connection and opens a server
  // session (deadline kQuickCallTimeout). Errors: ERROR_NOT_CONNECTED
  // (nothing listens, the accept queue stayed full for 5 s, or no answer in
  // time), ERROR_NO_NETWORK (this process is a child forked while a parent
  // thread was inside a call: its RPC runtime is the parent's and must not
  // be used, fork_guard.h), or rsmd's answer.
  static openrsm::Result<std::unique_ptr<RsmConnection>> Open(const std::string& socket_path,
                                                              const SessionParams& params);
  // Closes the connection (not the server session: CloseSession does that).
  ~RsmConnection();
  RsmConnection(const RsmConnection&) = delete;
  RsmConnection& operator=(const RsmConnection&) = delete;

  // CloseNtmsSession. No answer (lost, deadline) is ERROR_CONNECTION_UNAVAIL.
  Status CloseSession();
  // EnumerateNtmsObject: the ids rsmd lists in `container` (null = top level).
  openrsm::Result<std::vector<Guid>> Enumerate(const Guid& container, uint32_t type, uint32_t options = 0);
  // GetNtmsObjectInformation; `type_hint` is the caller's dwType (0 = unknown).
  openrsm::Result<openrsm::ObjectInfo> GetObjectInfo(const Guid& id, uint32_t type_hint);
  // EnableNtmsObject / DisableNtmsObject.
  Status SetEnabled(uint32_t type, const Guid& id, bool enable);
  // MountNtmsMedia: `drives` has one entry per media (null = any drive); the
  // drives used. Deadline timeout_ms + kMountMargin (none for kInfinite);
  // a missed deadline is ERROR_TIMEOUT.
  openrsm::Result<std::vector<Guid>> Mount(const std::vector<Guid>& media, const std::vector<Guid>& drives,
                                           uint32_t options, int32_t priority, uint32_t timeout_ms);
  // DismountNtmsMedia; a missed deadline is ERROR_TIMEOUT.
  Status DismountMedia(const std::vector<Guid>& media, uint32_t options);
  // DismountNtmsDrive and InventoryNtmsLibrary: no deadline (they wait for
  // the robot; keepalive notices a dead rsmd).
  Status DismountDrive(const Guid& drive);
  Status Inventory(const Guid& library, uint32_t action);
  Status CancelLibRequest(const Guid& request);
  // EjectNtmsMedia (media) / InjectNtmsMedia (library): `operation` is the
  // operation to stop (NTMS_*_STOP; null otherwise). Returns the started
  // operation's id (null when none was started).
  openrsm::Result<Guid> EjectMedia(const Guid& media, const Guid& operation, uint32_t action);
  openrsm::Result<Guid> InjectMedia(const Guid& library, const Guid& operation, uint32_t action);
  // DecommissionNtmsMedia (a side) and DeleteNtmsMedia (a cartridge).
  Status DecommissionMedia(const Guid& side);
  Status DeleteMedia(const Guid& media);

  // ---- media pools (branch pools) ----
  // CreateNtmsMediaPool (`name` UTF-8; `media_type` null = pools only): the pool's id.
  openrsm::Result<Guid> CreatePool(const std::string& name, const Guid& media_type, uint32_t action);
  Status DeletePool(const Guid& pool);
  // GetNtmsMediaPoolName: the full name hierarchy, UTF-8.
  openrsm::Result<std::string> GetPoolName(const Guid& pool);
  Status MoveToPool(const Guid& media, const Guid& pool);
  // SetNtmsObjectInformation: sends the writable members of `info`.
  Status SetObjectInfo(const Guid& id, const openrsm::ObjectInfo& info);

 private:
  struct Impl;
  explicit RsmConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Makes the fork handlers hold `mu` (the caller's lock that guards its
// handles) from the prepare handler until fork() returns, so that a child
// never inherits it locked. The caller must never construct or call an
// RsmConnection (or destroy one) while it holds `mu`. Call once.
void HoldAcrossFork(Mutex* mu);

}  // namespace openrsm::rpc
