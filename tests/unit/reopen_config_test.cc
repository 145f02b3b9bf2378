// reopen_seconds ([[library]], iscsi and sg) and the reopen backoff steps
// (LibraryWorker::NextReopenDelayMs; the behaviour is tested against tgt in
// tests/api/reopen_test.cc).
#include <gtest/gtest.h>

#include "common/config.h"
#include "service/worker.h"

namespace openrsm {
namespace {

constexpr const char* kIscsi = R"(
[[library]]
name = "vtl"
kind = "iscsi"
changer = "iscsi://127.0.0.1:3260/iqn.x:vtl/3"
drives = ["iscsi://127.0.0.1:3260/iqn.x:vtl/1"]
)";

TEST(ReopenConfig, DefaultIsSixtySeconds) {
  auto c = ParseConfig(kIscsi, "t");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->libraries[0].reopen_seconds, 60u);
}

TEST(ReopenConfig, ReadFromTheLibraryTable) {
  auto c = ParseConfig(std::string(kIscsi) + "reopen_seconds = 0\n", "t");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->libraries[0].reopen_seconds, 0u);
  c = ParseConfig(std::string(kIscsi) + "reopen_seconds = 300\n", "t");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->libraries[0].reopen_seconds, 300u);
}

TEST(ReopenConfig, RejectedForSimAndBadValues) {
  auto c = ParseConfig("[[library]]\nname = \"s\"\nkind = \"sim\"\nreopen_seconds = 5\n", "t");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), err::kInvalidParameter);
  EXPECT_NE(c.status().message().find("reopen_seconds"), std::string::npos) << c.status().message();
  EXPECT_FALSE(ParseConfig(std::string(kIscsi) + "reopen_seconds = \"x\"\n", "t").ok());
  EXPECT_FALSE(ParseConfig(std::string(kIscsi) + "reopen_seconds = -1\n", "t").ok());
}

TEST(ReopenBackoff, FiveSecondsThenDoublingUpToTheMaximum) {
  using W = service::LibraryWorker;
  int64_t d = W::NextReopenDelayMs(0, 60'000);
  std::vector<int64_t> steps;
  for (int i = 0; i < 7; ++i) {
    steps.push_back(d);
    d = W::NextReopenDelayMs(d, 60'000);
  }
  EXPECT_EQ(steps, (std::vector<int64_t>{5'000, 10'000, 20'000, 40'000, 60'000, 60'000, 60'000}));
  // A maximum below 5 s is also the first step.
  EXPECT_EQ(W::NextReopenDelayMs(0, 2'000), 2'000);
  EXPECT_EQ(W::NextReopenDelayMs(2'000, 2'000), 2'000);
}

}  // namespace
}  // namespace openrsm
