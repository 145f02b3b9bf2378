// Reconcile: makes the catalogue agree with what a library's device reports.
//
// The device is the truth for where cartridges are. For every element the
// catalogue's object is updated (full/empty, which media); cartridges are
// matched by barcode, or, without one, by the element they were last known
// in; cartridges never seen before are created in the Free pool; catalogued
// cartridges of this library that the device no longer holds become offline
// (no library, unknown location). Runs in one write transaction.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "catalog/ntms_values.h"
#include "service/ieports.h"
#include "service/worker.h"

namespace openrsm::service {

using devices::ElementType;

namespace {

struct ElementObject {
  uint32_t type = 0;  // NTMS object type
  Guid id;
  Guid media;         // per catalogue
};

}  // namespace

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
  RSM_RETURN_IF_ERROR(txn.PutPhysicalMedia(m));
  catalog::Partition p;
  p.h.id = Guid::New();
  p.h.name = m.h.name + ":A";
  p.h.created_ms = p.h.modified_ms = now;
  p.pmid = m.h.id;
  p.side = 0;
  p.state = ntms::kPartAvailable;
  RSM_RETURN_IF_ERROR(txn.PutPartition(p));
  spdlog::info("inventory: new cartridge {} placed in the Free pool", m.h.name);
  return m;
}

Status Reconcile(catalog::Txn& txn, const Guid& library, const std::vector<devices::ElementStatus>& elements,
                 const SystemObjects& sys, int64_t now) {
  RSM_ASSIGN_OR_RETURN(auto slots, txn.ListSlots(library));
  RSM_ASSIGN_OR_RETURN(auto drives, txn.ListDrives(library));
  RSM_ASSIGN_OR_RETURN(auto ports, txn.ListIePorts(library));
  RSM_ASSIGN_OR_RETURN(auto known, txn.ListPhysicalMedia(library, Guid()));

  std::map<Guid, catalog::PhysicalMedia> by_id;
  std::map<std::string, Guid> by_barcode;
  std::map<Guid, Guid> by_location;  // element -> media, for cartridges without a barcode
  for (auto& m : known) {
    if (!m.barcode.empty()) by_barcode[m.barcode] = m.h.id;
    if (!m.location.IsNull()) by_location[m.location] = m.h.id;
    by_id[m.h.id] = m;
  }
  std::set<Guid> seen;

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
  for (const auto& e : elements) {
    uint32_t type = 0;
    Guid eid = element_id(e.ref, &type);
    if (eid.IsNull()) {
      if (e.full)
        spdlog::warn("inventory: cartridge '{}' in {} {} that the catalogue does not model", e.barcode,
                     devices::ElementTypeName(e.ref.type), e.ref.index);
      continue;
    }
    if (!e.full) {
      content[eid] = Guid();
      continue;
    }
    Guid mid;
    if (!e.barcode.empty()) {
      auto it = by_barcode.find(e.barcode);
      if (it != by_barcode.end() && !seen.count(it->second)) {
        mid = it->second;
      } else if (it == by_barcode.end()) {
        // Known in another library (moved by hand) or offline?
        RSM_ASSIGN_OR_RETURN(auto other, txn.FindPhysicalMediaByBarcode(e.barcode));
        if (other && !seen.count(other->h.id)) {
          by_id[other->h.id] = *other;
          mid = other->h.id;
        }
      }
    } else {
      auto it = by_location.find(eid);
      if (it != by_location.end() && by_id[it->second].barcode.empty() && !seen.count(it->second))
        mid = it->second;
    }
    if (mid.IsNull()) {
      RSM_ASSIGN_OR_RETURN(auto m, NewMedia(txn, library, e.barcode, sys, now));
      by_id[m.h.id] = m;
      mid = m.h.id;
    }
    seen.insert(mid);
    content[eid] = mid;
    auto& m = by_id[mid];
    bool moved = m.location != eid || m.library != library || m.needs_inventory;
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
      spdlog::info("inventory: {} is in {} {}", m.h.name, devices::ElementTypeName(e.ref.type), e.ref.index);
    }
    RSM_RETURN_IF_ERROR(txn.PutPhysicalMedia(m));
  }

  // Catalogued cartridges the device no longer holds.
  for (auto& [id, m] : by_id) {
    if (seen.count(id) || m.library != library) continue;
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
  for (auto& p : ports) {
    if (!content.count(p.h.id)) continue;
    Guid mid = content[p.h.id];
    if (p.media != mid) {
      p.media = mid;
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

  RSM_ASSIGN_OR_RETURN(auto lib, txn.GetLibrary(library));
  lib.needs_inventory = false;
  lib.h.op_state = ntms::kReady;
  lib.offline_reason.clear();
  lib.h.modified_ms = now;
  return txn.PutLibrary(lib);
}

}  // namespace openrsm::service
