#include "daemon/graph.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "catalog/store.h"
#include "devices/scsi/scsi_library.h"
#include "devices/sim/sim_library.h"

namespace openrsm::daemon {

Result<std::unique_ptr<catalog::Store>> OpenCatalogue(const Config& config, Clock* clock,
                                                      const service::ServiceSeams& seams) {
  std::error_code ec;
  std::filesystem::create_directories(config.state_dir, ec);
  if (ec)
    return Status(err::kDatabaseFailure, fmt::format("cannot create state_dir {}: {}", config.state_dir, ec.message()));
  if (config.catalog_backend != "sqlite")
    return Status(err::kNotSupported, "catalog backend '" + config.catalog_backend + "' is not supported yet");
  catalog::SqliteOptions opts;
  opts.path = config.state_dir + "/catalog.db";
  opts.max_pages = 0;  // the cap is applied after start-up (Service::Start)
  opts.reserve_bytes = config.reserve_bytes;
  opts.backup_dir = config.backup.dir;
  opts.clock = clock;
  RSM_ASSIGN_OR_RETURN(auto store, catalog::OpenSqliteStore(opts));
  if (seams.wrap_store) store = seams.wrap_store(std::move(store));
  return store;
}

namespace {

Status OpenSim(const Config& config, Clock* clock, const service::ServiceSeams& seams, service::LibraryRuntime& rt) {
  const LibraryConfig& lc = rt.config;
  devices::sim::SimConfig sc;
  sc.name = lc.name;
  sc.state_file = lc.sim_state_file.empty() ? config.state_dir + "/sim-" + lc.name + ".json" : lc.sim_state_file;
  sc.drives = lc.standalone ? 1 : lc.drives;
  sc.slots = lc.slots;
  sc.ieports = lc.ieports;
  sc.standalone = lc.standalone;
  sc.media = lc.media;
  sc.time_scale = lc.time_scale;
  sc.durable_state = lc.sim_durable_state;
  sc.serial_prefix = "SIM" + lc.name;
  auto devs = devices::sim::MakeSimLibrary(sc, clock, seams.sim_faults ? seams.sim_faults(lc) : nullptr);
  if (!devs.ok()) return Status(devs.status().code(), fmt::format("library {}: {}", lc.name, devs.status().message()));
  if (seams.wrap_devices) seams.wrap_devices(lc, *devs);
  rt.devices = std::move(*devs);
  rt.PublishDevices();
  return Status::Ok();
}

// A device that cannot be opened leaves the library offline with the reason;
// the daemon still starts. A bad timeouts table is a configuration error.
Status OpenScsi(catalog::Store* store, const service::ServiceSeams& seams, service::LibraryRuntime& rt) {
  const LibraryConfig& lc = rt.config;
  auto opts = devices::scsi::OptionsFor(lc);
  if (!opts.ok()) return opts.status();
  rt.progress = std::make_shared<service::RequestProgress>(store);
  opts->device.progress = rt.progress;
  // The same factory reopens the devices later (LibraryWorker::MaybeReopen).
  rt.open = [lc, o = *opts, wrap = seams.wrap_devices]() -> Result<devices::LibraryDevices> {
    auto devs = lc.kind == "iscsi" ? devices::scsi::MakeIscsiLibrary(lc, o)
                                   : devices::scsi::MakeSgLibrary(lc, devices::scsi::RealScsiOs(), o);
    if (devs.ok() && wrap) wrap(lc, *devs);
    return devs;
  };
  auto devs = rt.open();
  if (devs.ok()) {
    rt.devices = std::move(*devs);
    rt.PublishDevices();
  } else {
    rt.offline_reason = devs.status().message();
    spdlog::error("library {}: {}; it stays offline", lc.name, devs.status().ToString());
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::unique_ptr<service::LibraryRuntime>>> OpenLibraries(const Config& config, Clock* clock,
                                                                            catalog::Store* store,
                                                                            const service::ServiceSeams& seams) {
  std::vector<std::unique_ptr<service::LibraryRuntime>> out;
  for (const auto& lc : config.libraries) {
    auto rt = std::make_unique<service::LibraryRuntime>();
    rt->config = lc;
    if (lc.kind == "sim") {
      RSM_RETURN_IF_ERROR(OpenSim(config, clock, seams, *rt));
    } else if (lc.kind == "iscsi" || lc.kind == "sg") {
      RSM_RETURN_IF_ERROR(OpenScsi(store, seams, *rt));
    } else {
      spdlog::error("library {}: kind '{}' is not supported by this build yet; it stays offline", lc.name, lc.kind);
    }
    out.push_back(std::move(rt));
  }
  return out;
}

}  // namespace openrsm::daemon
