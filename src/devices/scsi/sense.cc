#include "devices/scsi/sense.h"

#include <fmt/format.h>

namespace openrsm::devices::scsi {

std::string_view SenseKeyName(SenseKey key) {
  switch (key) {
    case SenseKey::kNoSense:
      return "NO SENSE";
    case SenseKey::kRecoveredError:
      return "RECOVERED ERROR";
    case SenseKey::kNotReady:
      return "NOT READY";
    case SenseKey::kMediumError:
      return "MEDIUM ERROR";
    case SenseKey::kHardwareError:
      return "HARDWARE ERROR";
    case SenseKey::kIllegalRequest:
      return "ILLEGAL REQUEST";
    case SenseKey::kUnitAttention:
      return "UNIT ATTENTION";
    case SenseKey::kDataProtect:
      return "DATA PROTECT";
    case SenseKey::kBlankCheck:
      return "BLANK CHECK";
    case SenseKey::kVendorSpecific:
      return "VENDOR SPECIFIC";
    case SenseKey::kCopyAborted:
      return "COPY ABORTED";
    case SenseKey::kAbortedCommand:
      return "ABORTED COMMAND";
    case SenseKey::kReserved:
      return "RESERVED";
    case SenseKey::kVolumeOverflow:
      return "VOLUME OVERFLOW";
    case SenseKey::kMiscompare:
      return "MISCOMPARE";
    case SenseKey::kCompleted:
      return "COMPLETED";
  }
  return "UNKNOWN";
}

std::string_view SenseActionName(SenseAction a) {
  switch (a) {
    case SenseAction::kNone:
      return "none";
    case SenseAction::kRetryNow:
      return "retry now";
    case SenseAction::kRetryLater:
      return "retry later";
    case SenseAction::kWaitBecomingReady:
      return "wait until ready";
    case SenseAction::kOffline:
      return "offline";
    case SenseAction::kOperatorRequest:
      return "operator request";
    case SenseAction::kFail:
      return "fail";
  }
  return "unknown";
}

int64_t SenseData::Residual() const {
  if (descriptor_format) return static_cast<int64_t>(information);
  return static_cast<int32_t>(static_cast<uint32_t>(information));
}

namespace {

Status BadSense(std::string_view why) { return {err::kBadFormat, fmt::format("sense data: {}", why)}; }

// SPC-4 fixed format sense data: byte 0 VALID (7), RESPONSE CODE (6-0); byte
// 2 FILEMARK (7), EOM (6), ILI (5), SENSE KEY (3-0); bytes 3-6 INFORMATION;
// byte 7 ADDITIONAL SENSE LENGTH; bytes 8-11 COMMAND-SPECIFIC INFORMATION;
// byte 12 ASC; 13 ASCQ; 14 FRU CODE; 15-17 SKSV (15 bit 7) and SENSE KEY
// SPECIFIC.
Result<SenseData> ParseFixed(ByteSpan b, SenseData s) {
  if (b.size() < 3) return BadSense(fmt::format("{} bytes of fixed-format sense, need 3", b.size()));
  s.information_valid = GetBit(b, 0, 7);
  s.filemark = GetBit(b, 2, 7);
  s.eom = GetBit(b, 2, 6);
  s.ili = GetBit(b, 2, 5);
  s.key = static_cast<SenseKey>(GetBits(b, 2, 0, 4));
  s.information = GetBe32(b, 3).value_or(0);
  // Bytes from 8 on count only as far as the ADDITIONAL SENSE LENGTH reaches.
  const ByteSpan d = b.size() >= 8 ? Slice(b, 0, 8 + static_cast<size_t>(b[7])) : b;
  s.command_specific = GetBe32(d, 8).value_or(0);
  s.asc = Get8(d, 12).value_or(0);
  s.ascq = Get8(d, 13).value_or(0);
  if (GetBit(d, 15, 7)) s.sense_key_specific = GetBe24(d, 15);
  return s;
}

// SPC-4 descriptor format sense data: byte 1 SENSE KEY (3-0); byte 2 ASC;
// byte 3 ASCQ; byte 7 ADDITIONAL SENSE LENGTH; then sense data descriptors
// (byte 0 DESCRIPTOR TYPE, byte 1 ADDITIONAL LENGTH): 00h information (byte
// 2 VALID (7), bytes 4-11 INFORMATION), 01h command-specific information
// (bytes 4-11), 02h sense key specific (bytes 4-6, SKSV = byte 4 bit 7), 04h
// stream commands (SSC-4: byte 3 FILEMARK (7), EOM (6), ILI (5)), 05h block
// commands (SBC: byte 3 ILI (5)).
Result<SenseData> ParseDescriptor(ByteSpan b, SenseData s) {
  if (b.size() < 2) return BadSense(fmt::format("{} bytes of descriptor-format sense, need 2", b.size()));
  s.key = static_cast<SenseKey>(GetBits(b, 1, 0, 4));
  s.asc = Get8(b, 2).value_or(0);
  s.ascq = Get8(b, 3).value_or(0);
  if (b.size() < 8) return s;
  const ByteSpan d = Slice(b, 0, 8 + static_cast<size_t>(b[7]));
  size_t p = 8;
  while (InBounds(d.size(), p, 2)) {
    const size_t len = 2 + static_cast<size_t>(d[p + 1]);
    if (!InBounds(d.size(), p, len)) break;
    const ByteSpan desc = d.subspan(p, len);
    switch (desc[0]) {
      case 0x00:
        if (auto info = GetBe64(desc, 4)) {
          s.information_valid = GetBit(desc, 2, 7);
          s.information = *info;
        }
        break;
      case 0x01:
        s.command_specific = GetBe64(desc, 4).value_or(0);
        break;
      case 0x02:
        if (GetBit(desc, 4, 7)) s.sense_key_specific = GetBe24(desc, 4);
        break;
      case 0x04:
        s.filemark = GetBit(desc, 3, 7);
        s.eom = GetBit(desc, 3, 6);
        s.ili = GetBit(desc, 3, 5);
        break;
      case 0x05:
        s.ili = GetBit(desc, 3, 5);
        break;
      default:
        break;
    }
    p += len;
  }
  return s;
}

}  // namespace

Result<SenseData> ParseSense(ByteSpan data) {
  if (data.empty()) return BadSense("empty");
  SenseData s;
  s.response_code = data[0] & 0x7F;
  switch (s.response_code) {
    case 0x70:
    case 0x71:
      s.deferred = s.response_code == 0x71;
      return ParseFixed(data, s);
    case 0x72:
    case 0x73:
      s.descriptor_format = true;
      s.deferred = s.response_code == 0x73;
      return ParseDescriptor(data, s);
    default:
      return BadSense(fmt::format("response code 0x{:02X}", s.response_code));
  }
}

namespace {

using A = SenseAction;
constexpr int16_t kAny = -1;

// The table. Sense keys: 0 NO SENSE, 1 RECOVERED, 2 NOT READY, 3 MEDIUM,
// 4 HARDWARE, 5 ILLEGAL REQUEST, 6 UNIT ATTENTION, 7 DATA PROTECT, 8 BLANK
// CHECK, B ABORTED COMMAND, D VOLUME OVERFLOW. ASC/ASCQ meanings are SPC-4's
// (Annex F "ASC and ASCQ assignments"); SMC-3 uses 3B/0D, 3B/0E, 21/01, 28/01.
constexpr SenseRule kRules[] = {
    // Not errors.
    {0x0, kAny, kAny, err::kSuccess, A::kNone, false, "no sense"},
    {0x1, kAny, kAny, err::kSuccess, A::kNone, false, "recovered error"},
    {0xF, kAny, kAny, err::kSuccess, A::kNone, false, "completed"},

    // UNIT ATTENTION: the device tells us something changed; the command was
    // not executed. Re-issue it; what the inventory says may be stale.
    {0x6, kAny, kAny, err::kDeviceNotAvailable, A::kRetryNow, true, "unit attention"},
    {0x6, 0x28, 0x00, err::kDeviceNotAvailable, A::kRetryNow, true,
     "not ready to ready change, medium may have changed"},
    {0x6, 0x28, 0x01, err::kDeviceNotAvailable, A::kRetryNow, true, "import or export element accessed"},
    {0x6, 0x29, kAny, err::kDeviceNotAvailable, A::kRetryNow, true, "power on, reset, or bus device reset occurred"},
    {0x6, 0x29, 0x00, err::kDeviceNotAvailable, A::kRetryNow, true, "power on, reset, or bus device reset occurred"},
    {0x6, 0x2A, kAny, err::kDeviceNotAvailable, A::kRetryNow, false, "parameters changed"},
    {0x6, 0x3B, 0x13, err::kDeviceNotAvailable, A::kRetryNow, true, "medium magazine inserted"},
    {0x6, 0x3B, 0x14, err::kDeviceNotAvailable, A::kRetryNow, true, "medium magazine removed"},
    {0x6, 0x3F, kAny, err::kDeviceNotAvailable, A::kRetryNow, true, "target operating conditions have changed"},

    // NOT READY.
    {0x2, kAny, kAny, err::kNotReady, A::kRetryLater, false, "not ready"},
    {0x2, 0x04, kAny, err::kNotReady, A::kRetryLater, false, "logical unit not ready"},
    {0x2, 0x04, 0x00, err::kNotReady, A::kRetryLater, false, "logical unit not ready, cause not reportable"},
    {0x2, 0x04, 0x01, err::kNotReady, A::kWaitBecomingReady, false, "logical unit is in process of becoming ready"},
    {0x2, 0x04, 0x02, err::kNotReady, A::kFail, false,
     "logical unit not ready, initializing command required (LOAD or INITIALIZE ELEMENT STATUS)"},
    {0x2, 0x04, 0x03, err::kDeviceNotAvailable, A::kOperatorRequest, false,
     "logical unit not ready, manual intervention required"},
    {0x2, 0x04, 0x07, err::kNotReady, A::kWaitBecomingReady, false, "logical unit not ready, operation in progress"},
    {0x2, 0x04, 0x12, err::kDeviceNotAvailable, A::kOffline, false, "logical unit not ready, offline"},
    {0x2, 0x3A, kAny, err::kEmpty, A::kFail, false, "medium not present"},
    {0x2, 0x3B, 0x12, err::kMediumNotAccessible, A::kOperatorRequest, true, "medium magazine removed"},

    // Medium compatibility and cleaning, whatever the key.
    {kAny, 0x30, 0x00, err::kMediaIncompatible, A::kFail, false, "incompatible medium installed"},
    {kAny, 0x30, 0x01, err::kUnrecognizedMedia, A::kFail, false, "cannot read medium, unknown format"},
    {kAny, 0x30, 0x02, err::kMediaIncompatible, A::kFail, false, "cannot read medium, incompatible format"},
    {kAny, 0x30, 0x03, err::kCleanerCartridgeInstalled, A::kFail, false, "cleaning cartridge installed"},
    {kAny, 0x30, 0x07, err::kUnableToClean, A::kOperatorRequest, false, "cleaning failure"},
    {kAny, 0x53, 0x00, err::kUnableToLoadMedium, A::kOperatorRequest, true, "media load or eject failed"},
    {kAny, 0x53, 0x02, err::kInvalidState, A::kFail, false, "medium removal prevented"},

    // MEDIUM ERROR.
    {0x3, kAny, kAny, err::kMediumNotAccessible, A::kFail, false, "medium error"},
    {0x3, 0x31, kAny, err::kUnrecognizedMedia, A::kFail, false, "medium format corrupted"},

    // HARDWARE ERROR: the device is broken, except for a failed robot move,
    // which leaves the cartridge somewhere a person has to look.
    {0x4, kAny, kAny, err::kDeviceNotAvailable, A::kOffline, true, "hardware error"},
    {0x4, 0x15, kAny, err::kUnableToLoadMedium, A::kOperatorRequest, true, "positioning error"},
    {0x4, 0x15, 0x01, err::kUnableToLoadMedium, A::kOperatorRequest, true, "mechanical positioning error"},
    {0x4, 0x40, kAny, err::kDeviceNotAvailable, A::kOffline, true, "diagnostic failure"},
    {0x4, 0x44, 0x00, err::kDeviceNotAvailable, A::kOffline, true, "internal target failure"},

    // ILLEGAL REQUEST: our request or our picture of the library is wrong.
    {0x5, kAny, kAny, err::kInvalidParameter, A::kFail, false, "illegal request"},
    {0x5, 0x1A, 0x00, err::kInvalidParameter, A::kFail, false, "parameter list length error"},
    {0x5, 0x20, 0x00, err::kNotSupported, A::kFail, false, "invalid command operation code"},
    {0x5, 0x21, 0x01, err::kInvalidParameter, A::kFail, false, "invalid element address"},
    {0x5, 0x24, 0x00, err::kInvalidParameter, A::kFail, false, "invalid field in CDB"},
    {0x5, 0x25, 0x00, err::kDeviceNotAvailable, A::kOffline, false, "logical unit not supported"},
    {0x5, 0x26, kAny, err::kInvalidParameter, A::kFail, false, "invalid field in parameter list"},
    {0x5, 0x3B, 0x0D, err::kNotEmpty, A::kFail, true, "medium destination element full"},
    {0x5, 0x3B, 0x0E, err::kEmpty, A::kFail, true, "medium source element empty"},
    {0x5, 0x3B, 0x11, err::kMediumNotAccessible, A::kOperatorRequest, true, "medium magazine not accessible"},
    {0x5, 0x3B, 0x12, err::kMediumNotAccessible, A::kOperatorRequest, true, "medium magazine removed"},

    // DATA PROTECT, BLANK CHECK.
    {0x7, kAny, kAny, err::kWriteProtect, A::kFail, false, "data protect"},
    {0x7, 0x27, kAny, err::kWriteProtect, A::kFail, false, "write protected"},
    {0x8, kAny, kAny, err::kNoData, A::kFail, false, "blank check"},
    {0x8, 0x00, 0x05, err::kNoData, A::kFail, false, "end-of-data detected"},

    // ABORTED COMMAND: transient on the path or in the target.
    {0xB, kAny, kAny, err::kDeviceNotAvailable, A::kRetryLater, false, "aborted command"},
    {0xB, 0x47, kAny, err::kDeviceNotAvailable, A::kRetryNow, false, "SCSI parity error"},
    {0xB, 0x4B, kAny, err::kDeviceNotAvailable, A::kRetryNow, false, "data phase error"},

    // The rest fail the request.
    {0x9, kAny, kAny, err::kDeviceNotAvailable, A::kFail, false, "vendor specific"},
    {0xA, kAny, kAny, err::kDeviceNotAvailable, A::kFail, false, "copy aborted"},
    {0xC, kAny, kAny, err::kDeviceNotAvailable, A::kFail, false, "reserved sense key"},
    {0xD, kAny, kAny, err::kDeviceNotAvailable, A::kFail, false, "volume overflow"},
    {0xE, kAny, kAny, err::kDeviceNotAvailable, A::kFail, false, "miscompare"},
};

// Higher is more specific: ascq (4) > asc (2) > key (1).
int Specificity(const SenseRule& r) { return (r.ascq != kAny ? 4 : 0) + (r.asc != kAny ? 2 : 0) + (r.key != kAny); }

bool Matches(const SenseRule& r, uint8_t key, uint8_t asc, uint8_t ascq) {
  return (r.key == kAny || r.key == key) && (r.asc == kAny || r.asc == asc) && (r.ascq == kAny || r.ascq == ascq);
}

}  // namespace

std::span<const SenseRule> SenseRules() { return kRules; }

SenseVerdict ClassifySense(SenseKey key, uint8_t asc, uint8_t ascq) {
  const SenseRule* best = nullptr;
  for (const SenseRule& r : kRules) {
    if (Matches(r, static_cast<uint8_t>(key), asc, ascq) && (!best || Specificity(r) > Specificity(*best))) best = &r;
  }
  if (!best) return {err::kDeviceNotAvailable, SenseAction::kFail, false, "unknown sense"};
  return {best->error, best->action, best->rescan, best->text};
}

std::string DescribeSense(const SenseData& s) {
  std::string out = fmt::format("{}, ASC/ASCQ {:02X}/{:02X}", SenseKeyName(s.key), s.asc, s.ascq);
  // The text of the most specific rule that names this ASC (not just the key).
  const SenseRule* best = nullptr;
  for (const SenseRule& r : kRules) {
    if (r.asc != kAny && Matches(r, static_cast<uint8_t>(s.key), s.asc, s.ascq) &&
        (!best || Specificity(r) > Specificity(*best))) {
      best = &r;
    }
  }
  if (best) out += fmt::format(" ({})", best->text);
  if (s.filemark) out += ", FILEMARK";
  if (s.eom) out += ", EOM";
  if (s.ili) out += ", ILI";
  if (s.information_valid) out += fmt::format(", INFORMATION {}", s.Residual());
  if (s.deferred) out += ", deferred error";
  return out;
}

Status SenseStatus(const SenseData& s, std::string_view command) {
  const SenseVerdict v = ClassifySense(s);
  if (v.error == err::kSuccess) return Status::Ok();
  return {v.error, fmt::format("{}: {}", command, DescribeSense(s))};
}

}  // namespace openrsm::devices::scsi
