// CDB builders: exact bytes, compared with the CDBs tgt-notes.md and the
// libiscsi probes sent (e.g. MOVE MEDIUM {A5 00 00 01 src dst 00 00 00 00}).
#include <gtest/gtest.h>

#include "devices/scsi/bytes.h"
#include "devices/scsi/cdb.h"
#include "scsi_test_util.h"

namespace openrsm::devices::scsi {
namespace {

using testing::Hex;

template <size_t N>
std::vector<uint8_t> V(const std::array<uint8_t, N>& a) {
  return {a.begin(), a.end()};
}

TEST(ScsiCdb, SpcCommands) {
  EXPECT_EQ(V(TestUnitReady()), Hex("00 00 00 00 00 00"));
  EXPECT_EQ(V(Inquiry()), Hex("12 00 00 00 60 00"));
  EXPECT_EQ(V(Inquiry(36)), Hex("12 00 00 00 24 00"));
  EXPECT_EQ(V(InquiryVpd(kVpdUnitSerialNumber, 128)), Hex("12 01 80 00 80 00"));
  EXPECT_EQ(V(InquiryVpd(kVpdDeviceIdentification, 0x1234)), Hex("12 01 83 12 34 00"));
  EXPECT_EQ(V(RequestSense()), Hex("03 00 00 00 FC 00"));
  EXPECT_EQ(V(RequestSense(18, true)), Hex("03 01 00 00 12 00"));
  EXPECT_EQ(V(PreventAllowMediumRemoval(true)), Hex("1E 00 00 00 01 00"));
  EXPECT_EQ(V(PreventAllowMediumRemoval(false)), Hex("1E 00 00 00 00 00"));
}

TEST(ScsiCdb, ModeSense) {
  EXPECT_EQ(V(ModeSense6(kModePageElementAddressAssignment)), Hex("1A 08 1D 00 FF 00"));
  EXPECT_EQ(V(ModeSense6(0x3F, 0xC0, false, PageControl::kDefault)), Hex("1A 00 BF 00 C0 00"));
  EXPECT_EQ(V(ModeSense10(kModePageElementAddressAssignment)), Hex("5A 08 1D 00 00 00 00 04 00 00"));
  EXPECT_EQ(V(ModeSense10(0x0A, 0x20, true, PageControl::kChangeable, 0x01)), Hex("5A 08 4A 01 00 00 00 00 20 00"));
}

TEST(ScsiCdb, ReadElementStatus) {
  // Storage elements from 1024, VOLTAG, 64 KiB allocation.
  EXPECT_EQ(V(ReadElementStatus({.type = SmcElementType::kStorage,
                                 .start = 1024,
                                 .count = 20,
                                 .voltag = true,
                                 .allocation_length = 0x10000})),
            Hex("B8 12 04 00 00 14 00 01 00 00 00 00"));
  // Drives with DVCID and CURDATA, no VOLTAG.
  EXPECT_EQ(V(ReadElementStatus({.type = SmcElementType::kDataTransfer,
                                 .start = 256,
                                 .count = 3,
                                 .voltag = false,
                                 .dvcid = true,
                                 .curdata = true,
                                 .allocation_length = 512})),
            Hex("B8 04 01 00 00 03 03 00 02 00 00 00"));
  // Allocation length is 24 bits: clamped.
  EXPECT_EQ(V(ReadElementStatus({.allocation_length = 0x12345678})), Hex("B8 10 00 00 FF FF 00 FF FF FF 00 00"));
}

TEST(ScsiCdb, ChangerCommands) {
  EXPECT_EQ(V(InitializeElementStatus()), Hex("07 00 00 00 00 00"));
  EXPECT_EQ(V(InitializeElementStatusWithRange(1024, 20)), Hex("37 01 04 00 00 00 00 14 00 00"));
  EXPECT_EQ(V(InitializeElementStatusWithRange(0x1234, 0xABCD, true)), Hex("37 03 12 34 00 00 AB CD 00 00"));
  // The probe's MOVE MEDIUM from slot 1025 to drive 256 through picker 1.
  EXPECT_EQ(V(MoveMedium(1, 1025, 256)), Hex("A5 00 00 01 04 01 01 00 00 00 00 00"));
  EXPECT_EQ(V(MoveMedium(0, 0xFFFF, 2, true)), Hex("A5 00 00 00 FF FF 00 02 00 00 01 00"));
  EXPECT_EQ(V(ExchangeMedium(1, 1024, 256, 1025)), Hex("A6 00 00 01 04 00 01 00 04 01 00 00"));
  EXPECT_EQ(V(ExchangeMedium(1, 2, 3, 4, true, false)), Hex("A6 00 00 01 00 02 00 03 00 04 02 00"));
  EXPECT_EQ(V(ExchangeMedium(1, 2, 3, 4, false, true)), Hex("A6 00 00 01 00 02 00 03 00 04 01 00"));
}

TEST(ScsiCdb, TapeCommands) {
  EXPECT_EQ(V(Load()), Hex("1B 00 00 00 01 00"));
  EXPECT_EQ(V(Unload()), Hex("1B 00 00 00 00 00"));
  EXPECT_EQ(V(Unload(true)), Hex("1B 01 00 00 00 00"));
  EXPECT_EQ(V(LoadUnload({.load = true, .hold = true, .eot = true, .reten = true})), Hex("1B 00 00 00 0F 00"));
  EXPECT_EQ(V(Rewind()), Hex("01 00 00 00 00 00"));
  EXPECT_EQ(V(Rewind(true)), Hex("01 01 00 00 00 00"));
  EXPECT_EQ(V(ReadPosition()), Hex("34 00 00 00 00 00 00 00 00 00"));
  EXPECT_EQ(V(ReadPosition(ReadPositionForm::kLong, 99)), Hex("34 06 00 00 00 00 00 00 00 00"));
  EXPECT_EQ(V(ReadPosition(ReadPositionForm::kExtended, 0x1C)), Hex("34 08 00 00 00 00 00 00 1C 00"));
}

TEST(ScsiCdb, ElementTypeNames) {
  EXPECT_EQ(SmcElementTypeName(SmcElementType::kDataTransfer), "data transfer");
  EXPECT_EQ(SmcElementTypeName(static_cast<SmcElementType>(9)), "unknown");
}

TEST(ScsiBytes, BigEndianAndBounds) {
  const auto b = Hex("01 02 03 04 05 06 07 08 09");
  EXPECT_EQ(GetBe16(b, 0), 0x0102);
  EXPECT_EQ(GetBe24(b, 1), 0x020304u);
  EXPECT_EQ(GetBe32(b, 5), 0x06070809u);
  EXPECT_EQ(GetBe64(b, 1), 0x0203040506070809ull);
  EXPECT_FALSE(GetBe32(b, 6).has_value());
  EXPECT_FALSE(GetBe16(b, 8).has_value());
  EXPECT_FALSE(Get8(b, 9).has_value());
  EXPECT_FALSE(GetBe16(b, SIZE_MAX).has_value());  // no overflow in the bounds check
  EXPECT_FALSE(GetBit(b, 9, 0));
  EXPECT_TRUE(GetBit(b, 0, 0));
  EXPECT_EQ(GetBits(b, 8, 0, 4), 9);
  EXPECT_EQ(GetBits(b, 8, 6, 4), 0);  // bad field: 0
  EXPECT_EQ(Slice(b, 7, 100).size(), 2u);
  EXPECT_TRUE(Slice(b, 100, 1).empty());

  std::array<uint8_t, 4> out{};
  EXPECT_TRUE(PutBe24(out, 1, 0xABCDEF));
  EXPECT_EQ(V(out), Hex("00 AB CD EF"));
  EXPECT_FALSE(PutBe16(out, 3, 1));
  EXPECT_EQ(V(out), Hex("00 AB CD EF"));  // nothing written

  EXPECT_EQ(TrimmedAscii(Hex("41 42 20 20 00")), "AB");
  EXPECT_EQ(TrimmedAsciiBoth(Hex("20 20 41 20 42 20")), "A B");
  EXPECT_EQ(TrimmedAsciiBoth(Hex("20 20")), "");
}

}  // namespace
}  // namespace openrsm::devices::scsi
