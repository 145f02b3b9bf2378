#include "tests/api/harness.h"

#include <fcntl.h>
#include <grp.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "devices/scsi/cdb.h"
#include "devices/scsi/command_runner.h"
#include "devices/scsi/iscsi_transport.h"
#include "devices/scsi/scsi_changer.h"
#include "tests/daemon/rsm_test.grpc.pb.h"
#include "tests/support/vtl.h"

namespace openrsm::apitest {

namespace {

bool CanConnect(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

using test_support::EnvOr;
using test_support::kSoloIqn;
using test_support::kVtlIqn;
using test_support::VtlDir;
using test_support::VtlUrl;
// The vtl target's drive LUN of data transfer element `index` (DTE 256 = LUN 1, 257 = LUN 2).
int DriveLun(int index) { return index + 1; }

// `tgtadm --op show` (through vtl.sh status): the tape file LUN `lun` of
// target `tid` has loaded, by its name (the barcode), "" when none.
std::string LoadedTape(int tid, int lun) {
  std::string s = test_support::VtlOutput("status");
  size_t t = s.find("Target " + std::to_string(tid) + ":");
  if (t == std::string::npos) return "?no target";
  size_t next = s.find("\nTarget ", t + 1);
  s = s.substr(t, next == std::string::npos ? std::string::npos : next - t);
  size_t at = s.find("LUN: " + std::to_string(lun) + "\n");
  if (at == std::string::npos) return "?no lun";
  at = s.find("Backing store path:", at);
  if (at == std::string::npos) return "?";
  size_t end = s.find('\n', at);
  std::string path = s.substr(at + 20, end - at - 20);
  if (path == "None") return "";
  return path.substr(path.rfind('/') + 1);
}

// The vtl changer through a session of our own.
Result<std::unique_ptr<devices::scsi::ScsiChanger>> OracleChanger() {
  auto t = devices::scsi::OpenIscsiTransport(VtlUrl(kVtlIqn, 3));
  if (!t.ok()) return t.status();
  return devices::scsi::ScsiChanger::Open(std::move(t).value());
}

SimState ReadTgtState(const std::string& library) {
  SimState s;
  if (library == "tape0") {
    SimElement e;
    e.barcode = LoadedTape(2, 1);
    e.full = !e.barcode.empty();
    s.drives.push_back(e);
    return s;
  }
  auto changer = OracleChanger();
  if (!changer.ok()) {
    ADD_FAILURE() << "oracle: " << changer.status().ToString();
    return s;
  }
  auto layout = (*changer)->Layout();
  auto st = (*changer)->ReadElementStatus();
  if (!layout.ok() || !st.ok()) {
    ADD_FAILURE() << "oracle: READ ELEMENT STATUS failed";
    return s;
  }
  s.transports.resize(layout->transports);
  s.slots.resize(layout->slots);
  s.ieports.resize(layout->ieports);
  s.drives.resize(layout->drives);
  for (const auto& e : *st) {
    std::vector<SimElement>* v = e.ref.type == devices::ElementType::kStorage        ? &s.slots
                                 : e.ref.type == devices::ElementType::kDataTransfer ? &s.drives
                                 : e.ref.type == devices::ElementType::kImportExport ? &s.ieports
                                                                                     : &s.transports;
    if (e.ref.index >= v->size()) v->resize(e.ref.index + 1);
    (*v)[e.ref.index].full = e.full;
    (*v)[e.ref.index].barcode = e.barcode;
  }
  return s;
}

}  // namespace

Backend DefaultBackend() { return EnvOr("RSM_API_BACKEND", "sim") == "tgt" ? Backend::kTgt : Backend::kSim; }

Daemon::Daemon(DaemonOptions opts) : opts_(std::move(opts)) {
  char tmpl[] = "/tmp/rsmapi.XXXXXX";
  char* d = mkdtemp(tmpl);
  if (!d) throw std::runtime_error("mkdtemp failed");
  dir_ = d;
  chmod(dir_.c_str(), 0755);  // unprivileged probes must reach the socket
  WriteConfig();
}

Daemon::~Daemon() {
  preventers_.clear();
  TgtResume();  // a test that failed while tgtd was stopped
  if (!hidden_images_.empty()) (void)TgtHook("sim0", "move_fail", 0, 0, "");
  if (pid_ > 0) Stop();
  std::error_code ec;
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir_, ec);
}

void Daemon::RewriteConfig(const DaemonOptions& opts) {
  opts_ = opts;
  WriteConfig();
}

void Daemon::WriteConfig() {
  std::ofstream f(dir_ + "/rsmd.toml");
  f << "state_dir = \"" << state_dir() << "\"\n";
  f << "socket = \"" << socket() << "\"\n";
  f << "admin_group = \"" << opts_.admin_group << "\"\n";
  f << "[catalog]\nbackend = \"sqlite\"\nmax_pages = " << opts_.max_pages << "\n";
  if (!opts_.catalog_config.empty()) f << opts_.catalog_config << "\n";
  if (opts_.backend == Backend::kTgt) {
    f << "[[library]]\nname = \"sim0\"\nkind = \"iscsi\"\nchanger = \"" << VtlUrl(kVtlIqn, 3) << "\"\n";
    f << "drives = [\"" << VtlUrl(kVtlIqn, 1) << "\", \"" << VtlUrl(kVtlIqn, 2) << "\"]\n";
    if (opts_.standalone_library)
      f << "[[library]]\nname = \"tape0\"\nkind = \"iscsi\"\nstandalone = true\ndrives = [\"" << VtlUrl(kSoloIqn, 1)
        << "\"]\n";
    f << opts_.extra_config;
    return;
  }
  f << "[[library]]\nname = \"sim0\"\nkind = \"sim\"\n";
  f << "drives = " << opts_.drives << "\nslots = " << opts_.slots << "\nieports = " << opts_.ieports << "\n";
  f << "media = [";
  for (size_t i = 0; i < opts_.media.size(); ++i) f << (i ? ", " : "") << '"' << opts_.media[i] << '"';
  f << "]\ntime_scale = " << opts_.time_scale << "\n";
  if (!opts_.sim_state_dir.empty()) f << "state_file = \"" << sim_state_path("sim0") << "\"\n";
  if (opts_.standalone_library) {
    f << "[[library]]\nname = \"tape0\"\nkind = \"sim\"\nstandalone = true\nmedia = [\"S00001L6\"]\n";
    if (!opts_.sim_state_dir.empty()) f << "state_file = \"" << sim_state_path("tape0") << "\"\n";
  }
  f << opts_.extra_config;
}

std::string Daemon::log() const {
  std::ifstream f(dir_ + "/rsmd.log");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void Daemon::Start() {
  ASSERT_LT(pid_, 0) << "already running";
  if (opts_.backend == Backend::kTgt && !started_once_ && opts_.reset_vtl) {
    ASSERT_EQ(opts_.drives, 2u) << "the VTL has 2 drives";
    ASSERT_EQ(RunVtl("reset", opts_.media), 0) << "vtl.sh reset failed";
  }
  started_once_ = true;
  setenv("RSM_SOCKET", socket().c_str(), 1);
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open((dir_ + "/rsmd.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::string cfg = dir_ + "/rsmd.toml";
    const char* daemon = opts_.installed_rsmd ? RSMD_PATH : RSMD_TEST_PATH;
    execl(daemon, daemon, "--config", cfg.c_str(), "--log-level", "debug", (char*)nullptr);
    _exit(127);
  }
  pid_ = pid;
  // Start-up includes a full inventory, which takes robot time at time_scale > 0.
  for (int i = 0; i < 2400; ++i) {
    if (CanConnect(socket())) return;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL() << "rsmd exited during start-up:\n" << log();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  FAIL() << "rsmd did not start serving in 60 s:\n" << log();
}

bool Daemon::Running() { return pid_ > 0 && kill(pid_, 0) == 0; }

void Daemon::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 400; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "rsmd did not stop cleanly:\n" << log();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  ADD_FAILURE() << "rsmd ignored SIGTERM for 10 s";
}

void Daemon::Kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

uint32_t Daemon::Hook(const std::string& library, const std::string& fault, int drive_index, int count,
                      const std::string& arg) {
  if (opts_.backend == Backend::kTgt && !library.empty()) return TgtHook(library, fault, drive_index, count, arg);
  auto stub =
      test::RsmTestControl::NewStub(grpc::CreateChannel("unix:" + socket(), grpc::InsecureChannelCredentials()));
  test::Reply rep;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::Status st;
  if (library.empty() && fault == "oom") {
    test::FailCallRequest req;
    size_t at = arg.find('@');
    req.set_call(arg.substr(0, at));
    if (at != std::string::npos) req.set_point(arg.substr(at + 1));
    req.set_count(count);
    st = stub->FailCall(&ctx, req, &rep);
  } else if (library.empty() && fault == "crash_after_move") {
    st = stub->CrashAfterMove(&ctx, test::CrashAfterMoveRequest(), &rep);
  } else if (library.empty()) {
    ADD_FAILURE() << "Hook: no daemon fault " << fault;
    return ~0u;
  } else if (fault == "place" || fault == "remove" || fault == "standalone_insert" || fault == "standalone_remove") {
    test::SimOperatorRequest req;
    req.set_library(library);
    if (fault == "place") {
      size_t last = arg.rfind(':');  // "slot:N:BARCODE"
      req.set_action(test::SimOperatorRequest::PLACE);
      req.set_element(arg.substr(0, last));
      if (last != std::string::npos) req.set_barcode(arg.substr(last + 1));
    } else if (fault == "remove") {
      req.set_action(test::SimOperatorRequest::REMOVE);
      req.set_element(arg);
    } else if (fault == "standalone_insert") {
      req.set_action(test::SimOperatorRequest::STANDALONE_INSERT);
      req.set_barcode(arg);
    } else {
      req.set_action(test::SimOperatorRequest::STANDALONE_REMOVE);
    }
    st = stub->SimOperator(&ctx, req, &rep);
  } else {
    test::SimFaultRequest req;
    req.set_library(library);
    req.set_fault(fault);
    req.set_drive_index(drive_index);
    req.set_count(count);
    st = stub->SimFault(&ctx, req, &rep);
  }
  if (!st.ok()) {
    ADD_FAILURE() << "Hook(" << library << ", " << fault
                  << "): the control service did not answer: " << st.error_message()
                  << (opts_.installed_rsmd ? " (rsmd has none: installed_rsmd)" : "");
    return ~0u;
  }
  return rep.error();
}

uint32_t Daemon::FailCatalog(const std::string& call, const std::string& point, uint32_t error, int count) {
  auto stub =
      test::RsmTestControl::NewStub(grpc::CreateChannel("unix:" + socket(), grpc::InsecureChannelCredentials()));
  test::FailCallRequest req;
  req.set_call(call);
  req.set_point(point);
  req.set_error(error);
  req.set_count(count);
  test::Reply rep;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::Status st = stub->FailCall(&ctx, req, &rep);
  if (!st.ok()) {
    ADD_FAILURE() << "FailCatalog(" << call << "): the control service did not answer: " << st.error_message();
    return ~0u;
  }
  return rep.error();
}

// tgt "stall": tgtd is SIGSTOPped; this watchdog SIGCONTs it after the
// given bound unless the test resumes it first, so nothing waits forever.
struct StallWatch {
  std::mutex mu;
  std::condition_variable cv;
  bool resumed = false;
  std::thread thread;
};

void Daemon::TgtResume() {
  if (!stall_) return;
  {
    std::lock_guard<std::mutex> lock(stall_->mu);
    stall_->resumed = true;
  }
  stall_->cv.notify_all();
  stall_->thread.join();
  stall_.reset();
}

uint32_t Daemon::TgtHook(const std::string& library, const std::string& fault, int drive_index, int count,
                         const std::string& arg) {
  namespace scsi = devices::scsi;
  if (library != "sim0") {
    ADD_FAILURE() << "tgt hook: only sim0";
    return ~0u;
  }
  // Sim "remove" (an operator takes a cartridge out): tgt's clear_slot on the
  // element, from outside rsmd (vtl.sh remove). Slots and IE ports only: tgt
  // cannot empty a drive element that way.
  if (fault == "remove") {
    size_t colon = arg.find(':');
    std::string kind = arg.substr(0, colon);
    int index = colon == std::string::npos ? -1 : std::atoi(arg.c_str() + colon + 1);
    int base = kind == "slot" ? 1024 : kind == "ieport" ? 768 : -1;
    if (base < 0 || index < 0) {
      ADD_FAILURE() << "tgt hook: remove needs slot:N or ieport:N, got " << arg;
      return ~0u;
    }
    return RunVtl("remove " + std::to_string(base + index)) == 0 ? 0 : ~0u;
  }
  // Sim "unavailable" (every device call fails): the library target goes
  // offline in tgt and its connections are dropped (vtl.sh unreachable), so
  // rsmd's reconnect is refused at login at once; the element state stays.
  if (fault == "unavailable") return RunVtl(count > 0 ? "unreachable" : "reachable") == 0 ? 0 : ~0u;
  // Sim "move_fail" (the robot fails to load; the cartridge stays in its
  // source): the test media's image files are renamed away, so tgt answers a
  // MOVE MEDIUM into a drive with HARDWARE ERROR 15/01 (mechanical
  // positioning error) and leaves the cartridge where it was. Every load
  // fails until count 0 puts the files back.
  if (fault == "move_fail") {
    std::string media = VtlDir() + "/media/";
    std::error_code ec;
    if (count > 0) {
      for (const auto& bc : opts_.media) {
        std::filesystem::rename(media + bc, media + bc + ".hidden", ec);
        if (ec) {
          ADD_FAILURE() << "tgt hook: cannot hide " << media + bc << ": " << ec.message();
          return ~0u;
        }
        hidden_images_.push_back(bc);
      }
    } else {
      for (const auto& bc : hidden_images_) std::filesystem::rename(media + bc + ".hidden", media + bc, ec);
      hidden_images_.clear();
    }
    return 0;
  }
  // Slow robot (the sim's time_scale): tgtd is stopped (SIGSTOP), so the
  // command rsmd has sent waits in the socket until `count` 0 resumes it
  // (SIGCONT), or the watchdog does after `count` ms.
  if (fault == "stall") {
    if (count <= 0) {
      TgtResume();
      return 0;
    }
    TgtResume();  // a previous stall's watchdog may have fired: start afresh
    if (RunVtl("stall") != 0) {
      ADD_FAILURE() << "tgt hook: vtl.sh stall failed";
      return ~0u;
    }
    auto w = std::make_shared<StallWatch>();
    w->thread = std::thread([w = w.get(), count] {
      std::unique_lock<std::mutex> lock(w->mu);
      w->cv.wait_for(lock, std::chrono::milliseconds(count), [w] { return w->resumed; });
      lock.unlock();
      if (RunVtl("resume") != 0) ADD_FAILURE() << "tgt hook: vtl.sh resume failed";
    });
    stall_ = std::move(w);
    return 0;
  }
  if (fault == "removal_prevented") {
    if (count == 0) {
      preventers_.erase(drive_index);  // dropping the session releases the prevent
      return 0;
    }
    auto t = scsi::OpenIscsiTransport(VtlUrl(kVtlIqn, DriveLun(drive_index)));
    if (!t.ok()) {
      ADD_FAILURE() << "tgt hook: " << t.status().ToString();
      return ~0u;
    }
    std::shared_ptr<scsi::Transport> holder(std::move(t).value());
    scsi::ScsiDeviceOptions opts;
    scsi::CommandRunner runner(holder.get(), scsi::kPdtSequentialAccess, &opts);
    const auto prevent = scsi::PreventAllowMediumRemoval(true);
    auto o = runner.Run(prevent, {}, "PREVENT");
    if (!o.ok() || !o->result.good()) {
      ADD_FAILURE() << "tgt hook: PREVENT MEDIUM REMOVAL failed";
      return ~0u;
    }
    preventers_[drive_index] = holder;
    return 0;
  }
  ADD_FAILURE() << "fault " << fault << " needs the simulated library (use SKIP_UNLESS_SIM)";
  return ~0u;
}

SimState ReadSimState(const Daemon& d, const std::string& library) {
  if (TgtBackend()) return ReadTgtState(library);
  std::ifstream f(d.sim_state_path(library));
  nlohmann::json j = nlohmann::json::parse(f);
  SimState s;
  auto load = [&](const char* key, std::vector<SimElement>* out) {
    if (!j["elements"].contains(key)) return;
    for (const auto& e : j["elements"][key]) {
      SimElement el;
      el.full = e.value("full", false);
      el.barcode = e.value("barcode", std::string());
      el.unloaded = e.value("unloaded", false);
      out->push_back(el);
    }
  };
  load("slot", &s.slots);
  load("drive", &s.drives);
  load("ieport", &s.ieports);
  load("transport", &s.transports);
  return s;
}

HANDLE Open(const char* app) {
  HANDLE h = OpenNtmsSessionA(nullptr, app, 0);
  EXPECT_NE(h, INVALID_HANDLE_VALUE) << "OpenNtmsSessionA: " << OpenRsmGetLastError();
  return h;
}

bool SameGuid(const NTMS_GUID& a, const NTMS_GUID& b) { return std::memcmp(&a, &b, sizeof a) == 0; }
NTMS_GUID NullGuid() { return NTMS_GUID{}; }
NTMS_GUID RandomGuid() {
  static std::mt19937_64 rng{std::random_device{}()};
  NTMS_GUID g;
  uint64_t a = rng(), b = rng();
  std::memcpy(&g, &a, 8);
  std::memcpy(reinterpret_cast<char*>(&g) + 8, &b, 8);
  return g;
}
std::string GuidText(const NTMS_GUID& g) {
  char buf[64];
  snprintf(buf, sizeof buf, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", g.Data1, g.Data2, g.Data3, g.Data4[0],
           g.Data4[1], g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
  return buf;
}

std::vector<NTMS_GUID> List(HANDLE h, const NTMS_GUID* container, DWORD type) {
  DWORD n = 0;
  DWORD rc = EnumerateNtmsObject(h, const_cast<NTMS_GUID*>(container), nullptr, &n, type, 0);
  if (rc == ERROR_SUCCESS) return {};
  EXPECT_EQ(rc, DWORD(ERROR_INSUFFICIENT_BUFFER));
  std::vector<NTMS_GUID> v;
  // The list may grow between the two calls (requests queued by other threads): retry.
  for (int attempt = 0; attempt < 20; ++attempt) {
    v.assign(n, NTMS_GUID{});
    rc = EnumerateNtmsObject(h, const_cast<NTMS_GUID*>(container), v.data(), &n, type, 0);
    if (rc != ERROR_INSUFFICIENT_BUFFER) break;
  }
  EXPECT_EQ(rc, DWORD(ERROR_SUCCESS));
  v.resize(rc == ERROR_SUCCESS ? n : 0);
  return v;
}

NTMS_OBJECTINFORMATIONA Info(HANDLE h, const NTMS_GUID& id, DWORD type) {
  NTMS_OBJECTINFORMATIONA info;
  std::memset(&info, 0, sizeof info);
  info.dwSize = sizeof info;
  info.dwType = type;
  NTMS_GUID copy = id;
  DWORD rc = GetNtmsObjectInformationA(h, &copy, &info);
  EXPECT_EQ(rc, DWORD(ERROR_SUCCESS)) << "GetNtmsObjectInformationA " << GuidText(id);
  return info;
}

NTMS_GUID LibraryId(HANDLE h, const std::string& name) {
  for (const auto& id : List(h, nullptr, NTMS_LIBRARY))
    if (name == Info(h, id).szName) return id;
  ADD_FAILURE() << "no library " << name;
  return NullGuid();
}

NTMS_GUID OfflineLibraryId(HANDLE h) {
  NTMS_GUID found = NullGuid();
  int n = 0;
  for (const auto& id : List(h, nullptr, NTMS_LIBRARY))
    if (Info(h, id).Info.Library.LibraryType == NTMS_LIBRARYTYPE_OFFLINE) found = id, ++n;
  EXPECT_EQ(n, 1) << "offline libraries";
  return found;
}

std::vector<NTMS_GUID> Drives(HANDLE h, const std::string& library) {
  NTMS_GUID lib = LibraryId(h, library);
  auto v = List(h, &lib, NTMS_DRIVE);
  // tgt: DTE 258 is vtl.sh's spare (unmapped, no drive behind it; see vtl.sh).
  if (TgtBackend() && library == "sim0")
    std::erase_if(v, [&](const NTMS_GUID& d) { return Info(h, d).Info.Drive.Number >= 2; });
  std::sort(v.begin(), v.end(), [&](const NTMS_GUID& a, const NTMS_GUID& b) {
    return Info(h, a).Info.Drive.Number < Info(h, b).Info.Drive.Number;
  });
  return v;
}

NTMS_GUID MediaByBarcode(HANDLE h, const std::string& barcode) {
  for (const auto& id : List(h, nullptr, NTMS_PHYSICAL_MEDIA))
    if (barcode == Info(h, id).Info.PhysicalMedia.szBarCode) return id;
  ADD_FAILURE() << "no media with barcode " << barcode;
  return NullGuid();
}

NTMS_GUID StandaloneMedia(HANDLE h) {
  NTMS_GUID lib = LibraryId(h, "tape0");
  auto v = List(h, &lib, NTMS_PHYSICAL_MEDIA);
  EXPECT_EQ(v.size(), 1u) << "tape0 should hold exactly one cartridge";
  return v.empty() ? NullGuid() : v.front();
}

NTMS_GUID SideOf(HANDLE h, const NTMS_GUID& pmid) {
  auto v = List(h, &pmid, NTMS_PARTITION);
  EXPECT_FALSE(v.empty());
  return v.empty() ? NullGuid() : v.front();
}

std::vector<NTMS_OBJECTINFORMATIONA> Requests(HANDLE h, const std::string& library) {
  NTMS_GUID lib = LibraryId(h, library);
  std::vector<NTMS_OBJECTINFORMATIONA> out;
  for (const auto& id : List(h, &lib, NTMS_LIBREQUEST)) out.push_back(Info(h, id));
  return out;
}

void WaitIdle(HANDLE h, const std::string& library) {
  for (int i = 0; i < 500; ++i) {
    bool busy = false;
    for (const auto& r : Requests(h, library)) {
      DWORD s = r.Info.LibRequest.State;
      if (s == NTMS_LM_QUEUED || s == NTMS_LM_INPROCESS || s == NTMS_LM_WAITING) busy = true;
    }
    if (!busy) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "library " << library << " did not become idle";
}

std::string CompareWithDevice(HANDLE h, const Daemon& d, const std::string& library) {
  SimState dev = ReadSimState(d, library);
  NTMS_GUID lib = LibraryId(h, library);
  std::map<std::string, std::string> catalogue;  // "slot:3" -> barcode
  for (const auto& id : List(h, &lib, NTMS_PHYSICAL_MEDIA)) {
    auto m = Info(h, id).Info.PhysicalMedia;
    std::string where;
    if (m.LocationType == NTMS_STORAGESLOT)
      where = "slot:" + std::to_string(Info(h, m.Location).Info.StorageSlot.Number);
    else if (m.LocationType == NTMS_DRIVE)
      where = "drive:" + std::to_string(Info(h, m.Location).Info.Drive.Number);
    else if (m.LocationType == NTMS_IEPORT)
      where = "ieport:" + std::to_string(Info(h, m.Location).Info.IEPort.Number);
    else
      return std::string("catalogue: ") + m.szBarCode + " has no known location";
    if (catalogue.count(where)) return "catalogue: two cartridges in " + where;
    catalogue[where] = m.szBarCode;
  }
  std::map<std::string, std::string> device;
  auto add = [&](const char* kind, const std::vector<SimElement>& v) {
    for (size_t i = 0; i < v.size(); ++i)
      if (v[i].full) device[std::string(kind) + ":" + std::to_string(i)] = v[i].barcode;
  };
  add("slot", dev.slots);
  add("drive", dev.drives);
  add("ieport", dev.ieports);
  for (size_t i = 0; i < dev.transports.size(); ++i)
    if (dev.transports[i].full) return "device: a cartridge is in the picker";
  if (TgtBackend() && library == "sim0") {
    // tgtadm's view: the tape file each drive LUN has loaded.
    for (int i = 0; i < 2 && size_t(i) < dev.drives.size(); ++i) {
      std::string loaded = LoadedTape(1, DriveLun(i));
      std::string want = dev.drives[size_t(i)].full ? dev.drives[size_t(i)].barcode : "";
      if (loaded != want)
        return "tgtadm: drive " + std::to_string(i) + " LUN has '" + loaded + "', READ ELEMENT STATUS '" + want + "'";
    }
  }
  if (catalogue == device) return "";
  std::string diff;
  for (const auto& [k, v] : device)
    if (!catalogue.count(k) || catalogue[k] != v) diff += " device " + k + "=" + v + " catalogue=" + catalogue[k] + ";";
  for (const auto& [k, v] : catalogue)
    if (!device.count(k)) diff += " catalogue " + k + "=" + v + " device empty;";
  return diff;
}

std::string Snapshot(HANDLE h, const std::string& library) {
  NTMS_GUID lib = LibraryId(h, library);
  std::ostringstream s;
  auto li = Info(h, lib);
  s << "lib enabled=" << li.Enabled << " op=" << li.dwOperationalState << "\n";
  for (const auto& id : List(h, &lib, NTMS_DRIVE)) {
    auto i = Info(h, id);
    s << "drive " << i.Info.Drive.Number << " state=" << i.Info.Drive.State << " enabled=" << i.Enabled
      << " side=" << GuidText(i.Info.Drive.SavedPartitionId) << "\n";
  }
  for (const auto& id : List(h, &lib, NTMS_STORAGESLOT)) {
    auto i = Info(h, id);
    s << "slot " << i.Info.StorageSlot.Number << " state=" << i.Info.StorageSlot.State << "\n";
  }
  for (const auto& id : List(h, &lib, NTMS_PHYSICAL_MEDIA)) {
    auto i = Info(h, id);
    s << "media " << i.Info.PhysicalMedia.szBarCode << " loc=" << GuidText(i.Info.PhysicalMedia.Location)
      << " type=" << i.Info.PhysicalMedia.LocationType << " state=" << i.Info.PhysicalMedia.MediaState
      << " enabled=" << i.Enabled << "\n";
  }
  s << "requests=" << List(h, &lib, NTMS_LIBREQUEST).size() << "\n";
  return s.str();
}

uint32_t ProbeAs(const Daemon& d, uint32_t uid, uint32_t gid, const std::vector<std::string>& args) {
  return ProbeAsWithGroups(d, uid, gid, {}, args);
}

uint32_t ProbeAsWithGroups(const Daemon& d, uint32_t uid, uint32_t gid, const std::vector<uint32_t>& groups,
                           const std::vector<std::string>& args) {
  std::vector<gid_t> gids(groups.begin(), groups.end());
  int pipefd[2];
  if (pipe(pipefd) != 0) return ~0u;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    close(pipefd[0]);
    if (setgroups(gids.size(), gids.data()) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(126);
    setenv("RSM_SOCKET", d.socket().c_str(), 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(API_PROBE_PATH));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(API_PROBE_PATH, argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  close(pipefd[0]);
  int status;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.empty()) return ~0u;
  return uint32_t(std::stoul(out));
}

void FillCatalogue(Daemon& d, HANDLE h, const NTMS_GUID& spare_drive) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(d.catalog_path().c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "PRAGMA max_page_count = 64", nullptr, nullptr, nullptr);
  sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS test_filler(b BLOB)", nullptr, nullptr, nullptr);
  for (int size = 65536; size >= 16; size /= 2)
    while (sqlite3_exec(db, ("INSERT INTO test_filler VALUES(zeroblob(" + std::to_string(size) + "))").c_str(), nullptr,
                        nullptr, nullptr) == SQLITE_OK) {
    }
  sqlite3_close(db);
  NTMS_GUID spare = spare_drive;
  for (int i = 0; i < 2000; ++i) {
    DWORD rc = (i % 2 == 0) ? DisableNtmsObject(h, NTMS_DRIVE, &spare) : EnableNtmsObject(h, NTMS_DRIVE, &spare);
    if (rc == ERROR_DATABASE_FULL) return;
    ASSERT_EQ(rc, DWORD(ERROR_SUCCESS));
  }
  FAIL() << "the catalogue never filled up";
}

std::string VtlMediaDir() { return VtlDir() + "/media"; }

uint32_t OperatorMove(const std::string& from, const std::string& to) {
  auto parse = [](const std::string& e, devices::ElementRef* ref) {
    size_t colon = e.find(':');
    if (colon == std::string::npos) return false;
    std::string kind = e.substr(0, colon);
    if (kind == "slot")
      ref->type = devices::ElementType::kStorage;
    else if (kind == "drive")
      ref->type = devices::ElementType::kDataTransfer;
    else if (kind == "ieport")
      ref->type = devices::ElementType::kImportExport;
    else
      return false;
    ref->index = uint32_t(std::stoul(e.substr(colon + 1)));
    return true;
  };
  devices::ElementRef a, b;
  if (!parse(from, &a) || !parse(to, &b)) {
    ADD_FAILURE() << "OperatorMove: bad element " << from << " or " << to;
    return ~0u;
  }
  auto changer = OracleChanger();
  if (!changer.ok()) {
    ADD_FAILURE() << "OperatorMove: " << changer.status().ToString();
    return ~0u;
  }
  return (*changer)->Move(a, b).code();
}

// ---- DaemonTest ----------------------------------------------------------------------

void DaemonTest::TearDown() {
  for (HANDLE h : extra_)
    if (h && h != INVALID_HANDLE_VALUE) CloseNtmsSession(h);
  if (h_ && h_ != INVALID_HANDLE_VALUE) CloseNtmsSession(h_);
}

void DaemonTest::StartDaemon(DaemonOptions opts) {
  d_ = std::make_unique<Daemon>(std::move(opts));
  d_->Start();
  h_ = Open();
  lib_ = LibraryId(h_, "sim0");
  drives_ = Drives(h_, "sim0");
  ASSERT_EQ(drives_.size(), 2u);
}

void DaemonTest::Restart(const DaemonOptions& opts) {
  CloseNtmsSession(h_);
  h_ = nullptr;
  d_->Stop();
  d_->RewriteConfig(opts);
  d_->Start();
  h_ = Open();
}

HANDLE DaemonTest::Another(const char* app) {
  HANDLE h = Open(app);
  extra_.push_back(h);
  return h;
}

NTMS_GUID DaemonTest::MountBarcode(const std::string& barcode, HANDLE h) {
  NTMS_GUID media = MediaByBarcode(h_, barcode), drive = NullGuid();
  EXPECT_EQ(MountNtmsMedia(h ? h : h_, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, nullptr),
            DWORD(ERROR_SUCCESS))
      << d_->log();
  return drive;
}

}  // namespace openrsm::apitest

// ---- branch catalog: rsmd run as a command (catalog_safety_test.cc) ----
namespace openrsm::apitest {
int RunRsmd(const Daemon& d, const std::vector<std::string>& args, std::string* output, int timeout_s) {
  const std::string out_path = d.dir() + "/rsmd-command.log";
  const std::string config = d.dir() + "/rsmd.toml";
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv = {const_cast<char*>(RSMD_PATH), const_cast<char*>("--config"),
                               const_cast<char*>(config.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(RSMD_PATH, argv.data());
    _exit(127);
  }
  int status = 0, rc = -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      if (WIFEXITED(status)) rc = WEXITSTATUS(status);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::ifstream f(out_path);
  std::stringstream ss;
  ss << f.rdbuf();
  *output = ss.str();
  return rc;
}
}  // namespace openrsm::apitest

// ---- branch layers: the drives' identity as the device reports it ----
namespace openrsm::apitest {
std::vector<DriveIdentityOracle> TgtDriveIdentities(const std::string& library) {
  namespace scsi = devices::scsi;
  std::vector<std::pair<const char*, int>> luns;  // as WriteConfig configures them
  if (library == "tape0")
    luns = {{kSoloIqn, 1}};
  else
    luns = {{kVtlIqn, DriveLun(0)}, {kVtlIqn, DriveLun(1)}};
  std::vector<DriveIdentityOracle> out;
  for (const auto& [iqn, lun] : luns) {
    auto t = scsi::OpenIscsiTransport(VtlUrl(iqn, lun));
    if (!t.ok()) {
      ADD_FAILURE() << "oracle: " << t.status().ToString();
      continue;
    }
    scsi::ScsiDeviceOptions opts;
    scsi::CommandRunner runner(t->get(), scsi::kPdtSequentialAccess, &opts);
    auto id = scsi::ReadIdentity(runner);
    if (!id.ok()) {
      ADD_FAILURE() << "oracle: INQUIRY: " << id.status().ToString();
      continue;
    }
    out.push_back({id->serial, id->revision, uint32_t(lun)});
  }
  return out;
}
}  // namespace openrsm::apitest

// ---- branch skips: the rsm CLI against a Daemon ----
namespace openrsm::apitest {
CommandResult RunRsm(const Daemon& d, const std::vector<std::string>& args, const std::string& env) {
  std::vector<std::string> argv = {RSM_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return test_support::RunCommand(argv, "RSM_SOCKET=" + test_support::ShellQuote(d.socket()) + " " + env);
}
}  // namespace openrsm::apitest
