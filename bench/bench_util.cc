#include "bench_util.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace rsmbench {

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

std::vector<Daemon*>& AllDaemons() {
  static std::vector<Daemon*> v;
  return v;
}

}  // namespace

std::string MakeTempDir(const std::string& base, const std::string& tag) {
  std::string tmpl = base + "/rsmbench-" + tag + ".XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
  return buf.data();
}

void RemoveTree(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

Daemon::Daemon(std::string dir, SimSpec spec) : dir_(std::move(dir)), spec_(std::move(spec)) {
  WriteConfig();
  AllDaemons().push_back(this);
}

Daemon::~Daemon() {
  Stop();
  auto& all = AllDaemons();
  all.erase(std::remove(all.begin(), all.end(), this), all.end());
}

void Daemon::WriteConfig() {
  std::ofstream f(dir_ + "/rsmd.toml");
  f << "state_dir = \"" << state_dir() << "\"\n";
  f << "socket = \"" << socket() << "\"\n";
  f << "admin_group = \"rsmadmin\"\n";
  f << "[catalog]\nbackend = \"sqlite\"\nmax_pages = 0\n";
  if (!spec_.library_toml.empty()) {
    f << spec_.library_toml;
    return;
  }
  f << "[[library]]\nname = \"sim0\"\nkind = \"sim\"\n";
  f << "drives = " << spec_.drives << "\nslots = " << spec_.slots << "\nieports = " << spec_.ieports << "\n";
  f << "media = [";
  for (size_t i = 0; i < spec_.media.size(); ++i) f << (i ? ", " : "") << '"' << spec_.media[i] << '"';
  f << "]\ntime_scale = " << spec_.time_scale << "\n";
  if (!spec_.durable_state) f << "durable_state = false\n";
}

std::string Daemon::LogTail() const {
  std::ifstream f(dir_ + "/rsmd.log");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  return s.size() > 4000 ? s.substr(s.size() - 4000) : s;
}

double Daemon::Start() {
  if (pid_ > 0) throw std::runtime_error("rsmd already running");
  std::string cfg = dir_ + "/rsmd.toml";
  std::string log = dir_ + "/rsmd.log";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  // RSM_BENCH_RSMD runs another rsmd binary (before/after comparisons in one run set).
  const char* rsmd = std::getenv("RSM_BENCH_RSMD");
  if (rsmd == nullptr || *rsmd == '\0') rsmd = RSMD_PATH;
  const char* argv[] = {rsmd, "--config", cfg.c_str(), nullptr};
  auto t0 = Clock::now();
  pid_t pid;
  int rc = posix_spawn(&pid, rsmd, &fa, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error(std::string("posix_spawn ") + rsmd + ": " + std::strerror(rc));
  pid_ = pid;
  for (int i = 0; i < 120000; ++i) {  // up to 120 s
    if (CanConnect(socket())) return std::chrono::duration<double>(Clock::now() - t0).count();
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("rsmd exited during start-up:\n" + LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  throw std::runtime_error("rsmd did not serve within 120 s:\n" + LogTail());
}

void Daemon::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 2000; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void StopAllDaemons(bool remove_dirs) {
  for (Daemon* d : AllDaemons()) {
    d->Stop();
    if (remove_dirs) RemoveTree(d->dir());
  }
}

HANDLE OpenSessionOn(const Daemon& d) {
  setenv("RSM_SOCKET", d.socket().c_str(), 1);
  HANDLE h = OpenNtmsSessionA(nullptr, "rsm_bench", 0);
  if (h == INVALID_HANDLE_VALUE)
    throw std::runtime_error("OpenNtmsSessionA failed: " + std::to_string(OpenRsmGetLastError()));
  return h;
}

std::vector<NTMS_GUID> List(HANDLE h, const NTMS_GUID* container, DWORD type) {
  DWORD n = 0;
  NTMS_GUID c = container ? *container : NTMS_GUID{};
  DWORD rc = EnumerateNtmsObject(h, container ? &c : nullptr, nullptr, &n, type, 0);
  if (rc == ERROR_SUCCESS) return {};
  if (rc != ERROR_INSUFFICIENT_BUFFER) throw std::runtime_error("EnumerateNtmsObject: " + std::to_string(rc));
  std::vector<NTMS_GUID> v(n);
  rc = EnumerateNtmsObject(h, container ? &c : nullptr, v.data(), &n, type, 0);
  if (rc != ERROR_SUCCESS) throw std::runtime_error("EnumerateNtmsObject: " + std::to_string(rc));
  v.resize(n);
  return v;
}

NTMS_OBJECTINFORMATIONA Info(HANDLE h, const NTMS_GUID& id) {
  NTMS_OBJECTINFORMATIONA info;
  std::memset(&info, 0, sizeof info);
  info.dwSize = sizeof info;
  info.dwType = NTMS_UNKNOWN;
  NTMS_GUID copy = id;
  DWORD rc = GetNtmsObjectInformationA(h, &copy, &info);
  if (rc != ERROR_SUCCESS) throw std::runtime_error("GetNtmsObjectInformationA: " + std::to_string(rc));
  return info;
}

SmallEnv& Small() {
  static SmallEnv* env = [] {
    auto* e = new SmallEnv;
    e->daemon = std::make_unique<Daemon>(MakeTempDir("/tmp", "small"), SimSpec{});
    e->start_seconds = e->daemon->Start();
    e->session = OpenSessionOn(*e->daemon);
    for (const auto& id : List(e->session, nullptr, NTMS_LIBRARY))
      if (std::string(Info(e->session, id).szName) == "sim0") e->library = id;
    auto drives = List(e->session, &e->library, NTMS_DRIVE);
    e->drives.resize(drives.size());
    for (const auto& d : drives) e->drives.at(Info(e->session, d).Info.Drive.Number) = d;
    for (const auto& m : List(e->session, &e->library, NTMS_PHYSICAL_MEDIA))
      if (std::string(Info(e->session, m).Info.PhysicalMedia.szBarCode) == "A00001L6") e->media = m;
    return e;
  }();
  return *env;
}

void Latencies::Report(benchmark::State& state, const std::string& prefix) {
  if (ns_.empty()) return;
  state.counters[prefix + "p50_us"] = PercentileUs(50);
  state.counters[prefix + "p90_us"] = PercentileUs(90);
  state.counters[prefix + "p99_us"] = PercentileUs(99);
  state.counters[prefix + "samples"] = double(ns_.size());
}

double Latencies::PercentileUs(double p) {
  if (ns_.empty()) return 0;
  std::sort(ns_.begin(), ns_.end());
  // Nearest rank.
  size_t rank = size_t(std::ceil(p / 100.0 * double(ns_.size())));
  if (rank == 0) rank = 1;
  return ns_[std::min(rank, ns_.size()) - 1] / 1000.0;
}

bool Check(benchmark::State& state, unsigned long rc, const char* what) {
  if (rc == 0) return true;
  state.SkipWithError((std::string(what) + " failed: " + std::to_string(rc)).c_str());
  return false;
}

NTMS_GUID ToNtms(const openrsm::Guid& g) {
  NTMS_GUID n;
  g.ToRaw(&n);
  return n;
}
openrsm::Guid FromNtms(const NTMS_GUID& g) { return openrsm::Guid::FromRaw(&g); }

}  // namespace rsmbench
