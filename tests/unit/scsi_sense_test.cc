// Sense parsing (fixed and descriptor format) on the sense tgt returned in
// tgt-notes.md and on descriptor-format examples, and the sense table.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <tuple>

#include "devices/scsi/sense.h"
#include "scsi_test_util.h"

namespace openrsm::devices::scsi {
namespace {

using testing::ForEachPrefix;
using testing::Hex;

// tgt, fixed format, 18 bytes: ILLEGAL REQUEST 3B/0E (sg_decode_sense in tgt-notes.md).
const char* kSourceEmpty = "70 00 05 00 00 00 00 0a 00 00 00 00 3b 0e 00 00 00 00";

SenseData Parse(const std::vector<uint8_t>& b) {
  auto r = ParseSense(b);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : SenseData{};
}

TEST(ScsiSense, TgtFixedFormat) {
  const SenseData s = Parse(Hex(kSourceEmpty));
  EXPECT_EQ(s.response_code, 0x70);
  EXPECT_FALSE(s.descriptor_format);
  EXPECT_FALSE(s.deferred);
  EXPECT_EQ(s.key, SenseKey::kIllegalRequest);
  EXPECT_EQ(s.asc, 0x3B);
  EXPECT_EQ(s.ascq, 0x0E);
  EXPECT_FALSE(s.information_valid);
  EXPECT_FALSE(s.sense_key_specific.has_value());
  EXPECT_EQ(DescribeSense(s), "ILLEGAL REQUEST, ASC/ASCQ 3B/0E (medium source element empty)");
}

TEST(ScsiSense, TgtTapeReadSense) {
  // READ at a filemark: NO SENSE + FILEMARK, 00/01, INFORMATION = residual 65536.
  SenseData fm = Parse(Hex("F0 00 80 00 01 00 00 0a 00 00 00 00 00 01 00 00 00 00"));
  EXPECT_TRUE(fm.filemark);
  EXPECT_TRUE(fm.information_valid);
  EXPECT_EQ(fm.Residual(), 65536);
  EXPECT_EQ(ClassifySense(fm).action, SenseAction::kNone);
  // End of data on tgt: BLANK CHECK + EOM with ASC 00/00.
  SenseData eod = Parse(Hex("F0 00 48 00 00 00 01 0a 00 00 00 00 00 00 00 00 00 00"));
  EXPECT_EQ(eod.key, SenseKey::kBlankCheck);
  EXPECT_TRUE(eod.eom);
  EXPECT_EQ(ClassifySense(eod).error, err::kNoData);
  // Short read of a 64 KiB block with 128 KiB asked: ILI, negative residual.
  SenseData ili = Parse(Hex("F0 00 20 FF FF 00 00 0a 00 00 00 00 00 00 00 00 00 00"));
  EXPECT_TRUE(ili.ili);
  EXPECT_EQ(ili.Residual(), -65536);
  EXPECT_EQ(DescribeSense(ili), "NO SENSE, ASC/ASCQ 00/00, ILI, INFORMATION -65536");
}

TEST(ScsiSense, FixedWithSenseKeySpecificAndDeferred) {
  // ILLEGAL REQUEST 24/00, SKSV: C/D=1, field pointer byte 2 (a real library's MOVE MEDIUM).
  SenseData s = Parse(Hex("71 00 05 00 00 00 00 0a 00 00 00 00 24 00 00 c0 00 02"));
  EXPECT_TRUE(s.deferred);
  ASSERT_TRUE(s.sense_key_specific.has_value());
  EXPECT_EQ(*s.sense_key_specific, 0xC00002u);
  // ADDITIONAL SENSE LENGTH 4: ASC/ASCQ are beyond it and not decoded.
  SenseData cut = Parse(Hex("70 00 06 00 00 00 00 04 00 00 00 00 29 00 00 00 00 00"));
  EXPECT_EQ(cut.key, SenseKey::kUnitAttention);
  EXPECT_EQ(cut.asc, 0);
}

TEST(ScsiSense, DescriptorFormat) {
  // NOT READY 04/01, with an information descriptor (VALID) and a stream
  // commands descriptor (FILEMARK|EOM), and an unknown descriptor skipped.
  SenseData s =
      Parse(Hex("72 02 04 01 00 00 00 1e"
                "00 0a 80 00 00 00 00 00 00 00 12 34"
                "80 04 01 02 03 04"
                "04 02 00 c0"
                "02 06 00 00 80 00 10 00"));
  EXPECT_TRUE(s.descriptor_format);
  EXPECT_EQ(s.key, SenseKey::kNotReady);
  EXPECT_EQ(s.asc, 0x04);
  EXPECT_EQ(s.ascq, 0x01);
  EXPECT_TRUE(s.information_valid);
  EXPECT_EQ(s.information, 0x1234u);
  EXPECT_TRUE(s.filemark);
  EXPECT_TRUE(s.eom);
  EXPECT_FALSE(s.ili);
  ASSERT_TRUE(s.sense_key_specific.has_value());
  EXPECT_EQ(*s.sense_key_specific, 0x800010u);
  EXPECT_EQ(ClassifySense(s).action, SenseAction::kWaitBecomingReady);

  // Deferred (73h), header only: UNIT ATTENTION 29/00.
  SenseData d = Parse(Hex("73 06 29 00 00 00 00 00"));
  EXPECT_TRUE(d.deferred);
  EXPECT_EQ(d.key, SenseKey::kUnitAttention);
  EXPECT_EQ(d.asc, 0x29);
  // Negative residual in an 8-byte information field.
  SenseData ili = Parse(Hex("72 00 00 00 00 00 00 10 00 0a 80 00 ff ff ff ff ff ff ff f0 05 02 00 20"));
  EXPECT_TRUE(ili.ili);
  EXPECT_EQ(ili.Residual(), -16);
}

TEST(ScsiSense, Malformed) {
  EXPECT_EQ(ParseSense({}).status().code(), err::kBadFormat);
  EXPECT_EQ(ParseSense(Hex("7F 00 05")).status().code(), err::kBadFormat);  // vendor specific
  EXPECT_EQ(ParseSense(Hex("00 00 00 00")).status().code(), err::kBadFormat);
  EXPECT_EQ(ParseSense(Hex("70 00")).status().code(), err::kBadFormat);
  EXPECT_EQ(ParseSense(Hex("72")).status().code(), err::kBadFormat);
  // A descriptor longer than the data is ignored.
  SenseData s = Parse(Hex("72 05 24 00 00 00 00 20 00 0a 80 00"));
  EXPECT_FALSE(s.information_valid);
  EXPECT_EQ(s.asc, 0x24);
}

TEST(ScsiSense, EveryPrefix) {
  const std::vector<std::vector<uint8_t>> all = {
      Hex(kSourceEmpty),
      Hex("F0 00 20 FF FF 00 00 0a 00 00 00 00 00 00 00 00 00 00"),
      Hex("72 02 04 01 00 00 00 18 00 0a 80 00 00 00 00 00 00 00 12 34 04 02 00 c0 02 06 00 00 80 00 10 00"),
  };
  for (const auto& full : all) {
    ForEachPrefix(full, [&](std::span<const uint8_t> p) {
      auto r = ParseSense(p);
      const size_t need = full[0] == 0x72 ? 2 : 3;
      EXPECT_EQ(r.ok(), p.size() >= need) << p.size();
    });
  }
}

struct Case {
  uint8_t key, asc, ascq;
  uint32_t error;
  SenseAction action;
  bool rescan;
};

TEST(ScsiSenseTable, IssueCases) {
  const Case cases[] = {
      // UNIT ATTENTION: retried; the inventory may have changed.
      {0x6, 0x29, 0x00, err::kDeviceNotAvailable, SenseAction::kRetryNow, true},
      {0x6, 0x29, 0x03, err::kDeviceNotAvailable, SenseAction::kRetryNow, true},
      {0x6, 0x28, 0x00, err::kDeviceNotAvailable, SenseAction::kRetryNow, true},
      {0x6, 0x28, 0x01, err::kDeviceNotAvailable, SenseAction::kRetryNow, true},
      {0x6, 0x2A, 0x01, err::kDeviceNotAvailable, SenseAction::kRetryNow, false},
      {0x6, 0x99, 0x99, err::kDeviceNotAvailable, SenseAction::kRetryNow, true},
      // NOT READY.
      {0x2, 0x04, 0x01, err::kNotReady, SenseAction::kWaitBecomingReady, false},
      {0x2, 0x04, 0x07, err::kNotReady, SenseAction::kWaitBecomingReady, false},
      {0x2, 0x04, 0x00, err::kNotReady, SenseAction::kRetryLater, false},
      {0x2, 0x04, 0x03, err::kDeviceNotAvailable, SenseAction::kOperatorRequest, false},
      {0x2, 0x04, 0x12, err::kDeviceNotAvailable, SenseAction::kOffline, false},
      {0x2, 0x3A, 0x00, err::kEmpty, SenseAction::kFail, false},
      {0x2, 0x30, 0x03, err::kCleanerCartridgeInstalled, SenseAction::kFail, false},
      // What tgt returns (tgt-notes.md "Sense codes observed").
      {0x5, 0x3B, 0x0D, err::kNotEmpty, SenseAction::kFail, true},
      {0x5, 0x3B, 0x0E, err::kEmpty, SenseAction::kFail, true},
      {0x5, 0x24, 0x00, err::kInvalidParameter, SenseAction::kFail, false},
      {0x5, 0x53, 0x02, err::kInvalidState, SenseAction::kFail, false},
      {0x4, 0x15, 0x01, err::kUnableToLoadMedium, SenseAction::kOperatorRequest, true},
      {0x5, 0x20, 0x00, err::kNotSupported, SenseAction::kFail, false},
      // Other keys.
      {0x5, 0x21, 0x01, err::kInvalidParameter, SenseAction::kFail, false},
      {0x5, 0x25, 0x00, err::kDeviceNotAvailable, SenseAction::kOffline, false},
      {0x4, 0x44, 0x00, err::kDeviceNotAvailable, SenseAction::kOffline, true},
      {0x4, 0x00, 0x00, err::kDeviceNotAvailable, SenseAction::kOffline, true},
      {0x3, 0x53, 0x00, err::kUnableToLoadMedium, SenseAction::kOperatorRequest, true},
      {0x3, 0x30, 0x01, err::kUnrecognizedMedia, SenseAction::kFail, false},
      {0x7, 0x27, 0x00, err::kWriteProtect, SenseAction::kFail, false},
      {0x8, 0x00, 0x05, err::kNoData, SenseAction::kFail, false},
      {0xB, 0x47, 0x00, err::kDeviceNotAvailable, SenseAction::kRetryNow, false},
      {0xB, 0x00, 0x00, err::kDeviceNotAvailable, SenseAction::kRetryLater, false},
      {0x0, 0x00, 0x00, err::kSuccess, SenseAction::kNone, false},
      {0x1, 0x17, 0x01, err::kSuccess, SenseAction::kNone, false},
      {0xD, 0x00, 0x02, err::kDeviceNotAvailable, SenseAction::kFail, false},
  };
  for (const Case& c : cases) {
    const SenseVerdict v = ClassifySense(static_cast<SenseKey>(c.key), c.asc, c.ascq);
    SCOPED_TRACE(::testing::Message() << std::hex << int(c.key) << "/" << int(c.asc) << "/" << int(c.ascq));
    EXPECT_EQ(v.error, c.error) << ErrorName(v.error);
    EXPECT_EQ(v.action, c.action) << SenseActionName(v.action);
    EXPECT_EQ(v.rescan, c.rescan);
    EXPECT_FALSE(v.text.empty());
  }
}

TEST(ScsiSenseTable, WellFormed) {
  std::set<std::tuple<int, int, int>> seen;
  for (const SenseRule& r : SenseRules()) {
    EXPECT_TRUE(seen.insert({r.key, r.asc, r.ascq}).second) << "duplicate rule " << r.text;
    EXPECT_EQ(r.error == err::kSuccess, r.action == SenseAction::kNone) << r.text;
    const std::string name = ErrorName(r.error);
    ASSERT_GT(name.size(), 6u);
    EXPECT_FALSE(std::isdigit(static_cast<unsigned char>(name[6]))) << "unnamed code " << r.error;
  }
  // Every sense key has a default.
  for (int k = 0; k < 16; ++k) {
    EXPECT_TRUE(seen.count({k, -1, -1})) << "no default for sense key " << k;
  }
}

TEST(ScsiSenseTable, StatusMessage) {
  const Status st = SenseStatus(Parse(Hex(kSourceEmpty)), "MOVE MEDIUM 1028->257");
  EXPECT_EQ(st.code(), err::kEmpty);
  EXPECT_EQ(st.message(), "MOVE MEDIUM 1028->257: ILLEGAL REQUEST, ASC/ASCQ 3B/0E (medium source element empty)");
  EXPECT_TRUE(SenseStatus(Parse(Hex("70 00 00 00 00 00 00 0a 00 00 00 00 00 00 00 00 00 00")), "TUR").ok());
  // An ASC no rule names: key only.
  EXPECT_EQ(DescribeSense(Parse(Hex("70 00 04 00 00 00 00 0a 00 00 00 00 81 02 00 00 00 00"))),
            "HARDWARE ERROR, ASC/ASCQ 81/02");
}

}  // namespace
}  // namespace openrsm::devices::scsi
