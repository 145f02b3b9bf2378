// Cheap detection of a catalogue file damaged or replaced under a running
// store (docs/catalog.md, "Damage detection").
//
// SQLite in WAL mode keeps its page cache across transactions while the
// WAL index says nothing changed, so bytes overwritten behind its back may
// never be read again. CheckDatabaseFile() looks at the file itself, through
// the connection's own VFS file handle (no extra descriptor, so SQLite's POSIX
// locks are never disturbed):
//   - SQLITE_FCNTL_HAS_MOVED: the path was deleted, renamed or replaced
//     (stat(path) no longer names the inode the connection has open);
//   - the size is at least one page and a whole number of pages;
//   - the 100-byte header: magic "SQLite format 3\0", the page size and
//     reserved bytes seen at open, WAL read/write versions (2), payload
//     fractions 64/32/32, UTF-8, and OpenRSM's application_id.
// Cost: one stat, one fstat and one 100-byte pread (a few microseconds).
// Read transactions use CheckDatabaseHeader() (the header only: one pread);
// a file deleted, replaced or truncated to whole pages is then caught by the
// next write transaction's full check, before anything is written.
#pragma once

#include <cstdint>

#include "catalog/sqlite/sqlite_db.h"
#include "common/status.h"

namespace openrsm::catalog::sqlite {

// What a healthy header holds; recorded when the store opens.
struct FileExpectation {
  uint32_t page_size = 0;
  uint8_t reserved_bytes = 0;
  uint32_t application_id = 0;
};

// Reads the header of `db`'s main file. On success fills `out` from it.
// Returns ERROR_DATABASE_FAILURE (message says why) when the file is not a
// healthy WAL-mode SQLite file.
Status ReadFileExpectation(Db& db, FileExpectation* out);

// OK when `db`'s main file still looks as `expect` says; otherwise
// ERROR_DATABASE_FAILURE with the reason. Reads nothing through the page
// cache; never modifies the file. Precondition: no transaction open on `db`
// is required, nor harmful.
Status CheckDatabaseFile(Db& db, const FileExpectation& expect);

// The header part of CheckDatabaseFile only (one 100-byte pread, no stat or
// fstat): catches a file overwritten or truncated below its header, not one
// deleted or replaced (the open descriptor still reads the old inode).
Status CheckDatabaseHeader(Db& db, const FileExpectation& expect);

}  // namespace openrsm::catalog::sqlite
