// The per-command timeout table: defaults, CDB classification, overrides.
#include <gtest/gtest.h>

#include "devices/scsi/cdb.h"
#include "devices/scsi/timeouts.h"

namespace openrsm::devices::scsi {
namespace {

using namespace std::chrono_literals;

TEST(ScsiTimeouts, Defaults) {
  const TimeoutTable t;
  EXPECT_EQ(t.For(Command::kMoveMedium), 15min);
  EXPECT_EQ(t.For(Command::kInitializeElementStatus), 2h);
  EXPECT_EQ(t.For(Command::kLoad), 2h);
  EXPECT_EQ(t.For(Command::kWriteFilemarks), 1680s);
  EXPECT_EQ(t.For(Command::kRewind), 2h);
  EXPECT_EQ(t.For(Command::kTestUnitReady), 1min);
  EXPECT_EQ(t.For(Command::kBecomingReady), 2h);
  for (int i = 0; i < static_cast<int>(Command::kCount_); ++i) {
    const auto c = static_cast<Command>(i);
    EXPECT_GT(t.For(c).count(), 0) << CommandName(c);
    EXPECT_EQ(t.For(c), TimeoutTable::Default(c));
    auto back = CommandFromName(CommandName(c));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, c);
  }
}

TEST(ScsiTimeouts, ClassifyCdb) {
  const TimeoutTable t;
  EXPECT_EQ(ClassifyCdb(MoveMedium(1, 1024, 256), kPdtMediumChanger), Command::kMoveMedium);
  EXPECT_EQ(ClassifyCdb(ReadElementStatus({}), kPdtMediumChanger), Command::kReadElementStatus);
  EXPECT_EQ(ClassifyCdb(InitializeElementStatusWithRange(1, 2), kPdtMediumChanger), Command::kInitializeElementStatus);
  EXPECT_EQ(ClassifyCdb(Load(), kPdtSequentialAccess), Command::kLoad);
  EXPECT_EQ(ClassifyCdb(Unload(), kPdtSequentialAccess), Command::kUnload);
  EXPECT_EQ(ClassifyCdb(Load(), kPdtMediumChanger), Command::kOpenCloseImportExport);
  const uint8_t locate10[10] = {0x2B};
  EXPECT_EQ(ClassifyCdb(locate10, kPdtSequentialAccess), Command::kLocate);
  EXPECT_EQ(ClassifyCdb(locate10, kPdtMediumChanger), Command::kPositionToElement);
  EXPECT_EQ(ClassifyCdb(ReadPosition(), kPdtSequentialAccess), Command::kReadPosition);
  EXPECT_EQ(ClassifyCdb(Rewind(), kPdtSequentialAccess), Command::kRewind);
  const uint8_t wfm[6] = {0x10, 0, 0, 0, 1, 0};
  EXPECT_EQ(t.ForCdb(wfm, kPdtSequentialAccess), 1680s);
  const uint8_t unknown[6] = {0xC5};
  EXPECT_EQ(ClassifyCdb(unknown, kPdtSequentialAccess), Command::kOther);
  EXPECT_EQ(ClassifyCdb({}, kPdtSequentialAccess), Command::kOther);
  EXPECT_EQ(t.ForCdb(TestUnitReady(), kPdtMediumChanger), 1min);
}

TEST(ScsiTimeouts, Overrides) {
  auto t = TimeoutTable::WithOverrides({{"move_medium", 30s}, {"load", 3h}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->For(Command::kMoveMedium), 30s);
  EXPECT_EQ(t->For(Command::kLoad), 3h);
  EXPECT_EQ(t->For(Command::kRewind), 2h);

  auto bad = TimeoutTable::WithOverrides({{"move_mediun", 30s}});
  EXPECT_EQ(bad.status().code(), err::kInvalidParameter);
  EXPECT_NE(bad.status().message().find("move_mediun"), std::string::npos);
  EXPECT_EQ(TimeoutTable::WithOverrides({{"rewind", 0s}}).status().code(), err::kInvalidParameter);
}

}  // namespace
}  // namespace openrsm::devices::scsi
