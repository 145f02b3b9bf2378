#include "devices/scsi/timeouts.h"

#include <fmt/format.h>

#include "devices/scsi/cdb.h"

namespace openrsm::devices::scsi {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

struct Entry {
  Command command;
  std::string_view name;
  seconds timeout;
};

// Defaults: upper bounds for real hardware (tgt answers in microseconds).
// IBM's LTO timeouts are the reference where they exist (WRITE FILEMARKS
// 1,680 s); LOAD allows for LTO-9 first-load calibration (up to 2 h).
constexpr Entry kEntries[] = {
    {Command::kTestUnitReady, "test_unit_ready", minutes(1)},
    {Command::kInquiry, "inquiry", minutes(1)},
    {Command::kRequestSense, "request_sense", minutes(1)},
    {Command::kModeSense, "mode_sense", minutes(1)},
    {Command::kModeSelect, "mode_select", minutes(1)},
    {Command::kReadElementStatus, "read_element_status", minutes(10)},
    {Command::kInitializeElementStatus, "initialize_element_status", hours(2)},
    {Command::kMoveMedium, "move_medium", minutes(15)},
    {Command::kExchangeMedium, "exchange_medium", minutes(15)},
    {Command::kPositionToElement, "position_to_element", minutes(15)},
    {Command::kOpenCloseImportExport, "open_close_import_export", minutes(15)},
    {Command::kPreventAllowMediumRemoval, "prevent_allow_medium_removal", minutes(1)},
    {Command::kLoad, "load", hours(2)},
    {Command::kUnload, "unload", minutes(30)},
    {Command::kRewind, "rewind", hours(2)},
    {Command::kReadPosition, "read_position", minutes(1)},
    {Command::kLocate, "locate", hours(2)},
    {Command::kSpace, "space", hours(2)},
    {Command::kWriteFilemarks, "write_filemarks", seconds(1680)},
    {Command::kRead, "read", seconds(1680)},
    {Command::kWrite, "write", seconds(1680)},
    {Command::kErase, "erase", hours(24)},
    {Command::kReadBlockLimits, "read_block_limits", minutes(1)},
    {Command::kBecomingReady, "becoming_ready", hours(2)},
    {Command::kOther, "other", minutes(10)},
};
static_assert(std::size(kEntries) == static_cast<size_t>(Command::kCount_), "one entry per Command");

constexpr bool EntriesInOrder() {
  for (size_t i = 0; i < std::size(kEntries); ++i) {
    if (static_cast<size_t>(kEntries[i].command) != i) return false;
  }
  return true;
}
static_assert(EntriesInOrder(), "kEntries is indexed by Command");

}  // namespace

std::string_view CommandName(Command c) {
  const auto i = static_cast<size_t>(c);
  return i < std::size(kEntries) ? kEntries[i].name : "unknown";
}

Result<Command> CommandFromName(std::string_view name) {
  for (const Entry& e : kEntries) {
    if (e.name == name) return e.command;
  }
  return Status(err::kInvalidParameter, fmt::format("unknown SCSI command timeout name \"{}\"", name));
}

Command ClassifyCdb(ByteSpan cdb, uint8_t pdt) {
  if (cdb.empty()) return Command::kOther;
  const bool changer = pdt == kPdtMediumChanger;
  switch (cdb[0]) {
    case op::kTestUnitReady:
      return Command::kTestUnitReady;
    case op::kInquiry:
      return Command::kInquiry;
    case op::kRequestSense:
      return Command::kRequestSense;
    case op::kModeSense6:
    case op::kModeSense10:
      return Command::kModeSense;
    case op::kModeSelect6:
    case op::kModeSelect10:
      return Command::kModeSelect;
    case op::kPreventAllowMediumRemoval:
      return Command::kPreventAllowMediumRemoval;
    case op::kReadElementStatus:
      return Command::kReadElementStatus;
    case op::kInitializeElementStatus:
    case op::kInitializeElementStatusWithRange:
      return Command::kInitializeElementStatus;
    case op::kMoveMedium:
      return Command::kMoveMedium;
    case op::kExchangeMedium:
      return Command::kExchangeMedium;
    case 0x2B:
      return changer ? Command::kPositionToElement : Command::kLocate;
    case op::kLocate16:
      return Command::kLocate;
    case 0x1B:
      if (changer) return Command::kOpenCloseImportExport;
      return GetBit(cdb, 4, 0) ? Command::kLoad : Command::kUnload;
    case op::kRewind:
      return Command::kRewind;
    case op::kReadPosition:
      return Command::kReadPosition;
    case op::kSpace6:
    case op::kSpace16:
      return Command::kSpace;
    case op::kWriteFilemarks6:
    case op::kWriteFilemarks16:
      return Command::kWriteFilemarks;
    case op::kRead6:
      return Command::kRead;
    case op::kWrite6:
      return Command::kWrite;
    case op::kErase6:
      return Command::kErase;
    case op::kReadBlockLimits:
      return Command::kReadBlockLimits;
    default:
      return Command::kOther;
  }
}

TimeoutTable::TimeoutTable() {
  for (const Entry& e : kEntries) t_[static_cast<size_t>(e.command)] = e.timeout;
}

Result<TimeoutTable> TimeoutTable::WithOverrides(const std::map<std::string, Seconds>& overrides) {
  TimeoutTable t;
  for (const auto& [name, value] : overrides) {
    RSM_ASSIGN_OR_RETURN(const Command c, CommandFromName(name));
    if (value.count() <= 0) {
      return Status(err::kInvalidParameter, fmt::format("SCSI timeout \"{}\" must be positive, is {} s", name,
                                                        static_cast<long long>(value.count())));
    }
    t.t_[static_cast<size_t>(c)] = value;
  }
  return t;
}

TimeoutTable::Seconds TimeoutTable::For(Command c) const {
  const auto i = static_cast<size_t>(c);
  return i < std::size(t_) ? t_[i] : t_[static_cast<size_t>(Command::kOther)];
}

TimeoutTable::Seconds TimeoutTable::Default(Command c) {
  const auto i = static_cast<size_t>(c);
  return i < std::size(kEntries) ? kEntries[i].timeout : kEntries[static_cast<size_t>(Command::kOther)].timeout;
}

}  // namespace openrsm::devices::scsi
