// No client can exhaust or wedge rsmd (issue "Harden rsmd"), through the
// public C API and raw connections against a running rsmd: per-uid limits on
// sessions, unfinished requests and connections; waiting mounts that cost no
// thread and die with their client; descriptors running out; SIGTERM with
// calls waiting; rights from the connection's own groups.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint32_t kNobody = 65534;

int64_t MillisSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

template <typename Pred>
bool WaitFor(Pred pred, int ms = 10000) {
  for (auto t0 = Clock::now(); MillisSince(t0) < ms;) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

int CountRequests(HANDLE h, DWORD state, DWORD op = NTMS_LM_MOUNT) {
  int n = 0;
  for (const auto& r : Requests(h, "sim0"))
    if (r.Info.LibRequest.State == state && r.Info.LibRequest.OperationCode == op) ++n;
  return n;
}

// A field of /proc/PID/status ("Threads", ...).
long ProcStatus(pid_t pid, const std::string& field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  return -1;
}

// utime + stime of `pid`, in clock ticks.
long CpuTicks(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto close = s.rfind(')');
  std::istringstream rest(s.substr(close + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return utime + stime;
}

int CountLines(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

// Opens `n` raw connections to `socket` as uid `uid` in a child process,
// holds them for `hold_ms`, and reports through the exit status how many
// the server had not closed by then (capped at 250).
pid_t FloodAs(uint32_t uid, const std::string& socket, int n, int hold_ms) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  if (setgroups(0, nullptr) != 0 || setgid(kNobody) != 0 || setuid(uid) != 0) _exit(255);
  std::vector<int> fds;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket.c_str(), sizeof addr.sun_path - 1);
  for (int i = 0; i < n; ++i) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) break;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      continue;
    }
    fds.push_back(fd);
  }
  usleep(useconds_t(hold_ms) * 1000);
  int open = 0;
  for (int fd : fds) {
    char c;
    ssize_t r = ::recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      ++open;  // still open, nothing said
    else if (r > 0)
      ++open;  // gRPC spoke: accepted
  }
  _exit(open > 250 ? 250 : open);
}

class LimitsTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonOptions opts;
    opts.extra_config = "[limits]\nsessions_per_uid = 3\nrequests_per_uid = 4\nconnections_per_uid = 20\n";
    StartDaemon(opts);
  }
};

// ---- sessions and requests per uid -------------------------------------------------

TEST_F(LimitsTest, SessionsPerUid) {
  // The probe holds one session, then opens more: the third in all is the last.
  EXPECT_EQ(ProbeAs(*d_, kNobody, kNobody, {"sessions", "2"}), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(ProbeAs(*d_, kNobody, kNobody, {"sessions", "3"}), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_NE(d_->log().find("sessions_per_uid"), std::string::npos);
  // Root is not limited, and the probe's sessions died with its process.
  std::vector<HANDLE> many;
  for (int i = 0; i < 8; ++i) many.push_back(Open("root"));
  for (HANDLE s : many) EXPECT_NE(s, INVALID_HANDLE_VALUE);
  for (HANDLE s : many) CloseNtmsSession(s);
  EXPECT_EQ(ProbeAs(*d_, kNobody, kNobody, {"sessions", "2"}), DWORD(ERROR_SUCCESS));
}

TEST_F(LimitsTest, UnfinishedRequestsPerUid) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  MountBarcode("A00001L6");  // held by root: the probe's mounts wait
  std::string id = GuidText(media);
  EXPECT_EQ(ProbeAs(*d_, kNobody, kNobody, {"nowait-mounts", "6", id}), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_NE(d_->log().find("requests_per_uid"), std::string::npos);
  // The probe's process ended: its waiting mounts were cancelled with its
  // connection, and its uid may queue again.
  EXPECT_TRUE(WaitFor([&] { return CountRequests(h_, NTMS_LM_WAITING) + CountRequests(h_, NTMS_LM_QUEUED) == 0; }));
  EXPECT_EQ(CountRequests(h_, NTMS_LM_CANCELLED), 4);
  EXPECT_EQ(ProbeAs(*d_, kNobody, kNobody, {"nowait-mounts", "4", id}), DWORD(ERROR_SUCCESS));
}

// ---- waiting costs no thread; a waiting mount dies with its client ----------------

TEST(WaitsTest, HundredsOfWaitingMountsCostNoThreadsAndSigtermStopsAtOnce) {
  Daemon d;
  d.Start();
  HANDLE h = Open();
  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, 0, 10000, nullptr), DWORD(ERROR_SUCCESS));
  const long threads_before = ProcStatus(d.pid(), "Threads");
  constexpr int kWaiters = 300;
  std::vector<HANDLE> sessions;
  for (int i = 0; i < kWaiters; ++i) sessions.push_back(Open("waiter"));
  std::vector<std::future<DWORD>> calls;
  for (HANDLE s : sessions)
    calls.push_back(std::async(std::launch::async, [s, media]() mutable {
      NTMS_GUID got = NullGuid();
      return MountNtmsMedia(s, &media, &got, 1, NTMS_MOUNT_READ, 0, INFINITE, nullptr);
    }));
  ASSERT_TRUE(WaitFor([&] { return CountRequests(h, NTMS_LM_WAITING) == kWaiters; }, 60000))
      << CountRequests(h, NTMS_LM_WAITING) << " waiting";
  const long threads_waiting = ProcStatus(d.pid(), "Threads");
  EXPECT_LT(threads_waiting, threads_before + 16)
      << "before " << threads_before << ", with " << kWaiters << " waiting mounts " << threads_waiting;
  // Idle while they wait: no polling.
  long cpu0 = CpuTicks(d.pid());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_LT(CpuTicks(d.pid()) - cpu0, sysconf(_SC_CLK_TCK) / 2) << "more than 0.5 s of CPU in 2 s";
  // Root's calls are answered at once meanwhile.
  auto t0 = Clock::now();
  for (int i = 0; i < 20; ++i) Info(h, media);
  EXPECT_LT(MillisSince(t0), 2000);
  // SIGTERM: rsmd stops within a few seconds whatever waits.
  t0 = Clock::now();
  d.Stop();
  EXPECT_LT(MillisSince(t0), 5000) << "rsmd took too long to stop";
  for (auto& c : calls) {
    ASSERT_EQ(c.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    DWORD rc = c.get();
    EXPECT_TRUE(rc == ERROR_CANCELLED || rc == ERROR_NOT_CONNECTED) << rc;
  }
}

TEST(WaitsTest, WaitingMountOfADeadClientIsCancelledAndHoldsNothing) {
  Daemon d;
  d.Start();
  HANDLE h = Open();
  NTMS_GUID media = MediaByBarcode(h, "A00002L6"), drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, 0, 10000, nullptr), DWORD(ERROR_SUCCESS));
  pid_t child = fork();
  if (child == 0) {
    HANDLE s = OpenNtmsSessionA(nullptr, "doomed", 0);
    NTMS_GUID m = media, got{};
    MountNtmsMedia(s, &m, &got, 1, NTMS_MOUNT_READ, 0, INFINITE, nullptr);
    _exit(0);
  }
  ASSERT_TRUE(WaitFor([&] { return CountRequests(h, NTMS_LM_WAITING) == 1; }));
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_TRUE(WaitFor([&] { return CountRequests(h, NTMS_LM_CANCELLED) == 1; }, 5000))
      << "a closed connection cancels its waiting mount";
  ASSERT_EQ(DismountNtmsMedia(h, &media, 1, NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_SUCCESS));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Nobody holds it: another session takes it at once.
  HANDLE other = Open("other");
  NTMS_GUID got = NullGuid();
  EXPECT_EQ(MountNtmsMedia(other, &media, &got, 1, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 0, 5000, nullptr),
            DWORD(ERROR_SUCCESS))
      << d.log();
  CloseNtmsSession(other);
  CloseNtmsSession(h);
}

TEST(WaitsTest, HeldSideIsReleasedWhenItsClientDies) {
  Daemon d;
  d.Start();
  HANDLE h = Open();
  NTMS_GUID media = MediaByBarcode(h, "A00003L6");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  if (child == 0) {
    HANDLE s = OpenNtmsSessionA(nullptr, "doomed", 0);
    NTMS_GUID m = media, got{};
    DWORD rc = MountNtmsMedia(s, &m, &got, 1, NTMS_MOUNT_READ, 0, 10000, nullptr);
    char c = rc == ERROR_SUCCESS ? 'y' : 'n';
    (void)!write(ready[1], &c, 1);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  HANDLE other = Open("other");
  NTMS_GUID got = NullGuid();
  EXPECT_TRUE(WaitFor(
      [&] {
        got = NullGuid();
        return MountNtmsMedia(other, &media, &got, 1, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 0, 1000,
                              nullptr) == ERROR_SUCCESS;
      },
      5000))
      << "the dead client's side must be released with its connection";
  CloseNtmsSession(other);
  CloseNtmsSession(h);
}

// ---- connections ----------------------------------------------------------------------

TEST_F(LimitsTest, ConnectionFloodByOneUidLeavesRootServed) {
  pid_t flood = FloodAs(kNobody, d_->socket(), 400, 3000);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  // Root is served while the flood holds its connections.
  HANDLE s = Open("root during flood");
  ASSERT_NE(s, INVALID_HANDLE_VALUE);
  EXPECT_EQ(Info(s, lib_).dwType, DWORD(NTMS_LIBRARY));
  int status = 0;
  waitpid(flood, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_LE(WEXITSTATUS(status), 20) << "connections_per_uid = 20";
  EXPECT_GT(WEXITSTATUS(status), 0);
  std::string log = d_->log();
  EXPECT_GE(CountLines(log, "connections_per_uid"), 1);
  EXPECT_LE(CountLines(log, "connections_per_uid"), 3) << "rate-limited";
  CloseNtmsSession(s);
}

TEST(ConnectionsTest, OutOfDescriptorsNeitherSpinsNorFloodsTheLog) {
  DaemonOptions opts;
  opts.extra_config = "[limits]\nconnections_per_uid = 100000\nmax_connections = 100000\n";
  Daemon d(opts);
  d.Start();
  // rsmd may keep only 100 descriptors open from now on.
  rlimit rl{100, 100};
  ASSERT_EQ(prlimit(d.pid(), RLIMIT_NOFILE, &rl, nullptr), 0);
  long cpu0 = CpuTicks(d.pid());
  pid_t flood = FloodAs(kNobody, d.socket(), 600, 3000);
  int status = 0;
  waitpid(flood, &status, 0);
  long cpu = CpuTicks(d.pid()) - cpu0;
  EXPECT_LT(cpu, sysconf(_SC_CLK_TCK) * 2) << "rsmd spun while out of descriptors";
  std::string log = d.log();
  int lines = CountLines(log, "out of file descriptors");
  EXPECT_GE(lines, 1);
  EXPECT_LE(lines, 3) << "rate-limited";
  // The flood is gone: root connects and works again.
  EXPECT_TRUE(WaitFor([&] {
    HANDLE h = OpenNtmsSessionA(nullptr, "after", 0);
    if (h == INVALID_HANDLE_VALUE) return false;
    CloseNtmsSession(h);
    return true;
  }));
}

// ---- rights come from the connection's groups ---------------------------------------

class GroupsTest : public ::testing::Test {
 protected:
  static constexpr const char* kGroup = "rsmtestadm";
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to create a group";
    if (std::system("groupadd -f rsmtestadm >/dev/null 2>&1") != 0) GTEST_SKIP() << "groupadd not available";
    group* g = getgrnam(kGroup);
    ASSERT_NE(g, nullptr);
    gid_ = g->gr_gid;
    ASSERT_EQ(std::system("gpasswd -a nobody rsmtestadm >/dev/null 2>&1"), 0);
    DaemonOptions opts;
    opts.admin_group = kGroup;
    d_ = std::make_unique<Daemon>(opts);
    d_->Start();
    h_ = Open();
    drive_ = Drives(h_, "sim0")[1];
  }
  void TearDown() override {
    if (h_) CloseNtmsSession(h_);
    d_.reset();
    if (gid_) (void)!std::system("groupdel rsmtestadm >/dev/null 2>&1");
  }
  uint32_t Disable(const std::vector<uint32_t>& groups) {
    return ProbeAsWithGroups(*d_, kNobody, kNobody, groups, {"disable", "5", GuidText(drive_)});
  }
  uint32_t gid_ = 0;
  std::unique_ptr<Daemon> d_;
  HANDLE h_ = nullptr;
  NTMS_GUID drive_{};
};

TEST_F(GroupsTest, AdminRightsOnlyWithTheGroupOnTheConnection) {
  // /etc/group lists nobody in the admin group, but this process has no groups.
  EXPECT_EQ(Disable({}), DWORD(ERROR_ACCESS_DENIED));
  // With the group among its own: an administrator.
  EXPECT_EQ(Disable({gid_}), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(EnableNtmsObject(h_, NTMS_DRIVE, &drive_), DWORD(ERROR_SUCCESS));
  // Removed from the group (and the group deleted): a process that no longer
  // has it is no administrator, whatever rsmd saw before.
  ASSERT_EQ(std::system("gpasswd -d nobody rsmtestadm >/dev/null 2>&1"), 0);
  EXPECT_EQ(Disable({}), DWORD(ERROR_ACCESS_DENIED));
}

}  // namespace
}  // namespace openrsm::apitest
