// Changer and Drive: the narrow interfaces between the service and a
// library's hardware (SCSI) or its simulation.
//
// Elements are addressed by type and 0-based index within that type, the
// way the catalogue numbers slots, drives and IE ports; implementations map
// them to device element addresses. All calls block until the device has
// finished (a robot move can take tens of seconds) and are made only from
// the owning library's worker thread, never inside a catalogue transaction.
//
// Errors (Status codes) a device may return:
//   ERROR_DEVICE_NOT_AVAILABLE  device unreachable/offline (library goes offline)
//   ERROR_INVALID_STATE         medium removal prevented (an application holds the drive)
//   ERROR_UNABLE_TO_LOAD_MEDIUM the move failed; where the cartridge is now is unknown
//   ERROR_EMPTY / ERROR_NOT_EMPTY  source empty / destination full
//   ERROR_INVALID_PARAMETER     element index out of range
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace openrsm::devices {

enum class ElementType : uint8_t { kTransport = 0, kStorage = 1, kImportExport = 2, kDataTransfer = 3 };
const char* ElementTypeName(ElementType t);

struct ElementRef {
  ElementType type = ElementType::kStorage;
  uint32_t index = 0;
  friend bool operator==(const ElementRef&, const ElementRef&) = default;
};

struct ElementStatus {
  ElementRef ref;
  bool full = false;
  bool exception = false;            // the device flags the element (e.g. medium unreadable)
  std::string barcode;               // primary volume tag, trailing spaces removed; "" if none
  std::optional<ElementRef> source;  // where the medium came from, when the device knows
  // Whether the robot can reach the element now (SCSI ACCESS; for an IE
  // port: false while it is open to the operator), when the device reports
  // it; nullopt when it does not.
  std::optional<bool> accessible;
};

struct ChangerLayout {
  uint32_t transports = 1;
  uint32_t slots = 0;
  uint32_t ieports = 0;
  uint32_t drives = 0;
  std::string vendor, product, serial;
};

class Changer {
 public:
  virtual ~Changer() = default;
  virtual Result<ChangerLayout> Layout() = 0;
  // Reads every element's status (the device may rescan first).
  virtual Result<std::vector<ElementStatus>> ReadElementStatus() = 0;
  // Moves the medium at `from` to `to` (MOVE MEDIUM).
  virtual Status Move(const ElementRef& from, const ElementRef& to) = 0;
  // Makes the changer check every element again physically (presence and
  // barcodes: the robot scans the library) before the next
  // ReadElementStatus: NTMS_INVENTORY_FAST, a bar-code inventory. Can take
  // minutes on a large library. A changer that has no such command, or
  // keeps its view current by itself, does nothing. Default: nothing.
  virtual Status Rescan() { return Status::Ok(); }
  // Whether the device has reported, since the last successful
  // ReadElementStatus(), that its elements may have changed without a move
  // of ours (SCSI: a UNIT ATTENTION such as 29/00 power on or reset, 28/00
  // not ready to ready, seen and retried during some command). The service
  // then re-reads the element status. Default: never.
  virtual bool InventoryMayHaveChanged() { return false; }

  // Reads the status of the elements of one type only, in index order (the
  // service's mail-slot poll reads the IE ports this way). The default
  // filters a full ReadElementStatus; a changer that can address one element
  // type (READ ELEMENT STATUS with an element type code) overrides it.
  virtual Result<std::vector<ElementStatus>> ReadElementStatusOf(ElementType type);
};

struct DriveStatus {
  bool loaded = false;  // a medium is in the drive
  bool ready = false;   // the medium is threaded and ready
  std::string barcode;  // what the drive knows of the medium (may be "")
};

// Where a device sits on the host's SCSI stack. sg: the Linux SCSI device's
// host:channel:target:lun (sysfs); iSCSI: the LUN of the URL, the rest 0
// (a userspace initiator has no host adapter, channel or target number);
// simulated devices and unknown: all 0.
struct ScsiAddress {
  uint32_t host = 0, channel = 0, target = 0, lun = 0;
  friend bool operator==(const ScsiAddress&, const ScsiAddress&) = default;
};

struct DriveIdentity {
  std::string vendor, product, revision, serial, device_name;
  ScsiAddress address;
};

class Drive {
 public:
  virtual ~Drive() = default;
  virtual Result<DriveIdentity> Identity() = 0;
  virtual Result<DriveStatus> GetStatus() = 0;
  // Prepares the medium for removal (rewind + UNLOAD). Returns
  // ERROR_INVALID_STATE when an application prevents medium removal.
  virtual Status Unload() = 0;
};

// Long device waits are progress, not failure: a drive calibrating a new
// cartridge can stay "becoming ready" for an hour. Device code reports such
// waits here while the call runs (on the worker's thread, outside any
// catalogue transaction); the service shows the text on the library request
// being run. Implementations must be cheap and must not call back into the
// device.
class ProgressReporter {
 public:
  virtual ~ProgressReporter() = default;
  virtual void Report(const std::string& text) = 0;
};

// A library as the service sees it: an optional changer and its drives
// (index = data-transfer element index). A stand-alone drive has no changer.
// With a changer, drives has one entry per data-transfer element; an entry
// is null when no drive is mapped to that element (e.g. tgt's spare DTE, or
// a drive that is not configured): the service catalogues such a drive
// disabled and never asks it to unload.
struct LibraryDevices {
  std::unique_ptr<Changer> changer;  // null for a stand-alone drive
  std::vector<std::unique_ptr<Drive>> drives;
};

}  // namespace openrsm::devices
