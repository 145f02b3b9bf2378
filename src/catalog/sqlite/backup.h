// Online backups of the SQLite catalogue and their restore
// (docs/catalog.md "Safety").
//
// A backup is a complete database file written with SQLite's online backup
// API from a live connection: one read transaction covers the whole copy, so
// it is a consistent snapshot while writers keep committing (WAL). It is
// written to "<dest>.tmp", fsynced, renamed to <dest> and the directory
// fsynced: a crash leaves either no backup or a whole one.
//
// Names in the backup directory (UTC stamps from UtcStamp, so names sort by
// time):
//   catalog-<UTC>.db            scheduled; the newest `keep` are kept
//   catalog-pre-v<N>-<UTC>.db   taken before migrating to schema version N; never pruned
//   catalog-rescued-<UTC>.db    taken when the catalogue's files were lost; never pruned
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/sqlite/sqlite_db.h"
#include "common/clock.h"
#include "common/status.h"

namespace openrsm::catalog::sqlite {

std::string ScheduledBackupName(int64_t ms);
std::string PreMigrationBackupName(int version, int64_t ms);
std::string RescueBackupName(int64_t ms);

// Every backup file (any of the three kinds) in `dir`, oldest first by name
// within each kind; empty when `dir` does not exist.
Result<std::vector<std::string>> ListBackups(const std::string& dir);
// The time in a scheduled backup's name (std::nullopt for other names).
std::optional<int64_t> ScheduledBackupTime(const std::string& name);
// Removes the oldest scheduled backups so that at most `keep` (at least 1)
// remain, and stale "*.tmp" files of interrupted backups. Other kinds are
// never removed.
Status PruneScheduledBackups(const std::string& dir, uint32_t keep);

// Copies the "main" database of `src` into a new file `dest` (see above).
// Precondition: `src` is not inside a transaction and is used by no other
// thread during the call. ERROR_DATABASE_FULL when the destination's file
// system is full; ERROR_DATABASE_FAILURE for anything else. `dest` is
// untouched on failure.
Status CopyDatabase(Db& src, const std::string& dest);

// What a candidate file for a restore holds.
struct CatalogFileInfo {
  int64_t schema_version = 0;
  uint64_t libraries = 0, media = 0;
};
// Opens `path` read-write (it must be a private copy: SQLite may write its
// -wal/-shm), runs PRAGMA integrity_check and checks that it is an OpenRSM
// catalogue no newer than this build. ERROR_DATABASE_FAILURE saying what is
// wrong otherwise.
Result<CatalogFileInfo> CheckCatalogFile(const std::string& path);

// `rsmd --restore-catalog FILE`: installs FILE as STATE_DIR/catalog.db.
//  1. takes STATE_DIR/rsmd.lock (ERROR_BUSY while an rsmd runs there);
//  2. copies FILE (and FILE-wal if present) to STATE_DIR/catalog.db.restoring,
//     checks the copy (CheckCatalogFile) and folds its WAL into it;
//  3. moves the current catalog.db and its -wal aside as
//     catalog.db.before-restore-<UTC>[-wal], removes catalog.db-shm;
//  4. renames the copy to catalog.db, fsyncs, removes catalog.damaged.
// FILE itself is never modified. On failure before step 3 nothing in
// STATE_DIR changed. Returns a description of what was done (for stdout).
Result<std::string> RestoreCatalog(const std::string& state_dir, const std::string& file, Clock* clock);

}  // namespace openrsm::catalog::sqlite
