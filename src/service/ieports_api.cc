// EjectNtmsMedia and InjectNtmsMedia as the server sees them. Both return as
// soon as the library request is queued (SDK: "returns to the application as
// soon as the ... request is queued"); the worker moves the cartridges
// (ieports.cc). Choices where the SDK is silent: docs/compat.md.
#include <fmt/format.h>

#include <algorithm>

#include "catalog/ntms_values.h"
#include "service/api_checks.h"
#include "service/service.h"
#include "service/worker.h"

namespace openrsm::service {

Status Service::StopIeOperation(const Peer& peer, const Guid& operation, uint32_t lm_operation) {
  const char* what = lm_operation == ntms::kLmEject ? "eject" : "inject";
  if (operation.IsNull()) return Err(err::kInvalidOperation, fmt::format("no {} operation id to stop", what));
  RSM_ASSIGN_OR_RETURN(auto qtxn, queue_->Begin());
  catalog::Txn* txn = &qtxn.db();
  auto r = txn->GetLibRequest(operation);
  if (!r.ok()) return NotFoundAs(r.status(), err::kInvalidOperation);
  if (r->operation != lm_operation)
    return Err(err::kInvalidOperation, fmt::format("{} is not an {} operation", operation.ToString(), what));
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, r->library, catalog::kRightControl));
  // Once the robot has started, the cartridge is moved; a finished
  // operation has nothing left to stop.
  if (r->state != ntms::kLmQueued && r->state != ntms::kLmWaiting && r->state != ntms::kLmDeferred)
    return Err(err::kInvalidOperation, fmt::format("the {} operation is no longer queued", what));
  RSM_RETURN_IF_ERROR(qtxn.Move(*r, ntms::kLmCancelled, err::kCancelled));
  return qtxn.Commit();
}

namespace {

// NTMS_EJECT_START begins the physical eject of the ejects NTMS_EJECT_QUEUE
// gathered (state NTMS_LM_DEFERRED): of one library, or, for a NULL media
// id, every one the session queued. Returns the libraries to wake; *last is
// the id of the last request started.
Result<std::vector<Guid>> StartDeferredEjects(RequestQueue::Txn& txn, const Guid& library, const Guid& session,
                                              Guid* last) {
  RSM_ASSIGN_OR_RETURN(auto deferred, txn.db().ListLibRequests(library, {ntms::kLmDeferred}));
  std::vector<Guid> libraries;
  for (auto& r : deferred) {
    if (r.operation != ntms::kLmEject) continue;
    if (library.IsNull() && r.session != session) continue;
    RSM_RETURN_IF_ERROR(txn.Move(r, ntms::kLmQueued));
    *last = r.h.id;
    if (std::find(libraries.begin(), libraries.end(), r.library) == libraries.end()) libraries.push_back(r.library);
  }
  return libraries;
}

}  // namespace

Status Service::EjectMedia(const Peer& peer, const Guid& session, const Guid& media, const Guid& operation,
                           uint32_t action, Guid* started) {
  RSM_ASSIGN_OR_RETURN(Session s, sessions_.Get(peer, session));
  if (action > ntms::kEjectForce) return Err(err::kInvalidParameter, "unknown eject action");
  if (action == ntms::kEjectForce) return Err(err::kNotSupported, "NTMS_EJECT_FORCE is not supported");
  if (action == ntms::kEjectStop) return StopIeOperation(peer, operation, ntms::kLmEject);
  const bool queue = action == ntms::kEjectQueue;
  if (media.IsNull()) {
    if (queue) return Err(err::kInvalidParameter, "media id missing");
    // START with a NULL media id: begin the ejects this session queued.
    RSM_ASSIGN_OR_RETURN(auto qtxn, queue_->Begin());
    catalog::Txn* txn = &qtxn.db();
    RSM_ASSIGN_OR_RETURN(auto deferred, txn->ListLibRequests(Guid(), {ntms::kLmDeferred}));
    for (const auto& r : deferred)
      if (r.operation == ntms::kLmEject && r.session == s.id)
        RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, r.library, catalog::kRightControl));
    Guid last;
    RSM_ASSIGN_OR_RETURN(auto libraries, StartDeferredEjects(qtxn, Guid(), s.id, &last));
    if (last.IsNull()) return Err(err::kInvalidParameter, "media id missing and no queued eject to start");
    RSM_RETURN_IF_ERROR(qtxn.Commit());
    *started = last;
    for (const auto& l : libraries)
      if (auto* rt = RuntimeFor(l); rt && rt->worker) rt->worker->Wake();
    return Status::Ok();
  }
  RSM_ASSIGN_OR_RETURN(auto qtxn, queue_->Begin());
  catalog::Txn* txn = &qtxn.db();
  auto t = txn->TypeOf(media);
  if (!t.ok()) return NotFoundAs(t.status(), err::kInvalidParameter);
  if (*t != ntms::kPhysicalMedia) return Err(err::kInvalidParameter, "not a physical media id");
  RSM_ASSIGN_OR_RETURN(auto m, txn->GetPhysicalMedia(media));
  if (m.library.IsNull()) return Err(err::kLibraryOffline, m.h.name + " is in the offline library");
  auto lib = txn->GetLibrary(m.library);
  if (!lib.ok()) return NotFoundAs(lib.status(), err::kLibraryOffline);
  if (!LibraryPresent(*lib)) return Err(err::kLibraryOffline, "library " + lib->h.name + " is not present");
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, lib->h.id, catalog::kRightControl));
  if (!lib->h.enabled) return Err(err::kDeviceNotAvailable, "library " + lib->h.name + " is disabled");
  if (!LibraryOnline(*lib))
    return Err(err::kLibraryOffline, "library " + lib->h.name + " is offline: " + lib->offline_reason);
  auto* rt = RuntimeFor(lib->h.id);
  RSM_ASSIGN_OR_RETURN(auto ports, txn->ListIePorts(lib->h.id));
  if (!rt || !rt->HasDevices() || !rt->devices.changer || ports.empty())
    return Err(err::kNotSupported, "library " + lib->h.name + " has no IE port");
  if (!m.h.enabled) return Err(err::kMediaNotAvailable, m.h.name + " is disabled");
  if (m.needs_inventory) return Err(err::kMediaNotAvailable, m.h.name + ": location unknown until an inventory");
  // Each pending eject (queued for a start, queued, running) will take a port; the rest must have room.
  RSM_ASSIGN_OR_RETURN(auto pending, txn->ListLibRequests(lib->h.id, {ntms::kLmDeferred, ntms::kLmQueued,
                                                                      ntms::kLmWaiting, ntms::kLmInProcess}));
  size_t taken = 0;
  for (const auto& r : pending) {
    if (r.operation != ntms::kLmEject) continue;
    if (r.pmid == m.h.id) {
      // START on the last media queued: begin the batch.
      if (!queue && r.state == ntms::kLmDeferred) {
        Guid last;
        RSM_RETURN_IF_ERROR(StartDeferredEjects(qtxn, lib->h.id, s.id, &last).status());
        RSM_RETURN_IF_ERROR(qtxn.Commit());
        *started = r.h.id;
        if (rt->worker) rt->worker->Wake();
        return Status::Ok();
      }
      return Err(err::kBusy, m.h.name + " is already being ejected");
    }
    ++taken;
  }
  if (m.location_type == ntms::kDrive) return Err(err::kBusy, m.h.name + " is in a drive");
  if (m.location_type == ntms::kIePort) return Err(err::kInvalidOperation, m.h.name + " is already in an IE port");
  if (m.location_type != ntms::kStorageSlot) return Err(err::kMediaNotAvailable, m.h.name + ": location unknown");
  for (const auto& p : ports)
    if (!p.media.IsNull() || !p.h.enabled) ++taken;
  if (taken >= ports.size())
    return Err(err::kBusy, fmt::format("all {} IE ports of {} are full or reserved", ports.size(), lib->h.name));
  catalog::LibRequest req;
  req.operation = ntms::kLmEject;
  req.option = 0;  // NTMS_LM work item option: immediate
  req.library = lib->h.id;
  req.pmid = m.h.id;
  req.slot = m.location;
  // NTMS_EJECT_QUEUE: held (DEFERRED) until a START begins the batch.
  RSM_RETURN_IF_ERROR(qtxn.Submit(req, s, queue ? ntms::kLmDeferred : ntms::kLmQueued));
  if (!queue) {
    // START begins the physical eject of what was queued in this library, too.
    Guid last;
    RSM_RETURN_IF_ERROR(StartDeferredEjects(qtxn, lib->h.id, s.id, &last).status());
  }
  RSM_RETURN_IF_ERROR(qtxn.Commit());
  if (!queue) {
    *started = req.h.id;
    if (rt->worker) rt->worker->Wake();
  }
  return Status::Ok();
}

Status Service::InjectMedia(const Peer& peer, const Guid& session, const Guid& library, const Guid& operation,
                            uint32_t action, Guid* started) {
  RSM_ASSIGN_OR_RETURN(Session s, sessions_.Get(peer, session));
  if (action > ntms::kInjectStartMany) return Err(err::kInvalidParameter, "unknown inject action");
  if (action == ntms::kInjectRetract || action == ntms::kInjectStartMany)
    return Err(err::kNotSupported, "NTMS_INJECT_RETRACT and NTMS_INJECT_STARTMANY are not supported");
  if (action == ntms::kInjectStop) return StopIeOperation(peer, operation, ntms::kLmInject);
  if (library.IsNull()) return Err(err::kInvalidParameter, "library id missing");
  RSM_ASSIGN_OR_RETURN(auto qtxn, queue_->Begin());
  catalog::Txn* txn = &qtxn.db();
  auto t = txn->TypeOf(library);
  if (!t.ok()) return NotFoundAs(t.status(), err::kInvalidParameter);
  if (*t != ntms::kLibrary) return Err(err::kInvalidParameter, "not a library id");
  RSM_ASSIGN_OR_RETURN(auto lib, txn->GetLibrary(library));
  if (lib.library_type == ntms::kLibTypeOffline)
    return Err(err::kLibraryOffline, "nothing can be injected into the offline library");
  if (!LibraryPresent(lib)) return Err(err::kLibraryOffline, "library " + lib.h.name + " is not present");
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, lib.h.id, catalog::kRightControl));
  if (!lib.h.enabled) return Err(err::kDeviceNotAvailable, "library " + lib.h.name + " is disabled");
  if (!LibraryOnline(lib))
    return Err(err::kLibraryOffline, "library " + lib.h.name + " is offline: " + lib.offline_reason);
  auto* rt = RuntimeFor(lib.h.id);
  RSM_ASSIGN_OR_RETURN(auto ports, txn->ListIePorts(lib.h.id));
  if (!rt || !rt->HasDevices() || !rt->devices.changer || ports.empty())
    return Err(err::kNotSupported, "library " + lib.h.name + " has no IE port");
  RSM_ASSIGN_OR_RETURN(auto slot, txn->FirstEmptySlot(lib.h.id));
  if (!slot) return Err(err::kLibraryFull, "library " + lib.h.name + " has no empty slot");
  catalog::LibRequest req;
  req.operation = ntms::kLmInject;
  req.option = 0;
  req.library = lib.h.id;
  RSM_RETURN_IF_ERROR(qtxn.Submit(req, s));
  RSM_RETURN_IF_ERROR(qtxn.Commit());
  *started = req.h.id;
  if (rt->worker) rt->worker->Wake();
  return Status::Ok();
}

}  // namespace openrsm::service
