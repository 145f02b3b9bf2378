// The rsm CLI (tools/rsm) against a private rsmd: output formats, name
// lookup, exit codes (0 ok, 1 API error, 2 usage error) and --socket.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DaemonOptions opts;
    opts.standalone_library = false;
    d_ = std::make_unique<Daemon>(opts);
    d_->Start();
  }

  // Runs rsm with `args` (RSM_SOCKET points at the daemon unless `env` says
  // otherwise) and captures its exit code, stdout and stderr.
  CliResult Rsm(const std::vector<std::string>& args, const std::string& env = "") {
    std::string err_file = d_->dir() + "/rsm.stderr";
    std::string cmd = env + " " + Quote(RSM_PATH);
    for (const auto& a : args) cmd += " " + Quote(a);
    cmd += " 2>" + Quote(err_file);
    CliResult r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream f(err_file);
    std::stringstream ss;
    ss << f.rdbuf();
    r.err = ss.str();
    return r;
  }

  nlohmann::json Json(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--json"};
    all.insert(all.end(), args.begin(), args.end());
    CliResult r = Rsm(all);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  std::unique_ptr<Daemon> d_;
};

TEST_F(CliTest, LibraryListShowsTheSimulatedLibrary) {
  auto libs = Json({"library", "list"});
  ASSERT_TRUE(libs.is_array());
  ASSERT_EQ(libs.size(), 1u);
  EXPECT_EQ(libs[0]["name"], "sim0");
  EXPECT_EQ(libs[0]["type_name"], "online");
  EXPECT_EQ(libs[0]["state_name"], "ready");
  EXPECT_EQ(libs[0]["drives"], 2);
  EXPECT_EQ(libs[0]["slots"], 20);
  EXPECT_EQ(libs[0]["guid"].get<std::string>().size(), 36u);

  CliResult table = Rsm({"library", "list"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_EQ(table.out.rfind("NAME", 0), 0u) << table.out;
  EXPECT_NE(table.out.find("sim0"), std::string::npos);
}

TEST_F(CliTest, MountByBarcodeInANumberedDriveThenDismountTheDrive) {
  CliResult m = Rsm({"media", "mount", "A00002L6", "--drive", "sim0:1", "--timeout", "30"});
  ASSERT_EQ(m.exit_code, 0) << m.err << d_->log();
  EXPECT_EQ(m.out, "sim0 drive 1\n");

  auto drives = Json({"drive", "list", "--library", "sim0"});
  ASSERT_EQ(drives.size(), 2u);
  EXPECT_EQ(drives[1]["name"], "sim0 drive 1");
  EXPECT_EQ(drives[1]["media"], "A00002L6");
  EXPECT_TRUE(drives[0]["media"].is_null());

  auto media = Json({"media", "list"});
  for (const auto& m2 : media) {
    if (m2["barcode"] != "A00002L6") continue;
    EXPECT_EQ(m2["location_type_name"], "drive");
    EXPECT_EQ(m2["location"], "sim0 drive 1");
  }

  CliResult dm = Rsm({"drive", "dismount", "sim0 drive 1"});
  ASSERT_EQ(dm.exit_code, 0) << dm.err;
  auto slots = Json({"slot", "list", "--library", "sim0"});
  bool home = false;
  for (const auto& s : slots)
    if (s["media"] == "A00002L6") home = s["state_name"] == "full";
  EXPECT_TRUE(home) << slots.dump(2);

  auto requests = Json({"request", "list"});
  std::vector<std::string> ops;
  for (const auto& q : requests) {
    ops.push_back(q["operation_name"]);
    EXPECT_EQ(q["state_name"], "completed");
    EXPECT_EQ(q["application"], "rsm");
    // Only a device that made the request wait reports progress (sim: none).
    ASSERT_TRUE(q.contains("progress")) << q.dump();
    EXPECT_TRUE(q["progress"].is_null()) << q.dump();
  }
  EXPECT_NE(std::find(ops.begin(), ops.end(), "mount"), ops.end());
  EXPECT_NE(std::find(ops.begin(), ops.end(), "dismount"), ops.end());
}

TEST_F(CliTest, MediaDismountWaitsUntilTheCartridgeIsHome) {
  ASSERT_EQ(Rsm({"media", "mount", "A00001L6"}).exit_code, 0);
  CliResult r = Rsm({"media", "dismount", "A00001L6"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& m : Json({"media", "list"})) {
    if (m["barcode"] == "A00001L6") {
      EXPECT_EQ(m["location_type_name"], "slot");
    }
  }
}

TEST_F(CliTest, UnknownNamesAreUsageErrors) {
  CliResult r = Rsm({"drive", "dismount", "no such drive"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown drive"), std::string::npos) << r.err;
  EXPECT_EQ(Rsm({"media", "mount", "ZZZ999"}).exit_code, 2);
  EXPECT_EQ(Rsm({"drive", "enable", "sim0:9"}).exit_code, 2);
  EXPECT_EQ(Rsm({"library", "inventory", "00000000-0000-0000-0000-000000000001"}).exit_code, 2);
  EXPECT_EQ(Rsm({"drive", "frobnicate"}).exit_code, 2);
}

TEST_F(CliTest, ApiErrorsNameTheWin32Code) {
  // The drive is empty: DismountNtmsDrive answers ERROR_INVALID_STATE.
  CliResult r = Rsm({"drive", "dismount", "sim0:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("rsm: DismountNtmsDrive: ERROR_INVALID_STATE (5023): "), std::string::npos) << r.err;

  CliResult j = Rsm({"--json", "drive", "dismount", "sim0:0"});
  EXPECT_EQ(j.exit_code, 1);
  auto e = nlohmann::json::parse(j.out, nullptr, false);
  EXPECT_EQ(e["error"], "ERROR_INVALID_STATE");
  EXPECT_EQ(e["code"], 5023);
}

TEST_F(CliTest, SocketOptionOverridesTheEnvironment) {
  CliResult bad = Rsm({"library", "list"}, "RSM_SOCKET=" + Quote(d_->dir() + "/nothing.sock"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("ERROR_NOT_CONNECTED"), std::string::npos) << bad.err;
  CliResult good =
      Rsm({"--socket", d_->socket(), "library", "list"}, "RSM_SOCKET=" + Quote(d_->dir() + "/nothing.sock"));
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

TEST_F(CliTest, DisableAndEnableADrive) {
  ASSERT_EQ(Rsm({"drive", "disable", "sim0:0"}).exit_code, 0);
  EXPECT_EQ(Json({"drive", "list"})[0]["enabled"], false);
  // A second disable is refused by the API.
  EXPECT_EQ(Rsm({"drive", "disable", "sim0 drive 0"}).exit_code, 1);
  ASSERT_EQ(Rsm({"drive", "enable", "SIM0 DRIVE 0"}).exit_code, 0);
  EXPECT_EQ(Json({"drive", "list"})[0]["enabled"], true);
}

}  // namespace
}  // namespace openrsm::apitest
