// SgTransport: the Transport over Linux SG_IO (sg v3 interface, <scsi/sg.h>)
// on a /dev/sgN node, and discovery of media changers and tape drives through
// sysfs. All system calls go through the injected ScsiOs (os.h).
//
// Mapping of an SG_IO outcome (sg_io_hdr_t after the ioctl):
//   * ioctl fails: ENODEV/ENXIO/EIO/ENOENT -> ERROR_DEVICE_NOT_AVAILABLE,
//     EACCES/EPERM -> ERROR_ACCESS_DENIED, EBUSY/EAGAIN -> ERROR_BUSY,
//     ENOMEM -> ERROR_NOT_ENOUGH_MEMORY, EINVAL/EFAULT/EMSGSIZE/EOVERFLOW
//     (e.g. a transfer the adapter cannot do) -> ERROR_INVALID_PARAMETER.
//   * host_status DID_TIME_OUT or driver_status DRIVER_TIMEOUT -> ERROR_TIMEOUT.
//   * a transient host_status (BUS_BUSY, RESET, SOFT_ERROR, IMM_RETRY,
//     REQUEUE, TRANSPORT_DISRUPTED): the command is sent once more; if that
//     fails too -> ERROR_DEVICE_NOT_AVAILABLE. Any other host_status (NO_CONNECT,
//     BAD_TARGET, ABORT, ERROR, TRANSPORT_FAILFAST, ...) -> ERROR_DEVICE_NOT_AVAILABLE.
//   * driver_status other than OK/SENSE with no SCSI status to report ->
//     ERROR_DEVICE_NOT_AVAILABLE.
//   * otherwise OK: `status` is the SCSI status byte, the sense is the
//     sb_len_wr bytes the kernel wrote, and resid gives the residual.
// The kernel enforces the timeout (sg_io_hdr.timeout, milliseconds).
//
// Thread safety: see transport.h (one command at a time per SgTransport).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "devices/device.h"
#include "devices/scsi/os.h"
#include "devices/scsi/transport.h"

namespace openrsm::devices::scsi {

class SgTransport final : public Transport {
 public:
  // Opens `path` (a /dev/sgN node) read-write and non-blocking and checks
  // that it speaks sg v3 (SG_GET_VERSION_NUM >= 30000). `os` must outlive
  // the transport. ERROR_DEVICE_NOT_AVAILABLE if absent or not an sg node,
  // ERROR_ACCESS_DENIED without permission, ERROR_BUSY if held exclusively.
  static Result<std::unique_ptr<SgTransport>> Open(ScsiOs* os, const std::string& path);
  ~SgTransport() override;
  SgTransport(const SgTransport&) = delete;
  SgTransport& operator=(const SgTransport&) = delete;

  Result<ScsiResult> Execute(const ScsiCommand& cmd) override;
  std::string Describe() const override { return path_; }

 private:
  SgTransport(ScsiOs* os, std::string path, int fd) : os_(os), path_(std::move(path)), fd_(fd) {}
  ScsiOs* const os_;
  const std::string path_;
  const int fd_;
};

// SPC peripheral device types that discovery reports.
inline constexpr uint8_t kPeripheralTape = 0x01;
inline constexpr uint8_t kPeripheralChanger = 0x08;

// A media changer or tape drive on the host's SCSI stack.
struct SgDevice {
  std::string name;                     // "sg2"
  std::string sg_path;                  // "/dev/sg2"
  uint8_t peripheral_type = 0;          // kPeripheralTape or kPeripheralChanger
  std::string vendor, model, revision;  // INQUIRY strings from sysfs, spaces trimmed
  // Unit serial number (VPD page 0x80) from sysfs vpd_pg80, spaces trimmed;
  // "" when the kernel did not cache the page: then send an INQUIRY.
  std::string serial;
  std::string tape_path;  // tapes: the non-rewinding node, "/dev/nst0"; "" if none
  std::string hctl;       // "host:channel:target:lun", e.g. "2:0:0:1"; "" if unknown
};

struct SgDiscoveryOptions {
  std::string sysfs_root = "/sys";  // tests point these into a fake tree
  std::string dev_root = "/dev";
};

// Enumerates /sys/class/scsi_generic/sg*/device and returns the media
// changers (type 8) and tape drives (type 1), ordered by sg number. No SCSI
// layer (no /sys/class/scsi_generic) gives an empty list, not an error.
// Devices whose attributes cannot be read are skipped.
Result<std::vector<SgDevice>> DiscoverSgDevices(ScsiOs* os, const SgDiscoveryOptions& options = {});

// The address in a sysfs "host:channel:target:lun" name ("2:0:0:1");
// all 0 when `hctl` is not four unsigned numbers separated by ':'.
ScsiAddress ParseHctl(std::string_view hctl);

// The serial in a VPD page 0x80 (SPC-5 7.7.14): bytes 4.. of the page,
// spaces and NULs trimmed; "" if `page` is not a well-formed page 0x80.
std::string SerialFromVpdPage80(std::string_view page);

}  // namespace openrsm::devices::scsi
