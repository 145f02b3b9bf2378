// IE ports (mail slots): the catalogue rules for cartridges that pass
// through them, the worker's mail-slot poll, and the worker steps of
// EjectNtmsMedia (slot -> free IE port) and InjectNtmsMedia (every full IE
// port -> a free slot). docs/service.md "IE ports" describes the contract.
#include "service/ieports.h"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "catalog/ntms_values.h"
#include "service/duplicates.h"

namespace openrsm::service {

using catalog::LibRequest;
using devices::ElementType;

namespace {

// No session can hold a side of a cartridge that is outside every drive.
Status ReleaseSides(catalog::Txn& txn, const Guid& media, int64_t now) {
  RSM_ASSIGN_OR_RETURN(auto parts, txn.ListPartitions(media));
  for (auto p : parts)
    if (!p.in_use_by.IsNull()) {
      p.in_use_by = Guid();
      p.h.modified_ms = now;
      RSM_RETURN_IF_ERROR(txn.PutPartition(p));
    }
  return Status::Ok();
}

}  // namespace

Status ClearOldElement(catalog::Txn& txn, const catalog::PhysicalMedia& m, const Guid& keep, int64_t now) {
  if (m.location.IsNull() || m.location == keep) return Status::Ok();
  if (m.location_type == ntms::kStorageSlot) {
    auto s = txn.GetSlot(m.location);
    if (s.ok() && s->media == m.h.id) {
      s->media = Guid();
      s->state = ntms::kSlotEmpty;
      s->h.modified_ms = now;
      return txn.PutSlot(*s);
    }
  } else if (m.location_type == ntms::kDrive) {
    auto d = txn.GetDrive(m.location);
    if (d.ok() && d->media == m.h.id) {
      d->media = Guid();
      d->mounted_side = Guid();
      d->state = ntms::kDriveDismounted;
      d->h.modified_ms = now;
      return txn.PutDrive(*d);
    }
  } else if (m.location_type == ntms::kIePort) {
    auto p = txn.GetIePort(m.location);
    if (p.ok() && p->media == m.h.id) {
      p->media = Guid();
      p->h.modified_ms = now;
      return txn.PutIePort(*p);
    }
  }
  return Status::Ok();
}

Status TakeOffline(catalog::Txn& txn, catalog::PhysicalMedia& m, int64_t now) {
  m.library = Guid();
  m.location = Guid();
  m.location_type = 0;
  m.needs_inventory = false;
  m.media_state = ntms::kMediaIdle;
  m.h.modified_ms = now;
  RSM_RETURN_IF_ERROR(txn.PutPhysicalMedia(m));
  return ReleaseSides(txn, m.h.id, now);
}

uint32_t PortPosition(const devices::ElementStatus& e) {
  if (!e.accessible) return ntms::kPortPositionUnknown;
  return *e.accessible ? ntms::kPortPositionRetracted : ntms::kPortPositionExtended;
}

Result<bool> IePortsMatch(catalog::Txn& txn, const Guid& library, const std::vector<devices::ElementStatus>& elements) {
  RSM_ASSIGN_OR_RETURN(auto ports, txn.ListIePorts(library));
  for (const auto& e : elements) {
    if (e.ref.type != ElementType::kImportExport || e.ref.index >= ports.size()) continue;
    const auto& port = ports[e.ref.index];
    if (port.position != PortPosition(e)) return false;
    if (!e.full) {
      if (!port.media.IsNull()) return false;
      continue;
    }
    if (port.media.IsNull()) return false;
    auto m = txn.GetPhysicalMedia(port.media);
    if (!m.ok()) {
      if (m.status().code() == err::kObjectNotFound) return false;
      return m.status();
    }
    if (m->barcode != e.barcode || m->library != library || m->location != port.h.id || m->needs_inventory)
      return false;
    if (IsQuarantined(*m)) {
      // A duplicate in a port whose original has left its library since: reconcile (it takes the port).
      RSM_ASSIGN_OR_RETURN(auto orig, FindOriginal(txn, m->barcode));
      if (orig) {
        RSM_ASSIGN_OR_RETURN(bool adopt, MayAdopt(txn, *orig, library));
        if (adopt) return false;
      }
    }
  }
  return true;
}

Status ReconcileIePorts(catalog::Txn& txn, const Guid& library, const std::vector<devices::ElementStatus>& elements,
                        const SystemObjects& sys, int64_t now, bool* changed) {
  *changed = false;
  RSM_ASSIGN_OR_RETURN(auto ports, txn.ListIePorts(library));
  RSM_ASSIGN_OR_RETURN(auto known, txn.ListPhysicalMedia(library, Guid()));
  // 1. Which cartridge each reported port holds (null: empty). The read
  //    speaks for the ports only: a cartridge the catalogue has in a slot or
  //    drive is still there, and one with its bar code in a port is another.
  std::map<uint32_t, Guid> want;
  std::map<uint32_t, uint32_t> position;
  std::vector<CartridgeMatcher::FullElement> full;
  std::set<Guid> scope;
  for (const auto& p : ports) scope.insert(p.h.id);
  for (const auto& e : elements) {
    if (e.ref.type != ElementType::kImportExport || e.ref.index >= ports.size()) continue;
    want[e.ref.index] = Guid();
    position[e.ref.index] = PortPosition(e);
    if (e.full) full.push_back({ports[e.ref.index].h.id, ntms::kIePort, e.barcode});
  }
  const size_t before = known.size();
  CartridgeMatcher matcher(txn, library, std::move(known), std::move(scope), sys, now, "ieports");
  RSM_ASSIGN_OR_RETURN(auto held, matcher.Match(full));
  for (auto& [index, mid] : want) {
    auto it = held.find(ports[index].h.id);
    if (it != held.end()) mid = it->second;
  }
  if (matcher.records().size() != before) *changed = true;  // new or adopted records
  // 2. Cartridges the catalogue has in a reported port that were taken out.
  for (const auto& [index, mid] : want) {
    const auto& port = ports[index];
    if (port.media.IsNull() || port.media == mid || matcher.Claimed(port.media)) continue;
    auto m = txn.GetPhysicalMedia(port.media);
    if (!m.ok()) {
      if (m.status().code() != err::kObjectNotFound) return m.status();
      continue;
    }
    if (m->location != port.h.id) continue;
    *changed = true;
    if (IsQuarantined(*m)) {
      RSM_RETURN_IF_ERROR(DropQuarantined(txn, *m, now));
      continue;
    }
    spdlog::info("ieports: {} was taken out of {}; it is offline now", m->h.name, port.h.name);
    RSM_RETURN_IF_ERROR(TakeOffline(txn, *m, now));
  }
  // 3. Each cartridge where the device has it.
  for (const auto& [index, mid] : want) {
    RSM_ASSIGN_OR_RETURN(auto port, txn.GetIePort(ports[index].h.id));  // step 2/3 may have written it
    if (!mid.IsNull()) {
      RSM_ASSIGN_OR_RETURN(auto m, txn.GetPhysicalMedia(mid));
      const auto& matched = matcher.records()[mid];
      if (m.h.description != matched.h.description) {  // a duplicate's conflict text changed
        m.h.description = matched.h.description;
        m.h.modified_ms = now;
        RSM_RETURN_IF_ERROR(txn.PutPhysicalMedia(m));
        *changed = true;
      }
      if (m.location != port.h.id || m.location_type != ntms::kIePort || m.library != library || m.needs_inventory) {
        RSM_RETURN_IF_ERROR(ClearOldElement(txn, m, port.h.id, now));
        spdlog::info("ieports: {} is in {}", m.h.name, port.h.name);
        m.library = library;
        m.location = port.h.id;
        m.location_type = ntms::kIePort;
        m.needs_inventory = false;
        m.media_state = ntms::kMediaIdle;
        m.h.modified_ms = now;
        RSM_RETURN_IF_ERROR(txn.PutPhysicalMedia(m));
        RSM_RETURN_IF_ERROR(ReleaseSides(txn, mid, now));
        *changed = true;
      }
    }
    if (port.media != mid || port.position != position[index]) {
      port.media = mid;
      port.position = position[index];
      port.h.modified_ms = now;
      RSM_RETURN_IF_ERROR(txn.PutIePort(port));
      *changed = true;
    }
  }
  return Status::Ok();
}

// ---- the mail-slot poll -------------------------------------------------------------

void LibraryWorker::MaybePollIePorts() {
  const uint32_t every = lib_->config.ie_poll_seconds;
  if (every == 0 || !lib_->devices.changer) return;
  const int64_t now = clock_->NowMillis();
  if (now - last_ie_poll_ms_ < int64_t(every) * 1000) return;
  last_ie_poll_ms_ = now;
  Status st = PollIePorts();
  if (!st.ok()) spdlog::warn("library {}: IE port poll failed: {}", lib_->config.name, st.ToString());
}

Status LibraryWorker::PollIePorts() {
  if (!lib_->devices.changer) return Status::Ok();
  {
    RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(false));
    RSM_ASSIGN_OR_RETURN(auto lib, txn->GetLibrary(lib_->id));
    // An offline library, or one that waits for an inventory, is left to that inventory.
    if (lib.h.op_state != ntms::kReady || lib.needs_inventory) return Status::Ok();
    RSM_ASSIGN_OR_RETURN(auto ports, txn->ListIePorts(lib_->id));
    if (ports.empty()) return Status::Ok();
  }
  auto read = lib_->devices.changer->ReadElementStatusOf(ElementType::kImportExport);
  if (!read.ok()) {
    if (read.status().code() == err::kDeviceNotAvailable) (void)SetOffline(read.status().message());
    return read.status();
  }
  {
    RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(false));
    RSM_ASSIGN_OR_RETURN(bool same, IePortsMatch(*txn, lib_->id, *read));
    if (same) return Status::Ok();
  }
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
  bool changed = false;
  RSM_RETURN_IF_ERROR(ReconcileIePorts(*txn, lib_->id, *read, sys_, clock_->NowMillis(), &changed));
  if (!changed) return Status::Ok();
  RSM_RETURN_IF_ERROR(txn->Commit());
  spdlog::info("library {}: IE ports changed; catalogue updated", lib_->config.name);
  return Status::Ok();
}

// ---- EjectNtmsMedia: slot -> free IE port -----------------------------------------------

uint32_t LibraryWorker::PrepareEject(catalog::Txn& txn, LibRequest& req, Plan* plan) {
  if (!lib_->devices.changer) return err::kNotSupported;
  auto m = txn.GetPhysicalMedia(req.pmid);
  if (!m.ok()) return m.status().code() == err::kObjectNotFound ? err::kInvalidMedia : m.status().code();
  plan->media = *m;
  catalog::PhysicalMedia& media = plan->media;
  // Re-checked here: the catalogue may have changed since the call queued it.
  if (media.library != lib_->id) return err::kLibraryOffline;
  if (media.needs_inventory || !media.h.enabled) return err::kMediaNotAvailable;
  if (media.location_type == ntms::kDrive) return err::kBusy;
  if (media.location_type != ntms::kStorageSlot) return err::kInvalidOperation;
  auto s = txn.GetSlot(media.location);
  if (!s.ok()) return s.status().code();
  plan->slot = *s;
  auto ports = txn.ListIePorts(lib_->id);
  if (!ports.ok()) return ports.status().code();
  for (const auto& p : *ports)
    if (p.media.IsNull() && p.h.enabled) {
      plan->port = p;
      break;
    }
  if (plan->port.h.id.IsNull()) return err::kBusy;  // every IE port holds a cartridge
  // The pre-move mark, committed with the claim.
  media.needs_inventory = true;
  req.slot = plan->slot.h.id;
  if (Status st = txn.PutPhysicalMedia(media); !st.ok()) return st.code();
  plan->kind = Plan::kEjectToPort;
  return err::kSuccess;
}

uint32_t LibraryWorker::RunEject(LibRequest& req, Plan& plan, bool* recorded) {
  catalog::PhysicalMedia& media = plan.media;
  const catalog::Slot& slot = plan.slot;
  const catalog::IePort& port = plan.port;
  Status mv =
      lib_->devices.changer->Move({ElementType::kStorage, slot.number}, {ElementType::kImportExport, port.number});
  if (!mv.ok()) {
    if (mv.code() != err::kNotEmpty) return MoveFailed(mv, media, slot.h.id, Guid());
    // An operator filled the port since the last poll (3B/0D): nothing moved,
    // the cartridge is still in its slot, and the poll records what is in
    // the port soon (no library-wide inventory needed for a mail slot).
    auto txn = store_->Begin(true);
    if (txn.ok()) {
      media.needs_inventory = false;
      if ((*txn)->PutPhysicalMedia(media).ok()) (void)(*txn)->Commit();
    }
    last_ie_poll_ms_ = 0;
    return err::kBusy;
  }
  Status c = CommitEject(req, plan);
  if (!c.ok()) {
    reconcile_needed_ = true;
    (void)MarkNeedsInventory(media.h.id, c.message());
    return c.code();
  }
  *recorded = true;
  return err::kSuccess;
}

Status LibraryWorker::CommitEject(LibRequest& req, const Plan& plan) {
  RSM_ASSIGN_OR_RETURN(auto txn, BeginHeld());
  catalog::Txn& db = txn.db();
  const int64_t now = clock_->NowMillis();
  RSM_ASSIGN_OR_RETURN(auto s, db.GetSlot(plan.slot.h.id));
  RSM_ASSIGN_OR_RETURN(auto p, db.GetIePort(plan.port.h.id));
  RSM_ASSIGN_OR_RETURN(auto m, db.GetPhysicalMedia(plan.media.h.id));
  s.media = Guid();
  s.state = ntms::kSlotEmpty;
  s.h.modified_ms = now;
  p.media = m.h.id;
  p.h.modified_ms = now;
  m.location = p.h.id;
  m.location_type = ntms::kIePort;
  m.needs_inventory = false;
  m.media_state = ntms::kMediaIdle;
  m.h.modified_ms = now;
  RSM_RETURN_IF_ERROR(db.PutSlot(s));
  RSM_RETURN_IF_ERROR(db.PutIePort(p));
  RSM_RETURN_IF_ERROR(db.PutPhysicalMedia(m));
  LibRequest done = req;
  RSM_RETURN_IF_ERROR(txn.Move(done, ntms::kLmPassed));
  RSM_RETURN_IF_ERROR(txn.Commit());
  req = std::move(done);
  spdlog::info("library {}: {} ejected to {}", lib_->config.name, m.h.name, p.h.name);
  return Status::Ok();
}

// ---- InjectNtmsMedia: every full IE port -> a free slot ---------------------------------

uint32_t LibraryWorker::PrepareInject(catalog::Txn&, LibRequest&, Plan* plan) {
  if (!lib_->devices.changer) return err::kNotSupported;
  plan->kind = Plan::kInjectFromPorts;
  return err::kSuccess;
}

uint32_t LibraryWorker::RunInject(LibRequest& req) {
  // A fresh look at the ports first: the operator may have filled them since the last poll.
  if (Status st = PollIePorts(); !st.ok()) return st.code();
  last_ie_poll_ms_ = clock_->NowMillis();
  std::set<Guid> done;  // ports handled (moved, or left for an inventory)
  for (;;) {
    catalog::IePort port;
    catalog::Slot slot;
    catalog::PhysicalMedia media;
    {
      // Claim: the lowest-numbered full port, the first empty slot, and the pre-move mark.
      auto txn = store_->Begin(true);
      if (!txn.ok()) return txn.status().code();
      auto ports = (*txn)->ListIePorts(lib_->id);
      if (!ports.ok()) return ports.status().code();
      for (const auto& p : *ports)
        if (!p.media.IsNull() && !done.count(p.h.id)) {
          port = p;
          break;
        }
      if (port.h.id.IsNull()) return err::kSuccess;  // every port is empty now
      done.insert(port.h.id);
      auto m = (*txn)->GetPhysicalMedia(port.media);
      if (!m.ok()) return m.status().code();
      if (m->needs_inventory) continue;
      media = *m;
      auto s = (*txn)->FirstEmptySlot(lib_->id);
      if (!s.ok()) return s.status().code();
      // No room: the rest stays in the ports for the operator.
      if (!*s) return err::kLibraryFull;
      slot = **s;
      media.needs_inventory = true;
      req.slot = slot.h.id;
      req.pmid = media.h.id;
      Status st = (*txn)->PutPhysicalMedia(media);
      if (st.ok()) st = (*txn)->PutLibRequest(req);
      if (st.ok()) st = (*txn)->Commit();
      if (!st.ok()) return st.code();
    }
    Status mv =
        lib_->devices.changer->Move({ElementType::kImportExport, port.number}, {ElementType::kStorage, slot.number});
    if (!mv.ok()) return MoveFailed(mv, media, slot.h.id, slot.h.id);
    auto txn = store_->Begin(true);
    if (!txn.ok()) return txn.status().code();
    const int64_t now = clock_->NowMillis();
    auto s = (*txn)->GetSlot(slot.h.id);
    auto p = (*txn)->GetIePort(port.h.id);
    auto m = (*txn)->GetPhysicalMedia(media.h.id);
    if (!s.ok() || !p.ok() || !m.ok()) return err::kDatabaseFailure;
    p->media = Guid();
    p->h.modified_ms = now;
    s->media = m->h.id;
    s->state = ntms::kSlotFull;
    s->h.modified_ms = now;
    m->location = s->h.id;
    m->location_type = ntms::kStorageSlot;
    m->home_slot = s->h.id;
    m->needs_inventory = false;
    m->media_state = ntms::kMediaIdle;
    m->h.modified_ms = now;
    Status c = (*txn)->PutIePort(*p);
    if (c.ok()) c = (*txn)->PutSlot(*s);
    if (c.ok()) c = (*txn)->PutPhysicalMedia(*m);
    if (c.ok()) c = (*txn)->Commit();
    if (!c.ok()) {
      txn->reset();
      (void)MarkNeedsInventory(media.h.id, c.message());
      return c.code();
    }
    spdlog::info("library {}: {} injected from {} into {}", lib_->config.name, m->h.name, p->h.name, s->h.name);
  }
}

}  // namespace openrsm::service
