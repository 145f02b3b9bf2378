// Runs tests/tgt/rsmd_e2e.sh (rsmd with kind = "iscsi" libraries on vtl.sh's
// tgtd, driven through the rsm CLI) inside the tgt_tests fixture, so CI runs
// it with `ctest -L tgt`. rsmd and rsm are found next to this binary's
// directory (the build tree's top level).
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace {

std::string Dir(const std::string& path) { return path.substr(0, path.rfind('/')); }

TEST(RsmdE2e, IscsiLibraryThroughTheCli) {
  char self[PATH_MAX] = {0};
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  ASSERT_GT(n, 0);
  const std::string bin = Dir(Dir(self));  // <build>/tests/tgt_tests -> <build>
  if (access((bin + "/rsmd").c_str(), X_OK) != 0 || access((bin + "/rsm").c_str(), X_OK) != 0)
    GTEST_SKIP() << "rsmd/rsm not built in " << bin;
  const char* dir = std::getenv("VTL_DIR");
  const char* port = std::getenv("VTL_PORT");
  std::string cmd = std::string("VTL_DIR='") + (dir && *dir ? dir : VTL_DEFAULT_DIR) +
                    "' VTL_PORT=" + (port && *port ? port : VTL_DEFAULT_PORT) + " bash '" + Dir(VTL_SH) +
                    "/rsmd_e2e.sh' '" + bin + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

}  // namespace
