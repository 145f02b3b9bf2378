// Unit tests of service::Housekeeping (src/service/housekeeping.h) on a real
// SQLite store and a fake clock: scheduled backups and their pruning, the
// reserve restored after degraded mode with on_space_back called once, and
// lost files found without any write.
#include "service/housekeeping.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "catalog/sqlite/backup.h"
#include "catalog/store.h"
#include "common/clock.h"
#include "tests/support/fake_clock.h"

namespace openrsm::service {
namespace {

namespace fs = std::filesystem;

using test_support::FakeClock;

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class HousekeepingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/housekeeping_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    options_.path = dir_ + "/catalog.db";
    options_.reserve_bytes = 128 * 1024;
    options_.clock = &clock_;
    auto s = catalog::OpenSqliteStore(options_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    lib_.h.id = Guid::New();
    lib_.h.name = "lib";
    auto t = store_->Begin(true);
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE((*t)->PutLibrary(lib_).ok());
    ASSERT_TRUE((*t)->Commit().ok());
  }
  void TearDown() override {
    hk_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void Make(BackupConfig backup) {
    hk_ = std::make_unique<Housekeeping>(store_.get(), &clock_, backup, dir_, [this] { ++space_back_; });
  }
  std::vector<std::string> Scheduled() {
    std::vector<std::string> out;
    for (const auto& n : Names(dir_ + "/backup"))
      if (catalog::sqlite::ScheduledBackupTime(n)) out.push_back(n);
    return out;
  }
  Status PutMedia(int n, int tag) {
    auto t = store_->Begin(true);
    if (!t.ok()) return t.status();
    for (int i = 0; i < n; ++i) {
      catalog::PhysicalMedia m;
      m.h.id = Guid::New();
      m.h.name = fmt::format("m{}-{}-{}", tag, i, std::string(200, 'x'));
      Status st = (*t)->PutPhysicalMedia(m);
      if (!st.ok()) return st;
    }
    return (*t)->Commit();
  }

  std::string dir_;
  FakeClock clock_;
  catalog::SqliteOptions options_;
  std::unique_ptr<catalog::Store> store_;
  std::unique_ptr<Housekeeping> hk_;
  catalog::Library lib_;
  std::atomic<int> space_back_{0};
};

TEST_F(HousekeepingTest, BackupsOnScheduleKeepingTheNewest) {
  Make({/*interval_seconds=*/60, /*keep=*/2, /*dir=*/""});
  EXPECT_EQ(hk_->backup_dir(), dir_ + "/backup");
  fs::create_directories(dir_ + "/backup");
  std::ofstream(dir_ + "/backup/" + catalog::sqlite::RescueBackupName(1)).close();  // never pruned
  std::ofstream(dir_ + "/backup/" + catalog::sqlite::PreMigrationBackupName(2, 1)).close();

  hk_->RunOnce();  // none yet: at once
  auto first = Scheduled();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0], catalog::sqlite::ScheduledBackupName(clock_.NowMillis()));
  hk_->RunOnce();
  clock_.Advance(std::chrono::seconds(59));
  hk_->RunOnce();
  EXPECT_EQ(Scheduled().size(), 1u) << "not due before the interval";

  for (int i = 0; i < 3; ++i) {
    clock_.Advance(std::chrono::seconds(61));
    ASSERT_TRUE(PutMedia(1, i).ok());
    hk_->RunOnce();
  }
  auto kept = Scheduled();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept.back(), catalog::sqlite::ScheduledBackupName(clock_.NowMillis()));
  auto all = Names(dir_ + "/backup");
  EXPECT_EQ(std::count_if(all.begin(), all.end(),
                          [](const std::string& n) {
                            return n.starts_with("catalog-rescued-") || n.starts_with("catalog-pre-");
                          }),
            2);
  // The newest backup holds the newest media.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/backup/" + kept.back()).c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM physical_media", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 3);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(HousekeepingTest, ScheduleContinuesFromTheNewestExistingBackup) {
  fs::create_directories(dir_ + "/backup");
  int64_t ten_s_ago = clock_.NowMillis() - 10000;
  ASSERT_TRUE(store_->Backup(dir_ + "/backup/" + catalog::sqlite::ScheduledBackupName(ten_s_ago)).ok());
  Make({60, 3, ""});
  hk_->RunOnce();
  EXPECT_EQ(Scheduled().size(), 1u) << "the last one is only 10 s old";
  clock_.Advance(std::chrono::seconds(50));
  hk_->RunOnce();
  EXPECT_EQ(Scheduled().size(), 2u);
}

TEST_F(HousekeepingTest, IntervalZeroTakesNoBackups) {
  Make({0, 3, dir_ + "/elsewhere"});
  for (int i = 0; i < 3; ++i) {
    hk_->RunOnce();
    clock_.Advance(std::chrono::hours(2));
  }
  EXPECT_FALSE(fs::exists(dir_ + "/elsewhere"));
  EXPECT_FALSE(fs::exists(dir_ + "/backup"));
}

TEST_F(HousekeepingTest, RestoresTheReserveWhenSpaceIsBackAndSaysSoOnce) {
  Make({0, 3, ""});
  ASSERT_TRUE(store_->SetMaxPages(uint32_t(4)).ok());  // at the current size: the next growth fails
  Status full;
  for (int i = 0; i < 100 && full.ok(); ++i) full = PutMedia(20, i);
  ASSERT_EQ(full.code(), err::kDatabaseFull) << full.ToString();
  ASSERT_TRUE(store_->Degraded());

  hk_->RunOnce();  // tries at once: the cap is still full
  EXPECT_TRUE(store_->Degraded());
  EXPECT_EQ(space_back_, 0);

  ASSERT_TRUE(store_->SetMaxPages(0).ok());  // the operator lifts the cap
  hk_->RunOnce();                            // not yet: the next try is kRestoreEvery later
  EXPECT_TRUE(store_->Degraded());
  clock_.Advance(Housekeeping::kRestoreEvery);
  hk_->RunOnce();
  EXPECT_FALSE(store_->Degraded());
  EXPECT_EQ(space_back_, 1);
  hk_->RunOnce();
  clock_.Advance(Housekeeping::kRestoreEvery);
  hk_->RunOnce();
  EXPECT_EQ(space_back_, 1) << "once per episode";
  EXPECT_TRUE(PutMedia(5, 1000).ok());
}

TEST_F(HousekeepingTest, NoBackupWhileDegraded) {
  Make({60, 3, ""});
  ASSERT_TRUE(store_->SetMaxPages(uint32_t(4)).ok());
  Status full;
  for (int i = 0; i < 100 && full.ok(); ++i) full = PutMedia(20, i);
  ASSERT_TRUE(store_->Degraded());
  hk_->RunOnce();
  EXPECT_TRUE(Scheduled().empty());
}

TEST_F(HousekeepingTest, LostWalFoundWithoutAnyWrite) {
  Make({60, 3, ""});
  hk_->RunOnce();
  ASSERT_EQ(Scheduled().size(), 1u);
  ASSERT_EQ(::unlink((options_.path + "-wal").c_str()), 0);
  hk_->RunOnce();
  EXPECT_TRUE(fs::exists(dir_ + "/catalog.damaged"));
  EXPECT_EQ(store_->Begin(true).status().code(), err::kDatabaseFailure);
  clock_.Advance(std::chrono::hours(1));
  hk_->RunOnce();
  EXPECT_EQ(Scheduled().size(), 1u) << "no backups in failed mode";
}

TEST_F(HousekeepingTest, ThreadRunsAndStops) {
  // The real clock: the thread makes the first backup within a tick.
  auto s = catalog::OpenSqliteStore({dir_ + "/real.db"});
  ASSERT_TRUE(s.ok());
  Housekeeping hk(s->get(), RealClock(), {3600, 3, dir_ + "/real-backups"}, dir_, nullptr);
  hk.Start();
  for (int i = 0; i < 200 && Names(dir_ + "/real-backups").empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  hk.Stop();
  EXPECT_EQ(Names(dir_ + "/real-backups").size(), 1u);
}

}  // namespace
}  // namespace openrsm::service
