#include "tests/daemon/faulty_store.h"

#include <spdlog/spdlog.h>

#include <new>

namespace openrsm::testdaemon {

using catalog::Txn;
using Point = StoreFault::Point;

namespace {

thread_local FaultyStore::ThreadFault* t_armed = nullptr;

// Forwards every call to the store's transaction, through FaultyStore::Hit
// at each read, write and the commit.
class FaultyTxn final : public Txn {
 public:
  explicit FaultyTxn(std::unique_ptr<Txn> inner) : inner_(std::move(inner)) {}

  Result<uint32_t> TypeOf(const Guid& id) override {
    return Read("TypeOf", [&] { return inner_->TypeOf(id); });
  }
  Result<catalog::Computer> GetComputer() override {
    return Read("GetComputer", [&] { return inner_->GetComputer(); });
  }
  Status PutComputer(const catalog::Computer& c) override {
    return Write("PutComputer", [&] { return inner_->PutComputer(c); });
  }
  Result<catalog::Library> GetLibrary(const Guid& id) override {
    return Read("GetLibrary", [&] { return inner_->GetLibrary(id); });
  }
  Result<std::optional<catalog::Library>> FindLibraryByName(const std::string& name) override {
    return Read("FindLibraryByName", [&] { return inner_->FindLibraryByName(name); });
  }
  Result<std::vector<catalog::Library>> ListLibraries() override {
    return Read("ListLibraries", [&] { return inner_->ListLibraries(); });
  }
  Status PutLibrary(const catalog::Library& v) override {
    return Write("PutLibrary", [&] { return inner_->PutLibrary(v); });
  }
  Result<catalog::Changer> GetChanger(const Guid& id) override {
    return Read("GetChanger", [&] { return inner_->GetChanger(id); });
  }
  Result<std::vector<catalog::Changer>> ListChangers(const Guid& library) override {
    return Read("ListChangers", [&] { return inner_->ListChangers(library); });
  }
  Status PutChanger(const catalog::Changer& v) override {
    return Write("PutChanger", [&] { return inner_->PutChanger(v); });
  }
  Result<catalog::Drive> GetDrive(const Guid& id) override {
    return Read("GetDrive", [&] { return inner_->GetDrive(id); });
  }
  Result<std::vector<catalog::Drive>> ListDrives(const Guid& library) override {
    return Read("ListDrives", [&] { return inner_->ListDrives(library); });
  }
  Status PutDrive(const catalog::Drive& v) override {
    return Write("PutDrive", [&] { return inner_->PutDrive(v); });
  }
  Result<std::optional<catalog::Drive>> FirstFreeDrive(const Guid& library) override {
    return Read("FirstFreeDrive", [&] { return inner_->FirstFreeDrive(library); });
  }
  Result<uint64_t> CountFreeDrives(const Guid& library) override {
    return Read("CountFreeDrives", [&] { return inner_->CountFreeDrives(library); });
  }
  Result<catalog::Slot> GetSlot(const Guid& id) override {
    return Read("GetSlot", [&] { return inner_->GetSlot(id); });
  }
  Result<std::vector<catalog::Slot>> ListSlots(const Guid& library) override {
    return Read("ListSlots", [&] { return inner_->ListSlots(library); });
  }
  Status PutSlot(const catalog::Slot& v) override {
    return Write("PutSlot", [&] { return inner_->PutSlot(v); });
  }
  Result<std::optional<catalog::Slot>> FirstEmptySlot(const Guid& library) override {
    return Read("FirstEmptySlot", [&] { return inner_->FirstEmptySlot(library); });
  }
  Result<catalog::IePort> GetIePort(const Guid& id) override {
    return Read("GetIePort", [&] { return inner_->GetIePort(id); });
  }
  Result<std::vector<catalog::IePort>> ListIePorts(const Guid& library) override {
    return Read("ListIePorts", [&] { return inner_->ListIePorts(library); });
  }
  Status PutIePort(const catalog::IePort& v) override {
    return Write("PutIePort", [&] { return inner_->PutIePort(v); });
  }
  Result<catalog::ChangerType> GetChangerType(const Guid& id) override {
    return Read("GetChangerType", [&] { return inner_->GetChangerType(id); });
  }
  Result<std::vector<catalog::ChangerType>> ListChangerTypes() override {
    return Read("ListChangerTypes", [&] { return inner_->ListChangerTypes(); });
  }
  Status PutChangerType(const catalog::ChangerType& v) override {
    return Write("PutChangerType", [&] { return inner_->PutChangerType(v); });
  }
  Result<catalog::DriveType> GetDriveType(const Guid& id) override {
    return Read("GetDriveType", [&] { return inner_->GetDriveType(id); });
  }
  Result<std::vector<catalog::DriveType>> ListDriveTypes() override {
    return Read("ListDriveTypes", [&] { return inner_->ListDriveTypes(); });
  }
  Status PutDriveType(const catalog::DriveType& v) override {
    return Write("PutDriveType", [&] { return inner_->PutDriveType(v); });
  }
  Result<catalog::MediaType> GetMediaType(const Guid& id) override {
    return Read("GetMediaType", [&] { return inner_->GetMediaType(id); });
  }
  Result<std::vector<catalog::MediaType>> ListMediaTypes() override {
    return Read("ListMediaTypes", [&] { return inner_->ListMediaTypes(); });
  }
  Status PutMediaType(const catalog::MediaType& v) override {
    return Write("PutMediaType", [&] { return inner_->PutMediaType(v); });
  }
  Result<catalog::MediaPool> GetMediaPool(const Guid& id) override {
    return Read("GetMediaPool", [&] { return inner_->GetMediaPool(id); });
  }
  Result<std::vector<catalog::MediaPool>> ListMediaPools(const Guid& parent) override {
    return Read("ListMediaPools", [&] { return inner_->ListMediaPools(parent); });
  }
  Result<std::vector<catalog::MediaPool>> ListAllMediaPools() override {
    return Read("ListAllMediaPools", [&] { return inner_->ListAllMediaPools(); });
  }
  Status PutMediaPool(const catalog::MediaPool& v) override {
    return Write("PutMediaPool", [&] { return inner_->PutMediaPool(v); });
  }
  Result<catalog::PhysicalMedia> GetPhysicalMedia(const Guid& id) override {
    return Read("GetPhysicalMedia", [&] { return inner_->GetPhysicalMedia(id); });
  }
  Result<std::optional<catalog::PhysicalMedia>> FindPhysicalMediaByBarcode(const std::string& barcode) override {
    return Read("FindPhysicalMediaByBarcode", [&] { return inner_->FindPhysicalMediaByBarcode(barcode); });
  }
  Result<std::vector<catalog::PhysicalMedia>> ListPhysicalMedia(const Guid& library, const Guid& pool) override {
    return Read("ListPhysicalMedia", [&] { return inner_->ListPhysicalMedia(library, pool); });
  }
  Result<std::vector<Guid>> ListPhysicalMediaIds(const Guid& library, const Guid& pool) override {
    return Read("ListPhysicalMediaIds", [&] { return inner_->ListPhysicalMediaIds(library, pool); });
  }
  Result<uint64_t> CountPhysicalMedia(const Guid& library, const Guid& pool) override {
    return Read("CountPhysicalMedia", [&] { return inner_->CountPhysicalMedia(library, pool); });
  }
  Result<std::vector<Guid>> ListOfflinePhysicalMediaIds() override {
    return Read("ListOfflinePhysicalMediaIds", [&] { return inner_->ListOfflinePhysicalMediaIds(); });
  }
  Result<uint64_t> CountOfflinePhysicalMedia() override {
    return Read("CountOfflinePhysicalMedia", [&] { return inner_->CountOfflinePhysicalMedia(); });
  }
  Status PutPhysicalMedia(const catalog::PhysicalMedia& v) override {
    return Write("PutPhysicalMedia", [&] { return inner_->PutPhysicalMedia(v); });
  }
  Status DeletePhysicalMedia(const Guid& id) override {
    return Write("DeletePhysicalMedia", [&] { return inner_->DeletePhysicalMedia(id); });
  }
  Result<catalog::Partition> GetPartition(const Guid& id) override {
    return Read("GetPartition", [&] { return inner_->GetPartition(id); });
  }
  Result<std::vector<catalog::Partition>> ListPartitions(const Guid& pmid) override {
    return Read("ListPartitions", [&] { return inner_->ListPartitions(pmid); });
  }
  Result<std::vector<Guid>> ListPartitionIdsInPool(const Guid& pool) override {
    return Read("ListPartitionIdsInPool", [&] { return inner_->ListPartitionIdsInPool(pool); });
  }
  Result<uint64_t> CountPartitions(const Guid& pmid) override {
    return Read("CountPartitions", [&] { return inner_->CountPartitions(pmid); });
  }
  Status PutPartition(const catalog::Partition& v) override {
    return Write("PutPartition", [&] { return inner_->PutPartition(v); });
  }
  Result<std::vector<Guid>> ReleaseSidesHeldBy(const Guid& session) override {
    return Write("ReleaseSidesHeldBy", [&] { return inner_->ReleaseSidesHeldBy(session); });
  }
  Result<catalog::LibRequest> GetLibRequest(const Guid& id) override {
    return Read("GetLibRequest", [&] { return inner_->GetLibRequest(id); });
  }
  Result<std::vector<catalog::LibRequest>> ListLibRequests(const Guid& library,
                                                           const std::vector<uint32_t>& states) override {
    return Read("ListLibRequests", [&] { return inner_->ListLibRequests(library, states); });
  }
  Result<std::vector<Guid>> ListLibRequestIds(const Guid& library, const std::vector<uint32_t>& states) override {
    return Read("ListLibRequestIds", [&] { return inner_->ListLibRequestIds(library, states); });
  }
  Status PutLibRequest(catalog::LibRequest& v) override {
    return Write("PutLibRequest", [&] { return inner_->PutLibRequest(v); });
  }
  Result<uint64_t> CountLibRequests(const Guid& library) override {
    return Read("CountLibRequests", [&] { return inner_->CountLibRequests(library); });
  }
  Result<uint64_t> PurgeLibRequests(int64_t before_ms) override {
    return Write("PurgeLibRequests", [&] { return inner_->PurgeLibRequests(before_ms); });
  }
  Result<uint64_t> CountLibraryElements(uint32_t type, const Guid& library) override {
    return Read("CountLibraryElements", [&] { return inner_->CountLibraryElements(type, library); });
  }
  Result<uint64_t> CountMediaPools(const Guid& parent) override {
    return Read("CountMediaPools", [&] { return inner_->CountMediaPools(parent); });
  }
  Status DeleteMediaPool(const Guid& id) override {
    return Write("DeleteMediaPool", [&] { return inner_->DeleteMediaPool(id); });
  }
  Result<std::vector<catalog::AccessEntry>> GetAccess(const Guid& object) override {
    return Read("GetAccess", [&] { return inner_->GetAccess(object); });
  }
  Status PutAccess(const catalog::AccessEntry& e) override {
    return Write("PutAccess", [&] { return inner_->PutAccess(e); });
  }
  Status Commit() override {
    RSM_RETURN_IF_ERROR(FaultyStore::Hit(Point::kCommit, "Commit"));
    return inner_->Commit();
  }

 private:
  template <typename Fn>
  static auto Read(const char* operation, Fn&& fn) -> decltype(fn()) {
    if (Status st = FaultyStore::Hit(Point::kRead, operation); !st.ok()) return st;
    return fn();
  }
  template <typename Fn>
  static auto Write(const char* operation, Fn&& fn) -> decltype(fn()) {
    if (Status st = FaultyStore::Hit(Point::kWrite, operation); !st.ok()) return st;
    return fn();
  }

  std::unique_ptr<Txn> inner_;
};

Result<std::unique_ptr<Txn>> Wrap(Result<std::unique_ptr<Txn>> txn) {
  if (!txn.ok()) return txn.status();
  return std::unique_ptr<Txn>(new FaultyTxn(std::move(txn).value()));
}

}  // namespace

std::optional<Point> ParsePoint(std::string_view text) {
  if (text == "begin") return Point::kBegin;
  if (text == "read") return Point::kRead;
  if (text == "write") return Point::kWrite;
  if (text == "commit") return Point::kCommit;
  return std::nullopt;
}

const char* PointName(Point point) {
  switch (point) {
    case Point::kBegin:
      return "begin";
    case Point::kRead:
      return "read";
    case Point::kWrite:
      return "write";
    case Point::kCommit:
      return "commit";
  }
  return "?";
}

FaultyStore::ThreadFault::ThreadFault(StoreFault fault, std::string label)
    : fault_(fault), label_(std::move(label)), previous_(t_armed) {
  t_armed = this;
}

FaultyStore::ThreadFault::~ThreadFault() { t_armed = previous_; }

Status FaultyStore::Hit(Point point, const char* operation) {
  ThreadFault* f = t_armed;
  if (f == nullptr || f->fired_ || f->fault_.point != point) return Status::Ok();
  f->fired_ = true;
  spdlog::warn("test daemon: injected {} in {} at its first catalogue {} ({})",
               f->fault_.error ? "failure " + std::to_string(f->fault_.error) : std::string("allocation failure"),
               f->label_, PointName(point), operation);
  if (f->fault_.error == 0) throw std::bad_alloc();
  return Status(f->fault_.error, "injected catalogue failure (test daemon)");
}

Result<std::unique_ptr<Txn>> FaultyStore::Begin(bool write) {
  RSM_RETURN_IF_ERROR(Hit(Point::kBegin, write ? "Begin(write)" : "Begin(read)"));
  return Wrap(inner_->Begin(write));
}

Result<std::unique_ptr<Txn>> FaultyStore::BeginUnsynced() {
  RSM_RETURN_IF_ERROR(Hit(Point::kBegin, "BeginUnsynced"));
  return Wrap(inner_->BeginUnsynced());
}

Result<std::unique_ptr<Txn>> FaultyStore::BeginRecovery() {
  RSM_RETURN_IF_ERROR(Hit(Point::kBegin, "BeginRecovery"));
  return Wrap(inner_->BeginRecovery());
}

}  // namespace openrsm::testdaemon
