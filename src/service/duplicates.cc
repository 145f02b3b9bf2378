// Duplicate bar codes: the quarantine rules shared by the inventory and the
// IE port poll (duplicates.h).
#include "service/duplicates.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <tuple>

#include "catalog/ntms_values.h"
#include "service/ieports.h"

namespace openrsm::service {

namespace {

// "slot 1" for the element named "sim0 slot 1" of library "sim0".
std::string ShortElementName(const std::string& element, const std::string& library) {
  if (element.size() > library.size() + 1 && element.compare(0, library.size(), library) == 0 &&
      element[library.size()] == ' ')
    return element.substr(library.size() + 1);
  return element;
}

// The name of the slot, drive or IE port `m` is in; empty when unknown.
Result<std::string> ElementName(catalog::Txn& txn, const catalog::PhysicalMedia& m) {
  if (m.location.IsNull()) return std::string();
  Result<std::string> name = std::string();
  auto pick = [&](const auto& r) {
    if (r.ok()) {
      name = r->h.name;
    } else if (r.status().code() != err::kObjectNotFound) {
      name = r.status();
    }
  };
  switch (m.location_type) {
    case ntms::kStorageSlot:
      pick(txn.GetSlot(m.location));
      break;
    case ntms::kDrive:
      pick(txn.GetDrive(m.location));
      break;
    case ntms::kIePort:
      pick(txn.GetIePort(m.location));
      break;
    default:
      break;
  }
  return name;
}

}  // namespace

bool IsQuarantined(const catalog::PhysicalMedia& m) { return m.h.op_state == ntms::kNeedsService; }

Result<std::optional<catalog::PhysicalMedia>> FindOriginal(catalog::Txn& txn, const std::string& barcode) {
  if (barcode.empty()) return std::optional<catalog::PhysicalMedia>();
  RSM_ASSIGN_OR_RETURN(auto found, txn.FindPhysicalMediaByBarcode(barcode));
  if (found && IsQuarantined(*found)) found.reset();  // only quarantined records carry it
  return found;
}

Result<bool> MayAdopt(catalog::Txn& txn, const catalog::PhysicalMedia& m, const Guid& library) {
  if (m.library.IsNull()) return true;
  if (m.library == library) return false;
  auto lib = txn.GetLibrary(m.library);
  if (!lib.ok()) {
    if (lib.status().code() == err::kObjectNotFound) return true;
    return lib.status();
  }
  return lib->h.op_state == ntms::kNotPresent;
}

Result<std::string> ConflictText(catalog::Txn& txn, const catalog::PhysicalMedia& m) {
  if (m.library.IsNull()) return fmt::format("bar code {} is also catalogued, offline", m.barcode);
  std::string lib_name = m.library.ToString();
  auto lib = txn.GetLibrary(m.library);
  if (lib.ok()) {
    lib_name = lib->h.name;
  } else if (lib.status().code() != err::kObjectNotFound) {
    return lib.status();
  }
  RSM_ASSIGN_OR_RETURN(std::string element, ElementName(txn, m));
  if (element.empty() || m.needs_inventory)
    return fmt::format("bar code {} is also in library {} (location unknown)", m.barcode, lib_name);
  return fmt::format("bar code {} is also in library {}, {}", m.barcode, lib_name, ShortElementName(element, lib_name));
}

Result<catalog::PhysicalMedia> NewQuarantined(catalog::Txn& txn, const Guid& library, const std::string& barcode,
                                              const std::string& why, const SystemObjects& sys, int64_t now) {
  catalog::PhysicalMedia m;
  m.h.id = Guid::New();
  // Not the bar code: a lookup by name must not find it where "the
  // cartridge" is meant, and an operator must tell it apart.
  m.h.name = fmt::format("{} (duplicate {})", barcode.substr(0, 40), m.h.id.ToString().substr(0, 8));
  m.h.description = why;
  m.h.created_ms = m.h.modified_ms = now;
  m.h.enabled = false;
  m.h.op_state = ntms::kNeedsService;
  m.library = library;
  m.pool = sys.unrecognized_pool;
  m.media_type = sys.media_type;
  m.barcode = barcode;
  m.barcode_state = ntms::kBarcodeOk;
  m.media_state = ntms::kMediaIdle;
  RSM_RETURN_IF_ERROR(PutWithOneSide(txn, m, ntms::kPartUnknown, now));  // nobody may allocate its side
  return m;
}

void UpdateConflict(catalog::PhysicalMedia& q, const std::string& why, int64_t now) {
  if (q.h.description == why) return;
  q.h.description = why;
  q.h.modified_ms = now;
}

Status DropQuarantined(catalog::Txn& txn, const catalog::PhysicalMedia& q, int64_t now) {
  // Normally the caller has already given the element its new content.
  RSM_RETURN_IF_ERROR(ClearOldElement(txn, q, Guid(), now));
  spdlog::info("quarantined {} is gone from its library; its record is deleted", q.h.name);
  return txn.DeletePhysicalMedia(q.h.id);
}

// ---- CartridgeMatcher -------------------------------------------------------------------

CartridgeMatcher::CartridgeMatcher(catalog::Txn& txn, const Guid& library, std::vector<catalog::PhysicalMedia> known,
                                   std::set<Guid> scope, const SystemObjects& sys, int64_t now, std::string who)
    : txn_(txn), library_(library), scope_(std::move(scope)), sys_(sys), now_(now), who_(std::move(who)) {
  std::sort(known.begin(), known.end(), [](const auto& a, const auto& b) {
    return std::tie(a.h.created_ms, a.h.id) < std::tie(b.h.created_ms, b.h.id);
  });
  for (auto& m : known) {
    if (!m.barcode.empty()) by_barcode_[m.barcode].push_back(m.h.id);
    if (!m.location.IsNull()) by_location_[m.location] = m.h.id;
    records_[m.h.id] = std::move(m);
  }
}

void CartridgeMatcher::Claim(const Guid& media, const FullElement& f, std::map<Guid, Guid>* out) {
  claimed_at_[media] = f;
  (*out)[f.id] = media;
}

Result<Guid> CartridgeMatcher::Takeable(const std::string& barcode) {
  auto free_here = [&](const catalog::PhysicalMedia& r) {
    return r.location.IsNull() || r.needs_inventory || scope_.count(r.location) != 0;
  };
  if (auto it = by_barcode_.find(barcode); it != by_barcode_.end())
    for (const Guid& id : it->second) {
      const auto& r = records_[id];
      if (!IsQuarantined(r) && !Claimed(id) && free_here(r)) return id;
    }
  RSM_ASSIGN_OR_RETURN(auto orig, FindOriginal(txn_, barcode));
  if (!orig || Claimed(orig->h.id) || records_.count(orig->h.id)) return Guid();  // records_: considered above
  RSM_ASSIGN_OR_RETURN(bool adopt, MayAdopt(txn_, *orig, library_));
  if (!adopt) return Guid();
  Guid id = orig->h.id;
  records_[id] = std::move(*orig);
  return id;
}

Result<bool> CartridgeMatcher::HasOriginal(const std::string& barcode) {
  if (auto it = by_barcode_.find(barcode); it != by_barcode_.end())
    for (const Guid& id : it->second)
      if (!IsQuarantined(records_[id])) return true;
  RSM_ASSIGN_OR_RETURN(auto orig, FindOriginal(txn_, barcode));
  return orig.has_value();
}

Result<std::string> CartridgeMatcher::Why(const std::string& barcode) {
  std::optional<catalog::PhysicalMedia> orig;
  if (auto it = by_barcode_.find(barcode); it != by_barcode_.end())
    for (const Guid& id : it->second)
      if (!IsQuarantined(records_[id])) {
        orig = records_[id];
        break;
      }
  if (!orig) {
    RSM_ASSIGN_OR_RETURN(orig, FindOriginal(txn_, barcode));
  }
  if (!orig) return fmt::format("bar code {} is on another cartridge too", barcode);
  if (auto at = claimed_at_.find(orig->h.id); at != claimed_at_.end()) {
    // Where this read found it, not where the catalogue had it before.
    orig->library = library_;
    orig->location = at->second.id;
    orig->location_type = at->second.type;
    orig->needs_inventory = false;
  }
  return ConflictText(txn_, *orig);
}

Guid CartridgeMatcher::SpareQuarantined(const std::string& barcode) {
  auto it = by_barcode_.find(barcode);
  if (it == by_barcode_.end()) return Guid();
  for (const Guid& id : it->second)
    if (IsQuarantined(records_[id]) && !Claimed(id)) return id;
  return Guid();
}

Result<std::map<Guid, Guid>> CartridgeMatcher::Match(const std::vector<FullElement>& full) {
  std::map<Guid, Guid> out;
  auto at = [&](const FullElement& f) -> const catalog::PhysicalMedia* {
    auto it = by_location_.find(f.id);
    if (it == by_location_.end() || Claimed(it->second)) return nullptr;
    const auto& r = records_[it->second];
    return r.barcode == f.barcode ? &r : nullptr;
  };
  // 1. Cartridges where the catalogue has them.
  for (const auto& f : full) {
    const auto* r = at(f);
    if (r && !IsQuarantined(*r)) Claim(r->h.id, f, &out);
  }
  // 2. Quarantined duplicates where the catalogue has them, unless their original may come here now.
  for (const auto& f : full) {
    const auto* r = at(f);
    if (out.count(f.id) || !r || !IsQuarantined(*r)) continue;
    Guid q = r->h.id;
    RSM_ASSIGN_OR_RETURN(Guid orig, Takeable(f.barcode));
    if (!orig.IsNull()) {
      spdlog::info("{}: {} replaces its duplicate {}: the other cartridge with bar code {} is gone", who_,
                   records_[orig].h.name, records_[q].h.name, f.barcode);
      Claim(orig, f, &out);
      continue;
    }
    Claim(q, f, &out);
    RSM_ASSIGN_OR_RETURN(std::string why, Why(f.barcode));
    UpdateConflict(records_[q], why, now_);
    spdlog::warn("{}: {} stays quarantined (disabled): {}", who_, records_[q].h.name, why);
  }
  // 3. The rest: by bar code, or new.
  for (const auto& f : full) {
    if (out.count(f.id)) continue;
    if (f.barcode.empty()) {
      RSM_ASSIGN_OR_RETURN(auto m, NewMedia(txn_, library_, f.barcode, sys_, now_));
      Guid id = m.h.id;
      records_[id] = std::move(m);
      Claim(id, f, &out);
      continue;
    }
    RSM_ASSIGN_OR_RETURN(Guid orig, Takeable(f.barcode));
    if (!orig.IsNull()) {
      Claim(orig, f, &out);
      continue;
    }
    RSM_ASSIGN_OR_RETURN(bool conflict, HasOriginal(f.barcode));
    Guid q = SpareQuarantined(f.barcode);
    if (!conflict && q.IsNull()) {
      RSM_ASSIGN_OR_RETURN(auto m, NewMedia(txn_, library_, f.barcode, sys_, now_));
      Guid id = m.h.id;
      records_[id] = std::move(m);
      Claim(id, f, &out);
      continue;
    }
    RSM_ASSIGN_OR_RETURN(std::string why, Why(f.barcode));
    if (q.IsNull()) {
      RSM_ASSIGN_OR_RETURN(auto m, NewQuarantined(txn_, library_, f.barcode, why, sys_, now_));
      q = m.h.id;
      records_[q] = std::move(m);
    } else {
      UpdateConflict(records_[q], why, now_);
    }
    Claim(q, f, &out);
    spdlog::warn(
        "{}: a second cartridge with bar code {}: {}; catalogued as {}, disabled, until one of them is "
        "removed",
        who_, f.barcode, why, records_[q].h.name);
  }
  return out;
}

}  // namespace openrsm::service
