#include "service/service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <new>
#include <optional>
#include <set>
#include <thread>

#include "catalog/ntms_values.h"
#include "devices/scsi/scsi_library.h"
#include "devices/sim/sim_library.h"
#include "service/api_checks.h"
#include "service/object_info.h"
#include "service/worker.h"

namespace openrsm::service {

namespace {

constexpr uint32_t kWaitForever = 0xFFFFFFFFu;

}  // namespace

Service::Service(const Config& config, Clock* clock)
    : config_(config), clock_(clock), security_(config.admin_group) {}

Service::~Service() { Stop(); }

Result<std::unique_ptr<Service>> Service::Create(const Config& config, Clock* clock) {
  std::unique_ptr<Service> s(new Service(config, clock));
  std::error_code ec;
  std::filesystem::create_directories(config.state_dir, ec);
  if (ec) return Err(err::kDatabaseFailure, fmt::format("cannot create state_dir {}: {}", config.state_dir, ec.message()));
  if (config.catalog_backend != "sqlite")
    return Err(err::kNotSupported, "catalog backend '" + config.catalog_backend + "' is not supported yet");
  catalog::SqliteOptions opts;
  opts.path = config.state_dir + "/catalog.db";
  opts.max_pages = 0;  // the cap is applied after start-up (see Start)
  RSM_ASSIGN_OR_RETURN(s->store_, catalog::OpenSqliteStore(opts));
  for (const auto& lc : config.libraries) {
    auto rt = std::make_unique<LibraryRuntime>();
    rt->config = lc;
    if (lc.kind == "sim") {
      devices::sim::SimConfig sc;
      sc.name = lc.name;
      sc.state_file = config.state_dir + "/sim-" + lc.name + ".json";
      sc.drives = lc.standalone ? 1 : lc.drives;
      sc.slots = lc.slots;
      sc.ieports = lc.ieports;
      sc.standalone = lc.standalone;
      sc.media = lc.media;
      sc.time_scale = lc.time_scale;
      sc.serial_prefix = "SIM" + lc.name;
      rt->sim_faults = std::make_shared<devices::sim::SimFaults>();
      auto devs = devices::sim::MakeSimLibrary(sc, clock, rt->sim_faults);
      if (!devs.ok()) return Err(devs.status().code(), fmt::format("library {}: {}", lc.name, devs.status().message()));
      rt->devices = std::move(*devs);
      rt->PublishDevices();
    } else if (lc.kind == "iscsi" || lc.kind == "sg") {
      // A device that cannot be opened leaves the library offline with the
      // reason; the daemon still starts.
      // A bad timeouts table is a configuration error: rsmd does not start.
      auto opts = devices::scsi::OptionsFor(lc);
      if (!opts.ok()) return Err(opts.status().code(), opts.status().message());
      rt->progress = std::make_shared<RequestProgress>(s->store_.get());
      opts->device.progress = rt->progress;
      // The same factory reopens the devices later (LibraryWorker::MaybeReopen).
      rt->open = [lc, o = *opts]() -> Result<devices::LibraryDevices> {
        return lc.kind == "iscsi" ? devices::scsi::MakeIscsiLibrary(lc, o)
                                  : devices::scsi::MakeSgLibrary(lc, devices::scsi::RealScsiOs(), o);
      };
      auto devs = rt->open();
      if (devs.ok()) {
        rt->devices = std::move(*devs);
        rt->PublishDevices();
      } else {
        rt->offline_reason = devs.status().message();
        spdlog::error("library {}: {}; it stays offline", lc.name, devs.status().ToString());
      }
    } else {
      spdlog::error("library {}: kind '{}' is not supported by this build yet; it stays offline", lc.name, lc.kind);
    }
    s->libraries_.push_back(std::move(rt));
  }
  return s;
}

LibraryRuntime* Service::RuntimeFor(const Guid& library) {
  for (auto& l : libraries_)
    if (l->id == library) return l.get();
  return nullptr;
}

// ---- start-up -------------------------------------------------------------------

namespace {

Result<Guid> EnsurePool(catalog::Txn& txn, const std::string& name, uint32_t type, const Guid& parent,
                        const Guid& media_type, int64_t now) {
  RSM_ASSIGN_OR_RETURN(auto pools, txn.ListMediaPools(parent));
  for (const auto& p : pools)
    if (p.h.name == name) return p.h.id;
  catalog::MediaPool p;
  p.h.id = Guid::New();
  p.h.name = name;
  p.h.created_ms = p.h.modified_ms = now;
  p.pool_type = type;
  p.parent = parent;
  p.media_type = media_type;
  RSM_RETURN_IF_ERROR(txn.PutMediaPool(p));
  return p.h.id;
}

Result<SystemObjects> EnsureSystemObjects(catalog::Txn& txn, int64_t now) {
  auto comp = txn.GetComputer();
  if (!comp.ok()) {
    if (comp.status().code() != err::kObjectNotFound) return comp.status();
    catalog::Computer c;
    c.h.id = Guid::New();
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    c.h.name = host;
    c.h.created_ms = c.h.modified_ms = now;
    RSM_RETURN_IF_ERROR(txn.PutComputer(c));
  }
  SystemObjects sys;
  RSM_ASSIGN_OR_RETURN(auto types, txn.ListMediaTypes());
  for (const auto& t : types)
    if (t.h.name == "LTO Ultrium") sys.media_type = t.h.id;
  if (sys.media_type.IsNull()) {
    catalog::MediaType t;
    t.h.id = Guid::New();
    t.h.name = "LTO Ultrium";
    t.h.description = "LTO Ultrium tape cartridge";
    t.h.created_ms = t.h.modified_ms = now;
    t.sides = 1;
    t.read_write = 1;
    RSM_RETURN_IF_ERROR(txn.PutMediaType(t));
    sys.media_type = t.h.id;
  }
  RSM_ASSIGN_OR_RETURN(Guid free_top, EnsurePool(txn, "Free", ntms::kPoolScratch, Guid(), Guid(), now));
  RSM_ASSIGN_OR_RETURN(Guid import_top, EnsurePool(txn, "Import", ntms::kPoolImport, Guid(), Guid(), now));
  RSM_ASSIGN_OR_RETURN(Guid unrec_top, EnsurePool(txn, "Unrecognized", ntms::kPoolForeign, Guid(), Guid(), now));
  RSM_ASSIGN_OR_RETURN(sys.free_pool, EnsurePool(txn, "LTO Ultrium", ntms::kPoolScratch, free_top, sys.media_type, now));
  RSM_ASSIGN_OR_RETURN(sys.import_pool, EnsurePool(txn, "LTO Ultrium", ntms::kPoolImport, import_top, sys.media_type, now));
  RSM_ASSIGN_OR_RETURN(sys.unrecognized_pool,
                       EnsurePool(txn, "LTO Ultrium", ntms::kPoolForeign, unrec_top, sys.media_type, now));
  return sys;
}

catalog::ObjectHeader NewHeader(const std::string& name, int64_t now) {
  catalog::ObjectHeader h;
  h.id = Guid::New();
  h.name = name;
  h.created_ms = h.modified_ms = now;
  return h;
}

}  // namespace

Status RegisterLibrary(catalog::Store& store, Clock& clock, LibraryRuntime& rt) {
  int64_t now = clock.NowMillis();
  RSM_ASSIGN_OR_RETURN(auto txn, store.Begin(true));
  RSM_ASSIGN_OR_RETURN(auto found, txn->FindLibraryByName(rt.config.name));
  catalog::Library lib;
  if (found) {
    lib = *found;
  } else {
    lib.h = NewHeader(rt.config.name, now);
    lib.h.description = fmt::format("{} library", rt.config.kind);
  }
  // Called on the thread that filled `devices` (start-up, or the worker that reopened them).
  bool have_device = rt.HasDevices();
  lib.kind = rt.config.kind;
  lib.library_type = rt.config.standalone ? ntms::kLibTypeStandalone : ntms::kLibTypeOnline;
  lib.h.op_state = have_device ? ntms::kInitializing : ntms::kNeedsService;
  lib.offline_reason = have_device                    ? ""
                       : !rt.offline_reason.empty() ? rt.offline_reason
                                                    : "library kind not supported by this build";
  lib.needs_inventory = true;
  if (rt.id.IsNull()) rt.id = lib.h.id;  // start-up; a reopen finds the same row by name
  RSM_RETURN_IF_ERROR(txn->PutLibrary(lib));

  uint32_t ndrives = uint32_t(rt.devices.drives.size());
  uint32_t nslots = 0, nports = 0;
  if (rt.devices.changer) {
    RSM_ASSIGN_OR_RETURN(auto layout, rt.devices.changer->Layout());
    nslots = layout.slots;
    nports = layout.ieports;
    RSM_ASSIGN_OR_RETURN(auto changers, txn->ListChangers(lib.h.id));
    catalog::Changer ch = changers.empty() ? catalog::Changer{} : changers.front();
    if (changers.empty()) ch.h = NewHeader(rt.config.name + " changer", now);
    ch.library = lib.h.id;
    ch.serial = layout.serial;
    ch.device_name = layout.vendor + " " + layout.product;
    RSM_RETURN_IF_ERROR(txn->PutChanger(ch));
  }
  RSM_ASSIGN_OR_RETURN(auto drives, txn->ListDrives(lib.h.id));
  for (uint32_t i = uint32_t(drives.size()); i < ndrives; ++i) {
    catalog::Drive d;
    d.h = NewHeader(fmt::format("{} drive {}", rt.config.name, i), now);
    d.library = lib.h.id;
    d.number = i;
    // A drive element with no drive behind it (nullptr) is catalogued disabled.
    if (!rt.devices.drives[i]) d.h.enabled = false;
    auto id = rt.devices.drives[i] ? rt.devices.drives[i]->Identity()
                                   : Result<devices::DriveIdentity>(Status(err::kDeviceNotAvailable, "no drive"));
    if (id.ok()) {
      d.serial = id->serial;
      d.device_name = id->device_name;
    }
    RSM_RETURN_IF_ERROR(txn->PutDrive(d));
  }
  RSM_ASSIGN_OR_RETURN(auto slots, txn->ListSlots(lib.h.id));
  for (uint32_t i = uint32_t(slots.size()); i < nslots; ++i) {
    catalog::Slot s;
    s.h = NewHeader(fmt::format("{} slot {}", rt.config.name, i + 1), now);
    s.library = lib.h.id;
    s.number = i;
    s.state = ntms::kSlotNeedsInventory;
    RSM_RETURN_IF_ERROR(txn->PutSlot(s));
  }
  RSM_ASSIGN_OR_RETURN(auto ports, txn->ListIePorts(lib.h.id));
  for (uint32_t i = uint32_t(ports.size()); i < nports; ++i) {
    catalog::IePort p;
    p.h = NewHeader(fmt::format("{} ieport {}", rt.config.name, i + 1), now);
    p.library = lib.h.id;
    p.number = i;
    p.state = ntms::kPortUnlocked;
    RSM_RETURN_IF_ERROR(txn->PutIePort(p));
  }
  // Access entries: none by default (the Security defaults apply).
  return txn->Commit();
}

Status Service::MarkRemovedLibraries() {
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
  RSM_ASSIGN_OR_RETURN(auto libs, txn->ListLibraries());
  for (auto& l : libs) {
    bool configured = std::any_of(libraries_.begin(), libraries_.end(),
                                  [&](const auto& rt) { return rt->id == l.h.id; });
    if (!configured && l.h.op_state != ntms::kNotPresent) {
      spdlog::warn("library {} is in the catalogue but not configured: marked not present", l.h.name);
      l.h.op_state = ntms::kNotPresent;
      l.h.modified_ms = clock_->NowMillis();
      RSM_RETURN_IF_ERROR(txn->PutLibrary(l));
    }
  }
  return txn->Commit();
}

Status Service::ApplyStartupRule() {
  // Requests that were running when the daemon stopped failed; queued ones
  // lost their callers and are cancelled. Nobody holds a mounted side now.
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
  RSM_ASSIGN_OR_RETURN(auto reqs, txn->ListLibRequests(Guid(), {ntms::kLmQueued, ntms::kLmWaiting, ntms::kLmInProcess,
                                                                  ntms::kLmDeferred}));
  int64_t now = clock_->NowMillis();
  for (auto& r : reqs) {
    bool running = r.state == ntms::kLmInProcess;
    r.state = running ? ntms::kLmFailed : ntms::kLmCancelled;
    r.error = err::kCancelled;
    r.completed_ms = now;
    RSM_RETURN_IF_ERROR(txn->PutLibRequest(r));
    if (running) {
      // The cartridge it moved may be anywhere between source and target.
      auto m = txn->GetPhysicalMedia(r.pmid);
      if (m.ok()) {
        m->needs_inventory = true;
        RSM_RETURN_IF_ERROR(txn->PutPhysicalMedia(*m));
      }
    }
    spdlog::info("start-up: request {} (op {}) {}", r.h.id.ToString(), r.operation, running ? "failed" : "cancelled");
  }
  RSM_RETURN_IF_ERROR(txn->ReleaseSidesHeldBy(Guid()).status());
  RSM_ASSIGN_OR_RETURN(uint64_t purged, PurgeOldLibRequests(*txn, now));
  if (purged) spdlog::info("start-up: purged {} completed library requests", purged);
  return txn->Commit();
}

Status Service::Start() {
  SystemObjects sys;
  {
    RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
    RSM_ASSIGN_OR_RETURN(sys, EnsureSystemObjects(*txn, clock_->NowMillis()));
    RSM_RETURN_IF_ERROR(txn->Commit());
  }
  for (auto& rt : libraries_) RSM_RETURN_IF_ERROR(RegisterLibrary(*store_, *clock_, *rt));
  RSM_RETURN_IF_ERROR(MarkRemovedLibraries());
  RSM_RETURN_IF_ERROR(ApplyStartupRule());
  for (auto& rt : libraries_) {
    rt->worker = std::make_unique<LibraryWorker>(rt.get(), store_.get(), &completions_, clock_, sys);
    if (!rt->HasDevices()) continue;  // offline; its worker tries to reopen it (SCSI)
    Status st = rt->worker->RunInventory();
    if (st.ok())
      spdlog::info("library {}: inventory done, catalogue reconciled", rt->config.name);
    else
      spdlog::error("library {}: start-up inventory failed: {}", rt->config.name, st.ToString());
  }
  if (config_.max_pages > 0) {
    // Applied after start-up, so the cap bounds growth from here on and the
    // start-up reconciliation itself cannot run out of pages.
    RSM_RETURN_IF_ERROR(store_->SetMaxPages(config_.max_pages));
  }
  for (auto& rt : libraries_) rt->worker->Start();
  return Status::Ok();
}

void Service::Stop() {
  if (stopping_.exchange(true)) return;
  for (auto& rt : libraries_)
    if (rt->worker) rt->worker->Stop();
  completions_.FinishAll(err::kCancelled);
}

void Service::MaybeInjectOom(const char* call) {
  std::lock_guard<std::mutex> lock(oom_mu_);
  auto it = oom_armed_.find(call);
  if (it == oom_armed_.end() || it->second <= 0) return;
  if (--it->second == 0) oom_armed_.erase(it);
  throw std::bad_alloc();
}

Status Service::Enqueue(catalog::Txn& txn, catalog::LibRequest& req, const Session& s) {
  int64_t now = clock_->NowMillis();
  req.h.id = Guid::New();
  req.h.name = fmt::format("request {}", req.h.id.ToString().substr(0, 8));
  req.h.created_ms = req.h.modified_ms = now;
  req.state = ntms::kLmQueued;
  req.queued_ms = now;
  req.application = s.application;
  req.user = s.user;
  req.computer = s.computer;
  req.session = s.id;
  return txn.PutLibRequest(req);
}

Status Service::WaitForRequest(const Guid& request, uint32_t timeout_ms, Guid* drive) {
  auto deadline = timeout_ms == kWaitForever ? std::chrono::steady_clock::time_point::max()
                                             : std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto r = completions_.Wait(request, deadline);
  if (r) {
    if (drive) *drive = r->drive;
    return r->error == err::kSuccess ? Status::Ok() : Status(r->error, "library request failed");
  }
  // Timed out: cancel the request if the worker has not taken it yet.
  auto txn = store_->Begin(true);
  if (txn.ok()) {
    auto req = (*txn)->GetLibRequest(request);
    if (req.ok() && (req->state == ntms::kLmQueued || req->state == ntms::kLmWaiting)) {
      req->state = ntms::kLmCancelled;
      req->error = err::kTimeout;
      req->completed_ms = clock_->NowMillis();
      if ((*txn)->PutLibRequest(*req).ok()) (void)(*txn)->Commit();
    }
  }
  completions_.Forget(request);
  return Err(err::kTimeout, "the request did not complete in time");
}

// ---- sessions -------------------------------------------------------------------

Result<Guid> Service::OpenSession(const Peer& peer, const std::string& server, const std::string& application,
                                  const std::string& computer, uint32_t options) {
  if (application.size() > 63 || computer.size() > 63)
    return Err(err::kInvalidParameter, "application or computer name too long");
  if (options & ~1u) return Err(err::kInvalidParameter, "unknown session options");
  if (!server.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    if (server != host && server != "localhost" && server != "127.0.0.1")
      return Err(err::kInvalidComputerName, "remote servers are not supported: " + server);
  }
  MaybeInjectOom("OpenNtmsSession");
  return sessions_.Open(peer, application, computer, Security::UserName(peer.uid));
}

Status Service::CloseSession(const Peer& peer, const Guid& session) {
  if (!sessions_.Close(peer, session)) return Err(err::kInvalidHandle, "no such session");
  // Unwind the session's outstanding requests and release what it holds.
  auto txn = store_->Begin(true);
  if (!txn.ok()) return Status::Ok();  // the session is gone either way
  auto reqs = (*txn)->ListLibRequests(Guid(), {ntms::kLmQueued, ntms::kLmWaiting, ntms::kLmDeferred});
  std::vector<Guid> cancelled;
  // Only mounts are unwound: their callers wait for them. A queued dismount
  // (DismountNtmsMedia returns once it is queued) still takes the cartridge home.
  // Ejects gathered with NTMS_EJECT_QUEUE that no START began are dropped.
  if (reqs.ok())
    for (auto& r : *reqs)
      if (r.session == session && (r.operation == ntms::kLmMount || r.state == ntms::kLmDeferred)) {
        r.state = ntms::kLmCancelled;
        r.error = err::kCancelled;
        r.completed_ms = clock_->NowMillis();
        if ((*txn)->PutLibRequest(r).ok()) cancelled.push_back(r.h.id);
      }
  auto released = (*txn)->ReleaseSidesHeldBy(session);
  if (released.ok())
    for (const auto& pmid : *released) {
      auto m = (*txn)->GetPhysicalMedia(pmid);
      if (m.ok() && m->media_state == ntms::kMediaMounted) {
        m->media_state = ntms::kMediaLoaded;  // still in the drive, no longer in use
        (void)(*txn)->PutPhysicalMedia(*m);
      }
    }
  if ((*txn)->Commit().ok())
    for (const auto& id : cancelled) completions_.Finish(id, err::kCancelled);
  return Status::Ok();
}

Status Service::Ping(const Peer&) { return Status::Ok(); }

// ---- objects --------------------------------------------------------------------

Result<std::vector<Guid>> Service::Enumerate(const Peer& peer, const Guid& session, const Guid& container,
                                             uint32_t type) {
  RSM_RETURN_IF_ERROR(sessions_.Check(peer, session));
  // The containers each type may be enumerated in (EnumerateNtmsObject, dwType
  // table); 0 is the NULL container. The computer object is also accepted for
  // the top-level types it contains (libraries, pools).
  auto allowed = [&](uint32_t ctype) -> std::optional<bool> {
    switch (type) {
      case ntms::kChanger:
      case ntms::kDrive:
      case ntms::kIeDoor:
      case ntms::kIePort:
      case ntms::kLibRequest:
      case ntms::kStorageSlot:
      case ntms::kMediaType:
        return ctype == 0 || ctype == ntms::kLibrary;
      case ntms::kChangerType:
      case ntms::kComputer:
      case ntms::kDriveType:
      case ntms::kOpRequest:
        return ctype == 0;
      case ntms::kLibrary:
        return ctype == 0 || ctype == ntms::kComputer;
      case ntms::kMediaPool:
        return ctype == 0 || ctype == ntms::kMediaPool || ctype == ntms::kComputer;
      case ntms::kLogicalMedia:
        return ctype == 0 || ctype == ntms::kMediaPool || ctype == ntms::kPartition;
      case ntms::kPartition:
        return ctype == 0 || ctype == ntms::kLogicalMedia || ctype == ntms::kPhysicalMedia || ctype == ntms::kMediaPool;
      case ntms::kPhysicalMedia:
        return ctype == 0 || ctype == ntms::kMediaPool || ctype == ntms::kLibrary;
      default:
        return std::nullopt;  // NTMS_UNKNOWN, NTMS_OBJECT, NTMS_UI_DESTINATION, out of range
    }
  };
  if (!allowed(0)) return Err(err::kInvalidParameter, fmt::format("object type {} cannot be enumerated", type));
  MaybeInjectOom("EnumerateNtmsObject");
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(false));
  std::vector<Guid> ids;
  auto add = [&](const auto& v) {
    for (const auto& o : v) ids.push_back(o.h.id);
  };
  uint32_t ctype = 0;
  if (!container.IsNull()) {
    auto t = txn->TypeOf(container);
    if (!t.ok()) return NotFoundAs(t.status(), err::kObjectNotFound);
    ctype = *t;
  }
  if (!*allowed(ctype))
    return Err(err::kInvalidParameter,
               fmt::format("an object of type {} does not contain objects of type {}", ctype, type));
  Guid lib = ctype == ntms::kLibrary ? container : Guid();
  Guid pool = ctype == ntms::kMediaPool ? container : Guid();
  switch (type) {
    case ntms::kLibrary:
      { RSM_ASSIGN_OR_RETURN(auto v, txn->ListLibraries()); add(v); }
      break;
    case ntms::kDrive:
      { RSM_ASSIGN_OR_RETURN(auto v, txn->ListDrives(lib)); add(v); }
      break;
    case ntms::kStorageSlot:
      { RSM_ASSIGN_OR_RETURN(auto v, txn->ListSlots(lib)); add(v); }
      break;
    case ntms::kIePort:
      { RSM_ASSIGN_OR_RETURN(auto v, txn->ListIePorts(lib)); add(v); }
      break;
    case ntms::kChanger:
      { RSM_ASSIGN_OR_RETURN(auto v, txn->ListChangers(lib)); add(v); }
      break;
    case ntms::kLibRequest: {
      // Unfinished first, in queue order (priority, then arrival), then the
      // finished ones oldest first, so that a client reads what is pending and
      // the newest history without reading every request (docs/service.md
      // "Enumeration order of library requests"; rsm request list).
      RSM_ASSIGN_OR_RETURN(auto v, txn->ListLibRequests(lib, {}));
      auto finished = std::stable_partition(v.begin(), v.end(), [](const catalog::LibRequest& r) {
        return r.state == ntms::kLmQueued || r.state == ntms::kLmInProcess || r.state == ntms::kLmWaiting ||
               r.state == ntms::kLmDeferred;
      });
      std::sort(finished, v.end(),
                [](const catalog::LibRequest& a, const catalog::LibRequest& b) { return a.seq < b.seq; });
      add(v);
      break;
    }
    case ntms::kPhysicalMedia:
      { RSM_ASSIGN_OR_RETURN(ids, txn->ListPhysicalMediaIds(lib, pool)); }
      break;
    case ntms::kPartition:
      if (ctype == ntms::kPhysicalMedia) {
        RSM_ASSIGN_OR_RETURN(auto v, txn->ListPartitions(container));
        add(v);
      } else if (ctype != ntms::kLogicalMedia) {  // logical media are not modelled: no sides
        RSM_ASSIGN_OR_RETURN(ids, txn->ListPartitionIdsInPool(pool));
      }
      break;
    case ntms::kMediaPool:
      { RSM_ASSIGN_OR_RETURN(auto v, txn->ListMediaPools(pool)); add(v); }
      break;
    case ntms::kMediaType:
      { RSM_ASSIGN_OR_RETURN(auto v, txn->ListMediaTypes()); add(v); }
      break;
    case ntms::kComputer:
      { RSM_ASSIGN_OR_RETURN(auto c, txn->GetComputer()); ids.push_back(c.h.id); }
      break;
    default:
      break;  // types without objects in this catalogue yet: an empty list
  }
  return ids;
}

Status Service::GetObjectInfo(const Peer& peer, const Guid& session, const Guid& id, rpc::ObjectInfo* out,
                              uint32_t type_hint) {
  RSM_RETURN_IF_ERROR(sessions_.Check(peer, session));
  if (id.IsNull()) return Err(err::kInvalidParameter, "object id missing");
  MaybeInjectOom("GetNtmsObjectInformation");
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(false));
  // The object is read once: FillObjectInfo also reports what governs it. On
  // a failed access check the caller discards `out`. With the caller's type
  // hint the row is read directly (object ids are unique across kinds, so a
  // hit is the object); a miss falls back to the object_index lookup.
  Governing g;
  Status filled = Status(err::kObjectNotFound, "no hint");
  if (type_hint != 0) filled = FillObjectInfo(*txn, type_hint, id, out, &g);
  if (filled.code() == err::kObjectNotFound) {
    out->Clear();
    g = Governing();
    auto type = txn->TypeOf(id);
    if (!type.ok()) return type.status();
    filled = FillObjectInfo(*txn, *type, id, out, &g);
  }
  RSM_RETURN_IF_ERROR(filled);
  if (!g.library.IsNull()) RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, g.library, catalog::kRightUse));
  if (!g.pool.IsNull()) RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, g.pool, catalog::kRightUse));
  return Status::Ok();
}

Status Service::SetEnabled(const Peer& peer, const Guid& session, uint32_t type, const Guid& id, bool enable) {
  RSM_ASSIGN_OR_RETURN(Session s, sessions_.Get(peer, session));
  if (id.IsNull()) return Err(err::kInvalidParameter, "object id missing");
  if (type != ntms::kDrive && type != ntms::kLibrary && type != ntms::kPhysicalMedia)
    return Err(err::kInvalidParameter, "only drives, libraries and physical media can be enabled or disabled");
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
  auto actual = txn->TypeOf(id);
  if (!actual.ok()) return actual.status();
  if (*actual != type) return Err(err::kObjectNotFound, "no object of that type with this id");
  RSM_ASSIGN_OR_RETURN(Governing g, GoverningObjects(*txn, type, id));
  catalog::Library lib;
  if (!g.library.IsNull()) {
    RSM_ASSIGN_OR_RETURN(lib, txn->GetLibrary(g.library));
    RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, lib.h.id, catalog::kRightModify));
    if (!LibraryPresent(lib) || lib.h.op_state == ntms::kNeedsService)
      return Err(err::kLibraryOffline, "library " + lib.h.name + " is offline");
  } else if (!security_.IsAdmin(peer)) {
    return Err(err::kAccessDenied, "modifying offline media needs administrator rights");
  }
  MaybeInjectOom(enable ? "EnableNtmsObject" : "DisableNtmsObject");
  int64_t now = clock_->NowMillis();
  catalog::LibRequest req;
  req.library = g.library;
  auto flip = [&](catalog::ObjectHeader& h) -> Status {
    if (h.enabled == enable)
      return Err(err::kInvalidState, fmt::format("{} is already {}", h.name, enable ? "enabled" : "disabled"));
    h.enabled = enable;
    h.modified_ms = now;
    return Status::Ok();
  };
  if (type == ntms::kLibrary) {
    RSM_RETURN_IF_ERROR(flip(lib.h));
    RSM_RETURN_IF_ERROR(txn->PutLibrary(lib));
    req.operation = enable ? ntms::kLmEnableLibrary : ntms::kLmDisableLibrary;
  } else if (type == ntms::kDrive) {
    RSM_ASSIGN_OR_RETURN(auto d, txn->GetDrive(id));
    RSM_RETURN_IF_ERROR(flip(d.h));
    RSM_RETURN_IF_ERROR(txn->PutDrive(d));
    req.operation = enable ? ntms::kLmEnableDrive : ntms::kLmDisableDrive;
    req.drive = id;
  } else {
    RSM_ASSIGN_OR_RETURN(auto m, txn->GetPhysicalMedia(id));
    RSM_RETURN_IF_ERROR(flip(m.h));
    RSM_RETURN_IF_ERROR(txn->PutPhysicalMedia(m));
    req.operation = enable ? ntms::kLmEnableMedia : ntms::kLmDisableMedia;
    req.pmid = id;
  }
  // The state change is the whole operation; it is recorded as a completed request.
  RSM_RETURN_IF_ERROR(Enqueue(*txn, req, s));
  req.state = ntms::kLmPassed;
  req.completed_ms = now;
  RSM_RETURN_IF_ERROR(txn->PutLibRequest(req));
  return txn->Commit();
}

// ---- mount / dismount -------------------------------------------------------------

namespace {

struct ResolvedSide {
  catalog::PhysicalMedia media;
  catalog::Partition side;
};

// Resolves a side or physical-media id. ERROR_INVALID_MEDIA for anything else.
Result<ResolvedSide> ResolveSide(catalog::Txn& txn, const Guid& id) {
  auto t = txn.TypeOf(id);
  if (!t.ok()) return NotFoundAs(t.status(), err::kInvalidMedia);
  ResolvedSide r;
  if (*t == ntms::kPartition) {
    RSM_ASSIGN_OR_RETURN(r.side, txn.GetPartition(id));
    RSM_ASSIGN_OR_RETURN(r.media, txn.GetPhysicalMedia(r.side.pmid));
  } else if (*t == ntms::kPhysicalMedia) {
    RSM_ASSIGN_OR_RETURN(r.media, txn.GetPhysicalMedia(id));
    RSM_ASSIGN_OR_RETURN(auto parts, txn.ListPartitions(id));
    if (parts.empty()) return Err(err::kInvalidMedia, "cartridge has no sides");
    r.side = parts.front();
  } else {
    return Err(err::kInvalidMedia, "not a media side or cartridge id");
  }
  return r;
}

// Whether a request of `library` that the worker is running moves `pmid`.
Result<bool> BeingMoved(catalog::Txn& txn, const Guid& library, const Guid& pmid) {
  RSM_ASSIGN_OR_RETURN(auto running, txn.ListLibRequests(library, {ntms::kLmInProcess}));
  return std::any_of(running.begin(), running.end(), [&](const catalog::LibRequest& r) { return r.pmid == pmid; });
}

}  // namespace

Status Service::Mount(const Peer& peer, const Guid& session, const std::vector<Guid>& media_ids,
                      std::vector<Guid>* drives, uint32_t options, int32_t priority, uint32_t timeout_ms) {
  RSM_ASSIGN_OR_RETURN(Session s, sessions_.Get(peer, session));
  if (media_ids.empty() || drives->size() != media_ids.size())
    return Err(err::kInvalidParameter, "media and drive lists missing or of different lengths");
  if (priority < -15 || priority > 15) return Err(err::kInvalidParameter, "priority must be in -15..15");
  if (options & ~0x3Fu) return Err(err::kInvalidParameter, "unknown mount options");
  for (const auto& id : media_ids)
    if (id.IsNull()) return Err(err::kInvalidParameter, "media id missing");
  std::set<Guid> uniq(media_ids.begin(), media_ids.end());
  if (uniq.size() != media_ids.size()) return Err(err::kInvalidMedia, "the same media is listed twice");
  bool specific = options & ntms::kMountSpecificDrive;
  if (specific)
    for (const auto& d : *drives)
      if (d.IsNull()) return Err(err::kInvalidParameter, "NTMS_MOUNT_SPECIFIC_DRIVE needs a drive id per media");

  auto deadline = timeout_ms == kWaitForever ? std::chrono::steady_clock::time_point::max()
                                             : std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::vector<Guid> request_ids;
  // The enqueue commit need not be durable when the caller waits: it learns
  // nothing before the worker's claim, a synced commit that makes the enqueue
  // durable too; a crash before that loses only a request that start-up
  // would cancel, and the caller gets an error. NTMS_MOUNT_NOWAIT callers
  // are told at once, so their enqueue is synced.
  bool wait = !(options & ntms::kMountNoWait);
  for (;;) {
    // A busy mount waits for the next request completion (a dismount frees a
    // drive or a side) instead of sleeping a fixed interval.
    const uint64_t finished = completions_.FinishedCount();
    RSM_ASSIGN_OR_RETURN(auto txn, wait ? store_->BeginUnsynced() : store_->Begin(true));
    std::vector<ResolvedSide> sides;
    Guid library;
    bool busy = false;
    std::set<Guid> cartridges;
    for (size_t i = 0; i < media_ids.size(); ++i) {
      RSM_ASSIGN_OR_RETURN(auto r, ResolveSide(*txn, media_ids[i]));
      // A cartridge id and one of its side ids name the same media.
      if (!cartridges.insert(r.media.h.id).second)
        return Err(err::kInvalidMedia, r.media.h.name + " is listed twice");
      if (r.media.library.IsNull())
        return Err(err::kMediaOffline, r.media.h.name + " is not in an online library");
      auto lib = txn->GetLibrary(r.media.library);
      if (!lib.ok()) return NotFoundAs(lib.status(), err::kInvalidLibrary);
      if (!LibraryPresent(*lib)) return Err(err::kInvalidLibrary, "library " + lib->h.name + " is not present");
      if (!library.IsNull() && library != lib->h.id)
        return Err(err::kDriveMediaMismatch, "all media of one mount must be in one library");
      library = lib->h.id;
      RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, r.media.pool, catalog::kRightUse));
      RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, library, catalog::kRightUse));
      if (!lib->h.enabled) return Err(err::kResourceDisabled, "library " + lib->h.name + " is disabled");
      if (!LibraryOnline(*lib))
        return Err(err::kResourceNotAvailable, "library " + lib->h.name + " is offline: " + lib->offline_reason);
      if (!r.media.h.enabled) return Err(err::kResourceDisabled, r.media.h.name + " is disabled");
      if (r.media.needs_inventory) {
        // The worker marks a cartridge before it moves it and clears the mark
        // with the move's commit: while that request runs (a dismount taking
        // it home), the cartridge is busy, not lost, and the mount waits for
        // it like for a side in use. A mark no running request explains is a
        // location that only an inventory can tell.
        RSM_ASSIGN_OR_RETURN(bool moving, BeingMoved(*txn, library, r.media.h.id));
        if (!moving)
          return Err(err::kMediaOffline, r.media.h.name + ": location unknown until the library is inventoried");
        busy = true;
      }
      if ((options & ntms::kMountWrite) && r.side.state == ntms::kPartComplete)
        return Err(err::kWriteProtect, "side is complete and cannot be mounted for writing");
      if (specific) {
        auto dt = txn->TypeOf((*drives)[i]);
        if (!dt.ok()) return NotFoundAs(dt.status(), err::kInvalidDrive);
        if (*dt != ntms::kDrive) return Err(err::kInvalidDrive, "not a drive id");
        RSM_ASSIGN_OR_RETURN(auto d, txn->GetDrive((*drives)[i]));
        if (d.library != library) return Err(err::kDriveMediaMismatch, "drive and media are in different libraries");
        if (!d.h.enabled) return Err(err::kResourceDisabled, d.h.name + " is disabled");
        if (!d.media.IsNull() && d.media != r.media.h.id) busy = true;
      }
      if (!r.side.in_use_by.IsNull()) busy = true;
      sides.push_back(std::move(r));
    }
    if (!specific && !busy) {
      // Is there a drive this mount can use now (or the cartridge already sits in one)?
      size_t need = 0;
      for (const auto& r : sides)
        if (r.media.location_type != ntms::kDrive) ++need;
      uint64_t free_drives = 0;
      if (need > 0) {
        RSM_ASSIGN_OR_RETURN(free_drives, txn->CountFreeDrives(library));
      }
      if (need > free_drives) {
        RSM_ASSIGN_OR_RETURN(auto ds, txn->ListDrives(library));
        bool any_enabled = std::any_of(ds.begin(), ds.end(), [](const auto& d) { return d.h.enabled; });
        if (!any_enabled) return Err(err::kResourceDisabled, "every drive of the library is disabled");
        busy = true;
      }
    }
    if (busy) {
      if ((options & ntms::kMountErrorNotAvailable) || std::chrono::steady_clock::now() >= deadline)
        return Err(err::kBusy, "media in use or no drive available");
      txn.reset();
      // CloseNtmsSession from another thread cancels a mount that is still waiting.
      if (!sessions_.Get(peer, session).ok()) return Err(err::kCancelled, "the session was closed");
      // 20 ms bounds the wait for changes that complete no request (a session
      // closed, a drive enabled) and keeps the deadline check above close.
      completions_.WaitForAnyFinish(finished, std::chrono::milliseconds(20));
      continue;
    }
    MaybeInjectOom("MountNtmsMedia");
    for (size_t i = 0; i < sides.size(); ++i) {
      catalog::LibRequest req;
      req.operation = ntms::kLmMount;
      req.option = options;
      req.priority = priority;
      req.library = library;
      req.pmid = sides[i].media.h.id;
      req.partition = sides[i].side.h.id;
      if (specific) req.drive = (*drives)[i];
      RSM_RETURN_IF_ERROR(Enqueue(*txn, req, s));
      request_ids.push_back(req.h.id);
    }
    for (const auto& id : request_ids) completions_.Expect(id);
    Status st = txn->Commit();
    if (!st.ok()) {
      for (const auto& id : request_ids) completions_.Forget(id);
      return st;
    }
    if (auto* rt = RuntimeFor(library); rt && rt->worker) rt->worker->Wake();
    break;
  }
  if (options & ntms::kMountNoWait) {
    for (const auto& id : request_ids) completions_.Forget(id);
    return Status::Ok();
  }
  Status result = Status::Ok();
  std::vector<Guid> done_drives(request_ids.size());
  for (size_t i = 0; i < request_ids.size(); ++i) {
    const Guid& id = request_ids[i];
    auto now = std::chrono::steady_clock::now();
    uint32_t left = deadline == std::chrono::steady_clock::time_point::max()
                        ? kWaitForever
                        : uint32_t(std::max<int64_t>(
                              0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count()));
    Status st = WaitForRequest(id, left, &done_drives[i]);
    if (!st.ok() && result.ok()) result = st;
  }
  // A session closed while its mount ran gets nothing held for it.
  if (result.ok() && !sessions_.Get(peer, session).ok()) result = Err(err::kCancelled, "the session was closed");
  if (!result.ok()) {
    // The mount failed or was given up as a whole: it must leave nothing held.
    // A request the worker is still running gets its error set, which tells
    // DoMount not to move, or, if the cartridge already moved, to record where
    // it is without holding the side. One that already passed is released
    // here, as a deferred dismount would.
    auto txn = store_->Begin(true);
    if (txn.ok()) {
      Status wst = Status::Ok();
      for (const auto& id : request_ids) {
        auto req = (*txn)->GetLibRequest(id);
        if (!req.ok() || !wst.ok()) continue;
        if (req->state == ntms::kLmInProcess) {
          req->error = result.code();
          wst = (*txn)->PutLibRequest(*req);
        } else if (req->state == ntms::kLmPassed) {
          auto p = (*txn)->GetPartition(req->partition);
          if (p.ok() && p->in_use_by == s.id) {
            p->in_use_by = Guid();
            wst = (*txn)->PutPartition(*p);
          }
          auto d = (*txn)->GetDrive(req->drive);
          if (wst.ok() && d.ok() && d->media == req->pmid && d->state == ntms::kDriveLoaded) {
            d->state = ntms::kDriveDismountable;
            wst = (*txn)->PutDrive(*d);
          }
          auto m = (*txn)->GetPhysicalMedia(req->pmid);
          if (wst.ok() && m.ok() && m->location == req->drive && m->media_state == ntms::kMediaMounted) {
            m->media_state = ntms::kMediaLoaded;
            wst = (*txn)->PutPhysicalMedia(*m);
          }
        }
      }
      if (wst.ok()) wst = (*txn)->Commit();
      if (!wst.ok()) spdlog::error("mount: cannot release what a failed mount holds: {}", wst.ToString());
    }
    // Outcomes of the library request outside MountNtmsMedia's documented set
    // (device errors) are reported as an unexpected device state; the request
    // keeps the precise code.
    switch (result.code()) {
      case err::kTimeout:
      case err::kCancelled:
      case err::kBusy:
      case err::kInvalidMedia:
      case err::kInvalidDrive:
      case err::kInvalidLibrary:
      case err::kDriveMediaMismatch:
      case err::kMediaOffline:
      case err::kResourceDisabled:
      case err::kResourceNotAvailable:
      case err::kWriteProtect:
      case err::kInvalidState:
      case err::kDatabaseFailure:
      case err::kDatabaseFull:
      case err::kNotEnoughMemory:
        return result;
      case err::kDeviceNotAvailable:
        return Err(err::kResourceNotAvailable, result.message());
      default:
        return Err(err::kInvalidState, fmt::format("mount failed: {}", ErrorName(result.code())));
    }
  }
  // The drives as the worker committed them (passed with the outcome); the
  // catalogue is read only if one is missing.
  if (std::none_of(done_drives.begin(), done_drives.end(), [](const Guid& d) { return d.IsNull(); })) {
    *drives = std::move(done_drives);
    return Status::Ok();
  }
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(false));
  for (size_t i = 0; i < request_ids.size(); ++i) {
    RSM_ASSIGN_OR_RETURN(auto req, txn->GetLibRequest(request_ids[i]));
    (*drives)[i] = req.drive;
  }
  return Status::Ok();
}

Status Service::DismountMedia(const Peer& peer, const Guid& session, const std::vector<Guid>& media_ids,
                              uint32_t options) {
  RSM_ASSIGN_OR_RETURN(Session s, sessions_.Get(peer, session));
  if (media_ids.empty()) return Err(err::kInvalidParameter, "media list missing");
  if (options & ~(ntms::kDismountDeferred | ntms::kDismountImmediate) ||
      options == (ntms::kDismountDeferred | ntms::kDismountImmediate))
    return Err(err::kInvalidParameter, "dismount options must be DEFERRED or IMMEDIATE");
  for (const auto& id : media_ids)
    if (id.IsNull()) return Err(err::kInvalidParameter, "media id missing");
  std::set<Guid> uniq(media_ids.begin(), media_ids.end());
  if (uniq.size() != media_ids.size()) return Err(err::kInvalidMedia, "the same media is listed twice");
  bool deferred = options & ntms::kDismountDeferred;
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
  std::vector<std::pair<ResolvedSide, catalog::Drive>> work;
  std::set<Guid> cartridges;
  for (const auto& id : media_ids) {
    RSM_ASSIGN_OR_RETURN(auto r, ResolveSide(*txn, id));
    // A cartridge id and one of its side ids name the same media.
    if (!cartridges.insert(r.media.h.id).second) return Err(err::kInvalidMedia, r.media.h.name + " is listed twice");
    if (r.media.library.IsNull()) return Err(err::kMediaOffline, r.media.h.name + " is offline");
    auto lib = txn->GetLibrary(r.media.library);
    if (!lib.ok()) return NotFoundAs(lib.status(), err::kInvalidLibrary);
    if (!LibraryPresent(*lib)) return Err(err::kInvalidLibrary, "library " + lib->h.name + " is not present");
    RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, r.media.pool, catalog::kRightUse));
    RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, lib->h.id, catalog::kRightUse));
    if (!lib->h.enabled || !LibraryOnline(*lib))
      return Err(err::kDeviceNotAvailable, "library " + lib->h.name + " is disabled or offline");
    if (r.media.needs_inventory) return Err(err::kMediaNotAvailable, r.media.h.name + ": location unknown");
    if (r.media.location_type != ntms::kDrive) return Err(err::kInvalidState, r.media.h.name + " is not mounted");
    RSM_ASSIGN_OR_RETURN(auto d, txn->GetDrive(r.media.location));
    if (d.mounted_side != r.side.h.id && r.side.in_use_by.IsNull())
      return Err(err::kInvalidState, "that side is not the one mounted");
    if (!d.h.enabled) return Err(err::kDeviceNotAvailable, d.h.name + " is disabled");
    work.emplace_back(std::move(r), std::move(d));
  }
  MaybeInjectOom("DismountNtmsMedia");
  int64_t now = clock_->NowMillis();
  std::vector<Guid> wake;
  for (auto& [r, d] : work) {
    // Release the side at once: the drive is free for other sessions now.
    r.side.in_use_by = Guid();
    r.side.h.modified_ms = now;
    RSM_RETURN_IF_ERROR(txn->PutPartition(r.side));
    if (deferred) {
      d.state = ntms::kDriveDismountable;
      d.h.modified_ms = now;
      RSM_RETURN_IF_ERROR(txn->PutDrive(d));
      r.media.media_state = ntms::kMediaLoaded;
      RSM_RETURN_IF_ERROR(txn->PutPhysicalMedia(r.media));
      continue;
    }
    catalog::LibRequest req;
    req.operation = ntms::kLmDismount;
    req.option = ntms::kDismountImmediate;
    req.library = d.library;
    req.drive = d.h.id;
    req.pmid = r.media.h.id;
    req.partition = r.side.h.id;
    RSM_RETURN_IF_ERROR(Enqueue(*txn, req, s));
    wake.push_back(d.library);
  }
  RSM_RETURN_IF_ERROR(txn->Commit());
  for (const auto& l : wake)
    if (auto* rt = RuntimeFor(l); rt && rt->worker) rt->worker->Wake();
  return Status::Ok();
}

Status Service::DismountDrive(const Peer& peer, const Guid& session, const Guid& drive_id) {
  RSM_ASSIGN_OR_RETURN(Session s, sessions_.Get(peer, session));
  if (drive_id.IsNull()) return Err(err::kInvalidParameter, "drive id missing");
  Guid request_id, library;
  {
    // Unsynced: the caller waits for the outcome, which comes after synced
    // commits (see Mount).
    RSM_ASSIGN_OR_RETURN(auto txn, store_->BeginUnsynced());
    auto t = txn->TypeOf(drive_id);
    if (!t.ok()) return NotFoundAs(t.status(), err::kInvalidDrive);
    if (*t != ntms::kDrive) return Err(err::kInvalidDrive, "not a drive id");
    RSM_ASSIGN_OR_RETURN(auto d, txn->GetDrive(drive_id));
    auto lib = txn->GetLibrary(d.library);
    if (!lib.ok()) return NotFoundAs(lib.status(), err::kInvalidLibrary);
    if (!LibraryPresent(*lib)) return Err(err::kInvalidLibrary, "library " + lib->h.name + " is not present");
    RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, lib->h.id, catalog::kRightModify));
    if (!lib->h.enabled) return Err(err::kDeviceNotAvailable, "library " + lib->h.name + " is disabled");
    if (!LibraryOnline(*lib))
      return Err(err::kDeviceNotAvailable, "library " + lib->h.name + " is offline: " + lib->offline_reason);
    if (!d.h.enabled) return Err(err::kDeviceNotAvailable, d.h.name + " is disabled");
    if (d.media.IsNull()) return Err(err::kInvalidState, d.h.name + " is empty");
    MaybeInjectOom("DismountNtmsDrive");
    catalog::LibRequest req;
    req.operation = ntms::kLmDismount;
    req.option = ntms::kDismountImmediate;
    req.library = d.library;
    req.drive = d.h.id;
    req.pmid = d.media;
    req.partition = d.mounted_side;
    RSM_RETURN_IF_ERROR(Enqueue(*txn, req, s));
    completions_.Expect(req.h.id);
    Status st = txn->Commit();
    if (!st.ok()) {
      completions_.Forget(req.h.id);
      return st;
    }
    request_id = req.h.id;
    library = d.library;
  }
  if (auto* rt = RuntimeFor(library); rt && rt->worker) rt->worker->Wake();
  Status st = WaitForRequest(request_id, kWaitForever);
  if (st.ok()) return st;
  // Outcomes outside the documented set are reported as the device being unavailable;
  // the library request keeps the precise code.
  switch (st.code()) {
    case err::kInvalidState:
    case err::kDeviceNotAvailable:
    case err::kDatabaseFailure:
    case err::kDatabaseFull:
    case err::kNotEnoughMemory:
      return st;
    default:
      return Err(err::kDeviceNotAvailable, fmt::format("dismount failed: {}", ErrorName(st.code())));
  }
}

Status Service::Inventory(const Peer& peer, const Guid& session, const Guid& library, uint32_t action) {
  RSM_ASSIGN_OR_RETURN(Session s, sessions_.Get(peer, session));
  if (library.IsNull()) return Err(err::kInvalidParameter, "library id missing");
  if (action > ntms::kInventoryStop) return Err(err::kInvalidParameter, "unknown inventory method");
  Guid request_id;
  {
    // The caller waits for the outcome: the enqueue need not be synced (see Mount).
    RSM_ASSIGN_OR_RETURN(auto txn, store_->BeginUnsynced());
    auto t = txn->TypeOf(library);
    if (!t.ok()) return NotFoundAs(t.status(), err::kInvalidParameter);
    if (*t != ntms::kLibrary) return Err(err::kInvalidParameter, "not a library id");
    RSM_ASSIGN_OR_RETURN(auto lib, txn->GetLibrary(library));
    RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, lib.h.id, catalog::kRightControl));
    if (!LibraryPresent(lib) || lib.library_type == ntms::kLibTypeOffline)
      return Err(err::kInvalidLibrary, "library " + lib.h.name + " is not present");
    auto* rt = RuntimeFor(library);
    bool have_device = rt && rt->HasDevices();
    if (!lib.h.enabled || !have_device) return Err(err::kDeviceNotAvailable, "library " + lib.h.name + " is not connected");
    if (action == ntms::kInventoryNone || action == ntms::kInventoryStop) return Status::Ok();
    MaybeInjectOom("InventoryNtmsLibrary");
    catalog::LibRequest req;
    req.operation = ntms::kLmInventory;
    req.option = action;
    req.library = library;
    RSM_RETURN_IF_ERROR(Enqueue(*txn, req, s));
    completions_.Expect(req.h.id);
    Status st = txn->Commit();
    if (!st.ok()) {
      completions_.Forget(req.h.id);
      return st;
    }
    request_id = req.h.id;
    rt->worker->Wake();
  }
  Status st = WaitForRequest(request_id, kWaitForever);
  if (st.ok() || st.code() == err::kDeviceNotAvailable || st.code() == err::kCancelled) return st;
  return Err(err::kDeviceNotAvailable, fmt::format("inventory failed: {}", ErrorName(st.code())));
}

Status Service::CancelLibRequest(const Peer& peer, const Guid& session, const Guid& request) {
  RSM_ASSIGN_OR_RETURN(Session s, sessions_.Get(peer, session));
  (void)s;
  if (request.IsNull()) return Err(err::kInvalidParameter, "request id missing");
  RSM_ASSIGN_OR_RETURN(auto txn, store_->Begin(true));
  auto r = txn->GetLibRequest(request);
  if (!r.ok()) return r.status();
  RSM_RETURN_IF_ERROR(security_.Check(*txn, peer, r->library, catalog::kRightControl));
  // SDK: a request "currently being handled" cannot be cancelled (ERROR_ACCESS_DENIED);
  // one that already completed is no longer found (ERROR_OBJECT_NOT_FOUND).
  if (r->state == ntms::kLmInProcess)
    return Err(err::kAccessDenied, "the request is being handled and cannot be cancelled");
  if (r->state != ntms::kLmQueued && r->state != ntms::kLmWaiting)
    return Err(err::kObjectNotFound, "the request is no longer queued");
  MaybeInjectOom("CancelNtmsLibraryRequest");
  r->state = ntms::kLmCancelled;
  r->error = err::kCancelled;
  r->completed_ms = clock_->NowMillis();
  RSM_RETURN_IF_ERROR(txn->PutLibRequest(*r));
  RSM_RETURN_IF_ERROR(txn->Commit());
  completions_.Finish(request, err::kCancelled);
  return Status::Ok();
}

namespace {

// Parses "slot:N", "ieport:N" or "drive:N" (0-based).
bool ParseElement(const std::string& text, devices::ElementRef* ref) {
  auto colon = text.find(':');
  if (colon == std::string::npos) return false;
  std::string kind = text.substr(0, colon);
  if (kind == "slot") ref->type = devices::ElementType::kStorage;
  else if (kind == "ieport") ref->type = devices::ElementType::kImportExport;
  else if (kind == "drive") ref->type = devices::ElementType::kDataTransfer;
  else return false;
  try {
    ref->index = uint32_t(std::stoul(text.substr(colon + 1)));
  } catch (...) {
    return false;
  }
  return true;
}

// Sim test hooks: faults by name, "clear", and operator actions
// "place" (arg "slot:N:BARCODE"), "remove" (arg "slot:N"), "standalone_remove",
// "standalone_insert" (arg BARCODE).
Status ApplySimHook(devices::sim::SimFaults& f, const std::string& fault, int32_t drive_index, int32_t count,
                    const std::string& arg) {
  if (fault == "clear") {
    f.ClearFaults();
    return Status::Ok();
  }
  if (fault == "place") {
    auto last = arg.rfind(':');
    devices::ElementRef ref;
    if (last == std::string::npos || !ParseElement(arg.substr(0, last), &ref))
      return Err(err::kInvalidParameter, "place needs kind:index:barcode");
    return f.OperatorPlace(ref, arg.substr(last + 1));
  }
  if (fault == "remove") {
    devices::ElementRef ref;
    if (!ParseElement(arg, &ref)) return Err(err::kInvalidParameter, "remove needs kind:index");
    return f.OperatorRemove(ref);
  }
  if (fault == "standalone_remove") return f.RemoveFromStandalone();
  if (fault == "standalone_insert") return f.InsertIntoStandalone(arg);
  return f.SetFault(fault, drive_index, count);
}

}  // namespace

Status Service::TestHook(const Peer& peer, const std::string& library, const std::string& fault,
                         int32_t drive_index, int32_t count, const std::string& arg) {
  if (!config_.test_hooks || peer.uid != 0) return Err(err::kAccessDenied, "test hooks are disabled");
  if (library.empty()) {
    if (fault == "oom") {
      std::lock_guard<std::mutex> lock(oom_mu_);
      oom_armed_[arg] = count;
      return Status::Ok();
    }
    if (fault == "clear") {
      std::lock_guard<std::mutex> lock(oom_mu_);
      oom_armed_.clear();
      return Status::Ok();
    }
    if (fault == "crash_after_move") {
      ArmCrashAfterMove();
      return Status::Ok();
    }
    return Err(err::kInvalidParameter, "unknown service fault " + fault);
  }
  for (auto& rt : libraries_) {
    if (rt->config.name != library) continue;
    if (!rt->sim_faults) return Err(err::kNotSupported, "faults can be injected only into simulated libraries");
    return ApplySimHook(*rt->sim_faults, fault, drive_index, count, arg);
  }
  return Err(err::kInvalidLibrary, "no library " + library);
}

}  // namespace openrsm::service
