#include "catalog/sqlite/rows.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <iterator>

#include "catalog/ntms_values.h"

namespace openrsm::catalog::sqlite {

void BindValue(Stmt& s, int i, const BoundValue& v) {
  if (const auto* n = std::get_if<int64_t>(&v))
    s.BindInt(i, *n);
  else if (const auto* t = std::get_if<std::string>(&v))
    s.BindText(i, *t);
  else if (const auto* g = std::get_if<Guid>(&v))
    s.BindGuid(i, *g);
  else
    s.BindNull(i);
}

std::string BuildSelectSql(const char* table, const std::vector<const char*>& columns) {
  return fmt::format("SELECT {} FROM {}", fmt::join(columns, ", "), table);
}

std::string BuildInsertSql(const char* table, const std::vector<const char*>& key_and_data,
                           const std::vector<const char*>& keys, const std::vector<const char*>& data,
                           const char* assigned) {
  std::string params, updates;
  for (size_t i = 0; i < key_and_data.size(); ++i) params += i ? ", ?" : "?";
  for (const char* c : data)
    fmt::format_to(std::back_inserter(updates), "{0}{1} = excluded.{1}", updates.empty() ? "" : ", ", c);
  return fmt::format("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}{}", table,
                     fmt::join(key_and_data, ", "), params, fmt::join(keys, ", "), updates,
                     assigned ? fmt::format(" RETURNING {}", assigned) : "");
}

std::string BuildCreateTableSql(const char* table, const std::vector<std::string>& definitions, const char* options) {
  return fmt::format("CREATE TABLE {} (\n  {}\n) {}", table, fmt::join(definitions, ",\n  "), options);
}

namespace {

// A column of T holding field `field` of T, named after the field.
#define RSM_COLUMN(T, field, sql) MakeColumn<T, &T::field>(#field, sql)

constexpr const char* kStrictWithoutRowid = "STRICT, WITHOUT ROWID";
constexpr const char* kIdPrimaryKey = "BLOB PRIMARY KEY CHECK (length(id) = 16)";
constexpr const char* kInt = "INTEGER NOT NULL";
constexpr const char* kText = "TEXT NOT NULL";

template <typename T, size_t N, size_t M>
constexpr std::array<Column<T>, N + M> Concat(const std::array<Column<T>, N>& a, const std::array<Column<T>, M>& b) {
  std::array<Column<T>, N + M> out{};
  for (size_t i = 0; i < N; ++i) out[i] = a[i];
  for (size_t i = 0; i < M; ++i) out[N + i] = b[i];
  return out;
}

// The columns of ObjectHeader, first in every object table (lib_request: after seq).
template <typename T>
constexpr std::array<Column<T>, 7> Header(const char* id_sql = kIdPrimaryKey) {
  return {
      MakeColumn<T, &ObjectHeader::id>("id", id_sql, ColumnRole::kKey),
      MakeColumn<T, &ObjectHeader::name>("name", kText),
      MakeColumn<T, &ObjectHeader::description>("description", kText),
      MakeColumn<T, &ObjectHeader::created_ms>("created_ms", kInt),
      MakeColumn<T, &ObjectHeader::modified_ms>("modified_ms", kInt),
      MakeColumn<T, &ObjectHeader::enabled>("enabled", kInt),
      MakeColumn<T, &ObjectHeader::op_state>("op_state", kInt),
  };
}

// A table of objects: the header's columns, then T's own.
template <typename T, size_t M>
constexpr std::array<Column<T>, 7 + M> Object(const std::array<Column<T>, M>& own) {
  return Concat(Header<T>(), own);
}

// Foreign keys are checked at COMMIT (docs/catalog.md "Schema").
constexpr const char* kRefLibrary = "BLOB REFERENCES library (id) DEFERRABLE INITIALLY DEFERRED";
constexpr const char* kRefMedia = "BLOB REFERENCES physical_media (id) DEFERRABLE INITIALLY DEFERRED";
constexpr const char* kRefMediaType = "BLOB REFERENCES media_type (id) DEFERRABLE INITIALLY DEFERRED";

constexpr auto kComputer = Object<Computer>(std::array{
    RSM_COLUMN(Computer, lib_request_purge_time_s, kInt),
    RSM_COLUMN(Computer, op_request_purge_time_s, kInt),
    RSM_COLUMN(Computer, offline_library, kRefLibrary),
    RSM_COLUMN(Computer, root_pool, "BLOB REFERENCES media_pool (id) DEFERRABLE INITIALLY DEFERRED"),
});

constexpr auto kLibrary = Object<Library>(std::array{
    RSM_COLUMN(Library, library_type, kInt),
    RSM_COLUMN(Library, kind, kText),
    RSM_COLUMN(Library, barcode_reader, kInt),
    RSM_COLUMN(Library, inventory_method, kInt),
    RSM_COLUMN(Library, needs_inventory, kInt),
    RSM_COLUMN(Library, offline_reason, kText),
});

constexpr auto kChangerType = Object<ChangerType>(std::array{
    RSM_COLUMN(ChangerType, vendor, kText),
    RSM_COLUMN(ChangerType, product, kText),
    RSM_COLUMN(ChangerType, device_type, kInt),
});

constexpr auto kDriveType = Object<DriveType>(std::array{
    RSM_COLUMN(DriveType, vendor, kText),
    RSM_COLUMN(DriveType, product, kText),
    RSM_COLUMN(DriveType, device_type, kInt),
    RSM_COLUMN(DriveType, number_of_heads, kInt),
});

constexpr auto kChanger = Object<Changer>(std::array{
    RSM_COLUMN(Changer, library, kRefLibrary),
    RSM_COLUMN(Changer, serial, kText),
    RSM_COLUMN(Changer, device_name, kText),
    RSM_COLUMN(Changer, changer_type, "BLOB REFERENCES changer_type (id) DEFERRABLE INITIALLY DEFERRED"),
});

constexpr auto kMediaType = Object<MediaType>(std::array{
    RSM_COLUMN(MediaType, media_type_code, kInt),
    RSM_COLUMN(MediaType, sides, kInt),
    RSM_COLUMN(MediaType, read_write, kInt),
});

constexpr auto kMediaPool = Object<MediaPool>(std::array{
    RSM_COLUMN(MediaPool, pool_type, kInt),
    RSM_COLUMN(MediaPool, media_type, kRefMediaType),
    RSM_COLUMN(MediaPool, parent, "BLOB REFERENCES media_pool (id) DEFERRABLE INITIALLY DEFERRED"),
    RSM_COLUMN(MediaPool, allocation_policy, kInt),
    RSM_COLUMN(MediaPool, deallocation_policy, kInt),
    RSM_COLUMN(MediaPool, max_allocates, kInt),
});

constexpr auto kSlot = Object<Slot>(std::array{
    RSM_COLUMN(Slot, library, kRefLibrary),
    RSM_COLUMN(Slot, number, kInt),
    RSM_COLUMN(Slot, state, kInt),
    RSM_COLUMN(Slot, media, kRefMedia),
});

constexpr auto kIePort = Object<IePort>(std::array{
    RSM_COLUMN(IePort, library, kRefLibrary), RSM_COLUMN(IePort, number, kInt), RSM_COLUMN(IePort, state, kInt),
    RSM_COLUMN(IePort, media, kRefMedia), RSM_COLUMN(IePort, position, "INTEGER NOT NULL DEFAULT 0"),  // v3
});

constexpr auto kDrive = Object<Drive>(std::array{
    RSM_COLUMN(Drive, library, kRefLibrary),
    RSM_COLUMN(Drive, number, kInt),
    RSM_COLUMN(Drive, state, kInt),
    RSM_COLUMN(Drive, media, kRefMedia),
    RSM_COLUMN(Drive, mounted_side, "BLOB CHECK (length(mounted_side) = 16)"),
    RSM_COLUMN(Drive, serial, kText),
    RSM_COLUMN(Drive, device_name, kText),
    RSM_COLUMN(Drive, mount_count, kInt),
    RSM_COLUMN(Drive, revision, "TEXT NOT NULL DEFAULT ''"),  // v3
    RSM_COLUMN(Drive, scsi_port, "INTEGER NOT NULL DEFAULT 0"),
    RSM_COLUMN(Drive, scsi_bus, "INTEGER NOT NULL DEFAULT 0"),
    RSM_COLUMN(Drive, scsi_target, "INTEGER NOT NULL DEFAULT 0"),
    RSM_COLUMN(Drive, scsi_lun, "INTEGER NOT NULL DEFAULT 0"),
    RSM_COLUMN(Drive, drive_type, "BLOB REFERENCES drive_type (id) DEFERRABLE INITIALLY DEFERRED"),
});

constexpr auto kPhysicalMedia = Object<PhysicalMedia>(std::array{
    RSM_COLUMN(PhysicalMedia, library, kRefLibrary),
    RSM_COLUMN(PhysicalMedia, pool, "BLOB REFERENCES media_pool (id) DEFERRABLE INITIALLY DEFERRED"),
    RSM_COLUMN(PhysicalMedia, media_type, kRefMediaType),
    RSM_COLUMN(PhysicalMedia, location_type, kInt),
    RSM_COLUMN(PhysicalMedia, location, "BLOB CHECK (length(location) = 16)"),
    RSM_COLUMN(PhysicalMedia, home_slot, "BLOB REFERENCES slot (id) DEFERRABLE INITIALLY DEFERRED"),
    RSM_COLUMN(PhysicalMedia, barcode, kText),
    RSM_COLUMN(PhysicalMedia, barcode_state, kInt),
    RSM_COLUMN(PhysicalMedia, media_state, kInt),
    RSM_COLUMN(PhysicalMedia, needs_inventory, kInt),
});

constexpr auto kPartition = Object<Partition>(std::array{
    RSM_COLUMN(Partition, pmid, "BLOB REFERENCES physical_media (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"),
    RSM_COLUMN(Partition, side, kInt), RSM_COLUMN(Partition, state, kInt),
    RSM_COLUMN(Partition, lmid, "BLOB CHECK (length(lmid) = 16)"), RSM_COLUMN(Partition, capacity, kInt),
    RSM_COLUMN(Partition, allocate_count, kInt),
    RSM_COLUMN(Partition, in_use_by, "BLOB CHECK (length(in_use_by) = 16)"),
    RSM_COLUMN(Partition, mount_count, "INTEGER NOT NULL DEFAULT 0"),  // v3
});

// seq is the FIFO order: AUTOINCREMENT never reuses a value. The table has a
// rowid (seq), so the id is a UNIQUE column rather than the primary key.
constexpr auto kLibRequest = Concat(Concat(std::array{MakeColumn<LibRequest, &LibRequest::seq>(
                                               "seq", "INTEGER PRIMARY KEY AUTOINCREMENT", ColumnRole::kAssigned)},
                                           Header<LibRequest>("BLOB NOT NULL UNIQUE CHECK (length(id) = 16)")),
                                    std::array{
                                        RSM_COLUMN(LibRequest, operation, kInt),
                                        RSM_COLUMN(LibRequest, option, kInt),
                                        RSM_COLUMN(LibRequest, state, kInt),
                                        RSM_COLUMN(LibRequest, priority, kInt),
                                        RSM_COLUMN(LibRequest, library, kRefLibrary),
                                        RSM_COLUMN(LibRequest, drive, "BLOB CHECK (length(drive) = 16)"),
                                        RSM_COLUMN(LibRequest, pmid, "BLOB CHECK (length(pmid) = 16)"),
                                        RSM_COLUMN(LibRequest, partition, "BLOB CHECK (length(partition) = 16)"),
                                        RSM_COLUMN(LibRequest, slot, "BLOB CHECK (length(slot) = 16)"),
                                        RSM_COLUMN(LibRequest, queued_ms, kInt),
                                        RSM_COLUMN(LibRequest, completed_ms, kInt),
                                        RSM_COLUMN(LibRequest, application, kText),
                                        RSM_COLUMN(LibRequest, user, kText),
                                        RSM_COLUMN(LibRequest, computer, kText),
                                        RSM_COLUMN(LibRequest, error, kInt),
                                        RSM_COLUMN(LibRequest, session, "BLOB CHECK (length(session) = 16)"),
                                    });

constexpr std::array kAccess = {
    MakeColumn<AccessEntry, &AccessEntry::object>("object", "BLOB NOT NULL CHECK (length(object) = 16)",
                                                  ColumnRole::kKey),
    MakeColumn<AccessEntry, &AccessEntry::is_group>("is_group", kInt, ColumnRole::kKey),
    MakeColumn<AccessEntry, &AccessEntry::principal>("principal", kInt, ColumnRole::kKey),
    RSM_COLUMN(AccessEntry, rights, kInt),
};

#undef RSM_COLUMN

}  // namespace

#define RSM_TABLE(T, columns, table, type, options, constraints)                  \
  template <>                                                                     \
  const TableDef<T>& Table<T>() {                                                 \
    static constexpr TableDef<T> def{table, type, options, constraints, columns}; \
    return def;                                                                   \
  }

RSM_TABLE(Computer, kComputer, "computer", ntms::kComputer, kStrictWithoutRowid, "")
RSM_TABLE(Library, kLibrary, "library", ntms::kLibrary, kStrictWithoutRowid, "")
RSM_TABLE(Changer, kChanger, "changer", ntms::kChanger, kStrictWithoutRowid, "")
RSM_TABLE(ChangerType, kChangerType, "changer_type", ntms::kChangerType, kStrictWithoutRowid, "")
RSM_TABLE(DriveType, kDriveType, "drive_type", ntms::kDriveType, kStrictWithoutRowid, "")
RSM_TABLE(Drive, kDrive, "drive", ntms::kDrive, kStrictWithoutRowid, "")
RSM_TABLE(Slot, kSlot, "slot", ntms::kStorageSlot, kStrictWithoutRowid, "")
RSM_TABLE(IePort, kIePort, "ieport", ntms::kIePort, kStrictWithoutRowid, "")
RSM_TABLE(MediaType, kMediaType, "media_type", ntms::kMediaType, kStrictWithoutRowid, "")
RSM_TABLE(MediaPool, kMediaPool, "media_pool", ntms::kMediaPool, kStrictWithoutRowid, "")
RSM_TABLE(PhysicalMedia, kPhysicalMedia, "physical_media", ntms::kPhysicalMedia, kStrictWithoutRowid, "")
RSM_TABLE(Partition, kPartition, "partition", ntms::kPartition, kStrictWithoutRowid, "")
RSM_TABLE(LibRequest, kLibRequest, "lib_request", ntms::kLibRequest, "STRICT", "")
RSM_TABLE(AccessEntry, kAccess, "access", 0, kStrictWithoutRowid, "PRIMARY KEY (object, is_group, principal)")
#undef RSM_TABLE

}  // namespace openrsm::catalog::sqlite
