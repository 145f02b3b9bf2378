#include "catalog/sqlite/rows.h"

#include <fmt/format.h>

#include <cstring>

namespace openrsm::catalog::sqlite {
namespace {
constexpr const char* kHeaderColumns = "id, name, description, created_ms, modified_ms, enabled, op_state";
constexpr const char* kHeaderUpdates =
    "name = excluded.name, description = excluded.description, created_ms = excluded.created_ms, "
    "modified_ms = excluded.modified_ms, enabled = excluded.enabled, op_state = excluded.op_state";
constexpr int kHeaderCount = 7;
}  // namespace

const std::array<const char*, 7> kHeaderColumnNames = {"id",          "name",    "description", "created_ms",
                                                       "modified_ms", "enabled", "op_state"};

void BindValue(Stmt& s, int i, const BoundValue& v) {
  if (const auto* n = std::get_if<int64_t>(&v)) s.BindInt(i, *n);
  else if (const auto* t = std::get_if<std::string>(&v)) s.BindText(i, *t);
  else if (const auto* g = std::get_if<Guid>(&v)) s.BindGuid(i, *g);
  else s.BindNull(i);
}

std::string SelectSql(const char* table, const char* const* columns, size_t n) {
  std::string sql = fmt::format("SELECT {}", kHeaderColumns);
  for (size_t i = 0; i < n; ++i) fmt::format_to(std::back_inserter(sql), ", {}", columns[i]);
  fmt::format_to(std::back_inserter(sql), " FROM {}", table);
  return sql;
}

std::string PutSql(const char* table, const char* const* columns, size_t n) {
  std::string names = kHeaderColumns, params, updates = kHeaderUpdates;
  bool has_seq = false;
  for (size_t i = 0; i < n; ++i) {
    fmt::format_to(std::back_inserter(names), ", {}", columns[i]);
    if (std::strcmp(columns[i], "seq") == 0) {
      has_seq = true;
      continue;
    }
    fmt::format_to(std::back_inserter(updates), ", {0} = excluded.{0}", columns[i]);
  }
  for (size_t i = 0; i < n + kHeaderCount; ++i) params += i ? ", ?" : "?";
  return fmt::format("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}{}", table, names, params,
                     updates, has_seq ? " RETURNING seq" : "");
}

void BindHeader(Binder& b, const ObjectHeader& h) {
  b.Id(h.id);
  b.Text(h.name);
  b.Text(h.description);
  b.Int(h.created_ms);
  b.Int(h.modified_ms);
  b.Int(h.enabled);
  b.Int(h.op_state);
}

void ReadHeader(Reader& r, ObjectHeader& h) {
  h.id = r.Id();
  h.name = r.Text();
  h.description = r.Text();
  h.created_ms = r.Int();
  h.modified_ms = r.Int();
  h.enabled = r.Bool();
  h.op_state = r.U32();
}

void Row<Computer>::Bind(Binder& b, const Computer& v) {
  b.Int(v.lib_request_purge_time_s);
  b.Int(v.op_request_purge_time_s);
}
void Row<Computer>::Read(Reader& r, Computer& v) {
  v.lib_request_purge_time_s = r.U32();
  v.op_request_purge_time_s = r.U32();
}

void Row<Library>::Bind(Binder& b, const Library& v) {
  b.Int(v.library_type);
  b.Text(v.kind);
  b.Int(v.barcode_reader);
  b.Int(v.inventory_method);
  b.Int(v.needs_inventory);
  b.Text(v.offline_reason);
}
void Row<Library>::Read(Reader& r, Library& v) {
  v.library_type = r.U32();
  v.kind = r.Text();
  v.barcode_reader = r.Bool();
  v.inventory_method = r.U32();
  v.needs_inventory = r.Bool();
  v.offline_reason = r.Text();
}

void Row<Changer>::Bind(Binder& b, const Changer& v) {
  b.Id(v.library);
  b.Text(v.serial);
  b.Text(v.device_name);
}
void Row<Changer>::Read(Reader& r, Changer& v) {
  v.library = r.Id();
  v.serial = r.Text();
  v.device_name = r.Text();
}

void Row<Drive>::Bind(Binder& b, const Drive& v) {
  b.Id(v.library);
  b.Int(v.number);
  b.Int(v.state);
  b.Id(v.media);
  b.Id(v.mounted_side);
  b.Text(v.serial);
  b.Text(v.device_name);
  b.Int(v.mount_count);
  b.Text(v.revision);
  b.Int(v.scsi_port);
  b.Int(v.scsi_bus);
  b.Int(v.scsi_target);
  b.Int(v.scsi_lun);
}
void Row<Drive>::Read(Reader& r, Drive& v) {
  v.library = r.Id();
  v.number = r.U32();
  v.state = r.U32();
  v.media = r.Id();
  v.mounted_side = r.Id();
  v.serial = r.Text();
  v.device_name = r.Text();
  v.mount_count = r.U32();
  v.revision = r.Text();
  v.scsi_port = r.U32();
  v.scsi_bus = r.U32();
  v.scsi_target = r.U32();
  v.scsi_lun = r.U32();
}

void Row<Slot>::Bind(Binder& b, const Slot& v) {
  b.Id(v.library);
  b.Int(v.number);
  b.Int(v.state);
  b.Id(v.media);
}
void Row<Slot>::Read(Reader& r, Slot& v) {
  v.library = r.Id();
  v.number = r.U32();
  v.state = r.U32();
  v.media = r.Id();
}

void Row<IePort>::Bind(Binder& b, const IePort& v) {
  b.Id(v.library);
  b.Int(v.number);
  b.Int(v.state);
  b.Id(v.media);
  b.Int(v.position);
}
void Row<IePort>::Read(Reader& r, IePort& v) {
  v.library = r.Id();
  v.number = r.U32();
  v.state = r.U32();
  v.media = r.Id();
  v.position = r.U32();
}

void Row<MediaType>::Bind(Binder& b, const MediaType& v) {
  b.Int(v.media_type_code);
  b.Int(v.sides);
  b.Int(v.read_write);
}
void Row<MediaType>::Read(Reader& r, MediaType& v) {
  v.media_type_code = r.U32();
  v.sides = r.U32();
  v.read_write = r.U32();
}

void Row<MediaPool>::Bind(Binder& b, const MediaPool& v) {
  b.Int(v.pool_type);
  b.Id(v.media_type);
  b.Id(v.parent);
  b.Int(v.allocation_policy);
  b.Int(v.deallocation_policy);
  b.Int(v.max_allocates);
}
void Row<MediaPool>::Read(Reader& r, MediaPool& v) {
  v.pool_type = r.U32();
  v.media_type = r.Id();
  v.parent = r.Id();
  v.allocation_policy = r.U32();
  v.deallocation_policy = r.U32();
  v.max_allocates = r.U32();
}

void Row<PhysicalMedia>::Bind(Binder& b, const PhysicalMedia& v) {
  b.Id(v.library);
  b.Id(v.pool);
  b.Id(v.media_type);
  b.Int(v.location_type);
  b.Id(v.location);
  b.Id(v.home_slot);
  b.Text(v.barcode);
  b.Int(v.barcode_state);
  b.Int(v.media_state);
  b.Int(v.needs_inventory);
}
void Row<PhysicalMedia>::Read(Reader& r, PhysicalMedia& v) {
  v.library = r.Id();
  v.pool = r.Id();
  v.media_type = r.Id();
  v.location_type = r.U32();
  v.location = r.Id();
  v.home_slot = r.Id();
  v.barcode = r.Text();
  v.barcode_state = r.U32();
  v.media_state = r.U32();
  v.needs_inventory = r.Bool();
}

void Row<Partition>::Bind(Binder& b, const Partition& v) {
  b.Id(v.pmid);
  b.Int(v.side);
  b.Int(v.state);
  b.Id(v.lmid);
  b.U64(v.capacity);
  b.Int(v.allocate_count);
  b.Id(v.in_use_by);
  b.Int(v.mount_count);
}
void Row<Partition>::Read(Reader& r, Partition& v) {
  v.pmid = r.Id();
  v.side = r.U32();
  v.state = r.U32();
  v.lmid = r.Id();
  v.capacity = r.U64();
  v.allocate_count = r.U32();
  v.in_use_by = r.Id();
  v.mount_count = r.U32();
}

void Row<LibRequest>::Bind(Binder& b, const LibRequest& v) {
  b.Null();  // seq: assigned on insert, kept on update
  b.Int(v.operation);
  b.Int(v.option);
  b.Int(v.state);
  b.Int(v.priority);
  b.Id(v.library);
  b.Id(v.drive);
  b.Id(v.pmid);
  b.Id(v.partition);
  b.Id(v.slot);
  b.Int(v.queued_ms);
  b.Int(v.completed_ms);
  b.Text(v.application);
  b.Text(v.user);
  b.Text(v.computer);
  b.Int(v.error);
  b.Id(v.session);
}
void Row<LibRequest>::Read(Reader& r, LibRequest& v) {
  v.seq = r.U64();
  v.operation = r.U32();
  v.option = r.U32();
  v.state = r.U32();
  v.priority = r.I32();
  v.library = r.Id();
  v.drive = r.Id();
  v.pmid = r.Id();
  v.partition = r.Id();
  v.slot = r.Id();
  v.queued_ms = r.Int();
  v.completed_ms = r.Int();
  v.application = r.Text();
  v.user = r.Text();
  v.computer = r.Text();
  v.error = r.U32();
  v.session = r.Id();
}

}  // namespace openrsm::catalog::sqlite
