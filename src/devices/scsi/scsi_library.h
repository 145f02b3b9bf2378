// Factories for SCSI libraries: a changer and its drives (or one stand-alone
// drive) over iSCSI (libiscsi) or SG_IO (/dev/sg*, found through sysfs),
// as configured in DESIGN.md (`kind = "iscsi"` / `kind = "sg"`).
//
// The returned LibraryDevices has drives.size() == the number of data
// transfer elements (DTEs) the changer reports, and drives[i] is the drive
// behind DTE i, or nullptr when no drive is mapped to it (tgt's spare DTE,
// a drive that is not configured or not found). A stand-alone library has
// no changer and exactly one drive.
//
// Drive-to-DTE mapping: by serial number, the drive's VPD 0x80 serial
// against the identifier the changer reports for each DTE (DVCID). Only
// when the changer gives no identifier at all are drives mapped in
// configured order (iscsi) or by LUN on the changer's SCSI target (sg), and
// a warning says so. A configured drive the changer does not report is
// closed and logged, not an error.
//
// Each drive's Identity() carries its SCSI address: host:channel:target:lun
// from sysfs (sg), the URL's LUN (iscsi).
//
// Any device that cannot be opened fails the whole call
// (ERROR_DEVICE_NOT_AVAILABLE, naming the device): the service then keeps the
// library offline with that reason. Bad configuration is ERROR_INVALID_PARAMETER.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "devices/device.h"
#include "devices/scsi/command_runner.h"
#include "devices/scsi/iscsi_transport.h"
#include "devices/scsi/os.h"
#include "devices/scsi/sg_transport.h"

namespace openrsm::devices::scsi {

struct ScsiLibraryOptions {
  ScsiDeviceOptions device;
  IscsiOptions iscsi;
  SgDiscoveryOptions sg;
};

// The options a configured library runs with: the default timeout table with
// the library's `timeouts` overrides applied. ERROR_INVALID_PARAMETER names an
// unknown command name.
Result<ScsiLibraryOptions> OptionsFor(const LibraryConfig& config);

Result<LibraryDevices> MakeIscsiLibrary(const LibraryConfig& config, const ScsiLibraryOptions& options = {});
Result<LibraryDevices> MakeSgLibrary(const LibraryConfig& config, ScsiOs* os, const ScsiLibraryOptions& options = {});

// An opened drive with its serial, before mapping.
struct OpenedDrive {
  std::string serial;  // VPD 0x80
  std::string where;   // URL or /dev/sg path, for logs
  std::unique_ptr<Drive> drive;
};
// Maps `drives` onto the DTEs whose DVCID serials are `dte_serials` (see the
// file comment); the result has dte_serials.size() entries.
std::vector<std::unique_ptr<Drive>> MapDrivesToElements(const std::string& library,
                                                        const std::vector<std::string>& dte_serials,
                                                        std::vector<OpenedDrive> drives);

}  // namespace openrsm::devices::scsi
