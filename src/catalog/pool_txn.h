// PoolTxn: media pools (a tree: top-level pools and their children), one
// aggregate of catalog::Txn (store.h).
//
// Every method follows the Txn contract at the top of store.h. Code that only
// needs this aggregate takes a PoolTxn&; a catalog::Txn is one.
#pragma once

#include <cstdint>
#include <vector>

#include "catalog/model.h"
#include "common/status.h"

namespace openrsm::catalog {

class PoolTxn {
 public:
  virtual Result<MediaPool> GetMediaPool(const Guid& id) = 0;
  // The children of `parent` (null: the top-level pools), by name then id.
  virtual Result<std::vector<MediaPool>> ListMediaPools(const Guid& parent) = 0;
  // Every pool at every level, by name then id.
  virtual Result<std::vector<MediaPool>> ListAllMediaPools() = 0;
  virtual Status PutMediaPool(const MediaPool& v) = 0;  // insert or replace
  // The size of ListMediaPools(parent).
  virtual Result<uint64_t> CountMediaPools(const Guid& parent) = 0;
  // Deletes the pool and its access entries. ERROR_OBJECT_NOT_FOUND (not
  // aborting) when `id` is not a media pool. Child pools or media still
  // referring to it make Commit() fail (the caller checks emptiness first).
  virtual Status DeleteMediaPool(const Guid& id) = 0;

 protected:
  ~PoolTxn() = default;  // owned and destroyed as a catalog::Txn
};

}  // namespace openrsm::catalog
