// RequestQueue (src/service/request_queue.h): the transition table, one
// transition at a time; watchers told after the commit and never on a
// rollback; the per-uid count of unfinished requests; the abandon mark;
// batches. Against a SQLite catalogue in a temporary directory.
#include "service/request_queue.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>

#include "catalog/ntms_values.h"
#include "service/timers.h"

namespace openrsm::service {
namespace {

constexpr uint32_t kStates[] = {ntms::kLmQueued,  ntms::kLmInProcess, ntms::kLmPassed,   ntms::kLmFailed,
                                ntms::kLmInvalid, ntms::kLmWaiting,   ntms::kLmDeferred, ntms::kLmCancelled,
                                ntms::kLmStopped, RequestQueue::kNew};

TEST(RequestQueueTable, EveryAllowedTransitionAndNoOther) {
  const std::set<std::pair<uint32_t, uint32_t>> allowed = {
      {RequestQueue::kNew, ntms::kLmQueued},    {RequestQueue::kNew, ntms::kLmDeferred},
      {RequestQueue::kNew, ntms::kLmPassed},    {ntms::kLmDeferred, ntms::kLmQueued},
      {ntms::kLmDeferred, ntms::kLmCancelled},  {ntms::kLmQueued, ntms::kLmWaiting},
      {ntms::kLmQueued, ntms::kLmInProcess},    {ntms::kLmQueued, ntms::kLmFailed},
      {ntms::kLmQueued, ntms::kLmCancelled},    {ntms::kLmWaiting, ntms::kLmInProcess},
      {ntms::kLmWaiting, ntms::kLmFailed},      {ntms::kLmWaiting, ntms::kLmCancelled},
      {ntms::kLmInProcess, ntms::kLmPassed},    {ntms::kLmInProcess, ntms::kLmFailed},
      {ntms::kLmInProcess, ntms::kLmCancelled},
  };
  for (uint32_t from : kStates)
    for (uint32_t to : kStates)
      EXPECT_EQ(RequestQueue::Allowed(from, to), allowed.count({from, to}) == 1) << from << " -> " << to;
  for (uint32_t s : {ntms::kLmPassed, ntms::kLmFailed, ntms::kLmCancelled}) EXPECT_TRUE(RequestQueue::IsFinal(s));
  for (uint32_t s : {ntms::kLmQueued, ntms::kLmWaiting, ntms::kLmInProcess, ntms::kLmDeferred})
    EXPECT_FALSE(RequestQueue::IsFinal(s));
}

class FixedClock : public Clock {
 public:
  int64_t NowMillis() override { return 1'000'000; }
  std::chrono::steady_clock::time_point Steady() override { return std::chrono::steady_clock::now(); }
  void Sleep(std::chrono::microseconds) override {}
};

class RequestQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rsmq.XXXXXX";
    dir_ = mkdtemp(tmpl);
    catalog::SqliteOptions o;
    o.path = dir_ + "/catalog.db";
    auto st = catalog::OpenSqliteStore(o);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    // Requests reference their library (a foreign key).
    for (Guid* lib : {&lib_, &lib2_}) {
      catalog::Library l;
      l.h.id = *lib = Guid::New();
      l.h.name = "lib " + lib->ToString();
      auto txn = store_->Begin(true);
      ASSERT_TRUE((*txn)->PutLibrary(l).ok());
      ASSERT_TRUE((*txn)->Commit().ok());
    }
    limits_.requests_per_uid = 2;
    queue_ = std::make_unique<RequestQueue>(store_.get(), &clock_, &limits_);
    user_.id = Guid::New();
    user_.peer.uid = 1000;
    root_.id = Guid::New();
    root_.peer.uid = 0;
  }
  void TearDown() override {
    queue_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Submits a mount in `state` by `s` and commits; returns it (as stored).
  catalog::LibRequest Submit(const Session& s, uint32_t state = ntms::kLmQueued) {
    auto txn = queue_->Begin();
    EXPECT_TRUE(txn.ok());
    catalog::LibRequest r;
    r.operation = ntms::kLmMount;
    r.library = (next_lib_++ % 2) ? lib2_ : lib_;
    EXPECT_TRUE(txn->Submit(r, s, state).ok());
    EXPECT_TRUE(txn->Commit().ok());
    return r;
  }
  Status MoveTo(catalog::LibRequest& r, uint32_t to, uint32_t error = 0) {
    auto txn = queue_->Begin();
    if (!txn.ok()) return txn.status();
    auto cur = txn->db().GetLibRequest(r.h.id);
    if (!cur.ok()) return cur.status();
    r = *cur;
    RSM_RETURN_IF_ERROR(txn->Move(r, to, error));
    return txn->Commit();
  }
  uint32_t StoredState(const Guid& id) {
    auto txn = store_->Begin(false);
    auto r = (*txn)->GetLibRequest(id);
    return r.ok() ? r->state : 0xDEAD;
  }

  std::string dir_;
  Guid lib_, lib2_;
  int next_lib_ = 0;
  FixedClock clock_;
  Limits limits_;
  std::unique_ptr<catalog::Store> store_;
  std::unique_ptr<RequestQueue> queue_;
  Session user_, root_;
};

TEST_F(RequestQueueTest, SubmitStoresTheRequestWithItsSessionAndTimes) {
  user_.application = "app";
  user_.user = "someone";
  catalog::LibRequest r = Submit(user_);
  auto txn = store_->Begin(false);
  auto got = (*txn)->GetLibRequest(r.h.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->state, ntms::kLmQueued);
  EXPECT_EQ(got->session, user_.id);
  EXPECT_EQ(got->application, "app");
  EXPECT_EQ(got->user, "someone");
  EXPECT_EQ(got->queued_ms, 1'000'000);
  EXPECT_EQ(got->completed_ms, 0);
}

TEST_F(RequestQueueTest, ForbiddenMoveIsRefusedAndStoresNothing) {
  catalog::LibRequest r = Submit(user_);
  ASSERT_TRUE(MoveTo(r, ntms::kLmInProcess).ok());
  EXPECT_EQ(MoveTo(r, ntms::kLmWaiting).code(), err::kInvalidState) << "a running request does not wait again";
  EXPECT_EQ(MoveTo(r, ntms::kLmQueued).code(), err::kInvalidState);
  EXPECT_EQ(StoredState(r.h.id), ntms::kLmInProcess);
  ASSERT_TRUE(MoveTo(r, ntms::kLmPassed).ok());
  EXPECT_EQ(MoveTo(r, ntms::kLmFailed).code(), err::kInvalidState) << "final";
  EXPECT_EQ(StoredState(r.h.id), ntms::kLmPassed);
}

TEST_F(RequestQueueTest, WatcherIsToldAfterTheCommitAndNotOnRollback) {
  catalog::LibRequest r = Submit(user_);
  int calls = 0;
  RequestOutcome seen;
  queue_->Watch(r.h.id, [&](const RequestOutcome& o) {
    ++calls;
    seen = o;
    // Told after the commit: the final state is visible to a new transaction.
    EXPECT_EQ(StoredState(o.id), ntms::kLmCancelled);
  });
  {
    auto txn = queue_->Begin();
    ASSERT_TRUE(txn.ok());
    auto cur = txn->db().GetLibRequest(r.h.id);
    ASSERT_TRUE(txn->Move(*cur, ntms::kLmCancelled, err::kTimeout).ok());
    // destroyed uncommitted: rolled back
  }
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(StoredState(r.h.id), ntms::kLmQueued);
  ASSERT_TRUE(MoveTo(r, ntms::kLmCancelled, err::kTimeout).ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen.id, r.h.id);
  EXPECT_EQ(seen.state, ntms::kLmCancelled);
  EXPECT_EQ(seen.error, err::kTimeout);
}

TEST_F(RequestQueueTest, NonFinalMovesDoNotTellTheWatcher) {
  catalog::LibRequest r = Submit(user_);
  int calls = 0;
  queue_->Watch(r.h.id, [&](const RequestOutcome&) { ++calls; });
  ASSERT_TRUE(MoveTo(r, ntms::kLmWaiting).ok());
  ASSERT_TRUE(MoveTo(r, ntms::kLmInProcess).ok());
  EXPECT_EQ(calls, 0);
  ASSERT_TRUE(MoveTo(r, ntms::kLmFailed, err::kUnableToLoadMedium).ok());
  EXPECT_EQ(calls, 1);
}

TEST_F(RequestQueueTest, UidLimitCountsUnfinishedRequestsOnly) {
  catalog::LibRequest a = Submit(user_);
  catalog::LibRequest b = Submit(user_);
  EXPECT_EQ(queue_->Outstanding(1000), 2u);
  {
    auto txn = queue_->Begin();
    catalog::LibRequest c;
    c.operation = ntms::kLmMount;
    c.library = lib_;
    EXPECT_EQ(txn->Submit(c, user_).code(), err::kNotEnoughMemory);
  }
  // Root is not counted; a request stored as done (PASSED) is not either.
  Submit(root_);
  Submit(user_, ntms::kLmPassed);
  EXPECT_EQ(queue_->Outstanding(1000), 2u);
  EXPECT_EQ(queue_->Outstanding(0), 0u);
  // A rolled-back submit gives its place back.
  ASSERT_TRUE(MoveTo(a, ntms::kLmCancelled).ok());
  EXPECT_EQ(queue_->Outstanding(1000), 1u);
  {
    auto txn = queue_->Begin();
    catalog::LibRequest c;
    c.operation = ntms::kLmMount;
    c.library = lib_;
    EXPECT_TRUE(txn->Submit(c, user_).ok());
    EXPECT_EQ(queue_->Outstanding(1000), 2u);
  }
  EXPECT_EQ(queue_->Outstanding(1000), 1u);
  // A request finished without a commit (the catalogue was full) counts no more.
  queue_->FinishUncommitted(RequestOutcome{b.h.id, ntms::kLmFailed, err::kDatabaseFull, Guid()});
  EXPECT_EQ(queue_->Outstanding(1000), 0u);
}

TEST_F(RequestQueueTest, AbandonMarkUntilTheRequestFinishes) {
  catalog::LibRequest r = Submit(user_);
  ASSERT_TRUE(MoveTo(r, ntms::kLmInProcess).ok());
  EXPECT_EQ(queue_->AbandonedCode(r.h.id), 0u);
  {
    auto txn = queue_->Begin();
    txn->Abandon(r, err::kTimeout);
  }
  EXPECT_EQ(queue_->AbandonedCode(r.h.id), err::kTimeout) << "kept even though that transaction rolled back";
  ASSERT_TRUE(MoveTo(r, ntms::kLmFailed, err::kTimeout).ok());
  EXPECT_EQ(queue_->AbandonedCode(r.h.id), 0u);
}

TEST_F(RequestQueueTest, BatchesAndWakes) {
  std::vector<Guid> woken;
  queue_->SetWake([&](const Guid& lib) { woken.push_back(lib); });
  catalog::LibRequest a = Submit(user_), b = Submit(root_);
  ASSERT_EQ(woken.size(), 2u) << "a queued request wakes its library";
  EXPECT_EQ(woken[0], a.library);
  queue_->SetBatch({a.h.id, b.h.id});
  EXPECT_EQ(queue_->BatchOf(a.h.id).size(), 2u);
  EXPECT_TRUE(queue_->BatchOf(Guid::New()).empty());
  Submit(user_, ntms::kLmDeferred);
  EXPECT_EQ(woken.size(), 2u) << "a deferred request waits for its START";
}

TEST(TimersTest, RunsInDeadlineOrderAndCancels) {
  FixedClock clock;
  Timers t(&clock);
  t.Start();
  std::mutex mu;
  std::vector<int> order;
  std::condition_variable cv;
  auto add = [&](int v) {
    std::lock_guard<std::mutex> lock(mu);
    order.push_back(v);
    cv.notify_all();
  };
  t.After(std::chrono::milliseconds(60), [&] { add(2); });
  t.After(std::chrono::milliseconds(10), [&] { add(1); });
  auto cancelled = t.After(std::chrono::milliseconds(30), [&] { add(99); });
  EXPECT_TRUE(t.Cancel(cancelled));
  EXPECT_FALSE(t.Cancel(cancelled));
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return order.size() == 2; }));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace openrsm::service
