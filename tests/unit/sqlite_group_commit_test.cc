// Unit tests of the SQLite catalogue's group commit (Store::SyncCommitted,
// src/catalog/sqlite/pool_sync.cc, docs/catalog.md "Group commit"): how many
// syncs of the -wal callers cause, which commits a sync covers, and the
// failed mode after a failed sync.
//
// The syncs of the -wal are counted, held and failed by SyncSpy
// (tests/unit/sync_spy.h: fsync/fdatasync wrapped in this test binary only).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "catalog/store.h"
#include "tests/unit/sync_spy.h"

namespace openrsm::catalog {
namespace {

namespace fs = std::filesystem;
using openrsm::testing::SyncSpy;

class SqliteGroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rsm_group_commit_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = OpenSqliteStore({dir_ + "/catalog.db"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    // The first commit after the open restarts the -wal (the open
    // checkpointed it), and SQLite syncs the new -wal header then, at any
    // synchronous level; later commits in these small tests do not.
    ASSERT_TRUE(Commit(false).ok());
  }
  void TearDown() override {
    Disarm();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static void Arm() { SyncSpy::Arm("catalog.db-wal"); }
  static void Disarm() { SyncSpy::Disarm(); }
  static int Syncs() { return SyncSpy::Count(); }

  // One committed write transaction (an object of its own).
  Status Commit(bool synced) {
    auto t = synced ? store_->Begin(true) : store_->BeginUnsynced();
    if (!t.ok()) return t.status();
    Library lib;
    lib.h.id = Guid::New();
    lib.h.name = fmt::format("lib{}", ++n_);
    RSM_RETURN_IF_ERROR((*t)->PutLibrary(lib));
    return (*t)->Commit();
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::atomic<int> n_{0};
};

TEST_F(SqliteGroupCommitTest, OneSyncCoversEveryUnsyncedCommitAndNoneIsRepeated) {
  Arm();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Commit(false).ok());
  EXPECT_EQ(Syncs(), 0) << "an unsynced commit synced the -wal";
  ASSERT_TRUE(store_->SyncCommitted().ok());
  EXPECT_EQ(Syncs(), 1);
  // Nothing committed since: no sync.
  ASSERT_TRUE(store_->SyncCommitted().ok());
  EXPECT_EQ(Syncs(), 1);
  // A synced commit syncs the -wal itself, which covers the commits before it.
  ASSERT_TRUE(Commit(false).ok());
  ASSERT_TRUE(Commit(true).ok());
  const int after_synced_commit = Syncs();
  EXPECT_GE(after_synced_commit, 2);
  ASSERT_TRUE(store_->SyncCommitted().ok());
  EXPECT_EQ(Syncs(), after_synced_commit);
}

TEST_F(SqliteGroupCommitTest, ConcurrentCallersShareOneSync) {
  constexpr int kCallers = 16;
  Arm();
  SyncSpy::Hold();  // the first sync waits until every caller has committed and called
  std::atomic<int> ready{0};
  std::vector<std::future<Status>> callers;
  for (int i = 0; i < kCallers; ++i)
    callers.push_back(std::async(std::launch::async, [&] {
      Status st = Commit(false);
      ++ready;
      return st.ok() ? store_->SyncCommitted() : st;
    }));
  ASSERT_TRUE(SyncSpy::WaitEntered(1));
  while (ready < kCallers) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the last ones reach SyncCommitted
  SyncSpy::Release();
  for (auto& f : callers) {
    Status st = f.get();
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  // The leader's sync, and at most one more for everyone who committed
  // while it ran.
  EXPECT_LE(Syncs(), 2) << kCallers << " callers";
  EXPECT_GE(Syncs(), 1);
}

TEST_F(SqliteGroupCommitTest, ACommitAfterTheRunningSyncBeganWaitsForTheNextSync) {
  ASSERT_TRUE(Commit(false).ok());
  Arm();
  SyncSpy::Hold();
  auto first = std::async(std::launch::async, [&] { return store_->SyncCommitted(); });
  ASSERT_TRUE(SyncSpy::WaitEntered(1));  // sync 1 runs (it covers the first commit only)
  ASSERT_TRUE(Commit(false).ok());
  std::atomic<int> syncs_at_return{-1};
  auto second = std::async(std::launch::async, [&] {
    Status st = store_->SyncCommitted();
    syncs_at_return = Syncs();
    return st;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(syncs_at_return, -1) << "returned while the only sync had begun before its commit";
  SyncSpy::Release();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(second.get().ok());
  EXPECT_EQ(syncs_at_return, 2) << "the second caller was not covered by a sync that began after its commit";
  EXPECT_EQ(Syncs(), 2);
}

TEST_F(SqliteGroupCommitTest, AFailedSyncStopsWritesAndIsNeverReportedDurable) {
  ASSERT_TRUE(Commit(false).ok());
  Arm();
  SyncSpy::FailWith(EIO);
  Status st = store_->SyncCommitted();
  EXPECT_EQ(st.code(), err::kDatabaseFailure) << st.ToString();
  SyncSpy::FailWith(0);
  // Sticky: a later sync that the disk would accept does not make it durable.
  st = store_->SyncCommitted();
  EXPECT_EQ(st.code(), err::kDatabaseFailure) << st.ToString();
  EXPECT_EQ(store_->Begin(true).status().code(), err::kDatabaseFailure);
  EXPECT_EQ(store_->BeginUnsynced().status().code(), err::kDatabaseFailure);
  EXPECT_EQ(store_->BeginRecovery().status().code(), err::kDatabaseFailure);
  // Reads go on.
  auto r = store_->Begin(false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->ListLibraries().value().size(), 2u);
}

TEST_F(SqliteGroupCommitTest, ASyncOfAReplacedWalIsNotDurability) {
  ASSERT_TRUE(Commit(false).ok());
  // An operator's mistake: the -wal deleted under the store.
  ASSERT_EQ(::unlink((dir_ + "/catalog.db-wal").c_str()), 0);
  Status st = store_->SyncCommitted();
  EXPECT_EQ(st.code(), err::kDatabaseFailure) << st.ToString();
  EXPECT_EQ(store_->Begin(true).status().code(), err::kDatabaseFailure);
}

}  // namespace
}  // namespace openrsm::catalog
