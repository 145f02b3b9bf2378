// A thin C++ layer over the SQLite C API: one connection (Db), its cached
// prepared statements (Stmt, typed binds and column reads) and the mapping of
// SQLite result codes to Status.
//
// Thread safety: a Db and the Stmts it hands out belong to one thread at a
// time (connections are opened with SQLITE_OPEN_NOMUTEX); the connection pool
// in sqlite_store.cc hands each Db to one Txn at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/guid.h"
#include "common/status.h"

namespace openrsm::catalog::sqlite {

// Maps an SQLite result code to a Status carrying `detail`:
//   SQLITE_FULL  -> ERROR_DATABASE_FULL
//   SQLITE_NOMEM -> ERROR_NOT_ENOUGH_MEMORY
//   anything else (CORRUPT, NOTADB, IOERR*, CANTOPEN, BUSY, LOCKED, READONLY,
//   CONSTRAINT, MISUSE, ...) -> ERROR_DATABASE_FAILURE
Status SqliteStatus(int rc, std::string_view detail);

// True for result codes that mean the database file itself is damaged
// (SQLITE_CORRUPT, SQLITE_NOTADB): the store latches these.
bool IsDamageCode(int rc);

class Db;

// A prepared statement borrowed from a Db's cache. Binds are 1-based and
// typed; a bind error is remembered and returned by the next Step()/Run().
// Column reads are 0-based and valid only after Step() returned true; a
// malformed column (a GUID that is not 16 bytes) is remembered and returned by
// RowStatus(). Destruction resets the statement and returns it to the cache.
class Stmt {
 public:
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  ~Stmt();

  void BindInt(int i, int64_t v);
  void BindText(int i, std::string_view v);
  void BindGuid(int i, const Guid& g);  // the null Guid binds SQL NULL
  void BindNull(int i);

  // Steps once: true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps until done, ignoring rows.
  Status Run();

  int64_t ColumnInt(int c) const;
  std::string ColumnText(int c) const;
  Guid ColumnGuid(int c);  // SQL NULL reads as the null Guid
  Status RowStatus() const;

 private:
  friend class Db;
  // `in_use` is the cache slot's flag, or null for a private statement.
  Stmt(Db* db, sqlite3_stmt* stmt, bool* in_use) : db_(db), stmt_(stmt), in_use_(in_use) {}
  void NoteBind(int rc);

  Db* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;
  int bind_rc_ = SQLITE_OK;
  int bad_column_ = -1;
};

// One SQLite connection. Owns its statements; closes on destruction.
class Db {
 public:
  // Opens `path` read-write, creating it if missing. The connection is not
  // yet configured (see sqlite_store.cc).
  static Result<std::unique_ptr<Db>> Open(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // A cached prepared statement for `sql`. If the cached one is in use (a
  // nested use of the same SQL), a private one is prepared.
  Result<Stmt> Prepare(const std::string& sql);
  // Runs SQL text without results (DDL, pragmas); parsed on every call.
  Status Exec(const char* sql);
  // Runs one statement without results through the statement cache (BEGIN,
  // COMMIT, ROLLBACK: parsed once per connection).
  Status Run(const std::string& sql);
  // Runs a statement that returns one integer (a pragma, a count).
  Result<int64_t> QueryInt(const std::string& sql);

  // Records `rc` as this connection's last failure and returns its Status,
  // with the connection's error message.
  Status Fail(int rc, std::string_view what);
  int last_error() const { return last_error_; }
  // The max_page_count last applied to this connection (0 = SQLite's default).
  uint32_t page_cap() const { return page_cap_; }
  void set_page_cap(uint32_t pages) { page_cap_ = pages; }
  // Whether this connection runs with PRAGMA synchronous = NORMAL (else FULL).
  bool sync_normal() const { return sync_normal_; }
  void set_sync_normal(bool normal) { sync_normal_ = normal; }
  bool in_transaction() const { return !sqlite3_get_autocommit(db_); }
  sqlite3* raw() { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_;
  std::unordered_map<std::string, Cached> cache_;  // nodes are stable: Stmt keeps &in_use
  int last_error_ = SQLITE_OK;
  uint32_t page_cap_ = 0;
  bool sync_normal_ = false;
};

}  // namespace openrsm::catalog::sqlite
