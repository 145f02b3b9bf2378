#include "catalog/sqlite/backup.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "catalog/sqlite/files.h"
#include "catalog/sqlite/schema.h"

namespace openrsm::catalog::sqlite {
namespace {

constexpr std::string_view kPrefix = "catalog-";
constexpr std::string_view kSuffix = ".db";
constexpr size_t kStampSize = 20;  // UtcStamp: 20240501T120304.056Z

Status Failure(std::string_view what) {
  return Status(err::kDatabaseFailure, fmt::format("catalog failure: {}", what));
}

// Runs the backup on an open destination connection.
Status StepBackup(sqlite3* out, Db& src) {
  sqlite3_backup* b = sqlite3_backup_init(out, "main", src.raw(), "main");
  if (b == nullptr) return SqliteStatus(sqlite3_errcode(out), fmt::format("backup: {}", sqlite3_errmsg(out)));
  int rc;
  // One step of all pages: one read transaction on the source, so the copy
  // is one consistent snapshot. BUSY/LOCKED are transient (retried).
  for (int tries = 0;; ++tries) {
    rc = sqlite3_backup_step(b, -1);
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && tries < 100) {
      sqlite3_sleep(50);
      continue;
    }
    break;
  }
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE)
    return SqliteStatus(rc, fmt::format("backup: {} ({})", sqlite3_errmsg(out), sqlite3_errstr(rc)));
  return Status::Ok();
}

// Writes the copy to `tmp` (closed on return).
Status WriteCopy(Db& src, const std::string& tmp) {
  sqlite3* out = nullptr;
  int rc =
      sqlite3_open_v2(tmp.c_str(), &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = out ? sqlite3_errmsg(out) : sqlite3_errstr(rc);
    sqlite3_close_v2(out);
    return SqliteStatus(rc, fmt::format("backup: opening {}: {}", tmp, msg));
  }
  // A fresh private file: no rollback journal is needed (a failure discards
  // it), and durability comes from the fsync after close.
  sqlite3_exec(out, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", nullptr, nullptr, nullptr);
  Status st = StepBackup(out, src);
  rc = sqlite3_close(out);
  if (st.ok() && rc != SQLITE_OK) st = SqliteStatus(rc, fmt::format("backup: closing {}", tmp));
  return st;
}

bool IsBackupName(const std::string& name) {
  return name.starts_with(kPrefix) && name.ends_with(kSuffix) && name.size() > kPrefix.size() + kSuffix.size();
}

}  // namespace

std::string ScheduledBackupName(int64_t ms) { return fmt::format("{}{}{}", kPrefix, UtcStamp(ms), kSuffix); }

std::string PreMigrationBackupName(int version, int64_t ms) {
  return fmt::format("{}pre-v{}-{}{}", kPrefix, version, UtcStamp(ms), kSuffix);
}

std::string RescueBackupName(int64_t ms) { return fmt::format("{}rescued-{}{}", kPrefix, UtcStamp(ms), kSuffix); }

std::optional<int64_t> ScheduledBackupTime(const std::string& name) {
  if (!IsBackupName(name) || name.size() != kPrefix.size() + kStampSize + kSuffix.size()) return std::nullopt;
  return ParseUtcStamp(std::string_view(name).substr(kPrefix.size(), kStampSize));
}

Result<std::vector<std::string>> ListBackups(const std::string& dir) {
  RSM_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirectory(dir));
  std::erase_if(names, [](const std::string& n) { return !IsBackupName(n); });
  return names;
}

Status PruneScheduledBackups(const std::string& dir, uint32_t keep) {
  RSM_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirectory(dir));
  std::vector<std::string> scheduled;
  for (const std::string& n : names) {
    if (ScheduledBackupTime(n)) scheduled.push_back(n);
    // A scheduled backup interrupted by a crash.
    if (n.ends_with(".tmp") && ScheduledBackupTime(n.substr(0, n.size() - 4)))
      RSM_RETURN_IF_ERROR(RemoveFile(dir + "/" + n));
  }
  size_t kept = std::max<uint32_t>(keep, 1);
  for (size_t i = 0; i + kept < scheduled.size(); ++i) RSM_RETURN_IF_ERROR(RemoveFile(dir + "/" + scheduled[i]));
  return Status::Ok();
}

Status CopyDatabase(Db& src, const std::string& dest) {
  const std::string tmp = dest + ".tmp";
  RSM_RETURN_IF_ERROR(RemoveFile(tmp));
  Status st = WriteCopy(src, tmp);
  if (st.ok()) st = SyncFile(tmp);
  if (st.ok()) st = RenameFile(tmp, dest);
  if (!st.ok()) (void)RemoveFile(tmp);
  return st;
}

Result<CatalogFileInfo> CheckCatalogFile(const std::string& path) {
  RSM_ASSIGN_OR_RETURN(FileId id, IdentityOf(path));
  if (!id.exists) return Failure(fmt::format("{} does not exist", path));
  RSM_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path));
  sqlite3_busy_timeout(db->raw(), 5000);
  {
    auto stmt = db->Prepare("PRAGMA integrity_check(20)");
    if (!stmt.ok())
      return Failure(fmt::format("{} is not a readable SQLite database: {}", path, stmt.status().message()));
    std::vector<std::string> problems;
    for (;;) {
      auto row = stmt->Step();
      if (!row.ok()) return Failure(fmt::format("{} fails integrity_check: {}", path, row.status().message()));
      if (!*row) break;
      std::string line = stmt->ColumnText(0);
      if (line != "ok") problems.push_back(std::move(line));
    }
    if (!problems.empty()) return Failure(fmt::format("{} fails integrity_check: {}", path, fmt::join(problems, "; ")));
  }
  CatalogFileInfo info;
  RSM_ASSIGN_OR_RETURN(int64_t app_id, db->QueryInt("PRAGMA application_id"));
  RSM_ASSIGN_OR_RETURN(info.schema_version, db->QueryInt("PRAGMA user_version"));
  if (app_id != kApplicationId || info.schema_version < 1)
    return Failure(fmt::format("{} is not an OpenRSM catalogue (application_id {:#x}, user_version {})", path, app_id,
                               info.schema_version));
  if (info.schema_version > LatestSchemaVersion())
    return Failure(fmt::format("{} has schema version {}, newer than this build's {}: use a newer rsmd", path,
                               info.schema_version, LatestSchemaVersion()));
  RSM_ASSIGN_OR_RETURN(int64_t dangling, db->QueryInt("SELECT count(*) FROM pragma_foreign_key_check"));
  if (dangling != 0) return Failure(fmt::format("{} has {} dangling references (foreign_key_check)", path, dangling));
  RSM_ASSIGN_OR_RETURN(int64_t libraries, db->QueryInt("SELECT count(*) FROM library"));
  RSM_ASSIGN_OR_RETURN(int64_t media, db->QueryInt("SELECT count(*) FROM physical_media"));
  info.libraries = uint64_t(libraries), info.media = uint64_t(media);
  // Folds a WAL (if any) into the file; closing the last connection then
  // removes the -wal and -shm.
  RSM_RETURN_IF_ERROR(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  return info;
}

namespace {

// Moves the current catalogue (if any) aside; returns what was done.
Result<std::string> MoveAside(const CatalogFiles& f, const std::string& aside) {
  std::string done;
  RSM_ASSIGN_OR_RETURN(FileId db, IdentityOf(f.db));
  RSM_ASSIGN_OR_RETURN(FileId wal, IdentityOf(f.wal));
  if (db.exists) {
    RSM_RETURN_IF_ERROR(RenameFile(f.db, aside));
    done += fmt::format("previous {} kept as {}\n", f.db, aside);
  }
  if (wal.exists) {
    RSM_RETURN_IF_ERROR(RenameFile(f.wal, aside + "-wal"));
    done += fmt::format("previous {} kept as {}-wal\n", f.wal, aside);
  }
  RSM_RETURN_IF_ERROR(RemoveFile(f.shm));
  return done;
}

void RemoveCopy(const std::string& tmp) {
  for (const char* ext : {"", "-wal", "-shm", "-journal"}) (void)RemoveFile(tmp + ext);
}

}  // namespace

Result<std::string> RestoreCatalog(const std::string& state_dir, const std::string& file, Clock* clock) {
  const CatalogFiles f = FilesFor(state_dir + "/catalog.db");
  RSM_RETURN_IF_ERROR(MakeDirectories(state_dir));
  auto lock = FileLock::Take(state_dir + "/rsmd.lock");
  if (!lock.ok()) {
    if (lock.status().code() != err::kBusy) return lock.status();
    return Status(err::kBusy, fmt::format("an rsmd is running on {} (it holds {}/rsmd.lock): stop it, then restore",
                                          state_dir, state_dir));
  }
  RSM_ASSIGN_OR_RETURN(FileId source, IdentityOf(file));
  RSM_ASSIGN_OR_RETURN(FileId current, IdentityOf(f.db));
  if (!source.exists) return Failure(fmt::format("{} does not exist", file));
  if (current.exists && source == current) return Failure(fmt::format("{} is the catalogue itself", file));

  const std::string tmp = f.db + ".restoring";
  RemoveCopy(tmp);
  Status st = CopyFile(file, tmp);
  RSM_ASSIGN_OR_RETURN(FileId source_wal, IdentityOf(file + "-wal"));
  if (st.ok() && source_wal.exists) st = CopyFile(file + "-wal", tmp + "-wal");
  Result<CatalogFileInfo> info = st.ok() ? CheckCatalogFile(tmp) : Result<CatalogFileInfo>(st);
  if (info.ok()) st = SyncFile(tmp);
  if (!info.ok() || !st.ok()) {
    RemoveCopy(tmp);
    return info.ok() ? st : info.status();
  }
  // Checkpointed by CheckCatalogFile and normally gone already.
  for (const char* ext : {"-wal", "-shm"}) RSM_RETURN_IF_ERROR(RemoveFile(tmp + ext));

  std::string aside = f.db + ".before-restore-" + UtcStamp(clock->NowMillis());
  RSM_ASSIGN_OR_RETURN(std::string moved, MoveAside(f, aside));
  if (Status st = RenameFile(tmp, f.db); !st.ok()) {
    // Put the previous catalogue back (best effort) and say where things are.
    (void)RenameFile(aside, f.db);
    (void)RenameFile(aside + "-wal", f.wal);
    return Status(st.code(), fmt::format("{}; the checked copy is {}; {}", st.message(), tmp, moved));
  }
  std::string report = fmt::format("restored {} from {} (integrity ok; schema v{}; {} libraries, {} cartridges)\n",
                                   f.db, file, info->schema_version, info->libraries, info->media);
  report += moved;
  RSM_ASSIGN_OR_RETURN(std::optional<std::string> marker, ReadSmallFile(f.marker));
  if (marker) {
    RSM_RETURN_IF_ERROR(RemoveFile(f.marker));
    report += fmt::format("removed {}, which said:\n{}", f.marker, *marker);
    if (!marker->ends_with('\n')) report += '\n';
  }
  return report;
}

}  // namespace openrsm::catalog::sqlite
