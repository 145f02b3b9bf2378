#include "devices/scsi/cdb.h"

#include <algorithm>

#include "devices/scsi/bytes.h"

namespace openrsm::devices::scsi {

std::string_view SmcElementTypeName(SmcElementType t) {
  switch (t) {
    case SmcElementType::kAll:
      return "all";
    case SmcElementType::kTransport:
      return "medium transport";
    case SmcElementType::kStorage:
      return "storage";
    case SmcElementType::kImportExport:
      return "import/export";
    case SmcElementType::kDataTransfer:
      return "data transfer";
  }
  return "unknown";
}

// SPC-4 TEST UNIT READY: byte 0 opcode; bytes 1-4 reserved; byte 5 CONTROL.
Cdb6 TestUnitReady() { return {op::kTestUnitReady, 0, 0, 0, 0, 0}; }

// SPC-4 INQUIRY: byte 1 bit 0 EVPD; byte 2 PAGE CODE; bytes 3-4 ALLOCATION LENGTH.
Cdb6 Inquiry(uint16_t allocation_length) {
  Cdb6 c{op::kInquiry, 0, 0, 0, 0, 0};
  PutBe16(c, 3, allocation_length);
  return c;
}

Cdb6 InquiryVpd(uint8_t page, uint16_t allocation_length) {
  Cdb6 c{op::kInquiry, 0x01, page, 0, 0, 0};
  PutBe16(c, 3, allocation_length);
  return c;
}

// SPC-4 REQUEST SENSE: byte 1 bit 0 DESC; byte 4 ALLOCATION LENGTH.
Cdb6 RequestSense(uint8_t allocation_length, bool descriptor_format) {
  return {op::kRequestSense, static_cast<uint8_t>(descriptor_format ? 0x01 : 0x00), 0, 0, allocation_length, 0};
}

namespace {
uint8_t PcAndPage(PageControl pc, uint8_t page) {
  return static_cast<uint8_t>((static_cast<uint8_t>(pc) & 0x03u) << 6 | (page & 0x3Fu));
}
}  // namespace

// SPC-4 MODE SENSE(6): byte 1 bit 3 DBD; byte 2 PC (bits 7-6) and PAGE CODE
// (bits 5-0); byte 3 SUBPAGE CODE; byte 4 ALLOCATION LENGTH.
Cdb6 ModeSense6(uint8_t page, uint8_t allocation_length, bool dbd, PageControl pc, uint8_t subpage) {
  return {op::kModeSense6, static_cast<uint8_t>(dbd ? 0x08 : 0x00), PcAndPage(pc, page), subpage, allocation_length, 0};
}

// SPC-4 MODE SENSE(10): byte 1 bit 4 LLBAA, bit 3 DBD; byte 2 PC and PAGE
// CODE; byte 3 SUBPAGE CODE; bytes 7-8 ALLOCATION LENGTH.
Cdb10 ModeSense10(uint8_t page, uint16_t allocation_length, bool dbd, PageControl pc, uint8_t subpage) {
  Cdb10 c{op::kModeSense10, static_cast<uint8_t>(dbd ? 0x08 : 0x00), PcAndPage(pc, page), subpage, 0, 0, 0, 0, 0, 0};
  PutBe16(c, 7, allocation_length);
  return c;
}

// SMC-3 READ ELEMENT STATUS: byte 1 bit 4 VOLTAG, bits 3-0 ELEMENT TYPE CODE;
// bytes 2-3 STARTING ELEMENT ADDRESS; bytes 4-5 NUMBER OF ELEMENTS; byte 6
// bit 1 CURDATA, bit 0 DVCID; bytes 7-9 ALLOCATION LENGTH; byte 10 reserved.
Cdb12 ReadElementStatus(const ReadElementStatusArgs& a) {
  Cdb12 c{};
  c[0] = op::kReadElementStatus;
  c[1] = static_cast<uint8_t>((a.voltag ? 0x10 : 0x00) | (static_cast<uint8_t>(a.type) & 0x0F));
  PutBe16(c, 2, a.start);
  PutBe16(c, 4, a.count);
  c[6] = static_cast<uint8_t>((a.curdata ? 0x02 : 0x00) | (a.dvcid ? 0x01 : 0x00));
  PutBe24(c, 7, std::min<uint32_t>(a.allocation_length, 0xFFFFFF));
  return c;
}

// SMC-3 INITIALIZE ELEMENT STATUS: bytes 1-4 reserved.
Cdb6 InitializeElementStatus() { return {op::kInitializeElementStatus, 0, 0, 0, 0, 0}; }

// SMC-3 INITIALIZE ELEMENT STATUS WITH RANGE: byte 1 bit 1 FAST, bit 0 RANGE;
// bytes 2-3 STARTING ELEMENT ADDRESS; bytes 6-7 NUMBER OF ELEMENTS.
Cdb10 InitializeElementStatusWithRange(uint16_t start, uint16_t count, bool fast) {
  Cdb10 c{};
  c[0] = op::kInitializeElementStatusWithRange;
  c[1] = static_cast<uint8_t>((fast ? 0x02 : 0x00) | 0x01);
  PutBe16(c, 2, start);
  PutBe16(c, 6, count);
  return c;
}

// SMC-3 MOVE MEDIUM: bytes 2-3 MEDIUM TRANSPORT ADDRESS; 4-5 SOURCE ADDRESS;
// 6-7 DESTINATION ADDRESS; byte 10 bit 0 INVERT.
Cdb12 MoveMedium(uint16_t transport, uint16_t source, uint16_t destination, bool invert) {
  Cdb12 c{};
  c[0] = op::kMoveMedium;
  PutBe16(c, 2, transport);
  PutBe16(c, 4, source);
  PutBe16(c, 6, destination);
  c[10] = invert ? 0x01 : 0x00;
  return c;
}

// SMC-3 EXCHANGE MEDIUM: bytes 2-3 MEDIUM TRANSPORT ADDRESS; 4-5 SOURCE
// ADDRESS; 6-7 FIRST DESTINATION ADDRESS; 8-9 SECOND DESTINATION ADDRESS;
// byte 10 bit 1 INV1, bit 0 INV2.
Cdb12 ExchangeMedium(uint16_t transport, uint16_t source, uint16_t first_destination, uint16_t second_destination,
                     bool invert1, bool invert2) {
  Cdb12 c{};
  c[0] = op::kExchangeMedium;
  PutBe16(c, 2, transport);
  PutBe16(c, 4, source);
  PutBe16(c, 6, first_destination);
  PutBe16(c, 8, second_destination);
  c[10] = static_cast<uint8_t>((invert1 ? 0x02 : 0x00) | (invert2 ? 0x01 : 0x00));
  return c;
}

// SPC-4 PREVENT ALLOW MEDIUM REMOVAL: byte 4 bits 1-0 PREVENT.
Cdb6 PreventAllowMediumRemoval(bool prevent) {
  return {op::kPreventAllowMediumRemoval, 0, 0, 0, static_cast<uint8_t>(prevent ? 0x01 : 0x00), 0};
}

// SSC-4 LOAD UNLOAD: byte 1 bit 0 IMMED; byte 4 bit 3 HOLD, bit 2 EOT,
// bit 1 RETEN, bit 0 LOAD.
Cdb6 LoadUnload(const LoadUnloadArgs& a) {
  const auto b4 =
      static_cast<uint8_t>((a.hold ? 0x08 : 0) | (a.eot ? 0x04 : 0) | (a.reten ? 0x02 : 0) | (a.load ? 0x01 : 0));
  return {op::kLoadUnload, static_cast<uint8_t>(a.immed ? 0x01 : 0x00), 0, 0, b4, 0};
}

// SSC-4 REWIND: byte 1 bit 0 IMMED.
Cdb6 Rewind(bool immed) { return {op::kRewind, static_cast<uint8_t>(immed ? 0x01 : 0x00), 0, 0, 0, 0}; }

// SSC-4 READ POSITION: byte 1 bits 4-0 SERVICE ACTION; bytes 7-8 ALLOCATION LENGTH.
Cdb10 ReadPosition(ReadPositionForm form, uint16_t allocation_length) {
  Cdb10 c{};
  c[0] = op::kReadPosition;
  c[1] = static_cast<uint8_t>(static_cast<uint8_t>(form) & 0x1F);
  if (form == ReadPositionForm::kExtended) PutBe16(c, 7, allocation_length);
  return c;
}

}  // namespace openrsm::devices::scsi
