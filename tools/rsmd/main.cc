// rsmd: the OpenRSM daemon. Reads the config, builds the object graph in a
// visible order (catalogue, devices, service, RPC server), runs in the
// foreground logging to stderr, and stops in reverse order on SIGTERM/SIGINT.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "catalog/store.h"
#include "common/clock.h"
#include "common/config.h"
#include "rpc/server/server.h"
#include "service/service.h"

int main(int argc, char** argv) {
  CLI::App app{"rsmd: OpenRSM removable storage manager daemon"};
  std::string config_path, log_level = "info";
  app.add_option("--config", config_path, "TOML configuration file (default: embedded sim library)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  std::string restore_from;  // docs/catalog.md "Safety"
  app.add_option("--restore-catalog", restore_from,
                 "install FILE (a backup or rescue copy) as the state dir's catalogue, then exit");
  CLI11_PARSE(app, argc, argv);

  auto logger = spdlog::stderr_color_mt("rsmd");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));

  openrsm::Config config;
  if (config_path.empty()) {
    config = openrsm::DefaultConfig();
    spdlog::info("no --config: embedded default (SQLite in {}, simulated library sim0)", config.state_dir);
  } else {
    auto c = openrsm::LoadConfig(config_path);
    if (!c.ok()) {
      spdlog::critical("{}", c.status().ToString());
      return 2;
    }
    config = std::move(*c);
  }
  if (!restore_from.empty()) {
    auto done = openrsm::catalog::RestoreSqliteCatalog(config.state_dir, restore_from, openrsm::RealClock());
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

  auto service = openrsm::service::Service::Create(config, openrsm::RealClock());
  if (!service.ok()) {
    spdlog::critical("cannot start: {}", service.status().ToString());
    return 1;
  }
  if (auto st = (*service)->Start(); !st.ok()) {
    spdlog::critical("start-up failed: {}", st.ToString());
    return 1;
  }
  openrsm::rpc::RpcServer server(service->get());
  if (auto st = server.Start(config.socket); !st.ok()) {
    spdlog::critical("cannot serve on {}: {}", config.socket, st.ToString());
    return 1;
  }
  spdlog::info("rsmd ready on {} (state in {})", config.socket, config.state_dir);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {}: stopping", sig);
  (*service)->Stop();
  server.Stop();
  spdlog::info("rsmd stopped");
  return 0;
}
