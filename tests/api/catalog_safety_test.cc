// The catalogue is never silently lost (docs/catalog.md "Safety"): a
// catalogue file deleted under a running rsmd stops writes at once with
// ERROR_DATABASE_FAILURE and a log line saying what to do; a restarted rsmd
// refuses to start on what is left; `rsmd --restore-catalog` with the rescue
// copy brings back the same library and cartridge GUIDs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Rescued(const Daemon& d) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(d.state_dir() + "/backup", ec))
    if (e.path().filename().string().starts_with("catalog-rescued-")) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

using CatalogSafetyTest = DaemonTest;

TEST_F(CatalogSafetyTest, DeletedWalStopsWritesAndRestoreKeepsGuids) {
  const NTMS_GUID lib = lib_, media = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID drive = drives_[1];
  const std::string wal = d_->catalog_path() + "-wal";
  ASSERT_TRUE(fs::exists(wal));
  ASSERT_EQ(::unlink(wal.c_str()), 0);

  // The next write through the C API is refused; nothing is written.
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drive), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_TRUE(d_->Running()) << "rsmd stays up";
  EXPECT_TRUE(Info(h_, drive).Enabled) << "reads still work, and the drive was not disabled";
  EXPECT_TRUE(SameGuid(LibraryId(h_, "sim0"), lib));
  std::string log = d_->log();
  EXPECT_NE(log.find("CATALOGUE FILE LOST"), std::string::npos) << log;
  EXPECT_NE(log.find(wal + " was deleted"), std::string::npos) << log;
  EXPECT_NE(log.find("--restore-catalog"), std::string::npos) << log;

  CloseNtmsSession(h_);
  h_ = nullptr;
  d_->Stop();

  // A restart is refused while the marker is there.
  std::string out;
  int rc = RunRsmd(*d_, {}, &out);
  EXPECT_GT(rc, 0) << "rsmd must exit with an error, not serve (rc " << rc << "):\n" << out;
  EXPECT_NE(out.find("catalog.damaged"), std::string::npos) << out;
  EXPECT_NE(out.find("--restore-catalog"), std::string::npos) << out;

  auto rescued = Rescued(*d_);
  ASSERT_EQ(rescued.size(), 1u);
  ASSERT_EQ(RunRsmd(*d_, {"--restore-catalog", rescued[0]}, &out), 0) << out;
  EXPECT_NE(out.find("restored"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(d_->state_dir() + "/catalog.damaged"));

  d_->Start();
  h_ = Open();
  EXPECT_TRUE(SameGuid(LibraryId(h_, "sim0"), lib)) << "the library keeps its GUID";
  EXPECT_TRUE(SameGuid(MediaByBarcode(h_, "A00002L6"), media)) << "the cartridge keeps its GUID";
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drive), DWORD(ERROR_SUCCESS)) << d_->log();
  EXPECT_EQ(EnableNtmsObject(h_, NTMS_DRIVE, &drive), DWORD(ERROR_SUCCESS));
}

TEST_F(CatalogSafetyTest, RestoreOfABadFileChangesNothing) {
  const NTMS_GUID lib = lib_;
  CloseNtmsSession(h_);
  h_ = nullptr;
  d_->Stop();
  const std::string bad = d_->dir() + "/not-a-catalogue.db";
  FILE* f = fopen(bad.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("this is not a database", f);
  fclose(f);
  std::string out;
  EXPECT_EQ(RunRsmd(*d_, {"--restore-catalog", bad}, &out), 1) << out;
  EXPECT_NE(out.find("restore failed"), std::string::npos) << out;
  d_->Start();
  h_ = Open();
  EXPECT_TRUE(SameGuid(LibraryId(h_, "sim0"), lib));
}

}  // namespace
}  // namespace openrsm::apitest
