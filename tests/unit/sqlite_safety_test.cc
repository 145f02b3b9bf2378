// Unit tests of the SQLite catalogue's safety (docs/catalog.md "Safety"):
// the space reserve and degraded mode (page cap and a real full tmpfs), lost
// or replaced files (failed mode, rescue copy, marker, refusal at open),
// online backups under concurrent writers, pre-migration backups, and the
// restore round trip.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "catalog/sqlite/backup.h"
#include "catalog/sqlite/files.h"
#include "catalog/sqlite/schema.h"
#include "catalog/store.h"
#include "common/clock.h"

namespace openrsm::catalog {
namespace {

namespace fs = std::filesystem;

void ExpectCode(const Status& st, uint32_t code) {
  EXPECT_EQ(st.code(), code) << "got " << ErrorName(st.code()) << ": " << st.message();
}

template <typename T>
T Named(const std::string& name) {
  T v;
  v.h.id = Guid::New();
  v.h.name = name;
  return v;
}

// Runs `sql` on a private connection to `path`; the first column of the
// first row as an integer (-1 when there is none).
int64_t RawInt(const std::string& path, const std::string& sql, int flags = SQLITE_OPEN_READWRITE) {
  sqlite3* db = nullptr;
  int64_t v = -1;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    else
      ADD_FAILURE() << path << ": " << sql << ": " << sqlite3_errmsg(db);
    sqlite3_finalize(st);
  } else {
    ADD_FAILURE() << "cannot open " << path;
  }
  sqlite3_close(db);
  return v;
}

std::string RawText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string v;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return v;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Files in `dir` whose names start with `prefix`, sorted.
std::vector<std::string> FilesStartingWith(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename().string().starts_with(prefix)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

class SafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sqlite_safety_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Use(dir_);
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // The catalogue lives in `dir` from now on.
  void Use(const std::string& dir) {
    options_.path = dir + "/catalog.db";
    backup_dir_ = dir + "/backup";
  }
  const std::string& path() const { return options_.path; }

  std::unique_ptr<Store> Open() {
    auto s = OpenSqliteStore(options_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  static std::unique_ptr<Txn> Begin(Store& store, bool write) {
    auto t = store.Begin(write);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? std::move(t).value() : nullptr;
  }
  // Commits `n` media of library lib_ in one transaction; the status.
  Status PutMedia(Store& store, int n, const std::string& tag, size_t name_size = 20) {
    auto t = store.Begin(true);
    if (!t.ok()) return t.status();
    for (int i = 0; i < n; ++i) {
      PhysicalMedia m = Named<PhysicalMedia>(fmt::format("{}-{}-{}", tag, i, std::string(name_size, 'x')));
      m.library = lib_.h.id;
      Status st = (*t)->PutPhysicalMedia(m);
      if (!st.ok()) return st;
    }
    return (*t)->Commit();
  }
  void PutLibrary(Store& store) {
    auto t = Begin(store, true);
    ASSERT_TRUE(t);
    ASSERT_TRUE(t->PutLibrary(lib_).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  bool NeedsInventory(Store& store) {
    auto t = Begin(store, false);
    auto l = t ? t->GetLibrary(lib_.h.id) : Result<Library>(Status(err::kDatabaseFailure, "no txn"));
    return l.ok() && l->needs_inventory;
  }
  std::vector<Guid> MediaIds(Store& store) {
    auto t = Begin(store, false);
    auto ids =
        t ? t->ListPhysicalMediaIds(Guid{}, Guid{}) : Result<std::vector<Guid>>(Status(err::kDatabaseFailure, ""));
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() ? *ids : std::vector<Guid>{};
  }
  bool HasLibrary(Store& store) {
    auto t = Begin(store, false);
    return t && t->GetLibrary(lib_.h.id).ok();
  }
  uint64_t CountMedia(Store& store) {
    auto t = Begin(store, false);
    if (!t) return ~0ull;
    auto n = t->CountPhysicalMedia(Guid{}, Guid{});
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : ~0ull;
  }
  bool ReserveAllocated() {
    struct stat st;
    if (::stat(ReservePath().c_str(), &st) != 0) return false;
    return uint64_t(st.st_size) == options_.reserve_bytes && uint64_t(st.st_blocks) * 512 >= options_.reserve_bytes;
  }
  std::string ReservePath() const { return fs::path(path()).parent_path().string() + "/catalog.reserve"; }
  std::string MarkerPath() const { return fs::path(path()).parent_path().string() + "/catalog.damaged"; }

  std::string dir_, backup_dir_;
  SqliteOptions options_;
  std::unique_ptr<Store> store_;
  Library lib_ = Named<Library>("lib");
};

// ---- reserve and degraded mode: the page cap -----------------------------------------------

class DegradedTest : public SafetyTest {
 protected:
  void SetUp() override {
    SafetyTest::SetUp();
    options_.reserve_bytes = 256 * 1024;
    store_ = Open();
    ASSERT_TRUE(store_);
    PutLibrary(*store_);
    ASSERT_TRUE(PutMedia(*store_, 200, "base").ok());
    // A cap a few pages above the current size.
    cap_ = uint32_t(RawInt(path(), "PRAGMA page_count")) + 4;
    ASSERT_TRUE(store_->SetMaxPages(cap_).ok());
  }
  // Writes until the cap is hit; the failing call's status. Then uses up
  // the pages that the failed transaction did not need, from outside (as
  // the API tests' FillCatalogue does), so that the cap is really full.
  Status Fill() {
    Status st;
    for (int i = 0; i < 1000 && st.ok(); ++i) st = PutMedia(*store_, 50, fmt::format("fill{}", i), 200);
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db, fmt::format("PRAGMA max_page_count = {}", cap_).c_str(), nullptr, nullptr, nullptr);
    sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS test_filler(b BLOB)", nullptr, nullptr, nullptr);
    for (int size = 65536; size >= 16; size /= 2) {
      std::string sql = fmt::format("INSERT INTO test_filler VALUES (zeroblob({}))", size);
      while (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) {
      }
    }
    sqlite3_close(db);
    return st;
  }
  uint32_t cap_ = 0;
};

TEST_F(DegradedTest, ReserveIsAllocatedAtOpen) {
  EXPECT_TRUE(ReserveAllocated());
  EXPECT_FALSE(store_->Degraded());
}

TEST_F(DegradedTest, FullReleasesReserveRefusesWritesAndRecoveryStillWrites) {
  uint64_t before = CountMedia(*store_);
  Status full = Fill();
  ExpectCode(full, err::kDatabaseFull);
  uint64_t after_fill = CountMedia(*store_);
  EXPECT_GE(after_fill, before);
  EXPECT_TRUE(store_->Degraded());
  EXPECT_FALSE(fs::exists(ReservePath())) << "the reserve is released";

  // Normal writes fail at once and change nothing; reads work.
  ExpectCode(store_->Begin(true).status(), err::kDatabaseFull);
  ExpectCode(store_->BeginUnsynced().status(), err::kDatabaseFull);
  EXPECT_EQ(CountMedia(*store_), after_fill);

  // A recovery record: written into the reserve's pages.
  auto r = store_->BeginRecovery();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Library lost = lib_;
  lost.needs_inventory = true;
  lost.h.description = std::string(3000, 'r');  // more than the pages left under the cap
  ASSERT_TRUE((*r)->PutLibrary(lost).ok());
  for (int i = 0; i < 20; ++i) {
    PhysicalMedia m = Named<PhysicalMedia>(fmt::format("unknown-{}-{}", i, std::string(200, 'u')));
    m.needs_inventory = true;
    ASSERT_TRUE((*r)->PutPhysicalMedia(m).ok());
  }
  ASSERT_TRUE((*r)->Commit().ok());
  EXPECT_TRUE(NeedsInventory(*store_));
  EXPECT_EQ(CountMedia(*store_), after_fill + 20);
}

TEST_F(DegradedTest, TryRestoreReserveOnceTheCapHasRoomAgain) {
  ExpectCode(Fill(), err::kDatabaseFull);
  ASSERT_TRUE(store_->Degraded());
  ExpectCode(store_->TryRestoreReserve(), err::kDatabaseFull);  // still at the cap
  EXPECT_TRUE(store_->Degraded());
  EXPECT_FALSE(fs::exists(ReservePath()));

  // Space comes back: most media are deleted (their pages go to the freelist).
  {
    auto r = store_->BeginRecovery();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    auto ids = (*r)->ListPhysicalMediaIds(Guid{}, Guid{});
    ASSERT_TRUE(ids.ok());
    for (const Guid& id : *ids) ASSERT_TRUE((*r)->DeletePhysicalMedia(id).ok());
    ASSERT_TRUE((*r)->Commit().ok());
  }
  ASSERT_TRUE(store_->TryRestoreReserve().ok());
  EXPECT_FALSE(store_->Degraded());
  EXPECT_TRUE(ReserveAllocated());
  EXPECT_TRUE(PutMedia(*store_, 10, "again").ok()) << "writes resume";
  // The cap is back in force: filling up again degrades again.
  ExpectCode(Fill(), err::kDatabaseFull);
  EXPECT_TRUE(store_->Degraded());
  ExpectCode(store_->TryRestoreReserve(), err::kDatabaseFull);
}

TEST_F(DegradedTest, LiftingTheCapThenRestoreResumesWrites) {
  ExpectCode(Fill(), err::kDatabaseFull);
  ASSERT_TRUE(store_->SetMaxPages(0).ok());
  ExpectCode(store_->Begin(true).status(), err::kDatabaseFull);  // still degraded until restored
  ASSERT_TRUE(store_->TryRestoreReserve().ok());
  EXPECT_TRUE(PutMedia(*store_, 500, "more", 200).ok());
}

// ---- reserve and degraded mode: a real full file system ------------------------------------

class TmpfsTest : public SafetyTest {
 protected:
  void SetUp() override {
    SafetyTest::SetUp();
    if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
    mnt_ = dir_ + "/mnt";
    ASSERT_EQ(::mkdir(mnt_.c_str(), 0700), 0);
    if (::mount("tmpfs", mnt_.c_str(), "tmpfs", 0, "size=2m") != 0) {
      // Root without CAP_SYS_ADMIN (some containers) cannot mount either.
      if (errno == EPERM || errno == EACCES) GTEST_SKIP() << "cannot mount a tmpfs: " << std::strerror(errno);
      FAIL() << "mount tmpfs: " << std::strerror(errno);
    }
    mounted_ = true;
    Use(mnt_);
  }
  void TearDown() override {
    store_.reset();
    if (mounted_) {
      EXPECT_EQ(::umount2(mnt_.c_str(), MNT_DETACH), 0) << std::strerror(errno);
    }
    SafetyTest::TearDown();
  }
  // Fills the file system with `filler` until ENOSPC.
  void FillDisk() {
    int fd = ::open((mnt_ + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    std::string block(4096, 'f');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    std::string byte(1, 'f');
    while (::write(fd, byte.data(), 1) > 0) {
    }
    ::close(fd);
  }
  std::string mnt_;
  bool mounted_ = false;
};

TEST_F(TmpfsTest, NoRoomForTheReserveRefusesToOpen) {
  options_.reserve_bytes = 4 << 20;  // the default, on a 2 MB file system
  auto s = OpenSqliteStore(options_);
  ExpectCode(s.status(), err::kDatabaseFull);
  EXPECT_NE(s.status().message().find("reserve_bytes"), std::string::npos) << s.status().message();
  EXPECT_FALSE(fs::exists(ReservePath())) << "no partial reserve is left";
}

TEST_F(TmpfsTest, DiskFullDegradesRecoveryWritesAndRestoreAfterSpaceIsFreed) {
  options_.reserve_bytes = 256 * 1024;
  store_ = Open();
  ASSERT_TRUE(store_);
  PutLibrary(*store_);
  ASSERT_TRUE(PutMedia(*store_, 20, "base").ok());
  ASSERT_TRUE(ReserveAllocated());
  FillDisk();

  Status full;
  for (int i = 0; i < 100 && full.ok(); ++i) full = PutMedia(*store_, 200, fmt::format("big{}", i), 200);
  ExpectCode(full, err::kDatabaseFull);
  EXPECT_TRUE(store_->Degraded());
  EXPECT_FALSE(fs::exists(ReservePath()));
  uint64_t count = CountMedia(*store_);
  ExpectCode(store_->Begin(true).status(), err::kDatabaseFull);

  // rsmd records what it cannot know, in the released space.
  {
    auto r = store_->BeginRecovery();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    Library lost = lib_;
    lost.needs_inventory = true;
    ASSERT_TRUE((*r)->PutLibrary(lost).ok());
    ASSERT_TRUE((*r)->Commit().ok());
  }
  EXPECT_TRUE(NeedsInventory(*store_));

  ExpectCode(store_->TryRestoreReserve(), err::kDatabaseFull);  // the disk is still full
  EXPECT_TRUE(store_->Degraded());
  EXPECT_FALSE(fs::exists(ReservePath())) << "degraded mode keeps the reserve's space free";

  ASSERT_EQ(::unlink((mnt_ + "/filler").c_str()), 0);
  ASSERT_TRUE(store_->TryRestoreReserve().ok());
  EXPECT_FALSE(store_->Degraded());
  EXPECT_TRUE(ReserveAllocated());
  EXPECT_TRUE(PutMedia(*store_, 5, "after").ok());
  EXPECT_EQ(CountMedia(*store_), count + 5);
}

TEST_F(TmpfsTest, BackupThatWouldFillTheDiskIsRefused) {
  store_ = Open();
  ASSERT_TRUE(store_);
  PutLibrary(*store_);
  ASSERT_TRUE(PutMedia(*store_, 500, "m", 200).ok());
  // Room for the copy itself, but not for the copy and the headroom: the
  // copy would leave the catalogue 16 KiB.
  const uint64_t db_size = uint64_t(RawInt(path(), "PRAGMA page_count") * RawInt(path(), "PRAGMA page_size"));
  FillDisk();
  ASSERT_EQ(::truncate((mnt_ + "/filler").c_str(), off_t(fs::file_size(mnt_ + "/filler") - db_size - 16 * 1024)), 0);
  const std::string dest = mnt_ + "/backup/b.db";
  ExpectCode(store_->Backup(dest), err::kDatabaseFull);
  EXPECT_FALSE(fs::exists(dest));
  EXPECT_FALSE(fs::exists(dest + ".tmp"));
  ASSERT_EQ(::unlink((mnt_ + "/filler").c_str()), 0);
  EXPECT_TRUE(store_->Backup(dest).ok());
}

// ---- lost or replaced files ------------------------------------------------------------------

enum class Loss { kDelete, kReplace };
struct LostFileCase {
  const char* suffix;  // "", "-wal", "-shm"
  Loss loss;
};

class LostFiles : public SafetyTest {
 protected:
  void SetUp() override {
    SafetyTest::SetUp();
    store_ = Open();
    ASSERT_TRUE(store_);
    PutLibrary(*store_);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(PutMedia(*store_, 10, fmt::format("batch{}", i)).ok());
  }
  void Lose(const std::string& file, Loss loss) {
    if (loss == Loss::kDelete) {
      ASSERT_EQ(::unlink(file.c_str()), 0);
    } else {
      fs::copy_file(file, file + ".copy");
      fs::rename(file + ".copy", file);
    }
  }
  std::string OnlyRescue() {
    auto rescued = FilesStartingWith(backup_dir_, "catalog-rescued-");
    EXPECT_EQ(rescued.size(), 1u);
    return rescued.empty() ? "" : rescued[0];
  }
};

class LostFileTest : public LostFiles, public ::testing::WithParamInterface<LostFileCase> {};

TEST_P(LostFileTest, WritesStopReadsWorkRescueHoldsEveryCommit) {
  const std::string file = path() + GetParam().suffix;
  Lose(file, GetParam().loss);

  auto w = store_->Begin(true);
  ExpectCode(w.status(), err::kDatabaseFailure);
  EXPECT_NE(w.status().message().find(file), std::string::npos) << w.status().message();
  EXPECT_NE(w.status().message().find(GetParam().loss == Loss::kDelete ? "deleted" : "replaced"), std::string::npos)
      << w.status().message();
  ExpectCode(store_->BeginUnsynced().status(), err::kDatabaseFailure);
  ExpectCode(store_->BeginRecovery().status(), err::kDatabaseFailure);
  ExpectCode(store_->CheckFiles(), err::kDatabaseFailure);
  ExpectCode(store_->Backup(dir_ + "/x.db"), err::kDatabaseFailure);
  EXPECT_EQ(CountMedia(*store_), 50u) << "reads keep working";

  std::string marker = ReadFile(MarkerPath());
  EXPECT_NE(marker.find(file), std::string::npos) << marker;
  std::string rescued = OnlyRescue();
  ASSERT_FALSE(rescued.empty());
  EXPECT_NE(marker.find(rescued), std::string::npos) << marker;
  EXPECT_EQ(RawText(rescued, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(RawInt(rescued, "SELECT count(*) FROM physical_media"), 50);
  EXPECT_EQ(RawInt(rescued, "SELECT count(*) FROM library"), 1);

  // A later check or write attempt takes no second copy.
  ExpectCode(store_->Begin(true).status(), err::kDatabaseFailure);
  EXPECT_EQ(FilesStartingWith(backup_dir_, "catalog-rescued-").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Files, LostFileTest,
                         ::testing::Values(LostFileCase{"-wal", Loss::kDelete}, LostFileCase{"-wal", Loss::kReplace},
                                           LostFileCase{"", Loss::kDelete}, LostFileCase{"", Loss::kReplace},
                                           LostFileCase{"-shm", Loss::kDelete}),
                         [](const auto& info) {
                           std::string f = info.param.suffix[0] ? info.param.suffix + 1 : "db";
                           return f + (info.param.loss == Loss::kDelete ? "Deleted" : "Replaced");
                         });

TEST_F(LostFiles, DeletedWalRowsOnlyInTheWalAreRescuedAndRestored) {
  // The media live only in the WAL: the main file alone does not have them.
  fs::copy_file(path(), dir_ + "/main-only.db");
  EXPECT_EQ(RawInt("file:" + dir_ + "/main-only.db?immutable=1", "SELECT count(*) FROM physical_media",
                   SQLITE_OPEN_READONLY | SQLITE_OPEN_URI),
            0);
  ASSERT_EQ(::unlink((path() + "-wal").c_str()), 0);
  ExpectCode(store_->CheckFiles(), err::kDatabaseFailure);  // found without any write
  std::string rescued = OnlyRescue();
  EXPECT_EQ(RawInt(rescued, "SELECT count(*) FROM physical_media"), 50);
  store_.reset();

  // The next open refuses, naming the marker and the restore command.
  auto refused = OpenSqliteStore(options_);
  ExpectCode(refused.status(), err::kDatabaseFailure);
  EXPECT_NE(refused.status().message().find(MarkerPath()), std::string::npos) << refused.status().message();
  EXPECT_NE(refused.status().message().find("--restore-catalog"), std::string::npos) << refused.status().message();

  auto restored = RestoreSqliteCatalog(dir_, rescued, RealClock());
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_NE(restored->find("50 cartridges"), std::string::npos) << *restored;
  EXPECT_FALSE(fs::exists(MarkerPath()));
  EXPECT_EQ(FilesStartingWith(dir_, "catalog.db.before-restore-").size(), 1u) << "the old file is kept aside";
  store_ = Open();
  ASSERT_TRUE(store_);
  EXPECT_EQ(CountMedia(*store_), 50u);
  EXPECT_TRUE(HasLibrary(*store_)) << "same GUID";
  EXPECT_TRUE(PutMedia(*store_, 1, "writable").ok());
}

TEST_F(SafetyTest, OpenRefusesWhileTheMarkerExists) {
  { store_ = Open(); }
  store_.reset();
  std::ofstream(MarkerPath()) << "time: then\nwhat: a test\n";
  auto s = OpenSqliteStore(options_);
  ExpectCode(s.status(), err::kDatabaseFailure);
  EXPECT_NE(s.status().message().find(MarkerPath()), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("--restore-catalog"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("a test"), std::string::npos) << "the marker's content is shown";
}

TEST_F(SafetyTest, MissingCatalogueNextToBackupsIsNotRecreated) {
  store_ = Open();
  PutLibrary(*store_);
  ASSERT_TRUE(store_->Backup(backup_dir_ + "/" + sqlite::ScheduledBackupName(RealClock()->NowMillis())).ok());
  store_.reset();
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(path() + ext);

  auto s = OpenSqliteStore(options_);
  ExpectCode(s.status(), err::kDatabaseFailure);
  EXPECT_NE(s.status().message().find("new GUIDs"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("--restore-catalog"), std::string::npos) << s.status().message();
  EXPECT_FALSE(fs::exists(path())) << "nothing was created";

  std::ofstream(path()).close();  // an empty file is no better
  ExpectCode(OpenSqliteStore(options_).status(), err::kDatabaseFailure);

  fs::rename(backup_dir_, dir_ + "/old-backups");  // starting fresh on purpose
  store_ = Open();
  ASSERT_TRUE(store_);
  EXPECT_EQ(CountMedia(*store_), 0u);
}

// ---- online backups ---------------------------------------------------------------------------

TEST_F(SafetyTest, BackupWhileWritersRunIsConsistent) {
  store_ = Open();
  PutLibrary(*store_);
  // Each writer transaction adds 10 media and sets the library's
  // description to the new total: a consistent copy agrees with itself.
  std::atomic<bool> stop{false};
  std::atomic<int> commits{0};
  auto writer = [&](int w) {
    for (int i = 0; !stop; ++i) {
      auto t = store_->Begin(true);
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      for (int j = 0; j < 10; ++j) {
        PhysicalMedia m = Named<PhysicalMedia>(fmt::format("w{}-{}-{}", w, i, j));
        m.library = lib_.h.id;
        ASSERT_TRUE((*t)->PutPhysicalMedia(m).ok());
      }
      auto n = (*t)->CountPhysicalMedia(Guid{}, Guid{});
      ASSERT_TRUE(n.ok());
      Library l = *(*t)->GetLibrary(lib_.h.id);
      l.h.description = std::to_string(*n);
      ASSERT_TRUE((*t)->PutLibrary(l).ok());
      ASSERT_TRUE((*t)->Commit().ok());
      ++commits;
    }
  };
  std::thread w1(writer, 1), w2(writer, 2);
  std::vector<std::string> copies;
  for (int i = 0; i < 8; ++i) {
    while (commits < (i + 1) * 5) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::string copy = fmt::format("{}/copy{}.db", dir_, i);
    Status st = store_->Backup(copy);
    EXPECT_TRUE(st.ok()) << st.ToString();
    copies.push_back(copy);
  }
  stop = true;
  w1.join();
  w2.join();
  int64_t last = -1;
  for (const std::string& copy : copies) {
    EXPECT_EQ(RawText(copy, "PRAGMA integrity_check"), "ok") << copy;
    int64_t media = RawInt(copy, "SELECT count(*) FROM physical_media");
    EXPECT_EQ(media % 10, 0) << copy;
    EXPECT_EQ(RawText(copy, "SELECT description FROM library"), media ? std::to_string(media) : "") << copy;
    EXPECT_GE(media, last) << "copies are taken in order";
    last = media;
    EXPECT_FALSE(fs::exists(copy + ".tmp"));
  }
  EXPECT_GT(last, 0);
}

TEST_F(SafetyTest, MigrationIsPrecededByABackup) {
  store_ = Open();
  PutLibrary(*store_);
  store_.reset();
  // Back to a version-1 catalogue (version 2 only added two indexes,
  // versions 3 and 4 only columns, version 5 two tables and columns).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "ALTER TABLE drive DROP COLUMN revision; ALTER TABLE drive DROP COLUMN scsi_port;"
                         "ALTER TABLE drive DROP COLUMN scsi_bus; ALTER TABLE drive DROP COLUMN scsi_target;"
                         "ALTER TABLE drive DROP COLUMN scsi_lun; ALTER TABLE partition DROP COLUMN mount_count;"
                         "ALTER TABLE ieport DROP COLUMN position;"
                         "ALTER TABLE computer DROP COLUMN offline_library; ALTER TABLE computer DROP COLUMN root_pool;"
                         "ALTER TABLE changer DROP COLUMN changer_type; ALTER TABLE drive DROP COLUMN drive_type;"
                         "DROP TABLE changer_type; DROP TABLE drive_type;"
                         "DROP INDEX partition_by_in_use; DROP INDEX lib_request_by_state; PRAGMA user_version = 1;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  store_ = Open();
  ASSERT_TRUE(store_);
  auto pre = FilesStartingWith(backup_dir_, fmt::format("catalog-pre-v{}-", sqlite::LatestSchemaVersion()));
  ASSERT_EQ(pre.size(), 1u);
  EXPECT_EQ(RawInt(pre[0], "PRAGMA user_version"), 1);
  EXPECT_EQ(RawInt(pre[0], "SELECT count(*) FROM library"), 1);
  EXPECT_EQ(RawInt(path(), "PRAGMA user_version"), sqlite::LatestSchemaVersion());
  store_.reset();
  store_ = Open();  // already migrated: no second backup
  EXPECT_EQ(FilesStartingWith(backup_dir_, "catalog-pre-").size(), 1u);
}

// ---- restore ----------------------------------------------------------------------------------

TEST_F(SafetyTest, RestoreRoundTripKeepsGuids) {
  store_ = Open();
  PutLibrary(*store_);
  ASSERT_TRUE(PutMedia(*store_, 30, "kept").ok());
  std::vector<Guid> ids = MediaIds(*store_);
  const std::string backup = dir_ + "/keep.db";
  ASSERT_TRUE(store_->Backup(backup).ok());
  ASSERT_TRUE(PutMedia(*store_, 7, "later").ok());  // not in the backup
  store_.reset();

  auto done = RestoreSqliteCatalog(dir_, backup, RealClock());
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_NE(done->find("integrity ok"), std::string::npos) << *done;
  store_ = Open();
  ASSERT_TRUE(store_);
  EXPECT_EQ(MediaIds(*store_), ids);
  EXPECT_TRUE(HasLibrary(*store_));
  EXPECT_TRUE(fs::exists(backup)) << "the source is not consumed";
  // The catalogue restored over is kept aside with its 37 media.
  auto aside = FilesStartingWith(dir_, "catalog.db.before-restore-");
  ASSERT_FALSE(aside.empty());
  EXPECT_EQ(RawInt(aside[0], "SELECT count(*) FROM physical_media"), 37);
}

TEST_F(SafetyTest, RestoreRefusesWhileRsmdHoldsTheLock) {
  store_ = Open();
  PutLibrary(*store_);
  ASSERT_TRUE(store_->Backup(dir_ + "/b.db").ok());
  auto lock = sqlite::FileLock::Take(dir_ + "/rsmd.lock");  // what a running rsmd holds
  ASSERT_TRUE(lock.ok());
  auto done = RestoreSqliteCatalog(dir_, dir_ + "/b.db", RealClock());
  ExpectCode(done.status(), err::kBusy);
  EXPECT_NE(done.status().message().find("running"), std::string::npos);
  EXPECT_TRUE(FilesStartingWith(dir_, "catalog.db.").empty()) << "nothing was touched";
}

TEST_F(SafetyTest, RestoreRefusesFilesThatAreNotGoodCatalogues) {
  store_ = Open();
  PutLibrary(*store_);
  store_.reset();
  std::ofstream(dir_ + "/garbage.db") << std::string(8192, 'g');
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/foreign.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  fs::copy_file(path(), dir_ + "/newer.db");
  ASSERT_EQ(sqlite3_open((dir_ + "/newer.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, fmt::format("PRAGMA user_version = {}", sqlite::LatestSchemaVersion() + 1).c_str(), nullptr, nullptr,
               nullptr);
  sqlite3_close(db);

  for (const char* name : {"garbage.db", "foreign.db", "newer.db", "missing.db"}) {
    auto done = RestoreSqliteCatalog(dir_, dir_ + "/" + name, RealClock());
    ExpectCode(done.status(), err::kDatabaseFailure);
  }
  EXPECT_TRUE(FilesStartingWith(dir_, "catalog.db.").empty()) << "nothing was touched";
  store_ = Open();
  ASSERT_TRUE(store_);
  EXPECT_TRUE(HasLibrary(*store_));
}

TEST_F(SafetyTest, CostOfTheChecks) {
  store_ = Open();
  PutLibrary(*store_);
  ASSERT_TRUE(PutMedia(*store_, 1000, "m").ok());
  constexpr int kN = 20000;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kN; ++i) ASSERT_TRUE(store_->CheckFiles().ok());
  double check_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / kN;
  t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(store_->Backup(dir_ + "/b.db").ok());
  double backup_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("[timing] CheckFiles {:.2f} us; Backup of {} KiB {:.1f} ms\n", check_us,
             fs::file_size(dir_ + "/b.db") / 1024, backup_ms);
}

TEST(BackupNames, StampsRoundTripAndSort) {
  int64_t t = 1714564984056;  // 2024-05-01 12:03:04.056 UTC
  EXPECT_EQ(sqlite::ScheduledBackupName(t), "catalog-20240501T120304.056Z.db");
  EXPECT_EQ(sqlite::ScheduledBackupTime("catalog-20240501T120304.056Z.db"), t);
  EXPECT_FALSE(sqlite::ScheduledBackupTime(sqlite::RescueBackupName(t)));
  EXPECT_FALSE(sqlite::ScheduledBackupTime(sqlite::PreMigrationBackupName(3, t)));
  EXPECT_LT(sqlite::ScheduledBackupName(t), sqlite::ScheduledBackupName(t + 1));
}

}  // namespace
}  // namespace openrsm::catalog
