#include "service/security.h"

#include <grp.h>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>

namespace openrsm::service {

Security::Security(std::string admin_group) : admin_group_(std::move(admin_group)) {
  if (!admin_group_.empty()) {
    struct group gr, *res = nullptr;
    std::vector<char> buf(16384);
    if (getgrnam_r(admin_group_.c_str(), &gr, buf.data(), buf.size(), &res) == 0 && res)
      admin_gid_ = res->gr_gid;
    else
      spdlog::warn("admin_group '{}' does not exist: only root has administrator rights", admin_group_);
  }
}

std::string Security::UserName(uint32_t uid) {
  struct passwd pw, *res = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &res) == 0 && res) return res->pw_name;
  return "uid:" + std::to_string(uid);
}

bool Security::InGroup(const Peer& peer, uint32_t gid) {
  return peer.gid == gid || std::find(peer.groups.begin(), peer.groups.end(), gid) != peer.groups.end();
}

bool Security::IsAdmin(const Peer& peer) {
  if (peer.uid == 0) return true;
  return admin_gid_ && InGroup(peer, *admin_gid_);
}

Status Security::Check(catalog::Txn& txn, const Peer& peer, const Guid& object, uint32_t right) {
  if (right == catalog::kRightUse || IsAdmin(peer)) return Status::Ok();
  auto entries = txn.GetAccess(object);
  if (!entries.ok()) return entries.status();
  for (const auto& e : *entries) {
    bool match = e.is_group ? InGroup(peer, e.principal) : e.principal == peer.uid;
    if (match && (e.rights & right)) return Status::Ok();
  }
  return Status(err::kAccessDenied, "caller lacks the required right on " + object.ToString());
}

}  // namespace openrsm::service
