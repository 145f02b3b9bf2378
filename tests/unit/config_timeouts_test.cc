// [library.timeouts]: per-command SCSI timeout overrides from the config file
// down to the options a library's devices run with.
#include <gtest/gtest.h>

#include "common/config.h"
#include "devices/scsi/scsi_library.h"

namespace openrsm {
namespace {

using namespace std::chrono_literals;
using devices::scsi::Command;

constexpr const char* kIscsi = R"(
[[library]]
name = "vtl"
kind = "iscsi"
changer = "iscsi://127.0.0.1:3260/iqn.x:vtl/3"
drives = ["iscsi://127.0.0.1:3260/iqn.x:vtl/1"]
)";

TEST(ConfigTimeouts, OverridesReachTheTimeoutTable) {
  auto c = ParseConfig(std::string(kIscsi) + "[library.timeouts]\nmove_medium = 900\nbecoming_ready = 7200\n", "t");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->libraries.size(), 1u);
  EXPECT_EQ(c->libraries[0].timeouts.at("move_medium"), 900);
  auto o = devices::scsi::OptionsFor(c->libraries[0]);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->device.timeouts.For(Command::kMoveMedium), 900s);
  EXPECT_EQ(o->device.timeouts.For(Command::kBecomingReady), 7200s);
  // Untouched entries keep their defaults.
  EXPECT_EQ(o->device.timeouts.For(Command::kWriteFilemarks),
            devices::scsi::TimeoutTable::Default(Command::kWriteFilemarks));
}

TEST(ConfigTimeouts, NoTableMeansDefaults) {
  auto c = ParseConfig(kIscsi, "t");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto o = devices::scsi::OptionsFor(c->libraries[0]);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->device.timeouts.For(Command::kMoveMedium), devices::scsi::TimeoutTable::Default(Command::kMoveMedium));
}

TEST(ConfigTimeouts, BadValuesAreRejectedNamingTheKey) {
  for (const char* bad : {"move_medium = 0", "move_medium = -5", "move_medium = \"10\"", "move_medium = 1.5",
                          "move_medium = 99999999999"}) {
    auto c = ParseConfig(std::string(kIscsi) + "[library.timeouts]\n" + bad + "\n", "cfg.toml");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.status().code(), err::kInvalidParameter);
    EXPECT_NE(c.status().message().find("timeouts.move_medium"), std::string::npos) << c.status().message();
  }
  auto notable = ParseConfig(std::string(kIscsi) + "timeouts = 5\n", "cfg.toml");
  EXPECT_FALSE(notable.ok());
}

TEST(ConfigTimeouts, UnknownCommandNameIsRefusedWhenTheConfigIsRead) {
  auto c = ParseConfig(std::string(kIscsi) + "[library.timeouts]\nmove_meduim = 900\n", "t");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), err::kInvalidParameter);
  EXPECT_NE(c.status().message().find("t:8: unknown key 'timeouts.move_meduim'"), std::string::npos)
      << c.status().message();
}

TEST(ConfigTimeouts, UnknownCommandNameIsAlsoRefusedWhenTheLibraryIsOpened) {
  // A LibraryConfig built in code (not read from a file) is checked again.
  auto c = ParseConfig(kIscsi, "t");
  ASSERT_TRUE(c.ok());
  LibraryConfig lib = c->libraries[0];
  lib.timeouts["move_meduim"] = 900;
  auto o = devices::scsi::OptionsFor(lib);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), err::kInvalidParameter);
  EXPECT_NE(o.status().message().find("move_meduim"), std::string::npos) << o.status().message();
  EXPECT_NE(o.status().message().find("vtl"), std::string::npos) << o.status().message();
}

TEST(ConfigTimeouts, SimLibrariesHaveNoScsiTimeouts) {
  auto c = ParseConfig("[[library]]\nname = \"s\"\nkind = \"sim\"\n[library.timeouts]\nmove_medium = 5\n", "t");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("timeouts"), std::string::npos);
}

}  // namespace
}  // namespace openrsm
