// Connections of one SQLite catalogue, shared by a Store and its Txns.
//
// Each Txn leases one connection for its lifetime; idle connections are kept
// (up to kMaxIdle) with their prepared statements and reused, so readers on
// other threads never wait for a writer (WAL). Write Txns are serialized
// in-process by a gate taken before BEGIN IMMEDIATE; SQLite's own lock (with
// the busy timeout) serializes them against other processes.
//
// The pool also latches damage: once the file is found damaged or replaced,
// every later Begin fails with the same ERROR_DATABASE_FAILURE, idle
// connections are closed, and nothing is written again until the daemon
// reopens the catalogue.
//
// Thread safety: all methods are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <vector>

#include "catalog/sqlite/file_check.h"
#include "catalog/sqlite/sqlite_db.h"
#include "catalog/store.h"

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

class Pool : public std::enable_shared_from_this<Pool> {
 public:
  static constexpr size_t kMaxIdle = 8;

  // `first` is the connection that opened and migrated the catalogue.
  Pool(SqliteOptions options, FileExpectation expect, std::unique_ptr<Db> first);

  // A connection whose file passed CheckDatabaseFile, with no transaction
  // open; for a write lease also the write gate (waits up to kBusyTimeout).
  // Fails with the latched damage, ERROR_DATABASE_FAILURE on a gate timeout,
  // or the error of opening a new connection.
  Result<Lease> Acquire(bool write);

  // The page cap for transactions begun from now on (Store::SetMaxPages).
  void set_max_pages(uint32_t pages) { max_pages_ = pages; }

  // Remembers `why` as the catalogue's damage (first one wins).
  void LatchDamage(const Status& why);
  std::optional<Status> damage();

 private:
  friend class Lease;
  void Release(std::unique_ptr<Db> db, bool holds_gate);
  Result<std::unique_ptr<Db>> TakeConnection(bool* damaged);

  const SqliteOptions options_;
  std::atomic<uint32_t> max_pages_;
  const FileExpectation expect_;
  std::binary_semaphore write_gate_{1};
  std::mutex mu_;
  std::vector<std::unique_ptr<Db>> idle_;  // guarded by mu_
  std::optional<Status> damage_;           // guarded by mu_
};

}  // namespace openrsm::catalog::sqlite
