#include "service/waits.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <set>

#include "catalog/ntms_values.h"

namespace openrsm::service {

namespace {}  // namespace

RequestWait::RequestWait(Service* svc, Kind kind, const Session& s, std::vector<Guid> ids, Service::MountDone done)
    : svc_(svc), kind_(kind), session_(s), ids_(std::move(ids)), outcomes_(ids_.size()), done_(std::move(done)) {}

std::shared_ptr<RequestWait> RequestWait::Start(Service* svc, Kind kind, const Session& s, std::vector<Guid> ids,
                                                uint32_t timeout_ms, Service::MountDone done) {
  std::shared_ptr<RequestWait> w(new RequestWait(svc, kind, s, std::move(ids), std::move(done)));
  svc->Remember(w);
  std::weak_ptr<RequestWait> weak = w;
  for (size_t i = 0; i < w->ids_.size(); ++i)
    svc->queue_->Watch(w->ids_[i], [weak, i](const RequestOutcome& o) {
      if (auto p = weak.lock()) p->OnOutcome(i, o);
    });
  if (timeout_ms != kWaitForever) {
    Timers::Id id = svc->timers_.After(std::chrono::milliseconds(timeout_ms), [weak] {
      if (auto p = weak.lock()) p->GiveUp(err::kTimeout, true);
    });
    MutexLock lock(&w->mu_);
    w->timer_ = id;
  }
  return w;
}

void RequestWait::Abort(const Status& st) {
  {
    MutexLock lock(&mu_);
    finishing_ = true;
  }
  Complete(st);
}

void RequestWait::OnOutcome(size_t i, const RequestOutcome& o) {
  auto self = shared_from_this();
  uint32_t failure = 0;
  {
    MutexLock lock(&mu_);
    outcomes_[i] = o;
    if (finishing_) return;
    if (o.state != ntms::kLmPassed) {
      failure = o.error != err::kSuccess ? o.error : err::kCancelled;
    } else {
      for (const auto& out : outcomes_)
        if (!out) return;  // others still to come
    }
  }
  if (failure != 0) {
    GiveUp(failure, false);
    return;
  }
  // Every request passed. A session closed meanwhile gets nothing held for it.
  if (!svc_->sessions_.IsOpen(session_.id)) {
    GiveUp(err::kCancelled, false);
    return;
  }
  {
    MutexLock lock(&mu_);
    if (finishing_) return;
    finishing_ = true;
  }
  Complete(Status::Ok());
}

void RequestWait::GiveUp(uint32_t code, bool timeout) {
  auto self = shared_from_this();
  {
    MutexLock lock(&mu_);
    if (finishing_) return;
    finishing_ = true;
  }
  uint32_t result = code;
  std::set<Guid> released;  // libraries where a side or drive was freed
  auto txn = svc_->queue_->Begin(true);
  Status st = txn.status();
  if (txn.ok()) {
    catalog::Txn& db = txn->db();
    std::vector<catalog::LibRequest> reqs;
    for (const Guid& id : ids_) {
      auto r = db.GetLibRequest(id);
      if (r.ok()) reqs.push_back(std::move(*r));
    }
    if (timeout) {
      bool waiting = std::any_of(reqs.begin(), reqs.end(), [](const auto& r) { return r.state == ntms::kLmWaiting; });
      result = waiting ? err::kBusy : err::kTimeout;
    }
    const int64_t now = svc_->clock_->NowMillis();
    for (auto& r : reqs) {
      if (!st.ok()) break;
      if (r.state == ntms::kLmQueued || r.state == ntms::kLmWaiting) {
        st = txn->Move(r, ntms::kLmCancelled, result);
      } else if (r.state == ntms::kLmInProcess) {
        txn->Abandon(r, result);
      } else if (r.state == ntms::kLmPassed && kind_ == kMount) {
        // Release what the passed mount holds, as a deferred dismount would.
        auto p = db.GetPartition(r.partition);
        if (p.ok() && p->in_use_by == session_.id) {
          p->in_use_by = Guid();
          p->h.modified_ms = now;
          st = db.PutPartition(*p);
        }
        auto d = db.GetDrive(r.drive);
        if (st.ok() && d.ok() && d->media == r.pmid && d->state == ntms::kDriveLoaded) {
          d->state = ntms::kDriveDismountable;
          d->h.modified_ms = now;
          st = db.PutDrive(*d);
        }
        auto m = db.GetPhysicalMedia(r.pmid);
        if (st.ok() && m.ok() && m->location == r.drive && m->media_state == ntms::kMediaMounted) {
          m->media_state = ntms::kMediaLoaded;
          m->h.modified_ms = now;
          st = db.PutPhysicalMedia(*m);
        }
        released.insert(r.library);
      }
    }
    if (st.ok()) st = txn->Commit();
  }
  if (!st.ok())
    spdlog::error("session {}: cannot give up its library requests: {}", session_.id.ToString(), st.ToString());
  for (const Guid& lib : released) svc_->Wake(lib);
  const char* why = result == err::kTimeout     ? "the request did not complete in time"
                    : result == err::kBusy      ? "media in use or no drive available before the timeout"
                    : result == err::kCancelled ? "cancelled"
                                                : "library request failed";
  Complete(Status(result, why));
}

void RequestWait::Complete(const Status& st) {
  auto self = shared_from_this();
  Service::MountDone done;
  std::vector<Guid> drives;
  Timers::Id timer = 0;
  {
    MutexLock lock(&mu_);
    if (completed_) return;
    completed_ = true;
    finishing_ = true;
    done = std::move(done_);
    timer = timer_;
    timer_ = 0;
    if (st.ok())
      for (const auto& o : outcomes_) drives.push_back(o ? o->drive : Guid());
  }
  if (timer) svc_->timers_.Cancel(timer);
  for (const Guid& id : ids_) svc_->queue_->Unwatch(id);
  svc_->Forget(this);
  if (done) done(MapResult(st), drives);
}

Status RequestWait::MapResult(const Status& st) const {
  if (st.ok()) return st;
  switch (kind_) {
    case kMount:
      // Outcomes of the library request outside MountNtmsMedia's documented
      // set (device errors) are reported as an unexpected device state; the
      // request keeps the precise code.
      switch (st.code()) {
        case err::kTimeout:
        case err::kCancelled:
        case err::kBusy:
        case err::kInvalidMedia:
        case err::kInvalidDrive:
        case err::kInvalidLibrary:
        case err::kDriveMediaMismatch:
        case err::kMediaOffline:
        case err::kResourceDisabled:
        case err::kResourceNotAvailable:
        case err::kWriteProtect:
        case err::kInvalidState:
        case err::kDatabaseFailure:
        case err::kDatabaseFull:
        case err::kNotEnoughMemory:
          return st;
        case err::kDeviceNotAvailable:
          return Status(err::kResourceNotAvailable, st.message());
        default:
          return Status(err::kInvalidState, fmt::format("mount failed: {}", ErrorName(st.code())));
      }
    case kDismountDrive:
      // Outcomes outside the documented set are reported as the device being
      // unavailable; the library request keeps the precise code.
      switch (st.code()) {
        case err::kInvalidState:
        case err::kDeviceNotAvailable:
        case err::kDatabaseFailure:
        case err::kDatabaseFull:
        case err::kNotEnoughMemory:
          return st;
        default:
          return Status(err::kDeviceNotAvailable, fmt::format("dismount failed: {}", ErrorName(st.code())));
      }
    case kInventory:
      if (st.code() == err::kDeviceNotAvailable || st.code() == err::kCancelled) return st;
      return Status(err::kDeviceNotAvailable, fmt::format("inventory failed: {}", ErrorName(st.code())));
  }
  return st;
}

// ---- blocking forms -------------------------------------------------------------------

namespace {

template <typename StartFn>
Status BlockOn(StartFn&& start, std::vector<Guid>* drives) {
  auto promise = std::make_shared<std::promise<std::pair<Status, std::vector<Guid>>>>();
  auto future = promise->get_future();
  auto call = start([promise](const Status& st, const std::vector<Guid>& d) { promise->set_value({st, d}); });
  auto [st, d] = future.get();
  if (drives && st.ok()) *drives = d;
  return st;
}

}  // namespace

Status MountAndWait(Service& svc, const Peer& peer, const Guid& session, const std::vector<Guid>& media,
                    std::vector<Guid>* drives, uint32_t options, int32_t priority, uint32_t timeout_ms) {
  std::vector<Guid> asked = *drives;
  return BlockOn(
      [&](Service::MountDone done) {
        return svc.Mount(peer, session, media, asked, options, priority, timeout_ms, std::move(done));
      },
      drives);
}

Status DismountDriveAndWait(Service& svc, const Peer& peer, const Guid& session, const Guid& drive) {
  return BlockOn(
      [&](Service::MountDone done) {
        return svc.DismountDrive(peer, session, drive, [done](const Status& st) { done(st, {}); });
      },
      nullptr);
}

Status InventoryAndWait(Service& svc, const Peer& peer, const Guid& session, const Guid& library, uint32_t action) {
  return BlockOn(
      [&](Service::MountDone done) {
        return svc.Inventory(peer, session, library, action, [done](const Status& st) { done(st, {}); });
      },
      nullptr);
}

}  // namespace openrsm::service
