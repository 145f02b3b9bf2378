// Connections of one SQLite catalogue, shared by a Store and its Txns.
//
// Each Txn leases one connection for its lifetime; idle connections are kept
// (up to kMaxIdle) with their prepared statements and reused, so readers on
// other threads never wait for a writer (WAL). Write Txns are serialized
// in-process by a gate taken before BEGIN IMMEDIATE; SQLite's own lock (with
// the busy timeout) serializes them against other processes.
//
// The pool also latches damage: once the file's content is found damaged,
// every later Begin fails with the same ERROR_DATABASE_FAILURE, idle
// connections are closed, and nothing is written again until the daemon
// reopens the catalogue.
//
// And it keeps the store's safety modes (store.h, docs/catalog.md "Safety";
// pool_safety.cc):
//  - failed: a file was deleted or replaced (identity check before every
//    write and before opening a connection). Writes are refused; reads use
//    the connections already open (a new one would open a new -wal/-shm and
//    see a different database); a rescue copy is taken from the anchor;
//    connections close without checkpointing.
//  - degraded: a write hit SQLITE_FULL. The reserve file is released and the
//    page cap raised by the reserve's pages; kWrite is refused, kRecovery
//    writes.
//  - sync failed: an fdatasync of the WAL (SyncCommitted) failed. The store
//    enters failed mode with that error (no marker and no rescue copy: the
//    files are the right ones, and what reached the disk is what a power
//    loss would leave), so that no later commit or sync claims durability.
// Group commit (SyncCommitted, pool_sync.cc): write commits are counted in
// commit order (they hold the write gate); a sync of the WAL records how many
// commits it covers, taken before it starts. See Store::SyncCommitted.
// The anchor is a connection that is never leased: it holds the -wal and
// -shm open for the pool's lifetime (SQLite deletes the WAL when the last
// connection closes, which would change its identity), it has read the WAL
// since the open (so after a -wal is unlinked it still reads every committed
// frame), and backups copy from it.
//
// Thread safety: all methods are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <vector>

#include "catalog/sqlite/file_check.h"
#include "catalog/sqlite/files.h"
#include "catalog/sqlite/sqlite_db.h"
#include "catalog/store.h"
#include "common/clock.h"
#include "common/thread_annotations.h"

namespace openrsm::catalog::sqlite {

inline constexpr std::chrono::milliseconds kBusyTimeout{5000};

// Opens and configures one connection: busy timeout, WAL, foreign keys,
// synchronous=FULL, max_page_count = options.max_pages. Used for every pooled
// connection. On failure, sets *damaged (if given) when SQLite found the file
// damaged.
Result<std::unique_ptr<Db>> OpenConnection(const SqliteOptions& options, bool* damaged = nullptr);

// Sets PRAGMA max_page_count on `db`; 0 restores SQLite's default (no cap
// beyond SQLITE_MAX_PAGE_COUNT). SQLite never sets it below the current size.
Status ApplyPageCap(Db& db, uint32_t pages);

class Pool;

// One leased connection (and, for a write Txn, the write gate). Returns both
// on destruction; a connection still inside a transaction or after damage is
// closed rather than reused.
class Lease {
 public:
  Lease(std::shared_ptr<Pool> pool, std::unique_ptr<Db> db, bool holds_gate)
      : pool_(std::move(pool)), db_(std::move(db)), holds_gate_(holds_gate) {}
  Lease(Lease&&) = default;
  ~Lease();
  Db& db() { return *db_; }
  Pool& pool() { return *pool_; }

 private:
  std::shared_ptr<Pool> pool_;
  std::unique_ptr<Db> db_;
  bool holds_gate_;
};

// What a transaction may do: read; write (refused in degraded mode);
// recovery (a write that degraded mode still allows).
enum class Access { kRead, kWrite, kRecovery };

// The identities of the catalogue's files when the store opened.
struct FileIds {
  FileId db, wal, shm;
};

class Pool : public std::enable_shared_from_this<Pool> {
 public:
  static constexpr size_t kMaxIdle = 8;

  // `first` is the connection that opened and migrated the catalogue;
  // `anchor` another connection that has read the database (see above);
  // `ids` the files' identities taken while both were open; `wal_fd` a
  // descriptor of the -wal file (identity ids.wal) that the pool owns.
  Pool(SqliteOptions options, CatalogFiles files, FileExpectation expect, FileIds ids, std::unique_ptr<Db> first,
       std::unique_ptr<Db> anchor, int wal_fd);
  // Closes the anchor and idle connections; after damage or failure without
  // the checkpoint that closing the last connection normally does (nothing
  // is written to files that are no longer trusted).
  ~Pool();

  // A connection whose file passed CheckDatabaseFile, with no transaction
  // open; for a write or recovery lease also the write gate (waits up to
  // kBusyTimeout), after CheckFiles(). Fails with the latched damage, the
  // failed mode's status, ERROR_DATABASE_FULL for kWrite in degraded mode,
  // ERROR_DATABASE_FAILURE on a gate timeout, or the error of opening a new
  // connection.
  Result<Lease> Acquire(Access access);

  // The page cap for transactions begun from now on (Store::SetMaxPages).
  void set_max_pages(uint32_t pages) { max_pages_ = pages; }

  // Remembers `why` as the catalogue's damage (first one wins).
  void LatchDamage(const Status& why);
  std::optional<Status> damage();

  // ---- safety modes (pool_safety.cc) ----
  // Store::CheckFiles.
  Status CheckFiles();
  // Enters degraded mode (once; later calls do nothing): `why` is the
  // SQLITE_FULL failure, `db` the connection that hit it (its page count is
  // the base the raised cap adds to). Called by a write Txn.
  void EnterDegraded(const Status& why, Db& db);
  bool degraded() const { return degraded_; }
  // Store::TryRestoreReserve.
  Status TryRestoreReserve();
  // Store::Backup.
  Status Backup(const std::string& dest);

  // ---- group commit (pool_sync.cc) ----
  // Counts a write transaction's successful COMMIT; `synced`: it ran at
  // synchronous=FULL (its commit synced the WAL, so every commit up to it
  // is durable). Called by the Txn while it still holds the write gate.
  void NoteCommitted(bool synced);
  // Store::SyncCommitted.
  Status SyncCommitted();

 private:
  friend class Lease;
  void Release(std::unique_ptr<Db> db, bool holds_gate);
  Result<std::unique_ptr<Db>> TakeConnection(bool* damaged);
  std::optional<Status> failure();
  // The max_page_count connections get: the configured cap, raised by the
  // reserve's pages in degraded mode.
  uint32_t EffectiveCap() const;
  Status DegradedStatus() const;
  // Enters failed mode for `file` (`found` instead of `expected`): rescue
  // copy, marker, one critical log line. Returns the failed mode's status.
  Status EnterFailed(const std::string& file, const FileId& expected, const FileId& found);
  // Copies what the anchor sees into backup_dir; returns the copy's path.
  Result<std::string> Rescue(int64_t now_ms);
  // Free pages under the cap needed to leave degraded mode.
  uint64_t HeadroomBytes() const;
  Status CheckPagesUnderCap();
  // Enters failed mode because syncing the WAL failed with `why`.
  Status EnterSyncFailed(const Status& why);

  const SqliteOptions options_;
  const CatalogFiles files_;
  Clock* const clock_;
  std::atomic<uint32_t> max_pages_;
  const FileExpectation expect_;
  const FileIds ids_;
  std::binary_semaphore write_gate_{1};
  Mutex mu_;
  std::vector<std::unique_ptr<Db>> idle_ RSM_GUARDED_BY(mu_);
  std::optional<Status> damage_ RSM_GUARDED_BY(mu_);
  std::optional<Status> failed_ RSM_GUARDED_BY(mu_);
  Mutex anchor_mu_;  // held while the anchor is used
  std::unique_ptr<Db> anchor_ RSM_GUARDED_BY(anchor_mu_);
  Mutex mode_mu_;  // serializes entering/leaving degraded mode
  std::atomic<bool> degraded_{false};
  std::atomic<int64_t> degraded_since_ms_{0};
  std::atomic<uint32_t> degraded_base_pages_{0};  // the database's size when it filled up
  // Group commit. `commits_`: write commits so far (changed under the write
  // gate). `durable_`: the first `durable_` commits are known durable.
  const int wal_fd_;
  std::atomic<uint64_t> commits_{0};
  Mutex sync_mu_;
  std::condition_variable sync_cv_;
  bool syncing_ RSM_GUARDED_BY(sync_mu_) = false;
  uint64_t durable_ RSM_GUARDED_BY(sync_mu_) = 0;
};

}  // namespace openrsm::catalog::sqlite
