// Security: per-object rights (Use / Modify / Control), as the RSM security
// table (reference/access-rights.tsv) assigns them to calls.
//
// Default policy (DESIGN.md): root and members of `admin_group` hold every
// right on every object; everybody else holds Use, plus whatever the
// catalogue's access entries grant to their uid or groups. A caller's groups
// are the ones its connection carries (Peer::gid and Peer::groups, from
// SO_PEERCRED and SO_PEERGROUPS at connect time), never /etc/group: a
// process that dropped its groups has none, and a user removed from a group
// loses its rights with the next connection. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/store.h"
#include "service/sessions.h"

namespace openrsm::service {

class Security {
 public:
  // Resolves `admin_group` once; logs a warning when it does not exist
  // (then only root holds the administrator's rights).
  explicit Security(std::string admin_group);

  bool IsAdmin(const Peer& peer);
  // OK if `peer` holds `right` (catalog::kRight*) on `object`; else ERROR_ACCESS_DENIED.
  // Catalogue errors are returned as they are.
  Status Check(catalog::Txn& txn, const Peer& peer, const Guid& object, uint32_t right);
  // The user name for a uid ("uid:N" when unknown).
  static std::string UserName(uint32_t uid);

 private:
  static bool InGroup(const Peer& peer, uint32_t gid);

  std::string admin_group_;
  std::optional<uint32_t> admin_gid_;
};

}  // namespace openrsm::service
