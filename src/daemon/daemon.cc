#include "daemon/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "catalog/store.h"
#include "common/clock.h"
#include "common/config.h"
#include "daemon/graph.h"

namespace openrsm::daemon {

namespace {

// Takes an exclusive lock on `path` (created if missing) for the life of the
// process and writes our pid into it. Returns -1 when another process holds
// it (*holder: the pid the file names) and -2 when the file cannot be opened
// (*holder: why).
int LockFile(const std::string& path, std::string* holder) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *holder = std::strerror(errno);
    return -2;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {0};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    *holder = n > 0 ? "pid " + std::string(buf, size_t(n)) : "another process";
    while (!holder->empty() && (holder->back() == '\n' || holder->back() == ' ')) holder->pop_back();
    ::close(fd);
    return -1;
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The lock is what matters; the pid is for the message of a second daemon.
  }
  return fd;
}

// Raises the descriptor limit to its hard maximum: every connection costs
// two (gRPC's and the hang-up watch).
void RaiseFileLimit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

int Run(int argc, char** argv, const char* name, Wiring wiring) {
  // libntmsapi sets these for its own processes (fork safety); a daemon
  // started from such a process inherits them. rsmd serves many connections:
  // the epoll engine, and no fork handlers (it never forks).
  setenv("GRPC_POLL_STRATEGY", "epoll1", 1);
  unsetenv("GRPC_ENABLE_FORK_SUPPORT");
  CLI::App app{std::string(name) + ": OpenRSM removable storage manager daemon"};
  std::string config_path, log_level = "info";
  app.add_option("--config", config_path, "TOML configuration file (default: embedded sim library)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  std::string restore_from;  // docs/catalog.md "Safety"
  app.add_option("--restore-catalog", restore_from,
                 "install FILE (a backup or rescue copy) as the state dir's catalogue, then exit");
  CLI11_PARSE(app, argc, argv);

  auto logger = spdlog::stderr_color_mt(name);
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));

  Config config;
  if (config_path.empty()) {
    config = DefaultConfig();
    spdlog::info("no --config: embedded default (SQLite in {}, simulated library sim0)", config.state_dir);
  } else {
    auto c = LoadConfig(config_path);
    if (!c.ok()) {
      spdlog::critical("{}", c.status().ToString());
      return 2;
    }
    config = std::move(*c);
  }
  if (!restore_from.empty()) {
    auto done = catalog::RestoreSqliteCatalog(config.state_dir, restore_from, RealClock());
    if (!done.ok()) spdlog::critical("restore failed: {}", done.status().ToString());
    if (done.ok()) std::fputs(done->c_str(), stdout);
    return done.ok() ? 0 : 1;
  }

  // Block the stop signals in every thread; main waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  RaiseFileLimit();

  // 1. One daemon per state directory and per socket, decided before
  //    anything is touched.
  std::error_code ec;
  std::filesystem::create_directories(config.state_dir, ec);
  if (ec) {
    spdlog::critical("cannot create state_dir {}: {}", config.state_dir, ec.message());
    return 1;
  }
  std::string holder;
  int state_lock = LockFile(config.state_dir + "/rsmd.lock", &holder);
  if (state_lock == -2) {
    spdlog::critical("cannot create {}/rsmd.lock: {}", config.state_dir, holder);
    return 1;
  }
  if (state_lock < 0) {
    spdlog::critical("state directory {} is in use by another rsmd ({}); refusing to start", config.state_dir, holder);
    return 1;
  }
  rpc::RpcServer server(nullptr, config.limits);  // bound to the service below
  if (wiring.server_extension)
    server.SetExtension([&server, &wiring](grpc::ServerBuilder& b) { wiring.server_extension(server, b); });
  {
    auto socket_dir = std::filesystem::path(config.socket).parent_path();
    if (!socket_dir.empty()) std::filesystem::create_directories(socket_dir, ec);
    if (ec) {
      spdlog::critical("cannot serve on {}: cannot create {}: {}", config.socket, socket_dir.string(), ec.message());
      return 1;
    }
    int socket_lock = LockFile(config.socket + ".lock", &holder);
    if (socket_lock == -2) {
      spdlog::critical("cannot serve on {}: cannot create {}.lock: {}", config.socket, config.socket, holder);
      return 1;
    }
    if (socket_lock < 0) {
      spdlog::critical("socket {} is in use by another rsmd ({}); refusing to start", config.socket, holder);
      return 1;
    }
    (void)socket_lock;  // held until exit
  }
  if (auto st = server.Listen(config.socket); !st.ok()) {
    spdlog::critical("cannot serve on {}: {}", config.socket, st.message());
    return 1;
  }

  // 2. The catalogue; 3. the libraries' devices; 4. the service, which owns
  // them from here and stops its workers before they go; 5. the RPC server.
  auto store = OpenCatalogue(config, RealClock(), wiring.seams);
  if (!store.ok()) {
    spdlog::critical("cannot start: {}", store.status().ToString());
    return 1;
  }
  auto libraries = OpenLibraries(config, RealClock(), store->get(), wiring.seams);
  if (!libraries.ok()) {
    spdlog::critical("cannot start: {}", libraries.status().ToString());
    return 1;
  }
  auto service = service::Service::Create(config, RealClock(), std::move(*store), std::move(*libraries));
  if (!service.ok()) {
    spdlog::critical("cannot start: {}", service.status().ToString());
    return 1;
  }
  if (auto st = (*service)->Start(); !st.ok()) {
    spdlog::critical("start-up failed: {}", st.ToString());
    return 1;
  }
  server.SetService(service->get());
  if (auto st = server.Serve(); !st.ok()) {
    spdlog::critical("cannot serve on {}: {}", config.socket, st.ToString());
    return 1;
  }
  spdlog::info("{} ready on {} (state in {})", name, config.socket, config.state_dir);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {}: stopping", sig);
  // In reverse: answer the waiting calls, stop the RPC server, stop the
  // workers; the service then releases the devices and the catalogue.
  (*service)->CancelWaits();
  server.Stop();
  (*service)->Stop();
  service->reset();
  spdlog::info("{} stopped", name);
  return 0;
}

}  // namespace openrsm::daemon
