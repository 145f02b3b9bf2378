// ScsiChanger: devices::Changer over a SCSI medium changer (SMC-3) on a
// Transport. docs/devices-scsi.md describes the element mapping, the sense
// handling and the tgt quirks.
//
// Element mapping: ElementRef{type, index} <-> device element address. The
// addresses of each type are the ones READ ELEMENT STATUS reports at Open,
// sorted; index i is the i-th lowest (0-based). A type the device reports no
// descriptors for falls back to the contiguous range of the Element Address
// Assignment page (0x1D). MOVE MEDIUM uses the first transport element
// address from page 0x1D.
//
// Errors (device.h): ReadElementStatus/Open fail with ERROR_DEVICE_NOT_AVAILABLE;
// Move returns ERROR_EMPTY (3B/0E), ERROR_NOT_EMPTY (3B/0D),
// ERROR_INVALID_STATE (53/02, removal prevented), ERROR_INVALID_PARAMETER
// (index out of range, 24/00, 21/01), ERROR_DEVICE_NOT_AVAILABLE (transport
// lost, device not ready, LUN gone) or ERROR_UNABLE_TO_LOAD_MEDIUM
// (everything else, incl. HARDWARE ERROR and timeouts: where the cartridge
// is now is unknown).
//
// Thread safety: as device.h (one caller, the library's worker).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "devices/device.h"
#include "devices/scsi/command_runner.h"
#include "devices/scsi/parse.h"
#include "devices/scsi/transport.h"

namespace openrsm::devices::scsi {

class ScsiChanger final : public Changer {
 public:
  // Reads INQUIRY (must be a medium changer), VPD 0x80, MODE SENSE page
  // 0x1D and one READ ELEMENT STATUS per element type (the element address
  // lists and the drives' DVCID serials).
  static Result<std::unique_ptr<ScsiChanger>> Open(std::unique_ptr<Transport> transport,
                                                   ScsiDeviceOptions options = {});

  Result<ChangerLayout> Layout() override;
  Result<std::vector<ElementStatus>> ReadElementStatus() override;
  // One READ ELEMENT STATUS of that element type only (the mail-slot poll).
  Result<std::vector<ElementStatus>> ReadElementStatusOf(ElementType type) override;
  Status Move(const ElementRef& from, const ElementRef& to) override;
  // INITIALIZE ELEMENT STATUS (timeout `initialize_element_status`); a
  // changer that rejects the opcode (05/20/00) is left as it is (OK, logged).
  Status Rescan() override;
  // True after a command of this changer met (and retried) a UNIT ATTENTION
  // (CommandRunner::unit_attention_seen); a successful ReadElementStatus()
  // clears it.
  bool InventoryMayHaveChanged() override { return runner_.unit_attention_seen(); }

  // The serial number each data transfer element reports through DVCID
  // (index = data transfer element index), as read at Open; "" when the
  // element has no (complete, ASCII) identifier.
  const std::vector<std::string>& DriveSerials() const { return drive_serials_; }
  // Device element address of `ref`; ERROR_INVALID_PARAMETER when out of range.
  Result<uint16_t> Address(const ElementRef& ref) const;
  const ElementAddressAssignment& AddressAssignment() const { return eaa_; }
  std::string Describe() const { return transport_->Describe(); }

 private:
  ScsiChanger(std::unique_ptr<Transport> t, ScsiDeviceOptions o);
  Status Init();
  Status ReadAddressAssignment();
  // One READ ELEMENT STATUS of `type` (VOLTAG; DVCID for drives), re-issued
  // with a larger allocation length when the first answer did not fit.
  Result<ElementStatusData> ReadType(SmcElementType type);
  static size_t Slot(ElementType t) { return static_cast<size_t>(t); }

  std::unique_ptr<Transport> transport_;
  ScsiDeviceOptions options_;
  CommandRunner runner_;
  ChangerLayout layout_;
  ElementAddressAssignment eaa_;
  std::array<std::vector<uint16_t>, 4> addresses_;  // by ElementType, sorted
  std::array<uint32_t, 5> alloc_{};                 // last allocation length that fit, by SMC type
  std::vector<std::string> drive_serials_;
  // Whether the device sets ACCESS (tgt never does): true once a full read
  // showed it on some element. Until then ElementStatus::accessible is unset.
  bool reports_access_ = false;
};

// Win32 code a failed MOVE MEDIUM ends with, from the Status the runner or
// the sense table gave (device.h's list; see the file comment).
Status MapMoveStatus(const Status& st);

}  // namespace openrsm::devices::scsi
