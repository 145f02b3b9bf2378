#include "catalog/memory/memory_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <semaphore>
#include <tuple>

#include "catalog/ntms_values.h"
#include "common/thread_annotations.h"

namespace openrsm::catalog {
namespace {

// The name (as the SQLite table's, for messages) and NTMS type of each kind.
template <typename T>
struct Kind;
#define RSM_KIND(T, table, type)                \
  template <>                                   \
  struct Kind<T> {                              \
    static constexpr const char* kName = table; \
    static constexpr uint32_t kType = type;     \
  }
RSM_KIND(Computer, "computer", ntms::kComputer);
RSM_KIND(Library, "library", ntms::kLibrary);
RSM_KIND(Changer, "changer", ntms::kChanger);
RSM_KIND(ChangerType, "changer_type", ntms::kChangerType);
RSM_KIND(DriveType, "drive_type", ntms::kDriveType);
RSM_KIND(Drive, "drive", ntms::kDrive);
RSM_KIND(Slot, "slot", ntms::kStorageSlot);
RSM_KIND(IePort, "ieport", ntms::kIePort);
RSM_KIND(MediaType, "media_type", ntms::kMediaType);
RSM_KIND(MediaPool, "media_pool", ntms::kMediaPool);
RSM_KIND(PhysicalMedia, "physical_media", ntms::kPhysicalMedia);
RSM_KIND(Partition, "partition", ntms::kPartition);
RSM_KIND(LibRequest, "lib_request", ntms::kLibRequest);
#undef RSM_KIND

template <typename T>
using Rows = std::map<Guid, T>;  // by id

// One version of the whole catalogue.
struct State {
  std::tuple<Rows<Computer>, Rows<Library>, Rows<Changer>, Rows<Drive>, Rows<Slot>, Rows<IePort>, Rows<MediaType>,
             Rows<MediaPool>, Rows<PhysicalMedia>, Rows<Partition>, Rows<LibRequest>, Rows<ChangerType>,
             Rows<DriveType>>
      tables;
  std::map<std::tuple<Guid, bool, uint32_t>, AccessEntry> access;  // by (object, is_group, principal)
  std::map<Guid, uint32_t> types;                                  // every object id -> its NTMS type
  uint64_t last_seq = 0;                                           // the largest seq ever assigned

  template <typename T>
  Rows<T>& rows() {
    return std::get<Rows<T>>(tables);
  }
  template <typename T>
  const Rows<T>& rows() const {
    return std::get<Rows<T>>(tables);
  }
};

// What the Store and its Txns share.
struct Shared {
  explicit Shared(const MemoryStoreOptions& o) : options(o) {}
  const MemoryStoreOptions options;
  std::binary_semaphore write_gate{1};  // held by the write Txn in progress
  Mutex mu;
  std::shared_ptr<const State> committed RSM_GUARDED_BY(mu) = std::make_shared<State>();

  std::shared_ptr<const State> Snapshot() {
    MutexLock lock(&mu);
    return committed;
  }
  void Publish(std::shared_ptr<const State> s) {
    MutexLock lock(&mu);
    committed = std::move(s);
  }
};

Status NotFound(const char* what, const Guid& id) {
  return Status(err::kObjectNotFound, fmt::format("catalog: no {} {}", what, id.ToString()));
}

// The first reference `field` of a `From` row to a `To` row that does not
// exist, as a message ("" when none). Null references are fine.
template <typename From, typename To>
void CheckRef(const State& s, const char* column, Guid From::*field, std::string* err) {
  if (!err->empty()) return;
  for (const auto& [id, v] : s.rows<From>()) {
    const Guid& ref = v.*field;
    if (ref.IsNull() || s.rows<To>().count(ref)) continue;
    *err = fmt::format("{} {}: {} {} does not exist", Kind<From>::kName, id.ToString(), column, ref.ToString());
    return;
  }
}

// The references the SQLite schema has foreign keys for (docs/catalog.md "Schema").
std::string DanglingReference(const State& s) {
  std::string err;
  CheckRef<Changer, Library>(s, "library", &Changer::library, &err);
  CheckRef<Drive, Library>(s, "library", &Drive::library, &err);
  CheckRef<Slot, Library>(s, "library", &Slot::library, &err);
  CheckRef<IePort, Library>(s, "library", &IePort::library, &err);
  CheckRef<LibRequest, Library>(s, "library", &LibRequest::library, &err);
  CheckRef<Drive, PhysicalMedia>(s, "media", &Drive::media, &err);
  CheckRef<Slot, PhysicalMedia>(s, "media", &Slot::media, &err);
  CheckRef<IePort, PhysicalMedia>(s, "media", &IePort::media, &err);
  CheckRef<PhysicalMedia, Library>(s, "library", &PhysicalMedia::library, &err);
  CheckRef<PhysicalMedia, MediaPool>(s, "pool", &PhysicalMedia::pool, &err);
  CheckRef<PhysicalMedia, MediaType>(s, "media_type", &PhysicalMedia::media_type, &err);
  CheckRef<PhysicalMedia, Slot>(s, "home_slot", &PhysicalMedia::home_slot, &err);
  CheckRef<MediaPool, MediaType>(s, "media_type", &MediaPool::media_type, &err);
  CheckRef<MediaPool, MediaPool>(s, "parent", &MediaPool::parent, &err);
  CheckRef<Partition, PhysicalMedia>(s, "pmid", &Partition::pmid, &err);
  CheckRef<Changer, ChangerType>(s, "changer_type", &Changer::changer_type, &err);
  CheckRef<Drive, DriveType>(s, "drive_type", &Drive::drive_type, &err);
  CheckRef<Computer, Library>(s, "offline_library", &Computer::offline_library, &err);
  CheckRef<Computer, MediaPool>(s, "root_pool", &Computer::root_pool, &err);
  return err;
}

bool IsCompleted(uint32_t state) {
  return state == ntms::kLmPassed || state == ntms::kLmFailed || state == ntms::kLmCancelled;
}

// ---- predicates and orders ----
constexpr auto Any = [](const auto&) { return true; };
template <typename T>
bool ById(const T& a, const T& b) {
  return a.h.id < b.h.id;
}
template <typename T>
bool ByName(const T& a, const T& b) {
  return std::tie(a.h.name, a.h.id) < std::tie(b.h.name, b.h.id);
}
// Library first: the order of a list over every library.
template <typename T>
bool ByNumber(const T& a, const T& b) {
  return std::tie(a.library, a.number, a.h.id) < std::tie(b.library, b.number, b.h.id);
}
bool BySide(const Partition& a, const Partition& b) {
  return std::tie(a.pmid, a.side, a.h.id) < std::tie(b.pmid, b.side, b.h.id);
}
template <typename T>
auto InLibrary(const Guid& library) {
  return [library](const T& v) { return library.IsNull() || v.library == library; };
}
// Enabled and empty, of `library` (a null library matches nothing, as SQL's "= NULL").
template <typename T>
auto FreeIn(const Guid& library) {
  return [library](const T& v) { return !library.IsNull() && v.library == library && v.h.enabled && v.media.IsNull(); };
}
auto MediaFilter(const Guid& library, const Guid& pool) {
  return [library, pool](const PhysicalMedia& m) {
    return (library.IsNull() || m.library == library) && (pool.IsNull() || m.pool == pool);
  };
}
template <typename T>
std::optional<T> First(std::vector<T> v) {
  if (v.empty()) return std::nullopt;
  return std::move(v.front());
}
template <typename T>
std::vector<Guid> Ids(const std::vector<T>& v) {
  std::vector<Guid> out;
  for (const T& x : v) out.push_back(x.h.id);
  return out;
}

class MemoryTxn final : public Txn {
 public:
  // A write Txn holds `shared`'s write gate (released when it ends).
  MemoryTxn(std::shared_ptr<Shared> shared, bool write) : shared_(std::move(shared)), write_(write) {
    snapshot_ = shared_->Snapshot();
    if (write_) work_ = std::make_unique<State>(*snapshot_);
  }
  ~MemoryTxn() override { End(); }

  Result<uint32_t> TypeOf(const Guid& id) override {
    RSM_RETURN_IF_ERROR(Usable(false));
    auto it = Read().types.find(id);
    if (id.IsNull() || it == Read().types.end()) return NotFound("object", id);
    return it->second;
  }

  // ---- LibraryTxn ----
  Result<Computer> GetComputer() override {
    RSM_RETURN_IF_ERROR(Usable(false));
    const auto& rows = Read().rows<Computer>();
    if (rows.empty()) return Status(err::kObjectNotFound, "catalog: no computer");
    return rows.begin()->second;
  }
  Status PutComputer(const Computer& c) override {
    RSM_RETURN_IF_ERROR(Usable(true));
    if (c.h.id.IsNull()) return Status(err::kInvalidParameter, "catalog: computer with a null id");
    auto& rows = work_->rows<Computer>();
    for (auto it = rows.begin(); it != rows.end();) {  // one computer only
      if (it->first == c.h.id) {
        ++it;
        continue;
      }
      work_->types.erase(it->first);
      it = rows.erase(it);
    }
    return Put(c);
  }

  Result<Library> GetLibrary(const Guid& id) override { return Get<Library>(id); }
  Result<std::optional<Library>> FindLibraryByName(const std::string& name) override {
    RSM_ASSIGN_OR_RETURN(std::vector<Library> v,
                         Select<Library>([&](const Library& l) { return l.h.name == name; }, ById<Library>));
    return First(std::move(v));
  }
  Result<std::vector<Library>> ListLibraries() override { return Select<Library>(Any, ByName<Library>); }
  Status PutLibrary(const Library& v) override { return Put(v); }

  Result<Changer> GetChanger(const Guid& id) override { return Get<Changer>(id); }
  Result<std::vector<Changer>> ListChangers(const Guid& library) override {
    return Select<Changer>(InLibrary<Changer>(library), [](const Changer& a, const Changer& b) {
      return std::tie(a.library, a.h.name, a.h.id) < std::tie(b.library, b.h.name, b.h.id);
    });
  }
  Status PutChanger(const Changer& v) override { return Put(v); }

  Result<Drive> GetDrive(const Guid& id) override { return Get<Drive>(id); }
  Result<std::vector<Drive>> ListDrives(const Guid& library) override {
    return Select<Drive>(InLibrary<Drive>(library), ByNumber<Drive>);
  }
  Status PutDrive(const Drive& v) override { return Put(v); }
  Result<std::optional<Drive>> FirstFreeDrive(const Guid& library) override {
    RSM_ASSIGN_OR_RETURN(std::vector<Drive> v, Select<Drive>(FreeIn<Drive>(library), ByNumber<Drive>));
    return First(std::move(v));
  }
  Result<uint64_t> CountFreeDrives(const Guid& library) override {
    RSM_ASSIGN_OR_RETURN(std::vector<Drive> v, Select<Drive>(FreeIn<Drive>(library), ById<Drive>));
    return uint64_t(v.size());
  }

  Result<Slot> GetSlot(const Guid& id) override { return Get<Slot>(id); }
  Result<std::vector<Slot>> ListSlots(const Guid& library) override {
    return Select<Slot>(InLibrary<Slot>(library), ByNumber<Slot>);
  }
  Status PutSlot(const Slot& v) override { return Put(v); }
  Result<std::optional<Slot>> FirstEmptySlot(const Guid& library) override {
    auto free = FreeIn<Slot>(library);
    RSM_ASSIGN_OR_RETURN(
        std::vector<Slot> v,
        Select<Slot>([&](const Slot& s) { return free(s) && s.state != ntms::kSlotNeedsInventory; }, ByNumber<Slot>));
    return First(std::move(v));
  }

  Result<IePort> GetIePort(const Guid& id) override { return Get<IePort>(id); }
  Result<std::vector<IePort>> ListIePorts(const Guid& library) override {
    return Select<IePort>(InLibrary<IePort>(library), ByNumber<IePort>);
  }
  Status PutIePort(const IePort& v) override { return Put(v); }

  Result<uint64_t> CountLibraryElements(uint32_t type, const Guid& library) override {
    switch (type) {
      case ntms::kDrive:
        return CountIn<Drive>(library);
      case ntms::kStorageSlot:
        return CountIn<Slot>(library);
      case ntms::kIePort:
        return CountIn<IePort>(library);
      case ntms::kChanger:
        return CountIn<Changer>(library);
      default:
        return Status(err::kInvalidParameter, fmt::format("catalog: type {} has no library elements", type));
    }
  }

  // ---- MediaTxn ----
  Result<ChangerType> GetChangerType(const Guid& id) override { return Get<ChangerType>(id); }
  Result<std::vector<ChangerType>> ListChangerTypes() override { return Select<ChangerType>(Any, ByName<ChangerType>); }
  Status PutChangerType(const ChangerType& v) override { return Put(v); }
  Result<DriveType> GetDriveType(const Guid& id) override { return Get<DriveType>(id); }
  Result<std::vector<DriveType>> ListDriveTypes() override { return Select<DriveType>(Any, ByName<DriveType>); }
  Status PutDriveType(const DriveType& v) override { return Put(v); }
  Result<MediaType> GetMediaType(const Guid& id) override { return Get<MediaType>(id); }
  Result<std::vector<MediaType>> ListMediaTypes() override { return Select<MediaType>(Any, ByName<MediaType>); }
  Status PutMediaType(const MediaType& v) override { return Put(v); }

  Result<PhysicalMedia> GetPhysicalMedia(const Guid& id) override { return Get<PhysicalMedia>(id); }
  Result<std::optional<PhysicalMedia>> FindPhysicalMediaByBarcode(const std::string& barcode) override {
    RSM_ASSIGN_OR_RETURN(std::vector<PhysicalMedia> v,
                         Select<PhysicalMedia>([&](const PhysicalMedia& m) { return m.barcode == barcode; },
                                               [](const PhysicalMedia& a, const PhysicalMedia& b) {
                                                 auto key = [](const PhysicalMedia& m) {
                                                   return std::tuple(m.h.op_state == ntms::kNeedsService,
                                                                     m.h.created_ms, m.h.id);
                                                 };
                                                 return key(a) < key(b);
                                               }));
    return First(std::move(v));
  }
  Result<std::vector<PhysicalMedia>> ListPhysicalMedia(const Guid& library, const Guid& pool) override {
    return Select<PhysicalMedia>(MediaFilter(library, pool), ById<PhysicalMedia>);
  }
  Result<std::vector<Guid>> ListPhysicalMediaIds(const Guid& library, const Guid& pool) override {
    RSM_ASSIGN_OR_RETURN(std::vector<PhysicalMedia> v, ListPhysicalMedia(library, pool));
    return Ids(v);
  }
  Result<uint64_t> CountPhysicalMedia(const Guid& library, const Guid& pool) override {
    RSM_ASSIGN_OR_RETURN(std::vector<PhysicalMedia> v, ListPhysicalMedia(library, pool));
    return uint64_t(v.size());
  }
  Result<std::vector<Guid>> ListOfflinePhysicalMediaIds() override {
    RSM_ASSIGN_OR_RETURN(
        std::vector<PhysicalMedia> v,
        Select<PhysicalMedia>([](const PhysicalMedia& m) { return m.library.IsNull(); }, ById<PhysicalMedia>));
    return Ids(v);
  }
  Result<uint64_t> CountOfflinePhysicalMedia() override {
    RSM_ASSIGN_OR_RETURN(std::vector<Guid> v, ListOfflinePhysicalMediaIds());
    return uint64_t(v.size());
  }
  Status PutPhysicalMedia(const PhysicalMedia& v) override { return Put(v); }
  Status DeletePhysicalMedia(const Guid& id) override {
    RSM_RETURN_IF_ERROR(Usable(true));
    auto type = work_->types.find(id);
    if (id.IsNull() || type == work_->types.end() || type->second != ntms::kPhysicalMedia)
      return NotFound("physical_media", id);
    auto& parts = work_->rows<Partition>();
    for (auto it = parts.begin(); it != parts.end();) {
      if (it->second.pmid != id) {
        ++it;
        continue;
      }
      EraseAccess(it->first);
      work_->types.erase(it->first);
      it = parts.erase(it);
    }
    EraseAccess(id);
    work_->types.erase(id);
    work_->rows<PhysicalMedia>().erase(id);
    return Status::Ok();
  }

  Result<Partition> GetPartition(const Guid& id) override { return Get<Partition>(id); }
  Result<std::vector<Partition>> ListPartitions(const Guid& pmid) override {
    return Select<Partition>([&](const Partition& p) { return pmid.IsNull() || p.pmid == pmid; }, BySide);
  }
  Result<std::vector<Guid>> ListPartitionIdsInPool(const Guid& pool) override {
    RSM_RETURN_IF_ERROR(Usable(false));
    const auto& media = Read().rows<PhysicalMedia>();
    RSM_ASSIGN_OR_RETURN(std::vector<Partition> v, Select<Partition>(
                                                       [&](const Partition& p) {
                                                         if (pool.IsNull()) return true;
                                                         auto m = media.find(p.pmid);
                                                         return m != media.end() && m->second.pool == pool;
                                                       },
                                                       BySide));
    return Ids(v);
  }
  Result<uint64_t> CountPartitions(const Guid& pmid) override {
    RSM_RETURN_IF_ERROR(Usable(false));
    if (pmid.IsNull()) return uint64_t(0);
    RSM_ASSIGN_OR_RETURN(std::vector<Partition> v, ListPartitions(pmid));
    return uint64_t(v.size());
  }
  Status PutPartition(const Partition& v) override { return Put(v); }
  Result<std::vector<Guid>> ReleaseSidesHeldBy(const Guid& session) override {
    RSM_RETURN_IF_ERROR(Usable(true));
    std::vector<Guid> out;
    for (auto& [id, p] : work_->rows<Partition>()) {
      if (p.in_use_by.IsNull() || (!session.IsNull() && p.in_use_by != session)) continue;
      p.in_use_by = Guid();
      if (std::find(out.begin(), out.end(), p.pmid) == out.end()) out.push_back(p.pmid);
    }
    return out;
  }

  // ---- PoolTxn ----
  Result<MediaPool> GetMediaPool(const Guid& id) override { return Get<MediaPool>(id); }
  Result<std::vector<MediaPool>> ListMediaPools(const Guid& parent) override {
    return Select<MediaPool>([&](const MediaPool& p) { return p.parent == parent; }, ByName<MediaPool>);
  }
  Result<std::vector<MediaPool>> ListAllMediaPools() override { return Select<MediaPool>(Any, ByName<MediaPool>); }
  Status PutMediaPool(const MediaPool& v) override { return Put(v); }
  Result<uint64_t> CountMediaPools(const Guid& parent) override {
    RSM_ASSIGN_OR_RETURN(std::vector<MediaPool> v, ListMediaPools(parent));
    return uint64_t(v.size());
  }
  Status DeleteMediaPool(const Guid& id) override {
    RSM_RETURN_IF_ERROR(Usable(true));
    auto type = work_->types.find(id);
    if (id.IsNull() || type == work_->types.end() || type->second != ntms::kMediaPool)
      return NotFound("media_pool", id);
    EraseAccess(id);
    work_->types.erase(id);
    work_->rows<MediaPool>().erase(id);
    return Status::Ok();
  }

  // ---- RequestTxn ----
  Result<LibRequest> GetLibRequest(const Guid& id) override { return Get<LibRequest>(id); }
  Result<std::vector<LibRequest>> ListLibRequests(const Guid& library, const std::vector<uint32_t>& states) override {
    return Select<LibRequest>(
        [&](const LibRequest& r) {
          return (library.IsNull() || r.library == library) &&
                 (states.empty() || std::find(states.begin(), states.end(), r.state) != states.end());
        },
        [](const LibRequest& a, const LibRequest& b) {
          return std::tie(b.priority, a.seq) < std::tie(a.priority, b.seq);
        });
  }
  Result<std::vector<Guid>> ListLibRequestIds(const Guid& library, const std::vector<uint32_t>& states) override {
    RSM_ASSIGN_OR_RETURN(std::vector<LibRequest> v, ListLibRequests(library, states));
    return Ids(v);
  }
  Status PutLibRequest(LibRequest& v) override {
    RSM_RETURN_IF_ERROR(Usable(true));
    if (v.h.id.IsNull()) return Status(err::kInvalidParameter, "catalog: lib_request with a null id");
    auto& rows = work_->rows<LibRequest>();
    auto it = rows.find(v.h.id);
    const uint64_t seq = it != rows.end() ? it->second.seq : work_->last_seq + 1;
    LibRequest stored = v;
    stored.seq = seq;
    RSM_RETURN_IF_ERROR(Put(stored));
    work_->last_seq = std::max(work_->last_seq, seq);
    v.seq = seq;
    return Status::Ok();
  }
  Result<uint64_t> CountLibRequests(const Guid& library) override {
    RSM_ASSIGN_OR_RETURN(std::vector<LibRequest> v, ListLibRequests(library, {}));
    return uint64_t(v.size());
  }
  Result<uint64_t> PurgeLibRequests(int64_t before_ms) override {
    RSM_RETURN_IF_ERROR(Usable(true));
    uint64_t n = 0;
    auto& rows = work_->rows<LibRequest>();
    for (auto it = rows.begin(); it != rows.end();) {
      if (!IsCompleted(it->second.state) || it->second.completed_ms >= before_ms) {
        ++it;
        continue;
      }
      work_->types.erase(it->first);
      it = rows.erase(it);
      ++n;
    }
    return n;
  }

  // ---- AccessTxn ----
  Result<std::vector<AccessEntry>> GetAccess(const Guid& object) override {
    RSM_RETURN_IF_ERROR(Usable(false));
    std::vector<AccessEntry> out;
    if (object.IsNull()) return out;
    const auto& access = Read().access;
    for (auto it = access.lower_bound({object, false, 0}); it != access.end() && it->second.object == object; ++it)
      out.push_back(it->second);
    return out;
  }
  Status PutAccess(const AccessEntry& e) override {
    RSM_RETURN_IF_ERROR(Usable(true));
    if (e.object.IsNull()) return Status(err::kInvalidParameter, "catalog: access entry with a null object");
    work_->access[{e.object, e.is_group, e.principal}] = e;
    return Status::Ok();
  }

  Status Commit() override {
    RSM_RETURN_IF_ERROR(Usable(false));
    if (write_) {
      std::string dangling = DanglingReference(*work_);
      if (!dangling.empty())
        return Abort(Status(err::kDatabaseFailure, "catalog failure: FOREIGN KEY constraint failed: " + dangling));
      shared_->Publish(std::shared_ptr<const State>(std::move(work_)));
    }
    committed_ = true;
    End();
    return Status::Ok();
  }

 private:
  // ---- generic access ----
  const State& Read() const { return work_ ? *work_ : *snapshot_; }

  template <typename T>
  Result<T> Get(const Guid& id) {
    RSM_RETURN_IF_ERROR(Usable(false));
    const auto& rows = Read().rows<T>();
    auto it = rows.find(id);
    if (it == rows.end()) return NotFound(Kind<T>::kName, id);
    return it->second;
  }
  template <typename T, typename Pred, typename Less>
  Result<std::vector<T>> Select(Pred pred, Less less) {
    RSM_RETURN_IF_ERROR(Usable(false));
    std::vector<T> out;
    for (const auto& [id, v] : Read().rows<T>())
      if (pred(v)) out.push_back(v);
    std::sort(out.begin(), out.end(), less);
    return out;
  }
  template <typename T>
  Result<uint64_t> CountIn(const Guid& library) {
    RSM_ASSIGN_OR_RETURN(std::vector<T> v, Select<T>(InLibrary<T>(library), ById<T>));
    return uint64_t(v.size());
  }
  // Inserts or replaces `v`. An id that is already an object of another kind
  // aborts the Txn, as the SQLite object_index's primary key does.
  template <typename T>
  Status Put(const T& v) {
    RSM_RETURN_IF_ERROR(Usable(true));
    if (v.h.id.IsNull())
      return Status(err::kInvalidParameter, fmt::format("catalog: {} with a null id", Kind<T>::kName));
    auto [it, inserted] = work_->types.try_emplace(v.h.id, Kind<T>::kType);
    if (!inserted && it->second != Kind<T>::kType)
      return Abort(Status(err::kDatabaseFailure,
                          fmt::format("catalog failure: UNIQUE constraint failed: object_index.id ({} {} is an object "
                                      "of type {})",
                                      Kind<T>::kName, v.h.id.ToString(), it->second)));
    work_->rows<T>()[v.h.id] = v;
    return Status::Ok();
  }
  void EraseAccess(const Guid& object) {
    auto& access = work_->access;
    access.erase(access.lower_bound({object, false, 0}), access.upper_bound({object, true, UINT32_MAX}));
  }

  // OK when the Txn may go on (a write one when `writes`); the same codes as SqliteTxn.
  Status Usable(bool writes) const {
    if (committed_) return Status(err::kInvalidOperation, "catalog: transaction already committed");
    if (aborted_) return Status(aborted_->code(), "transaction aborted by an earlier error: " + aborted_->message());
    if (writes && !write_) return Status(err::kInvalidOperation, "catalog: write in a read-only transaction");
    return Status::Ok();
  }
  // Nothing of the Txn can be committed any more; a write Txn keeps the
  // write gate until it ends, as SQLite keeps its lock until the rollback.
  Status Abort(Status st) {
    aborted_ = st;
    work_.reset();
    return st;
  }
  // Lets the next writer in (once).
  void End() {
    if (write_ && !gate_released_) {
      gate_released_ = true;
      shared_->write_gate.release();
    }
  }

  std::shared_ptr<Shared> shared_;
  const bool write_;
  std::shared_ptr<const State> snapshot_;  // what a read Txn reads
  std::unique_ptr<State> work_;            // a write Txn's private copy
  bool committed_ = false;
  bool gate_released_ = false;
  std::optional<Status> aborted_;
};

class MemoryStore final : public Store {
 public:
  explicit MemoryStore(const MemoryStoreOptions& options) : shared_(std::make_shared<Shared>(options)) {}

  Result<std::unique_ptr<Txn>> Begin(bool write) override {
    if (write && !shared_->write_gate.try_acquire_for(shared_->options.write_wait))
      return Status(err::kDatabaseFailure,
                    fmt::format("catalog failure: another write transaction held the catalogue for {} ms",
                                shared_->options.write_wait.count()));
    return std::unique_ptr<Txn>(new MemoryTxn(shared_, write));
  }
  Result<std::unique_ptr<Txn>> BeginUnsynced() override { return Begin(true); }
  // Nothing outlives the process here: every commit is as durable as the
  // store itself is, at once.
  Status SyncCommitted() override { return Status::Ok(); }
  Status SetMaxPages(uint32_t) override {
    return Status(err::kNotSupported, "catalog: the memory store has no page cap");
  }

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace

std::unique_ptr<Store> NewMemoryStore(const MemoryStoreOptions& options) {
  return std::make_unique<MemoryStore>(options);
}

}  // namespace openrsm::catalog
