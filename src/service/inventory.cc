// Reconcile: makes the catalogue agree with what a library's device reports.
//
// The device is the truth for where cartridges are. For every element the
// catalogue's object is updated (full/empty, which media); cartridges are
// matched by barcode, or, without one, by the element they were last known
// in; cartridges never seen before are created in the Free pool; catalogued
// cartridges of this library that the device no longer holds become offline
// (no library, unknown location). A second cartridge with a bar code the
// catalogue already has in a present library gets a quarantined record of
// its own and never moves the catalogued one (duplicates.h). Runs in one
// write transaction.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "catalog/ntms_values.h"
#include "service/duplicates.h"
#include "service/ieports.h"
#include "service/lifecycle.h"
#include "service/worker.h"

namespace openrsm::service {

using devices::ElementType;

// Declared in ieports.h.
Status PutWithOneSide(catalog::Txn& txn, const catalog::PhysicalMedia& m, uint32_t side_state, int64_t now) {
  RSM_RETURN_IF_ERROR(txn.PutPhysicalMedia(m));
  catalog::Partition p;
  p.h.id = Guid::New();
  p.h.name = m.h.name + ":A";
  p.h.created_ms = p.h.modified_ms = now;
  p.pmid = m.h.id;
  p.side = 0;
  p.state = side_state;
  return txn.PutPartition(p);
}

// Declared in ieports.h (the mail-slot poll creates cartridges the same way).
Result<catalog::PhysicalMedia> NewMedia(catalog::Txn& txn, const Guid& library, const std::string& barcode,
                                        const SystemObjects& sys, int64_t now) {
  catalog::PhysicalMedia m;
  m.h.id = Guid::New();
  m.h.name = barcode.empty() ? "unlabeled-" + m.h.id.ToString().substr(0, 8) : barcode;
  m.h.created_ms = m.h.modified_ms = now;
  m.library = library;
  m.pool = sys.free_pool;
  m.media_type = sys.media_type;
  m.barcode = barcode;
  m.barcode_state = barcode.empty() ? ntms::kBarcodeUnreadable : ntms::kBarcodeOk;
  m.media_state = ntms::kMediaIdle;
  // Until rsmd reads labels, a cartridge it has not seen goes to the Free pool.
  RSM_ASSIGN_OR_RETURN(uint32_t state, lifecycle::Next(ntms::kPartUnknown, lifecycle::Op::kIdentifyFree));
  RSM_RETURN_IF_ERROR(PutWithOneSide(txn, m, state, now));
  spdlog::info("inventory: new cartridge {} placed in the Free pool", m.h.name);
  return m;
}

Status Reconcile(catalog::Txn& txn, const Guid& library, const std::vector<devices::ElementStatus>& elements,
                 const SystemObjects& sys, int64_t now) {
  RSM_ASSIGN_OR_RETURN(auto slots, txn.ListSlots(library));
  RSM_ASSIGN_OR_RETURN(auto drives, txn.ListDrives(library));
  RSM_ASSIGN_OR_RETURN(auto ports, txn.ListIePorts(library));
  RSM_ASSIGN_OR_RETURN(auto known, txn.ListPhysicalMedia(library, Guid()));

  auto element_id = [&](const devices::ElementRef& ref, uint32_t* type) -> Guid {
    switch (ref.type) {
      case ElementType::kStorage:
        *type = ntms::kStorageSlot;
        return ref.index < slots.size() ? slots[ref.index].h.id : Guid();
      case ElementType::kDataTransfer:
        *type = ntms::kDrive;
        return ref.index < drives.size() ? drives[ref.index].h.id : Guid();
      case ElementType::kImportExport:
        *type = ntms::kIePort;
        return ref.index < ports.size() ? ports[ref.index].h.id : Guid();
      default:
        *type = 0;
        return Guid();
    }
  };

  std::map<Guid, Guid> content;  // element id -> media id after reconcile
  std::vector<CartridgeMatcher::FullElement> full;
  std::map<Guid, const devices::ElementStatus*> reported;  // full elements, for the log
  for (const auto& e : elements) {
    uint32_t type = 0;
    Guid eid = element_id(e.ref, &type);
    if (eid.IsNull()) {
      if (e.full)
        spdlog::warn("inventory: cartridge '{}' in {} {} that the catalogue does not model", e.barcode,
                     devices::ElementTypeName(e.ref.type), e.ref.index);
      continue;
    }
    content[eid] = Guid();
    if (!e.full) continue;
    full.push_back({eid, type, e.barcode});
    reported[eid] = &e;
  }
  // The read speaks for every element of the library.
  std::set<Guid> scope;
  for (const auto& x : slots) scope.insert(x.h.id);
  for (const auto& x : drives) scope.insert(x.h.id);
  for (const auto& x : ports) scope.insert(x.h.id);
  CartridgeMatcher matcher(txn, library, std::move(known), std::move(scope), sys, now, "inventory");
  RSM_ASSIGN_OR_RETURN(auto held, matcher.Match(full));
  auto& by_id = matcher.records();

  for (const auto& f : full) {
    const Guid eid = f.id, mid = held[eid];
    const uint32_t type = f.type;
    const auto& ref = reported[eid]->ref;
    content[eid] = mid;
    auto& m = by_id[mid];
    bool moved = m.location != eid || m.library != library || m.needs_inventory;
    // An original taken from elsewhere (offline, or a library that is gone):
    // the element that still names it there is cleared.
    if (m.library != library) RSM_RETURN_IF_ERROR(ClearOldElement(txn, m, eid, now));
    m.library = library;
    m.location = eid;
    m.location_type = type;
    m.needs_inventory = false;
    if (type != ntms::kDrive) {
      // Out of any drive: no session can still hold one of its sides.
      if (type == ntms::kStorageSlot) m.home_slot = eid;
      m.media_state = ntms::kMediaIdle;
      RSM_ASSIGN_OR_RETURN(auto parts, txn.ListPartitions(mid));
      for (auto p : parts)
        if (!p.in_use_by.IsNull()) {
          p.in_use_by = Guid();
          p.h.modified_ms = now;
          RSM_RETURN_IF_ERROR(txn.PutPartition(p));
        }
    }
    if (moved) {
      m.h.modified_ms = now;
      spdlog::info("inventory: {} is in {} {}", m.h.name, devices::ElementTypeName(ref.type), ref.index);
    }
    RSM_RETURN_IF_ERROR(txn.PutPhysicalMedia(m));
  }

  // Catalogued cartridges the device no longer holds: offline; a
  // quarantined duplicate is deleted once the elements no longer name it.
  std::vector<catalog::PhysicalMedia> gone_duplicates;
  for (auto& [id, m] : by_id) {
    if (matcher.Claimed(id) || m.library != library) continue;
    if (IsQuarantined(m)) {
      gone_duplicates.push_back(m);
      continue;
    }
    spdlog::warn("inventory: {} is no longer in the library; marked offline", m.h.name);
    RSM_RETURN_IF_ERROR(TakeOffline(txn, m, now));
  }

  for (auto& s : slots) {
    if (!content.count(s.h.id)) continue;
    Guid mid = content[s.h.id];
    uint32_t state = mid.IsNull() ? ntms::kSlotEmpty : ntms::kSlotFull;
    if (s.media != mid || s.state != state) {
      s.media = mid;
      s.state = state;
      s.h.modified_ms = now;
      RSM_RETURN_IF_ERROR(txn.PutSlot(s));
    }
  }
  std::map<Guid, uint32_t> position;  // of each reported IE port
  for (const auto& e : elements)
    if (e.ref.type == ElementType::kImportExport && e.ref.index < ports.size())
      position[ports[e.ref.index].h.id] = PortPosition(e);
  for (auto& p : ports) {
    if (!content.count(p.h.id)) continue;
    Guid mid = content[p.h.id];
    uint32_t pos = position.count(p.h.id) ? position[p.h.id] : p.position;
    if (p.media != mid || p.position != pos) {
      p.media = mid;
      p.position = pos;
      p.h.modified_ms = now;
      RSM_RETURN_IF_ERROR(txn.PutIePort(p));
    }
  }
  for (auto& d : drives) {
    if (!content.count(d.h.id)) continue;
    Guid mid = content[d.h.id];
    uint32_t state = d.state;
    if (mid.IsNull()) {
      state = ntms::kDriveDismounted;
    } else if (d.media != mid || state == ntms::kDriveDismounted) {
      state = ntms::kDriveLoaded;
    }
    if (d.media != mid || d.state != state) {
      d.media = mid;
      d.state = state;
      if (mid.IsNull()) d.mounted_side = Guid();
      d.h.modified_ms = now;
      RSM_RETURN_IF_ERROR(txn.PutDrive(d));
    }
    if (!mid.IsNull()) {
      // A cartridge found in a drive is mounted, but not in use by anyone.
      auto& m = by_id[mid];
      if (m.media_state != ntms::kMediaLoaded && m.media_state != ntms::kMediaMounted &&
          m.media_state != ntms::kMediaUnloaded) {
        m.media_state = ntms::kMediaLoaded;
        RSM_RETURN_IF_ERROR(txn.PutPhysicalMedia(m));
      }
    }
  }

  for (const auto& q : gone_duplicates) RSM_RETURN_IF_ERROR(DropQuarantined(txn, q, now));

  RSM_ASSIGN_OR_RETURN(auto lib, txn.GetLibrary(library));
  lib.needs_inventory = false;
  lib.h.op_state = ntms::kReady;
  lib.offline_reason.clear();
  lib.h.modified_ms = now;
  return txn.PutLibrary(lib);
}

}  // namespace openrsm::service
