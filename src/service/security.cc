#include "service/security.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>

namespace openrsm::service {

Security::Security(std::string admin_group) : admin_group_(std::move(admin_group)) {
  if (!admin_group_.empty()) {
    struct group gr, *res = nullptr;
    std::vector<char> buf(16384);
    if (getgrnam_r(admin_group_.c_str(), &gr, buf.data(), buf.size(), &res) == 0 && res)
      admin_gid_ = res->gr_gid;
  }
}

std::string Security::UserName(uint32_t uid) {
  struct passwd pw, *res = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &res) == 0 && res) return res->pw_name;
  return "uid:" + std::to_string(uid);
}

std::vector<uint32_t> Security::GroupsOf(const Peer& peer) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = groups_cache_.find(peer.uid);
    if (it != groups_cache_.end()) return it->second;
  }
  std::vector<uint32_t> out{peer.gid};
  struct passwd pw, *res = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(peer.uid, &pw, buf.data(), buf.size(), &res) == 0 && res) {
    int n = 64;
    std::vector<gid_t> groups(n);
    if (getgrouplist(res->pw_name, res->pw_gid, groups.data(), &n) < 0) {
      groups.resize(n);
      getgrouplist(res->pw_name, res->pw_gid, groups.data(), &n);
    }
    for (int i = 0; i < n; ++i) out.push_back(groups[i]);
  }
  std::lock_guard<std::mutex> lock(mu_);
  groups_cache_[peer.uid] = out;
  return out;
}

bool Security::IsAdmin(const Peer& peer) {
  if (peer.uid == 0) return true;
  if (!admin_gid_) return false;
  auto groups = GroupsOf(peer);
  return std::find(groups.begin(), groups.end(), *admin_gid_) != groups.end();
}

Status Security::Check(catalog::Txn& txn, const Peer& peer, const Guid& object, uint32_t right) {
  if (right == catalog::kRightUse || IsAdmin(peer)) return Status::Ok();
  auto entries = txn.GetAccess(object);
  if (!entries.ok()) return entries.status();
  auto groups = GroupsOf(peer);
  for (const auto& e : *entries) {
    bool match = e.is_group ? std::find(groups.begin(), groups.end(), e.principal) != groups.end()
                            : e.principal == peer.uid;
    if (match && (e.rights & right)) return Status::Ok();
  }
  return Status(err::kAccessDenied, "caller lacks the required right on " + object.ToString());
}

}  // namespace openrsm::service
