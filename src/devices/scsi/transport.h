// Transport: runs one SCSI command (a CDB, a data phase, a timeout) on one
// logical unit and returns what the device said. It knows nothing of what
// the bytes mean: building CDBs and decoding data and sense is the SCSI
// layer's job (cdb.h, parse.h, sense.h).
//
// Implementations: iscsi_transport.h (libiscsi, a userspace initiator) and
// sg_transport.h (Linux SG_IO on /dev/sg*). docs/transports.md describes both.
//
// Outcomes of Execute():
//   * the command reached the device and it answered: OK, with the SCSI status
//     byte (GOOD, CHECK CONDITION, BUSY, RESERVATION CONFLICT, ...), the raw
//     sense bytes and the byte counts. A CHECK CONDITION is NOT a Status
//     error: the caller decodes the sense and decides.
//   * the transport failed (connection lost and not re-established, the
//     device node vanished, the adapter reported an error):
//     ERROR_DEVICE_NOT_AVAILABLE with a message saying what happened.
//   * no answer within the command's timeout: ERROR_TIMEOUT. Whether the
//     device executed the command is then unknown.
//   * a malformed command (bad CDB length, buffer not matching the
//     direction, non-positive timeout): ERROR_INVALID_PARAMETER.
//
// Thread safety: a Transport runs one command at a time. Callers must not call
// Execute() on the same Transport from two threads at once (the library worker
// that owns the device is the only caller). Transports that share an
// underlying connection (iSCSI LUNs of one target) serialize internally.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"

namespace openrsm::devices::scsi {

// SCSI status byte values (SAM-5 5.3.1).
namespace scsi_status {
inline constexpr uint8_t kGood = 0x00;
inline constexpr uint8_t kCheckCondition = 0x02;
inline constexpr uint8_t kConditionMet = 0x04;
inline constexpr uint8_t kBusy = 0x08;
inline constexpr uint8_t kReservationConflict = 0x18;
inline constexpr uint8_t kTaskSetFull = 0x28;
inline constexpr uint8_t kAcaActive = 0x30;
inline constexpr uint8_t kTaskAborted = 0x40;
}  // namespace scsi_status

// "GOOD", "CHECK CONDITION", ...; "STATUS 0xNN" for other values.
std::string ScsiStatusName(uint8_t status);

// The longest sense data a device may return (SPC-5 4.4: 252 bytes).
inline constexpr size_t kMaxSenseLength = 252;

enum class DataDirection : uint8_t {
  kNone = 0,        // no data phase
  kFromDevice = 1,  // data-in: the device fills data_in
  kToDevice = 2,    // data-out: data_out is sent to the device
};

// One command. The spans are borrowed for the duration of Execute() only.
struct ScsiCommand {
  std::span<const uint8_t> cdb;  // 6 to 16 bytes
  DataDirection direction = DataDirection::kNone;
  std::span<uint8_t> data_in;                 // kFromDevice only; its size is the transfer length
  std::span<const uint8_t> data_out;          // kToDevice only
  std::chrono::milliseconds timeout{60'000};  // must be > 0

  static ScsiCommand None(std::span<const uint8_t> cdb, std::chrono::milliseconds timeout) {
    return {cdb, DataDirection::kNone, {}, {}, timeout};
  }
  static ScsiCommand In(std::span<const uint8_t> cdb, std::span<uint8_t> buf, std::chrono::milliseconds timeout) {
    return {cdb, DataDirection::kFromDevice, buf, {}, timeout};
  }
  static ScsiCommand Out(std::span<const uint8_t> cdb, std::span<const uint8_t> buf,
                         std::chrono::milliseconds timeout) {
    return {cdb, DataDirection::kToDevice, {}, buf, timeout};
  }
};

// What the device answered.
struct ScsiResult {
  uint8_t status = scsi_status::kGood;  // SCSI status byte
  // Raw sense data exactly as returned (fixed 0x70/0x71 or descriptor
  // 0x72/0x73 format), at most kMaxSenseLength bytes; empty if none.
  std::vector<uint8_t> sense;
  // Bytes actually moved to data_in / from data_out. For data-in, only the
  // first `transferred` bytes of data_in are meaningful.
  size_t transferred = 0;
  // Expected transfer length minus `transferred`, as reported by the
  // transport: > 0 underflow (the device moved less), < 0 overflow (the
  // device had more than the buffer could take).
  int64_t residual = 0;

  bool good() const { return status == scsi_status::kGood; }
  bool check_condition() const { return status == scsi_status::kCheckCondition; }
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Runs `cmd` and blocks until the device answers, the transport fails or
  // cmd.timeout expires. See the file comment for the outcomes.
  virtual Result<ScsiResult> Execute(const ScsiCommand& cmd) = 0;

  // The device's address for logs and errors: the iSCSI URL or the /dev/sg path.
  virtual std::string Describe() const = 0;
};

// Checks the shape of `cmd` (CDB length, buffers against direction, timeout).
// Shared by the implementations; ERROR_INVALID_PARAMETER when malformed.
Status ValidateCommand(const ScsiCommand& cmd);

}  // namespace openrsm::devices::scsi
