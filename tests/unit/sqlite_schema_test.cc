// The SQLite table descriptors (src/catalog/sqlite/rows.h) against the schema
// the shipped migrations (schema.cc) create: the descriptors are the one
// definition of each table's columns, so CreateTableSql<T>() must give the
// very table a migrated catalogue has (columns, types, constraints, foreign
// keys, table options), and every table the migrations create must have one.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "catalog/sqlite/rows.h"
#include "catalog/sqlite/schema.h"
#include "catalog/sqlite/sqlite_db.h"
#include "catalog/store.h"

namespace openrsm::catalog::sqlite {
namespace {

// Every row of `sql` on `db`, its columns joined by '|'.
std::vector<std::string> Rows(sqlite3* db, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    return out;
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const unsigned char* t = sqlite3_column_text(st, i);
      row += (i ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
    out.push_back(row);
  }
  sqlite3_finalize(st);
  return out;
}

std::string NoSpace(std::string s) {
  s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }), s.end());
  return s;
}

// What SQLite knows of `table`: columns, foreign keys, options, the statement.
std::vector<std::string> Describe(sqlite3* db, const std::string& table) {
  std::vector<std::string> out;
  for (const char* pragma : {"table_xinfo", "foreign_key_list"})
    for (std::string& r : Rows(db, "SELECT * FROM pragma_" + std::string(pragma) + "('" + table + "')"))
      out.push_back(std::string(pragma) + ": " + r);
  for (std::string& r : Rows(db, "SELECT type, ncol, wr, strict FROM pragma_table_list('" + table + "')"))
    out.push_back("table_list: " + r);
  for (std::string& r : Rows(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = '" + table + "'"))
    out.push_back("sql: " + NoSpace(r));
  return out;
}

class SqliteSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sqlite_schema_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // A catalogue created by the shipped migrations, and an empty database.
    auto store = OpenSqliteStore({dir_ + "/migrated.db"});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store.value().reset();
    ASSERT_EQ(sqlite3_open((dir_ + "/migrated.db").c_str(), &migrated_), SQLITE_OK);
    ASSERT_EQ(sqlite3_open((dir_ + "/derived.db").c_str(), &derived_), SQLITE_OK);
  }
  void TearDown() override {
    sqlite3_close(migrated_);
    sqlite3_close(derived_);
    std::filesystem::remove_all(dir_);
  }

  // Creates T's table in derived_ from its descriptor and compares it with
  // the migrated one.
  template <typename T>
  void Check() {
    const std::string table = Table<T>().name;
    SCOPED_TRACE(table);
    checked_.insert(table);
    const std::string sql = CreateTableSql<T>();
    ASSERT_EQ(sqlite3_exec(derived_, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(derived_);
    std::vector<std::string> want = Describe(migrated_, table);
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(Describe(derived_, table), want) << "derived:\n" << sql;
  }

  std::string dir_;
  sqlite3* migrated_ = nullptr;
  sqlite3* derived_ = nullptr;
  std::set<std::string> checked_;
};

TEST_F(SqliteSchemaTest, DescriptorsGiveTheMigratedTables) {
  Check<Computer>();
  Check<Library>();
  Check<Changer>();
  Check<ChangerType>();
  Check<DriveType>();
  Check<Drive>();
  Check<Slot>();
  Check<IePort>();
  Check<MediaType>();
  Check<MediaPool>();
  Check<PhysicalMedia>();
  Check<Partition>();
  Check<LibRequest>();
  Check<AccessEntry>();
  // Every table of the catalogue has a descriptor (object_index is kept by
  // triggers, sqlite_sequence by SQLite).
  for (const std::string& t : Rows(migrated_, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")) {
    if (t == "object_index" || t == "sqlite_sequence") continue;
    EXPECT_TRUE(checked_.count(t)) << "table " << t << " has no descriptor in rows.cc";
  }
}

TEST_F(SqliteSchemaTest, ObjectTablesNameTheirNtmsType) {
  // TypeOf's answers come from object_index, filled by triggers: the type each
  // trigger writes must be the descriptor's.
  auto check = [&](const char* table, uint32_t type) {
    std::vector<std::string> sql =
        Rows(migrated_, std::string("SELECT sql FROM sqlite_schema WHERE name = '") + table + "_indexed'");
    ASSERT_EQ(sql.size(), 1u) << table;
    EXPECT_NE(sql[0].find("VALUES (NEW.id, " + std::to_string(type) + ")"), std::string::npos) << sql[0];
  };
  check(Table<Computer>().name, Table<Computer>().ntms_type);
  check(Table<Library>().name, Table<Library>().ntms_type);
  check(Table<Changer>().name, Table<Changer>().ntms_type);
  check(Table<ChangerType>().name, Table<ChangerType>().ntms_type);
  check(Table<DriveType>().name, Table<DriveType>().ntms_type);
  check(Table<Drive>().name, Table<Drive>().ntms_type);
  check(Table<Slot>().name, Table<Slot>().ntms_type);
  check(Table<IePort>().name, Table<IePort>().ntms_type);
  check(Table<MediaType>().name, Table<MediaType>().ntms_type);
  check(Table<MediaPool>().name, Table<MediaPool>().ntms_type);
  check(Table<PhysicalMedia>().name, Table<PhysicalMedia>().ntms_type);
  check(Table<Partition>().name, Table<Partition>().ntms_type);
  check(Table<LibRequest>().name, Table<LibRequest>().ntms_type);
}

TEST_F(SqliteSchemaTest, AddColumnRunsTheDescriptorsDefinition) {
  auto db = Db::Open(dir_ + "/add.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  // A drive table as an older schema had it: without mount_count.
  ASSERT_TRUE(db.value()
                  ->Exec("CREATE TABLE drive (id BLOB PRIMARY KEY CHECK (length(id) = 16), name TEXT NOT NULL) "
                         "STRICT, WITHOUT ROWID")
                  .ok());
  ASSERT_TRUE(db.value()->Exec("INSERT INTO drive VALUES (x'00112233445566778899aabbccddeeff', 'd0')").ok());
  Status unknown = AddColumn<Drive>(*db.value(), "no_such_column");
  EXPECT_EQ(unknown.code(), err::kDatabaseFailure) << unknown.ToString();
  // mount_count is "INTEGER NOT NULL" without a default: SQLite refuses to add
  // it to a table that has rows (the reason a new column needs a DEFAULT).
  EXPECT_FALSE(AddColumn<Drive>(*db.value(), "mount_count").ok());
  ASSERT_TRUE(AddColumn<Drive>(*db.value(), "mounted_side").ok());
  auto n = db.value()->QueryInt("SELECT count(*) FROM pragma_table_info('drive') WHERE name = 'mounted_side'");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 1);
}

}  // namespace
}  // namespace openrsm::catalog::sqlite
