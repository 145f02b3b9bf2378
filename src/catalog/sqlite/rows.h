// Mapping between the model's value types and the rows of schema.cc's tables.
//
// Row<T> names T's table and its columns after the common header (id, name,
// description, created_ms, modified_ms, enabled, op_state) and binds/reads
// them in that order. SelectSql<T>() and PutSql<T>() build the statements
// from the column list, so a column is named once.
#pragma once

#include <array>
#include <string>
#include <variant>
#include <vector>

#include "catalog/model.h"
#include "catalog/ntms_values.h"
#include "catalog/sqlite/sqlite_db.h"

namespace openrsm::catalog::sqlite {

// One bound SQL value as a Binder records it (the null Guid and Null() are
// std::monostate, i.e. SQL NULL).
using BoundValue = std::variant<std::monostate, int64_t, std::string, Guid>;
void BindValue(Stmt& s, int i, const BoundValue& v);

// Binds consecutive parameters starting at 1, or records them in order
// (Put compares a row's recorded values with the stored ones).
class Binder {
 public:
  explicit Binder(Stmt& s) : s_(&s) {}
  explicit Binder(std::vector<BoundValue>* record) : rec_(record) {}
  void Int(int64_t v) {
    if (rec_) rec_->emplace_back(v);
    else s_->BindInt(i_++, v);
  }
  void U64(uint64_t v) { Int(int64_t(v)); }  // bit pattern kept
  void Text(const std::string& v) {
    if (rec_) rec_->emplace_back(v);
    else s_->BindText(i_++, v);
  }
  void Id(const Guid& v) {
    if (rec_) {
      if (v.IsNull()) rec_->emplace_back(std::monostate());
      else rec_->emplace_back(v);
    } else {
      s_->BindGuid(i_++, v);
    }
  }
  void Null() {
    if (rec_) rec_->emplace_back(std::monostate());
    else s_->BindNull(i_++);
  }

 private:
  Stmt* s_ = nullptr;
  std::vector<BoundValue>* rec_ = nullptr;
  int i_ = 1;
};

// Column names in bind order: the header's, then Row<T>::kColumns.
extern const std::array<const char*, 7> kHeaderColumnNames;

// Reads consecutive columns starting at 0.
class Reader {
 public:
  explicit Reader(Stmt& s) : s_(s) {}
  int64_t Int() { return s_.ColumnInt(c_++); }
  uint32_t U32() { return uint32_t(s_.ColumnInt(c_++)); }
  int32_t I32() { return int32_t(s_.ColumnInt(c_++)); }
  uint64_t U64() { return uint64_t(s_.ColumnInt(c_++)); }
  bool Bool() { return s_.ColumnInt(c_++) != 0; }
  std::string Text() { return s_.ColumnText(c_++); }
  Guid Id() { return s_.ColumnGuid(c_++); }

 private:
  Stmt& s_;
  int c_ = 0;
};

void BindHeader(Binder& b, const ObjectHeader& h);
void ReadHeader(Reader& r, ObjectHeader& h);

template <typename T>
struct Row;

#define RSM_ROW(Type, kTableName, kNtmsType, ...)                               \
  template <>                                                                   \
  struct Row<Type> {                                                            \
    static constexpr const char* kTable = kTableName;                           \
    static constexpr uint32_t kType = kNtmsType;                                \
    static constexpr auto kColumns = std::to_array<const char*>({__VA_ARGS__}); \
    static void Bind(Binder& b, const Type& v);                                 \
    static void Read(Reader& r, Type& v);                                       \
  }

RSM_ROW(Computer, "computer", ntms::kComputer, "lib_request_purge_time_s", "op_request_purge_time_s");
RSM_ROW(Library, "library", ntms::kLibrary, "library_type", "kind", "barcode_reader", "inventory_method",
        "needs_inventory", "offline_reason");
RSM_ROW(Changer, "changer", ntms::kChanger, "library", "serial", "device_name");
RSM_ROW(Drive, "drive", ntms::kDrive, "library", "number", "state", "media", "mounted_side", "serial", "device_name",
        "mount_count", "revision", "scsi_port", "scsi_bus", "scsi_target", "scsi_lun");
RSM_ROW(Slot, "slot", ntms::kStorageSlot, "library", "number", "state", "media");
RSM_ROW(IePort, "ieport", ntms::kIePort, "library", "number", "state", "media", "position");
RSM_ROW(MediaType, "media_type", ntms::kMediaType, "media_type_code", "sides", "read_write");
RSM_ROW(MediaPool, "media_pool", ntms::kMediaPool, "pool_type", "media_type", "parent", "allocation_policy",
        "deallocation_policy", "max_allocates");
RSM_ROW(PhysicalMedia, "physical_media", ntms::kPhysicalMedia, "library", "pool", "media_type", "location_type",
        "location", "home_slot", "barcode", "barcode_state", "media_state", "needs_inventory");
RSM_ROW(Partition, "partition", ntms::kPartition, "pmid", "side", "state", "lmid", "capacity", "allocate_count",
        "in_use_by", "mount_count");
// `seq` is bound NULL (assigned on insert) and never updated: see PutSql.
RSM_ROW(LibRequest, "lib_request", ntms::kLibRequest, "seq", "operation", "option", "state", "priority", "library",
        "drive", "pmid", "partition", "slot", "queued_ms", "completed_ms", "application", "user", "computer", "error",
        "session");
#undef RSM_ROW

// "SELECT <header>, <columns> FROM <table>" (append WHERE/ORDER BY).
std::string SelectSql(const char* table, const char* const* columns, size_t n);
// Upsert keyed on id; on conflict updates every column but id and seq.
// Tables with a seq column return it (RETURNING seq).
std::string PutSql(const char* table, const char* const* columns, size_t n);

template <typename T>
const std::string& SelectSql() {
  static const std::string sql = SelectSql(Row<T>::kTable, Row<T>::kColumns.data(), Row<T>::kColumns.size());
  return sql;
}

template <typename T>
const std::string& PutSql() {
  static const std::string sql = PutSql(Row<T>::kTable, Row<T>::kColumns.data(), Row<T>::kColumns.size());
  return sql;
}

}  // namespace openrsm::catalog::sqlite
