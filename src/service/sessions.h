// Sessions: server-side state of OpenNtmsSession handles.
//
// A session belongs to the connection it was opened on: the caller's
// identity (uid, gid, groups, pid) is the one the kernel gave for that
// connection (SO_PEERCRED, SO_PEERGROUPS), and a session token presented on
// any other connection is ERROR_INVALID_HANDLE. When the connection closes,
// its sessions close with it (ConnectionClosed). Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/guid.h"
#include "common/status.h"
#include "common/thread_annotations.h"

namespace openrsm::service {

// Who is calling: the credentials of the caller's connection.
struct Peer {
  uint32_t uid = 0;
  uint32_t gid = 0;
  int32_t pid = 0;
  std::vector<uint32_t> groups;  // supplementary groups at connect time (SO_PEERGROUPS)
  uint64_t connection = 0;       // the server's id of the connection (0: in-process caller)
};

struct Session {
  Guid id;
  Peer peer;
  std::string application;
  std::string computer;
  std::string user;
};

class Sessions {
 public:
  // Opens a session for `peer`; ERROR_NOT_ENOUGH_MEMORY when a non-root uid
  // already has `per_uid_limit` sessions open.
  Result<Guid> Open(const Peer& peer, std::string application, std::string computer, std::string user,
                    uint32_t per_uid_limit) RSM_EXCLUDES(mu_) {
    Session s{Guid::New(), peer, std::move(application), std::move(computer), std::move(user)};
    MutexLock lock(&mu_);
    if (peer.uid != 0 && per_uid_[peer.uid] >= per_uid_limit)
      return Status(err::kNotEnoughMemory, "uid " + std::to_string(peer.uid) + " has " + std::to_string(per_uid_limit) +
                                               " sessions open (limit sessions_per_uid)");
    ++per_uid_[peer.uid];
    Guid id = s.id;
    sessions_[id] = std::move(s);
    return id;
  }
  // The session `id` if it exists and was opened on `peer`'s connection.
  Result<Session> Get(const Peer& peer, const Guid& id) const RSM_EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end() || !SameCaller(it->second.peer, peer))
      return Status(err::kInvalidHandle, "no such session on this connection");
    return it->second;
  }
  // Get without the copy.
  Status Check(const Peer& peer, const Guid& id) const RSM_EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end() || !SameCaller(it->second.peer, peer))
      return Status(err::kInvalidHandle, "no such session on this connection");
    return Status::Ok();
  }
  // Whether session `id` is open (by anyone).
  bool IsOpen(const Guid& id) const RSM_EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return sessions_.count(id) != 0;
  }
  // Removes the session if it belongs to `peer`'s connection.
  bool Close(const Peer& peer, const Guid& id) RSM_EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end() || !SameCaller(it->second.peer, peer)) return false;
    Erase(it);
    return true;
  }
  // Removes every session opened on `connection`; returns them.
  std::vector<Session> CloseConnection(uint64_t connection) RSM_EXCLUDES(mu_) {
    std::vector<Session> out;
    MutexLock lock(&mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second.peer.connection == connection) {
        out.push_back(it->second);
        it = Erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }
  size_t Count() const RSM_EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return sessions_.size();
  }

 private:
  static bool SameCaller(const Peer& opened, const Peer& caller) {
    return opened.connection == caller.connection && opened.uid == caller.uid && opened.pid == caller.pid;
  }
  std::unordered_map<Guid, Session>::iterator Erase(std::unordered_map<Guid, Session>::iterator it) RSM_REQUIRES(mu_) {
    auto n = per_uid_.find(it->second.peer.uid);
    if (n != per_uid_.end() && --n->second == 0) per_uid_.erase(n);
    return sessions_.erase(it);
  }

  mutable Mutex mu_;
  std::unordered_map<Guid, Session> sessions_ RSM_GUARDED_BY(mu_);
  std::unordered_map<uint32_t, uint32_t> per_uid_ RSM_GUARDED_BY(mu_);
};

}  // namespace openrsm::service
