// ScsiDrive: devices::Drive over a SCSI tape drive (SSC-4) on a Transport.
//
//   * Identity: INQUIRY + VPD 0x80, read at Open and cached (device_name is
//     what the factory passes: the /dev/nstN node for sg, else the URL).
//   * GetStatus: TEST UNIT READY. GOOD = loaded and ready; NOT READY 3A/xx
//     = no medium; NOT READY 04/01 (becoming ready), 04/02 (initializing
//     command required) and other NOT READY = a medium is loaded but not
//     ready. UNIT ATTENTION is retried; nothing is waited for.
//   * Unload: REWIND (waiting while the drive becomes ready), then LOAD
//     UNLOAD with LOAD=0 (SSC: unload, and eject where the drive does). It
//     never sends PREVENT ALLOW MEDIUM REMOVAL: another initiator's prevent is
//     respected, and its 53/02 ends Unload with ERROR_INVALID_STATE (tgt only
//     enforces it on the later MOVE MEDIUM, which the changer maps the same
//     way). No medium (3A) gives ERROR_EMPTY.
//
// Errors: ERROR_DEVICE_NOT_AVAILABLE (transport lost, device not ready or
// gone), ERROR_INVALID_STATE, ERROR_EMPTY, ERROR_UNABLE_TO_LOAD_MEDIUM
// (hardware/medium errors and timeouts of the unload).
// Thread safety: as device.h.
#pragma once

#include <memory>
#include <string>

#include "devices/device.h"
#include "devices/scsi/command_runner.h"
#include "devices/scsi/transport.h"

namespace openrsm::devices::scsi {

class ScsiDrive final : public Drive {
 public:
  // Reads INQUIRY (must be a sequential-access device) and VPD 0x80.
  // `device_name` "" = the transport's Describe().
  static Result<std::unique_ptr<ScsiDrive>> Open(std::unique_ptr<Transport> transport, std::string device_name = "",
                                                 ScsiDeviceOptions options = {});

  Result<DriveIdentity> Identity() override { return identity_; }
  Result<DriveStatus> GetStatus() override;
  Status Unload() override;

  const std::string& serial() const { return identity_.serial; }
  // Sets the SCSI address Identity() reports (the factory knows it, the
  // device does not: sysfs for sg, the URL for iSCSI).
  void set_address(const ScsiAddress& address) { identity_.address = address; }
  std::string Describe() const { return transport_->Describe(); }

 private:
  ScsiDrive(std::unique_ptr<Transport> t, ScsiDeviceOptions o);

  std::unique_ptr<Transport> transport_;
  ScsiDeviceOptions options_;
  CommandRunner runner_;
  DriveIdentity identity_;
};

}  // namespace openrsm::devices::scsi
