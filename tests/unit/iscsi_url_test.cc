#include <gtest/gtest.h>

#include "devices/scsi/iscsi_transport.h"
#include "devices/scsi/transport.h"

namespace openrsm::devices::scsi {
namespace {

TEST(IscsiUrl, ParsesHostPortTargetLun) {
  auto u = ParseIscsiUrl("iscsi://127.0.0.1:3261/iqn.2024-01.test.rsm:vtl/3");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 3261);
  EXPECT_EQ(u->target, "iqn.2024-01.test.rsm:vtl");
  EXPECT_EQ(u->lun, 3);
  EXPECT_EQ(u->Portal(), "127.0.0.1:3261");
  EXPECT_EQ(u->ToString(), "iscsi://127.0.0.1:3261/iqn.2024-01.test.rsm:vtl/3");
}

TEST(IscsiUrl, DefaultsPortAndDecodesTarget) {
  auto u = ParseIscsiUrl("iscsi://tapehost/iqn.x%3Ay/0");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 3260);
  EXPECT_EQ(u->target, "iqn.x:y");
  auto v6 = ParseIscsiUrl("iscsi://[::1]:3300/iqn.a/16383");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "[::1]");
  EXPECT_EQ(v6->Portal(), "[::1]:3300");
  EXPECT_EQ(v6->lun, 16383);
}

TEST(IscsiUrl, RejectsMalformedUrls) {
  for (const char* bad :
       {"", "iscsi://", "http://h/iqn/1", "iscsi://h", "iscsi://h/iqn", "iscsi://h/iqn/", "iscsi://h//1",
        "iscsi://h/iqn/x", "iscsi://h/iqn/16384", "iscsi://h/iqn/-1", "iscsi://h:0/iqn/1", "iscsi://h:70000/iqn/1",
        "iscsi://h:/iqn/1", "iscsi://:3260/iqn/1", "iscsi://user@h/iqn/1", "iscsi://h/iqn/1?x=y", "iscsi://h/iq%zzn/1",
        "iscsi://h/iqn/1/2", "iscsi://[::1/iqn/1"}) {
    auto u = ParseIscsiUrl(bad);
    EXPECT_FALSE(u.ok()) << bad;
    if (!u.ok()) {
      EXPECT_EQ(u.status().code(), err::kInvalidParameter) << bad;
    }
  }
}

TEST(ScsiCommand, ValidateChecksShape) {
  const uint8_t cdb6[6] = {};
  const uint8_t cdb17[17] = {};
  uint8_t buf[4];
  EXPECT_TRUE(ValidateCommand(ScsiCommand::None(cdb6, std::chrono::milliseconds(1))).ok());
  EXPECT_TRUE(ValidateCommand(ScsiCommand::In(cdb6, buf, std::chrono::milliseconds(1))).ok());
  EXPECT_TRUE(ValidateCommand(ScsiCommand::Out(cdb6, buf, std::chrono::milliseconds(1))).ok());
  EXPECT_FALSE(ValidateCommand(ScsiCommand::None(cdb17, std::chrono::milliseconds(1))).ok());
  EXPECT_FALSE(ValidateCommand(ScsiCommand::None(cdb6, std::chrono::milliseconds(0))).ok());
  ScsiCommand mixed = ScsiCommand::In(cdb6, buf, std::chrono::milliseconds(1));
  mixed.data_out = buf;
  EXPECT_FALSE(ValidateCommand(mixed).ok());
  EXPECT_EQ(ScsiStatusName(0x02), "CHECK CONDITION");
  EXPECT_EQ(ScsiStatusName(0x99), "STATUS 0x99");
}

}  // namespace
}  // namespace openrsm::devices::scsi
