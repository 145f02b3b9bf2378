// The SQLite catalogue's schema and its versioned migrations.
//
// PRAGMA user_version holds the schema version; PRAGMA application_id marks
// the file as an OpenRSM catalogue. Migration N turns a version N-1 database
// into version N; a shipped migration is never edited, only followed by a new
// one (append it to kMigrations in schema.cc).
#pragma once

#include <cstdint>

#include "catalog/sqlite/sqlite_db.h"
#include "common/status.h"

namespace openrsm::catalog::sqlite {

inline constexpr uint32_t kApplicationId = 0x52534d31;  // "RSM1"

// The version this build writes and understands.
int LatestSchemaVersion();

// Brings the database on `db` to LatestSchemaVersion() in one BEGIN IMMEDIATE
// transaction (concurrent openers serialize on it; a second run is a no-op).
// Fails with ERROR_DATABASE_FAILURE, changing nothing, when the file is a
// newer OpenRSM catalogue or some other non-empty SQLite database.
// Precondition: `db` is configured and not inside a transaction.
Status Migrate(Db& db);

}  // namespace openrsm::catalog::sqlite
