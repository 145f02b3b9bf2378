// Runs tests/tgt/rsmd_e2e.sh (rsmd with kind = "iscsi" libraries on vtl.sh's
// tgtd, driven through the rsm CLI) inside the tgt_tests fixture, so CI runs
// it with `ctest -L tgt`. rsmd and rsm are found next to this binary's
// directory (the build tree's top level).
#include <gtest/gtest.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "tests/support/shell.h"
#include "tests/support/vtl.h"

namespace {

std::string Dir(const std::string& path) { return path.substr(0, path.rfind('/')); }

TEST(RsmdE2e, IscsiLibraryThroughTheCli) {
  char self[PATH_MAX] = {0};
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  ASSERT_GT(n, 0);
  const std::string bin = Dir(Dir(self));  // <build>/tests/tgt_tests -> <build>
  if (access((bin + "/rsmd").c_str(), X_OK) != 0 || access((bin + "/rsm").c_str(), X_OK) != 0)
    GTEST_SKIP() << "rsmd/rsm not built in " << bin;
  using openrsm::test_support::ShellQuote;
  std::string cmd = "VTL_DIR=" + ShellQuote(openrsm::test_support::VtlDir()) +
                    " VTL_PORT=" + ShellQuote(openrsm::test_support::VtlPort()) + " bash " +
                    ShellQuote(Dir(openrsm::test_support::VtlSh()) + "/rsmd_e2e.sh") + " " + ShellQuote(bin);
  EXPECT_EQ(openrsm::test_support::ShellStatus(cmd), 0) << cmd;
}

}  // namespace
