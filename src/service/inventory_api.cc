// InventoryNtmsLibrary as the server sees it: checks in MS-RSMP's order, then
// an inventory request for the worker (worker.h; the reconcile is
// inventory.cc). The call waits for its request (waits.h).
#include <fmt/format.h>

#include "catalog/ntms_values.h"
#include "service/api_checks.h"
#include "service/service.h"
#include "service/waits.h"
#include "service/worker.h"

namespace openrsm::service {

std::shared_ptr<PendingCall> Service::Inventory(const Peer& peer, const Guid& session, const Guid& library,
                                                uint32_t action, Done done) {
  MountDone as_mount = [done](const Status& st, const std::vector<Guid>&) { done(st); };
  auto fail = [&](const Status& st) { return AnswerNow(as_mount, st); };
  auto s = sessions_.Get(peer, session);
  if (!s.ok()) return fail(s.status());
  if (library.IsNull()) return fail(Err(err::kInvalidParameter, "library id missing"));
  if (action > ntms::kInventoryStop) return fail(Err(err::kInvalidParameter, "unknown inventory method"));
  // The caller waits for the outcome: the enqueue need not be synced (see Mount).
  auto txn = queue_->Begin(/*synced=*/false);
  if (!txn.ok()) return fail(txn.status());
  catalog::Txn& db = txn->db();
  auto t = db.TypeOf(library);
  if (!t.ok()) return fail(NotFoundAs(t.status(), err::kInvalidParameter));
  if (*t != ntms::kLibrary) return fail(Err(err::kInvalidParameter, "not a library id"));
  auto lib = db.GetLibrary(library);
  if (!lib.ok()) return fail(lib.status());
  if (Status st = security_.Check(db, peer, lib->h.id, catalog::kRightControl); !st.ok()) return fail(st);
  if (!LibraryPresent(*lib) || lib->library_type == ntms::kLibTypeOffline)
    return fail(Err(err::kInvalidLibrary, "library " + lib->h.name + " is not present"));
  auto* rt = RuntimeFor(library);
  bool have_device = rt && rt->HasDevices();
  if (!lib->h.enabled || !have_device)
    return fail(Err(err::kDeviceNotAvailable, "library " + lib->h.name + " is not connected"));
  if (action == ntms::kInventoryNone) return fail(Status::Ok());
  if (action == ntms::kInventoryStop) return fail(StopInventories(*txn, *lib));
  if (action == ntms::kInventoryDefault) action = lib->inventory_method ? lib->inventory_method : ntms::kInventoryFast;
  catalog::LibRequest req;
  req.operation = ntms::kLmInventory;
  req.option = action;
  req.library = library;
  if (Status st = txn->Submit(req, *s); !st.ok()) return fail(st);
  auto w = RequestWait::Start(this, RequestWait::kInventory, *s, {req.h.id}, kWaitForever, std::move(as_mount));
  if (Status st = txn->Commit(); !st.ok()) {
    w->Abort(st);
    return nullptr;
  }
  return w;
}

// NTMS_INVENTORY_STOP: inventories of `lib` still queued or waiting end
// cancelled now; the one running ends cancelled at its next step (a SCSI
// command in progress completes first), leaving the catalogue as it was.
Status Service::StopInventories(RequestQueue::Txn& txn, const catalog::Library& lib) {
  RSM_ASSIGN_OR_RETURN(auto reqs,
                       txn.db().ListLibRequests(lib.h.id, {ntms::kLmQueued, ntms::kLmWaiting, ntms::kLmInProcess}));
  std::vector<Guid> running;
  for (auto& r : reqs) {
    if (r.operation != ntms::kLmInventory) continue;
    if (r.state == ntms::kLmInProcess) {
      running.push_back(r.h.id);
      continue;
    }
    RSM_RETURN_IF_ERROR(txn.Move(r, ntms::kLmCancelled, err::kCancelled));
  }
  RSM_RETURN_IF_ERROR(txn.Commit());
  if (auto* rt = RuntimeFor(lib.h.id); rt && rt->worker)
    for (const auto& id : running) rt->worker->StopRequest(id);
  return Status::Ok();
}

}  // namespace openrsm::service
