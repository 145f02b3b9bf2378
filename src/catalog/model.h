// The catalogue's object model: plain value types, one per RSM object.
//
// Numeric fields that the C API exposes (types, states, options) hold the
// ntmsapi.h values directly; src/catalog/ntms_values.h names them. Times are
// milliseconds since the Unix epoch (UTC). A null Guid means "none".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/guid.h"

namespace openrsm::catalog {

// Fields every RSM object carries (NTMS_OBJECTINFORMATION's header).
struct ObjectHeader {
  Guid id;
  std::string name;
  std::string description;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
  bool enabled = true;
  uint32_t op_state = 0;  // NtmsOperationalState: 0 ready, 10 initializing, 20 needs service, 21 not present
};

struct Computer {
  ObjectHeader h;
  uint32_t lib_request_purge_time_s = 3600;
  uint32_t op_request_purge_time_s = 3600;
  // The system objects the computer owns (created at start-up; null until
  // then): the offline library (library_type NTMS_LIBRARYTYPE_OFFLINE, the
  // "location" of every cartridge with no current library) and the root
  // media pool (parent of nothing, above the top-level pools; enumerated
  // only with NTMS_ENUM_ROOTPOOL). docs/catalog.md "System objects".
  Guid offline_library;
  Guid root_pool;
};

struct Library {
  ObjectHeader h;
  uint32_t library_type = 0;  // NtmsLibraryType: 0 unknown, 1 offline, 2 online, 3 standalone
  std::string kind;           // config kind: "sim", "iscsi", "sg"
  bool barcode_reader = true;
  uint32_t inventory_method = 0;
  bool needs_inventory = false;  // set when the catalogue cannot know where media are
  std::string offline_reason;    // why the library is offline (op_state != 0), for operators
};

// A kind of device (NTMS_CHANGER_TYPE, NTMS_DRIVE_TYPE): one per vendor and
// product rsmd has seen (their INQUIRY identification); every changer and
// drive names its type. The name is "VENDOR PRODUCT".
struct ChangerType {
  ObjectHeader h;
  std::string vendor;
  std::string product;
  uint32_t device_type = 0;  // FILE_DEVICE_CHANGER
};

struct DriveType {
  ObjectHeader h;
  std::string vendor;
  std::string product;
  uint32_t device_type = 0;  // FILE_DEVICE_TAPE
  uint32_t number_of_heads = 1;
};

struct Changer {
  ObjectHeader h;
  Guid library;
  std::string serial;
  std::string device_name;
  Guid changer_type;  // null until the changer has identified itself
};

struct Drive {
  ObjectHeader h;
  Guid library;
  uint32_t number = 0;  // 0-based data-transfer element index in its library
  uint32_t state = 0;   // NtmsDriveState (0 dismounted, 1 mounted, 2 loaded, 5 unloaded, 7 dismountable)
  Guid media;           // physical media in the drive, null when empty
  Guid mounted_side;    // partition mounted in it (NTMS_DRIVEINFORMATION.SavedPartitionId)
  std::string serial;
  std::string device_name;
  uint32_t mount_count = 0;
  std::string revision;  // INQUIRY product revision
  // SCSI address (host adapter, channel, target id, LUN) where the device
  // layer knows it; 0 otherwise (devices::ScsiAddress).
  uint32_t scsi_port = 0, scsi_bus = 0, scsi_target = 0, scsi_lun = 0;
  Guid drive_type;  // null until the drive has identified itself
};

struct Slot {
  ObjectHeader h;
  Guid library;
  uint32_t number = 0;  // 0-based storage element index
  uint32_t state = 0;   // NtmsSlotState: 1 full, 2 empty, 3 not present, 4 needs inventory
  Guid media;
};

struct IePort {
  ObjectHeader h;
  Guid library;
  uint32_t number = 0;
  uint32_t state = 0;  // NtmsPortState
  Guid media;
  uint32_t position = 0;  // NtmsPortPosition, as the device last reported it (0 unknown)
};

struct MediaType {
  ObjectHeader h;
  uint32_t media_type_code = 0;  // NtmsMediaType-ish (1 tape)
  uint32_t sides = 1;
  uint32_t read_write = 0;
};

struct MediaPool {
  ObjectHeader h;
  uint32_t pool_type = 0;  // NtmsPoolType: 1 scratch (Free), 2 foreign (Unrecognized), 3 import, 1000 application
  Guid media_type;
  Guid parent;
  uint32_t allocation_policy = 0;
  uint32_t deallocation_policy = 0;
  uint32_t max_allocates = 0;
};

struct PhysicalMedia {
  ObjectHeader h;
  Guid library;  // current library; null when offline
  Guid pool;
  Guid media_type;
  uint32_t location_type = 0;  // NTMS object type of `location`: NTMS_STORAGESLOT, NTMS_DRIVE, NTMS_IEPORT; 0 unknown
  Guid location;
  Guid home_slot;
  std::string barcode;
  uint32_t barcode_state = 0;    // 1 ok, 2 unreadable
  uint32_t media_state = 0;      // NtmsMediaState
  bool needs_inventory = false;  // location unknown until the next inventory
};

struct Partition {
  ObjectHeader h;
  Guid pmid;
  uint32_t side = 0;
  uint32_t state = 0;  // NtmsPartitionState
  Guid lmid;           // logical media when allocated
  uint64_t capacity = 0;
  uint32_t allocate_count = 0;
  // Session that mounted this side and has not released it (DismountNtmsMedia);
  // null when idle. A mounted side is "in use" for other sessions.
  Guid in_use_by;
  uint32_t mount_count = 0;  // times the cartridge was loaded into a drive to mount this side
};

// Library request (work item), NTMS_LIBREQUESTINFORMATION.
struct LibRequest {
  ObjectHeader h;
  uint64_t seq = 0;        // FIFO order among equal priorities; set by the store on insert
  uint32_t operation = 0;  // NtmsLmOperation
  uint32_t option = 0;
  uint32_t state = 0;  // NtmsLmState
  int32_t priority = 0;
  Guid library;
  Guid drive;
  Guid pmid;
  Guid partition;
  Guid slot;
  int64_t queued_ms = 0;
  int64_t completed_ms = 0;
  std::string application;
  std::string user;
  std::string computer;
  uint32_t error = 0;  // Win32 code when state is FAILED
  Guid session;        // issuing session (for cancel-on-close), may be null
};

// One access-control entry: `principal` (uid or gid) holds `rights` on object.
struct AccessEntry {
  Guid object;
  bool is_group = false;
  uint32_t principal = 0;
  uint32_t rights = 0;  // bit set of catalog::kRight*
};

inline constexpr uint32_t kRightUse = 1;
inline constexpr uint32_t kRightModify = 2;
inline constexpr uint32_t kRightControl = 4;

}  // namespace openrsm::catalog
