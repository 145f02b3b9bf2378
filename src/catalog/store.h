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

#include "catalog/model.h"
#include "common/status.h"

namespace openrsm {
class Clock;
}

namespace openrsm::catalog {

class Txn {
 public:
  virtual ~Txn() = default;  // rolls back if not committed

  // Which table holds `id`: the NTMS object type (NTMS_DRIVE, ...), or
  // ERROR_OBJECT_NOT_FOUND.
  virtual Result<uint32_t> TypeOf(const Guid& id) = 0;

  virtual Result<Computer> GetComputer() = 0;
  virtual Status PutComputer(const Computer& c) = 0;

  virtual Result<Library> GetLibrary(const Guid& id) = 0;
  virtual Result<std::optional<Library>> FindLibraryByName(const std::string& name) = 0;
  virtual Result<std::vector<Library>> ListLibraries() = 0;
  virtual Status PutLibrary(const Library& v) = 0;  // insert or replace

  virtual Result<Changer> GetChanger(const Guid& id) = 0;
  virtual Result<std::vector<Changer>> ListChangers(const Guid& library) = 0;  // null = all
  virtual Status PutChanger(const Changer& v) = 0;

  virtual Result<Drive> GetDrive(const Guid& id) = 0;
  virtual Result<std::vector<Drive>> ListDrives(const Guid& library) = 0;  // null = all; by number
  virtual Status PutDrive(const Drive& v) = 0;
  // The enabled, empty drive of `library` with the lowest number (std::nullopt: none).
  virtual Result<std::optional<Drive>> FirstFreeDrive(const Guid& library) = 0;
  // How many drives of `library` are enabled and empty.
  virtual Result<uint64_t> CountFreeDrives(const Guid& library) = 0;

  virtual Result<Slot> GetSlot(const Guid& id) = 0;
  virtual Result<std::vector<Slot>> ListSlots(const Guid& library) = 0;  // null = all; by number
  virtual Status PutSlot(const Slot& v) = 0;
  // The enabled, empty storage slot of `library` with the lowest number (std::nullopt: none).
  // A slot in NTMS_SLOTSTATE_NEEDSINVENTORY is not empty as far as anyone knows: skipped.
  virtual Result<std::optional<Slot>> FirstEmptySlot(const Guid& library) = 0;

  virtual Result<IePort> GetIePort(const Guid& id) = 0;
  virtual Result<std::vector<IePort>> ListIePorts(const Guid& library) = 0;
  virtual Status PutIePort(const IePort& v) = 0;

  virtual Result<MediaType> GetMediaType(const Guid& id) = 0;
  virtual Result<std::vector<MediaType>> ListMediaTypes() = 0;
  virtual Status PutMediaType(const MediaType& v) = 0;

  virtual Result<MediaPool> GetMediaPool(const Guid& id) = 0;
  virtual Result<std::vector<MediaPool>> ListMediaPools(const Guid& parent) = 0;  // null = top level
  virtual Result<std::vector<MediaPool>> ListAllMediaPools() = 0;
  virtual Status PutMediaPool(const MediaPool& v) = 0;

  virtual Result<PhysicalMedia> GetPhysicalMedia(const Guid& id) = 0;
  // Bar codes are not unique. Of several media with `barcode`, the one whose
  // op_state is not NTMS_NEEDS_SERVICE (a quarantined duplicate) comes
  // first, then the oldest (created_ms, then id): the catalogued cartridge.
  virtual Result<std::optional<PhysicalMedia>> FindPhysicalMediaByBarcode(const std::string& barcode) = 0;
  // Filters are ANDed; a null Guid means "any".
  virtual Result<std::vector<PhysicalMedia>> ListPhysicalMedia(const Guid& library, const Guid& pool) = 0;
  // Ids only, ordered by id, with the filters of ListPhysicalMedia: no row is decoded.
  virtual Result<std::vector<Guid>> ListPhysicalMediaIds(const Guid& library, const Guid& pool) = 0;
  virtual Result<uint64_t> CountPhysicalMedia(const Guid& library, const Guid& pool) = 0;
  virtual Status PutPhysicalMedia(const PhysicalMedia& v) = 0;
  virtual Status DeletePhysicalMedia(const Guid& id) = 0;  // and its partitions

  virtual Result<Partition> GetPartition(const Guid& id) = 0;
  virtual Result<std::vector<Partition>> ListPartitions(const Guid& pmid) = 0;  // by side
  // Ids of the sides of every media in `pool` (null = every side), by media id then side.
  virtual Result<std::vector<Guid>> ListPartitionIdsInPool(const Guid& pool) = 0;
  virtual Result<uint64_t> CountPartitions(const Guid& pmid) = 0;
  virtual Status PutPartition(const Partition& v) = 0;
  // Clears in_use_by of every side held by `session` (null: held by anyone) and
  // returns the ids of their cartridges (each once, in no particular order).
  // Served by an index on in_use_by: O(sides held), not O(media).
  virtual Result<std::vector<Guid>> ReleaseSidesHeldBy(const Guid& session) = 0;

  virtual Result<LibRequest> GetLibRequest(const Guid& id) = 0;
  // Requests of a library (null = all) whose state is in `states` (empty = any),
  // ordered by priority (highest first) then seq.
  virtual Result<std::vector<LibRequest>> ListLibRequests(const Guid& library,
                                                          const std::vector<uint32_t>& states) = 0;
  // The ids of ListLibRequests(library, states), in the same order; no row is decoded.
  virtual Result<std::vector<Guid>> ListLibRequestIds(const Guid& library, const std::vector<uint32_t>& states) = 0;
  // Inserts a new request (assigns seq) or replaces an existing one (keeps seq).
  virtual Status PutLibRequest(LibRequest& v) = 0;
  virtual Result<uint64_t> CountLibRequests(const Guid& library) = 0;
  // Deletes the completed requests (PASSED, FAILED, CANCELLED) whose
  // completed_ms is before `before_ms`; returns how many were deleted.
  virtual Result<uint64_t> PurgeLibRequests(int64_t before_ms) = 0;

  // How many drives, slots, IE ports or changers (`type` = NTMS_DRIVE,
  // NTMS_STORAGESLOT, NTMS_IEPORT, NTMS_CHANGER) `library` has (null = all);
  // ERROR_INVALID_PARAMETER for another type.
  virtual Result<uint64_t> CountLibraryElements(uint32_t type, const Guid& library) = 0;
  virtual Result<uint64_t> CountMediaPools(const Guid& parent) = 0;  // null = top level

  // Access entries on an object (empty vector when none).
  virtual Result<std::vector<AccessEntry>> GetAccess(const Guid& object) = 0;
  virtual Status PutAccess(const AccessEntry& e) = 0;  // insert or replace (object, is_group, principal)

  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Begins a transaction. Write transactions take the database's write lock
  // at once (BEGIN IMMEDIATE) so that conflicts surface here, not at commit.
  virtual Result<std::unique_ptr<Txn>> Begin(bool write) = 0;
  // A write transaction whose Commit() is atomic and ordered but not yet
  // durable: a crash or power loss may undo it, and then every transaction
  // committed after it too (never a later one alone). The next durable commit
  // on any connection makes it durable. Only for a change a caller is not
  // told about before a later durable commit (the enqueue of a request the
  // caller waits for).
  virtual Result<std::unique_ptr<Txn>> BeginUnsynced() = 0;
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
