// Unit tests of OutcomeSyncer (src/service/outcome_syncer.h): a waiter is told
// an outcome only after a Store::SyncCommitted that began after the outcome
// was handed over; outcomes handed over during a sync share the next one; a
// failed sync tells FAILED; Stop tells everything handed over.
#include "service/outcome_syncer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "catalog/memory/memory_store.h"
#include "catalog/ntms_values.h"
#include "common/clock.h"

namespace openrsm::service {
namespace {

// A memory store whose SyncCommitted is counted, can be held, and can fail.
class SyncProbeStore final : public catalog::Store {
 public:
  SyncProbeStore() : inner_(catalog::NewMemoryStore()) {}
  Result<std::unique_ptr<catalog::Txn>> Begin(bool write) override { return inner_->Begin(write); }
  Result<std::unique_ptr<catalog::Txn>> BeginUnsynced() override { return inner_->BeginUnsynced(); }
  Status SetMaxPages(uint32_t pages) override { return inner_->SetMaxPages(pages); }
  Status SyncCommitted() override {
    std::unique_lock<std::mutex> lock(mu_);
    ++begun_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !hold_; });
    ++ended_;
    return fail_ ? Status(err::kDatabaseFailure, "catalog failure: sync failed (test)") : Status::Ok();
  }

  void Hold(bool hold) {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = hold;
    cv_.notify_all();
  }
  void Fail() {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = true;
  }
  bool WaitBegun(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return begun_ >= n; });
  }
  int begun() {
    std::lock_guard<std::mutex> lock(mu_);
    return begun_;
  }
  int ended() {
    std::lock_guard<std::mutex> lock(mu_);
    return ended_;
  }

 private:
  std::unique_ptr<catalog::Store> inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_ = false, fail_ = false;
  int begun_ = 0, ended_ = 0;
};

class OutcomeSyncerTest : public ::testing::Test {
 protected:
  // Registers a watcher for a new request id; the outcome it gets and the
  // number of syncs that had ended when it got it go to `told_`.
  RequestOutcome Outcome() {
    RequestOutcome o{Guid::New(), ntms::kLmPassed, 0, Guid()};
    queue_.Watch(o.id, [this](const RequestOutcome& got) {
      std::lock_guard<std::mutex> lock(mu_);
      told_.push_back({got, store_.ended()});
      cv_.notify_all();
    });
    return o;
  }
  bool WaitTold(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return told_.size() >= n; });
  }
  size_t Told() {
    std::lock_guard<std::mutex> lock(mu_);
    return told_.size();
  }

  SyncProbeStore store_;
  Limits limits_;
  RequestQueue queue_{&store_, RealClock(), &limits_};
  OutcomeSyncer syncer_{&store_, &queue_, "sim0"};
  std::mutex mu_;
  std::condition_variable cv_;
  struct Heard {
    RequestOutcome outcome;
    int syncs_ended;
  };
  std::vector<Heard> told_;
};

TEST_F(OutcomeSyncerTest, AnOutcomeIsToldOnlyAfterASyncThatBeganAfterIt) {
  syncer_.Start();
  store_.Hold(true);
  RequestOutcome first = Outcome();
  syncer_.Deliver({first});
  ASSERT_TRUE(store_.WaitBegun(1));
  // Handed over while sync 1 runs: sync 1 may not cover it.
  RequestOutcome second = Outcome(), third = Outcome();
  syncer_.Deliver({second});
  syncer_.Deliver({third});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(Told(), 0u) << "told before its sync ended";
  store_.Hold(false);
  ASSERT_TRUE(WaitTold(3));
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(told_[0].outcome.id, first.id);
  EXPECT_EQ(told_[0].outcome.state, ntms::kLmPassed);
  EXPECT_EQ(told_[0].syncs_ended, 1);
  // The two handed over during sync 1 share sync 2.
  EXPECT_EQ(told_[1].syncs_ended, 2);
  EXPECT_EQ(told_[2].syncs_ended, 2);
  EXPECT_EQ(store_.begun(), 2);
}

TEST_F(OutcomeSyncerTest, AFailedSyncTellsFailedWithItsError) {
  store_.Fail();
  syncer_.Start();
  syncer_.Deliver({Outcome()});
  ASSERT_TRUE(WaitTold(1));
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(told_[0].outcome.state, ntms::kLmFailed);
  EXPECT_EQ(told_[0].outcome.error, err::kDatabaseFailure);
}

TEST_F(OutcomeSyncerTest, StopTellsEverythingHandedOverAndLaterOutcomesAreToldAtOnce) {
  syncer_.Start();
  store_.Hold(true);
  syncer_.Deliver({Outcome()});
  ASSERT_TRUE(store_.WaitBegun(1));
  syncer_.Deliver({Outcome(), Outcome()});
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    store_.Hold(false);
  });
  syncer_.Stop();
  release.join();
  EXPECT_EQ(Told(), 3u) << "Stop returned before telling what was handed over";
  EXPECT_EQ(store_.ended(), 2);
  // Stopped: a late outcome is synced and told in the caller's thread.
  syncer_.Deliver({Outcome()});
  EXPECT_EQ(Told(), 4u);
  EXPECT_EQ(store_.ended(), 3);
}

}  // namespace
}  // namespace openrsm::service
