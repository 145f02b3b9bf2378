#include "service/outcome_syncer.h"

#include <spdlog/spdlog.h>

#include "catalog/ntms_values.h"

namespace openrsm::service {

OutcomeSyncer::OutcomeSyncer(catalog::Store* store, RequestQueue* queue, std::string name)
    : store_(store), queue_(queue), name_(std::move(name)) {}

OutcomeSyncer::~OutcomeSyncer() { Stop(); }

void OutcomeSyncer::Start() {
  MutexLock lock(&mu_);
  if (running_) return;
  if (thread_.joinable()) thread_.join();  // a stopped one (it has ended)
  running_ = true;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void OutcomeSyncer::Deliver(std::vector<RequestOutcome> outcomes) {
  if (outcomes.empty()) return;
  {
    MutexLock lock(&mu_);
    if (running_) {
      pending_.insert(pending_.end(), outcomes.begin(), outcomes.end());
      cv_.notify_all();
      return;
    }
  }
  SyncAndTell(outcomes);
}

void OutcomeSyncer::Stop() {
  {
    MutexLock lock(&mu_);
    if (!running_) return;
    stop_ = true;
    cv_.notify_all();
  }
  // The thread tells everything handed over while running_ was set, then
  // clears it (Loop), so nothing handed over is left behind.
  if (thread_.joinable()) thread_.join();
}

void OutcomeSyncer::Loop() {
  for (;;) {
    std::vector<RequestOutcome> batch;
    {
      MutexLock lock(&mu_);
      Wait(cv_, mu_, [&]() RSM_REQUIRES(mu_) { return stop_ || !pending_.empty(); });
      if (pending_.empty()) {  // stop_, and nothing left to tell
        running_ = false;      // later Deliver calls tell at once
        return;
      }
      batch.swap(pending_);
    }
    SyncAndTell(batch);
  }
}

void OutcomeSyncer::SyncAndTell(std::vector<RequestOutcome>& batch) {
  // Every outcome in `batch` was committed before it was handed over, so
  // before this call.
  Status st = store_->SyncCommitted();
  if (!st.ok()) {
    spdlog::error("library {}: cannot make {} request outcome(s) durable: {}", name_, batch.size(), st.ToString());
    for (auto& o : batch) {
      o.state = ntms::kLmFailed;
      o.error = st.code();
    }
  }
  queue_->Deliver(batch);
}

}  // namespace openrsm::service
