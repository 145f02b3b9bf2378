// READ ELEMENT STATUS parsing on responses recorded from (built exactly like)
// tgt 1.0.85 and on real-library layouts (IBM, HP/Oracle) with DVCID and
// 36-byte volume tags; every prefix of each response is parsed too.
#include <gtest/gtest.h>

#include "devices/scsi/parse.h"
#include "scsi_test_util.h"

namespace openrsm::devices::scsi {
namespace {

using testing::Be16;
using testing::Be24;
using testing::ForEachPrefix;
using testing::Hex;
using testing::Text;
using testing::TgtElementStatus;
using testing::TgtSlot;

// The tgt library of tgt-notes.md (setup_vtl.sh), after the cartridge from
// slot 1025 was moved into drive 256.
std::vector<TgtSlot> TgtSlots() {
  std::vector<TgtSlot> s;
  for (uint16_t a = 1024; a < 1044; ++a) s.push_back({.address = a});
  auto label = [&](uint16_t a, std::string tag) {
    s[a - 1024].full = true;
    s[a - 1024].tag = std::move(tag);
  };
  label(1024, "A00001L6");
  label(1026, "A00003L6");
  label(1027, "A00004L6");
  label(1029, "BACKUP-MONDAY");
  label(1030, "CLN001L1");
  label(1031, "");  // unlabeled cartridge
  return s;
}

std::vector<TgtSlot> TgtDrives(bool spare) {
  std::vector<TgtSlot> d = {
      {.address = 256, .full = true, .tag = "A00002L6", .last_addr = 1025, .mapped = true, .serial = "DRV0000001"},
      {.address = 257, .mapped = true, .serial = "DRV0000002"},
  };
  if (spare) d.push_back({.address = 258, .asc = 0x0402});
  return d;
}

ElementStatusData ParseOk(const std::vector<uint8_t>& bytes) {
  auto r = ParseElementStatus(bytes);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ElementStatusData{};
}

TEST(ScsiElementStatus, TgtStoragePageWithVoltag) {
  const auto bytes = TgtElementStatus(2, TgtSlots(), true, false, 1024);
  ASSERT_EQ(bytes.size(), 8 + 20 * 52u);  // the page header is not accounted for: 8 bytes short
  const ElementStatusData d = ParseOk(bytes);
  EXPECT_EQ(d.first_address, 1024);
  EXPECT_EQ(d.elements_available, 20);
  EXPECT_EQ(d.bytes_available, 16 + 20 * 52u);
  EXPECT_TRUE(d.truncated);
  ASSERT_EQ(d.pages.size(), 1u);
  EXPECT_EQ(d.pages[0].type, SmcElementType::kStorage);
  EXPECT_TRUE(d.pages[0].pvoltag);
  EXPECT_EQ(d.pages[0].descriptor_length, 52);
  ASSERT_EQ(d.elements.size(), 20u);
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(d.elements[i].address, 1024 + i);
    EXPECT_EQ(d.elements[i].type, SmcElementType::kStorage);
    EXPECT_TRUE(d.elements[i].has_volume_tag) << i;  // the tag survives even in the cut descriptor
    EXPECT_EQ(d.elements[i].truncated, i == 19);
  }
  EXPECT_EQ(d.elements[0].volume_tag, "A00001L6");
  EXPECT_TRUE(d.elements[0].full);
  EXPECT_FALSE(d.elements[1].full);
  EXPECT_EQ(d.elements[1].volume_tag, "");
  EXPECT_EQ(d.elements[5].volume_tag, "BACKUP-MONDAY");
  EXPECT_EQ(d.elements[6].volume_tag, "CLN001L1");
  EXPECT_TRUE(d.elements[7].full);  // unlabeled: full, no tag
  EXPECT_EQ(d.elements[7].volume_tag, "");
  // tgt never sets these.
  for (const auto& e : d.elements) {
    EXPECT_FALSE(e.except || e.access || e.impexp || e.source.has_value() || e.device_id.has_value());
  }
}

TEST(ScsiElementStatus, TgtPickerPageHeaderAddressIsWrong) {
  const auto bytes = TgtElementStatus(1, {{.address = 1}}, true, false, /*tgt reports*/ 1043);
  const ElementStatusData d = ParseOk(bytes);
  EXPECT_EQ(d.first_address, 1043);
  ASSERT_EQ(d.elements.size(), 1u);
  EXPECT_EQ(d.elements[0].address, 1);  // take addresses from the descriptors
  EXPECT_EQ(d.elements[0].type, SmcElementType::kTransport);
  EXPECT_TRUE(d.elements[0].truncated);
  EXPECT_FALSE(d.elements[0].full);
}

TEST(ScsiElementStatus, TgtDrivesWithDvcidLoseTheLastSerial) {
  const auto bytes = TgtElementStatus(4, TgtDrives(false), true, true, 256);
  const ElementStatusData d = ParseOk(bytes);
  ASSERT_EQ(d.elements.size(), 2u);
  const ElementDescriptor& a = d.elements[0];
  EXPECT_EQ(a.address, 256);
  EXPECT_TRUE(a.full);
  EXPECT_EQ(a.volume_tag, "A00002L6");
  ASSERT_TRUE(a.source.has_value());
  EXPECT_EQ(*a.source, 1025);
  ASSERT_TRUE(a.device_id.has_value());
  EXPECT_EQ(a.device_id->code_set, 2);
  EXPECT_TRUE(a.device_id->complete);
  EXPECT_EQ(std::string(a.device_id->value.begin(), a.device_id->value.end()), "IBM     ULT3580-TD6     DRV0000001");
  EXPECT_EQ(a.serial, "DRV0000001");
  EXPECT_FALSE(a.truncated);

  const ElementDescriptor& b = d.elements[1];
  EXPECT_EQ(b.address, 257);
  EXPECT_TRUE(b.truncated);
  ASSERT_TRUE(b.device_id.has_value());
  EXPECT_FALSE(b.device_id->complete);
  EXPECT_EQ(std::string(b.device_id->value.begin(), b.device_id->value.end()), "IBM     ULT3580-TD6     DR");
  EXPECT_EQ(b.serial, "");  // never a partial serial
}

TEST(ScsiElementStatus, TgtSpareDriveKeepsBothSerials) {
  const auto bytes = TgtElementStatus(4, TgtDrives(true), true, true, 256);
  const ElementStatusData d = ParseOk(bytes);
  ASSERT_EQ(d.elements.size(), 3u);
  EXPECT_EQ(d.elements[0].serial, "DRV0000001");
  EXPECT_EQ(d.elements[1].serial, "DRV0000002");
  EXPECT_FALSE(d.elements[1].truncated);
  EXPECT_EQ(d.elements[2].address, 258);
  EXPECT_EQ(d.elements[2].asc, 0x04);
  EXPECT_EQ(d.elements[2].ascq, 0x02);
  EXPECT_FALSE(d.elements[2].device_id.has_value());
  EXPECT_TRUE(d.elements[2].truncated);
}

TEST(ScsiElementStatus, TgtWithoutVoltagLosesTheLastSource) {
  std::vector<TgtSlot> slots = {{.address = 1024, .full = true, .last_addr = 256},
                                {.address = 1025, .full = true, .last_addr = 257}};
  const ElementStatusData d = ParseOk(TgtElementStatus(2, slots, false, false, 1024));
  ASSERT_EQ(d.elements.size(), 2u);
  EXPECT_EQ(d.elements[0].source, std::optional<uint16_t>(256));
  EXPECT_TRUE(d.elements[1].full);
  EXPECT_FALSE(d.elements[1].source.has_value());  // bytes 8-15 were cut
  EXPECT_FALSE(d.elements[1].has_volume_tag);
}

TEST(ScsiElementStatus, TgtMailSlotAndStaleTagOnEmptyDrive) {
  const ElementStatusData ie = ParseOk(
      TgtElementStatus(3, {{.address = 768, .full = true, .tag = "A00009L6"}, {.address = 769}}, true, false, 768));
  ASSERT_EQ(ie.elements.size(), 2u);
  EXPECT_EQ(ie.elements[0].type, SmcElementType::kImportExport);
  EXPECT_EQ(ie.elements[0].volume_tag, "A00009L6");
  EXPECT_FALSE(ie.elements[0].impexp);  // tgt never sets IMPEXP

  // After a failed load tgt may leave a tag on an empty drive: not reported.
  const ElementStatusData dr = ParseOk(TgtElementStatus(4, {{.address = 256, .tag = "A00005L6"}}, true, false, 256));
  ASSERT_EQ(dr.elements.size(), 1u);
  EXPECT_FALSE(dr.elements[0].full);
  EXPECT_EQ(dr.elements[0].volume_tag, "");
}

TEST(ScsiElementStatus, AllocationLengthShorterThanReport) {
  const auto bytes = TgtElementStatus(2, TgtSlots(), true, false, 1024, /*alloc=*/8 + 8 + 3 * 52 + 10);
  const ElementStatusData d = ParseOk(bytes);
  EXPECT_TRUE(d.truncated);
  EXPECT_EQ(d.bytes_available, 16 + 20 * 52u);  // the caller can re-issue with this much
  ASSERT_EQ(d.elements.size(), 4u);
  EXPECT_FALSE(d.elements[2].truncated);
  EXPECT_TRUE(d.elements[3].truncated);
  EXPECT_EQ(d.elements[3].address, 1027);
}

// ---- real-library layouts (SMC-3 element descriptors) ---------------------------------------

struct Page {
  uint8_t type;
  uint8_t flags;  // PVOLTAG 0x80, AVOLTAG 0x40
  uint16_t length;
  std::vector<std::vector<uint8_t>> descriptors;  // each exactly `length` bytes
};

std::vector<uint8_t> Report(uint16_t first, const std::vector<Page>& pages) {
  std::vector<uint8_t> d(8, 0);
  size_t count = 0;
  for (const Page& p : pages) {
    const size_t o = d.size();
    d.resize(o + 8, 0);
    d[o] = p.type;
    d[o + 1] = p.flags;
    Be16(d, o + 2, p.length);
    Be24(d, o + 5, static_cast<uint32_t>(p.length * p.descriptors.size()));
    for (const auto& desc : p.descriptors) d.insert(d.end(), desc.begin(), desc.end());
    count += p.descriptors.size();
  }
  Be16(d, 0, first);
  Be16(d, 2, static_cast<uint16_t>(count));
  Be24(d, 5, static_cast<uint32_t>(d.size() - 8));
  return d;
}

// A descriptor with a 36-byte primary volume tag (32 identifier + 2 reserved
// + 2 sequence number) and an identification descriptor at byte 48.
std::vector<uint8_t> Descriptor(uint16_t length, uint16_t address, uint8_t flags, std::string_view tag,
                                std::optional<uint16_t> source = std::nullopt) {
  std::vector<uint8_t> d(length, 0);
  Be16(d, 0, address);
  d[2] = flags;
  if (source) {
    d[9] = 0x80 | 0x01;  // SVALID, medium type data
    Be16(d, 10, *source);
  }
  Text(d, 12, tag, 32);
  return d;
}

// IBM TS3100-style: one READ ELEMENT STATUS for all element types (VOLTAG=1,
// DVCID=1). Drives carry "vendor(8) product(16) serial(10)" (identifier type
// 1, code set 2); import/export elements an IBM TS4300-style 44-byte
// identifier whose serial is followed by binary fields.
std::vector<uint8_t> IbmReport() {
  Page mte{1, 0x80, 52, {Descriptor(52, 1, 0x00, "")}};
  Page se{2, 0x80, 52, {}};
  se.descriptors.push_back(Descriptor(52, 0x1000, 0x09, "A00001L6"));
  se.descriptors.push_back(Descriptor(52, 0x1001, 0x08, ""));
  se.descriptors.push_back(Descriptor(52, 0x1002, 0x09, "CLNU01L1"));
  Page ie{3, 0x80, 96, {}};
  auto ie1 = Descriptor(96, 0x0010, 0x3B, "IMP001L6");  // INENAB EXENAB ACCESS IMPEXP FULL
  ie1[48] = 0x02;
  ie1[49] = 0x01;
  ie1[51] = 0x2C;
  Text(ie1, 52, "IBM", 8);
  Text(ie1, 60, "3573-TL", 16);
  Text(ie1, 76, "00L4U78A5678", 12);
  Be16(ie1, 90, 0x1000);  // first storage element address (binary)
  ie.descriptors.push_back(ie1);
  ie.descriptors.push_back(Descriptor(96, 0x0011, 0x38, ""));  // INENAB EXENAB ACCESS, empty
  Page dte{4, 0x80, 86, {}};
  auto d1 = Descriptor(86, 0x0100, 0x09, "A00002L6", 0x1001);
  d1[6] = 0x30;  // ID VALID, LU VALID, LUN 0
  d1[7] = 0x05;  // SCSI bus address
  d1[48] = 0x02;
  d1[49] = 0x01;
  d1[51] = 34;
  Text(d1, 52, "IBM     ULT3580-TD5     1068012345", 34);
  auto d2 = Descriptor(86, 0x0101, 0x04, "");  // EXCEPT: drive not present
  d2[4] = 0x83;
  d2[5] = 0x00;
  dte.descriptors.push_back(d1);
  dte.descriptors.push_back(d2);
  return Report(1, {mte, se, ie, dte});
}

TEST(ScsiElementStatus, IbmAllTypesWithDvcid) {
  const auto bytes = IbmReport();
  const ElementStatusData d = ParseOk(bytes);
  EXPECT_FALSE(d.truncated);
  EXPECT_EQ(d.bytes_available, bytes.size());
  ASSERT_EQ(d.pages.size(), 4u);
  ASSERT_EQ(d.elements.size(), 8u);

  EXPECT_EQ(d.elements[0].type, SmcElementType::kTransport);
  EXPECT_EQ(d.elements[1].volume_tag, "A00001L6");
  EXPECT_TRUE(d.elements[1].access);
  EXPECT_TRUE(d.elements[1].full);
  EXPECT_FALSE(d.elements[1].impexp);  // bit 1 means IMPEXP only on import/export elements
  EXPECT_EQ(d.elements[3].volume_tag, "CLNU01L1");

  const ElementDescriptor& ie = d.elements[4];
  EXPECT_EQ(ie.type, SmcElementType::kImportExport);
  EXPECT_EQ(ie.address, 0x10);
  EXPECT_TRUE(ie.full && ie.impexp && ie.access && ie.inenab && ie.exenab);
  EXPECT_EQ(ie.volume_tag, "IMP001L6");
  ASSERT_TRUE(ie.device_id.has_value());
  EXPECT_EQ(ie.device_id->value.size(), 0x2Cu);
  EXPECT_EQ(ie.serial, "00L4U78A5678");  // cut at the binary fields
  EXPECT_FALSE(d.elements[5].full);
  EXPECT_TRUE(d.elements[5].inenab);

  const ElementDescriptor& d1 = d.elements[6];
  EXPECT_EQ(d1.type, SmcElementType::kDataTransfer);
  EXPECT_EQ(d1.address, 0x100);
  EXPECT_EQ(d1.volume_tag, "A00002L6");
  EXPECT_EQ(d1.source, std::optional<uint16_t>(0x1001));
  EXPECT_EQ(d1.medium_type, 1);
  EXPECT_TRUE(d1.id_valid && d1.lu_valid);
  EXPECT_EQ(d1.bus_address, 5);
  EXPECT_EQ(d1.serial, "1068012345");
  EXPECT_EQ(d1.device_id->type, 1);

  const ElementDescriptor& d2 = d.elements[7];
  EXPECT_TRUE(d2.except);
  EXPECT_EQ(d2.asc, 0x83);
  EXPECT_FALSE(d2.device_id.has_value());
  EXPECT_EQ(d2.serial, "");
}

// HP/Oracle-style drive descriptors: identifier type 0 holding only the
// serial, padded to 32 bytes, followed by vendor-specific fields; and one
// drive that reports a binary NAA identifier instead.
TEST(ScsiElementStatus, SerialOnlyAndBinaryIdentifiers) {
  Page dte{4, 0x80, 88, {}};
  auto a = Descriptor(88, 500, 0x08, "");
  a[48] = 0x02;
  a[51] = 10;
  Text(a, 52, "HU19487T2K", 10);
  a[84] = 0x01;  // media domain etc. (vendor fields after the 32-byte identifier area)
  auto b = Descriptor(88, 501, 0x08, "");
  b[48] = 0x01;  // binary
  b[49] = 0x03;  // NAA
  b[51] = 8;
  const auto naa = Hex("50 05 07 63 00 12 34 56");
  std::copy(naa.begin(), naa.end(), b.begin() + 52);
  dte.descriptors = {a, b};
  const ElementStatusData d = ParseOk(Report(500, {dte}));
  ASSERT_EQ(d.elements.size(), 2u);
  EXPECT_EQ(d.elements[0].serial, "HU19487T2K");
  EXPECT_EQ(d.elements[0].device_id->type, 0);
  EXPECT_EQ(d.elements[1].serial, "");
  ASSERT_TRUE(d.elements[1].device_id.has_value());
  EXPECT_EQ(d.elements[1].device_id->value, naa);
}

TEST(ScsiElementStatus, AlternateVolumeTagIsSkipped) {
  Page se{2, 0xC0, 88, {}};  // PVOLTAG + AVOLTAG, no identifier
  auto a = Descriptor(88, 20, 0x01, "PRIM01L6");
  Text(a, 48, "ALTERNATE", 32);
  se.descriptors = {a};
  const ElementStatusData d = ParseOk(Report(20, {se}));
  ASSERT_EQ(d.elements.size(), 1u);
  EXPECT_EQ(d.elements[0].volume_tag, "PRIM01L6");
  EXPECT_FALSE(d.elements[0].device_id.has_value());
}

TEST(ScsiElementStatus, MalformedInputs) {
  EXPECT_EQ(ParseElementStatus({}).status().code(), err::kBadFormat);
  EXPECT_EQ(ParseElementStatus(Hex("00 01 00 01 00 00 00")).status().code(), err::kBadFormat);
  // Header only, no pages: fine, nothing in it.
  auto empty = ParseElementStatus(Hex("00 00 00 00 00 00 00 00"));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->elements.empty());
  // Descriptor length 0 with data would loop forever: rejected.
  EXPECT_EQ(
      ParseElementStatus(Hex("0000 0001 00 000018  02 80 0000 00 000010  0400 0100 0000 0000 0000 0000 0000 0000"))
          .status()
          .code(),
      err::kBadFormat);
  // Byte counts far beyond the data: parsed as far as it goes.
  auto huge =
      ParseElementStatus(Hex("0400 0001 00 FFFFFF  02 80 0010 00 FFFFFF  0400 0100 0000 0000 0000 0000 0000 0000"));
  ASSERT_TRUE(huge.ok());
  EXPECT_TRUE(huge->truncated);
  ASSERT_EQ(huge->elements.size(), 1u);
  EXPECT_EQ(huge->elements[0].address, 0x400);
  // Invalid element type codes (tgt's corrupt "all types" answer can yield them) are skipped.
  auto bad_type =
      ParseElementStatus(Hex("0000 0001 00 000018  07 00 0010 00 000010  0400 0100 0000 0000 0000 0000 0000 0000"));
  ASSERT_TRUE(bad_type.ok());
  EXPECT_TRUE(bad_type->elements.empty());
}

bool SameDescriptor(const ElementDescriptor& a, const ElementDescriptor& b) {
  return a.type == b.type && a.address == b.address && a.full == b.full && a.impexp == b.impexp &&
         a.except == b.except && a.access == b.access && a.asc == b.asc && a.ascq == b.ascq && a.source == b.source &&
         a.volume_tag == b.volume_tag && a.serial == b.serial && a.device_id.has_value() == b.device_id.has_value() &&
         (!a.device_id || a.device_id->value == b.device_id->value);
}

// Every prefix of every response: no crash, no read past the end (the
// buffers are exact-size heap copies; run under ASan), and what is parsed
// agrees with the full parse.
void CheckPrefixes(const std::vector<uint8_t>& bytes) {
  auto full = ParseElementStatus(bytes);
  ASSERT_TRUE(full.ok());
  size_t last_count = 0;
  ForEachPrefix(bytes, [&](std::span<const uint8_t> prefix) {
    auto r = ParseElementStatus(prefix);
    if (prefix.size() < 8) {
      EXPECT_FALSE(r.ok());
      return;
    }
    ASSERT_TRUE(r.ok()) << prefix.size();
    ASSERT_LE(r->elements.size(), full->elements.size());
    EXPECT_GE(r->elements.size(), last_count);
    last_count = r->elements.size();
    for (size_t i = 0; i < r->elements.size(); ++i) {
      EXPECT_EQ(r->elements[i].address, full->elements[i].address);
      if (!r->elements[i].truncated) {
        EXPECT_TRUE(SameDescriptor(r->elements[i], full->elements[i])) << i;
      }
      if (r->elements[i].device_id && !r->elements[i].device_id->complete) {
        EXPECT_EQ(r->elements[i].serial, "");
      }
    }
    if (prefix.size() < bytes.size()) {
      EXPECT_TRUE(r->truncated);
    }
  });
}

TEST(ScsiElementStatus, EveryPrefixTgt) {
  CheckPrefixes(TgtElementStatus(2, TgtSlots(), true, false, 1024));
  CheckPrefixes(TgtElementStatus(2, TgtSlots(), false, false, 1024));
  CheckPrefixes(TgtElementStatus(4, TgtDrives(true), true, true, 256));
  CheckPrefixes(TgtElementStatus(4, TgtDrives(false), false, true, 256));
}

TEST(ScsiElementStatus, EveryPrefixIbm) { CheckPrefixes(IbmReport()); }

}  // namespace
}  // namespace openrsm::devices::scsi
