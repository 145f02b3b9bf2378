// CancelNtmsLibraryRequest as the server sees it: a queued or waiting
// request of any kind ends cancelled (request_queue.h has the transitions).
#include "catalog/ntms_values.h"
#include "service/api_checks.h"
#include "service/service.h"

namespace openrsm::service {

Status Service::CancelLibRequest(const Peer& peer, const Guid& session, const Guid& request) {
  RSM_ASSIGN_OR_RETURN(Session s, sessions_.Get(peer, session));
  (void)s;
  if (request.IsNull()) return Err(err::kInvalidParameter, "request id missing");
  RSM_ASSIGN_OR_RETURN(auto txn, queue_->Begin());
  auto r = txn.db().GetLibRequest(request);
  if (!r.ok()) return r.status();
  RSM_RETURN_IF_ERROR(security_.Check(txn.db(), peer, r->library, catalog::kRightControl));
  // SDK: a request "currently being handled" cannot be cancelled (ERROR_ACCESS_DENIED);
  // one that already completed is no longer found (ERROR_OBJECT_NOT_FOUND).
  if (r->state == ntms::kLmInProcess)
    return Err(err::kAccessDenied, "the request is being handled and cannot be cancelled");
  if (r->state != ntms::kLmQueued && r->state != ntms::kLmWaiting)
    return Err(err::kObjectNotFound, "the request is no longer queued");
  RSM_RETURN_IF_ERROR(txn.Move(*r, ntms::kLmCancelled, err::kCancelled));
  return txn.Commit();
}

}  // namespace openrsm::service
