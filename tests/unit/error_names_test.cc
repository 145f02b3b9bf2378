// The one Win32 error table (src/common/status.cc) covers every error code
// include/ntmsapi.h defines, with the header's name and a meaning.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "common/status.h"

namespace openrsm {
namespace {

TEST(ErrorNames, EveryHeaderCodeHasItsNameAndAMeaning) {
  std::ifstream f(std::string(OPENRSM_SOURCE_DIR) + "/include/ntmsapi.h");
  ASSERT_TRUE(f.good());
  const std::regex def(R"(^#define ((?:ERROR|RPC_S)_[A-Z_]+) (\d+)\s*$)");
  std::string line;
  int n = 0;
  std::set<uint32_t> seen;
  while (std::getline(f, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, def)) continue;
    const auto code = static_cast<uint32_t>(std::stoul(m[2]));
    ++n;
    EXPECT_EQ(ErrorName(code), m[1].str()) << line;
    EXPECT_NE(ErrorMeaning(code), "unknown error") << line;
    seen.insert(code);
  }
  EXPECT_GE(n, 70);
  EXPECT_EQ(seen.size(), static_cast<size_t>(n)) << "two names for one value in the header";
}

TEST(ErrorNames, UnknownCodesStillPrintTheirNumber) {
  EXPECT_EQ(ErrorName(4399), "ERROR_4399");
  EXPECT_EQ(ErrorMeaning(4399), "unknown error");
}

}  // namespace
}  // namespace openrsm
