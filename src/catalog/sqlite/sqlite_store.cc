// OpenSqliteStore: the embedded SQLite catalogue (docs/catalog.md).
//
// Thread safety: the Store is thread-safe. Each Begin() leases a pooled
// connection (pool.h), so read Txns on different threads run in parallel and
// never wait for a writer (WAL); write Txns wait for each other up to 5 s,
// then fail with ERROR_DATABASE_FAILURE. A Txn may outlive its Store (the
// pool is shared), but must be used by one thread at a time.
#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "catalog/sqlite/backup.h"
#include "catalog/sqlite/file_check.h"
#include "catalog/sqlite/files.h"
#include "catalog/sqlite/pool.h"
#include "catalog/sqlite/schema.h"
#include "catalog/sqlite/sqlite_txn.h"
#include "catalog/store.h"
#include "common/clock.h"

namespace openrsm::catalog {
namespace {

using sqlite::Access;
using sqlite::CatalogFiles;
using sqlite::Db;
using sqlite::FileId;
using sqlite::Lease;
using sqlite::Pool;

const std::string kBeginWrite = "BEGIN IMMEDIATE";
const std::string kBeginRead = "BEGIN";
// synchronous may only change outside a transaction, and takes effect when
// the pragma is compiled (so it is run with Exec, never cached). Each
// connection keeps FULL (pool.cc) unless an unsynced write last used it.
constexpr const char* kSyncNormal = "PRAGMA synchronous = NORMAL";
constexpr const char* kSyncFull = "PRAGMA synchronous = FULL";

Status Failure(std::string_view what) {
  return Status(err::kDatabaseFailure, fmt::format("catalog failure: {}", what));
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}

  Result<std::unique_ptr<Txn>> Begin(bool write) override {
    return BeginImpl(write ? Access::kWrite : Access::kRead, /*synced=*/true);
  }
  Result<std::unique_ptr<Txn>> BeginUnsynced() override { return BeginImpl(Access::kWrite, /*synced=*/false); }
  Result<std::unique_ptr<Txn>> BeginRecovery() override { return BeginImpl(Access::kRecovery, /*synced=*/true); }

  // Applies to transactions begun after the call (each connection takes the
  // cap when it is next leased); 0 removes the cap.
  Status SetMaxPages(uint32_t pages) override {
    pool_->set_max_pages(pages);
    return Status::Ok();
  }

  bool Degraded() override { return pool_->degraded(); }
  Status TryRestoreReserve() override { return pool_->TryRestoreReserve(); }
  Status CheckFiles() override { return pool_->CheckFiles(); }
  Status Backup(const std::string& path) override { return pool_->Backup(path); }
  Status SyncCommitted() override { return pool_->SyncCommitted(); }

 private:
  Result<std::unique_ptr<Txn>> BeginImpl(Access access, bool synced) {
    RSM_ASSIGN_OR_RETURN(Lease lease, pool_->Acquire(access));
    Db& db = lease.db();
    const bool write = access != Access::kRead;
    // A write transaction's commit syncs (FULL) unless it asked not to; a
    // read transaction commits nothing, so its setting does not matter.
    if (write && db.sync_normal() == synced) {
      Status st = db.Exec(synced ? kSyncFull : kSyncNormal);
      if (!st.ok()) return st;
      db.set_sync_normal(!synced);
    }
    Status st = db.Run(write ? kBeginWrite : kBeginRead);
    if (!st.ok()) {
      if (sqlite::IsDamageCode(db.last_error())) pool_->LatchDamage(st);
      return st;
    }
    return std::unique_ptr<Txn>(new sqlite::SqliteTxn(std::move(lease), write));
  }

  std::shared_ptr<Pool> pool_;
};

const char* kSafetyDoc = "docs/catalog.md \"Safety\"";

// A marker left by a store that found its files lost: restore first.
Status RefuseIfMarked(const CatalogFiles& f) {
  RSM_ASSIGN_OR_RETURN(std::optional<std::string> marker, sqlite::ReadSmallFile(f.marker));
  if (!marker) return Status::Ok();
  return Failure(fmt::format(
      "{} exists: the catalogue's files were lost while rsmd ran, and rsmd will not start on what is left. Restore "
      "the rescue copy (or a backup from {}): rsmd --config <config> --restore-catalog FILE ({}). The marker "
      "says: {}",
      f.marker, f.backup_dir, kSafetyDoc, *marker));
}

// A missing (or empty) database next to backups is a lost catalogue, not a
// new installation: a fresh one would give every object new GUIDs.
Status RefuseIfLostWithBackups(const CatalogFiles& f) {
  RSM_ASSIGN_OR_RETURN(std::optional<uint64_t> size, sqlite::SizeOf(f.db));
  if (size && *size > 0) return Status::Ok();
  RSM_ASSIGN_OR_RETURN(std::vector<std::string> backups, sqlite::ListBackups(f.backup_dir));
  if (backups.empty()) return Status::Ok();
  return Failure(fmt::format(
      "{} is {} but {} holds {} backup(s) (the last by name: {}): starting with a new, empty catalogue would give "
      "every library and cartridge new GUIDs. Restore one: rsmd --config <config> --restore-catalog {}/<backup>; "
      "or, to start with an empty catalogue on purpose, move the backups out of {} ({})",
      f.db, size ? "empty" : "missing", f.backup_dir, backups.size(), backups.back(), f.backup_dir, f.backup_dir,
      kSafetyDoc));
}

// Takes backup_dir/catalog-pre-v<N>-<UTC>.db before a migration of an
// existing catalogue; a new one (version 0) needs none.
Status BackUpBeforeMigrating(Db& db, const CatalogFiles& f, Clock* clock) {
  RSM_ASSIGN_OR_RETURN(int64_t version, db.QueryInt("PRAGMA user_version"));
  const int latest = sqlite::LatestSchemaVersion();
  if (version <= 0 || version >= latest) return Status::Ok();
  std::string path = f.backup_dir + "/" + sqlite::PreMigrationBackupName(latest, clock->NowMillis());
  Status st = sqlite::MakeDirectories(f.backup_dir);
  if (st.ok()) st = sqlite::CopyDatabase(db, path);
  if (!st.ok())
    return Status(st.code(), fmt::format("{} (no migration of schema v{} to v{} without a backup first)", st.message(),
                                         version, latest));
  spdlog::info("catalog: schema v{} will be migrated to v{}; backup taken first: {}", version, latest, path);
  return Status::Ok();
}

// Opens the first connection, migrates the schema and makes sure the main
// file holds a header (a new database lives only in its WAL until the first
// checkpoint), then records what a healthy header looks like.
Result<std::unique_ptr<Db>> OpenAndMigrate(const SqliteOptions& options, const CatalogFiles& files, Clock* clock,
                                           sqlite::FileExpectation* expect) {
  RSM_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, sqlite::OpenConnection(options));
  RSM_RETURN_IF_ERROR(BackUpBeforeMigrating(*db, files, clock));
  RSM_RETURN_IF_ERROR(sqlite::Migrate(*db));
  // FULL waits (busy timeout) for other processes' readers, so that the
  // main file holds the migrated header.
  RSM_RETURN_IF_ERROR(db->Exec("PRAGMA wal_checkpoint(FULL)"));
  RSM_RETURN_IF_ERROR(sqlite::ReadFileExpectation(*db, expect));
  if (expect->application_id != sqlite::kApplicationId)
    return Status(err::kDatabaseFailure, "catalog failure: the main file's header is not checkpointed");
  return db;
}

Status SetUpReserve(const SqliteOptions& options, const CatalogFiles& f) {
  if (options.reserve_bytes == 0) return sqlite::RemoveFile(f.reserve);  // a leftover from an earlier config
  Status st = sqlite::AllocateFile(f.reserve, options.reserve_bytes);
  if (st.ok() || st.code() != err::kDatabaseFull) return st;
  return Status(err::kDatabaseFull,
                fmt::format("{}: rsmd keeps {} bytes in reserve for the catalogue and the file system of {} has not "
                            "that much free; free space there (or lower [catalog] reserve_bytes)",
                            st.message(), options.reserve_bytes, sqlite::DirectoryOf(f.db)));
}

// An extra connection that has read the database (its -wal and -shm open).
Result<std::unique_ptr<Db>> OpenAnchor(const SqliteOptions& options) {
  RSM_ASSIGN_OR_RETURN(std::unique_ptr<Db> anchor, sqlite::OpenConnection(options));
  RSM_RETURN_IF_ERROR(anchor->Exec("PRAGMA cache_size = -2048"));
  RSM_RETURN_IF_ERROR(anchor->QueryInt("SELECT count(*) FROM sqlite_schema").status());
  return anchor;
}

Result<sqlite::FileIds> RecordIdentities(const CatalogFiles& f) {
  sqlite::FileIds ids;
  RSM_ASSIGN_OR_RETURN(ids.db, sqlite::IdentityOf(f.db));
  RSM_ASSIGN_OR_RETURN(ids.wal, sqlite::IdentityOf(f.wal));
  RSM_ASSIGN_OR_RETURN(ids.shm, sqlite::IdentityOf(f.shm));
  const std::pair<const std::string*, const FileId*> all[] = {{&f.db, &ids.db}, {&f.wal, &ids.wal}, {&f.shm, &ids.shm}};
  for (auto [path, id] : all)
    if (!id->exists) return Failure(fmt::format("{} does not exist right after opening the catalogue", *path));
  return ids;
}

// A descriptor of the -wal for SyncCommitted (pool_sync.cc), which must be
// the file whose identity was recorded.
Result<int> OpenWal(const CatalogFiles& f, const FileId& id) {
  int fd = ::open(f.wal.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Failure(fmt::format("cannot open {}: {}", f.wal, std::strerror(errno)));
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_dev != id.dev || st.st_ino != id.ino) {
    ::close(fd);
    return Failure(fmt::format("{} changed while the catalogue was opened", f.wal));
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  const CatalogFiles files = sqlite::FilesFor(options.path, options.reserve_path, options.backup_dir);
  Clock* clock = options.clock ? options.clock : RealClock();
  RSM_RETURN_IF_ERROR(RefuseIfMarked(files));
  RSM_RETURN_IF_ERROR(RefuseIfLostWithBackups(files));
  sqlite::FileExpectation expect;
  RSM_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, OpenAndMigrate(options, files, clock, &expect));
  RSM_RETURN_IF_ERROR(SetUpReserve(options, files));
  RSM_ASSIGN_OR_RETURN(std::unique_ptr<Db> anchor, OpenAnchor(options));
  RSM_ASSIGN_OR_RETURN(sqlite::FileIds ids, RecordIdentities(files));
  RSM_ASSIGN_OR_RETURN(int wal_fd, OpenWal(files, ids.wal));
  auto pool = std::make_shared<Pool>(options, files, expect, ids, std::move(db), std::move(anchor), wal_fd);
  return std::unique_ptr<Store>(new SqliteStore(std::move(pool)));
}

Result<std::string> RestoreSqliteCatalog(const std::string& state_dir, const std::string& file, Clock* clock) {
  return sqlite::RestoreCatalog(state_dir, file, clock ? clock : RealClock());
}

}  // namespace openrsm::catalog
