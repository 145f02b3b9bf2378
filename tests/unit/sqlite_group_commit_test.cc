// Unit tests of the SQLite catalogue's group commit (Store::SyncCommitted,
// src/catalog/sqlite/pool_sync.cc, docs/catalog.md "Group commit"): how many
// syncs of the -wal callers cause, which commits a sync covers, and the
// failed mode after a failed sync.
//
// The syncs are observed by wrapping fsync/fdatasync in this test binary
// (the executable's definitions take precedence over libc's for every caller
// in the process); the wrappers only act on files whose name ends in "-wal"
// while a test has armed them. rsmd has no such hook.
#include <dlfcn.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "catalog/store.h"

namespace {

// What the wrappers do with a sync of a -wal file.
struct WalSyncs {
  std::atomic<bool> armed{false};
  std::atomic<int> count{0};          // syncs of a -wal while armed
  std::atomic<int> fail_with{0};      // an errno to fail them with (0: real sync)
  std::mutex mu;                      // hold: syncs wait while `hold` is set
  std::condition_variable cv;
  bool hold = false;
  int entered = 0;  // syncs that have begun (under mu)
};
WalSyncs g_wal;

bool IsWal(int fd) {
  char link[64], path[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = ::readlink(link, path, sizeof path - 1);
  if (n <= 4) return false;
  path[n] = '\0';
  return std::strcmp(path + n - 4, "-wal") == 0;
}

// Returns -1 (errno set) when the armed sync must fail; 0 to go on.
int OnSync(int fd) {
  if (!g_wal.armed.load(std::memory_order_relaxed) || !IsWal(fd)) return 0;
  g_wal.count.fetch_add(1);
  {
    std::unique_lock<std::mutex> lock(g_wal.mu);
    ++g_wal.entered;
    g_wal.cv.notify_all();
    g_wal.cv.wait(lock, [] { return !g_wal.hold; });
  }
  if (int e = g_wal.fail_with.load()) {
    errno = e;
    return -1;
  }
  return 0;
}

template <typename Fn>
Fn Next(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" int fdatasync(int fd) {
  static auto real = Next<int (*)(int)>("fdatasync");
  if (OnSync(fd) != 0) return -1;
  return real(fd);
}

extern "C" int fsync(int fd) {
  static auto real = Next<int (*)(int)>("fsync");
  if (OnSync(fd) != 0) return -1;
  return real(fd);
}

namespace openrsm::catalog {
namespace {

namespace fs = std::filesystem;

class SqliteGroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rsm_group_commit_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = OpenSqliteStore({dir_ + "/catalog.db"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    g_wal.count = 0;
    g_wal.fail_with = 0;
    g_wal.entered = 0;
    g_wal.hold = false;
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
  static void Arm() { g_wal.armed = true; }
  static void Disarm() {
    g_wal.armed = false;
    Release();
  }
  static void Hold() {
    std::lock_guard<std::mutex> lock(g_wal.mu);
    g_wal.hold = true;
  }
  static void Release() {
    std::lock_guard<std::mutex> lock(g_wal.mu);
    g_wal.hold = false;
    g_wal.cv.notify_all();
  }
  // Waits until `n` armed syncs have begun (false after 10 s).
  static bool WaitEntered(int n) {
    std::unique_lock<std::mutex> lock(g_wal.mu);
    return g_wal.cv.wait_for(lock, std::chrono::seconds(10), [&] { return g_wal.entered >= n; });
  }

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
  EXPECT_EQ(g_wal.count, 0) << "an unsynced commit synced the -wal";
  ASSERT_TRUE(store_->SyncCommitted().ok());
  EXPECT_EQ(g_wal.count, 1);
  // Nothing committed since: no sync.
  ASSERT_TRUE(store_->SyncCommitted().ok());
  EXPECT_EQ(g_wal.count, 1);
  // A synced commit syncs the -wal itself, which covers the commits before it.
  ASSERT_TRUE(Commit(false).ok());
  ASSERT_TRUE(Commit(true).ok());
  const int after_synced_commit = g_wal.count;
  EXPECT_GE(after_synced_commit, 2);
  ASSERT_TRUE(store_->SyncCommitted().ok());
  EXPECT_EQ(g_wal.count, after_synced_commit);
}

TEST_F(SqliteGroupCommitTest, ConcurrentCallersShareOneSync) {
  constexpr int kCallers = 16;
  Arm();
  Hold();  // the first sync waits until every caller has committed and called
  std::atomic<int> ready{0};
  std::vector<std::future<Status>> callers;
  for (int i = 0; i < kCallers; ++i)
    callers.push_back(std::async(std::launch::async, [&] {
      Status st = Commit(false);
      ++ready;
      return st.ok() ? store_->SyncCommitted() : st;
    }));
  ASSERT_TRUE(WaitEntered(1));
  while (ready < kCallers) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the last ones reach SyncCommitted
  Release();
  for (auto& f : callers) {
    Status st = f.get();
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  // The leader's sync, and at most one more for everyone who committed
  // while it ran.
  EXPECT_LE(g_wal.count, 2) << kCallers << " callers";
  EXPECT_GE(g_wal.count, 1);
}

TEST_F(SqliteGroupCommitTest, ACommitAfterTheRunningSyncBeganWaitsForTheNextSync) {
  ASSERT_TRUE(Commit(false).ok());
  Arm();
  Hold();
  auto first = std::async(std::launch::async, [&] { return store_->SyncCommitted(); });
  ASSERT_TRUE(WaitEntered(1));  // sync 1 runs (it covers the first commit only)
  ASSERT_TRUE(Commit(false).ok());
  std::atomic<int> syncs_at_return{-1};
  auto second = std::async(std::launch::async, [&] {
    Status st = store_->SyncCommitted();
    syncs_at_return = g_wal.count.load();
    return st;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(syncs_at_return, -1) << "returned while the only sync had begun before its commit";
  Release();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(second.get().ok());
  EXPECT_EQ(syncs_at_return, 2) << "the second caller was not covered by a sync that began after its commit";
  EXPECT_EQ(g_wal.count, 2);
}

TEST_F(SqliteGroupCommitTest, AFailedSyncStopsWritesAndIsNeverReportedDurable) {
  ASSERT_TRUE(Commit(false).ok());
  Arm();
  g_wal.fail_with = EIO;
  Status st = store_->SyncCommitted();
  EXPECT_EQ(st.code(), err::kDatabaseFailure) << st.ToString();
  g_wal.fail_with = 0;
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
