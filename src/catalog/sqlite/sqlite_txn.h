// SqliteTxn: the SQLite implementation of catalog::Txn.
//
// A SqliteTxn owns a leased connection with an open transaction (BEGIN
// IMMEDIATE for writes, deferred BEGIN for reads) and must be used and
// destroyed by one thread at a time.
//
// Invariant: after the first SQLite failure the transaction is aborted; every
// later call (Commit included) returns that failure, and destruction rolls
// back. So a caller that ignores an error can never commit half a change,
// even when SQLite itself rolled the transaction back (SQLITE_FULL, IOERR, ...).
// A write's SQLITE_FULL also puts the pool into degraded mode (pool.h).
// ERROR_OBJECT_NOT_FOUND from a Get* is an answer, not a failure.
// Misuse (a Put* in a read Txn, any call after Commit) returns
// ERROR_INVALID_OPERATION; a Put* of an object with a null id returns
// ERROR_INVALID_PARAMETER; neither aborts the transaction.
#pragma once

#include <optional>

#include "catalog/sqlite/pool.h"
#include "catalog/store.h"

namespace openrsm::catalog::sqlite {

class SqliteTxn final : public Txn {
 public:
  // `lease` holds a connection on which BEGIN has succeeded.
  SqliteTxn(Lease lease, bool write) : lease_(std::move(lease)), write_(write) {}
  ~SqliteTxn() override;  // rolls back unless committed

  Result<uint32_t> TypeOf(const Guid& id) override;

  Result<Computer> GetComputer() override;
  Status PutComputer(const Computer& c) override;

  Result<Library> GetLibrary(const Guid& id) override;
  Result<std::optional<Library>> FindLibraryByName(const std::string& name) override;
  Result<std::vector<Library>> ListLibraries() override;
  Status PutLibrary(const Library& v) override;

  Result<Changer> GetChanger(const Guid& id) override;
  Result<std::vector<Changer>> ListChangers(const Guid& library) override;
  Status PutChanger(const Changer& v) override;

  Result<Drive> GetDrive(const Guid& id) override;
  Result<std::vector<Drive>> ListDrives(const Guid& library) override;
  Status PutDrive(const Drive& v) override;
  Result<std::optional<Drive>> FirstFreeDrive(const Guid& library) override;
  Result<uint64_t> CountFreeDrives(const Guid& library) override;

  Result<Slot> GetSlot(const Guid& id) override;
  Result<std::vector<Slot>> ListSlots(const Guid& library) override;
  Status PutSlot(const Slot& v) override;
  Result<std::optional<Slot>> FirstEmptySlot(const Guid& library) override;

  Result<IePort> GetIePort(const Guid& id) override;
  Result<std::vector<IePort>> ListIePorts(const Guid& library) override;
  Status PutIePort(const IePort& v) override;

  Result<ChangerType> GetChangerType(const Guid& id) override;
  Result<std::vector<ChangerType>> ListChangerTypes() override;
  Status PutChangerType(const ChangerType& v) override;
  Result<DriveType> GetDriveType(const Guid& id) override;
  Result<std::vector<DriveType>> ListDriveTypes() override;
  Status PutDriveType(const DriveType& v) override;
  Result<MediaType> GetMediaType(const Guid& id) override;
  Result<std::vector<MediaType>> ListMediaTypes() override;
  Status PutMediaType(const MediaType& v) override;

  Result<MediaPool> GetMediaPool(const Guid& id) override;
  Result<std::vector<MediaPool>> ListMediaPools(const Guid& parent) override;
  Result<std::vector<MediaPool>> ListAllMediaPools() override;
  Status PutMediaPool(const MediaPool& v) override;

  Result<PhysicalMedia> GetPhysicalMedia(const Guid& id) override;
  Result<std::optional<PhysicalMedia>> FindPhysicalMediaByBarcode(const std::string& barcode) override;
  Result<std::vector<PhysicalMedia>> ListPhysicalMedia(const Guid& library, const Guid& pool) override;
  Result<std::vector<Guid>> ListPhysicalMediaIds(const Guid& library, const Guid& pool) override;
  Result<std::vector<Guid>> ListOfflinePhysicalMediaIds() override;
  Result<uint64_t> CountOfflinePhysicalMedia() override;
  Result<uint64_t> CountPhysicalMedia(const Guid& library, const Guid& pool) override;
  Status PutPhysicalMedia(const PhysicalMedia& v) override;
  // ERROR_OBJECT_NOT_FOUND when there is no such media. Also deletes its
  // partitions and the access entries of both.
  Status DeletePhysicalMedia(const Guid& id) override;

  Result<Partition> GetPartition(const Guid& id) override;
  // Null pmid: every partition, by pmid then side.
  Result<std::vector<Partition>> ListPartitions(const Guid& pmid) override;
  Result<std::vector<Guid>> ListPartitionIdsInPool(const Guid& pool) override;
  Result<uint64_t> CountPartitions(const Guid& pmid) override;
  Status PutPartition(const Partition& v) override;
  Result<std::vector<Guid>> ReleaseSidesHeldBy(const Guid& session) override;

  Result<LibRequest> GetLibRequest(const Guid& id) override;
  Result<std::vector<LibRequest>> ListLibRequests(const Guid& library, const std::vector<uint32_t>& states) override;
  Result<std::vector<Guid>> ListLibRequestIds(const Guid& library, const std::vector<uint32_t>& states) override;
  Status PutLibRequest(LibRequest& v) override;
  Result<uint64_t> CountLibRequests(const Guid& library) override;
  Result<uint64_t> PurgeLibRequests(int64_t before_ms) override;

  Result<uint64_t> CountLibraryElements(uint32_t type, const Guid& library) override;
  Result<uint64_t> CountMediaPools(const Guid& parent) override;
  Status DeleteMediaPool(const Guid& id) override;

  Result<std::vector<AccessEntry>> GetAccess(const Guid& object) override;
  Status PutAccess(const AccessEntry& e) override;

  Status Commit() override;

 private:
  // OK when the Txn may run a statement (a write one when `writes`).
  Status Usable(bool writes) const;
  // Passes `st` through; a failure aborts the Txn (and latches damage).
  Status Guard(Status st);
  template <typename R>
  R Guard(R r) {
    if (!r.ok()) (void)Guard(r.status());
    return r;
  }
  template <typename T>
  Result<T> Get(const Guid& id);
  template <typename T, typename BindFn>
  Result<std::vector<T>> List(const std::string& sql, BindFn bind);
  template <typename T>
  Status Put(const T& v);
  template <typename T>
  Result<bool> UpdateChanged(const T& v, int64_t* stored_seq);
  Status DeleteMediaRows(const Guid& id);
  // The ids (column 0) or the count of `sql`, bound by `bind`.
  template <typename BindFn>
  Result<std::vector<Guid>> Ids(const std::string& sql, BindFn bind);
  template <typename BindFn>
  Result<uint64_t> Count(const std::string& sql, BindFn bind);

  Db& db() { return lease_.db(); }

  Lease lease_;
  const bool write_;
  bool committed_ = false;
  std::optional<Status> aborted_;
};

}  // namespace openrsm::catalog::sqlite
