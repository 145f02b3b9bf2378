// rsmd against concurrent and hostile callers, through the public C API
// (issue "Harden rsmd"): one holder per side, dismounts only by the holder,
// one daemon per state directory and socket, a full disk, a socket path that
// cannot work. The limits and connection tests are in limits_test.cc.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MillisSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

// Polls `pred` every 20 ms for up to `ms`.
template <typename Pred>
bool WaitFor(Pred pred, int ms = 10000) {
  for (auto t0 = Clock::now(); MillisSince(t0) < ms;) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

// Library requests of `library` in `state` (of operation `op`, 0 = any).
int CountRequests(HANDLE h, const std::string& library, DWORD state, DWORD op = 0) {
  int n = 0;
  for (const auto& r : Requests(h, library))
    if (r.Info.LibRequest.State == state && (op == 0 || r.Info.LibRequest.OperationCode == op)) ++n;
  return n;
}

// Mounts A00001L6 in session `h`; the drive it landed in.
NTMS_GUID MountFirst(HANDLE h) {
  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = NullGuid();
  EXPECT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, nullptr),
            DWORD(ERROR_SUCCESS));
  return drive;
}

// ---- one holder per side ------------------------------------------------------------

// Three sessions loop mount / hold 20 ms / DismountNtmsMedia(IMMEDIATE) on one
// cartridge. A side has one holder at a time: no two of them may believe they
// hold it at once (before the fix: a mount queued while the cartridge sat in
// a drive was mounted "in place" over the holder).
TEST(HoldersTest, SessionsNeverHoldOneCartridgeAtOnce) {
  Daemon d;
  d.Start();
  HANDLE h = Open();
  NTMS_GUID media = MediaByBarcode(h, "A00001L6");
  std::atomic<int> holding{0}, overlaps{0}, holds{0};
  std::atomic<DWORD> unexpected{0};
  auto loop = [&](int iterations) {
    HANDLE s = Open("holder");
    for (int i = 0; i < iterations; ++i) {
      NTMS_GUID m = media, drive = NullGuid();
      DWORD rc = MountNtmsMedia(s, &m, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 60000, nullptr);
      if (rc != ERROR_SUCCESS) {
        unexpected = rc;
        break;
      }
      if (holding.fetch_add(1) != 0) ++overlaps;
      ++holds;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      holding.fetch_sub(1);
      rc = DismountNtmsMedia(s, &m, 1, NTMS_DISMOUNT_IMMEDIATE);
      if (rc != ERROR_SUCCESS) {
        unexpected = rc;
        break;
      }
    }
    CloseNtmsSession(s);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) threads.emplace_back(loop, 25);
  for (auto& t : threads) t.join();
  EXPECT_EQ(unexpected.load(), 0u) << d.log();
  EXPECT_EQ(holds.load(), 75);
  EXPECT_EQ(overlaps.load(), 0) << "two sessions held the same side at once";
  WaitIdle(h, "sim0");
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  EXPECT_EQ(CountRequests(h, "sim0", NTMS_LM_INPROCESS), 0);
  CloseNtmsSession(h);
}

// With the robot busy (an inventory at time_scale 0.1), two sessions mount
// the same cartridge: one gets it, the other waits until it is released,
// and never on the same drive at the same time.
TEST(HoldersTest, SecondMountOfACartridgeWaitsForItsRelease) {
  DaemonOptions opts;
  opts.time_scale = 0.1;
  Daemon d(opts);
  d.Start();
  HANDLE h = Open(), a = Open("a"), b = Open("b");
  NTMS_GUID lib = LibraryId(h, "sim0");
  NTMS_GUID media = MediaByBarcode(h, "A00002L6");
  auto inventory = std::async(std::launch::async, [&] {
    HANDLE hi = Open("inventory");
    DWORD rc = InventoryNtmsLibrary(hi, &lib, NTMS_INVENTORY_DEFAULT);
    CloseNtmsSession(hi);
    return rc;
  });
  ASSERT_TRUE(WaitFor([&] { return CountRequests(h, "sim0", NTMS_LM_INPROCESS, NTMS_LM_INVENTORY) == 1; }));
  auto mount = [&](HANDLE s) {
    return std::async(std::launch::async, [s, media]() mutable {
      NTMS_GUID drive = NullGuid();
      return MountNtmsMedia(s, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 60000, nullptr);
    });
  };
  auto first = mount(a);
  ASSERT_TRUE(WaitFor([&] { return CountRequests(h, "sim0", NTMS_LM_QUEUED, NTMS_LM_MOUNT) == 1; }));
  auto second = mount(b);
  ASSERT_EQ(inventory.get(), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(first.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(first.get(), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(1500)), std::future_status::timeout)
      << "the second mount must wait while the first session holds the side";
  EXPECT_EQ(CountRequests(h, "sim0", NTMS_LM_WAITING, NTMS_LM_MOUNT), 1) << "parked, visible";
  NTMS_GUID m = media;
  ASSERT_EQ(DismountNtmsMedia(a, &m, 1, NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(second.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(second.get(), DWORD(ERROR_SUCCESS));
  WaitIdle(h, "sim0");
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  for (HANDLE s : {h, a, b}) CloseNtmsSession(s);
}

// ---- one daemon per state directory and socket -------------------------------------

// Runs rsmd with the config file `config` until it exits (SIGKILL after
// `timeout_s`); its exit code (-1: killed), its output in *out.
int RunRsmdWith(const std::string& config, const std::string& dir, std::string* out, int timeout_s = 20) {
  std::string log = dir + "/second-rsmd.log";
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(RSMD_PATH, RSMD_PATH, "--config", config.c_str(), (char*)nullptr);
    _exit(127);
  }
  int status = 0, rc = -1;
  for (auto t0 = Clock::now();;) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      if (WIFEXITED(status)) rc = WEXITSTATUS(status);
      break;
    }
    if (MillisSince(t0) > timeout_s * 1000) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::ifstream f(log);
  std::stringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return rc;
}

std::string WriteConfig(const std::string& dir, const std::string& name, const std::string& state_dir,
                        const std::string& socket, double time_scale = 0) {
  std::string path = dir + "/" + name;
  std::ofstream f(path);
  f << "state_dir = \"" << state_dir << "\"\nsocket = \"" << socket << "\"\n";
  f << "[[library]]\nname = \"sim0\"\nkind = \"sim\"\nmedia = [\"A00001L6\"]\ntime_scale = " << time_scale << "\n";
  return path;
}

// rsmd's own start-up, so the installed daemon, not the test daemon.
DaemonOptions Installed() {
  DaemonOptions opts;
  opts.installed_rsmd = true;
  return opts;
}

TEST(DaemonsTest, SecondDaemonOnTheSameStateDirOrSocketExitsBeforeTouchingAnything) {
  Daemon d(Installed());
  d.Start();
  HANDLE h = Open();
  NTMS_GUID drive = MountFirst(h);
  std::string before = Snapshot(h, "sim0");
  std::string out;
  // The very same configuration.
  EXPECT_EQ(RunRsmdWith(d.config_path(), d.dir(), &out), 1) << out;
  EXPECT_NE(out.find("in use by another rsmd"), std::string::npos) << out;
  // Same state directory, another socket.
  std::string other_socket = d.dir() + "/other.sock";
  EXPECT_EQ(RunRsmdWith(WriteConfig(d.dir(), "a.toml", d.state_dir(), other_socket), d.dir(), &out), 1) << out;
  EXPECT_NE(out.find("state directory"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(other_socket));
  // Another state directory, the same socket.
  std::string other_state = d.dir() + "/other-state";
  EXPECT_EQ(RunRsmdWith(WriteConfig(d.dir(), "b.toml", other_state, d.socket()), d.dir(), &out), 1) << out;
  EXPECT_NE(out.find("socket"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(other_state + "/catalog.db")) << "nothing created";
  // The first daemon is untouched: still serving the same catalogue, its
  // session's cartridge still held.
  EXPECT_EQ(Snapshot(h, "sim0"), before);
  HANDLE again = Open("again");
  EXPECT_NE(again, INVALID_HANDLE_VALUE);
  CloseNtmsSession(again);
  EXPECT_EQ(Info(h, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_LOADED));
  CloseNtmsSession(h);
  d.Stop();
  EXPECT_FALSE(std::filesystem::exists(d.socket())) << "a stopped daemon removes its socket";
}

TEST(DaemonsTest, StaleSocketIsReplaced) {
  Daemon d(Installed());
  d.Start();
  d.Kill9();  // leaves the socket file behind
  ASSERT_TRUE(std::filesystem::exists(d.socket()));
  d.Start();
  HANDLE h = Open();
  EXPECT_NE(h, INVALID_HANDLE_VALUE);
  CloseNtmsSession(h);
}

// rsmd opens its socket before the start-up inventory (30 s at time_scale 1):
// a path that cannot work fails at once and says why.
TEST(DaemonsTest, BadSocketPathFailsAtOnce) {
  char tmpl[] = "/tmp/rsmbad.XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string out;
  std::string long_socket = dir + "/" + std::string(120, 's') + ".sock";
  auto t0 = Clock::now();
  EXPECT_EQ(RunRsmdWith(WriteConfig(dir, "long.toml", dir + "/state", long_socket, 1.0), dir, &out), 2) << out;
  EXPECT_NE(out.find("socket"), std::string::npos) << out;
  EXPECT_LT(MillisSince(t0), 5000) << "before the start-up inventory";
  // A socket path whose directory is a regular file.
  std::ofstream(dir + "/file") << "x";
  t0 = Clock::now();
  EXPECT_EQ(RunRsmdWith(WriteConfig(dir, "file.toml", dir + "/state2", dir + "/file/rsmd.sock", 1.0), dir, &out), 1)
      << out;
  EXPECT_NE(out.find("cannot"), std::string::npos) << out;
  EXPECT_LT(MillisSince(t0), 5000) << "before the start-up inventory";
  std::filesystem::remove_all(dir);
}

// ---- a full disk ----------------------------------------------------------------------

// The state directory on a small tmpfs. A mount's move completes while the
// disk fills up, so its commit fails: the cartridge must be marked
// (location unknown), the request must end FAILED (not "in process"
// forever), and once space returns rsmd reconciles by itself.
class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a tmpfs";
    char tmpl[] = "/tmp/rsmfull.XXXXXX";
    mnt_ = mkdtemp(tmpl);
    char tmpl2[] = "/tmp/rsmfullsim.XXXXXX";
    sim_dir_ = mkdtemp(tmpl2);
    if (::mount("tmpfs", mnt_.c_str(), "tmpfs", 0, "size=3m") != 0) {
      std::filesystem::remove_all(mnt_);
      mnt_.clear();
      GTEST_SKIP() << "cannot mount a tmpfs here";
    }
  }
  void TearDown() override {
    if (mnt_.empty()) return;
    d_.reset();
    ::umount2(mnt_.c_str(), MNT_DETACH);
    std::filesystem::remove_all(mnt_);
    std::filesystem::remove_all(sim_dir_);
  }
  // Fills the file system up to the last block.
  void Fill() {
    int fd = ::open((mnt_ + "/filler").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ASSERT_GE(fd, 0);
    std::vector<char> block(4096, 'x');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }
  void Free() { std::filesystem::remove(mnt_ + "/filler"); }

  std::string mnt_, sim_dir_;
  std::unique_ptr<Daemon> d_;
};

TEST_F(DiskFullTest, MoveWhoseCommitFailsIsMarkedAndReconciledWhenSpaceReturns) {
  DaemonOptions opts;
  opts.state_dir = mnt_ + "/state";  // the catalogue on the small disk
  opts.sim_state_dir = sim_dir_;     // the simulated robot's own memory elsewhere, as a real robot's
  opts.time_scale = 0.25;            // a move takes ~2 s
  opts.catalog_config = "reserve_bytes = 262144\nbackup_seconds = 0";
  d_ = std::make_unique<Daemon>(opts);
  d_->Start();
  HANDLE h = Open();
  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT, 0, INFINITE, nullptr),
            DWORD(ERROR_SUCCESS));
  ASSERT_TRUE(WaitFor([&] { return CountRequests(h, "sim0", NTMS_LM_INPROCESS, NTMS_LM_MOUNT) == 1; }));
  Fill();  // the robot is moving: its commit finds the disk full
  ASSERT_TRUE(WaitFor([&] { return CountRequests(h, "sim0", NTMS_LM_INPROCESS) == 0; }, 20000))
      << "the request must not stay in process\n"
      << d_->log();
  EXPECT_EQ(CountRequests(h, "sim0", NTMS_LM_FAILED, NTMS_LM_MOUNT), 1);
  bool found = false;
  for (const auto& r : Requests(h, "sim0"))
    if (r.Info.LibRequest.OperationCode == NTMS_LM_MOUNT) {
      found = true;
      EXPECT_EQ(r.Info.LibRequest.dwErrorCode, DWORD(ERROR_DATABASE_FULL));
    }
  EXPECT_TRUE(found);
  // While the disk is full, writes fail with the documented code and change nothing.
  NTMS_GUID other = NullGuid();
  EXPECT_EQ(MountNtmsMedia(h, &media, &other, 1, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 0, 1000, nullptr),
            DWORD(ERROR_DATABASE_FULL));
  // The device has it in drive 0.
  EXPECT_TRUE(ReadSimState(*d_, "sim0").drives[0].full);
  Free();
  // rsmd notices the space (housekeeping) and inventories by itself.
  EXPECT_TRUE(WaitFor([&] { return CompareWithDevice(h, *d_, "sim0").empty(); }, 30000))
      << CompareWithDevice(h, *d_, "sim0") << "\n"
      << d_->log();
  EXPECT_EQ(Info(h, media).Info.PhysicalMedia.LocationType, DWORD(NTMS_DRIVE));
  other = NullGuid();
  EXPECT_EQ(MountNtmsMedia(h, &media, &other, 1, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 0, 10000, nullptr),
            DWORD(ERROR_SUCCESS))
      << d_->log();
  CloseNtmsSession(h);
}

}  // namespace
}  // namespace openrsm::apitest
