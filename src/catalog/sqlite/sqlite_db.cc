#include "catalog/sqlite/sqlite_db.h"

#include <fmt/format.h>

#include <utility>

namespace openrsm::catalog::sqlite {

Status SqliteStatus(int rc, std::string_view detail) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return Status(err::kDatabaseFull, fmt::format("catalog full: {}", detail));
    case SQLITE_NOMEM:
      return Status(err::kNotEnoughMemory, fmt::format("catalog out of memory: {}", detail));
    default:
      return Status(err::kDatabaseFailure, fmt::format("catalog failure: {}", detail));
  }
}

bool IsDamageCode(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

// ---- Stmt -------------------------------------------------------------------

Stmt::Stmt(Stmt&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(other.in_use_),
      bind_rc_(other.bind_rc_),
      bad_column_(other.bad_column_) {}

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

void Stmt::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Stmt::BindInt(int i, int64_t v) { NoteBind(sqlite3_bind_int64(stmt_, i, v)); }

void Stmt::BindText(int i, std::string_view v) {
  NoteBind(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void Stmt::BindGuid(int i, const Guid& g) {
  if (g.IsNull()) return BindNull(i);
  NoteBind(sqlite3_bind_blob(stmt_, i, g.bytes.data(), int(g.bytes.size()), SQLITE_TRANSIENT));
}

void Stmt::BindNull(int i) { NoteBind(sqlite3_bind_null(stmt_, i)); }

Result<bool> Stmt::Step() {
  if (bind_rc_ != SQLITE_OK) return db_->Fail(bind_rc_, sqlite3_sql(stmt_));
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Fail(rc, sqlite3_sql(stmt_));
}

Status Stmt::Run() {
  for (;;) {
    RSM_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

int64_t Stmt::ColumnInt(int c) const { return sqlite3_column_int64(stmt_, c); }

std::string Stmt::ColumnText(int c) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
  int n = sqlite3_column_bytes(stmt_, c);
  return p ? std::string(p, size_t(n)) : std::string();
}

Guid Stmt::ColumnGuid(int c) {
  if (sqlite3_column_type(stmt_, c) == SQLITE_NULL) return Guid{};
  const void* p = sqlite3_column_blob(stmt_, c);
  if (p == nullptr || sqlite3_column_bytes(stmt_, c) != 16) {
    if (bad_column_ < 0) bad_column_ = c;
    return Guid{};
  }
  return Guid::FromRaw(p);
}

Status Stmt::RowStatus() const {
  if (bad_column_ < 0) return Status::Ok();
  return Status(err::kDatabaseFailure,
                fmt::format("catalog failure: column {} ({}) is not a 16-byte GUID in: {}", bad_column_,
                            sqlite3_column_name(stmt_, bad_column_), sqlite3_sql(stmt_)));
}

// ---- Db ---------------------------------------------------------------------

Result<std::unique_ptr<Db>> Db::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return SqliteStatus(rc, fmt::format("opening {}: {}", path, msg));
  }
  sqlite3_extended_result_codes(raw, 1);
  return std::unique_ptr<Db>(new Db(raw));
}

Db::~Db() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

Status Db::Fail(int rc, std::string_view what) {
  last_error_ = rc;
  return SqliteStatus(rc, fmt::format("{} ({}, code {}) in: {}", sqlite3_errmsg(db_), sqlite3_errstr(rc), rc, what));
}

Result<Stmt> Db::Prepare(const std::string& sql) {
  auto [it, inserted] = cache_.try_emplace(sql);
  Cached& slot = it->second;
  if (slot.stmt != nullptr && !slot.in_use) {
    slot.in_use = true;
    return Stmt(this, slot.stmt, &slot.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (inserted) cache_.erase(it);
    return Fail(rc, sql);
  }
  if (slot.stmt != nullptr) return Stmt(this, stmt, nullptr);  // nested use: private statement
  slot.stmt = stmt;
  slot.in_use = true;
  return Stmt(this, stmt, &slot.in_use);
}

Status Db::Exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Fail(rc, sql);
  return Status::Ok();
}

Status Db::Run(const std::string& sql) {
  RSM_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql));
  return stmt.Run();
}

Result<int64_t> Db::QueryInt(const std::string& sql) {
  RSM_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql));
  RSM_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status(err::kDatabaseFailure, fmt::format("catalog failure: no result from: {}", sql));
  return stmt.ColumnInt(0);
}

}  // namespace openrsm::catalog::sqlite
