// Per-command timeouts for SCSI commands to changers and tape drives.
//
// Real devices are slow in ways an emulator is not: an LTO-9 cartridge's
// first load calibrates for 20 minutes to 2 hours, a full-library INITIALIZE
// ELEMENT STATUS scans every slot, and IBM gives 1,680 s for WRITE
// FILEMARKS. The defaults below are generous upper bounds; a command that
// runs long is progress, not failure. Config can override any entry by name
// (timeouts.<name> = seconds), see Names().
//
// A TimeoutTable is an immutable value once built: safe to share between
// threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "devices/scsi/bytes.h"

namespace openrsm::devices::scsi {

enum class Command : uint8_t {
  kTestUnitReady,
  kInquiry,
  kRequestSense,
  kModeSense,
  kModeSelect,
  kReadElementStatus,
  kInitializeElementStatus,  // also WITH RANGE
  kMoveMedium,
  kExchangeMedium,
  kPositionToElement,
  kOpenCloseImportExport,
  kPreventAllowMediumRemoval,
  kLoad,
  kUnload,
  kRewind,
  kReadPosition,
  kLocate,
  kSpace,
  kWriteFilemarks,
  kRead,
  kWrite,
  kErase,
  kReadBlockLimits,
  kBecomingReady,  // not a command: how long to wait for NOT READY 04/01 to clear
  kOther,
  kCount_,  // number of entries; not a command
};

// The config name of each entry ("move_medium"), and back.
std::string_view CommandName(Command c);
Result<Command> CommandFromName(std::string_view name);

// Which command a CDB is. Opcodes that mean different commands on changers
// and tape drives (2Bh, 1Bh) are resolved by the PERIPHERAL DEVICE TYPE.
Command ClassifyCdb(ByteSpan cdb, uint8_t peripheral_device_type);

class TimeoutTable {
 public:
  using Seconds = std::chrono::seconds;

  TimeoutTable();  // the defaults

  // The defaults with `overrides` (name -> seconds) applied. An unknown name
  // or a value that is not positive is ERROR_INVALID_PARAMETER naming it.
  static Result<TimeoutTable> WithOverrides(const std::map<std::string, Seconds>& overrides);

  Seconds For(Command c) const;
  Seconds ForCdb(ByteSpan cdb, uint8_t peripheral_device_type) const {
    return For(ClassifyCdb(cdb, peripheral_device_type));
  }

  static Seconds Default(Command c);

 private:
  Seconds t_[static_cast<size_t>(Command::kCount_)];
};

}  // namespace openrsm::devices::scsi
