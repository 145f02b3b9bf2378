// MediaTxn: media types, physical media (cartridges) and their partitions
// (sides), one aggregate of catalog::Txn (store.h).
//
// Every method follows the Txn contract at the top of store.h. Code that only
// needs this aggregate takes a MediaTxn&; a catalog::Txn is one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/model.h"
#include "common/status.h"

namespace openrsm::catalog {

class MediaTxn {
 public:
  // ---- media types ----
  virtual Result<MediaType> GetMediaType(const Guid& id) = 0;
  // Every media type, by name then id.
  virtual Result<std::vector<MediaType>> ListMediaTypes() = 0;
  virtual Status PutMediaType(const MediaType& v) = 0;

  // ---- physical media ----
  virtual Result<PhysicalMedia> GetPhysicalMedia(const Guid& id) = 0;
  // Bar codes are not unique. Of several media with `barcode`, the one whose
  // op_state is not NTMS_NEEDS_SERVICE (a quarantined duplicate) comes
  // first, then the oldest (created_ms, then id): the catalogued cartridge.
  // std::nullopt: no media has that bar code.
  virtual Result<std::optional<PhysicalMedia>> FindPhysicalMediaByBarcode(const std::string& barcode) = 0;
  // Media of `library` in `pool`, ordered by id. Filters are ANDed; a null
  // Guid means "any".
  virtual Result<std::vector<PhysicalMedia>> ListPhysicalMedia(const Guid& library, const Guid& pool) = 0;
  // Ids only, ordered by id, with the filters of ListPhysicalMedia: no row is decoded.
  virtual Result<std::vector<Guid>> ListPhysicalMediaIds(const Guid& library, const Guid& pool) = 0;
  // The size of ListPhysicalMedia(library, pool).
  virtual Result<uint64_t> CountPhysicalMedia(const Guid& library, const Guid& pool) = 0;
  // Offline media (no current library: the offline library's cartridges),
  // ordered by id, and their number.
  virtual Result<std::vector<Guid>> ListOfflinePhysicalMediaIds() = 0;
  virtual Result<uint64_t> CountOfflinePhysicalMedia() = 0;
  virtual Status PutPhysicalMedia(const PhysicalMedia& v) = 0;  // insert or replace
  // Deletes the media, its partitions and the access entries of both.
  // ERROR_OBJECT_NOT_FOUND (not aborting) when `id` is not a physical media.
  // Drives, slots or ports still referring to it make Commit() fail.
  virtual Status DeletePhysicalMedia(const Guid& id) = 0;

  // ---- partitions (sides) ----
  virtual Result<Partition> GetPartition(const Guid& id) = 0;
  // The sides of cartridge `pmid`, by side then id (a null pmid: every side,
  // by pmid, side, id).
  virtual Result<std::vector<Partition>> ListPartitions(const Guid& pmid) = 0;
  // Ids of the sides of every media in `pool` (null = every side), by media id
  // then side then id.
  virtual Result<std::vector<Guid>> ListPartitionIdsInPool(const Guid& pool) = 0;
  // How many sides cartridge `pmid` has (0 for a null or unknown pmid).
  virtual Result<uint64_t> CountPartitions(const Guid& pmid) = 0;
  virtual Status PutPartition(const Partition& v) = 0;  // insert or replace
  // A write: clears in_use_by of every side held by `session` (null: held by
  // anyone), nothing else, and returns the ids of their cartridges (each once,
  // in no particular order). O(sides held), not O(media).
  virtual Result<std::vector<Guid>> ReleaseSidesHeldBy(const Guid& session) = 0;

 protected:
  ~MediaTxn() = default;  // owned and destroyed as a catalog::Txn
};

}  // namespace openrsm::catalog
