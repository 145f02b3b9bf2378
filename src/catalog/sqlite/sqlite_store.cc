// OpenSqliteStore: the embedded SQLite catalogue (docs/catalog.md).
//
// Thread safety: the Store is thread-safe. Each Begin() leases a pooled
// connection (pool.h), so read Txns on different threads run in parallel and
// never wait for a writer (WAL); write Txns wait for each other up to 5 s,
// then fail with ERROR_DATABASE_FAILURE. A Txn may outlive its Store (the
// pool is shared), but must be used by one thread at a time.
#include <fmt/format.h>

#include "catalog/sqlite/file_check.h"
#include "catalog/sqlite/pool.h"
#include "catalog/sqlite/schema.h"
#include "catalog/sqlite/sqlite_txn.h"
#include "catalog/store.h"

namespace openrsm::catalog {
namespace {

using sqlite::Db;
using sqlite::Lease;
using sqlite::Pool;

const std::string kBeginWrite = "BEGIN IMMEDIATE";
const std::string kBeginRead = "BEGIN";
// synchronous may only change outside a transaction, and takes effect when
// the pragma is compiled (so it is run with Exec, never cached). Each
// connection keeps FULL (pool.cc) unless an unsynced write last used it.
constexpr const char* kSyncNormal = "PRAGMA synchronous = NORMAL";
constexpr const char* kSyncFull = "PRAGMA synchronous = FULL";

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}

  Result<std::unique_ptr<Txn>> Begin(bool write) override { return BeginImpl(write, /*synced=*/true); }
  Result<std::unique_ptr<Txn>> BeginUnsynced() override { return BeginImpl(true, /*synced=*/false); }

  // Applies to transactions begun after the call (each connection takes the
  // cap when it is next leased); 0 removes the cap.
  Status SetMaxPages(uint32_t pages) override {
    pool_->set_max_pages(pages);
    return Status::Ok();
  }

 private:
  Result<std::unique_ptr<Txn>> BeginImpl(bool write, bool synced) {
    RSM_ASSIGN_OR_RETURN(Lease lease, pool_->Acquire(write));
    Db& db = lease.db();
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

// Opens the first connection, migrates the schema and makes sure the main
// file holds a header (a new database lives only in its WAL until the first
// checkpoint), then records what a healthy header looks like.
Result<std::unique_ptr<Db>> OpenAndMigrate(const SqliteOptions& options, sqlite::FileExpectation* expect) {
  RSM_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, sqlite::OpenConnection(options));
  RSM_RETURN_IF_ERROR(sqlite::Migrate(*db));
  // FULL waits (busy timeout) for other processes' readers, so that the
  // main file holds the migrated header.
  RSM_RETURN_IF_ERROR(db->Exec("PRAGMA wal_checkpoint(FULL)"));
  RSM_RETURN_IF_ERROR(sqlite::ReadFileExpectation(*db, expect));
  if (expect->application_id != sqlite::kApplicationId)
    return Status(err::kDatabaseFailure, "catalog failure: the main file's header is not checkpointed");
  return db;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  sqlite::FileExpectation expect;
  RSM_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, OpenAndMigrate(options, &expect));
  auto pool = std::make_shared<Pool>(options, expect, std::move(db));
  return std::unique_ptr<Store>(new SqliteStore(std::move(pool)));
}

}  // namespace openrsm::catalog
