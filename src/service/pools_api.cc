// CreateNtmsMediaPool, DeleteNtmsMediaPool, GetNtmsMediaPoolName,
// MoveToNtmsMediaPool and SetNtmsObjectInformation (media pools) as the
// server sees them. Each is one catalogue transaction: a refused call writes
// nothing. Rules and the choices where the SDK is silent: docs/pools.md and
// docs/compat.md "Media pools".
#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "catalog/ntms_values.h"
#include "common/utf.h"
#include "service/api_checks.h"
#include "service/service.h"

namespace openrsm::service {

namespace {

constexpr uint32_t kAllRights = catalog::kRightUse | catalog::kRightModify | catalog::kRightControl;
// Deeper than any hierarchy an application builds; a parent chain longer
// than this is a damaged catalogue (a cycle), not a name.
constexpr int kMaxPoolDepth = 64;

bool IsSystemPoolType(uint32_t type) {
  return type == ntms::kPoolScratch || type == ntms::kPoolForeign || type == ntms::kPoolImport;
}

// A level of a pool name (ERROR_INVALID_NAME): not empty, fits
// NTMS_OBJECTNAME_LENGTH with its NUL (in UTF-8 bytes), no control character.
Status ValidPoolNameComponent(std::string_view c) {
  if (c.empty()) return Err(err::kInvalidName, "a pool name level is empty");
  if (c.size() >= ntms::kObjectNameLength)
    return Err(err::kInvalidName,
               fmt::format("pool name level '{}' is longer than {} bytes", c, ntms::kObjectNameLength - 1));
  if (!IsValidUtf8(c)) return Err(err::kInvalidName, "pool name is not valid UTF-8");
  for (unsigned char ch : c)
    if (ch < 0x20 || ch == 0x7f) return Err(err::kInvalidName, "pool name holds a control character");
  return Status::Ok();
}

// "MyApp\Pool1" or "\MyApp\Pool1" as its levels, each valid.
Result<std::vector<std::string>> SplitPoolName(std::string_view name) {
  if (!name.empty() && name.front() == '\\') name.remove_prefix(1);
  std::vector<std::string> parts;
  for (;;) {
    size_t cut = name.find('\\');
    std::string_view c = name.substr(0, cut);
    RSM_RETURN_IF_ERROR(ValidPoolNameComponent(c));
    parts.emplace_back(c);
    if (cut == std::string_view::npos) break;
    name.remove_prefix(cut + 1);
  }
  return parts;
}

// Where a name hierarchy leads: the pool it names (null if missing), the
// deepest existing level (null: the top), and how many levels are missing.
struct Resolved {
  Guid pool;
  Guid parent;
  size_t missing = 0;
};

// Finds `parts` level by level from the top. The root pool is no level: it
// is a top-level row that names nothing (docs/catalog.md "System objects").
Result<Resolved> ResolvePoolName(catalog::Txn& txn, const Guid& root, const std::vector<std::string>& parts) {
  Resolved r;
  Guid at;  // null: the top level
  for (size_t i = 0; i < parts.size(); ++i) {
    RSM_ASSIGN_OR_RETURN(auto children, txn.ListMediaPools(at));
    auto it = std::find_if(children.begin(), children.end(),
                           [&](const catalog::MediaPool& p) { return p.h.name == parts[i] && p.h.id != root; });
    if (it == children.end()) {
      r.parent = at;
      r.missing = parts.size() - i;
      return r;
    }
    at = it->h.id;
  }
  r.pool = at;
  return r;
}

// "\A\B" for pool B in top-level pool A; "\" for the root pool.
Result<std::string> FullPoolName(catalog::Txn& txn, const Guid& root, const catalog::MediaPool& pool) {
  if (pool.h.id == root) return std::string("\\");
  std::string name;
  catalog::MediaPool at = pool;
  for (int depth = 0;; ++depth) {
    if (depth >= kMaxPoolDepth)
      return Err(err::kDatabaseFailure, "media pool " + pool.h.id.ToString() + ": parent chain too long (a cycle?)");
    name = "\\" + at.h.name + name;
    if (at.parent.IsNull()) return name;
    RSM_ASSIGN_OR_RETURN(at, txn.GetMediaPool(at.parent));
  }
}

// Whether `pool` is a system pool (Free, Import, Unrecognized) or lies inside one.
Result<bool> InSystemPool(catalog::Txn& txn, const catalog::MediaPool& pool) {
  catalog::MediaPool at = pool;
  for (int depth = 0; depth < kMaxPoolDepth; ++depth) {
    if (IsSystemPoolType(at.pool_type)) return true;
    if (at.parent.IsNull()) return false;
    RSM_ASSIGN_OR_RETURN(at, txn.GetMediaPool(at.parent));
  }
  return Err(err::kDatabaseFailure, "media pool " + pool.h.id.ToString() + ": parent chain too long (a cycle?)");
}

// The pool `id`, or ERROR_INVALID_MEDIA_POOL when `id` names no pool.
Result<catalog::MediaPool> PoolOrInvalid(catalog::Txn& txn, const Guid& id) {
  if (id.IsNull()) return Err(err::kInvalidMediaPool, "media pool id missing");
  auto t = txn.TypeOf(id);
  if (!t.ok()) return NotFoundAs(t.status(), err::kInvalidMediaPool);
  if (*t != ntms::kMediaPool) return Err(err::kInvalidMediaPool, id.ToString() + " is not a media pool");
  return txn.GetMediaPool(id);
}

}  // namespace

Status Service::CreateMediaPool(const Peer& peer, const Guid& session, const std::string& name, const Guid& media_type,
                                uint32_t action, Guid* id) {
  RSM_RETURN_IF_ERROR(sessions_.Get(peer, session).status());
  if (action != ntms::kOpenExisting && action != ntms::kCreateNew && action != ntms::kOpenAlways)
    return Err(err::kInvalidParameter, fmt::format("unknown dwAction {}", action));
  RSM_ASSIGN_OR_RETURN(auto parts, SplitPoolName(name));
  // A write transaction only when a pool may be created: opening works
  // while the catalogue is full or degraded.
  const bool may_create = action != ntms::kOpenExisting;
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(may_create));
  if (!media_type.IsNull()) {
    auto t = txn->TypeOf(media_type);
    if (!t.ok()) return NotFoundAs(t.status(), err::kInvalidMedia);
    if (*t != ntms::kMediaType) return Err(err::kInvalidMedia, media_type.ToString() + " is not a media type");
  }
  RSM_ASSIGN_OR_RETURN(auto computer, txn->GetComputer());
  const Guid root = computer.root_pool;
  RSM_ASSIGN_OR_RETURN(Resolved r, ResolvePoolName(*txn, root, parts));
  if (!r.pool.IsNull()) {
    if (action == ntms::kCreateNew) return Err(err::kAlreadyExists, "media pool " + name + " exists");
    *id = r.pool;  // opening needs Use, which everybody holds (docs/compat.md)
    return Status::Ok();
  }
  if (action == ntms::kOpenExisting) return Err(err::kObjectNotFound, "no media pool " + name);
  if (r.missing > 1) return Err(err::kObjectNotFound, "the parent of media pool " + name + " does not exist");
  // Control on the root pool and on the parent (SDK, Windows Server 2003).
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, root, catalog::kRightControl));
  std::vector<catalog::AccessEntry> inherited;
  if (!r.parent.IsNull()) {
    RSM_ASSIGN_OR_RETURN(auto parent, txn->GetMediaPool(r.parent));
    RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, parent.h.id, catalog::kRightControl));
    // Nobody holds Control on the system pools: only rsmd makes pools there.
    RSM_ASSIGN_OR_RETURN(bool system, InSystemPool(*txn, parent));
    if (system) return Err(err::kAccessDenied, "pools inside Free, Import and Unrecognized are rsmd's own");
    RSM_ASSIGN_OR_RETURN(inherited, txn->GetAccess(parent.h.id));
  }
  catalog::MediaPool p;
  p.h.id = Guid::New();
  p.h.name = parts.back();
  p.h.created_ms = p.h.modified_ms = clock_->NowMillis();
  p.pool_type = ntms::kPoolApplication;
  p.media_type = media_type;
  p.parent = r.parent;
  RSM_RETURN_IF_ERROR(txn->PutMediaPool(p));
  // The parent's entries (not the root's), then full rights for the creator.
  for (auto e : inherited) {
    e.object = p.h.id;
    RSM_RETURN_IF_ERROR(txn->PutAccess(e));
  }
  RSM_RETURN_IF_ERROR(txn->PutAccess({p.h.id, false, peer.uid, kAllRights}));
  RSM_RETURN_IF_ERROR(txn->Commit());
  *id = p.h.id;
  return Status::Ok();
}

Status Service::DeleteMediaPool(const Peer& peer, const Guid& session, const Guid& pool) {
  RSM_RETURN_IF_ERROR(sessions_.Get(peer, session).status());
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
  RSM_ASSIGN_OR_RETURN(auto p, PoolOrInvalid(*txn, pool));
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, p.h.id, catalog::kRightModify));
  RSM_ASSIGN_OR_RETURN(auto computer, txn->GetComputer());
  if (p.h.id == computer.root_pool) return Err(err::kInvalidMediaPool, "the root pool cannot be deleted");
  RSM_ASSIGN_OR_RETURN(bool system, InSystemPool(*txn, p));
  if (system || p.pool_type != ntms::kPoolApplication)
    return Err(err::kInvalidMediaPool, "pool " + p.h.name + " is a system pool");
  RSM_ASSIGN_OR_RETURN(uint64_t media, txn->CountPhysicalMedia(Guid(), p.h.id));
  RSM_ASSIGN_OR_RETURN(uint64_t pools, txn->CountMediaPools(p.h.id));
  if (media || pools)
    return Err(err::kNotEmpty, fmt::format("pool {} holds {} media and {} pools", p.h.name, media, pools));
  RSM_RETURN_IF_ERROR(txn->DeleteMediaPool(p.h.id));
  return txn->Commit();
}

Status Service::GetMediaPoolName(const Peer& peer, const Guid& session, const Guid& pool, std::string* name) {
  RSM_RETURN_IF_ERROR(sessions_.Get(peer, session).status());
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(false));
  RSM_ASSIGN_OR_RETURN(auto p, PoolOrInvalid(*txn, pool));
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, p.h.id, catalog::kRightUse));
  RSM_ASSIGN_OR_RETURN(auto computer, txn->GetComputer());
  RSM_ASSIGN_OR_RETURN(*name, FullPoolName(*txn, computer.root_pool, p));
  return Status::Ok();
}

namespace {

// MoveToNtmsMediaPool's rules on the destination and the sides (SDK
// remarks, MS-RSMP 3.2.5.2.2.13), after the rights.
Status CheckMove(const catalog::PhysicalMedia& m, const std::vector<catalog::Partition>& sides,
                 const catalog::MediaPool& src, const catalog::MediaPool& dst, const Guid& root) {
  if (dst.h.id == root || dst.pool_type == ntms::kPoolUnknown)
    return Err(err::kInvalidMediaPool, "the root pool holds no media");
  if (dst.media_type.IsNull()) return Err(err::kInvalidMediaPool, "pool " + dst.h.name + " holds only pools");
  if ((src.pool_type == ntms::kPoolForeign || src.pool_type == ntms::kPoolImport) &&
      dst.pool_type != ntms::kPoolScratch)
    return Err(err::kInvalidMediaPool, "media in Unrecognized or Import may only go to Free");
  if (src.pool_type == ntms::kPoolScratch && dst.h.id == src.h.id)
    return Err(err::kInvalidMediaPool, "the Free pool cannot be both source and destination");
  if (m.media_type != dst.media_type)
    return Err(err::kMediaIncompatible, "pool " + dst.h.name + " holds another media type");
  if (m.location_type == ntms::kDrive) return Err(err::kBusy, m.h.name + " is in a drive");
  if (m.needs_inventory) return Err(err::kBusy, m.h.name + " is being moved, or its place is unknown");
  for (const auto& p : sides) {
    if (!p.in_use_by.IsNull()) return Err(err::kBusy, "a side of " + m.h.name + " is in use");
    if (dst.pool_type == ntms::kPoolScratch &&
        (p.state == ntms::kPartComplete || p.state == ntms::kPartAllocated || p.state == ntms::kPartReserved))
      return Err(err::kInvalidMediaPool, "a side of " + m.h.name + " is allocated, completed or reserved");
    if (dst.pool_type == ntms::kPoolImport && p.state != ntms::kPartImport)
      return Err(err::kInvalidMediaPool, "only media whose sides are all Import may go to an Import pool");
    if (dst.pool_type == ntms::kPoolForeign && p.state != ntms::kPartForeign)
      return Err(err::kInvalidMediaPool, "only media whose sides are all Unrecognized may go to Unrecognized");
  }
  return Status::Ok();
}

}  // namespace

Status Service::MoveToMediaPool(const Peer& peer, const Guid& session, const Guid& media, const Guid& pool) {
  RSM_RETURN_IF_ERROR(sessions_.Get(peer, session).status());
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
  auto t = txn->TypeOf(media);
  if (!t.ok()) return NotFoundAs(t.status(), err::kInvalidMedia);
  if (*t != ntms::kPhysicalMedia) return Err(err::kInvalidMedia, media.ToString() + " is not a physical media");
  RSM_ASSIGN_OR_RETURN(auto m, txn->GetPhysicalMedia(media));
  auto src = txn->GetMediaPool(m.pool);
  if (!src.ok()) return NotFoundAs(src.status(), err::kInvalidMedia);
  RSM_ASSIGN_OR_RETURN(auto dst, PoolOrInvalid(*txn, pool));
  // Windows Server 2003: Use on Free as source or destination, Control on the other pool.
  const bool from_free = src->pool_type == ntms::kPoolScratch, to_free = dst.pool_type == ntms::kPoolScratch;
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, src->h.id, from_free ? catalog::kRightUse : catalog::kRightControl));
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, dst.h.id, to_free ? catalog::kRightUse : catalog::kRightControl));
  RSM_ASSIGN_OR_RETURN(auto computer, txn->GetComputer());
  RSM_ASSIGN_OR_RETURN(auto sides, txn->ListPartitions(m.h.id));
  RSM_RETURN_IF_ERROR(CheckMove(m, sides, *src, dst, computer.root_pool));
  if (dst.h.id == src->h.id) return Status::Ok();  // already there
  const int64_t now = clock_->NowMillis();
  m.pool = dst.h.id;
  m.h.modified_ms = now;
  RSM_RETURN_IF_ERROR(txn->PutPhysicalMedia(m));
  // Into Free from Import or Unrecognized: the sides become available.
  if (to_free)
    for (auto& p : sides)
      if (p.state == ntms::kPartImport || p.state == ntms::kPartForeign || p.state == ntms::kPartUnknown) {
        p.state = ntms::kPartAvailable;
        p.h.modified_ms = now;
        RSM_RETURN_IF_ERROR(txn->PutPartition(p));
      }
  return txn->Commit();
}

namespace {

// The pool `p` with the writable members of `in` (SetNtmsObjectInformation's
// table: szName, szDescription, AllocationPolicy, DeallocationPolicy,
// dwMaxAllocates, MediaType).
Status ApplyPoolInfo(catalog::Txn& txn, const ObjectInfo& in, bool system, catalog::MediaPool* p) {
  const auto* info = std::get_if<MediaPoolInfo>(&in.info);
  if (!info) return Err(err::kInvalidParameter, "no media pool information");
  if (info->allocation_policy & ~ntms::kAllocateFromScratch)
    return Err(err::kInvalidParameter, fmt::format("unknown AllocationPolicy {:#x}", info->allocation_policy));
  if (info->deallocation_policy & ~ntms::kDeallocateToScratch)
    return Err(err::kInvalidParameter, fmt::format("unknown DeallocationPolicy {:#x}", info->deallocation_policy));
  if (!IsValidUtf8(in.description)) return Err(err::kInvalidParameter, "description is not valid UTF-8");
  const bool renamed = in.name != p->h.name, retyped = info->media_type != p->media_type;
  const bool policy = info->allocation_policy != p->allocation_policy ||
                      info->deallocation_policy != p->deallocation_policy || info->max_allocates != p->max_allocates;
  // rsmd's own pools keep their names, types and (unused) policies.
  if (system && (renamed || retyped || policy))
    return Err(err::kAccessDenied, "only the description of a system pool may change");
  if (renamed) {
    Status valid = ValidPoolNameComponent(in.name);
    if (!valid.ok() || in.name.find('\\') != std::string::npos)
      return Err(err::kInvalidParameter, "pool name '" + in.name + "' is not valid");
    RSM_ASSIGN_OR_RETURN(auto siblings, txn.ListMediaPools(p->parent));
    for (const auto& s : siblings)
      if (s.h.name == in.name && s.h.id != p->h.id)
        return Err(err::kInvalidParameter, "a pool named '" + in.name + "' exists at that level");
  }
  if (retyped) {
    if (!info->media_type.IsNull()) {
      auto t = txn.TypeOf(info->media_type);
      if (!t.ok()) return NotFoundAs(t.status(), err::kInvalidParameter);
      if (*t != ntms::kMediaType) return Err(err::kInvalidParameter, "MediaType is not a media type");
    }
    RSM_ASSIGN_OR_RETURN(uint64_t media, txn.CountPhysicalMedia(Guid(), p->h.id));
    if (media) return Err(err::kInvalidParameter, "the media type of a pool that holds media cannot change");
  }
  p->h.name = in.name;
  p->h.description = in.description;
  p->media_type = info->media_type;
  p->allocation_policy = info->allocation_policy;
  p->deallocation_policy = info->deallocation_policy;
  p->max_allocates = info->max_allocates;
  return Status::Ok();
}

}  // namespace

Status Service::SetObjectInfo(const Peer& peer, const Guid& session, const Guid& id, const ObjectInfo& in) {
  RSM_RETURN_IF_ERROR(sessions_.Get(peer, session).status());
  if (in.type > ntms::kUiDestination) return Err(err::kInvalidParameter, fmt::format("unknown dwType {}", in.type));
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
  RSM_ASSIGN_OR_RETURN(uint32_t type, txn->TypeOf(id));  // ERROR_OBJECT_NOT_FOUND
  if (in.type != type)
    return Err(err::kInvalidParameter, fmt::format("dwType {} but the object is a {}", in.type, type));
  if (type != ntms::kMediaPool)  // TODO(issue 10): the other types of the SDK's table
    return Err(err::kNotSupported, "SetNtmsObjectInformation supports media pools only");
  RSM_ASSIGN_OR_RETURN(auto p, txn->GetMediaPool(id));
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, p.h.id, catalog::kRightModify));
  RSM_ASSIGN_OR_RETURN(auto computer, txn->GetComputer());
  RSM_ASSIGN_OR_RETURN(bool system, InSystemPool(*txn, p));
  const catalog::MediaPool before = p;
  RSM_RETURN_IF_ERROR(ApplyPoolInfo(*txn, in, system || p.h.id == computer.root_pool, &p));
  if (p.h.name == before.h.name && p.h.description == before.h.description && p.media_type == before.media_type &&
      p.allocation_policy == before.allocation_policy && p.deallocation_policy == before.deallocation_policy &&
      p.max_allocates == before.max_allocates)
    return Status::Ok();  // nothing to write
  p.h.modified_ms = clock_->NowMillis();
  RSM_RETURN_IF_ERROR(txn->PutMediaPool(p));
  return txn->Commit();
}

}  // namespace openrsm::service
