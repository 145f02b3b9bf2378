#include "rpc/server/convert.h"

#include <type_traits>
#include <variant>

namespace openrsm::rpc {
namespace {

namespace dom = ::openrsm;  // the domain types; unqualified names below are the messages

void Fill(const dom::DriveInfo& i, DriveInfo* o) {
  o->set_number(i.number);
  o->set_state(i.state);
  o->set_device_name(i.device_name);
  o->set_serial(i.serial);
  o->set_revision(i.revision);
  o->set_scsi_port(i.scsi_port);
  o->set_scsi_bus(i.scsi_bus);
  o->set_scsi_target(i.scsi_target);
  o->set_scsi_lun(i.scsi_lun);
  o->set_mount_count(i.mount_count);
  o->set_saved_partition(RawGuid(i.saved_partition));
  o->set_library(RawGuid(i.library));
  o->set_drive_type(RawGuid(i.drive_type));
  o->set_defer_dismount_delay(i.defer_dismount_delay);
}

void Fill(const dom::LibraryInfo& i, LibraryInfo* o) {
  o->set_library_type(i.library_type);
  o->set_barcode_reader(i.barcode_reader);
  o->set_inventory_method(i.inventory_method);
  o->set_number_of_drives(i.number_of_drives);
  o->set_number_of_slots(i.number_of_slots);
  o->set_number_of_ports(i.number_of_ports);
  o->set_number_of_changers(i.number_of_changers);
  o->set_number_of_media(i.number_of_media);
  o->set_number_of_media_types(i.number_of_media_types);
  o->set_number_of_lib_requests(i.number_of_lib_requests);
  o->set_auto_recovery(i.auto_recovery);
  o->set_flags(i.flags);
}

void Fill(const dom::ChangerInfo& i, ChangerInfo* o) {
  o->set_number(i.number);
  o->set_serial(i.serial);
  o->set_device_name(i.device_name);
  o->set_library(RawGuid(i.library));
  o->set_changer_type(RawGuid(i.changer_type));
}

void Fill(const dom::DriveTypeInfo& i, DriveTypeInfo* o) {
  o->set_vendor(i.vendor);
  o->set_product(i.product);
  o->set_number_of_heads(i.number_of_heads);
  o->set_device_type(i.device_type);
}

void Fill(const dom::ChangerTypeInfo& i, ChangerTypeInfo* o) {
  o->set_vendor(i.vendor);
  o->set_product(i.product);
  o->set_device_type(i.device_type);
}

void Fill(const dom::SlotInfo& i, SlotInfo* o) {
  o->set_number(i.number);
  o->set_state(i.state);
  o->set_library(RawGuid(i.library));
}

void Fill(const dom::IePortInfo& i, IePortInfo* o) {
  o->set_number(i.number);
  o->set_content(i.content);
  o->set_position(i.position);
  o->set_max_extend_secs(i.max_extend_secs);
  o->set_library(RawGuid(i.library));
}

void Fill(const dom::PhysicalMediaInfo& i, PhysicalMediaInfo* o) {
  o->set_current_library(RawGuid(i.current_library));
  o->set_media_pool(RawGuid(i.media_pool));
  o->set_location(RawGuid(i.location));
  o->set_location_type(i.location_type);
  o->set_media_type(RawGuid(i.media_type));
  o->set_home_slot(RawGuid(i.home_slot));
  o->set_barcode(i.barcode);
  o->set_barcode_state(i.barcode_state);
  o->set_media_state(i.media_state);
  o->set_number_of_partitions(i.number_of_partitions);
  o->set_media_type_code(i.media_type_code);
  o->set_mounted_partition(RawGuid(i.mounted_partition));
}

void Fill(const dom::PartitionInfo& i, PartitionInfo* o) {
  o->set_physical_media(RawGuid(i.physical_media));
  o->set_logical_media(RawGuid(i.logical_media));
  o->set_state(i.state);
  o->set_side(i.side);
  o->set_mount_count(i.mount_count);
  o->set_allocate_count(i.allocate_count);
  o->set_capacity(i.capacity);
}

void Fill(const dom::MediaPoolInfo& i, MediaPoolInfo* o) {
  o->set_pool_type(i.pool_type);
  o->set_media_type(RawGuid(i.media_type));
  o->set_parent(RawGuid(i.parent));
  o->set_allocation_policy(i.allocation_policy);
  o->set_deallocation_policy(i.deallocation_policy);
  o->set_max_allocates(i.max_allocates);
  o->set_number_of_physical_media(i.number_of_physical_media);
  o->set_number_of_media_pools(i.number_of_media_pools);
}

void Fill(const dom::MediaTypeInfo& i, MediaTypeInfo* o) {
  o->set_media_type(i.media_type);
  o->set_number_of_sides(i.number_of_sides);
  o->set_read_write(i.read_write);
  o->set_device_type(i.device_type);
}

void Fill(const dom::LibRequestInfo& i, LibRequestInfo* o) {
  o->set_operation_code(i.operation_code);
  o->set_operation_option(i.operation_option);
  o->set_state(i.state);
  o->set_partition(RawGuid(i.partition));
  o->set_drive(RawGuid(i.drive));
  o->set_physical_media(RawGuid(i.physical_media));
  o->set_library(RawGuid(i.library));
  o->set_slot(RawGuid(i.slot));
  o->set_time_queued_ms(i.time_queued_ms);
  o->set_time_completed_ms(i.time_completed_ms);
  o->set_application(i.application);
  o->set_user(i.user);
  o->set_computer(i.computer);
  o->set_error_code(i.error_code);
  o->set_work_item(RawGuid(i.work_item));
  o->set_priority(i.priority);
}

void Fill(const dom::ComputerInfo& i, ComputerInfo* o) {
  o->set_lib_request_purge_time(i.lib_request_purge_time);
  o->set_op_request_purge_time(i.op_request_purge_time);
}

}  // namespace

std::string RawGuid(const Guid& g) {
  if (g.IsNull()) return std::string();
  return std::string(reinterpret_cast<const char*>(g.bytes.data()), g.bytes.size());
}

Guid GuidFromRaw(const std::string& raw) {
  if (raw.size() != 16) return Guid();
  return Guid::FromRaw(raw.data());
}

void ToProto(const dom::ObjectInfo& in, ObjectInfo* out) {
  out->Clear();
  out->set_type(in.type);
  out->set_id(RawGuid(in.id));
  out->set_name(in.name);
  out->set_description(in.description);
  out->set_created_ms(in.created_ms);
  out->set_modified_ms(in.modified_ms);
  out->set_enabled(in.enabled);
  out->set_operational_state(in.operational_state);
  std::visit(
      [out](const auto& i) {
        using T = std::decay_t<decltype(i)>;
        if constexpr (std::is_same_v<T, dom::DriveInfo>)
          Fill(i, out->mutable_drive());
        else if constexpr (std::is_same_v<T, dom::LibraryInfo>)
          Fill(i, out->mutable_library());
        else if constexpr (std::is_same_v<T, dom::ChangerInfo>)
          Fill(i, out->mutable_changer());
        else if constexpr (std::is_same_v<T, dom::SlotInfo>)
          Fill(i, out->mutable_slot());
        else if constexpr (std::is_same_v<T, dom::IePortInfo>)
          Fill(i, out->mutable_ieport());
        else if constexpr (std::is_same_v<T, dom::PhysicalMediaInfo>)
          Fill(i, out->mutable_physical_media());
        else if constexpr (std::is_same_v<T, dom::PartitionInfo>)
          Fill(i, out->mutable_partition());
        else if constexpr (std::is_same_v<T, dom::MediaPoolInfo>)
          Fill(i, out->mutable_media_pool());
        else if constexpr (std::is_same_v<T, dom::MediaTypeInfo>)
          Fill(i, out->mutable_media_type());
        else if constexpr (std::is_same_v<T, dom::LibRequestInfo>)
          Fill(i, out->mutable_lib_request());
        else if constexpr (std::is_same_v<T, dom::ComputerInfo>)
          Fill(i, out->mutable_computer());
        else if constexpr (std::is_same_v<T, dom::DriveTypeInfo>)
          Fill(i, out->mutable_drive_type());
        else if constexpr (std::is_same_v<T, dom::ChangerTypeInfo>)
          Fill(i, out->mutable_changer_type());
        else
          static_assert(std::is_same_v<T, std::monostate>, "an ObjectInfo alternative has no message");
      },
      in.info);
}

dom::ObjectInfo WritableFromProto(const ObjectInfo& in) {
  dom::ObjectInfo o;
  o.type = in.type();
  o.name = in.name();
  o.description = in.description();
  if (in.info_case() == ObjectInfo::kMediaPool) {
    const auto& p = in.media_pool();
    dom::MediaPoolInfo i;
    i.media_type = GuidFromRaw(p.media_type());
    i.allocation_policy = p.allocation_policy();
    i.deallocation_policy = p.deallocation_policy();
    i.max_allocates = p.max_allocates();
    o.info = i;
  }
  return o;
}

}  // namespace openrsm::rpc
