// Parsers for the data-in of the commands in cdb.h.
//
// Contract shared by every parser:
//   * the input is the bytes the device actually transferred (the transport's
//     `transferred` prefix of the buffer), which may be shorter than the
//     lengths the data itself announces: fields are decoded only where they
//     lie wholly inside the input, and no parser reads outside it;
//   * an input too short or too inconsistent to carry the essential fields is
//     ERROR_BAD_FORMAT with a message naming the command and the defect (the
//     caller decides what that means for the device);
//   * ASCII fields are returned with trailing spaces (and NULs) removed.
// Parsers are pure and thread-safe; results own their data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "devices/scsi/bytes.h"
#include "devices/scsi/cdb.h"

namespace openrsm::devices::scsi {

// ---- SPC-4 standard INQUIRY data --------------------------------------------------
struct InquiryData {
  uint8_t peripheral_qualifier = 0;  // byte 0 bits 7-5 (0: a device is connected)
  uint8_t device_type = 0;           // byte 0 bits 4-0 (kPdtSequentialAccess, kPdtMediumChanger, ...)
  bool removable = false;            // RMB
  uint8_t version = 0;
  std::string vendor;    // T10 VENDOR IDENTIFICATION (8 bytes)
  std::string product;   // PRODUCT IDENTIFICATION (16 bytes)
  std::string revision;  // PRODUCT REVISION LEVEL (4 bytes)
};
// Needs at least the 5-byte header; vendor/product/revision are decoded as
// far as the data (and ADDITIONAL LENGTH) reaches.
Result<InquiryData> ParseInquiry(ByteSpan data);

// ---- SPC-4 Unit Serial Number VPD page (0x80) -----------------------------------------
// The PRODUCT SERIAL NUMBER with leading and trailing spaces removed (tgt
// right-justifies it in 36 characters).
Result<std::string> ParseUnitSerialNumber(ByteSpan data);

// ---- SPC-4 Device Identification VPD page (0x83) ----------------------------------------
struct Designator {
  uint8_t protocol_identifier = 0;  // byte 0 bits 7-4 (meaningful when piv)
  uint8_t code_set = 0;             // 1 binary, 2 ASCII, 3 UTF-8
  bool piv = false;
  uint8_t association = 0;     // 0 logical unit, 1 target port, 2 target device
  uint8_t type = 0;            // 0 vendor specific, 1 T10 vendor ID, 2 EUI-64, 3 NAA, 8 SCSI name, ...
  std::vector<uint8_t> value;  // the DESIGNATOR bytes

  // ASCII/UTF-8 designators as text (trailing spaces/NULs trimmed); binary
  // ones as lowercase hex.
  std::string Text() const;
};
// Every complete designation descriptor; a descriptor cut short by the end
// of the data (or of the PAGE LENGTH) is dropped.
Result<std::vector<Designator>> ParseDeviceIdentification(ByteSpan data);

// ---- SMC-3 Element Address Assignment mode page (0x1D) -----------------------------------
struct ElementRange {
  uint16_t first = 0;  // first element address
  uint16_t count = 0;  // number of elements
  friend bool operator==(const ElementRange&, const ElementRange&) = default;
};
struct ElementAddressAssignment {
  ElementRange transport, storage, import_export, data_transfer;
};
enum class ModeSenseFormat : uint8_t { k6, k10 };
// `data` is the whole MODE SENSE(6) or (10) parameter data: the mode
// parameter header, block descriptors (skipped) and pages; the 0x1D page is
// searched among the pages.
Result<ElementAddressAssignment> ParseElementAddressAssignment(ByteSpan data, ModeSenseFormat format);

// ---- SMC-3 READ ELEMENT STATUS data -----------------------------------------------------
struct DeviceIdentifier {  // SMC-3 identification descriptor of an element
  uint8_t code_set = 0;    // 1 binary, 2 ASCII, 3 UTF-8
  uint8_t type = 0;        // IDENTIFIER TYPE (tgt puts the drive's PDT, 1, here)
  uint8_t association = 0;
  std::vector<uint8_t> value;  // the IDENTIFIER bytes received
  bool complete = true;        // false: the data ended inside the identifier
};

struct ElementDescriptor {
  SmcElementType type = SmcElementType::kStorage;  // from the element status page
  uint16_t address = 0;
  bool full = false;                    // FULL
  bool impexp = false;                  // IMPEXP (import/export elements: placed by an operator)
  bool except = false;                  // EXCEPT (abnormal state, see asc/ascq)
  bool access = false;                  // ACCESS (the transport can reach the element)
  bool inenab = false, exenab = false;  // import/export elements only
  uint8_t asc = 0, ascq = 0;            // why the element is abnormal (EXCEPT) or not present
  // Data transfer elements: bus address of the drive (SMC-2 style fields).
  bool lu_valid = false, id_valid = false, not_bus = false;
  uint8_t lun = 0, bus_address = 0;
  bool invert = false;                        // the medium was inverted (two-sided media)
  uint8_t medium_type = 0;                    // MEDIUM TYPE: 0 unspecified, 1 data, 2 cleaning, 3 diagnostic, 4 WORM
  std::optional<uint16_t> source;             // SOURCE STORAGE ELEMENT ADDRESS when SVALID
  bool has_volume_tag = false;                // the primary volume tag field was received
  std::string volume_tag;                     // its VOLUME IDENTIFIER, trailing spaces trimmed ("" = none)
  std::optional<DeviceIdentifier> device_id;  // when the descriptor carries a non-empty identifier
  // The drive's serial number taken from an ASCII identifier: the text after
  // the 8-byte vendor and 16-byte product fields when the identifier is
  // longer than 24 bytes (IBM/tgt "vendor product serial" layout), else the
  // whole identifier; cut at the first non-printable byte and trimmed. Empty
  // when there is no identifier, it is binary or it was truncated (a partial
  // serial would map a drive wrongly).
  std::string serial;
  bool truncated = false;  // the data ended inside this descriptor
};

struct ElementStatusPage {
  SmcElementType type = SmcElementType::kStorage;
  bool pvoltag = false, avoltag = false;
  uint16_t descriptor_length = 0;
  uint32_t byte_count = 0;  // BYTE COUNT OF DESCRIPTOR DATA AVAILABLE
};

struct ElementStatusData {
  uint16_t first_address = 0;       // as reported (tgt's is wrong for the picker page)
  uint16_t elements_available = 0;  // NUMBER OF ELEMENTS AVAILABLE
  // 8 + BYTE COUNT OF REPORT AVAILABLE: what the device had to send. When the
  // received length equalled the allocation length and is below this,
  // re-issue with a larger allocation length. (tgt always sends 8 bytes less
  // than this; see docs/scsi.md.)
  uint32_t bytes_available = 0;
  bool truncated = false;  // fewer bytes received than the headers announce
  std::vector<ElementStatusPage> pages;
  std::vector<ElementDescriptor> elements;  // in the device's order
};
// Decodes the element status data header, every element status page and
// every descriptor that starts inside the received data; lengths come from
// the page headers. A descriptor cut short is returned with the fields that
// were received and truncated = true (tgt cuts the last descriptor of each
// page by 8 bytes); a descriptor with fewer than 3 bytes is dropped.
// ERROR_BAD_FORMAT: shorter than the 8-byte header, or a page whose
// descriptor length is below 12 (the fixed part).
Result<ElementStatusData> ParseElementStatus(ByteSpan data);

// ---- SSC-4 READ POSITION short form -------------------------------------------------------
struct ShortPosition {
  bool bop = false;   // beginning of partition
  bool eop = false;   // end of partition
  bool locu = false;  // logical object count unknown
  bool bycu = false;  // byte count unknown
  bool lolu = false;  // logical object location unknown (locations invalid)
  bool perr = false;  // position error (counts overflowed)
  bool bpew = false;  // beyond programmable early warning
  uint8_t partition = 0;
  uint32_t first_location = 0;     // FIRST LOGICAL OBJECT LOCATION (the current position)
  uint32_t last_location = 0;      // LAST LOGICAL OBJECT LOCATION
  uint32_t objects_in_buffer = 0;  // 24 bits
  uint32_t bytes_in_buffer = 0;
};
// Needs the full 20 bytes.
Result<ShortPosition> ParseReadPositionShort(ByteSpan data);

}  // namespace openrsm::devices::scsi
