// INQUIRY, VPD 0x80/0x83, MODE SENSE page 0x1D and READ POSITION parsers on
// responses as tgt 1.0.85 returns them (usr/spc.c, usr/smc.c) and as real
// devices do; every prefix of each response is parsed too.
#include <gtest/gtest.h>

#include "devices/scsi/parse.h"
#include "scsi_test_util.h"

namespace openrsm::devices::scsi {
namespace {

using testing::Be16;
using testing::ForEachPrefix;
using testing::Hex;
using testing::Text;

// tgt's standard INQUIRY data: 64 bytes (ADDITIONAL LENGTH 59).
std::vector<uint8_t> TgtInquiry(uint8_t pdt, std::string_view vendor, std::string_view product, std::string_view rev) {
  std::vector<uint8_t> d(64, 0);
  d[0] = pdt;
  d[1] = 0x80;  // removable=1
  d[2] = 0x05;
  d[3] = 0x12;
  d[4] = 59;
  d[7] = 0x02;
  Text(d, 8, vendor, 8);
  Text(d, 16, product, 16);
  Text(d, 32, rev, 4);
  return d;
}

TEST(ScsiInquiry, TgtChangerAndDrive) {
  auto c = ParseInquiry(TgtInquiry(0x08, "STK", "L700", "0104"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->device_type, kPdtMediumChanger);
  EXPECT_EQ(c->peripheral_qualifier, 0);
  EXPECT_TRUE(c->removable);
  EXPECT_EQ(c->vendor, "STK");
  EXPECT_EQ(c->product, "L700");
  EXPECT_EQ(c->revision, "0104");

  auto d = ParseInquiry(TgtInquiry(0x01, "IBM", "ULT3580-TD6", "G350"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->device_type, kPdtSequentialAccess);
  EXPECT_EQ(d->product, "ULT3580-TD6");
  EXPECT_EQ(d->revision, "G350");
}

TEST(ScsiInquiry, ShortAndOddData) {
  EXPECT_EQ(ParseInquiry(Hex("08 80 05 12")).status().code(), err::kBadFormat);
  auto hdr = ParseInquiry(Hex("7F 00 05 12 00"));  // qualifier 3: no device at this LUN
  ASSERT_TRUE(hdr.ok());
  EXPECT_EQ(hdr->peripheral_qualifier, 3);
  EXPECT_EQ(hdr->device_type, 0x1F);
  EXPECT_EQ(hdr->vendor, "");
  // ADDITIONAL LENGTH limits the fields: 31 means the data ends at byte 35.
  auto d = TgtInquiry(0x01, "IBM", "ULT3580-TD6", "G350");
  d[4] = 15;  // ends after byte 19
  auto cut = ParseInquiry(d);
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->vendor, "IBM");
  EXPECT_EQ(cut->product, "ULT3");
  EXPECT_EQ(cut->revision, "");
  ForEachPrefix(TgtInquiry(0x08, "STK", "L700", "0104"), [](std::span<const uint8_t> p) {
    auto r = ParseInquiry(p);
    EXPECT_EQ(r.ok(), p.size() >= 5);
  });
}

TEST(ScsiVpd, TgtUnitSerialIsLeftPadded) {
  // iscsi-inq -e 1 -c 128 on a tgt drive LUN: 36 characters, right-justified.
  std::vector<uint8_t> d = Hex("01 80 00 24");
  const std::string sn = "                          DRV0000001";
  d.insert(d.end(), sn.begin(), sn.end());
  auto r = ParseUnitSerialNumber(d);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "DRV0000001");
  EXPECT_EQ(ParseUnitSerialNumber(Hex("01 83 00 00")).status().code(), err::kBadFormat);
  // PAGE LENGTH beyond the data: what arrived.
  auto cut = ParseUnitSerialNumber(Hex("01 80 00 40 20 41 42 43"));
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(*cut, "ABC");
  ForEachPrefix(d, [](std::span<const uint8_t> p) { EXPECT_EQ(ParseUnitSerialNumber(p).ok(), p.size() >= 4); });
}

// tgt update_vpd_83(): a T10 vendor ID designator (ASCII, 24 bytes, NUL
// padded by strncpy), an NAA locally assigned (3h) and an NAA IEEE
// registered extended (6h) designator.
std::vector<uint8_t> TgtVpd83() {
  std::vector<uint8_t> d = Hex("08 83 00 00");
  std::vector<uint8_t> t10 = Hex("02 01 00 18");
  std::vector<uint8_t> id(24, 0);
  Text(id, 0, "IET     00010003", 16);
  t10.insert(t10.end(), id.begin(), id.end());
  const auto naa3 = Hex("01 03 00 08  30 00 00 00 00 01 00 03");
  const auto naa6 = Hex("01 03 00 10  60 00 00 00 00 00 00 00 00 00 00 00 00 01 00 03");
  d.insert(d.end(), t10.begin(), t10.end());
  d.insert(d.end(), naa3.begin(), naa3.end());
  d.insert(d.end(), naa6.begin(), naa6.end());
  Be16(d, 2, static_cast<uint16_t>(d.size() - 4));
  return d;
}

TEST(ScsiVpd, TgtDeviceIdentification) {
  auto r = ParseDeviceIdentification(TgtVpd83());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].type, 1);
  EXPECT_EQ((*r)[0].code_set, 2);
  EXPECT_EQ((*r)[0].association, 0);
  EXPECT_EQ((*r)[0].Text(), "IET     00010003");
  EXPECT_EQ((*r)[1].type, 3);
  EXPECT_EQ((*r)[1].Text(), "3000000000010003");
  EXPECT_EQ((*r)[2].value.size(), 16u);
}

TEST(ScsiVpd, RealDriveDesignatorsWithPiv) {
  // An IBM LTO drive: T10 vendor ID "IBM ULT3580-TD8 <serial>", NAA 5, and a
  // target port designator (PIV=1, association 1, protocol 6 SAS, type 3).
  std::vector<uint8_t> d = Hex("01 83 00 00");
  std::vector<uint8_t> t10 = Hex("02 01 00 22");
  std::vector<uint8_t> id(34, 0);
  Text(id, 0, "IBM     ULT3580-TD8     10WT012345", 34);
  t10.insert(t10.end(), id.begin(), id.end());
  const auto naa5 = Hex("01 03 00 08 50 05 07 63 12 34 56 78");
  const auto port = Hex("61 93 00 08 50 05 07 63 12 34 56 79");
  for (const std::vector<uint8_t>& part : {t10, naa5, port}) d.insert(d.end(), part.begin(), part.end());
  Be16(d, 2, static_cast<uint16_t>(d.size() - 4));
  auto r = ParseDeviceIdentification(d);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].Text(), "IBM     ULT3580-TD8     10WT012345");
  EXPECT_EQ((*r)[1].Text(), "5005076312345678");
  EXPECT_TRUE((*r)[2].piv);
  EXPECT_EQ((*r)[2].association, 1);
  EXPECT_EQ((*r)[2].protocol_identifier, 6);
  // Every prefix: never an error past the header; a cut designator is dropped.
  ForEachPrefix(d, [](std::span<const uint8_t> p) {
    auto q = ParseDeviceIdentification(p);
    ASSERT_EQ(q.ok(), p.size() >= 4);
    if (q.ok()) {
      for (const auto& x : *q) EXPECT_FALSE(x.value.empty());
    }
  });
}

// tgt MODE SENSE(6), page 0x1D, DBD=1: 4-byte header + 20-byte page.
std::vector<uint8_t> TgtModeSense6(bool block_descriptor) {
  std::vector<uint8_t> d = Hex("00 00 00 00");
  if (block_descriptor) {
    d[3] = 8;
    const auto bd = Hex("00 00 00 00 00 00 00 00");
    d.insert(d.end(), bd.begin(), bd.end());
  }
  const auto page = Hex("1D 12  0001 0001  0400 0014  0300 0002  0100 0002  0000");
  d.insert(d.end(), page.begin(), page.end());
  d[0] = static_cast<uint8_t>(d.size() - 1);
  return d;
}

TEST(ScsiModeSense, TgtElementAddressAssignment) {
  for (bool bd : {false, true}) {
    auto r = ParseElementAddressAssignment(TgtModeSense6(bd), ModeSenseFormat::k6);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->transport, (ElementRange{1, 1}));
    EXPECT_EQ(r->storage, (ElementRange{1024, 20}));
    EXPECT_EQ(r->import_export, (ElementRange{768, 2}));
    EXPECT_EQ(r->data_transfer, (ElementRange{256, 2}));
  }
}

// MODE SENSE(10) page 0x3F (all pages) as tgt's changer builds it: control
// page 0Ah, its subpage 01h (sub_page format), 1Ah, 1Ch, 1Dh (with PS set
// here), 1Eh, 1Fh.
TEST(ScsiModeSense, AllPagesTenByteHeader) {
  std::vector<uint8_t> d = Hex("00 00 00 00 00 00 00 00");
  std::vector<uint8_t> pages = Hex("0A 0A 02 00 00 00 00 00 00 00 02 00");
  std::vector<uint8_t> sub = Hex("4A 01 00 1C");
  sub.resize(4 + 0x1C, 0);
  std::vector<uint8_t> rest =
      Hex("1A 0A 08 00 00 00 00 00 00 00 00 00"
          "1C 0A 08 00 00 00 00 00 00 00 00 00"
          "9D 12 0001 0001 1000 0064 0010 0004 0100 0006 0000"
          "1E 02 00 00"
          "1F 12 0F 07 0F 0F 0F 0F 00 00 00 00 0F 0F 0F 0F 00 00 00 00");
  for (const std::vector<uint8_t>& part : {pages, sub, rest}) d.insert(d.end(), part.begin(), part.end());
  Be16(d, 0, static_cast<uint16_t>(d.size() - 2));
  auto r = ParseElementAddressAssignment(d, ModeSenseFormat::k10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->storage, (ElementRange{0x1000, 100}));
  EXPECT_EQ(r->import_export, (ElementRange{0x10, 4}));
  EXPECT_EQ(r->data_transfer, (ElementRange{0x100, 6}));
  // The same data read as a 6-byte header is garbage but must not crash.
  (void)ParseElementAddressAssignment(d, ModeSenseFormat::k6);
  ForEachPrefix(d, [](std::span<const uint8_t> p) {
    (void)ParseElementAddressAssignment(p, ModeSenseFormat::k10);
    (void)ParseElementAddressAssignment(p, ModeSenseFormat::k6);
  });
}

TEST(ScsiModeSense, MissingOrShortPage) {
  EXPECT_EQ(ParseElementAddressAssignment(Hex("03 00 00 00"), ModeSenseFormat::k6).status().code(), err::kBadFormat);
  EXPECT_EQ(ParseElementAddressAssignment(Hex("07 00 00 00 1E 02 00 00"), ModeSenseFormat::k6).status().code(),
            err::kBadFormat);
  EXPECT_EQ(ParseElementAddressAssignment(Hex("07 00 00 00 1D 02 00 00"), ModeSenseFormat::k6).status().code(),
            err::kBadFormat);
  const auto full = TgtModeSense6(false);
  ForEachPrefix(full, [&](std::span<const uint8_t> p) {
    auto r = ParseElementAddressAssignment(p, ModeSenseFormat::k6);
    EXPECT_EQ(r.ok(), p.size() >= 4 + 18) << p.size();  // the reserved bytes 18-19 are not needed
  });
}

TEST(ScsiReadPosition, ShortForm) {
  // BOP, partition 0, block 0.
  auto bop = ParseReadPositionShort(Hex("80 00 00 00 00000000 00000000 00 000000 00000000"));
  ASSERT_TRUE(bop.ok());
  EXPECT_TRUE(bop->bop);
  EXPECT_FALSE(bop->eop);
  EXPECT_EQ(bop->first_location, 0u);
  // After writing 3 blocks and a filemark: position 4, buffer empty.
  auto mid = ParseReadPositionShort(Hex("00 01 00 00 00000004 00000004 00 000002 00010000"));
  ASSERT_TRUE(mid.ok());
  EXPECT_FALSE(mid->bop);
  EXPECT_EQ(mid->partition, 1);
  EXPECT_EQ(mid->first_location, 4u);
  EXPECT_EQ(mid->last_location, 4u);
  EXPECT_EQ(mid->objects_in_buffer, 2u);
  EXPECT_EQ(mid->bytes_in_buffer, 0x10000u);
  // Location unknown, PERR, BPEW.
  auto odd = ParseReadPositionShort(Hex("47 00 00 00 FFFFFFFF FFFFFFFF 00 FFFFFF FFFFFFFF"));
  ASSERT_TRUE(odd.ok());
  EXPECT_TRUE(odd->eop && odd->lolu && odd->perr && odd->bpew);
  EXPECT_FALSE(odd->locu || odd->bycu);
  EXPECT_EQ(odd->objects_in_buffer, 0xFFFFFFu);
  ForEachPrefix(Hex("80 00 00 00 00000000 00000000 00 000000 00000000"),
                [](std::span<const uint8_t> p) { EXPECT_EQ(ParseReadPositionShort(p).ok(), p.size() >= 20); });
}

}  // namespace
}  // namespace openrsm::devices::scsi
