// EnumerateNtmsObject, GetNtmsObjectInformation, EnableNtmsObject and
// DisableNtmsObject as the server sees them.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "catalog/ntms_values.h"
#include "service/api_checks.h"
#include "service/object_info.h"
#include "service/service.h"
#include "service/worker.h"

namespace openrsm::service {

// ---- objects --------------------------------------------------------------------

Result<std::vector<Guid>> Service::Enumerate(const Peer& peer, const Guid& session, const Guid& container,
                                             uint32_t type, uint32_t options) {
  RSM_RETURN_IF_ERROR(sessions_.Check(peer, session));
  if (options & ~ntms::kEnumRootPool) return Err(err::kInvalidParameter, fmt::format("unknown options {:#x}", options));
  const bool root_pool = options & ntms::kEnumRootPool;
  if (root_pool && (type != ntms::kMediaPool || !container.IsNull()))
    return Err(err::kInvalidParameter, "NTMS_ENUM_ROOTPOOL needs NTMS_MEDIA_POOL and no container");
  // The containers each type may be enumerated in (EnumerateNtmsObject, dwType
  // table); 0 is the NULL container. The computer object is also accepted for
  // the top-level types it contains (libraries, pools).
  auto allowed = [&](uint32_t ctype) -> std::optional<bool> {
    switch (type) {
      case ntms::kChanger:
      case ntms::kDrive:
      case ntms::kIeDoor:
      case ntms::kIePort:
      case ntms::kLibRequest:
      case ntms::kStorageSlot:
      case ntms::kMediaType:
        return ctype == 0 || ctype == ntms::kLibrary;
      case ntms::kChangerType:
      case ntms::kComputer:
      case ntms::kDriveType:
      case ntms::kOpRequest:
        return ctype == 0;
      case ntms::kLibrary:
        return ctype == 0 || ctype == ntms::kComputer;
      case ntms::kMediaPool:
        return ctype == 0 || ctype == ntms::kMediaPool || ctype == ntms::kComputer;
      case ntms::kLogicalMedia:
        return ctype == 0 || ctype == ntms::kMediaPool || ctype == ntms::kPartition;
      case ntms::kPartition:
        return ctype == 0 || ctype == ntms::kLogicalMedia || ctype == ntms::kPhysicalMedia || ctype == ntms::kMediaPool;
      case ntms::kPhysicalMedia:
        return ctype == 0 || ctype == ntms::kMediaPool || ctype == ntms::kLibrary;
      default:
        return std::nullopt;  // NTMS_UNKNOWN, NTMS_OBJECT, NTMS_UI_DESTINATION, out of range
    }
  };
  if (!allowed(0)) return Err(err::kInvalidParameter, fmt::format("object type {} cannot be enumerated", type));
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(false));
  std::vector<Guid> ids;
  auto add = [&](const auto& v) {
    for (const auto& o : v) ids.push_back(o.h.id);
  };
  uint32_t ctype = 0;
  if (!container.IsNull()) {
    auto t = txn->TypeOf(container);
    if (!t.ok()) return NotFoundAs(t.status(), err::kObjectNotFound);
    ctype = *t;
  }
  if (!*allowed(ctype))
    return Err(err::kInvalidParameter,
               fmt::format("an object of type {} does not contain objects of type {}", ctype, type));
  Guid lib = ctype == ntms::kLibrary ? container : Guid();
  Guid pool = ctype == ntms::kMediaPool ? container : Guid();
  bool offline_library = false;  // the container is the offline library
  if (!lib.IsNull()) {
    RSM_ASSIGN_OR_RETURN(auto l, txn->GetLibrary(lib));
    offline_library = l.library_type == ntms::kLibTypeOffline;
  }
  switch (type) {
    case ntms::kLibrary: {
      // The libraries with devices first, by name; the offline library last
      // (SDK: "the physical library units and the offline library").
      RSM_ASSIGN_OR_RETURN(auto v, txn->ListLibraries());
      std::stable_partition(v.begin(), v.end(),
                            [](const catalog::Library& l) { return l.library_type != ntms::kLibTypeOffline; });
      add(v);
    } break;
    case ntms::kDrive: {
      RSM_ASSIGN_OR_RETURN(auto v, txn->ListDrives(lib));
      add(v);
    } break;
    case ntms::kStorageSlot: {
      RSM_ASSIGN_OR_RETURN(auto v, txn->ListSlots(lib));
      add(v);
    } break;
    case ntms::kIePort: {
      RSM_ASSIGN_OR_RETURN(auto v, txn->ListIePorts(lib));
      add(v);
    } break;
    case ntms::kChanger: {
      RSM_ASSIGN_OR_RETURN(auto v, txn->ListChangers(lib));
      add(v);
    } break;
    case ntms::kLibRequest: {
      // Unfinished first, in queue order (priority, then arrival), then the
      // finished ones oldest first, so that a client reads what is pending and
      // the newest history without reading every request (docs/service.md
      // "Enumeration order of library requests"; rsm request list).
      RSM_ASSIGN_OR_RETURN(auto v, txn->ListLibRequests(lib, {}));
      auto finished = std::stable_partition(v.begin(), v.end(), [](const catalog::LibRequest& r) {
        return r.state == ntms::kLmQueued || r.state == ntms::kLmInProcess || r.state == ntms::kLmWaiting ||
               r.state == ntms::kLmDeferred;
      });
      std::sort(finished, v.end(),
                [](const catalog::LibRequest& a, const catalog::LibRequest& b) { return a.seq < b.seq; });
      add(v);
      break;
    }
    case ntms::kPhysicalMedia: {
      if (offline_library) {
        RSM_ASSIGN_OR_RETURN(ids, txn->ListOfflinePhysicalMediaIds());
      } else {
        RSM_ASSIGN_OR_RETURN(ids, txn->ListPhysicalMediaIds(lib, pool));
      }
    } break;
    case ntms::kPartition:
      if (ctype == ntms::kPhysicalMedia) {
        RSM_ASSIGN_OR_RETURN(auto v, txn->ListPartitions(container));
        add(v);
      } else if (ctype != ntms::kLogicalMedia) {  // logical media are not modelled: no sides
        RSM_ASSIGN_OR_RETURN(ids, txn->ListPartitionIdsInPool(pool));
      }
      break;
    case ntms::kMediaPool: {
      // The root pool is a top-level row that only NTMS_ENUM_ROOTPOOL lists,
      // first (SDK); its children are the other top-level pools.
      RSM_ASSIGN_OR_RETURN(auto c, txn->GetComputer());
      RSM_ASSIGN_OR_RETURN(auto v, txn->ListMediaPools(pool == c.root_pool ? Guid() : pool));
      if (root_pool) ids.push_back(c.root_pool);
      for (const auto& p : v)
        if (p.h.id != c.root_pool) ids.push_back(p.h.id);
    } break;
    case ntms::kMediaType: {
      RSM_ASSIGN_OR_RETURN(auto v, txn->ListMediaTypes());
      add(v);
    } break;
    case ntms::kComputer: {
      RSM_ASSIGN_OR_RETURN(auto c, txn->GetComputer());
      ids.push_back(c.h.id);
    } break;
    case ntms::kDriveType: {
      RSM_ASSIGN_OR_RETURN(auto v, txn->ListDriveTypes());
      add(v);
    } break;
    case ntms::kChangerType: {
      RSM_ASSIGN_OR_RETURN(auto v, txn->ListChangerTypes());
      add(v);
    } break;
    default:
      break;  // types without objects in this catalogue yet: an empty list
  }
  return ids;
}

Status Service::GetObjectInfo(const Peer& peer, const Guid& session, const Guid& id, ObjectInfo* out,
                              uint32_t type_hint) {
  RSM_RETURN_IF_ERROR(sessions_.Check(peer, session));
  if (id.IsNull()) return Err(err::kInvalidParameter, "object id missing");
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(false));
  // The object is read once: FillObjectInfo also reports what governs it. On
  // a failed access check the caller discards `out`. With the caller's type
  // hint the row is read directly (object ids are unique across kinds, so a
  // hit is the object); a miss falls back to the object_index lookup.
  Governing g;
  Status filled = Status(err::kObjectNotFound, "no hint");
  if (type_hint != 0) filled = FillObjectInfo(*txn, type_hint, id, out, &g);
  if (filled.code() == err::kObjectNotFound) {
    *out = ObjectInfo();
    g = Governing();
    auto type = txn->TypeOf(id);
    if (!type.ok()) return type.status();
    filled = FillObjectInfo(*txn, *type, id, out, &g);
  }
  RSM_RETURN_IF_ERROR(filled);
  if (!g.library.IsNull()) RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, g.library, catalog::kRightUse));
  if (!g.pool.IsNull()) RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, g.pool, catalog::kRightUse));
  return Status::Ok();
}

// SDK (DisableNtmsObject): "Whenever possible, when a drive is disabled, the
// medium in the drive is removed and placed in its slot." Possible: the
// library has a robot and no session holds the side in the drive (a holder
// keeps it; its DismountNtmsMedia then sends it home). Queued in the same
// transaction as the disable.
Status Service::SendHomeFromDisabledDrive(RequestQueue::Txn& qtxn, const Session& s, const catalog::Drive& d) {
  if (d.media.IsNull() || d.mounted_side.IsNull()) return Status::Ok();
  auto rt = RuntimeFor(d.library);
  if (!rt || !rt->HasDevices() || !rt->devices.changer) return Status::Ok();
  auto side = qtxn.db().GetPartition(d.mounted_side);
  if (!side.ok()) return side.status().code() == err::kObjectNotFound ? Status::Ok() : side.status();
  if (!side->in_use_by.IsNull()) return Status::Ok();
  catalog::LibRequest home;
  home.operation = ntms::kLmDismount;
  home.option = 0;  // as DismountNtmsDrive: the drive is emptied
  home.library = d.library;
  home.drive = d.h.id;
  home.pmid = d.media;
  home.partition = d.mounted_side;
  home.h.description = "drive disabled: its cartridge goes home";
  return qtxn.Submit(home, s);
}

Status Service::SetEnabled(const Peer& peer, const Guid& session, uint32_t type, const Guid& id, bool enable) {
  RSM_ASSIGN_OR_RETURN(Session s, sessions_.Get(peer, session));
  if (id.IsNull()) return Err(err::kInvalidParameter, "object id missing");
  if (type != ntms::kDrive && type != ntms::kLibrary && type != ntms::kPhysicalMedia)
    return Err(err::kInvalidParameter, "only drives, libraries and physical media can be enabled or disabled");
  RSM_ASSIGN_OR_RETURN(auto qtxn, queue_->Begin());
  catalog::Txn* txn = &qtxn.db();
  auto actual = txn->TypeOf(id);
  if (!actual.ok()) return actual.status();
  if (*actual != type) return Err(err::kObjectNotFound, "no object of that type with this id");
  RSM_ASSIGN_OR_RETURN(Governing g, GoverningObjects(*txn, type, id));
  catalog::Library lib;
  if (!g.library.IsNull()) {
    RSM_ASSIGN_OR_RETURN(lib, txn->GetLibrary(g.library));
    RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, lib.h.id, catalog::kRightModify));
    // SDK: ERROR_LIBRARY_OFFLINE "refers to an off-line library that cannot be enabled or disabled".
    if (lib.library_type == ntms::kLibTypeOffline)
      return Err(err::kLibraryOffline, "the offline library cannot be enabled or disabled");
    if (!LibraryPresent(lib) || lib.h.op_state == ntms::kNeedsService)
      return Err(err::kLibraryOffline, "library " + lib.h.name + " is offline");
  } else if (!security_.IsAdmin(peer)) {
    return Err(err::kAccessDenied, "modifying offline media needs administrator rights");
  }
  int64_t now = clock_->NowMillis();
  catalog::LibRequest req;
  req.library = g.library;
  auto flip = [&](catalog::ObjectHeader& h) -> Status {
    if (h.enabled == enable)
      return Err(err::kInvalidState, fmt::format("{} is already {}", h.name, enable ? "enabled" : "disabled"));
    h.enabled = enable;
    h.modified_ms = now;
    return Status::Ok();
  };
  if (type == ntms::kLibrary) {
    RSM_RETURN_IF_ERROR(flip(lib.h));
    RSM_RETURN_IF_ERROR(txn->PutLibrary(lib));
    req.operation = enable ? ntms::kLmEnableLibrary : ntms::kLmDisableLibrary;
  } else if (type == ntms::kDrive) {
    RSM_ASSIGN_OR_RETURN(auto d, txn->GetDrive(id));
    RSM_RETURN_IF_ERROR(flip(d.h));
    RSM_RETURN_IF_ERROR(txn->PutDrive(d));
    req.operation = enable ? ntms::kLmEnableDrive : ntms::kLmDisableDrive;
    req.drive = id;
    if (!enable) RSM_RETURN_IF_ERROR(SendHomeFromDisabledDrive(qtxn, s, d));
  } else {
    RSM_ASSIGN_OR_RETURN(auto m, txn->GetPhysicalMedia(id));
    RSM_RETURN_IF_ERROR(flip(m.h));
    RSM_RETURN_IF_ERROR(txn->PutPhysicalMedia(m));
    req.operation = enable ? ntms::kLmEnableMedia : ntms::kLmDisableMedia;
    req.pmid = id;
  }
  // The state change is the whole operation; it is recorded as a completed request.
  RSM_RETURN_IF_ERROR(qtxn.Submit(req, s, ntms::kLmPassed));
  RSM_RETURN_IF_ERROR(qtxn.Commit());
  // Mounts waiting for an enabled drive may run now; a disabled drive's
  // cartridge may be on its way home.
  Wake(g.library);
  return Status::Ok();
}

// ---- mount / dismount -------------------------------------------------------------

}  // namespace openrsm::service
