// libntmsapi's own contracts (docs/client.md), through the public C API
// against a private rsmd: one connection per session carrying the identity
// of the caller when the session was opened, a bounded wait for every call
// (deadlines, keepalive), a lost connection reported instead of silently
// replaced, and fork() safe in both directions.
//
// Children are forked from the test process, which holds open sessions and a
// running gRPC runtime, exactly the situation an application is in. They
// report their results as DWORDs through a pipe and leave with _exit().
// A call that hangs cannot be abandoned (its thread would outlive the test),
// so Await() ends the test program with a message when a call exceeds a
// generous guard: before the fixes below, that is how several of these
// tests failed.
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "rpc/rsm.grpc.pb.h"
#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

constexpr DWORD kInfinite = 0xFFFFFFFFu;
// A call rsmd cannot answer must return within this (keepalive: 10 s + 5 s,
// plus timer slack and two loaded CI cores).
constexpr double kDetectBound = 40.0;
// Past this, a call is taken as hung and the test program ends (Await).
constexpr seconds kHangGuard{100};

double SecondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// rsmd's pid, as the kernel reports the listening peer of a connection.
pid_t DaemonPid(const Daemon& d) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, d.socket().c_str(), sizeof a.sun_path - 1);
  pid_t pid = -1;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    ucred c{};
    socklen_t len = sizeof c;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &len) == 0) pid = c.pid;
  }
  close(fd);
  return pid;
}

// The process state letter of /proc/PID/stat ('T' when stopped).
char ProcState(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(f, line);
  auto close_paren = line.rfind(')');
  return close_paren == std::string::npos || close_paren + 2 >= line.size() ? '?' : line[close_paren + 2];
}

// rsmd SIGSTOPped for the scope's lifetime: SIGCONT on Resume() or
// destruction, whatever the test did in between.
class StoppedDaemon {
 public:
  explicit StoppedDaemon(pid_t pid) : pid_(pid) {
    kill(pid_, SIGSTOP);
    for (int i = 0; i < 500 && ProcState(pid_) != 'T'; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(ProcState(pid_), 'T') << "rsmd did not stop";
  }
  ~StoppedDaemon() { Resume(); }
  void Resume() {
    if (pid_ > 0) kill(pid_, SIGCONT);
    pid_ = -1;
  }

 private:
  pid_t pid_;
};

// Number of sockets this process holds (/proc/self/fd).
int SocketCount() {
  int n = 0;
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  while (dirent* e = readdir(dir)) {
    char target[256];
    std::string link = std::string("/proc/self/fd/") + e->d_name;
    ssize_t len = readlink(link.c_str(), target, sizeof target - 1);
    if (len > 0 && std::string(target, size_t(len)).rfind("socket:", 0) == 0) ++n;
  }
  closedir(dir);
  return n;
}

// A call's result and how long it took.
struct Timed {
  DWORD rc = ~0u;
  double seconds = 0;
};

// Starts `call` on its own thread.
std::future<Timed> Launch(std::function<DWORD()> call) {
  auto t0 = Clock::now();
  return std::async(std::launch::async, [call = std::move(call), t0] { return Timed{call(), SecondsSince(t0)}; });
}

// The launched call's result. A call still running after kHangGuard is hung:
// rsmd is killed and the test program exits non-zero with a message.
Timed Await(std::future<Timed>& f, Daemon* d, const char* what) {
  if (f.wait_for(kHangGuard) != std::future_status::ready) {
    std::fprintf(stderr, "FATAL: %s did not return in %lld s: the call hangs; ending the test program\n", what,
                 static_cast<long long>(kHangGuard.count()));
    if (d) d->Kill9();
    std::_Exit(3);
  }
  return f.get();
}

Timed Call(Daemon* d, const char* what, std::function<DWORD()> call) {
  auto f = Launch(std::move(call));
  return Await(f, d, what);
}

DWORD GetInfo(HANDLE h, const NTMS_GUID& id) {
  NTMS_GUID copy = id;
  NTMS_OBJECTINFORMATIONA info{};
  info.dwSize = sizeof info;
  info.dwType = NTMS_UNKNOWN;
  return GetNtmsObjectInformationA(h, &copy, &info);
}

DWORD Mount(HANDLE h, const NTMS_GUID& media, DWORD timeout_ms, NTMS_GUID* drive = nullptr) {
  NTMS_GUID m = media, d{};
  DWORD rc = MountNtmsMedia(h, &m, &d, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, timeout_ms, nullptr);
  if (drive) *drive = d;
  return rc;
}

DWORD Dismount(HANDLE h, const NTMS_GUID& media) {
  NTMS_GUID m = media;
  return DismountNtmsMedia(h, &m, 1, NTMS_DISMOUNT_IMMEDIATE);
}

// What a forked child reported: `finished` when it exited by itself (with
// status 0) within the bound; `values` in the order it pushed them.
struct ChildReport {
  bool finished = false;
  std::vector<uint32_t> values;
};

// Forks; the child runs `body` (C API calls only, no test assertions), sends
// what it pushed, and _exit()s. The parent waits at most `bound`, then kills it.
ChildReport RunChild(const std::function<void(std::vector<uint32_t>*)>& body, seconds bound) {
  ChildReport report;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return report;
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    std::vector<uint32_t> out;
    body(&out);
    (void)!write(p[1], out.data(), out.size() * sizeof(uint32_t));
    _exit(0);
  }
  close(p[1]);
  std::string bytes;
  auto give_up = Clock::now() + bound;
  for (;;) {
    int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(give_up - Clock::now()).count());
    pollfd pfd{p[0], POLLIN, 0};
    if (left <= 0 || poll(&pfd, 1, left) <= 0) break;
    char buf[256];
    ssize_t n = read(p[0], buf, sizeof buf);
    if (n <= 0) break;
    bytes.append(buf, size_t(n));
  }
  close(p[0]);
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (waitpid(pid, &status, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return report;  // not finished
    }
  }
  report.finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  report.values.resize(bytes.size() / sizeof(uint32_t));
  std::memcpy(report.values.data(), bytes.data(), report.values.size() * sizeof(uint32_t));
  return report;
}

uint32_t OpenError(HANDLE h) { return h == INVALID_HANDLE_VALUE ? OpenRsmGetLastError() : uint32_t(ERROR_SUCCESS); }

class ClientTest : public DaemonTest {};

// ---- one connection per session, identity of the opener -----------------------------

TEST_F(ClientTest, EachSessionHasItsOwnConnection) {
  int before = SocketCount();
  HANDLE a = Another("a");
  HANDLE b = Another("b");
  ASSERT_NE(a, INVALID_HANDLE_VALUE);
  ASSERT_NE(b, INVALID_HANDLE_VALUE);
  EXPECT_EQ(SocketCount() - before, 2) << "two sessions must make two connections";
  EXPECT_EQ(GetInfo(a, drives_[0]), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(GetInfo(b, drives_[0]), DWORD(ERROR_SUCCESS));
}

TEST_F(ClientTest, SessionKeepsTheIdentityItWasOpenedWith) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (to drop privileges in a child)";
  NTMS_GUID drive = drives_[0];
  ChildReport r = RunChild(
      [drive](std::vector<uint32_t>* out) {
        NTMS_GUID d = drive;
        HANDLE root = OpenNtmsSessionA(nullptr, "as-root", 0);
        out->push_back(OpenError(root));
        if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) return;
        HANDLE nobody = OpenNtmsSessionA(nullptr, "as-nobody", 0);
        out->push_back(OpenError(nobody));
        out->push_back(DisableNtmsObject(nobody, NTMS_DRIVE, &d));
        out->push_back(DisableNtmsObject(root, NTMS_DRIVE, &d));
        out->push_back(EnableNtmsObject(root, NTMS_DRIVE, &d));
        CloseNtmsSession(nobody);
        CloseNtmsSession(root);
      },
      seconds(90));
  ASSERT_TRUE(r.finished) << "the child did not finish in 90 s";
  ASSERT_EQ(r.values.size(), 5u) << "the child could not drop its privileges";
  EXPECT_EQ(r.values[0], uint32_t(ERROR_SUCCESS)) << "open as root";
  EXPECT_EQ(r.values[1], uint32_t(ERROR_SUCCESS)) << "open as nobody";
  EXPECT_EQ(r.values[2], uint32_t(ERROR_ACCESS_DENIED)) << "a session opened as nobody has nobody's rights";
  EXPECT_EQ(r.values[3], uint32_t(ERROR_SUCCESS)) << "a session opened as root keeps root's rights";
  EXPECT_EQ(r.values[4], uint32_t(ERROR_SUCCESS));
  // The parent's own session is unharmed by the child's sessions.
  EXPECT_EQ(
      Call(d_.get(), "the parent's GetNtmsObjectInformation after the fork", [&] { return GetInfo(h_, drives_[0]); })
          .rc,
      DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(Info(h_, drives_[0]).Enabled);
}

// ---- fork ----------------------------------------------------------------------------

TEST_F(ClientTest, ForkedChildOpensItsOwnSession) {
  NTMS_GUID drive = drives_[0], media = MediaByBarcode(h_, "A00001L6");
  HANDLE parent = h_;
  ChildReport r = RunChild(
      [=](std::vector<uint32_t>* out) {
        out->push_back(GetInfo(parent, drive));  // the parent's handle is not the child's
        HANDLE h = OpenNtmsSessionA(nullptr, "child", 0);
        out->push_back(OpenError(h));
        if (h == INVALID_HANDLE_VALUE) return;
        out->push_back(GetInfo(h, drive));
        out->push_back(Mount(h, media, 20000));
        out->push_back(Dismount(h, media));
        out->push_back(CloseNtmsSession(h));
      },
      seconds(90));
  ASSERT_TRUE(r.finished) << "the child did not finish in 90 s";
  ASSERT_EQ(r.values.size(), 6u) << "the child could not open a session: " << (r.values.size() > 1 ? r.values[1] : 0);
  EXPECT_EQ(r.values[0], uint32_t(ERROR_INVALID_HANDLE)) << "child using the parent's handle";
  EXPECT_EQ(r.values[2], uint32_t(ERROR_SUCCESS)) << "child GetNtmsObjectInformation";
  EXPECT_EQ(r.values[3], uint32_t(ERROR_SUCCESS)) << "child MountNtmsMedia";
  EXPECT_EQ(r.values[4], uint32_t(ERROR_SUCCESS)) << "child DismountNtmsMedia";
  EXPECT_EQ(r.values[5], uint32_t(ERROR_SUCCESS)) << "child CloseNtmsSession";

  // The parent's session is unharmed: several calls, each prompt.
  auto t0 = Clock::now();
  for (int i = 0; i < 5; ++i) {
    Timed t = Call(d_.get(), "parent GetNtmsObjectInformation after fork", [&] { return GetInfo(h_, drives_[i % 2]); });
    EXPECT_EQ(t.rc, DWORD(ERROR_SUCCESS)) << "call " << i;
  }
  EXPECT_LT(SecondsSince(t0), 20.0) << "the parent's calls after the fork were slow";
  WaitIdle(h_, "sim0");
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(ClientTest, ForkWhileAThreadWaitsInMount) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = drives_[0];
  HANDLE holder = Another("holder"), waiter = Another("waiter");
  MountBarcode("A00001L6", holder);
  // The waiter's mount waits: the cartridge is held by `holder`.
  std::atomic<bool> entered{false};
  auto waiting = Launch([&] {
    entered = true;
    return Mount(waiter, media, 60000);
  });
  while (!entered) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(waiting.wait_for(seconds(0)), std::future_status::timeout) << "the mount did not wait";

  // A child forked now shares gRPC's state with the waiting thread's process:
  // it is refused a session (docs/client.md), and nothing of the parent breaks.
  ChildReport r = RunChild(
      [drive](std::vector<uint32_t>* out) {
        HANDLE h = OpenNtmsSessionA(nullptr, "child", 0);
        out->push_back(OpenError(h));
        if (h != INVALID_HANDLE_VALUE) return;
        // Its own children inherit the refusal.
        ChildReport grandchild = RunChild(
            [](std::vector<uint32_t>* gout) { gout->push_back(OpenError(OpenNtmsSessionA(nullptr, "grandchild", 0))); },
            seconds(60));
        out->push_back(grandchild.finished && grandchild.values.size() == 1 ? grandchild.values[0] : ~0u);
      },
      seconds(90));
  ASSERT_TRUE(r.finished) << "the child did not finish in 90 s";
  ASSERT_EQ(r.values.size(), 2u) << "the child opened a session: " << (r.values.empty() ? 0 : r.values[0]);
  EXPECT_EQ(r.values[0], uint32_t(ERROR_NO_NETWORK)) << "OpenNtmsSession in a child forked during a call";
  EXPECT_EQ(r.values[1], uint32_t(ERROR_NO_NETWORK)) << "OpenNtmsSession in that child's child";
  // exec is always safe: a program exec'd from a child forked now works.
  EXPECT_EQ(ProbeAs(*d_, 0, 0, {"getinfo", GuidText(drive)}), uint32_t(ERROR_SUCCESS));

  EXPECT_EQ(waiting.wait_for(seconds(0)), std::future_status::timeout) << "the fork ended the parent's wait";
  EXPECT_EQ(Call(d_.get(), "GetNtmsObjectInformation during the wait", [&] { return GetInfo(h_, drive); }).rc,
            DWORD(ERROR_SUCCESS));
  // The holder lets go: the waiting mount completes.
  EXPECT_EQ(Call(d_.get(), "DismountNtmsMedia", [&] { return Dismount(holder, media); }).rc, DWORD(ERROR_SUCCESS));
  Timed t = Await(waiting, d_.get(), "the waiting MountNtmsMedia");
  EXPECT_EQ(t.rc, DWORD(ERROR_SUCCESS)) << "the parent's waiting mount";
  EXPECT_EQ(Dismount(waiter, media), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// ---- deadlines, keepalive, lost connections ----------------------------------------

TEST_F(ClientTest, StoppedDaemonIsDetected) {
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6"), drive = drives_[0], lib = lib_;
  HANDLE hm = Another("mount"), hi = Another("inventory");
  pid_t pid = DaemonPid(*d_);
  ASSERT_GT(pid, 0);
  StoppedDaemon stopped(pid);
  auto info = Launch([&] { return GetInfo(h_, drive); });
  auto mount = Launch([&] { return Mount(hm, media, 2000); });
  auto inventory = Launch([&] {
    NTMS_GUID l = lib;
    return InventoryNtmsLibrary(hi, &l, NTMS_INVENTORY_FAST);
  });
  Timed ti = Await(info, d_.get(), "GetNtmsObjectInformation with rsmd stopped");
  Timed tm = Await(mount, d_.get(), "MountNtmsMedia (dwTimeout 2000) with rsmd stopped");
  Timed tv = Await(inventory, d_.get(), "InventoryNtmsLibrary with rsmd stopped");
  EXPECT_EQ(ti.rc, DWORD(ERROR_NOT_CONNECTED));
  EXPECT_LT(ti.seconds, kDetectBound);
  EXPECT_EQ(tm.rc, DWORD(ERROR_NOT_CONNECTED));
  EXPECT_LT(tm.seconds, kDetectBound);
  EXPECT_EQ(tv.rc, DWORD(ERROR_NOT_CONNECTED));
  EXPECT_LT(tv.seconds, kDetectBound);
  stopped.Resume();

  // The lost connection is not replaced behind the session's back: it fails
  // at once, CloseNtmsSession reports it, and a new session works.
  Timed again = Call(d_.get(), "GetNtmsObjectInformation on the lost session", [&] { return GetInfo(h_, drive); });
  EXPECT_EQ(again.rc, DWORD(ERROR_NOT_CONNECTED));
  EXPECT_LT(again.seconds, 5.0);
  EXPECT_EQ(CloseNtmsSession(h_), DWORD(ERROR_CONNECTION_UNAVAIL));
  h_ = Open();
  ASSERT_NE(h_, INVALID_HANDLE_VALUE);
  EXPECT_EQ(GetInfo(h_, drive), DWORD(ERROR_SUCCESS));
}

TEST_F(ClientTest, RestartedDaemonEndsTheSession) {
  NTMS_GUID drive = drives_[0];
  d_->Stop();
  d_->Start();
  Timed t = Call(d_.get(), "GetNtmsObjectInformation after a restart", [&] { return GetInfo(h_, drive); });
  EXPECT_EQ(t.rc, DWORD(ERROR_NOT_CONNECTED)) << "a session does not survive its connection";
  EXPECT_LT(t.seconds, kDetectBound);
  EXPECT_EQ(GetInfo(h_, drive), DWORD(ERROR_NOT_CONNECTED));
  EXPECT_EQ(CloseNtmsSession(h_), DWORD(ERROR_CONNECTION_UNAVAIL));
  h_ = Open();
  ASSERT_NE(h_, INVALID_HANDLE_VALUE);
  EXPECT_EQ(GetInfo(h_, drive), DWORD(ERROR_SUCCESS));
}

// Keepalive must not close a healthy session that makes no call for longer
// than a ping and its timeout (nothing polls the connection between calls).
TEST_F(ClientTest, IdleSessionSurvives) {
  std::this_thread::sleep_for(seconds(25));
  EXPECT_EQ(Call(d_.get(), "GetNtmsObjectInformation after 25 s idle", [&] { return GetInfo(h_, drives_[0]); }).rc,
            DWORD(ERROR_SUCCESS));
}

// A call that waits long is pinged throughout: rsmd accepts the pings
// (without its ping arguments, gRPC 1.51's server sends GOAWAY
// "too_many_pings" at about the fifth, 50 s into the wait: measured), and a
// stop during the wait is still noticed (gRPC's client stops pinging after
// two pings without data unless told otherwise). The mount's own timeout
// (65 s) lies beyond the 60 s check and before the end of the test, so
// rsmd's waiting handler has returned by the time the test stops rsmd.
TEST_F(ClientTest, LongWaitIsPingedThroughout) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  HANDLE holder = Another("holder"), waiter = Another("waiter");
  MountBarcode("A00001L6", holder);
  auto waiting = Launch([&] { return Mount(waiter, media, 65000); });
  if (waiting.wait_for(seconds(60)) == std::future_status::ready) {
    Timed t = waiting.get();
    FAIL() << "the mount of a held cartridge returned after " << t.seconds << " s: " << t.rc;
  }
  pid_t pid = DaemonPid(*d_);
  ASSERT_GT(pid, 0);
  StoppedDaemon stopped(pid);
  auto t0 = Clock::now();
  Timed t = Await(waiting, d_.get(), "a waiting MountNtmsMedia with rsmd stopped");
  EXPECT_EQ(t.rc, DWORD(ERROR_NOT_CONNECTED));
  EXPECT_LT(SecondsSince(t0), kDetectBound);
}

// ---- a daemon that answers pings but not calls ---------------------------------------

// An rsmd stand-in whose MountNtmsMedia never answers (a hung service thread).
class HungRsm final : public rpc::Rsm::Service {
 public:
  grpc::Status OpenSession(grpc::ServerContext*, const rpc::OpenSessionRequest*, rpc::OpenSessionReply* rep) override {
    rep->set_session(std::string(16, '\x5a'));
    return grpc::Status::OK;
  }
  grpc::Status GetObjectInfo(grpc::ServerContext*, const rpc::ObjectRequest*, rpc::ObjectInfoReply* rep) override {
    rep->mutable_result()->set_error(ERROR_OBJECT_NOT_FOUND);
    return grpc::Status::OK;
  }
  grpc::Status CloseSession(grpc::ServerContext*, const rpc::SessionRequest*, rpc::Result*) override {
    return grpc::Status::OK;
  }
  grpc::Status Mount(grpc::ServerContext* ctx, const rpc::MountRequest*, rpc::MountReply*) override {
    while (!ctx->IsCancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return grpc::Status::CANCELLED;
  }
};

TEST(ClientHungDaemonTest, MountTimesOutAtItsTimeoutPlusMargin) {
  char tmpl[] = "/tmp/rsm-hung-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl, socket_path = dir + "/hung.sock";
  HungRsm service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + socket_path, grpc::InsecureServerCredentials());
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  ASSERT_TRUE(server);
  const char* old = getenv("RSM_SOCKET");
  std::string saved = old ? old : "";
  setenv("RSM_SOCKET", socket_path.c_str(), 1);

  HANDLE h = OpenNtmsSessionA(nullptr, "hung", 0);
  ASSERT_NE(h, INVALID_HANDLE_VALUE) << OpenRsmGetLastError();
  Timed t = Call(nullptr, "MountNtmsMedia against a hung daemon", [&] { return Mount(h, RandomGuid(), 1000); });
  EXPECT_EQ(t.rc, DWORD(ERROR_TIMEOUT));
  EXPECT_GE(t.seconds, 30.0) << "dwTimeout (1 s) + the 30 s margin";
  EXPECT_LT(t.seconds, 60.0);
  // Only that call failed: the connection is fine and the session usable.
  EXPECT_EQ(GetInfo(h, RandomGuid()), DWORD(ERROR_OBJECT_NOT_FOUND));
  EXPECT_EQ(CloseNtmsSession(h), DWORD(ERROR_SUCCESS));

  if (old)
    setenv("RSM_SOCKET", saved.c_str(), 1);
  else
    unsetenv("RSM_SOCKET");
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace openrsm::apitest
