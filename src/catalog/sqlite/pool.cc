#include "catalog/sqlite/pool.h"

#include <fmt/format.h>
#include <unistd.h>

namespace openrsm::catalog::sqlite {
namespace {

Status Configure(Db& db, const SqliteOptions& options) {
  int rc = sqlite3_busy_timeout(db.raw(), int(kBusyTimeout.count()));
  if (rc != SQLITE_OK) return db.Fail(rc, "sqlite3_busy_timeout");
  // WAL is persistent; setting it again is a no-op that also proves the file
  // is a readable database.
  RSM_ASSIGN_OR_RETURN(Stmt wal, db.Prepare("PRAGMA journal_mode = WAL"));
  RSM_ASSIGN_OR_RETURN(bool row, wal.Step());
  std::string mode = row ? wal.ColumnText(0) : "";
  if (mode != "wal")
    return Status(err::kDatabaseFailure, fmt::format("catalog failure: cannot use WAL (journal mode '{}')", mode));
  RSM_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  // Up to 16 MiB of page cache per connection (allocated as used): a large
  // transaction (an import) spills less to the WAL.
  RSM_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size = -16384"));
  // FULL: in WAL mode each COMMIT syncs the WAL, so a committed state change
  // (that the API already reported) survives power loss. Commits are rare
  // next to robot moves; the sync is cheap beside them.
  RSM_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL"));
  return ApplyPageCap(db, options.max_pages);
}

}  // namespace

Status ApplyPageCap(Db& db, uint32_t pages) {
  if (pages == db.page_cap()) return Status::Ok();
  // max_page_count = 0 would leave the cap unchanged; "no cap" is SQLite's
  // compile-time maximum, which is what a fresh connection has.
  constexpr int64_t kNoCap = 0x3fffffff;  // SQLITE_MAX_PAGE_COUNT of 3.40
  int64_t value = pages ? int64_t(pages) : kNoCap;
  RSM_RETURN_IF_ERROR(db.QueryInt(fmt::format("PRAGMA max_page_count = {}", value)).status());
  db.set_page_cap(pages);
  return Status::Ok();
}

Result<std::unique_ptr<Db>> OpenConnection(const SqliteOptions& options, bool* damaged) {
  RSM_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(options.path));
  Status st = Configure(*db, options);
  if (!st.ok()) {
    if (damaged) *damaged = IsDamageCode(db->last_error());
    return st;
  }
  return db;
}

Lease::~Lease() {
  if (pool_) pool_->Release(std::move(db_), holds_gate_);
}

Pool::Pool(SqliteOptions options, CatalogFiles files, FileExpectation expect, FileIds ids, std::unique_ptr<Db> first,
           std::unique_ptr<Db> anchor, int wal_fd)
    : options_(std::move(options)),
      files_(std::move(files)),
      clock_(options_.clock ? options_.clock : RealClock()),
      max_pages_(options_.max_pages),
      expect_(expect),
      ids_(ids),
      anchor_(std::move(anchor)),
      wal_fd_(wal_fd) {
  idle_.push_back(std::move(first));
}

Pool::~Pool() {
  {
    // No lease is alive (each holds a reference): every connection is here.
    MutexLock lock(&mu_);
    if (damage_ || failed_) {
      for (auto& db : idle_) sqlite3_db_config(db->raw(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
      if (anchor_) sqlite3_db_config(anchor_->raw(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    }
  }
  // SQLite takes no locks on the -wal itself (they are on the -shm and the
  // database), so closing this descriptor drops none of its POSIX locks.
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

Result<Lease> Pool::Acquire(Access access) {
  if (auto d = damage()) return *d;
  const bool write = access != Access::kRead;
  if (write) {
    // Files deleted or replaced: nothing may be written (failed mode).
    RSM_RETURN_IF_ERROR(CheckFiles());
    if (access == Access::kWrite && degraded_) return DegradedStatus();
  }
  if (write && !write_gate_.try_acquire_for(kBusyTimeout))
    return Status(err::kDatabaseFailure, "catalog failure: timed out waiting for the write transaction lock");
  bool damaged = false;
  auto db = TakeConnection(&damaged);
  if (!db.ok()) {
    if (damaged) LatchDamage(db.status());
    if (write) write_gate_.release();
    return db.status();
  }
  Lease lease(shared_from_this(), std::move(db).value(), write);  // owns the gate from here
  // Degraded mode may have begun while this waited for the gate.
  if (access == Access::kWrite && degraded_) return DegradedStatus();
  // Writes get the full check (path, size, header) before they can write;
  // reads only the header, which one pread answers.
  Status st = write ? CheckDatabaseFile(lease.db(), expect_) : CheckDatabaseHeader(lease.db(), expect_);
  if (!st.ok()) {
    LatchDamage(st);
    return st;
  }
  RSM_RETURN_IF_ERROR(ApplyPageCap(lease.db(), EffectiveCap()));
  return lease;
}

Result<std::unique_ptr<Db>> Pool::TakeConnection(bool* damaged) {
  {
    MutexLock lock(&mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Db> db = std::move(idle_.back());
      idle_.pop_back();
      return db;
    }
    if (failed_) {
      return Status(err::kDatabaseFailure, failed_->message() + " (no open connection is free for this read)");
    }
  }
  // A new connection opens the -wal and -shm by name: only while they are
  // the files the store opened.
  RSM_RETURN_IF_ERROR(CheckFiles());
  return OpenConnection(options_, damaged);
}

void Pool::Release(std::unique_ptr<Db> db, bool holds_gate) {
  std::unique_ptr<Db> to_close;
  {
    MutexLock lock(&mu_);
    if (db && !db->in_transaction() && !damage_ && idle_.size() < kMaxIdle) {
      idle_.push_back(std::move(db));
    } else {
      to_close = std::move(db);
    }
  }
  to_close.reset();  // closes outside the lock (never the last connection: the anchor stays)
  if (holds_gate) write_gate_.release();
}

void Pool::LatchDamage(const Status& why) {
  std::vector<std::unique_ptr<Db>> closing;
  MutexLock lock(&mu_);
  if (!damage_) damage_ = why;
  closing.swap(idle_);
}

std::optional<Status> Pool::damage() {
  MutexLock lock(&mu_);
  return damage_;
}

std::optional<Status> Pool::failure() {
  MutexLock lock(&mu_);
  return failed_;
}

}  // namespace openrsm::catalog::sqlite
