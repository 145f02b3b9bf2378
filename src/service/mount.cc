// MountNtmsMedia, DismountNtmsMedia and DismountNtmsDrive as the server sees
// them: checks in MS-RSMP's order, then library requests for the worker
// (worker.h). The calls that
// wait for their requests return a PendingCall (waits.h) and hold no thread.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "catalog/ntms_values.h"
#include "service/api_checks.h"
#include "service/lifecycle.h"
#include "service/service.h"
#include "service/waits.h"
#include "service/worker.h"

namespace openrsm::service {

namespace {

struct ResolvedSide {
  catalog::PhysicalMedia media;
  catalog::Partition side;
};

// Resolves a side or physical-media id. ERROR_INVALID_MEDIA for anything else.
Result<ResolvedSide> ResolveSide(catalog::Txn& txn, const Guid& id) {
  auto t = txn.TypeOf(id);
  if (!t.ok()) return NotFoundAs(t.status(), err::kInvalidMedia);
  ResolvedSide r;
  if (*t == ntms::kPartition) {
    RSM_ASSIGN_OR_RETURN(r.side, txn.GetPartition(id));
    RSM_ASSIGN_OR_RETURN(r.media, txn.GetPhysicalMedia(r.side.pmid));
  } else if (*t == ntms::kPhysicalMedia) {
    RSM_ASSIGN_OR_RETURN(r.media, txn.GetPhysicalMedia(id));
    RSM_ASSIGN_OR_RETURN(auto parts, txn.ListPartitions(id));
    if (parts.empty()) return Err(err::kInvalidMedia, "cartridge has no sides");
    r.side = parts.front();
  } else {
    return Err(err::kInvalidMedia, "not a media side or cartridge id");
  }
  return r;
}

// Whether a request of `library` that the worker is running moves `pmid`
// (a dismount taking it home): the cartridge's needs_inventory mark is then
// the worker's pre-move mark, not a lost location.
Result<bool> BeingMoved(catalog::Txn& txn, const Guid& library, const Guid& pmid) {
  RSM_ASSIGN_OR_RETURN(auto running, txn.ListLibRequests(library, {ntms::kLmInProcess}));
  return std::any_of(running.begin(), running.end(), [&](const catalog::LibRequest& r) { return r.pmid == pmid; });
}

}  // namespace

std::shared_ptr<PendingCall> Service::Mount(const Peer& peer, const Guid& session, const std::vector<Guid>& media_ids,
                                            const std::vector<Guid>& drive_ids, uint32_t options, int32_t priority,
                                            uint32_t timeout_ms, MountDone done) {
  auto fail = [&](const Status& st) { return AnswerNow(done, st); };
  auto s = sessions_.Get(peer, session);
  if (!s.ok()) return fail(s.status());
  if (media_ids.empty() || drive_ids.size() != media_ids.size())
    return fail(Err(err::kInvalidParameter, "media and drive lists missing or of different lengths"));
  if (priority < -15 || priority > 15) return fail(Err(err::kInvalidParameter, "priority must be in -15..15"));
  if (options & ~0x3Fu) return fail(Err(err::kInvalidParameter, "unknown mount options"));
  for (const auto& id : media_ids)
    if (id.IsNull()) return fail(Err(err::kInvalidParameter, "media id missing"));
  std::set<Guid> uniq(media_ids.begin(), media_ids.end());
  if (uniq.size() != media_ids.size()) return fail(Err(err::kInvalidMedia, "the same media is listed twice"));
  const bool specific = options & ntms::kMountSpecificDrive;
  if (specific)
    for (const auto& d : drive_ids)
      if (d.IsNull()) return fail(Err(err::kInvalidParameter, "NTMS_MOUNT_SPECIFIC_DRIVE needs a drive id per media"));

  // The enqueue commit need not be durable when the caller waits: it learns
  // nothing before the worker's claim, a synced commit that makes the enqueue
  // durable too; a crash before that loses only a request that start-up
  // would cancel, and the caller gets an error. NTMS_MOUNT_NOWAIT callers
  // are told at once, so their enqueue is synced.
  const bool wait = !(options & ntms::kMountNoWait);
  auto txn = queue_->Begin(/*synced=*/!wait);
  if (!txn.ok()) return fail(txn.status());
  catalog::Txn& db = txn->db();
  std::vector<ResolvedSide> sides;
  Guid library;
  bool busy = false;
  std::set<Guid> cartridges;
  for (size_t i = 0; i < media_ids.size(); ++i) {
    auto r = ResolveSide(db, media_ids[i]);
    if (!r.ok()) return fail(r.status());
    // A cartridge id and one of its side ids name the same media.
    if (!cartridges.insert(r->media.h.id).second)
      return fail(Err(err::kInvalidMedia, r->media.h.name + " is listed twice"));
    if (r->media.library.IsNull())
      return fail(Err(err::kMediaOffline, r->media.h.name + " is not in an online library"));
    auto lib = db.GetLibrary(r->media.library);
    if (!lib.ok()) return fail(NotFoundAs(lib.status(), err::kInvalidLibrary));
    if (!LibraryPresent(*lib)) return fail(Err(err::kInvalidLibrary, "library " + lib->h.name + " is not present"));
    if (!library.IsNull() && library != lib->h.id)
      return fail(Err(err::kDriveMediaMismatch, "all media of one mount must be in one library"));
    library = lib->h.id;
    if (Status st = security_.Check(db, peer, r->media.pool, catalog::kRightUse); !st.ok()) return fail(st);
    if (Status st = security_.Check(db, peer, library, catalog::kRightUse); !st.ok()) return fail(st);
    if (!lib->h.enabled) return fail(Err(err::kResourceDisabled, "library " + lib->h.name + " is disabled"));
    if (!LibraryOnline(*lib))
      return fail(Err(err::kResourceNotAvailable, "library " + lib->h.name + " is offline: " + lib->offline_reason));
    if (!r->media.h.enabled) return fail(Err(err::kResourceDisabled, r->media.h.name + " is disabled"));
    if (r->media.needs_inventory) {
      // The worker marks a cartridge before it moves it and clears the mark
      // with the move's commit: while a request moves it (a dismount taking
      // it home), the cartridge is busy, not lost. A mark no request
      // explains is a location that only an inventory can tell.
      auto moving = BeingMoved(db, library, r->media.h.id);
      if (!moving.ok()) return fail(moving.status());
      if (!*moving)
        return fail(Err(err::kMediaOffline, r->media.h.name + ": location unknown until the library is inventoried"));
      busy = true;
    }
    // A completed side is not written to (ERROR_WRITE_PROTECT), a decommissioned one not used at all.
    auto usable = lifecycle::Next(
        r->side.state, (options & ntms::kMountWrite) ? lifecycle::Op::kMountWrite : lifecycle::Op::kMountRead);
    if (!usable.ok()) return fail(Err(usable.status().code(), r->media.h.name + ": " + usable.status().message()));
    if (specific) {
      auto dt = db.TypeOf(drive_ids[i]);
      if (!dt.ok()) return fail(NotFoundAs(dt.status(), err::kInvalidDrive));
      if (*dt != ntms::kDrive) return fail(Err(err::kInvalidDrive, "not a drive id"));
      auto d = db.GetDrive(drive_ids[i]);
      if (!d.ok()) return fail(d.status());
      if (d->library != library)
        return fail(Err(err::kDriveMediaMismatch, "drive and media are in different libraries"));
      if (!d->h.enabled) return fail(Err(err::kResourceDisabled, d->h.name + " is disabled"));
      if (!d->media.IsNull() && d->media != r->media.h.id) busy = true;
    }
    if (!r->side.in_use_by.IsNull()) busy = true;
    sides.push_back(std::move(*r));
  }
  if (!specific) {
    // Is there a drive this mount can use now (or the cartridge already sits in one)?
    size_t need = 0;
    for (const auto& r : sides)
      if (r.media.location_type != ntms::kDrive) ++need;
    if (need > 0) {
      auto free_drives = db.CountFreeDrives(library);
      if (!free_drives.ok()) return fail(free_drives.status());
      if (need > *free_drives) {
        auto ds = db.ListDrives(library);
        if (!ds.ok()) return fail(ds.status());
        bool any_enabled = std::any_of(ds->begin(), ds->end(), [](const auto& d) { return d.h.enabled; });
        if (!any_enabled) return fail(Err(err::kResourceDisabled, "every drive of the library is disabled"));
        // A dismountable drive whose cartridge nobody holds is available too
        // (SDK): the worker empties it for this mount.
        auto usable = *free_drives;
        auto rt = RuntimeFor(library);
        const bool changer = rt && rt->HasDevices() && rt->devices.changer;
        for (const auto& d : *ds) {
          if (!changer || !LibraryWorker::Evictable(d)) continue;
          auto side = db.GetPartition(d.mounted_side);
          if (side.ok() && side->in_use_by.IsNull()) ++usable;
        }
        if (need > usable) busy = true;
      }
    }
  }
  // A busy mount that may not wait fails now; one that may is queued and the
  // worker parks it (NTMS_LM_WAITING) until what it needs is free.
  if (busy && ((options & ntms::kMountErrorNotAvailable) || timeout_ms == 0))
    return fail(Err(err::kBusy, "media in use or no drive available"));
  std::vector<Guid> request_ids;
  for (size_t i = 0; i < sides.size(); ++i) {
    catalog::LibRequest req;
    req.operation = ntms::kLmMount;
    // dwTimeout 0 for a caller that waits: the mount does not wait for
    // resources (as with NTMS_MOUNT_ERROR_NOT_AVAILABLE); once it runs, it
    // runs to the end. With NTMS_MOUNT_NOWAIT nobody waits: it is queued.
    req.option = wait && timeout_ms == 0 ? options | ntms::kMountErrorNotAvailable : options;
    req.priority = priority;
    req.library = library;
    req.pmid = sides[i].media.h.id;
    req.partition = sides[i].side.h.id;
    if (specific) req.drive = drive_ids[i];
    if (Status st = txn->Submit(req, *s); !st.ok()) return fail(st);
    request_ids.push_back(req.h.id);
  }
  if (!wait) {
    queue_->SetBatch(request_ids);
    Status st = txn->Commit();
    return fail(st);
  }
  // No timer for dwTimeout 0: a timer firing while the mount runs would leave
  // the cartridge loaded and the call failed; the worker fails it busy
  // instead of parking it.
  auto w = RequestWait::Start(this, RequestWait::kMount, *s, request_ids, timeout_ms == 0 ? kWaitForever : timeout_ms,
                              std::move(done));
  queue_->SetBatch(request_ids);
  if (Status st = txn->Commit(); !st.ok()) {
    w->Abort(st);
    return nullptr;
  }
  return w;
}

Status Service::DismountMedia(const Peer& peer, const Guid& session, const std::vector<Guid>& media_ids,
                              uint32_t options) {
  RSM_ASSIGN_OR_RETURN(Session s, sessions_.Get(peer, session));
  if (media_ids.empty()) return Err(err::kInvalidParameter, "media list missing");
  if (options & ~(ntms::kDismountDeferred | ntms::kDismountImmediate) ||
      options == (ntms::kDismountDeferred | ntms::kDismountImmediate))
    return Err(err::kInvalidParameter, "dismount options must be DEFERRED or IMMEDIATE");
  for (const auto& id : media_ids)
    if (id.IsNull()) return Err(err::kInvalidParameter, "media id missing");
  std::set<Guid> uniq(media_ids.begin(), media_ids.end());
  if (uniq.size() != media_ids.size()) return Err(err::kInvalidMedia, "the same media is listed twice");
  bool deferred = options & ntms::kDismountDeferred;
  RSM_ASSIGN_OR_RETURN(auto txn, queue_->Begin());
  catalog::Txn& db = txn.db();
  std::vector<std::pair<ResolvedSide, catalog::Drive>> work;
  std::set<Guid> cartridges;
  for (const auto& id : media_ids) {
    RSM_ASSIGN_OR_RETURN(auto r, ResolveSide(db, id));
    // A cartridge id and one of its side ids name the same media.
    if (!cartridges.insert(r.media.h.id).second) return Err(err::kInvalidMedia, r.media.h.name + " is listed twice");
    if (r.media.library.IsNull()) return Err(err::kMediaOffline, r.media.h.name + " is offline");
    auto lib = db.GetLibrary(r.media.library);
    if (!lib.ok()) return NotFoundAs(lib.status(), err::kInvalidLibrary);
    if (!LibraryPresent(*lib)) return Err(err::kInvalidLibrary, "library " + lib->h.name + " is not present");
    RSM_RETURN_IF_ERROR(security_.Check(db, peer, r.media.pool, catalog::kRightUse));
    RSM_RETURN_IF_ERROR(security_.Check(db, peer, lib->h.id, catalog::kRightUse));
    // A side another session holds is that session's to release: taking it
    // away mid-use needs the library's Control right (an operator's clean-up).
    if (!r.side.in_use_by.IsNull() && r.side.in_use_by != s.id) {
      Status own = security_.Check(db, peer, lib->h.id, catalog::kRightControl);
      if (!own.ok())
        return Err(err::kAccessDenied, r.media.h.name +
                                           " is mounted by another session; only that session "
                                           "(or a caller with Control on the library) may dismount it");
    }
    if (!lib->h.enabled || !LibraryOnline(*lib))
      return Err(err::kDeviceNotAvailable, "library " + lib->h.name + " is disabled or offline");
    if (r.media.needs_inventory) return Err(err::kMediaNotAvailable, r.media.h.name + ": location unknown");
    if (r.media.location_type != ntms::kDrive) return Err(err::kInvalidState, r.media.h.name + " is not mounted");
    RSM_ASSIGN_OR_RETURN(auto d, db.GetDrive(r.media.location));
    if (d.mounted_side != r.side.h.id && r.side.in_use_by.IsNull())
      return Err(err::kInvalidState, "that side is not the one mounted");
    // A disabled drive cannot be reused: its cartridge goes home now, even
    // when DEFERRED was asked (DisableNtmsObject: "whenever possible").
    work.emplace_back(std::move(r), std::move(d));
  }
  int64_t now = clock_->NowMillis();
  std::set<Guid> released;
  for (auto& [r, d] : work) {
    // Release the side at once: the drive is free for other sessions now.
    r.side.in_use_by = Guid();
    r.side.h.modified_ms = now;
    RSM_RETURN_IF_ERROR(db.PutPartition(r.side));
    released.insert(d.library);
    if (deferred && d.h.enabled) {
      d.state = ntms::kDriveDismountable;
      d.h.modified_ms = now;
      RSM_RETURN_IF_ERROR(db.PutDrive(d));
      r.media.media_state = ntms::kMediaLoaded;
      RSM_RETURN_IF_ERROR(db.PutPhysicalMedia(r.media));
      continue;
    }
    catalog::LibRequest req;
    req.operation = ntms::kLmDismount;
    req.option = ntms::kDismountImmediate;
    req.library = d.library;
    req.drive = d.h.id;
    req.pmid = r.media.h.id;
    req.partition = r.side.h.id;
    RSM_RETURN_IF_ERROR(txn.Submit(req, s));
  }
  RSM_RETURN_IF_ERROR(txn.Commit());
  // Mounts waiting for these sides may run now.
  for (const auto& l : released) Wake(l);
  return Status::Ok();
}

std::shared_ptr<PendingCall> Service::DismountDrive(const Peer& peer, const Guid& session, const Guid& drive_id,
                                                    Done done) {
  MountDone as_mount = [done](const Status& st, const std::vector<Guid>&) { done(st); };
  auto fail = [&](const Status& st) { return AnswerNow(as_mount, st); };
  auto s = sessions_.Get(peer, session);
  if (!s.ok()) return fail(s.status());
  if (drive_id.IsNull()) return fail(Err(err::kInvalidParameter, "drive id missing"));
  // Unsynced: the caller waits for the outcome, which comes after synced
  // commits (see Mount).
  auto txn = queue_->Begin(/*synced=*/false);
  if (!txn.ok()) return fail(txn.status());
  catalog::Txn& db = txn->db();
  auto t = db.TypeOf(drive_id);
  if (!t.ok()) return fail(NotFoundAs(t.status(), err::kInvalidDrive));
  if (*t != ntms::kDrive) return fail(Err(err::kInvalidDrive, "not a drive id"));
  auto d = db.GetDrive(drive_id);
  if (!d.ok()) return fail(d.status());
  auto lib = db.GetLibrary(d->library);
  if (!lib.ok()) return fail(NotFoundAs(lib.status(), err::kInvalidLibrary));
  if (!LibraryPresent(*lib)) return fail(Err(err::kInvalidLibrary, "library " + lib->h.name + " is not present"));
  if (Status st = security_.Check(db, peer, lib->h.id, catalog::kRightModify); !st.ok()) return fail(st);
  if (!lib->h.enabled) return fail(Err(err::kDeviceNotAvailable, "library " + lib->h.name + " is disabled"));
  if (!LibraryOnline(*lib))
    return fail(Err(err::kDeviceNotAvailable, "library " + lib->h.name + " is offline: " + lib->offline_reason));
  if (!d->h.enabled) return fail(Err(err::kDeviceNotAvailable, d->h.name + " is disabled"));
  if (d->media.IsNull()) return fail(Err(err::kInvalidState, d->h.name + " is empty"));
  catalog::LibRequest req;
  req.operation = ntms::kLmDismount;
  req.option = 0;  // DismountNtmsDrive: moves the cartridge whoever holds it
  req.library = d->library;
  req.drive = d->h.id;
  req.pmid = d->media;
  req.partition = d->mounted_side;
  if (Status st = txn->Submit(req, *s); !st.ok()) return fail(st);
  auto w = RequestWait::Start(this, RequestWait::kDismountDrive, *s, {req.h.id}, kWaitForever, std::move(as_mount));
  if (Status st = txn->Commit(); !st.ok()) {
    w->Abort(st);
    return nullptr;
  }
  return w;
}

}  // namespace openrsm::service
