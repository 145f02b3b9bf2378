// NewMemoryStore: an in-memory catalog::Store, the test double of the
// catalogue, part of openrsm_catalog (a static library: rsmd, which never
// calls NewMemoryStore, links none of it).
//
// It implements the whole Txn contract of store.h with the SQLite store's
// error semantics, and passes the same contract suite
// (tests/unit/store_contract_test.cc):
//  - a read Txn reads the snapshot committed when it began and never waits;
//  - a write Txn works on a private copy of the catalogue, published
//    atomically by Commit(); destroyed uncommitted, it is dropped;
//  - write Txns are serialized: Begin(true) waits for the one in progress up
//    to `write_wait`, then fails with ERROR_DATABASE_FAILURE;
//  - ERROR_OBJECT_NOT_FOUND, ERROR_INVALID_OPERATION and
//    ERROR_INVALID_PARAMETER as store.h says; a Put* whose id is already an
//    object of another kind fails ERROR_DATABASE_FAILURE ("UNIQUE") and
//    aborts the Txn; Commit() checks every reference the SQLite schema has a
//    foreign key for (docs/catalog.md "Schema") and fails with
//    ERROR_DATABASE_FAILURE ("FOREIGN KEY") when one dangles.
// It has no page cap, reserve, files or backups: SetMaxPages and Backup
// return ERROR_NOT_SUPPORTED; BeginUnsynced and BeginRecovery are Begin(true);
// it is never degraded and CheckFiles/TryRestoreReserve return OK. Nothing is
// durable: the catalogue lives as long as the Store and its Txns.
//
// Costs (a test double): Begin(true) copies the catalogue, Commit() scans
// every reference; lists sort what they filter. Fine for thousands of objects.
//
// Thread safety: the Store is thread-safe; a Txn is used by one thread at a
// time and may outlive its Store.
#pragma once

#include <chrono>
#include <memory>

#include "catalog/store.h"

namespace openrsm::catalog {

struct MemoryStoreOptions {
  // How long Begin(true) waits for the write Txn in progress (the SQLite
  // store's busy timeout is 5 s).
  std::chrono::milliseconds write_wait{5000};
};

std::unique_ptr<Store> NewMemoryStore(const MemoryStoreOptions& options = {});

}  // namespace openrsm::catalog
