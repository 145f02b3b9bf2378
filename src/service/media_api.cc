// The calls of the media life cycle as the server sees them:
// DecommissionNtmsMedia and DeleteNtmsMedia. Every change of a side's state
// goes through lifecycle::Next (service/lifecycle.h, docs/lifecycle.md).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <vector>

#include "catalog/ntms_values.h"
#include "service/api_checks.h"
#include "service/lifecycle.h"
#include "service/service.h"

namespace openrsm::service {
namespace {

// The pool of `m`, which must exist: ERROR_INVALID_MEDIA_POOL otherwise (the
// pages' "The media pool for the media is not valid").
Result<catalog::MediaPool> PoolOf(catalog::Txn& txn, const catalog::PhysicalMedia& m) {
  if (m.pool.IsNull()) return Err(err::kInvalidMediaPool, m.h.name + " is in no media pool");
  auto p = txn.GetMediaPool(m.pool);
  if (!p.ok()) return NotFoundAs(p.status(), err::kInvalidMediaPool);
  return p;
}

// `id` as an object of `type`; ERROR_INVALID_MEDIA when it is none.
Status ExpectType(catalog::Txn& txn, const Guid& id, uint32_t type, const char* what) {
  auto t = txn.TypeOf(id);
  if (!t.ok()) return NotFoundAs(t.status(), err::kInvalidMedia);
  if (*t != type) return Err(err::kInvalidMedia, fmt::format("not {} id", what));
  return Status::Ok();
}

}  // namespace

// SDK (DecommissionNtmsMedia): "Only media that is in the Available state can
// be decommissioned"; the side is "never again used". Rights: Control on the
// media's pool.
Status Service::DecommissionMedia(const Peer& peer, const Guid& session, const Guid& side_id) {
  RSM_RETURN_IF_ERROR(sessions_.Check(peer, session));
  if (side_id.IsNull()) return Err(err::kInvalidParameter, "side id missing");
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
  RSM_RETURN_IF_ERROR(ExpectType(*txn, side_id, ntms::kPartition, "a side"));
  RSM_ASSIGN_OR_RETURN(auto side, txn->GetPartition(side_id));
  RSM_ASSIGN_OR_RETURN(auto media, txn->GetPhysicalMedia(side.pmid));
  RSM_ASSIGN_OR_RETURN(auto pool, PoolOf(*txn, media));
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, pool.h.id, catalog::kRightControl));
  auto next = lifecycle::Next(side.state, lifecycle::Op::kDecommission);
  if (!next.ok()) return Err(next.status().code(), side.h.name + ": " + next.status().message());
  side.state = *next;
  side.h.modified_ms = clock_->NowMillis();
  RSM_RETURN_IF_ERROR(txn->PutPartition(side));
  RSM_RETURN_IF_ERROR(txn->Commit());
  spdlog::info("{} decommissioned (pool {})", side.h.name, pool.h.name);
  return Status::Ok();
}

// SDK (DeleteNtmsMedia): the media "must be located in an offline library and
// not have a side in the Allocated, Completed, or Reserved states"; used "to
// remove lost or destroyed media". Rights: Modify on the media's pool. The
// cartridge's sides and access entries go with it; library requests keep
// its id as history.
Status Service::DeleteMedia(const Peer& peer, const Guid& session, const Guid& media_id) {
  RSM_RETURN_IF_ERROR(sessions_.Check(peer, session));
  if (media_id.IsNull()) return Err(err::kInvalidParameter, "media id missing");
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
  RSM_RETURN_IF_ERROR(ExpectType(*txn, media_id, ntms::kPhysicalMedia, "a physical media"));
  RSM_ASSIGN_OR_RETURN(auto media, txn->GetPhysicalMedia(media_id));
  RSM_ASSIGN_OR_RETURN(auto pool, PoolOf(*txn, media));
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, pool.h.id, catalog::kRightModify));
  if (!media.library.IsNull())
    return Err(err::kInvalidState, media.h.name + " is in a library: only offline media can be deleted");
  RSM_ASSIGN_OR_RETURN(auto sides, txn->ListPartitions(media_id));
  for (const auto& s : sides) {
    auto ok = lifecycle::Next(s.state, lifecycle::Op::kDeleteMedia);
    if (!ok.ok()) return Err(ok.status().code(), s.h.name + ": " + ok.status().message());
  }
  RSM_RETURN_IF_ERROR(txn->DeletePhysicalMedia(media_id));
  RSM_RETURN_IF_ERROR(txn->Commit());
  spdlog::info("{} ({}) deleted from the catalogue", media.h.name, media.barcode);
  return Status::Ok();
}

}  // namespace openrsm::service
