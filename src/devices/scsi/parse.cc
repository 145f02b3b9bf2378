#include "devices/scsi/parse.h"

#include <fmt/format.h>

#include <algorithm>

namespace openrsm::devices::scsi {
namespace {

Status BadFormat(std::string_view what, std::string_view why) {
  return {err::kBadFormat, fmt::format("{}: {}", what, why)};
}

bool Printable(uint8_t c) { return c >= 0x20 && c <= 0x7E; }

// A text field that should be ASCII: up to the first NUL, other non-printable
// bytes shown as '?', trailing spaces removed.
std::string CleanAscii(ByteSpan b) {
  std::string s;
  for (uint8_t c : b) {
    if (c == 0) break;
    s.push_back(Printable(c) ? static_cast<char>(c) : '?');
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string Hex(ByteSpan b) {
  std::string s;
  for (uint8_t c : b) s += fmt::format("{:02x}", c);
  return s;
}

}  // namespace

// SPC-4 "Standard INQUIRY data": byte 0 PERIPHERAL QUALIFIER (7-5), PERIPHERAL
// DEVICE TYPE (4-0); byte 1 bit 7 RMB; byte 2 VERSION; byte 4 ADDITIONAL
// LENGTH; bytes 8-15 T10 VENDOR IDENTIFICATION; 16-31 PRODUCT
// IDENTIFICATION; 32-35 PRODUCT REVISION LEVEL.
Result<InquiryData> ParseInquiry(ByteSpan data) {
  if (data.size() < 5) return BadFormat("INQUIRY", fmt::format("{} bytes, need at least 5", data.size()));
  const ByteSpan d = Slice(data, 0, 5 + static_cast<size_t>(data[4]));
  InquiryData r;
  r.peripheral_qualifier = GetBits(d, 0, 5, 3);
  r.device_type = GetBits(d, 0, 0, 5);
  r.removable = GetBit(d, 1, 7);
  r.version = d[2];
  r.vendor = CleanAscii(Slice(d, 8, 8));
  r.product = CleanAscii(Slice(d, 16, 16));
  r.revision = CleanAscii(Slice(d, 32, 4));
  return r;
}

// SPC-4 "Unit Serial Number VPD page": byte 1 PAGE CODE (80h); bytes 2-3
// PAGE LENGTH; bytes 4.. PRODUCT SERIAL NUMBER.
Result<std::string> ParseUnitSerialNumber(ByteSpan data) {
  if (data.size() < 4) return BadFormat("VPD 0x80", fmt::format("{} bytes, need at least 4", data.size()));
  if (data[1] != kVpdUnitSerialNumber) return BadFormat("VPD 0x80", fmt::format("page code 0x{:02X}", data[1]));
  const ByteSpan serial = Slice(data, 4, *GetBe16(data, 2));
  const std::string s = CleanAscii(serial);
  const size_t begin = s.find_first_not_of(' ');
  return begin == std::string::npos ? std::string() : s.substr(begin);
}

std::string Designator::Text() const {
  if (code_set == 2 || code_set == 3) return CleanAscii(value);
  return Hex(value);
}

// SPC-4 "Device Identification VPD page": byte 1 PAGE CODE (83h); bytes 2-3
// PAGE LENGTH; then designation descriptors: byte 0 PROTOCOL IDENTIFIER
// (7-4), CODE SET (3-0); byte 1 PIV (7), ASSOCIATION (5-4), DESIGNATOR TYPE
// (3-0); byte 3 DESIGNATOR LENGTH; bytes 4.. DESIGNATOR.
Result<std::vector<Designator>> ParseDeviceIdentification(ByteSpan data) {
  if (data.size() < 4) return BadFormat("VPD 0x83", fmt::format("{} bytes, need at least 4", data.size()));
  if (data[1] != kVpdDeviceIdentification) {
    return BadFormat("VPD 0x83", fmt::format("page code 0x{:02X}", data[1]));
  }
  const ByteSpan page = Slice(data, 0, 4 + static_cast<size_t>(*GetBe16(data, 2)));
  std::vector<Designator> out;
  size_t p = 4;
  while (InBounds(page.size(), p, 4)) {
    const size_t len = page[p + 3];
    if (!InBounds(page.size(), p + 4, len)) break;
    Designator d;
    d.protocol_identifier = GetBits(page, p, 4, 4);
    d.code_set = GetBits(page, p, 0, 4);
    d.piv = GetBit(page, p + 1, 7);
    d.association = GetBits(page, p + 1, 4, 2);
    d.type = GetBits(page, p + 1, 0, 4);
    const ByteSpan v = page.subspan(p + 4, len);
    d.value.assign(v.begin(), v.end());
    out.push_back(std::move(d));
    p += 4 + len;
  }
  return out;
}

// SPC-4 "Mode parameter header(6)": byte 0 MODE DATA LENGTH, byte 3 BLOCK
// DESCRIPTOR LENGTH; "(10)": bytes 0-1 MODE DATA LENGTH, bytes 6-7 BLOCK
// DESCRIPTOR LENGTH. Pages follow the block descriptors: byte 0 SPF (6) and
// PAGE CODE (5-0); byte 1 PAGE LENGTH (page_0 format), or byte 1 SUBPAGE CODE
// and bytes 2-3 PAGE LENGTH (sub_page format).
// SMC-3 "Element Address Assignment mode page" (1Dh, length 12h): bytes 2-3
// FIRST MEDIUM TRANSPORT ELEMENT ADDRESS, 4-5 NUMBER OF MEDIUM TRANSPORT
// ELEMENTS, 6-7/8-9 storage, 10-11/12-13 import/export, 14-15/16-17 data
// transfer.
Result<ElementAddressAssignment> ParseElementAddressAssignment(ByteSpan data, ModeSenseFormat format) {
  const bool ten = format == ModeSenseFormat::k10;
  const size_t header = ten ? 8 : 4;
  if (data.size() < header) {
    return BadFormat("MODE SENSE page 0x1D", fmt::format("{} bytes, shorter than the mode header", data.size()));
  }
  const size_t announced = ten ? 2 + static_cast<size_t>(*GetBe16(data, 0)) : 1 + static_cast<size_t>(data[0]);
  const size_t end = announced < header ? data.size() : std::min(data.size(), announced);
  const size_t bdl = ten ? *GetBe16(data, 6) : data[3];
  size_t p = header + bdl;
  while (InBounds(end, p, 2)) {
    const uint8_t code = data[p] & 0x3F;
    const bool spf = GetBit(data, p, 6);
    size_t hdr = 2, len = data[p + 1];
    if (spf) {
      if (!InBounds(end, p, 4)) break;
      hdr = 4;
      len = *GetBe16(data, p + 2);
    }
    if (code == kModePageElementAddressAssignment && !spf) {
      if (len < 16 || !InBounds(end, p + 2, 16)) {
        return BadFormat("MODE SENSE page 0x1D", fmt::format("page length {} or data cut short", len));
      }
      auto range = [&](size_t off) { return ElementRange{*GetBe16(data, p + off), *GetBe16(data, p + off + 2)}; };
      ElementAddressAssignment a;
      a.transport = range(2);
      a.storage = range(6);
      a.import_export = range(10);
      a.data_transfer = range(14);
      return a;
    }
    p += hdr + len;
  }
  return BadFormat("MODE SENSE page 0x1D", "the page is not in the data");
}

namespace {

bool ValidElementType(uint8_t t) { return t >= 1 && t <= 4; }

// The drive serial inside an ASCII identifier (see ElementDescriptor::serial).
std::string SerialFromIdentifier(const DeviceIdentifier& id) {
  if (!id.complete || (id.code_set != 2 && id.code_set != 3)) return {};
  ByteSpan v(id.value);
  if (v.size() > 24) v = v.subspan(24);
  size_t n = 0;
  while (n < v.size() && Printable(v[n])) ++n;
  return TrimmedAsciiBoth(v.first(n));
}

// SMC-3 element descriptor (fields common to all element types, plus the
// data transfer element's bus fields): bytes 0-1 ELEMENT ADDRESS; byte 2
// INENAB (5), EXENAB (4), ACCESS (3), EXCEPT (2), IMPEXP (1), FULL (0);
// bytes 4-5 ASC/ASCQ; byte 6 NOT BUS (7), ID VALID (5), LU VALID (4), LUN
// (2-0) and byte 7 SCSI BUS ADDRESS (data transfer); byte 9 SVALID (7),
// INVERT (6), MEDIUM TYPE (2-0); bytes 10-11 SOURCE STORAGE ELEMENT ADDRESS;
// then PRIMARY VOLUME TAG (36 bytes, if PVOLTAG), ALTERNATE VOLUME TAG (36
// bytes, if AVOLTAG), then the identification descriptor: byte 0 CODE SET
// (3-0), byte 1 ASSOCIATION (5-4), IDENTIFIER TYPE (3-0), byte 3 IDENTIFIER
// LENGTH, IDENTIFIER. `d` holds the bytes received, at most the descriptor
// length.
ElementDescriptor ParseDescriptor(ByteSpan d, const ElementStatusPage& page) {
  ElementDescriptor e;
  e.type = page.type;
  e.truncated = d.size() < page.descriptor_length;
  e.address = *GetBe16(d, 0);
  e.full = GetBit(d, 2, 0);
  e.except = GetBit(d, 2, 2);
  e.access = GetBit(d, 2, 3);
  if (page.type == SmcElementType::kImportExport) {
    e.impexp = GetBit(d, 2, 1);
    e.exenab = GetBit(d, 2, 4);
    e.inenab = GetBit(d, 2, 5);
  }
  e.asc = Get8(d, 4).value_or(0);
  e.ascq = Get8(d, 5).value_or(0);
  if (page.type == SmcElementType::kDataTransfer) {
    e.not_bus = GetBit(d, 6, 7);
    e.id_valid = GetBit(d, 6, 5);
    e.lu_valid = GetBit(d, 6, 4);
    e.lun = GetBits(d, 6, 0, 3);
    e.bus_address = Get8(d, 7).value_or(0);
  }
  e.invert = GetBit(d, 9, 6);
  e.medium_type = GetBits(d, 9, 0, 3);
  if (GetBit(d, 9, 7)) e.source = GetBe16(d, 10);
  size_t off = 12;
  if (page.pvoltag) {
    if (InBounds(d.size(), off, 32)) {
      e.has_volume_tag = true;
      // An empty element's tag is meaningless (tgt leaves a stale one after a failed load).
      if (e.full) e.volume_tag = CleanAscii(d.subspan(off, 32));
    }
    off += 36;
  }
  if (page.avoltag) off += 36;
  if (InBounds(d.size(), off, 4) && d[off + 3] > 0) {
    DeviceIdentifier id;
    id.code_set = GetBits(d, off, 0, 4);
    id.association = GetBits(d, off + 1, 4, 2);
    id.type = GetBits(d, off + 1, 0, 4);
    const size_t len = d[off + 3];
    const ByteSpan v = Slice(d, off + 4, len);
    id.value.assign(v.begin(), v.end());
    id.complete = v.size() == len;
    e.serial = SerialFromIdentifier(id);
    e.device_id = std::move(id);
  }
  return e;
}

}  // namespace

// SMC-3 READ ELEMENT STATUS parameter data. Element status data header:
// bytes 0-1 FIRST ELEMENT ADDRESS REPORTED, 2-3 NUMBER OF ELEMENTS
// AVAILABLE, 5-7 BYTE COUNT OF REPORT AVAILABLE (excluding the header).
// Element status page header: byte 0 ELEMENT TYPE CODE; byte 1 PVOLTAG (7),
// AVOLTAG (6); bytes 2-3 ELEMENT DESCRIPTOR LENGTH; bytes 5-7 BYTE COUNT OF
// DESCRIPTOR DATA AVAILABLE (excluding the page header).
Result<ElementStatusData> ParseElementStatus(ByteSpan data) {
  if (data.size() < 8) {
    return BadFormat("READ ELEMENT STATUS", fmt::format("{} bytes, shorter than the 8-byte header", data.size()));
  }
  ElementStatusData r;
  r.first_address = *GetBe16(data, 0);
  r.elements_available = *GetBe16(data, 2);
  r.bytes_available = 8 + *GetBe24(data, 5);
  r.truncated = data.size() < r.bytes_available;
  const size_t end = std::min<size_t>(data.size(), r.bytes_available);
  size_t off = 8;
  while (InBounds(end, off, 8)) {
    ElementStatusPage page;
    const uint8_t type = GetBits(data, off, 0, 4);
    page.type = static_cast<SmcElementType>(type);
    page.pvoltag = GetBit(data, off + 1, 7);
    page.avoltag = GetBit(data, off + 1, 6);
    page.descriptor_length = *GetBe16(data, off + 2);
    page.byte_count = *GetBe24(data, off + 5);
    const size_t first = off + 8;
    const size_t announced_end = first + page.byte_count;  // < 2^25: no overflow
    const size_t page_end = std::min(end, announced_end);
    if (page.byte_count > 0 && page.descriptor_length < 12) {
      return BadFormat("READ ELEMENT STATUS", fmt::format("element descriptor length {} in the page at offset {}",
                                                          page.descriptor_length, off));
    }
    if (announced_end > end) r.truncated = true;
    if (ValidElementType(type)) {
      for (size_t d = first; d < page_end; d += page.descriptor_length) {
        const ByteSpan desc = Slice(data, d, std::min<size_t>(page.descriptor_length, page_end - d));
        if (desc.size() < 3) break;
        r.elements.push_back(ParseDescriptor(desc, page));
      }
    }
    r.pages.push_back(page);
    off = announced_end;
  }
  return r;
}

// SSC-4 READ POSITION short form: byte 0 BOP (7), EOP (6), LOCU (5), BYCU
// (4), LOLU (2), PERR (1), BPEW (0); byte 1 PARTITION NUMBER; bytes 4-7
// FIRST LOGICAL OBJECT LOCATION; 8-11 LAST LOGICAL OBJECT LOCATION; 13-15
// NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER; 16-19 NUMBER OF BYTES IN
// OBJECT BUFFER.
Result<ShortPosition> ParseReadPositionShort(ByteSpan data) {
  if (data.size() < kReadPositionShortLength) {
    return BadFormat("READ POSITION", fmt::format("{} bytes, the short form has 20", data.size()));
  }
  ShortPosition p;
  p.bop = GetBit(data, 0, 7);
  p.eop = GetBit(data, 0, 6);
  p.locu = GetBit(data, 0, 5);
  p.bycu = GetBit(data, 0, 4);
  p.lolu = GetBit(data, 0, 2);
  p.perr = GetBit(data, 0, 1);
  p.bpew = GetBit(data, 0, 0);
  p.partition = data[1];
  p.first_location = *GetBe32(data, 4);
  p.last_location = *GetBe32(data, 8);
  p.objects_in_buffer = *GetBe24(data, 13);
  p.bytes_in_buffer = *GetBe32(data, 16);
  return p;
}

}  // namespace openrsm::devices::scsi
