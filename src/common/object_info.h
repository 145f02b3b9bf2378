// ObjectInfo: NTMS_OBJECTINFORMATION as a plain value, the form in which
// object information travels between the layers. The service fills it from
// the catalogue (service/object_info.h), the RPC server turns it into the
// wire message (rpc/server/convert.h), the RPC client turns the message back
// into it (rpc/client/convert.h), and libntmsapi copies it into the C
// structures. It lives in common because both ends of the wire use it and
// neither may see the other's layer.
//
// One struct per NTMS_*INFORMATION union member, with the same fields (Win32
// numeric values as they are; strings UTF-8; times milliseconds since the Unix
// epoch, UTC, 0 = none; a null Guid = none). Fields the C structure has and
// OpenRSM has no value for (drive and changer types, cleaning, doors, logical
// media, on-media identifiers, sequence numbers, density codes, request
// flags, ...) are left out; libntmsapi leaves them 0.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "common/guid.h"

namespace openrsm {

// NTMS_DRIVEINFORMATION.
struct DriveInfo {
  uint32_t number = 0;
  uint32_t state = 0;  // NtmsDriveState
  std::string device_name;
  std::string serial;
  std::string revision;
  // SCSI address (ScsiPort = host adapter, ScsiBus = channel); 0 where
  // unknown (docs/compat.md "GetNtmsObjectInformation").
  uint32_t scsi_port = 0, scsi_bus = 0, scsi_target = 0, scsi_lun = 0;
  uint32_t mount_count = 0;
  Guid saved_partition;
  Guid library;
  uint32_t defer_dismount_delay = 0;  // seconds
  Guid drive_type;                    // NTMS_DRIVE_TYPE object
  friend bool operator==(const DriveInfo&, const DriveInfo&) = default;
};

// NTMS_LIBRARYINFORMATION.
struct LibraryInfo {
  uint32_t library_type = 0;  // NtmsLibraryType
  bool barcode_reader = false;
  uint32_t inventory_method = 0;
  uint32_t number_of_drives = 0, number_of_slots = 0, number_of_ports = 0, number_of_changers = 0;
  uint32_t number_of_media = 0, number_of_media_types = 0;
  uint32_t number_of_lib_requests = 0;  // current (unfinished) requests
  bool auto_recovery = false;
  uint32_t flags = 0;  // NtmsLibraryFlags (NTMS_LIBRARYFLAG_FIXEDOFFLINE: the offline library)
  friend bool operator==(const LibraryInfo&, const LibraryInfo&) = default;
};

// NTMS_CHANGERINFORMATION.
struct ChangerInfo {
  uint32_t number = 0;
  std::string serial;
  std::string device_name;
  Guid library;
  Guid changer_type;  // NTMS_CHANGER_TYPE object
  friend bool operator==(const ChangerInfo&, const ChangerInfo&) = default;
};

// NTMS_DRIVETYPEINFORMATION.
struct DriveTypeInfo {
  std::string vendor;
  std::string product;
  uint32_t number_of_heads = 0;
  uint32_t device_type = 0;  // FILE_DEVICE_TAPE
  friend bool operator==(const DriveTypeInfo&, const DriveTypeInfo&) = default;
};

// NTMS_CHANGERTYPEINFORMATION.
struct ChangerTypeInfo {
  std::string vendor;
  std::string product;
  uint32_t device_type = 0;  // FILE_DEVICE_CHANGER
  friend bool operator==(const ChangerTypeInfo&, const ChangerTypeInfo&) = default;
};

// NTMS_STORAGESLOTINFORMATION.
struct SlotInfo {
  uint32_t number = 0;
  uint32_t state = 0;  // NtmsSlotState
  Guid library;
  friend bool operator==(const SlotInfo&, const SlotInfo&) = default;
};

// NTMS_IEPORTINFORMATION.
struct IePortInfo {
  uint32_t number = 0;
  uint32_t content = 0;   // NtmsPortContent
  uint32_t position = 0;  // NtmsPortPosition
  uint32_t max_extend_secs = 0;
  Guid library;
  friend bool operator==(const IePortInfo&, const IePortInfo&) = default;
};

// NTMS_PMIDINFORMATION.
struct PhysicalMediaInfo {
  Guid current_library;
  Guid media_pool;
  Guid location;
  uint32_t location_type = 0;  // NtmsObjectsTypes of `location`
  Guid media_type;
  Guid home_slot;
  std::string barcode;
  uint32_t barcode_state = 0;
  uint32_t media_state = 0;
  uint32_t number_of_partitions = 0;
  uint32_t media_type_code = 0;  // the media type's STORAGE_MEDIA_TYPE (docs/compat.md)
  Guid mounted_partition;
  friend bool operator==(const PhysicalMediaInfo&, const PhysicalMediaInfo&) = default;
};

// NTMS_PARTITIONINFORMATION.
struct PartitionInfo {
  Guid physical_media;
  Guid logical_media;
  uint32_t state = 0;  // NtmsPartitionState
  uint32_t side = 0;
  uint32_t mount_count = 0;
  uint32_t allocate_count = 0;
  uint64_t capacity = 0;
  friend bool operator==(const PartitionInfo&, const PartitionInfo&) = default;
};

// NTMS_MEDIAPOOLINFORMATION.
struct MediaPoolInfo {
  uint32_t pool_type = 0;
  Guid media_type;
  Guid parent;
  uint32_t allocation_policy = 0;
  uint32_t deallocation_policy = 0;
  uint32_t max_allocates = 0;
  uint32_t number_of_physical_media = 0;
  uint32_t number_of_media_pools = 0;
  friend bool operator==(const MediaPoolInfo&, const MediaPoolInfo&) = default;
};

// NTMS_MEDIATYPEINFORMATION.
struct MediaTypeInfo {
  uint32_t media_type = 0;  // STORAGE_MEDIA_TYPE (LTO_Ultrium = 0x56)
  uint32_t number_of_sides = 0;
  uint32_t read_write = 0;   // NtmsReadWriteCharacteristics
  uint32_t device_type = 0;  // FILE_DEVICE_* (FILE_DEVICE_TAPE = 0x1f)
  friend bool operator==(const MediaTypeInfo&, const MediaTypeInfo&) = default;
};

// NTMS_LIBREQUESTINFORMATION.
struct LibRequestInfo {
  uint32_t operation_code = 0;
  uint32_t operation_option = 0;
  uint32_t state = 0;  // NtmsLmState
  Guid partition;
  Guid drive;
  Guid physical_media;
  Guid library;
  Guid slot;
  int64_t time_queued_ms = 0;
  int64_t time_completed_ms = 0;
  std::string application;
  std::string user;
  std::string computer;
  uint32_t error_code = 0;
  Guid work_item;
  uint32_t priority = 0;
  friend bool operator==(const LibRequestInfo&, const LibRequestInfo&) = default;
};

// NTMS_COMPUTERINFORMATION.
struct ComputerInfo {
  uint32_t lib_request_purge_time = 0;  // seconds
  uint32_t op_request_purge_time = 0;
  friend bool operator==(const ComputerInfo&, const ComputerInfo&) = default;
};

struct ObjectInfo {
  // NtmsObjectsTypes. It names the `info` member that is meaningful:
  // NTMS_DRIVE DriveInfo, NTMS_LIBRARY LibraryInfo, ... (monostate for a
  // type OpenRSM has no information structure for).
  uint32_t type = 0;
  Guid id;
  std::string name;
  std::string description;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
  bool enabled = false;
  uint32_t operational_state = 0;  // NtmsOperationalState
  std::variant<std::monostate, DriveInfo, LibraryInfo, ChangerInfo, SlotInfo, IePortInfo, PhysicalMediaInfo,
               PartitionInfo, MediaPoolInfo, MediaTypeInfo, LibRequestInfo, ComputerInfo, DriveTypeInfo,
               ChangerTypeInfo>
      info;
  friend bool operator==(const ObjectInfo&, const ObjectInfo&) = default;
};

}  // namespace openrsm
