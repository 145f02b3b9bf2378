// Column descriptors: each table's columns are defined once, here.
//
// Table<T>() describes the table of model type T: its name, its NTMS object
// type, its table options and its columns in table order. A Column names the
// column, gives its SQL type and constraints exactly as CREATE TABLE has them,
// its role, and how to bind and read the model field it holds. Everything
// else is derived from it:
//   - SelectSql<T>() and ReadRow(): the SELECT list and the reads;
//   - InsertSql<T>() and BindRow(): the insert (an upsert keyed on id) and its
//     binds; RecordRow(): the values Put compares to write only changed columns;
//   - CreateTableSql<T>(): the CREATE TABLE statement, for a new table or a
//     new column's migration step. Shipped migrations (schema.cc) are never
//     rewritten; tests/unit/sqlite_schema_test.cc checks that CreateTableSql
//     of every table gives, whitespace aside, the table the migrations create.
// A new column: add the field to model.h, append a Column at the END of its
// table here (a column an existing table can take: see AddColumn), and append
// a migration to schema.cc whose step is AddColumn<T>(db, "<name>").
// docs/catalog.md "Aggregates and backends" has an example.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "catalog/model.h"
#include "catalog/sqlite/sqlite_db.h"

namespace openrsm::catalog::sqlite {

// One bound SQL value as a recording Binder keeps it (the null Guid is
// std::monostate, i.e. SQL NULL).
using BoundValue = std::variant<std::monostate, int64_t, std::string, Guid>;
void BindValue(Stmt& s, int i, const BoundValue& v);

// Binds consecutive parameters starting at 1, or records them in order.
// One overload per model field type: integers bind as 64-bit (uint64_t by bit
// pattern), bool as 0/1, strings as text (embedded NULs kept), the null Guid
// as NULL.
class Binder {
 public:
  explicit Binder(Stmt& s) : s_(&s) {}
  explicit Binder(std::vector<BoundValue>* record) : rec_(record) {}
  void Value(int64_t v) {
    if (rec_)
      rec_->emplace_back(v);
    else
      s_->BindInt(i_++, v);
  }
  void Value(uint64_t v) { Value(int64_t(v)); }
  void Value(uint32_t v) { Value(int64_t(v)); }
  void Value(int32_t v) { Value(int64_t(v)); }
  void Value(bool v) { Value(int64_t(v)); }
  void Value(const std::string& v) {
    if (rec_)
      rec_->emplace_back(v);
    else
      s_->BindText(i_++, v);
  }
  void Value(const Guid& v) {
    if (rec_) {
      if (v.IsNull())
        rec_->emplace_back(std::monostate());
      else
        rec_->emplace_back(v);
    } else {
      s_->BindGuid(i_++, v);
    }
  }

 private:
  Stmt* s_ = nullptr;
  std::vector<BoundValue>* rec_ = nullptr;
  int i_ = 1;
};

// Reads consecutive columns starting at 0, the inverse of Binder.
class Reader {
 public:
  explicit Reader(Stmt& s) : s_(s) {}
  void Value(int64_t& v) { v = s_.ColumnInt(c_++); }
  void Value(uint64_t& v) { v = uint64_t(s_.ColumnInt(c_++)); }
  void Value(uint32_t& v) { v = uint32_t(s_.ColumnInt(c_++)); }
  void Value(int32_t& v) { v = int32_t(s_.ColumnInt(c_++)); }
  void Value(bool& v) { v = s_.ColumnInt(c_++) != 0; }
  void Value(std::string& v) { v = s_.ColumnText(c_++); }
  void Value(Guid& v) { v = s_.ColumnGuid(c_++); }

 private:
  Stmt& s_;
  int c_ = 0;
};

enum class ColumnRole {
  kKey,       // (part of) the row's key: the upsert's conflict target, never updated
  kData,      // a field: inserted and updated
  kAssigned,  // assigned by the database on insert (lib_request.seq), read only
};

template <typename T>
struct Column {
  const char* name;
  const char* sql;  // type and constraints, as in CREATE TABLE
  ColumnRole role;
  void (*bind)(Binder&, const T&);
  void (*read)(Reader&, T&);
};

template <typename T>
struct TableDef {
  const char* name;
  uint32_t ntms_type;       // what TypeOf answers for its rows (0: not an object table)
  const char* options;      // after the column list: "STRICT, WITHOUT ROWID"
  const char* constraints;  // table constraints after the columns ("" for none)
  std::span<const Column<T>> columns;
};

// The descriptor of T's table, defined in rows.cc.
template <typename T>
const TableDef<T>& Table();
template <>
const TableDef<Computer>& Table<Computer>();
template <>
const TableDef<Library>& Table<Library>();
template <>
const TableDef<Changer>& Table<Changer>();
template <>
const TableDef<ChangerType>& Table<ChangerType>();
template <>
const TableDef<DriveType>& Table<DriveType>();
template <>
const TableDef<Drive>& Table<Drive>();
template <>
const TableDef<Slot>& Table<Slot>();
template <>
const TableDef<IePort>& Table<IePort>();
template <>
const TableDef<MediaType>& Table<MediaType>();
template <>
const TableDef<MediaPool>& Table<MediaPool>();
template <>
const TableDef<PhysicalMedia>& Table<PhysicalMedia>();
template <>
const TableDef<Partition>& Table<Partition>();
template <>
const TableDef<LibRequest>& Table<LibRequest>();
template <>
const TableDef<AccessEntry>& Table<AccessEntry>();

// ---- derived SQL (built once per table) ----

// "SELECT <every column> FROM <table>" (append WHERE/ORDER BY); ReadRow reads it.
std::string BuildSelectSql(const char* table, const std::vector<const char*>& columns);
// "INSERT INTO t (<key and data columns>) VALUES (?, ...) ON CONFLICT (<keys>)
// DO UPDATE SET <data columns> [RETURNING <assigned column>]"; BindRow binds it.
std::string BuildInsertSql(const char* table, const std::vector<const char*>& key_and_data,
                           const std::vector<const char*>& keys, const std::vector<const char*>& data,
                           const char* assigned);
// "CREATE TABLE t (\n  <definition>,\n  ...\n) options".
std::string BuildCreateTableSql(const char* table, const std::vector<std::string>& definitions, const char* options);

template <typename T>
std::vector<const char*> ColumnNames(bool include_assigned) {
  std::vector<const char*> out;
  for (const Column<T>& c : Table<T>().columns)
    if (include_assigned || c.role != ColumnRole::kAssigned) out.push_back(c.name);
  return out;
}

template <typename T>
const std::string& SelectSql() {
  static const std::string sql = BuildSelectSql(Table<T>().name, ColumnNames<T>(true));
  return sql;
}

template <typename T>
const std::string& InsertSql() {
  static const std::string sql = [] {
    const char* assigned = nullptr;
    std::vector<const char*> keys, data;
    for (const Column<T>& c : Table<T>().columns) {
      if (c.role == ColumnRole::kKey) keys.push_back(c.name);
      if (c.role == ColumnRole::kAssigned) assigned = c.name;
      if (c.role == ColumnRole::kData) data.push_back(c.name);
    }
    return BuildInsertSql(Table<T>().name, ColumnNames<T>(false), keys, data, assigned);
  }();
  return sql;
}

// "<name> <sql>": a column's definition (CREATE TABLE, ALTER TABLE ADD COLUMN).
template <typename T>
std::string ColumnSql(const Column<T>& c) {
  return std::string(c.name) + " " + c.sql;
}

// Appends column `name` of T's descriptor to T's table of an existing
// database ("ALTER TABLE t ADD COLUMN <name> <sql>"): the migration step of a
// new column (schema.cc). SQLite allows only some columns so: a NOT NULL one
// needs a DEFAULT (refused on a table with rows otherwise), a REFERENCES one
// a NULL default; no PRIMARY KEY or UNIQUE.
// ERROR_DATABASE_FAILURE when T has no such column or SQLite refuses it.
template <typename T>
Status AddColumn(Db& db, std::string_view name) {
  for (const Column<T>& c : Table<T>().columns) {
    if (name != c.name) continue;
    std::string sql = std::string("ALTER TABLE ") + Table<T>().name + " ADD COLUMN " + ColumnSql(c);
    return db.Exec(sql.c_str());
  }
  return Status(err::kDatabaseFailure,
                std::string("catalog failure: table ") + Table<T>().name + " has no column " + std::string(name));
}

template <typename T>
std::string CreateTableSql() {
  std::vector<std::string> defs;
  for (const Column<T>& c : Table<T>().columns) defs.push_back(ColumnSql(c));
  if (*Table<T>().constraints) defs.emplace_back(Table<T>().constraints);
  return BuildCreateTableSql(Table<T>().name, defs, Table<T>().options);
}

// Reads a row of SelectSql<T>() into `v`.
template <typename T>
void ReadRow(Reader& r, T& v) {
  for (const Column<T>& c : Table<T>().columns) c.read(r, v);
}

// Binds InsertSql<T>()'s parameters (every column but the assigned one).
template <typename T>
void BindRow(Binder& b, const T& v) {
  for (const Column<T>& c : Table<T>().columns)
    if (c.role != ColumnRole::kAssigned) c.bind(b, v);
}

// Records the data columns' values of `v`, in column order, with their
// descriptors in `cols` (for comparing a row with its stored version).
template <typename T>
void RecordRow(const T& v, std::vector<BoundValue>* values, std::vector<const Column<T>*>* cols) {
  Binder b(values);
  for (const Column<T>& c : Table<T>().columns) {
    if (c.role != ColumnRole::kData) continue;
    c.bind(b, v);
    if (cols) cols->push_back(&c);
  }
}

// ---- helpers for rows.cc's descriptors ----

template <typename M>
struct MemberOf;
template <typename C, typename F>
struct MemberOf<F C::*> {
  using Class = C;
};

// The field `M` names in `v`: a member of T, or of T's ObjectHeader `h`.
template <auto M, typename V>
auto& FieldOf(V& v) {
  using C = typename MemberOf<decltype(M)>::Class;
  if constexpr (std::is_same_v<C, ObjectHeader>)
    return v.h.*M;
  else
    return v.*M;
}

template <typename T, auto M>
constexpr Column<T> MakeColumn(const char* name, const char* sql, ColumnRole role = ColumnRole::kData) {
  return Column<T>{name, sql, role, [](Binder& b, const T& v) { b.Value(FieldOf<M>(v)); },
                   [](Reader& r, T& v) { r.Value(FieldOf<M>(v)); }};
}

}  // namespace openrsm::catalog::sqlite
