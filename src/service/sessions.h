// Sessions: server-side state of OpenNtmsSession handles.
//
// A session is bound to the process that opened it (peer pid and uid from
// SO_PEERCRED): a token presented by another process is ERROR_INVALID_HANDLE.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/guid.h"
#include "common/status.h"

namespace openrsm::service {

struct Peer {
  uint32_t uid = 0;
  uint32_t gid = 0;
  int32_t pid = 0;
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
  Guid Open(const Peer& peer, std::string application, std::string computer, std::string user) {
    Session s{Guid::New(), peer, std::move(application), std::move(computer), std::move(user)};
    std::lock_guard<std::mutex> lock(mu_);
    sessions_[s.id] = s;
    return s.id;
  }
  // The session for `id` if it exists and belongs to `peer`'s process.
  Result<Session> Get(const Peer& peer, const Guid& id) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end() || it->second.peer.pid != peer.pid || it->second.peer.uid != peer.uid)
      return Status(err::kInvalidHandle, "no such session for this process");
    return it->second;
  }
  // Get without the copy: OK if the session exists and belongs to `peer`'s process.
  Status Check(const Peer& peer, const Guid& id) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end() || it->second.peer.pid != peer.pid || it->second.peer.uid != peer.uid)
      return Status(err::kInvalidHandle, "no such session for this process");
    return Status::Ok();
  }
  bool Close(const Peer& peer, const Guid& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end() || it->second.peer.pid != peer.pid || it->second.peer.uid != peer.uid) return false;
    sessions_.erase(it);
    return true;
  }
  size_t Count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sessions_.size();
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<Guid, Session> sessions_;
};

}  // namespace openrsm::service
