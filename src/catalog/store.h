// Store: the catalogue's persistence interface.
//
// All reads and writes happen inside a Txn. A write Txn is one state change:
// it commits atomically or, on any failure or when destroyed uncommitted,
// rolls back and leaves the catalogue as it was. Device I/O never happens
// while a Txn is open (DESIGN.md principle 3).
//
// Errors (Status codes):
//   ERROR_OBJECT_NOT_FOUND  Get* of an id that is not in that table
//   ERROR_DATABASE_FULL     the page cap (catalog.max_pages) or the disk is full
//   ERROR_DATABASE_FAILURE  the database is unreadable, damaged or locked too long
//   ERROR_NOT_ENOUGH_MEMORY the database engine ran out of memory
// Thread safety: a Store may be used from many threads; each Txn belongs to
// the thread that began it. Write transactions are serialized.
//
// The Txn contract (every backend: tests/unit/store_contract_test.cc runs the
// same suite against each; docs/catalog.md "Aggregates and backends"):
//  - A read Txn sees one consistent snapshot of committed data; it never
//    waits for a writer. A write Txn sees its own writes.
//  - Get* of an id that is not in that table (or the null Guid):
//    ERROR_OBJECT_NOT_FOUND. It is an answer, not a failure: the Txn goes on.
//  - Misuse is refused and does not abort the Txn: a write (Put*, Delete*,
//    ReleaseSidesHeldBy, PurgeLibRequests) in a read Txn, or any call after
//    Commit(): ERROR_INVALID_OPERATION; a Put* of an object with a null id
//    (PutAccess: a null object), or an argument a method refuses:
//    ERROR_INVALID_PARAMETER.
//  - Any other failure aborts the Txn: that call and every later one,
//    Commit() included, return it, and nothing of the Txn is ever committed.
//    Object ids are unique across kinds: a Put* of an id that is already an
//    object of another kind fails so (ERROR_DATABASE_FAILURE).
//  - References are checked at Commit(), so a Txn may put objects in any
//    order: a reference left dangling (a drive's library that does not exist;
//    the list is in docs/catalog.md "Schema") makes Commit() fail with
//    ERROR_DATABASE_FAILURE, and nothing is written.
//  - Destroyed without Commit(): rolled back.
//  - A null Guid filter means "any" (or "top level") only where a method says
//    so; elsewhere it matches nothing.
//
// Safety (docs/catalog.md "Safety"): a store refuses to be silently wrong.
//  - Degraded (full) mode. When a write transaction fails because the disk
//    or the page cap is full, the store releases its space reserve and from
//    then on refuses Begin(true) and BeginUnsynced() at once with
//    ERROR_DATABASE_FULL; only BeginRecovery() still writes (into the
//    reserve), so that rsmd can record what it no longer knows. Reads work.
//    TryRestoreReserve() leaves the mode once there is space again.
//  - Failed mode. When a catalogue file (the database, its -wal or -shm) is
//    deleted or replaced under the running store, every write Begin (and
//    BeginRecovery) fails with ERROR_DATABASE_FAILURE for the rest of the
//    process; reads keep working. The store keeps a rescue copy of what it
//    still sees and a marker that stops the next start until an operator
//    restores (rsmd --restore-catalog).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/access_txn.h"
#include "catalog/library_txn.h"
#include "catalog/media_txn.h"
#include "catalog/model.h"
#include "catalog/pool_txn.h"
#include "catalog/request_txn.h"
#include "common/status.h"

namespace openrsm {
class Clock;
}

namespace openrsm::catalog {

// A catalogue transaction: the union of the per-aggregate interfaces
// (library_txn.h, media_txn.h, pool_txn.h, request_txn.h, access_txn.h), the
// object index that spans them (TypeOf) and Commit. Code that needs one
// aggregate only should take that interface (LibraryTxn&, ...).
class Txn : public LibraryTxn, public MediaTxn, public PoolTxn, public RequestTxn, public AccessTxn {
 public:
  virtual ~Txn() = default;  // rolls back if not committed

  // Which table holds `id`: the NTMS object type (NTMS_DRIVE, ...), or
  // ERROR_OBJECT_NOT_FOUND (also for the null Guid). Object ids are unique
  // across all kinds.
  virtual Result<uint32_t> TypeOf(const Guid& id) = 0;

  // Makes every write of this Txn visible to later transactions, atomically
  // (durably unless begun by BeginUnsynced). On failure nothing is written.
  // A read Txn may commit (it just ends). Any call after Commit():
  // ERROR_INVALID_OPERATION.
  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Begins a transaction. Write transactions take the database's write lock
  // at once (SQLite: BEGIN IMMEDIATE) so that conflicts surface here, not at
  // commit: a write Begin waits (up to 5 s, then ERROR_DATABASE_FAILURE) for
  // the write Txn in progress to be destroyed (some backends: committed).
  virtual Result<std::unique_ptr<Txn>> Begin(bool write) = 0;
  // A write transaction whose Commit() is atomic and ordered but not yet
  // durable: a crash or power loss may undo it, and then every transaction
  // committed after it too (never a later one alone). The next durable commit
  // on any connection makes it durable. Only for a change a caller is not
  // told about before a later durable commit (the enqueue of a request the
  // caller waits for).
  virtual Result<std::unique_ptr<Txn>> BeginUnsynced() = 0;
  // Group commit: returns OK once every write transaction whose Commit()
  // returned before this call began is durable (synced or unsynced; a
  // transaction committed while the call runs may or may not be). Callers
  // on many threads share syncs (SQLite: one fdatasync of the WAL): a caller
  // that arrives while a sync runs returns with it if that sync began after
  // the caller's last commit, else waits for the next sync, which covers
  // every caller that arrived before it began; a caller whose commits are
  // already durable (a later synced commit, an earlier sync) returns at once
  // without a sync. It writes nothing and works in degraded mode. An error
  // means durability is not known: ERROR_DATABASE_FAILURE in failed mode or
  // after damage, and when the sync itself fails, which puts the store in
  // failed mode (writes refused for the rest of the process; store.h
  // "Safety"); it never reports durability it does not have.
  virtual Status SyncCommitted() = 0;
  // Caps the database at `pages` pages from now on (SQLite's max_page_count;
  // never below the current size). ERROR_NOT_SUPPORTED where there is no cap.
  // In degraded mode the cap in force is `pages` plus the reserve's pages.
  virtual Status SetMaxPages(uint32_t pages) = 0;

  // ---- safety (see the top of this file) ----

  // A synced write transaction that works in degraded mode too: for the
  // records rsmd must make when a normal write failed for lack of space (a
  // cartridge's location is unknown, a request failed). Keep it small: it
  // writes into the released reserve. Fails like Begin(true) otherwise
  // (ERROR_DATABASE_FAILURE in failed mode; ERROR_DATABASE_FULL when even the
  // reserve is used up).
  virtual Result<std::unique_ptr<Txn>> BeginRecovery() { return Begin(true); }
  // Whether the store is in degraded (full) mode.
  virtual bool Degraded() { return false; }
  // In degraded mode: re-creates the space reserve (fully allocated) and
  // re-applies the page cap; OK when that worked and some room is left
  // beyond it (the store then leaves degraded mode), else ERROR_DATABASE_FULL
  // saying what is short (the store stays degraded). OK at once when not
  // degraded. ERROR_DATABASE_FAILURE in failed mode or after damage.
  virtual Status TryRestoreReserve() { return Status::Ok(); }
  // Checks that the catalogue's files are still the ones opened (a few
  // stat calls). On a mismatch enters failed mode (once: logs, rescue copy,
  // marker) and returns its ERROR_DATABASE_FAILURE; so do later calls.
  virtual Status CheckFiles() { return Status::Ok(); }
  // Writes a consistent copy of the whole catalogue to `path` (replaced
  // atomically if it exists) while other transactions go on.
  // ERROR_DATABASE_FAILURE in failed mode or after damage; ERROR_DATABASE_FULL
  // when the destination's file system has no room for the copy and some
  // headroom (a backup never fills the disk under the catalogue); nothing is
  // left at `path` then. ERROR_NOT_SUPPORTED where the backend has no such copy.
  virtual Status Backup(const std::string& path) {
    (void)path;
    return Status(err::kNotSupported, "catalog: this backend has no online backup");
  }
};

struct SqliteOptions {
  std::string path;        // database file, e.g. STATE_DIR/catalog.db
  uint32_t max_pages = 0;  // PRAGMA max_page_count; 0 = no cap
  // The space reserve (really allocated, released in degraded mode); 0 = none
  // (a leftover reserve file is then removed). Default file: `path` without
  // ".db" plus ".reserve" (STATE_DIR/catalog.reserve).
  uint64_t reserve_bytes = 0;
  std::string reserve_path = {};
  // Where rescue copies and pre-migration backups go (and where the open
  // looks for backups); empty = the directory of `path` + "/backup".
  std::string backup_dir = {};
  Clock* clock = nullptr;  // time of markers and backup names; null = RealClock()
};

// Opens (creating and migrating as needed) the SQLite catalogue. Refuses
// with ERROR_DATABASE_FAILURE, naming the way out, when
//   - the marker STATE_DIR/catalog.damaged exists (files were lost while an
//     rsmd ran: restore first), or
//   - `path` does not exist (or is empty) while backup_dir holds backups: a
//     fresh catalogue would give every library and cartridge new GUIDs.
// Before migrating an existing catalogue to a newer schema it writes
// backup_dir/catalog-pre-v<N>-<UTC>.db (no migration without it). Creates
// the reserve; ERROR_DATABASE_FULL when there is no room for it.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

// `rsmd --restore-catalog FILE`: checks FILE (integrity, an OpenRSM catalogue
// not newer than this build) and installs it as STATE_DIR/catalog.db, keeping
// the previous one aside and removing the marker. ERROR_BUSY while an rsmd
// holds STATE_DIR/rsmd.lock. Returns what it did, for the operator.
Result<std::string> RestoreSqliteCatalog(const std::string& state_dir, const std::string& file, Clock* clock);

}  // namespace openrsm::catalog
