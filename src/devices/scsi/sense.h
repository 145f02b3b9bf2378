// SCSI sense data (SPC-4 "Sense data": fixed format 70h/71h, descriptor
// format 72h/73h) and the one table that says what OpenRSM does about it.
//
// ClassifySense() maps (SENSE KEY, ASC, ASCQ) to a SenseVerdict: the Win32
// error the request ends with if it does fail (err::k*), what the caller must
// do (SenseAction) and whether the element inventory may have changed. The
// table is in sense.cc and is listed in docs/scsi.md; the most specific rule
// wins: (key, asc, ascq) > (any key, asc, ascq) > (key, asc) > (any key, asc)
// > key > the fallback. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "devices/scsi/bytes.h"

namespace openrsm::devices::scsi {

enum class SenseKey : uint8_t {
  kNoSense = 0x0,
  kRecoveredError = 0x1,
  kNotReady = 0x2,
  kMediumError = 0x3,
  kHardwareError = 0x4,
  kIllegalRequest = 0x5,
  kUnitAttention = 0x6,
  kDataProtect = 0x7,
  kBlankCheck = 0x8,
  kVendorSpecific = 0x9,
  kCopyAborted = 0xA,
  kAbortedCommand = 0xB,
  kReserved = 0xC,
  kVolumeOverflow = 0xD,
  kMiscompare = 0xE,
  kCompleted = 0xF,
};
std::string_view SenseKeyName(SenseKey key);  // "ILLEGAL REQUEST"

struct SenseData {
  uint8_t response_code = 0x70;    // 70h..73h
  bool descriptor_format = false;  // 72h/73h
  bool deferred = false;           // 71h/73h: reports an error of an earlier command
  SenseKey key = SenseKey::kNoSense;
  uint8_t asc = 0, ascq = 0;                        // 0 when the data ends before them
  bool filemark = false, eom = false, ili = false;  // SSC stream flags
  bool information_valid = false;                   // fixed: VALID bit; descriptor: information descriptor's VALID
  uint64_t information = 0;                         // fixed: 4 bytes; descriptor: 8 bytes
  uint64_t command_specific = 0;                    // COMMAND-SPECIFIC INFORMATION
  std::optional<uint32_t> sense_key_specific;       // the 3 bytes (SKSV = bit 23) when SKSV is set
  // The INFORMATION field as the signed residual of SSC READ/WRITE/SPACE
  // (requested minus actual; negative for an overlength block). Fixed
  // format holds a 32-bit two's complement value.
  int64_t Residual() const;
};

// Decodes fixed or descriptor sense. Fields beyond the received bytes or the
// ADDITIONAL SENSE LENGTH are left at their defaults. ERROR_BAD_FORMAT when
// the data is empty, too short for the sense key, or has another response
// code (e.g. vendor-specific 7Fh).
Result<SenseData> ParseSense(ByteSpan data);

// What the caller does about a CHECK CONDITION.
enum class SenseAction : uint8_t {
  kNone,               // not an error (NO SENSE, RECOVERED ERROR): the command completed;
                       // tape callers still look at FILEMARK/EOM/ILI
  kRetryNow,           // transient (UNIT ATTENTION): re-issue at once, a bounded number of times
  kRetryLater,         // busy or not ready for an unknown reason: re-issue after a delay, bounded
  kWaitBecomingReady,  // becoming ready / operation in progress: poll TEST UNIT READY until the
                       // command's timeout (timeouts.h), reporting progress, not failure
  kOffline,            // the device is broken or gone: fail the request and put the drive or
                       // library offline, storing the Status message as the reason
  kOperatorRequest,    // a person must act (stuck cartridge, magazine out, cleaning):
                       // fail the request and raise an operator request; the device stays online
  kFail,               // fail the request with `error`; nothing else to do
};
std::string_view SenseActionName(SenseAction a);

struct SenseVerdict {
  uint32_t error = err::kSuccess;  // err::k*; kSuccess only with kNone
  SenseAction action = SenseAction::kNone;
  bool rescan = false;    // the element inventory may have changed: re-read element status
  std::string_view text;  // what the rule describes ("medium source element empty")
};

SenseVerdict ClassifySense(SenseKey key, uint8_t asc, uint8_t ascq);
inline SenseVerdict ClassifySense(const SenseData& s) { return ClassifySense(s.key, s.asc, s.ascq); }

// The sense as one log line: "ILLEGAL REQUEST, ASC/ASCQ 3B/0E (medium source
// element empty)", plus FILEMARK/EOM/ILI, INFORMATION and "deferred" when set.
std::string DescribeSense(const SenseData& s);

// The Status a failed `command` ("MOVE MEDIUM 1028->257") ends with: the
// verdict's error and "<command>: <DescribeSense>". OK for kNone.
Status SenseStatus(const SenseData& s, std::string_view command);

// One row of the table. -1 in key/asc/ascq matches any value.
struct SenseRule {
  int16_t key;
  int16_t asc;
  int16_t ascq;
  uint32_t error;
  SenseAction action;
  bool rescan;
  std::string_view text;
};
// The whole table, for documentation and tests.
std::span<const SenseRule> SenseRules();

}  // namespace openrsm::devices::scsi
