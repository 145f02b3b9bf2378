// CDB builders for the SCSI commands OpenRSM sends to medium changers (SMC-3)
// and tape drives (SSC-4), plus the SPC-4 commands both answer.
//
// Each builder returns the complete CDB by value (CONTROL byte 0, reserved
// fields 0) and cites the command's clause by title in the T10 standard; the
// field layout is the one in that clause's CDB table. Builders are pure and
// thread-safe. Which sections the specs give and which quirks of tgt and
// real libraries the parsers handle is in docs/scsi.md.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace openrsm::devices::scsi {

using Cdb6 = std::array<uint8_t, 6>;
using Cdb10 = std::array<uint8_t, 10>;
using Cdb12 = std::array<uint8_t, 12>;

// Operation codes (SPC-4 Annex D "operation codes"; SMC-3 and SSC-4 command tables).
namespace op {
inline constexpr uint8_t kTestUnitReady = 0x00;
inline constexpr uint8_t kRewind = 0x01;  // SSC
inline constexpr uint8_t kRequestSense = 0x03;
inline constexpr uint8_t kReadBlockLimits = 0x05;          // SSC
inline constexpr uint8_t kInitializeElementStatus = 0x07;  // SMC
inline constexpr uint8_t kRead6 = 0x08;                    // SSC
inline constexpr uint8_t kWrite6 = 0x0A;                   // SSC
inline constexpr uint8_t kWriteFilemarks6 = 0x10;          // SSC
inline constexpr uint8_t kSpace6 = 0x11;                   // SSC
inline constexpr uint8_t kInquiry = 0x12;
inline constexpr uint8_t kModeSelect6 = 0x15;
inline constexpr uint8_t kErase6 = 0x19;  // SSC
inline constexpr uint8_t kModeSense6 = 0x1A;
inline constexpr uint8_t kLoadUnload = 0x1B;  // SSC (SMC: OPEN/CLOSE IMPORT/EXPORT ELEMENT)
inline constexpr uint8_t kPreventAllowMediumRemoval = 0x1E;
inline constexpr uint8_t kLocate10 = 0x2B;                          // SSC (SMC: POSITION TO ELEMENT)
inline constexpr uint8_t kPositionToElement = 0x2B;                 // SMC
inline constexpr uint8_t kReadPosition = 0x34;                      // SSC
inline constexpr uint8_t kInitializeElementStatusWithRange = 0x37;  // SMC
inline constexpr uint8_t kModeSelect10 = 0x55;
inline constexpr uint8_t kModeSense10 = 0x5A;
inline constexpr uint8_t kWriteFilemarks16 = 0x80;   // SSC
inline constexpr uint8_t kSpace16 = 0x91;            // SSC
inline constexpr uint8_t kLocate16 = 0x92;           // SSC
inline constexpr uint8_t kMoveMedium = 0xA5;         // SMC
inline constexpr uint8_t kExchangeMedium = 0xA6;     // SMC
inline constexpr uint8_t kReadElementStatus = 0xB8;  // SMC
}  // namespace op

// PERIPHERAL DEVICE TYPE values (SPC-4 standard INQUIRY data).
inline constexpr uint8_t kPdtSequentialAccess = 0x01;  // tape drive
inline constexpr uint8_t kPdtMediumChanger = 0x08;

// ELEMENT TYPE CODE (SMC-3 READ ELEMENT STATUS; element status page).
enum class SmcElementType : uint8_t {
  kAll = 0,
  kTransport = 1,     // medium transport element (picker)
  kStorage = 2,       // storage element (slot)
  kImportExport = 3,  // import/export element (mail slot)
  kDataTransfer = 4,  // data transfer element (drive)
};
std::string_view SmcElementTypeName(SmcElementType t);

// VPD page codes (SPC-4 "Vital product data parameters").
inline constexpr uint8_t kVpdUnitSerialNumber = 0x80;
inline constexpr uint8_t kVpdDeviceIdentification = 0x83;

// Mode page code of the SMC-3 Element Address Assignment mode page.
inline constexpr uint8_t kModePageElementAddressAssignment = 0x1D;

// PC (page control) of MODE SENSE.
enum class PageControl : uint8_t { kCurrent = 0, kChangeable = 1, kDefault = 2, kSaved = 3 };

// SPC-4 "TEST UNIT READY command".
Cdb6 TestUnitReady();

// SPC-4 "INQUIRY command", EVPD=0: standard INQUIRY data (36 bytes is the
// minimum every device returns; 96 covers the version descriptors).
Cdb6 Inquiry(uint16_t allocation_length = 96);

// SPC-4 "INQUIRY command", EVPD=1, PAGE CODE = `page` (0x80 unit serial
// number, 0x83 device identification).
Cdb6 InquiryVpd(uint8_t page, uint16_t allocation_length = 252);

// SPC-4 "REQUEST SENSE command". DESC=1 asks for descriptor-format sense.
Cdb6 RequestSense(uint8_t allocation_length = 252, bool descriptor_format = false);

// SPC-4 "MODE SENSE(6) command". DBD=1 (no block descriptors) by default:
// a changer has none and a tape drive's are not needed to find a page.
Cdb6 ModeSense6(uint8_t page, uint8_t allocation_length = 255, bool dbd = true, PageControl pc = PageControl::kCurrent,
                uint8_t subpage = 0);

// SPC-4 "MODE SENSE(10) command" (LLBAA=0).
Cdb10 ModeSense10(uint8_t page, uint16_t allocation_length = 1024, bool dbd = true,
                  PageControl pc = PageControl::kCurrent, uint8_t subpage = 0);

// SMC-3 "READ ELEMENT STATUS command". ALLOCATION LENGTH is 24 bits; larger
// values are clamped to 0xFFFFFF. CURDATA=1 asks the library not to move the
// robot to collect the data.
struct ReadElementStatusArgs {
  SmcElementType type = SmcElementType::kAll;
  uint16_t start = 0;       // STARTING ELEMENT ADDRESS
  uint16_t count = 0xFFFF;  // NUMBER OF ELEMENTS (tgt ignores it)
  bool voltag = true;       // report primary volume tags (barcodes)
  bool dvcid = false;       // report device identifiers of drives
  bool curdata = false;
  uint32_t allocation_length = 0xFFFF;
};
Cdb12 ReadElementStatus(const ReadElementStatusArgs& args);

// SMC-3 "INITIALIZE ELEMENT STATUS command": the library re-scans every element.
Cdb6 InitializeElementStatus();

// SMC-3 "INITIALIZE ELEMENT STATUS WITH RANGE command", RANGE=1: re-scan
// `count` elements from `start`. FAST=1 checks only for a medium, without
// reading its volume tag.
Cdb10 InitializeElementStatusWithRange(uint16_t start, uint16_t count, bool fast = false);

// SMC-3 "MOVE MEDIUM command": move the medium at `source` to `destination`
// using the transport element `transport` (0 lets the library choose).
Cdb12 MoveMedium(uint16_t transport, uint16_t source, uint16_t destination, bool invert = false);

// SMC-3 "EXCHANGE MEDIUM command": the medium at `source` goes to
// `first_destination`, and the medium that was there goes to
// `second_destination` (which may equal `source`). Optional in SMC-3: tgt
// rejects it with 05/20/00.
Cdb12 ExchangeMedium(uint16_t transport, uint16_t source, uint16_t first_destination, uint16_t second_destination,
                     bool invert1 = false, bool invert2 = false);

// SPC-4 "PREVENT ALLOW MEDIUM REMOVAL command" (SSC-4 and SMC-3 give the
// PREVENT field the same meaning for drives and changers: 00b allow, 01b prevent).
Cdb6 PreventAllowMediumRemoval(bool prevent);

// SSC-4 "LOAD UNLOAD command". IMMED=1 returns before the operation ends;
// HOLD, EOT and RETEN as in SSC-4 (OpenRSM sends them 0).
struct LoadUnloadArgs {
  bool load = true;
  bool immed = false;
  bool hold = false;
  bool eot = false;
  bool reten = false;
};
Cdb6 LoadUnload(const LoadUnloadArgs& args);
inline Cdb6 Load(bool immed = false) { return LoadUnload({.load = true, .immed = immed}); }
inline Cdb6 Unload(bool immed = false) { return LoadUnload({.load = false, .immed = immed}); }

// SSC-4 "REWIND command".
Cdb6 Rewind(bool immed = false);

// SSC-4 "READ POSITION command" service actions.
enum class ReadPositionForm : uint8_t { kShort = 0x00, kShortVendor = 0x01, kLong = 0x06, kExtended = 0x08 };
// For the short and long forms the ALLOCATION LENGTH field shall be zero (the
// data is 20 resp. 32 bytes); for the extended form it is `allocation_length`.
Cdb10 ReadPosition(ReadPositionForm form = ReadPositionForm::kShort, uint16_t allocation_length = 0);

// Expected length of the SSC-4 READ POSITION short-form data.
inline constexpr size_t kReadPositionShortLength = 20;

}  // namespace openrsm::devices::scsi
