#include "catalog/sqlite/sqlite_txn.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "catalog/ntms_values.h"
#include "catalog/sqlite/rows.h"

namespace openrsm::catalog::sqlite {
namespace {

Status NotFound(const char* what, const Guid& id) {
  return Status(err::kObjectNotFound, fmt::format("catalog: no {} {}", what, id.ToString()));
}

// The current row of a SelectSql<T>() statement.
template <typename T>
Result<T> DecodeRow(Stmt& s) {
  T v;
  Reader r(s);
  ReadRow(r, v);
  RSM_RETURN_IF_ERROR(s.RowStatus());
  return v;
}

// Runs `sql` (bound by `bind`) and reads every row as a T.
template <typename T, typename BindFn>
Result<std::vector<T>> QueryRows(Db& db, const std::string& sql, BindFn bind) {
  RSM_ASSIGN_OR_RETURN(Stmt s, db.Prepare(sql));
  Binder b(s);
  bind(b);
  std::vector<T> out;
  for (;;) {
    RSM_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    RSM_ASSIGN_OR_RETURN(T v, DecodeRow<T>(s));
    out.push_back(std::move(v));
  }
}

// The single row `sql` yields for `id`, or std::nullopt.
template <typename T>
Result<std::optional<T>> QueryOne(Db& db, const std::string& sql, const auto& bind) {
  RSM_ASSIGN_OR_RETURN(std::vector<T> rows, QueryRows<T>(db, sql, bind));
  if (rows.empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows.front()));
}

auto BindId(const Guid& id) {
  return [&id](Binder& b) { b.Value(id); };
}
auto BindNone() {
  return [](Binder&) {};
}

// "WHERE library = ? ORDER BY ..." or, for the null library, every row.
template <typename T>
std::string ByLibrary(const Guid& library, const char* order) {
  if (library.IsNull()) return fmt::format("{} ORDER BY library, {}", SelectSql<T>(), order);
  return fmt::format("{} WHERE library = ? ORDER BY {}", SelectSql<T>(), order);
}

auto BindIfSet(const Guid& id) {
  return [&id](Binder& b) {
    if (!id.IsNull()) b.Value(id);
  };
}

}  // namespace

SqliteTxn::~SqliteTxn() {
  if (committed_ || !db().in_transaction()) return;
  // A failed rollback leaves the connection in a transaction: Lease closes it.
  (void)db().Run("ROLLBACK");
}

Status SqliteTxn::Usable(bool writes) const {
  if (committed_) return Status(err::kInvalidOperation, "catalog: transaction already committed");
  if (aborted_) return Status(aborted_->code(), "transaction aborted by an earlier error: " + aborted_->message());
  if (writes && !write_) return Status(err::kInvalidOperation, "catalog: write in a read-only transaction");
  return Status::Ok();
}

Status SqliteTxn::Guard(Status st) {
  if (st.ok() || aborted_) return st;
  aborted_ = st;
  if (IsDamageCode(db().last_error())) lease_.pool().LatchDamage(st);
  // Disk or page cap full in a write: degraded mode (pool.h).
  if (write_ && st.code() == err::kDatabaseFull) lease_.pool().EnterDegraded(st, db());
  return st;
}

template <typename T>
Result<T> SqliteTxn::Get(const Guid& id) {
  RSM_RETURN_IF_ERROR(Usable(false));
  static const std::string sql = SelectSql<T>() + " WHERE id = ?";
  RSM_ASSIGN_OR_RETURN(std::optional<T> v, Guard(QueryOne<T>(db(), sql, BindId(id))));
  if (!v) return NotFound(Table<T>().name, id);
  return std::move(*v);
}

template <typename T, typename BindFn>
Result<std::vector<T>> SqliteTxn::List(const std::string& sql, BindFn bind) {
  RSM_RETURN_IF_ERROR(Usable(false));
  return Guard(QueryRows<T>(db(), sql, bind));
}

// Writes only what changed in an existing row: "UPDATE t SET <changed
// columns> WHERE id = ?", or nothing when nothing changed. An upsert that
// sets every column rewrites every index entry of the row (a WAL frame per
// index B-tree) even when the indexed values are unchanged; this touches only
// the indexes of changed columns. Returns false when there is no such row
// (the caller inserts); `stored_seq` receives lib_request's stored seq.
template <typename T>
Result<bool> SqliteTxn::UpdateChanged(const T& v, int64_t* stored_seq) {
  static const std::string sel = SelectSql<T>() + " WHERE id = ?";
  RSM_ASSIGN_OR_RETURN(std::optional<T> old, Guard(QueryOne<T>(db(), sel, BindId(v.h.id))));
  if (!old) return false;
  if constexpr (requires(const T& t) { t.seq; }) {
    if (stored_seq) *stored_seq = int64_t(old->seq);
  }
  // The data columns only: the id is the key, seq is never changed.
  std::vector<BoundValue> now, was;
  std::vector<const Column<T>*> cols;
  RecordRow(v, &now, &cols);
  RecordRow<T>(*old, &was, nullptr);
  std::string sql;
  std::vector<size_t> changed;
  for (size_t i = 0; i < now.size(); ++i) {
    if (now[i] == was[i]) continue;
    sql += sql.empty() ? fmt::format("UPDATE {} SET {} = ?", Table<T>().name, cols[i]->name)
                       : fmt::format(", {} = ?", cols[i]->name);
    changed.push_back(i);
  }
  if (changed.empty()) return true;
  sql += " WHERE id = ?";
  auto s = Guard(db().Prepare(sql));
  if (!s.ok()) return s.status();
  int p = 1;
  for (size_t i : changed) BindValue(*s, p++, now[i]);
  s->BindGuid(p, v.h.id);
  RSM_RETURN_IF_ERROR(Guard(s->Run()));
  return true;
}

template <typename T>
Status SqliteTxn::Put(const T& v) {
  RSM_RETURN_IF_ERROR(Usable(true));
  if (v.h.id.IsNull())
    return Status(err::kInvalidParameter, fmt::format("catalog: {} with a null id", Table<T>().name));
  RSM_ASSIGN_OR_RETURN(bool updated, UpdateChanged(v, nullptr));
  if (updated) return Status::Ok();
  auto s = Guard(db().Prepare(InsertSql<T>()));
  if (!s.ok()) return s.status();
  Binder b(*s);
  BindRow(b, v);
  return Guard(s->Run());
}

template <typename BindFn>
Result<std::vector<Guid>> SqliteTxn::Ids(const std::string& sql, BindFn bind) {
  RSM_RETURN_IF_ERROR(Usable(false));
  auto s = Guard(db().Prepare(sql));
  if (!s.ok()) return s.status();
  Binder b(*s);
  bind(b);
  std::vector<Guid> out;
  for (;;) {
    RSM_ASSIGN_OR_RETURN(bool row, Guard(s->Step()));
    if (!row) break;
    out.push_back(s->ColumnGuid(0));
  }
  RSM_RETURN_IF_ERROR(Guard(s->RowStatus()));
  return out;
}

template <typename BindFn>
Result<uint64_t> SqliteTxn::Count(const std::string& sql, BindFn bind) {
  RSM_RETURN_IF_ERROR(Usable(false));
  auto s = Guard(db().Prepare(sql));
  if (!s.ok()) return s.status();
  Binder b(*s);
  bind(b);
  RSM_ASSIGN_OR_RETURN(bool row, Guard(s->Step()));
  return row ? uint64_t(s->ColumnInt(0)) : 0;
}

// ---- object index -------------------------------------------------------------

Result<uint32_t> SqliteTxn::TypeOf(const Guid& id) {
  RSM_RETURN_IF_ERROR(Usable(false));
  auto s = Guard(db().Prepare("SELECT type FROM object_index WHERE id = ?"));
  if (!s.ok()) return s.status();
  s->BindGuid(1, id);
  RSM_ASSIGN_OR_RETURN(bool row, Guard(s->Step()));
  if (!row || id.IsNull()) return NotFound("object", id);
  return uint32_t(s->ColumnInt(0));
}

// ---- computer -----------------------------------------------------------------

Result<Computer> SqliteTxn::GetComputer() {
  RSM_RETURN_IF_ERROR(Usable(false));
  static const std::string sql = SelectSql<Computer>() + " LIMIT 1";
  RSM_ASSIGN_OR_RETURN(std::optional<Computer> v, Guard(QueryOne<Computer>(db(), sql, BindNone())));
  if (!v) return Status(err::kObjectNotFound, "catalog: no computer");
  return std::move(*v);
}

Status SqliteTxn::PutComputer(const Computer& c) {
  RSM_RETURN_IF_ERROR(Usable(true));
  // Refused before the other computer is deleted: a refusal changes nothing.
  if (c.h.id.IsNull()) return Status(err::kInvalidParameter, "catalog: computer with a null id");
  auto s = Guard(db().Prepare("DELETE FROM computer WHERE id IS NOT ?"));  // one row only
  if (!s.ok()) return s.status();
  s->BindGuid(1, c.h.id);
  RSM_RETURN_IF_ERROR(Guard(s->Run()));
  return Put(c);
}

// ---- libraries and their elements --------------------------------------------

Result<Library> SqliteTxn::GetLibrary(const Guid& id) { return Get<Library>(id); }

Result<std::optional<Library>> SqliteTxn::FindLibraryByName(const std::string& name) {
  RSM_RETURN_IF_ERROR(Usable(false));
  static const std::string sql = SelectSql<Library>() + " WHERE name = ? ORDER BY id LIMIT 1";
  return Guard(QueryOne<Library>(db(), sql, [&name](Binder& b) { b.Value(name); }));
}

Result<std::vector<Library>> SqliteTxn::ListLibraries() {
  static const std::string sql = SelectSql<Library>() + " ORDER BY name, id";
  return List<Library>(sql, BindNone());
}

Status SqliteTxn::PutLibrary(const Library& v) { return Put(v); }

Result<Changer> SqliteTxn::GetChanger(const Guid& id) { return Get<Changer>(id); }
Result<std::vector<Changer>> SqliteTxn::ListChangers(const Guid& library) {
  return List<Changer>(ByLibrary<Changer>(library, "name, id"), BindIfSet(library));
}
Status SqliteTxn::PutChanger(const Changer& v) { return Put(v); }

Result<Drive> SqliteTxn::GetDrive(const Guid& id) { return Get<Drive>(id); }
Result<std::vector<Drive>> SqliteTxn::ListDrives(const Guid& library) {
  return List<Drive>(ByLibrary<Drive>(library, "number, id"), BindIfSet(library));
}
Status SqliteTxn::PutDrive(const Drive& v) { return Put(v); }
Result<std::optional<Drive>> SqliteTxn::FirstFreeDrive(const Guid& library) {
  RSM_RETURN_IF_ERROR(Usable(false));
  static const std::string sql =
      SelectSql<Drive>() + " WHERE library = ? AND enabled AND media IS NULL ORDER BY number, id LIMIT 1";
  return Guard(QueryOne<Drive>(db(), sql, BindId(library)));
}
Result<uint64_t> SqliteTxn::CountFreeDrives(const Guid& library) {
  return Count("SELECT count(*) FROM drive WHERE library = ? AND enabled AND media IS NULL", BindId(library));
}

Result<Slot> SqliteTxn::GetSlot(const Guid& id) { return Get<Slot>(id); }
Result<std::vector<Slot>> SqliteTxn::ListSlots(const Guid& library) {
  return List<Slot>(ByLibrary<Slot>(library, "number, id"), BindIfSet(library));
}
Status SqliteTxn::PutSlot(const Slot& v) { return Put(v); }
Result<std::optional<Slot>> SqliteTxn::FirstEmptySlot(const Guid& library) {
  RSM_RETURN_IF_ERROR(Usable(false));
  static const std::string sql = SelectSql<Slot>() + " WHERE library = ? AND enabled AND media IS NULL AND state <> " +
                                 std::to_string(ntms::kSlotNeedsInventory) + " ORDER BY number, id LIMIT 1";
  return Guard(QueryOne<Slot>(db(), sql, BindId(library)));
}

Result<IePort> SqliteTxn::GetIePort(const Guid& id) { return Get<IePort>(id); }
Result<std::vector<IePort>> SqliteTxn::ListIePorts(const Guid& library) {
  return List<IePort>(ByLibrary<IePort>(library, "number, id"), BindIfSet(library));
}
Status SqliteTxn::PutIePort(const IePort& v) { return Put(v); }

// ---- media types and pools ----------------------------------------------------

Result<ChangerType> SqliteTxn::GetChangerType(const Guid& id) { return Get<ChangerType>(id); }
Result<std::vector<ChangerType>> SqliteTxn::ListChangerTypes() {
  static const std::string sql = SelectSql<ChangerType>() + " ORDER BY name, id";
  return List<ChangerType>(sql, BindNone());
}
Status SqliteTxn::PutChangerType(const ChangerType& v) { return Put(v); }

Result<DriveType> SqliteTxn::GetDriveType(const Guid& id) { return Get<DriveType>(id); }
Result<std::vector<DriveType>> SqliteTxn::ListDriveTypes() {
  static const std::string sql = SelectSql<DriveType>() + " ORDER BY name, id";
  return List<DriveType>(sql, BindNone());
}
Status SqliteTxn::PutDriveType(const DriveType& v) { return Put(v); }

Result<MediaType> SqliteTxn::GetMediaType(const Guid& id) { return Get<MediaType>(id); }
Result<std::vector<MediaType>> SqliteTxn::ListMediaTypes() {
  static const std::string sql = SelectSql<MediaType>() + " ORDER BY name, id";
  return List<MediaType>(sql, BindNone());
}
Status SqliteTxn::PutMediaType(const MediaType& v) { return Put(v); }

Result<MediaPool> SqliteTxn::GetMediaPool(const Guid& id) { return Get<MediaPool>(id); }
Result<std::vector<MediaPool>> SqliteTxn::ListMediaPools(const Guid& parent) {
  static const std::string top = SelectSql<MediaPool>() + " WHERE parent IS NULL ORDER BY name, id";
  static const std::string children = SelectSql<MediaPool>() + " WHERE parent = ? ORDER BY name, id";
  return List<MediaPool>(parent.IsNull() ? top : children, BindIfSet(parent));
}
Result<std::vector<MediaPool>> SqliteTxn::ListAllMediaPools() {
  static const std::string sql = SelectSql<MediaPool>() + " ORDER BY name, id";
  return List<MediaPool>(sql, BindNone());
}
Status SqliteTxn::PutMediaPool(const MediaPool& v) { return Put(v); }

// ---- physical media and partitions --------------------------------------------

Result<PhysicalMedia> SqliteTxn::GetPhysicalMedia(const Guid& id) { return Get<PhysicalMedia>(id); }

Result<std::optional<PhysicalMedia>> SqliteTxn::FindPhysicalMediaByBarcode(const std::string& barcode) {
  RSM_RETURN_IF_ERROR(Usable(false));
  // Bar codes are not unique: a quarantined duplicate (op_state
  // NTMS_NEEDS_SERVICE, service/duplicates.h) ranks last, then the oldest.
  static const std::string sql = SelectSql<PhysicalMedia>() +
                                 " WHERE barcode = ? ORDER BY op_state = " + std::to_string(ntms::kNeedsService) +
                                 ", created_ms, id LIMIT 1";
  return Guard(QueryOne<PhysicalMedia>(db(), sql, [&barcode](Binder& b) { b.Value(barcode); }));
}

Result<std::vector<PhysicalMedia>> SqliteTxn::ListPhysicalMedia(const Guid& library, const Guid& pool) {
  std::string sql = SelectSql<PhysicalMedia>();
  if (!library.IsNull() && !pool.IsNull()) {
    sql += " WHERE library = ? AND pool = ?";
  } else if (!library.IsNull()) {
    sql += " WHERE library = ?";
  } else if (!pool.IsNull()) {
    sql += " WHERE pool = ?";
  }
  sql += " ORDER BY id";
  return List<PhysicalMedia>(sql, [&](Binder& b) {
    if (!library.IsNull()) b.Value(library);
    if (!pool.IsNull()) b.Value(pool);
  });
}

namespace {
// " WHERE ..." for ListPhysicalMedia's filters, and their binds.
std::string MediaFilter(const Guid& library, const Guid& pool) {
  if (!library.IsNull() && !pool.IsNull()) return " WHERE library = ? AND pool = ?";
  if (!library.IsNull()) return " WHERE library = ?";
  if (!pool.IsNull()) return " WHERE pool = ?";
  return "";
}
auto BindMediaFilter(const Guid& library, const Guid& pool) {
  return [&library, &pool](Binder& b) {
    if (!library.IsNull()) b.Value(library);
    if (!pool.IsNull()) b.Value(pool);
  };
}
}  // namespace

Result<std::vector<Guid>> SqliteTxn::ListPhysicalMediaIds(const Guid& library, const Guid& pool) {
  return Ids("SELECT id FROM physical_media" + MediaFilter(library, pool) + " ORDER BY id",
             BindMediaFilter(library, pool));
}

Result<std::vector<Guid>> SqliteTxn::ListOfflinePhysicalMediaIds() {
  return Ids("SELECT id FROM physical_media WHERE library IS NULL ORDER BY id", BindNone());
}

Result<uint64_t> SqliteTxn::CountOfflinePhysicalMedia() {
  return Count("SELECT count(*) FROM physical_media WHERE library IS NULL", BindNone());
}

Result<uint64_t> SqliteTxn::CountPhysicalMedia(const Guid& library, const Guid& pool) {
  return Count("SELECT count(*) FROM physical_media" + MediaFilter(library, pool), BindMediaFilter(library, pool));
}

Status SqliteTxn::PutPhysicalMedia(const PhysicalMedia& v) { return Put(v); }

Status SqliteTxn::DeletePhysicalMedia(const Guid& id) {
  RSM_RETURN_IF_ERROR(Usable(true));
  RSM_ASSIGN_OR_RETURN(uint32_t type, TypeOf(id));
  if (type != ntms::kPhysicalMedia) return NotFound("physical_media", id);
  return Guard(DeleteMediaRows(id));
}

Status SqliteTxn::DeleteMediaRows(const Guid& id) {
  static constexpr const char* kSteps[] = {
      "DELETE FROM access WHERE object = ?1 OR object IN (SELECT id FROM partition WHERE pmid = ?1)",
      "DELETE FROM partition WHERE pmid = ?1",
      "DELETE FROM physical_media WHERE id = ?1",
  };
  for (const char* sql : kSteps) {
    RSM_ASSIGN_OR_RETURN(Stmt s, db().Prepare(sql));
    s.BindGuid(1, id);
    RSM_RETURN_IF_ERROR(s.Run());
  }
  return Status::Ok();
}

Result<Partition> SqliteTxn::GetPartition(const Guid& id) { return Get<Partition>(id); }

Result<std::vector<Partition>> SqliteTxn::ListPartitions(const Guid& pmid) {
  static const std::string all = SelectSql<Partition>() + " ORDER BY pmid, side, id";
  static const std::string of_media = SelectSql<Partition>() + " WHERE pmid = ? ORDER BY side, id";
  return List<Partition>(pmid.IsNull() ? all : of_media, BindIfSet(pmid));
}

Result<std::vector<Guid>> SqliteTxn::ListPartitionIdsInPool(const Guid& pool) {
  if (pool.IsNull()) return Ids("SELECT id FROM partition ORDER BY pmid, side, id", BindNone());
  return Ids(
      "SELECT p.id FROM physical_media m JOIN partition p ON p.pmid = m.id WHERE m.pool = ? "
      "ORDER BY m.id, p.side, p.id",
      BindId(pool));
}

Result<uint64_t> SqliteTxn::CountPartitions(const Guid& pmid) {
  return Count("SELECT count(*) FROM partition WHERE pmid = ?", BindId(pmid));
}

Status SqliteTxn::PutPartition(const Partition& v) { return Put(v); }

Result<std::vector<Guid>> SqliteTxn::ReleaseSidesHeldBy(const Guid& session) {
  RSM_RETURN_IF_ERROR(Usable(true));
  // Both forms are served by the partial index partition_by_in_use (schema v2).
  auto s = Guard(db().Prepare(session.IsNull()
                                  ? "UPDATE partition SET in_use_by = NULL WHERE in_use_by IS NOT NULL RETURNING pmid"
                                  : "UPDATE partition SET in_use_by = NULL WHERE in_use_by = ? RETURNING pmid"));
  if (!s.ok()) return s.status();
  if (!session.IsNull()) s->BindGuid(1, session);
  std::vector<Guid> out;
  for (;;) {
    RSM_ASSIGN_OR_RETURN(bool row, Guard(s->Step()));
    if (!row) break;
    Guid pmid = s->ColumnGuid(0);
    if (std::find(out.begin(), out.end(), pmid) == out.end()) out.push_back(pmid);
  }
  RSM_RETURN_IF_ERROR(Guard(s->RowStatus()));
  return out;
}

// ---- library requests ------------------------------------------------------------

Result<LibRequest> SqliteTxn::GetLibRequest(const Guid& id) { return Get<LibRequest>(id); }

namespace {
// "<select> WHERE ... ORDER BY priority DESC, seq" for ListLibRequests(Ids).
std::string LibRequestQuery(const std::string& select, const Guid& library, const std::vector<uint32_t>& states) {
  std::string sql = select + " WHERE 1";
  if (!library.IsNull()) sql += " AND library = ?";
  if (!states.empty()) {
    sql += " AND state IN (?";
    for (size_t i = 1; i < states.size(); ++i) sql += ", ?";
    sql += ")";
  }
  sql += " ORDER BY priority DESC, seq";
  return sql;
}
}  // namespace

Result<std::vector<Guid>> SqliteTxn::ListLibRequestIds(const Guid& library, const std::vector<uint32_t>& states) {
  return Ids(LibRequestQuery("SELECT id FROM lib_request", library, states), [&](Binder& b) {
    if (!library.IsNull()) b.Value(library);
    for (uint32_t s : states) b.Value(s);
  });
}

Result<std::vector<LibRequest>> SqliteTxn::ListLibRequests(const Guid& library, const std::vector<uint32_t>& states) {
  std::string sql = SelectSql<LibRequest>() + " WHERE 1";
  if (!library.IsNull()) sql += " AND library = ?";
  if (!states.empty()) {
    sql += " AND state IN (?";
    for (size_t i = 1; i < states.size(); ++i) sql += ", ?";
    sql += ")";
  }
  sql += " ORDER BY priority DESC, seq";
  return List<LibRequest>(sql, [&](Binder& b) {
    if (!library.IsNull()) b.Value(library);
    for (uint32_t s : states) b.Value(s);
  });
}

Status SqliteTxn::PutLibRequest(LibRequest& v) {
  RSM_RETURN_IF_ERROR(Usable(true));
  if (v.h.id.IsNull()) return Status(err::kInvalidParameter, "catalog: lib_request with a null id");
  int64_t stored_seq = 0;
  RSM_ASSIGN_OR_RETURN(bool updated, UpdateChanged(v, &stored_seq));
  if (updated) {
    v.seq = uint64_t(stored_seq);  // kept on replace, as the upsert's RETURNING did
    return Status::Ok();
  }
  auto s = Guard(db().Prepare(InsertSql<LibRequest>()));
  if (!s.ok()) return s.status();
  Binder b(*s);
  BindRow(b, v);
  RSM_ASSIGN_OR_RETURN(bool row, Guard(s->Step()));
  if (!row) return Guard(Status(err::kDatabaseFailure, "catalog failure: lib_request upsert returned no seq"));
  uint64_t seq = uint64_t(s->ColumnInt(0));
  RSM_RETURN_IF_ERROR(Guard(s->Run()));
  v.seq = seq;
  return Status::Ok();
}

Result<uint64_t> SqliteTxn::CountLibRequests(const Guid& library) {
  RSM_RETURN_IF_ERROR(Usable(false));
  auto s = Guard(db().Prepare(library.IsNull() ? "SELECT count(*) FROM lib_request"
                                               : "SELECT count(*) FROM lib_request WHERE library = ?"));
  if (!s.ok()) return s.status();
  if (!library.IsNull()) s->BindGuid(1, library);
  RSM_ASSIGN_OR_RETURN(bool row, Guard(s->Step()));
  return row ? uint64_t(s->ColumnInt(0)) : 0;
}

Result<uint64_t> SqliteTxn::PurgeLibRequests(int64_t before_ms) {
  RSM_RETURN_IF_ERROR(Usable(true));
  // Served by lib_request_by_state (schema v2): O(purged), not O(history).
  auto s = Guard(db().Prepare(fmt::format("DELETE FROM lib_request WHERE state IN ({}, {}, {}) AND completed_ms < ?",
                                          ntms::kLmPassed, ntms::kLmFailed, ntms::kLmCancelled)));
  if (!s.ok()) return s.status();
  s->BindInt(1, before_ms);
  RSM_RETURN_IF_ERROR(Guard(s->Run()));
  return uint64_t(sqlite3_changes64(db().raw()));
}

// ---- counts -------------------------------------------------------------------------

Result<uint64_t> SqliteTxn::CountLibraryElements(uint32_t type, const Guid& library) {
  const char* table = nullptr;
  switch (type) {
    case ntms::kDrive:
      table = "drive";
      break;
    case ntms::kStorageSlot:
      table = "slot";
      break;
    case ntms::kIePort:
      table = "ieport";
      break;
    case ntms::kChanger:
      table = "changer";
      break;
    default:
      return Status(err::kInvalidParameter, fmt::format("catalog: type {} has no library elements", type));
  }
  if (library.IsNull()) return Count(fmt::format("SELECT count(*) FROM {}", table), BindNone());
  return Count(fmt::format("SELECT count(*) FROM {} WHERE library = ?", table), BindId(library));
}

Result<uint64_t> SqliteTxn::CountMediaPools(const Guid& parent) {
  if (parent.IsNull()) return Count("SELECT count(*) FROM media_pool WHERE parent IS NULL", BindNone());
  return Count("SELECT count(*) FROM media_pool WHERE parent = ?", BindId(parent));
}

Status SqliteTxn::DeleteMediaPool(const Guid& id) {
  RSM_RETURN_IF_ERROR(Usable(true));
  RSM_ASSIGN_OR_RETURN(uint32_t type, TypeOf(id));
  if (type != ntms::kMediaPool) return NotFound("media_pool", id);
  return Guard([&]() -> Status {
    for (const char* sql : {"DELETE FROM access WHERE object = ?1", "DELETE FROM media_pool WHERE id = ?1"}) {
      RSM_ASSIGN_OR_RETURN(Stmt s, db().Prepare(sql));
      s.BindGuid(1, id);
      RSM_RETURN_IF_ERROR(s.Run());
    }
    return Status::Ok();
  }());
}

// ---- access --------------------------------------------------------------------------

Result<std::vector<AccessEntry>> SqliteTxn::GetAccess(const Guid& object) {
  static const std::string sql = SelectSql<AccessEntry>() + " WHERE object = ? ORDER BY is_group, principal";
  return List<AccessEntry>(sql, BindId(object));
}

Status SqliteTxn::PutAccess(const AccessEntry& e) {
  RSM_RETURN_IF_ERROR(Usable(true));
  if (e.object.IsNull()) return Status(err::kInvalidParameter, "catalog: access entry with a null object");
  auto s = Guard(db().Prepare(InsertSql<AccessEntry>()));
  if (!s.ok()) return s.status();
  Binder b(*s);
  BindRow(b, e);
  return Guard(s->Run());
}

// ---- commit --------------------------------------------------------------------------

Status SqliteTxn::Commit() {
  RSM_RETURN_IF_ERROR(Usable(false));
  RSM_RETURN_IF_ERROR(Guard(db().Run("COMMIT")));
  committed_ = true;
  if (write_) lease_.pool().NoteCommitted(!db().sync_normal());  // Store::SyncCommitted's count
  return Status::Ok();
}

}  // namespace openrsm::catalog::sqlite
