// The rsm CLI (tools/rsm) against a private rsmd: output formats, name
// lookup, exit codes (0 ok, 1 API error, 2 usage error, 3 rsmd cannot be
// reached) and --socket; why rsmd cannot be reached; usage errors in JSON;
// unknown commands; paging of `request list`.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

using CliResult = CommandResult;
using test_support::ShellQuote;

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
  CliResult Rsm(const std::vector<std::string>& args, const std::string& env = "") { return RunRsm(*d_, args, env); }

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
  ASSERT_EQ(libs.size(), 2u);  // sim0, then the offline library
  EXPECT_EQ(libs[1]["name"], "Offline Media");
  EXPECT_EQ(libs[1]["type_name"], "offline");
  EXPECT_EQ(libs[1]["media"], 0);
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
  EXPECT_NE(table.out.find("Offline Media"), std::string::npos);
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

// Each `rsm media mount` is a session that ends with the command: the
// cartridge stays in its drive, which is dismountable. A third mount on a
// two-drive library sends the least recently used one home (SDK).
TEST_F(CliTest, ThirdMountOnTwoDrivesSendsTheOldestCartridgeHome) {
  for (const char* barcode : {"A00001L6", "A00002L6", "A00003L6"}) {
    CliResult m = Rsm({"media", "mount", barcode, "--timeout", "30"});
    ASSERT_EQ(m.exit_code, 0) << barcode << ": " << m.err << d_->log();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // distinct last-use times
  }
  std::vector<std::string> loaded;
  for (const auto& d : Json({"drive", "list", "--library", "sim0"}))
    if (!d["media"].is_null()) loaded.push_back(d["media"]);
  std::sort(loaded.begin(), loaded.end());
  EXPECT_EQ(loaded, (std::vector<std::string>{"A00002L6", "A00003L6"}));
  for (const auto& m : Json({"media", "list"}))
    if (m["barcode"] == "A00001L6") {
      EXPECT_EQ(m["location_type_name"], "slot") << m.dump();
    }
  HANDLE h = Open();
  EXPECT_EQ(CompareWithDevice(h, *d_, "sim0"), "");
  CloseNtmsSession(h);
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
  CliResult bad = Rsm({"library", "list"}, "RSM_SOCKET=" + ShellQuote(d_->dir() + "/nothing.sock"));
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("ERROR_NOT_CONNECTED"), std::string::npos) << bad.err;
  CliResult good =
      Rsm({"--socket", d_->socket(), "library", "list"}, "RSM_SOCKET=" + ShellQuote(d_->dir() + "/nothing.sock"));
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

TEST_F(CliTest, DecommissionAndDeleteACartridge) {
  CliResult d = Rsm({"media", "decommission", "A00002L6"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(d.out, "A00002L6: decommissioned\n");
  // Decommissioned once: the second is refused by the API (ERROR_INVALID_STATE).
  CliResult again = Rsm({"--json", "media", "decommission", "A00002L6"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(again.out, nullptr, false)["error"], "ERROR_INVALID_STATE");
  // Only offline media can be deleted.
  CliResult in_library = Rsm({"media", "delete", "A00003L6"});
  EXPECT_EQ(in_library.exit_code, 1);
  EXPECT_NE(in_library.err.find("DeleteNtmsMedia: ERROR_INVALID_STATE"), std::string::npos) << in_library.err;
  ASSERT_EQ(d_->Hook("sim0", "remove", 0, 0, "slot:2"), 0u);
  ASSERT_EQ(Rsm({"library", "inventory", "sim0"}).exit_code, 0);
  auto j = Json({"media", "delete", "A00003L6"});
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["operation"], "delete");
  for (const auto& m : Json({"media", "list"})) EXPECT_NE(m["barcode"], "A00003L6");
}

TEST_F(CliTest, DisableAndEnableADrive) {
  ASSERT_EQ(Rsm({"drive", "disable", "sim0:0"}).exit_code, 0);
  EXPECT_EQ(Json({"drive", "list"})[0]["enabled"], false);
  // A second disable is refused by the API.
  EXPECT_EQ(Rsm({"drive", "disable", "sim0 drive 0"}).exit_code, 1);
  ASSERT_EQ(Rsm({"drive", "enable", "SIM0 DRIVE 0"}).exit_code, 0);
  EXPECT_EQ(Json({"drive", "list"})[0]["enabled"], true);
}

// ---- rsmd cannot be reached: which of no socket, not a socket, too long,
// permission denied, connection refused (exit code 3) ------------------------------------

// Runs rsm as `uid`/`gid` (no supplementary groups) with RSM_SOCKET=`socket`.
CliResult RsmAs(uid_t uid, gid_t gid, const std::string& socket, const std::vector<std::string>& args,
                const std::string& err_file) {
  CliResult r;
  int out[2];
  if (pipe(out) != 0) return r;
  int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err, 2);
    if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(126);
    setenv("RSM_SOCKET", socket.c_str(), 1);
    std::vector<char*> argv = {const_cast<char*>(RSM_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(RSM_PATH, argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err);
  char buf[4096];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) r.out.append(buf, size_t(n));
  close(out[0]);
  int status;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream f(err_file);
  std::stringstream ss;
  ss << f.rdbuf();
  r.err = ss.str();
  return r;
}

// A Unix socket file at `path` with mode `mode`; listening when `listen_too`,
// else closed at once (nobody listens: connection refused). Returns its fd
// (-1 if closed or on failure).
int MakeSocketFile(const std::string& path, mode_t mode, bool listen_too) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ADD_FAILURE() << "cannot bind " << path;
    if (fd >= 0) close(fd);
    return -1;
  }
  chmod(path.c_str(), mode);
  if (listen_too && listen(fd, 4) == 0) return fd;
  close(fd);
  return -1;
}

class CliSocketTest : public CliTest {
 protected:
  // rsm library list (and with --json) against `socket`: both exit 3 and name
  // `reason` and `message` (a part of it) on stderr and in the JSON.
  void ExpectUnreachable(const std::string& socket, const std::string& reason, const std::string& message) {
    CliResult r = Rsm({"library", "list"}, "RSM_SOCKET=" + ShellQuote(socket));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(r.err.rfind("rsm: cannot reach rsmd: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("(OpenNtmsSession: ERROR_NOT_CONNECTED (2250))"), std::string::npos) << r.err;
    CliResult j = Rsm({"--json", "library", "list"}, "RSM_SOCKET=" + ShellQuote(socket));
    EXPECT_EQ(j.exit_code, 3);
    auto e = nlohmann::json::parse(j.out, nullptr, false);
    ASSERT_TRUE(e.is_object()) << j.out;
    EXPECT_EQ(e["error"], "ERROR_NOT_CONNECTED");
    EXPECT_EQ(e["code"], 2250);
    EXPECT_EQ(e["reason"], reason);
    EXPECT_EQ(e["socket"], socket);
    EXPECT_NE(e["message"].get<std::string>().find(message), std::string::npos) << e.dump();
  }
};

TEST_F(CliSocketTest, NoSocketAtThePath) {
  std::string path = d_->dir() + "/nothing.sock";
  ExpectUnreachable(path, "no_socket", "no socket at " + path + " (is rsmd running?");
  std::string deeper = d_->dir() + "/none/rsmd.sock";
  ExpectUnreachable(deeper, "no_socket",
                    "no socket at " + deeper + ": directory " + d_->dir() + "/none does not exist");
}

TEST_F(CliSocketTest, NotASocket) {
  std::string path = d_->dir() + "/plain";
  std::ofstream(path) << "not a socket\n";
  ExpectUnreachable(path, "not_a_socket", path + " is not a socket (it is a regular file)");
  ExpectUnreachable(d_->dir(), "not_a_socket", d_->dir() + " is not a socket (it is a directory)");
}

TEST_F(CliSocketTest, PathTooLongForAUnixSocket) {
  std::string path = d_->dir() + "/" + std::string(120, 'x') + ".sock";
  ExpectUnreachable(
      path, "path_too_long",
      "the socket path is " + std::to_string(path.size()) + " bytes long; a Unix socket path has at most 107: " + path);
}

TEST_F(CliSocketTest, ConnectionRefusedWhenNobodyListens) {
  std::string path = d_->dir() + "/stale.sock";
  MakeSocketFile(path, 0666, /*listen_too=*/false);
  ExpectUnreachable(path, "connection_refused",
                    "connection refused at " + path + ": the socket exists but no rsmd is listening");
}

TEST_F(CliSocketTest, PermissionDeniedOnADirectoryOnTheWay) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (runs rsm as uid 65534)";
  // rsmd's own socket, in a directory only root may search.
  ASSERT_EQ(chmod(d_->dir().c_str(), 0700), 0);
  CliResult r = RsmAs(65534, 65534, d_->socket(), {"--json", "library", "list"}, "/tmp/cli_test_denied.err");
  chmod(d_->dir().c_str(), 0755);
  std::remove("/tmp/cli_test_denied.err");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  std::string want =
      "permission denied: uid 65534 cannot search directory " + d_->dir() + " (on the way to " + d_->socket() + ")";
  EXPECT_NE(r.err.find("rsm: cannot reach rsmd: " + want), std::string::npos) << r.err;
  auto e = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_EQ(e["reason"], "permission_denied") << r.out;
  EXPECT_EQ(e["message"], want);
  // rsmd is fine: root reaches it.
  EXPECT_EQ(Rsm({"library", "list"}).exit_code, 0);
}

TEST_F(CliSocketTest, PermissionDeniedOnTheSocketItself) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (runs rsm as uid 65534)";
  std::string path = d_->dir() + "/private.sock";
  int fd = MakeSocketFile(path, 0600, /*listen_too=*/true);
  ASSERT_GE(fd, 0);
  CliResult r = RsmAs(65534, 65534, path, {"library", "list"}, "/tmp/cli_test_denied2.err");
  close(fd);
  std::remove("/tmp/cli_test_denied2.err");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("rsm: cannot reach rsmd: permission denied: uid 65534 may not write to the socket " + path),
            std::string::npos)
      << r.err;
}

// ---- usage errors: named, in JSON under --json (exit code 2) ------------------------------

TEST_F(CliTest, UnknownCommandsAreNamedWithTheValidOnes) {
  const std::vector<std::pair<std::string, std::string>> nouns = {
      {"library", "list, enable, disable, inventory, inject"},
      {"drive", "list, dismount, enable, disable"},
      {"media", "list, mount, dismount, eject, decommission, delete, enable, disable"},
      {"slot", "list"},
      {"request", "list, cancel"},
      {"pool", "create, list, show, delete, move"}};
  for (const auto& [noun, verbs] : nouns) {
    CliResult r = Rsm({noun, "frobnicate"});
    EXPECT_EQ(r.exit_code, 2) << noun;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(r.err.rfind("rsm: unknown command 'frobnicate' for 'rsm " + noun + "'; valid: " + verbs + "\n", 0), 0u)
        << r.err;
    CliResult missing = Rsm({noun});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_EQ(missing.err.rfind("rsm: missing command for 'rsm " + noun + "'; valid: " + verbs + "\n", 0), 0u)
        << missing.err;
  }
  CliResult r = Rsm({"--socket", "/x", "tape", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err.rfind("rsm: unknown command 'tape' for 'rsm'; valid: library, drive, media, slot, request, pool\n", 0), 0u)
      << r.err;
}

TEST_F(CliTest, UsageErrorsArePrintedAsJsonUnderJson) {
  struct Case {
    std::vector<std::string> args;
    std::string message;  // a part of it
  };
  const std::vector<Case> cases = {
      {{"--json", "media", "frobnicate"},
       "unknown command 'frobnicate' for 'rsm media'; valid: list, mount, dismount, eject, decommission, delete, "
       "enable, disable"},
      {{"--json"}, "missing command for 'rsm'; valid: library, drive, media, slot, request"},
      {{"--json", "request", "list", "--limit"}, "--limit"},
      {{"--json", "request", "list", "--limit", "many"}, "--limit"},
      {{"media", "list", "--json", "--bogus"}, "--bogus"},
      {{"--json", "media", "mount"}, "media"},
      {{"--json", "library", "inventory", "sim0", "--method", "slow"}, "slow"},
  };
  for (const Case& c : cases) {
    CliResult r = Rsm(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args.back();
    auto e = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_TRUE(e.is_object()) << "stdout: " << r.out << "\nstderr: " << r.err;
    EXPECT_EQ(e["error"], "USAGE") << r.out;
    ASSERT_TRUE(e["message"].is_string()) << r.out;
    EXPECT_NE(e["message"].get<std::string>().find(c.message), std::string::npos) << r.out;
    EXPECT_EQ(r.err.rfind("rsm: " + e["message"].get<std::string>() + "\n", 0), 0u) << r.err;
  }
  // Without --json nothing goes to stdout; --help is not an error.
  CliResult plain = Rsm({"request", "list", "--limit"});
  EXPECT_EQ(plain.exit_code, 2);
  EXPECT_TRUE(plain.out.empty()) << plain.out;
  CliResult help = Rsm({"--json", "request", "list", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--limit"), std::string::npos) << help.out;
}

// ---- request list: every unfinished request and the newest finished ones -----------------

class CliRequestsTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    h_ = Open("cli-requests");
    lib_ = LibraryId(h_, "sim0");
  }
  void TearDown() override { CloseNtmsSession(h_); }  // drops the deferred eject
  // One finished library request (a fast inventory).
  void Finished(int n = 1) {
    for (int i = 0; i < n; ++i) ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_FAST), DWORD(ERROR_SUCCESS));
  }
  // A request that stays unfinished while the session is open: an eject
  // queued (NTMS_EJECT_QUEUE) and never started.
  NTMS_GUID Deferred() {
    NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), op = NullGuid();
    EXPECT_EQ(EjectNtmsMedia(h_, &media, &op, NTMS_EJECT_QUEUE), DWORD(ERROR_SUCCESS));
    for (const auto& r : Requests(h_, "sim0"))
      if (r.Info.LibRequest.State == NTMS_LM_DEFERRED) return r.ObjectGuid;
    ADD_FAILURE() << "no deferred request";
    return NullGuid();
  }
  // The GUIDs of the finished requests, oldest first.
  std::vector<std::string> FinishedGuids() {
    auto reqs = Requests(h_, "sim0");
    std::vector<std::string> out;
    for (const auto& r : reqs)
      if (r.Info.LibRequest.State == NTMS_LM_PASSED) out.push_back(GuidText(r.ObjectGuid));
    return out;
  }
  static std::vector<std::string> Guids(const nlohmann::json& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r["guid"]);
    return out;
  }
  HANDLE h_ = nullptr;
  NTMS_GUID lib_{};
};

TEST_F(CliRequestsTest, EnumerationListsUnfinishedRequestsFirstThenFinishedOldestFirst) {
  Finished(2);
  NTMS_GUID deferred = Deferred();
  Finished(2);
  auto ids = List(h_, &lib_, NTMS_LIBREQUEST);
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_TRUE(SameGuid(ids[0], deferred)) << "the unfinished request is not first";
  for (size_t i = 2; i < ids.size(); ++i) {
    auto a = Info(h_, ids[i - 1]).Info.LibRequest, b = Info(h_, ids[i]).Info.LibRequest;
    EXPECT_EQ(b.State, DWORD(NTMS_LM_PASSED));
    EXPECT_LE(std::tie(a.TimeQueued.wHour, a.TimeQueued.wMinute, a.TimeQueued.wSecond, a.TimeQueued.wMilliseconds),
              std::tie(b.TimeQueued.wHour, b.TimeQueued.wMinute, b.TimeQueued.wSecond, b.TimeQueued.wMilliseconds));
  }
}

TEST_F(CliRequestsTest, LimitShowsTheNewestFinishedAndEveryUnfinished) {
  Finished(3);
  NTMS_GUID deferred = Deferred();  // older than most finished ones
  Finished(4);
  // Every finished request completed more than a second before the listing:
  // rsm stops reading at the first one.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  std::vector<std::string> finished = FinishedGuids();
  ASSERT_EQ(finished.size(), 7u);

  CliResult r = Rsm({"--json", "request", "list", "--limit", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(rows.is_array()) << r.out;
  // Oldest first: the deferred eject, then the two newest finished ones.
  EXPECT_EQ(Guids(rows), (std::vector<std::string>{GuidText(deferred), finished[5], finished[6]})) << rows.dump(1);
  EXPECT_EQ(rows[0]["state_name"], "deferred");
  EXPECT_NE(r.err.find("rsm: 5 older finished requests are not shown"), std::string::npos) << r.err;

  auto unfinished_only = Json({"request", "list", "--limit", "0", "--library", "sim0"});
  EXPECT_EQ(Guids(unfinished_only), std::vector<std::string>{GuidText(deferred)});

  CliResult all = Rsm({"--json", "request", "list", "--all"});
  auto every = nlohmann::json::parse(all.out, nullptr, false);
  EXPECT_EQ(every.size(), 8u);
  EXPECT_EQ(all.err, "");

  CliResult table = Rsm({"request", "list", "-n", "1"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_EQ(std::count(table.out.begin(), table.out.end(), '\n'), 3) << table.out;  // header, eject, newest
  EXPECT_NE(table.out.find(finished[6].substr(0, 8)), std::string::npos) << table.out;
}

TEST_F(CliRequestsTest, DefaultShowsTheNewestFifty) {
  Finished(52);
  std::vector<std::string> finished = FinishedGuids();
  ASSERT_EQ(finished.size(), 52u);
  CliResult r = Rsm({"--json", "request", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_EQ(Guids(rows), std::vector<std::string>(finished.begin() + 2, finished.end()));
  EXPECT_NE(r.err.find("rsm: 2 older finished requests are not shown"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace openrsm::apitest
