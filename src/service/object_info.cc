#include "service/object_info.h"

#include "catalog/ntms_values.h"

namespace openrsm::service {
namespace {

void Header(const catalog::ObjectHeader& h, uint32_t type, ObjectInfo* out) {
  out->type = type;
  out->id = h.id;
  out->name = h.name;
  out->description = h.description;
  out->created_ms = h.created_ms;
  out->modified_ms = h.modified_ms;
  out->enabled = h.enabled;
  out->operational_state = h.op_state;
}

// DisableNtmsObject: "All objects contained by a disabled object are also
// disabled." An element or cartridge reports the library's state with its
// own; a missing library (offline media: none) disables nothing.
bool LibraryEnabled(catalog::Txn& txn, const Guid& library) {
  if (library.IsNull()) return true;
  auto lib = txn.GetLibrary(library);
  return !lib.ok() || lib->h.enabled;
}

// Library requests not finished yet (NTMS_LIBRARYINFORMATION.dwNumberOfLibRequests).
Result<uint64_t> CountCurrentRequests(catalog::Txn& txn, const Guid& library) {
  RSM_ASSIGN_OR_RETURN(auto ids, txn.ListLibRequestIds(library, {ntms::kLmQueued, ntms::kLmInProcess, ntms::kLmWaiting,
                                                                 ntms::kLmDeferred}));
  return uint64_t(ids.size());
}

Status FillLibrary(catalog::Txn& txn, const Guid& id, ObjectInfo* out, Governing& g) {
  RSM_ASSIGN_OR_RETURN(auto v, txn.GetLibrary(id));
  g.library = id;
  Header(v.h, ntms::kLibrary, out);
  LibraryInfo i;
  i.library_type = v.library_type;
  if (v.library_type == ntms::kLibTypeOffline) {
    // SDK (NTMS_LIBRARYINFORMATION): "For offline libraries, only LibraryType
    // and dwNumberOfMedia are reported."
    RSM_ASSIGN_OR_RETURN(uint64_t media, txn.CountOfflinePhysicalMedia());
    i.number_of_media = uint32_t(media);
    i.flags = ntms::kLibraryFlagFixedOffline;
    out->info = std::move(i);
    return Status::Ok();
  }
  i.barcode_reader = v.barcode_reader;
  i.inventory_method = v.inventory_method;
  RSM_ASSIGN_OR_RETURN(uint64_t drives, txn.CountLibraryElements(ntms::kDrive, id));
  RSM_ASSIGN_OR_RETURN(uint64_t slots, txn.CountLibraryElements(ntms::kStorageSlot, id));
  RSM_ASSIGN_OR_RETURN(uint64_t ports, txn.CountLibraryElements(ntms::kIePort, id));
  RSM_ASSIGN_OR_RETURN(uint64_t changers, txn.CountLibraryElements(ntms::kChanger, id));
  RSM_ASSIGN_OR_RETURN(uint64_t media, txn.CountPhysicalMedia(id, Guid()));
  RSM_ASSIGN_OR_RETURN(uint64_t nreq, CountCurrentRequests(txn, id));
  i.number_of_drives = uint32_t(drives);
  i.number_of_slots = uint32_t(slots);
  i.number_of_ports = uint32_t(ports);
  i.number_of_changers = uint32_t(changers);
  i.number_of_media = uint32_t(media);
  i.number_of_media_types = 1;
  i.number_of_lib_requests = uint32_t(nreq);
  i.auto_recovery = true;
  out->info = std::move(i);
  return Status::Ok();
}

Status FillDrive(catalog::Txn& txn, const Guid& id, ObjectInfo* out, Governing& g) {
  RSM_ASSIGN_OR_RETURN(auto v, txn.GetDrive(id));
  g.library = v.library;
  Header(v.h, ntms::kDrive, out);
  DriveInfo i;
  i.number = v.number;
  i.state = v.state;
  i.device_name = v.device_name;
  i.serial = v.serial;
  i.revision = v.revision;
  i.scsi_port = v.scsi_port;
  i.scsi_bus = v.scsi_bus;
  i.scsi_target = v.scsi_target;
  i.scsi_lun = v.scsi_lun;
  i.mount_count = v.mount_count;
  i.saved_partition = v.mounted_side;
  i.library = v.library;
  RSM_ASSIGN_OR_RETURN(auto lib, txn.GetLibrary(v.library));
  out->enabled = out->enabled && lib.h.enabled;
  i.defer_dismount_delay = lib.library_type == ntms::kLibTypeStandalone ? 0 : kDeferDismountDelayForever;
  i.drive_type = v.drive_type;
  out->info = std::move(i);
  return Status::Ok();
}

Status FillPhysicalMedia(catalog::Txn& txn, const Guid& id, ObjectInfo* out, Governing& g) {
  RSM_ASSIGN_OR_RETURN(auto v, txn.GetPhysicalMedia(id));
  g.library = v.library;
  g.pool = v.pool;
  Header(v.h, ntms::kPhysicalMedia, out);
  out->enabled = out->enabled && LibraryEnabled(txn, v.library);
  PhysicalMediaInfo i;
  i.current_library = v.library;
  if (v.library.IsNull()) {  // offline: its library is the offline library
    RSM_ASSIGN_OR_RETURN(auto c, txn.GetComputer());
    i.current_library = c.offline_library;
  }
  i.media_pool = v.pool;
  i.location = v.location;
  i.location_type = v.location_type;
  i.media_type = v.media_type;
  i.home_slot = v.home_slot;
  i.barcode = v.barcode;
  i.barcode_state = v.barcode_state;
  i.media_state = v.media_state;
  RSM_ASSIGN_OR_RETURN(uint64_t parts, txn.CountPartitions(id));
  i.number_of_partitions = uint32_t(parts);
  if (!v.media_type.IsNull()) {
    RSM_ASSIGN_OR_RETURN(auto t, txn.GetMediaType(v.media_type));
    i.media_type_code = t.media_type_code;
  }
  if (v.location_type == ntms::kDrive) {
    auto d = txn.GetDrive(v.location);
    if (d.ok()) i.mounted_partition = d->mounted_side;
  }
  out->info = std::move(i);
  return Status::Ok();
}

}  // namespace

Status FillObjectInfo(catalog::Txn& txn, uint32_t type, const Guid& id, ObjectInfo* out, Governing* governing) {
  Governing unused;
  Governing& g = governing ? *governing : unused;
  switch (type) {
    case ntms::kLibrary:
      return FillLibrary(txn, id, out, g);
    case ntms::kDrive:
      return FillDrive(txn, id, out, g);
    case ntms::kChanger: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetChanger(id));
      g.library = v.library;
      Header(v.h, type, out);
      out->enabled = out->enabled && LibraryEnabled(txn, v.library);
      out->info = ChangerInfo{.number = 0,
                              .serial = v.serial,
                              .device_name = v.device_name,
                              .library = v.library,
                              .changer_type = v.changer_type};
      return Status::Ok();
    }
    case ntms::kDriveType: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetDriveType(id));
      Header(v.h, type, out);
      out->info = DriveTypeInfo{
          .vendor = v.vendor, .product = v.product, .number_of_heads = v.number_of_heads, .device_type = v.device_type};
      return Status::Ok();
    }
    case ntms::kChangerType: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetChangerType(id));
      Header(v.h, type, out);
      out->info = ChangerTypeInfo{.vendor = v.vendor, .product = v.product, .device_type = v.device_type};
      return Status::Ok();
    }
    case ntms::kStorageSlot: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetSlot(id));
      g.library = v.library;
      Header(v.h, type, out);
      out->enabled = out->enabled && LibraryEnabled(txn, v.library);
      out->info = SlotInfo{.number = v.number, .state = v.state, .library = v.library};
      return Status::Ok();
    }
    case ntms::kIePort: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetIePort(id));
      g.library = v.library;
      Header(v.h, type, out);
      out->enabled = out->enabled && LibraryEnabled(txn, v.library);
      IePortInfo i;
      i.number = v.number;
      i.content = v.media.IsNull() ? 2u : 1u;  // NTMS_PORTCONTENT_EMPTY / FULL
      i.position = v.position;
      i.library = v.library;
      out->info = i;
      return Status::Ok();
    }
    case ntms::kPhysicalMedia:
      return FillPhysicalMedia(txn, id, out, g);
    case ntms::kPartition: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetPartition(id));
      RSM_ASSIGN_OR_RETURN(auto m, txn.GetPhysicalMedia(v.pmid));
      g.library = m.library;
      g.pool = m.pool;
      Header(v.h, type, out);
      // A side of a disabled cartridge (or of one in a disabled library) is disabled.
      out->enabled = out->enabled && m.h.enabled && LibraryEnabled(txn, m.library);
      PartitionInfo i;
      i.physical_media = v.pmid;
      i.logical_media = v.lmid;
      i.state = v.state;
      i.side = v.side;
      i.mount_count = v.mount_count;
      i.allocate_count = v.allocate_count;
      i.capacity = v.capacity;
      out->info = i;
      return Status::Ok();
    }
    case ntms::kMediaPool: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetMediaPool(id));
      g.pool = id;
      Header(v.h, type, out);
      MediaPoolInfo i;
      i.pool_type = v.pool_type;
      i.media_type = v.media_type;
      i.parent = v.parent;
      i.allocation_policy = v.allocation_policy;
      i.deallocation_policy = v.deallocation_policy;
      i.max_allocates = v.max_allocates;
      RSM_ASSIGN_OR_RETURN(uint64_t media, txn.CountPhysicalMedia(Guid(), id));
      RSM_ASSIGN_OR_RETURN(uint64_t children, txn.CountMediaPools(id));
      if (v.parent.IsNull()) {
        // The root pool is above the top-level pools (which keep a null parent).
        RSM_ASSIGN_OR_RETURN(auto c, txn.GetComputer());
        if (c.root_pool == id) {
          RSM_ASSIGN_OR_RETURN(uint64_t top, txn.CountMediaPools(Guid()));
          children = top - 1;  // itself
        }
      }
      i.number_of_physical_media = uint32_t(media);
      i.number_of_media_pools = uint32_t(children);
      out->info = i;
      return Status::Ok();
    }
    case ntms::kMediaType: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetMediaType(id));
      Header(v.h, type, out);
      out->info = MediaTypeInfo{.media_type = v.media_type_code,
                                .number_of_sides = v.sides,
                                .read_write = v.read_write,
                                .device_type = kFileDeviceTape};  // every media type rsmd knows is a tape
      return Status::Ok();
    }
    case ntms::kLibRequest: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetLibRequest(id));
      g.library = v.library;
      Header(v.h, type, out);
      LibRequestInfo i;
      i.operation_code = v.operation;
      i.operation_option = v.option;
      i.state = v.state;
      i.partition = v.partition;
      i.drive = v.drive;
      i.physical_media = v.pmid;
      i.library = v.library;
      i.slot = v.slot;
      i.time_queued_ms = v.queued_ms;
      i.time_completed_ms = v.completed_ms;
      i.application = v.application;
      i.user = v.user;
      i.computer = v.computer;
      i.error_code = v.error;
      i.work_item = v.h.id;
      i.priority = uint32_t(v.priority);
      out->info = std::move(i);
      return Status::Ok();
    }
    case ntms::kComputer: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetComputer());
      if (v.h.id != id) return Status(err::kObjectNotFound, "no such computer");
      Header(v.h, type, out);
      out->info = ComputerInfo{.lib_request_purge_time = v.lib_request_purge_time_s,
                               .op_request_purge_time = v.op_request_purge_time_s};
      return Status::Ok();
    }
    default:
      return Status(err::kObjectNotFound, "object type not served");
  }
}

Result<Governing> GoverningObjects(catalog::Txn& txn, uint32_t type, const Guid& id) {
  Governing g;
  switch (type) {
    case ntms::kLibrary:
      g.library = id;
      break;
    case ntms::kDrive: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetDrive(id));
      g.library = v.library;
      break;
    }
    case ntms::kChanger: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetChanger(id));
      g.library = v.library;
      break;
    }
    case ntms::kStorageSlot: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetSlot(id));
      g.library = v.library;
      break;
    }
    case ntms::kIePort: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetIePort(id));
      g.library = v.library;
      break;
    }
    case ntms::kLibRequest: {
      RSM_ASSIGN_OR_RETURN(auto v, txn.GetLibRequest(id));
      g.library = v.library;
      break;
    }
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
    case ntms::kMediaPool:
      g.pool = id;
      break;
    default:
      break;
  }
  return g;
}

}  // namespace openrsm::service
