#include "rpc/client/convert.h"

#include <string>

namespace openrsm::rpc {
namespace {

namespace dom = ::openrsm;  // the domain types; unqualified names below are the messages

Guid G(const std::string& raw) { return raw.size() == 16 ? Guid::FromRaw(raw.data()) : Guid(); }

dom::DriveInfo From(const DriveInfo& i) {
  dom::DriveInfo o;
  o.number = i.number();
  o.state = i.state();
  o.device_name = i.device_name();
  o.serial = i.serial();
  o.revision = i.revision();
  o.scsi_port = i.scsi_port();
  o.scsi_bus = i.scsi_bus();
  o.scsi_target = i.scsi_target();
  o.scsi_lun = i.scsi_lun();
  o.mount_count = i.mount_count();
  o.saved_partition = G(i.saved_partition());
  o.library = G(i.library());
  o.defer_dismount_delay = i.defer_dismount_delay();
  o.drive_type = G(i.drive_type());
  return o;
}

dom::LibraryInfo From(const LibraryInfo& i) {
  dom::LibraryInfo o;
  o.library_type = i.library_type();
  o.barcode_reader = i.barcode_reader();
  o.inventory_method = i.inventory_method();
  o.number_of_drives = i.number_of_drives();
  o.number_of_slots = i.number_of_slots();
  o.number_of_ports = i.number_of_ports();
  o.number_of_changers = i.number_of_changers();
  o.number_of_media = i.number_of_media();
  o.number_of_media_types = i.number_of_media_types();
  o.number_of_lib_requests = i.number_of_lib_requests();
  o.auto_recovery = i.auto_recovery();
  o.flags = i.flags();
  return o;
}

dom::ChangerInfo From(const ChangerInfo& i) {
  dom::ChangerInfo o;
  o.number = i.number();
  o.serial = i.serial();
  o.device_name = i.device_name();
  o.library = G(i.library());
  o.changer_type = G(i.changer_type());
  return o;
}

dom::DriveTypeInfo From(const DriveTypeInfo& i) {
  return dom::DriveTypeInfo{i.vendor(), i.product(), i.number_of_heads(), i.device_type()};
}

dom::ChangerTypeInfo From(const ChangerTypeInfo& i) {
  return dom::ChangerTypeInfo{i.vendor(), i.product(), i.device_type()};
}

dom::SlotInfo From(const SlotInfo& i) { return dom::SlotInfo{i.number(), i.state(), G(i.library())}; }

dom::IePortInfo From(const IePortInfo& i) {
  dom::IePortInfo o;
  o.number = i.number();
  o.content = i.content();
  o.position = i.position();
  o.max_extend_secs = i.max_extend_secs();
  o.library = G(i.library());
  return o;
}

dom::PhysicalMediaInfo From(const PhysicalMediaInfo& i) {
  dom::PhysicalMediaInfo o;
  o.current_library = G(i.current_library());
  o.media_pool = G(i.media_pool());
  o.location = G(i.location());
  o.location_type = i.location_type();
  o.media_type = G(i.media_type());
  o.home_slot = G(i.home_slot());
  o.barcode = i.barcode();
  o.barcode_state = i.barcode_state();
  o.media_state = i.media_state();
  o.number_of_partitions = i.number_of_partitions();
  o.media_type_code = i.media_type_code();
  o.mounted_partition = G(i.mounted_partition());
  return o;
}

dom::PartitionInfo From(const PartitionInfo& i) {
  dom::PartitionInfo o;
  o.physical_media = G(i.physical_media());
  o.logical_media = G(i.logical_media());
  o.state = i.state();
  o.side = i.side();
  o.mount_count = i.mount_count();
  o.allocate_count = i.allocate_count();
  o.capacity = i.capacity();
  return o;
}

dom::MediaPoolInfo From(const MediaPoolInfo& i) {
  dom::MediaPoolInfo o;
  o.pool_type = i.pool_type();
  o.media_type = G(i.media_type());
  o.parent = G(i.parent());
  o.allocation_policy = i.allocation_policy();
  o.deallocation_policy = i.deallocation_policy();
  o.max_allocates = i.max_allocates();
  o.number_of_physical_media = i.number_of_physical_media();
  o.number_of_media_pools = i.number_of_media_pools();
  return o;
}

dom::MediaTypeInfo From(const MediaTypeInfo& i) {
  return dom::MediaTypeInfo{i.media_type(), i.number_of_sides(), i.read_write(), i.device_type()};
}

dom::LibRequestInfo From(const LibRequestInfo& i) {
  dom::LibRequestInfo o;
  o.operation_code = i.operation_code();
  o.operation_option = i.operation_option();
  o.state = i.state();
  o.partition = G(i.partition());
  o.drive = G(i.drive());
  o.physical_media = G(i.physical_media());
  o.library = G(i.library());
  o.slot = G(i.slot());
  o.time_queued_ms = i.time_queued_ms();
  o.time_completed_ms = i.time_completed_ms();
  o.application = i.application();
  o.user = i.user();
  o.computer = i.computer();
  o.error_code = i.error_code();
  o.work_item = G(i.work_item());
  o.priority = i.priority();
  return o;
}

dom::ComputerInfo From(const ComputerInfo& i) {
  return dom::ComputerInfo{i.lib_request_purge_time(), i.op_request_purge_time()};
}

}  // namespace

dom::ObjectInfo FromProto(const ObjectInfo& in) {
  dom::ObjectInfo o;
  o.type = in.type();
  o.id = G(in.id());
  o.name = in.name();
  o.description = in.description();
  o.created_ms = in.created_ms();
  o.modified_ms = in.modified_ms();
  o.enabled = in.enabled();
  o.operational_state = in.operational_state();
  switch (in.info_case()) {
    case ObjectInfo::kDrive:
      o.info = From(in.drive());
      break;
    case ObjectInfo::kLibrary:
      o.info = From(in.library());
      break;
    case ObjectInfo::kChanger:
      o.info = From(in.changer());
      break;
    case ObjectInfo::kSlot:
      o.info = From(in.slot());
      break;
    case ObjectInfo::kIeport:
      o.info = From(in.ieport());
      break;
    case ObjectInfo::kPhysicalMedia:
      o.info = From(in.physical_media());
      break;
    case ObjectInfo::kPartition:
      o.info = From(in.partition());
      break;
    case ObjectInfo::kMediaPool:
      o.info = From(in.media_pool());
      break;
    case ObjectInfo::kMediaType:
      o.info = From(in.media_type());
      break;
    case ObjectInfo::kLibRequest:
      o.info = From(in.lib_request());
      break;
    case ObjectInfo::kComputer:
      o.info = From(in.computer());
      break;
    case ObjectInfo::kDriveType:
      o.info = From(in.drive_type());
      break;
    case ObjectInfo::kChangerType:
      o.info = From(in.changer_type());
      break;
    case ObjectInfo::INFO_NOT_SET:
      break;
  }
  return o;
}

void WritableToProto(const dom::ObjectInfo& in, ObjectInfo* out) {
  out->Clear();
  out->set_type(in.type);
  out->set_name(in.name);
  out->set_description(in.description);
  if (const auto* i = std::get_if<dom::MediaPoolInfo>(&in.info)) {
    auto* p = out->mutable_media_pool();
    if (!i->media_type.IsNull())
      p->set_media_type(
          std::string(reinterpret_cast<const char*>(i->media_type.bytes.data()), i->media_type.bytes.size()));
    p->set_allocation_policy(i->allocation_policy);
    p->set_deallocation_policy(i->deallocation_policy);
    p->set_max_allocates(i->max_allocates);
  }
}

}  // namespace openrsm::rpc
