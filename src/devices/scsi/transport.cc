#include "devices/scsi/transport.h"

#include <cstdio>

namespace openrsm::devices::scsi {

std::string ScsiStatusName(uint8_t status) {
  switch (status) {
    case scsi_status::kGood:
      return "GOOD";
    case scsi_status::kCheckCondition:
      return "CHECK CONDITION";
    case scsi_status::kConditionMet:
      return "CONDITION MET";
    case scsi_status::kBusy:
      return "BUSY";
    case scsi_status::kReservationConflict:
      return "RESERVATION CONFLICT";
    case scsi_status::kTaskSetFull:
      return "TASK SET FULL";
    case scsi_status::kAcaActive:
      return "ACA ACTIVE";
    case scsi_status::kTaskAborted:
      return "TASK ABORTED";
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "STATUS 0x%02X", status);
  return buf;
}

Status ValidateCommand(const ScsiCommand& cmd) {
  if (cmd.cdb.size() < 6 || cmd.cdb.size() > 16) {
    return {err::kInvalidParameter, "CDB length " + std::to_string(cmd.cdb.size()) + " is not 6..16"};
  }
  if (cmd.timeout.count() <= 0) return {err::kInvalidParameter, "command timeout must be positive"};
  switch (cmd.direction) {
    case DataDirection::kNone:
      if (!cmd.data_in.empty() || !cmd.data_out.empty()) {
        return {err::kInvalidParameter, "a buffer was given for a command without data phase"};
      }
      break;
    case DataDirection::kFromDevice:
      if (!cmd.data_out.empty()) return {err::kInvalidParameter, "data-out buffer on a data-in command"};
      break;
    case DataDirection::kToDevice:
      if (!cmd.data_in.empty()) return {err::kInvalidParameter, "data-in buffer on a data-out command"};
      break;
    default:
      return {err::kInvalidParameter, "unknown data direction"};
  }
  if (cmd.data_in.size() > (1u << 30) || cmd.data_out.size() > (1u << 30)) {
    return {err::kInvalidParameter, "transfer larger than 1 GiB"};
  }
  return Status::Ok();
}

}  // namespace openrsm::devices::scsi
