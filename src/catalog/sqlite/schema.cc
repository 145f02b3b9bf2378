#include "catalog/sqlite/schema.h"

#include <fmt/format.h>

#include <string>
#include <tuple>

#include "catalog/ntms_values.h"
#include "catalog/sqlite/rows.h"

namespace openrsm::catalog::sqlite {
namespace {

// Version 1: one STRICT table per object kind. GUIDs are 16-byte BLOBs, the
// null Guid is SQL NULL. Foreign keys are checked at COMMIT (DEFERRABLE
// INITIALLY DEFERRED) so a transaction may put objects in any order.
// object_index maps every object id to its NTMS type (for TypeOf); triggers
// keep it exact and make ids unique across kinds.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE object_index (
  id   BLOB PRIMARY KEY CHECK (length(id) = 16),
  type INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE computer (
  id BLOB PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL, enabled INTEGER NOT NULL, op_state INTEGER NOT NULL,
  lib_request_purge_time_s INTEGER NOT NULL,
  op_request_purge_time_s INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE library (
  id BLOB PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL, enabled INTEGER NOT NULL, op_state INTEGER NOT NULL,
  library_type INTEGER NOT NULL,
  kind TEXT NOT NULL,
  barcode_reader INTEGER NOT NULL,
  inventory_method INTEGER NOT NULL,
  needs_inventory INTEGER NOT NULL,
  offline_reason TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX library_by_name ON library (name);

CREATE TABLE changer (
  id BLOB PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL, enabled INTEGER NOT NULL, op_state INTEGER NOT NULL,
  library BLOB REFERENCES library (id) DEFERRABLE INITIALLY DEFERRED,
  serial TEXT NOT NULL,
  device_name TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX changer_by_library ON changer (library);

CREATE TABLE media_type (
  id BLOB PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL, enabled INTEGER NOT NULL, op_state INTEGER NOT NULL,
  media_type_code INTEGER NOT NULL,
  sides INTEGER NOT NULL,
  read_write INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE media_pool (
  id BLOB PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL, enabled INTEGER NOT NULL, op_state INTEGER NOT NULL,
  pool_type INTEGER NOT NULL,
  media_type BLOB REFERENCES media_type (id) DEFERRABLE INITIALLY DEFERRED,
  parent BLOB REFERENCES media_pool (id) DEFERRABLE INITIALLY DEFERRED,
  allocation_policy INTEGER NOT NULL,
  deallocation_policy INTEGER NOT NULL,
  max_allocates INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX media_pool_by_parent ON media_pool (parent, name);

CREATE TABLE slot (
  id BLOB PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL, enabled INTEGER NOT NULL, op_state INTEGER NOT NULL,
  library BLOB REFERENCES library (id) DEFERRABLE INITIALLY DEFERRED,
  number INTEGER NOT NULL,
  state INTEGER NOT NULL,
  media BLOB REFERENCES physical_media (id) DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID;
CREATE INDEX slot_by_library ON slot (library, number);
CREATE INDEX slot_by_media ON slot (media);

CREATE TABLE ieport (
  id BLOB PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL, enabled INTEGER NOT NULL, op_state INTEGER NOT NULL,
  library BLOB REFERENCES library (id) DEFERRABLE INITIALLY DEFERRED,
  number INTEGER NOT NULL,
  state INTEGER NOT NULL,
  media BLOB REFERENCES physical_media (id) DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID;
CREATE INDEX ieport_by_library ON ieport (library, number);
CREATE INDEX ieport_by_media ON ieport (media);

CREATE TABLE drive (
  id BLOB PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL, enabled INTEGER NOT NULL, op_state INTEGER NOT NULL,
  library BLOB REFERENCES library (id) DEFERRABLE INITIALLY DEFERRED,
  number INTEGER NOT NULL,
  state INTEGER NOT NULL,
  media BLOB REFERENCES physical_media (id) DEFERRABLE INITIALLY DEFERRED,
  mounted_side BLOB CHECK (length(mounted_side) = 16),
  serial TEXT NOT NULL,
  device_name TEXT NOT NULL,
  mount_count INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX drive_by_library ON drive (library, number);
CREATE INDEX drive_by_media ON drive (media);

CREATE TABLE physical_media (
  id BLOB PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL, enabled INTEGER NOT NULL, op_state INTEGER NOT NULL,
  library BLOB REFERENCES library (id) DEFERRABLE INITIALLY DEFERRED,
  pool BLOB REFERENCES media_pool (id) DEFERRABLE INITIALLY DEFERRED,
  media_type BLOB REFERENCES media_type (id) DEFERRABLE INITIALLY DEFERRED,
  location_type INTEGER NOT NULL,
  location BLOB CHECK (length(location) = 16),
  home_slot BLOB REFERENCES slot (id) DEFERRABLE INITIALLY DEFERRED,
  barcode TEXT NOT NULL,
  barcode_state INTEGER NOT NULL,
  media_state INTEGER NOT NULL,
  needs_inventory INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX physical_media_by_library ON physical_media (library, pool);
CREATE INDEX physical_media_by_pool ON physical_media (pool);
CREATE INDEX physical_media_by_barcode ON physical_media (barcode);
CREATE INDEX physical_media_by_home_slot ON physical_media (home_slot);

CREATE TABLE partition (
  id BLOB PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL, enabled INTEGER NOT NULL, op_state INTEGER NOT NULL,
  pmid BLOB REFERENCES physical_media (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  side INTEGER NOT NULL,
  state INTEGER NOT NULL,
  lmid BLOB CHECK (length(lmid) = 16),
  capacity INTEGER NOT NULL,
  allocate_count INTEGER NOT NULL,
  in_use_by BLOB CHECK (length(in_use_by) = 16)
) STRICT, WITHOUT ROWID;
CREATE INDEX partition_by_pmid ON partition (pmid, side);

-- seq is the FIFO order: AUTOINCREMENT never reuses a value.
CREATE TABLE lib_request (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
  name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL, enabled INTEGER NOT NULL, op_state INTEGER NOT NULL,
  operation INTEGER NOT NULL,
  option INTEGER NOT NULL,
  state INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  library BLOB REFERENCES library (id) DEFERRABLE INITIALLY DEFERRED,
  drive BLOB CHECK (length(drive) = 16),
  pmid BLOB CHECK (length(pmid) = 16),
  partition BLOB CHECK (length(partition) = 16),
  slot BLOB CHECK (length(slot) = 16),
  queued_ms INTEGER NOT NULL,
  completed_ms INTEGER NOT NULL,
  application TEXT NOT NULL,
  user TEXT NOT NULL,
  computer TEXT NOT NULL,
  error INTEGER NOT NULL,
  session BLOB CHECK (length(session) = 16)
) STRICT;
CREATE INDEX lib_request_queue ON lib_request (library, state, priority DESC, seq);

CREATE TABLE access (
  object BLOB NOT NULL CHECK (length(object) = 16),
  is_group INTEGER NOT NULL,
  principal INTEGER NOT NULL,
  rights INTEGER NOT NULL,
  PRIMARY KEY (object, is_group, principal)
) STRICT, WITHOUT ROWID;
)sql";

// object_index maintenance for version 1's tables (NTMS object types).
struct IndexedTable {
  const char* table;
  int type;
};
constexpr IndexedTable kIndexedV1[] = {
    {"computer", 4},   {"library", 9},         {"changer", 2},      {"drive", 5},
    {"slot", 16},      {"ieport", 8},          {"media_type", 13},  {"media_pool", 12},
    {"partition", 14}, {"physical_media", 15}, {"lib_request", 10},
};

// The triggers that keep object_index in step with `table` (NTMS type `type`).
std::string IndexTriggers(const char* table, int type) {
  return fmt::format(
      "CREATE TRIGGER {0}_indexed AFTER INSERT ON {0} BEGIN "
      "INSERT INTO object_index (id, type) VALUES (NEW.id, {1}); END;"
      "CREATE TRIGGER {0}_unindexed AFTER DELETE ON {0} BEGIN "
      "DELETE FROM object_index WHERE id = OLD.id; END;",
      table, type);
}

Status MigrateToV1(Db& db) {
  RSM_RETURN_IF_ERROR(db.Exec(kSchemaV1));
  for (const IndexedTable& t : kIndexedV1) RSM_RETURN_IF_ERROR(db.Exec(IndexTriggers(t.table, t.type).c_str()));
  return db.Exec(fmt::format("PRAGMA application_id = {}", kApplicationId).c_str());
}

// Version 2: indexes for the O(held) and O(purged) statements.
// - partition_by_in_use: only held sides are in it (ReleaseSidesHeldBy);
// - lib_request_by_state: the state filter without a library (the start-up
//   rule, CloseNtmsSession) and the purge of completed requests by age.
Status MigrateToV2(Db& db) {
  return db.Exec(
      "CREATE INDEX partition_by_in_use ON partition (in_use_by) WHERE in_use_by IS NOT NULL;"
      "CREATE INDEX lib_request_by_state ON lib_request (state, completed_ms);");
}

// Version 3: what GetNtmsObjectInformation reports that version 2 did not
// keep: a drive's INQUIRY revision and SCSI address, how often a side was
// mounted, and an IE port's position (NtmsPortPosition).
Status MigrateToV3(Db& db) {
  for (const char* c : {"revision", "scsi_port", "scsi_bus", "scsi_target", "scsi_lun"})
    RSM_RETURN_IF_ERROR(AddColumn<Drive>(db, c));
  RSM_RETURN_IF_ERROR(AddColumn<Partition>(db, "mount_count"));
  return AddColumn<IePort>(db, "position");
}

// Version 4: the computer names its offline library and root pool.
Status MigrateToV4(Db& db) {
  RSM_RETURN_IF_ERROR(AddColumn<Computer>(db, "offline_library"));
  return AddColumn<Computer>(db, "root_pool");
}

// Version 5: device types (NTMS_CHANGER_TYPE, NTMS_DRIVE_TYPE), named by
// every changer and drive.
Status MigrateToV5(Db& db) {
  for (auto [sql, table, type] : {std::tuple{CreateTableSql<ChangerType>(), "changer_type", ntms::kChangerType},
                                  std::tuple{CreateTableSql<DriveType>(), "drive_type", ntms::kDriveType}}) {
    RSM_RETURN_IF_ERROR(db.Exec(sql.c_str()));
    RSM_RETURN_IF_ERROR(db.Exec(IndexTriggers(table, type).c_str()));
  }
  RSM_RETURN_IF_ERROR(AddColumn<Changer>(db, "changer_type"));
  return AddColumn<Drive>(db, "drive_type");
}

struct Migration {
  int version;
  Status (*apply)(Db&);
};
// Append only. Each step runs inside Migrate()'s transaction.
constexpr Migration kMigrations[] = {
    {1, MigrateToV1}, {2, MigrateToV2}, {3, MigrateToV3}, {4, MigrateToV4}, {5, MigrateToV5},
};

Status CheckMigratable(Db& db, int64_t version) {
  if (version > LatestSchemaVersion()) {
    return Status(err::kDatabaseFailure, fmt::format("catalog failure: schema version {} is newer than this build's {}",
                                                     version, LatestSchemaVersion()));
  }
  RSM_ASSIGN_OR_RETURN(int64_t app_id, db.QueryInt("PRAGMA application_id"));
  RSM_ASSIGN_OR_RETURN(int64_t objects, db.QueryInt("SELECT count(*) FROM sqlite_schema"));
  bool ours = app_id == kApplicationId || (app_id == 0 && version == 0 && objects == 0);
  if (!ours) {
    return Status(err::kDatabaseFailure, fmt::format("catalog failure: not an OpenRSM catalogue (application_id {:#x}, "
                                                     "user_version {}, {} schema objects)",
                                                     app_id, version, objects));
  }
  return Status::Ok();
}

Status MigrateInTxn(Db& db) {
  RSM_ASSIGN_OR_RETURN(int64_t version, db.QueryInt("PRAGMA user_version"));
  RSM_RETURN_IF_ERROR(CheckMigratable(db, version));
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    RSM_RETURN_IF_ERROR(m.apply(db));
    RSM_RETURN_IF_ERROR(db.Exec(fmt::format("PRAGMA user_version = {}", m.version).c_str()));
  }
  return Status::Ok();
}

}  // namespace

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Status Migrate(Db& db) {
  RSM_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status st = MigrateInTxn(db);
  if (st.ok()) st = db.Exec("COMMIT");
  if (!st.ok() && db.in_transaction()) (void)db.Exec("ROLLBACK");
  return st;
}

}  // namespace openrsm::catalog::sqlite
