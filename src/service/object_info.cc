#include "service/object_info.h"

#include "catalog/ntms_values.h"

namespace openrsm::service {
namespace {

std::string Raw(const Guid& g) {
  if (g.IsNull()) return std::string();
  return std::string(reinterpret_cast<const char*>(g.bytes.data()), 16);
}

void Header(const catalog::ObjectHeader& h, uint32_t type, rpc::ObjectInfo* out) {
  out->set_type(type);
  out->set_id(Raw(h.id));
  out->set_name(h.name);
  out->set_description(h.description);
  out->set_created_ms(h.created_ms);
  out->set_modified_ms(h.modified_ms);
  out->set_enabled(h.enabled);
  out->set_operational_state(h.op_state);
}

}  // namespace

Status FillObjectInfo(catalog::Txn& txn, uint32_t type, const Guid& id, rpc::ObjectInfo* out,
                      Governing* governing) {
  Governing unused;
  Governing& g = governing ? *governing : unused;
  switch (type) {
    case ntms::kLibrary: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetLibrary(id));
      g.library = id;
      Header(v.h, type, out);
      auto* i = out->mutable_library();
      i->set_library_type(v.library_type);
      i->set_barcode_reader(v.barcode_reader);
      i->set_inventory_method(v.inventory_method);
      RSM_ASSIGN_OR_RETURN(uint64_t drives, txn.CountLibraryElements(ntms::kDrive, id));
      RSM_ASSIGN_OR_RETURN(uint64_t slots, txn.CountLibraryElements(ntms::kStorageSlot, id));
      RSM_ASSIGN_OR_RETURN(uint64_t ports, txn.CountLibraryElements(ntms::kIePort, id));
      RSM_ASSIGN_OR_RETURN(uint64_t changers, txn.CountLibraryElements(ntms::kChanger, id));
      RSM_ASSIGN_OR_RETURN(uint64_t media, txn.CountPhysicalMedia(id, Guid()));
      RSM_ASSIGN_OR_RETURN(uint64_t nreq, txn.CountLibRequests(id));
      i->set_number_of_drives(uint32_t(drives));
      i->set_number_of_slots(uint32_t(slots));
      i->set_number_of_ports(uint32_t(ports));
      i->set_number_of_changers(uint32_t(changers));
      i->set_number_of_media(uint32_t(media));
      i->set_number_of_media_types(1);
      i->set_number_of_lib_requests(uint32_t(nreq));
      i->set_auto_recovery(true);
      return Status::Ok();
    }
    case ntms::kDrive: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetDrive(id));
      g.library = v.library;
      Header(v.h, type, out);
      auto* i = out->mutable_drive();
      i->set_number(v.number);
      i->set_state(v.state);
      i->set_device_name(v.device_name);
      i->set_serial(v.serial);
      i->set_mount_count(v.mount_count);
      i->set_saved_partition(Raw(v.mounted_side));
      i->set_library(Raw(v.library));
      return Status::Ok();
    }
    case ntms::kChanger: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetChanger(id));
      g.library = v.library;
      Header(v.h, type, out);
      auto* i = out->mutable_changer();
      i->set_serial(v.serial);
      i->set_device_name(v.device_name);
      i->set_library(Raw(v.library));
      return Status::Ok();
    }
    case ntms::kStorageSlot: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetSlot(id));
      g.library = v.library;
      Header(v.h, type, out);
      auto* i = out->mutable_slot();
      i->set_number(v.number);
      i->set_state(v.state);
      i->set_library(Raw(v.library));
      return Status::Ok();
    }
    case ntms::kIePort: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetIePort(id));
      g.library = v.library;
      Header(v.h, type, out);
      auto* i = out->mutable_ieport();
      i->set_number(v.number);
      i->set_library(Raw(v.library));
      i->set_state(v.state);
      i->set_content(v.media.IsNull() ? 2u : 1u);  // NTMS_PORTCONTENT_EMPTY / FULL
      return Status::Ok();
    }
    case ntms::kPhysicalMedia: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetPhysicalMedia(id));
      g.library = v.library;
      g.pool = v.pool;
      Header(v.h, type, out);
      auto* i = out->mutable_physical_media();
      i->set_current_library(Raw(v.library));
      i->set_media_pool(Raw(v.pool));
      i->set_location(Raw(v.location));
      i->set_location_type(v.location_type);
      i->set_media_type(Raw(v.media_type));
      i->set_home_slot(Raw(v.home_slot));
      i->set_barcode(v.barcode);
      i->set_barcode_state(v.barcode_state);
      i->set_media_state(v.media_state);
      RSM_ASSIGN_OR_RETURN(uint64_t parts, txn.CountPartitions(id));
      i->set_number_of_partitions(uint32_t(parts));
      if (v.location_type == ntms::kDrive) {
        auto d = txn.GetDrive(v.location);
        if (d.ok()) i->set_mounted_partition(Raw(d->mounted_side));
      }
      return Status::Ok();
    }
    case ntms::kPartition: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetPartition(id));
      if (governing) {
        RSM_ASSIGN_OR_RETURN(auto m, txn.GetPhysicalMedia(v.pmid));
        g.library = m.library;
        g.pool = m.pool;
      }
      Header(v.h, type, out);
      auto* i = out->mutable_partition();
      i->set_physical_media(Raw(v.pmid));
      i->set_logical_media(Raw(v.lmid));
      i->set_state(v.state);
      i->set_side(v.side);
      i->set_allocate_count(v.allocate_count);
      i->set_capacity(v.capacity);
      return Status::Ok();
    }
    case ntms::kMediaPool: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetMediaPool(id));
      g.pool = id;
      Header(v.h, type, out);
      auto* i = out->mutable_media_pool();
      i->set_pool_type(v.pool_type);
      i->set_media_type(Raw(v.media_type));
      i->set_parent(Raw(v.parent));
      i->set_allocation_policy(v.allocation_policy);
      i->set_deallocation_policy(v.deallocation_policy);
      i->set_max_allocates(v.max_allocates);
      RSM_ASSIGN_OR_RETURN(uint64_t media, txn.CountPhysicalMedia(Guid(), id));
      RSM_ASSIGN_OR_RETURN(uint64_t children, txn.CountMediaPools(id));
      i->set_number_of_physical_media(uint32_t(media));
      i->set_number_of_media_pools(uint32_t(children));
      return Status::Ok();
    }
    case ntms::kMediaType: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetMediaType(id));
      Header(v.h, type, out);
      auto* i = out->mutable_media_type();
      i->set_media_type(v.media_type_code);
      i->set_number_of_sides(v.sides);
      i->set_read_write(v.read_write);
      return Status::Ok();
    }
    case ntms::kLibRequest: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetLibRequest(id));
      g.library = v.library;
      Header(v.h, type, out);
      auto* i = out->mutable_lib_request();
      i->set_operation_code(v.operation);
      i->set_operation_option(v.option);
      i->set_state(v.state);
      i->set_partition(Raw(v.partition));
      i->set_drive(Raw(v.drive));
      i->set_physical_media(Raw(v.pmid));
      i->set_library(Raw(v.library));
      i->set_slot(Raw(v.slot));
      i->set_time_queued_ms(v.queued_ms);
      i->set_time_completed_ms(v.completed_ms);
      i->set_application(v.application);
      i->set_user(v.user);
      i->set_computer(v.computer);
      i->set_error_code(v.error);
      i->set_work_item(Raw(v.h.id));
      i->set_priority(uint32_t(v.priority));
      return Status::Ok();
    }
    case ntms::kComputer: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetComputer());
      if (v.h.id != id) return Status(err::kObjectNotFound, "no such computer");
      Header(v.h, type, out);
      auto* i = out->mutable_computer();
      i->set_lib_request_purge_time(v.lib_request_purge_time_s);
      i->set_op_request_purge_time(v.op_request_purge_time_s);
      return Status::Ok();
    }
    default:
      return Status(err::kObjectNotFound, "object type not served");
  }
}

Result<Governing> GoverningObjects(catalog::Txn& txn, uint32_t type, const Guid& id) {
  Governing g;
  switch (type) {
    case ntms::kLibrary: g.library = id; break;
    case ntms::kDrive: { RSM_ASSIGN_OR_RETURN(auto v, txn.GetDrive(id)); g.library = v.library; break; }
    case ntms::kChanger: { RSM_ASSIGN_OR_RETURN(auto v, txn.GetChanger(id)); g.library = v.library; break; }
    case ntms::kStorageSlot: { RSM_ASSIGN_OR_RETURN(auto v, txn.GetSlot(id)); g.library = v.library; break; }
    case ntms::kIePort: { RSM_ASSIGN_OR_RETURN(auto v, txn.GetIePort(id)); g.library = v.library; break; }
    case ntms::kLibRequest: { RSM_ASSIGN_OR_RETURN(auto v, txn.GetLibRequest(id)); g.library = v.library; break; }
    case ntms::kPhysicalMedia: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetPhysicalMedia(id));
      g.library = v.library;
      g.pool = v.pool;
      break;
    }
    case ntms::kPartition: {
      RSM_ASSIGN_OR_RETURN(auto p, txn.GetPartition(id));
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetPhysicalMedia(p.pmid));
      g.library = v.library;
      g.pool = v.pool;
      break;
    }
    case ntms::kMediaPool: g.pool = id; break;
    default: break;
  }
  return g;
}

}  // namespace openrsm::service
