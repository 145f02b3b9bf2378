#include "service/request_queue.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "catalog/ntms_values.h"

namespace openrsm::service {

bool RequestQueue::IsFinal(uint32_t state) {
  return state == ntms::kLmPassed || state == ntms::kLmFailed || state == ntms::kLmCancelled;
}

bool RequestQueue::Allowed(uint32_t from, uint32_t to) {
  struct Edge {
    uint32_t from, to;
  };
  static constexpr Edge kEdges[] = {
      {kNew, ntms::kLmQueued},
      {kNew, ntms::kLmDeferred},
      {kNew, ntms::kLmPassed},
      {ntms::kLmDeferred, ntms::kLmQueued},
      {ntms::kLmDeferred, ntms::kLmCancelled},
      {ntms::kLmQueued, ntms::kLmWaiting},
      {ntms::kLmQueued, ntms::kLmInProcess},
      {ntms::kLmQueued, ntms::kLmFailed},
      {ntms::kLmQueued, ntms::kLmCancelled},
      {ntms::kLmWaiting, ntms::kLmInProcess},
      {ntms::kLmWaiting, ntms::kLmFailed},
      {ntms::kLmWaiting, ntms::kLmCancelled},
      {ntms::kLmInProcess, ntms::kLmPassed},
      {ntms::kLmInProcess, ntms::kLmFailed},
      {ntms::kLmInProcess, ntms::kLmCancelled},  // an inventory NTMS_INVENTORY_STOP ended
  };
  for (const Edge& e : kEdges)
    if (e.from == from && e.to == to) return true;
  return false;
}

RequestQueue::RequestQueue(catalog::Store* store, Clock* clock, const Limits* limits)
    : store_(store), clock_(clock), limits_(limits) {}

void RequestQueue::SetWake(WakeFn wake) {
  MutexLock lock(&mu_);
  wake_ = std::move(wake);
}

void RequestQueue::Poke(const Guid& library) {
  WakeFn wake;
  {
    MutexLock lock(&mu_);
    wake = wake_;
  }
  if (wake && !library.IsNull()) wake(library);
}

// ---- Txn --------------------------------------------------------------------------

RequestQueue::Txn::Txn(Txn&& o) noexcept
    : q_(o.q_),
      txn_(std::move(o.txn_)),
      finished_(std::move(o.finished_)),
      wake_(std::move(o.wake_)),
      submitted_(std::move(o.submitted_)),
      hold_(o.hold_),
      committed_(o.committed_) {
  o.submitted_.clear();
  o.committed_ = true;
}

RequestQueue::Txn::~Txn() {
  if (!committed_ && q_) q_->Release(submitted_);
}

Status RequestQueue::Txn::Submit(catalog::LibRequest& req, const Session& s, uint32_t state) {
  if (!Allowed(kNew, state))
    return Status(err::kInvalidState, fmt::format("a new request cannot start in state {}", state));
  const bool counted = state != ntms::kLmPassed && s.peer.uid != 0;
  const int64_t now = q_->clock_->NowMillis();
  req.h.id = Guid::New();
  if (counted) {
    MutexLock lock(&q_->mu_);
    uint32_t& n = q_->outstanding_[s.peer.uid];
    if (n >= q_->limits_->requests_per_uid) {
      Status refused(err::kNotEnoughMemory,
                     fmt::format("uid {} has {} unfinished library requests (limit requests_per_uid = {})", s.peer.uid,
                                 n, q_->limits_->requests_per_uid));
      uint64_t suppressed = 0;
      if (q_->log_limiter_.Allow(std::to_string(s.peer.uid), &suppressed))
        spdlog::warn("request refused: {}{}", refused.message(),
                     suppressed ? fmt::format(" ({} more in the last 10 s)", suppressed) : "");
      return refused;
    }
    ++n;
    q_->owner_[req.h.id] = s.peer.uid;
    submitted_.emplace_back(req.h.id, s.peer.uid);
  }
  req.h.name = fmt::format("request {}", req.h.id.ToString().substr(0, 8));
  req.h.created_ms = req.h.modified_ms = now;
  req.state = state;
  req.queued_ms = now;
  req.application = s.application;
  req.user = s.user;
  req.computer = s.computer;
  req.session = s.id;
  if (state == ntms::kLmPassed) req.completed_ms = now;
  RSM_RETURN_IF_ERROR(txn_->PutLibRequest(req));
  if (state == ntms::kLmQueued) wake_.insert(req.library);
  return Status::Ok();
}

Status RequestQueue::Txn::Move(catalog::LibRequest& req, uint32_t to, uint32_t error) {
  if (!Allowed(req.state, to))
    return Status(err::kInvalidState,
                  fmt::format("request {} cannot go from state {} to {}", req.h.id.ToString(), req.state, to));
  const int64_t now = q_->clock_->NowMillis();
  req.state = to;
  req.error = to == ntms::kLmPassed ? err::kSuccess : error;
  req.h.modified_ms = now;
  if (IsFinal(to)) req.completed_ms = now;
  RSM_RETURN_IF_ERROR(txn_->PutLibRequest(req));
  if (IsFinal(to)) finished_.push_back(RequestOutcome{req.h.id, to, req.error, req.drive});
  if (to == ntms::kLmQueued) wake_.insert(req.library);
  return Status::Ok();
}

void RequestQueue::Txn::Abandon(const catalog::LibRequest& req, uint32_t code) {
  MutexLock lock(&q_->mu_);
  q_->abandoned_[req.h.id] = code;
}

Status RequestQueue::Txn::Commit() {
  RSM_RETURN_IF_ERROR(txn_->Commit());
  committed_ = true;
  // The catalogue connection (and its write lock) goes back before watchers
  // run: they may begin transactions of their own.
  txn_.reset();
  q_->Committed(*this);
  return Status::Ok();
}

void RequestQueue::Committed(Txn& t) {
  for (const Guid& lib : t.wake_) Poke(lib);
  if (t.finished_.empty()) return;
  if (t.hold_)
    t.hold_->insert(t.hold_->end(), t.finished_.begin(), t.finished_.end());
  else
    Notify(t.finished_);
}

void RequestQueue::Release(const std::vector<std::pair<Guid, uint32_t>>& submitted) {
  if (submitted.empty()) return;
  MutexLock lock(&mu_);
  for (const auto& [id, uid] : submitted) {
    if (owner_.erase(id) == 0) continue;
    auto it = outstanding_.find(uid);
    if (it != outstanding_.end() && --it->second == 0) outstanding_.erase(it);
  }
}

void RequestQueue::Notify(const std::vector<RequestOutcome>& outcomes) {
  std::vector<std::pair<Watcher, RequestOutcome>> calls;
  {
    MutexLock lock(&mu_);
    for (const auto& o : outcomes) {
      abandoned_.erase(o.id);
      if (auto b = batches_.find(o.id); b != batches_.end()) batches_.erase(b);
      if (auto ow = owner_.find(o.id); ow != owner_.end()) {
        auto it = outstanding_.find(ow->second);
        if (it != outstanding_.end() && --it->second == 0) outstanding_.erase(it);
        owner_.erase(ow);
      }
      auto w = watchers_.find(o.id);
      if (w == watchers_.end()) continue;
      calls.emplace_back(std::move(w->second), o);
      watchers_.erase(w);
    }
  }
  for (auto& [w, o] : calls) w(o);
}

// ---- the rest ---------------------------------------------------------------------

Result<RequestQueue::Txn> RequestQueue::Begin(bool synced) {
  auto txn = synced ? store_->Begin(true) : store_->BeginUnsynced();
  if (!txn.ok()) return txn.status();
  return Txn(this, std::move(*txn));
}

Result<RequestQueue::Txn> RequestQueue::BeginRecovery() {
  auto txn = store_->BeginRecovery();
  if (!txn.ok()) return txn.status();
  return Txn(this, std::move(*txn));
}

void RequestQueue::Watch(const Guid& id, Watcher w) {
  MutexLock lock(&mu_);
  watchers_[id] = std::move(w);
}

void RequestQueue::Unwatch(const Guid& id) {
  MutexLock lock(&mu_);
  watchers_.erase(id);
}

void RequestQueue::FinishUncommitted(const RequestOutcome& outcome) { Notify({outcome}); }

uint32_t RequestQueue::AbandonedCode(const Guid& id) {
  MutexLock lock(&mu_);
  auto it = abandoned_.find(id);
  return it == abandoned_.end() ? 0 : it->second;
}

void RequestQueue::SetBatch(const std::vector<Guid>& ids) {
  if (ids.size() < 2) return;
  auto batch = std::make_shared<std::vector<Guid>>(ids);
  MutexLock lock(&mu_);
  for (const Guid& id : ids) batches_[id] = batch;
}

std::vector<Guid> RequestQueue::BatchOf(const Guid& id) {
  MutexLock lock(&mu_);
  auto it = batches_.find(id);
  return it == batches_.end() ? std::vector<Guid>{} : *it->second;
}

uint32_t RequestQueue::Outstanding(uint32_t uid) {
  MutexLock lock(&mu_);
  auto it = outstanding_.find(uid);
  return it == outstanding_.end() ? 0 : it->second;
}

void RequestQueue::FinishAllWatchers(uint32_t error) {
  std::unordered_map<Guid, Watcher> all;
  {
    MutexLock lock(&mu_);
    all.swap(watchers_);
  }
  for (auto& [id, w] : all) w(RequestOutcome{id, ntms::kLmCancelled, error, Guid()});
}

}  // namespace openrsm::service
