#include "service/service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <thread>
#include <type_traits>
#include <utility>

#include "catalog/ntms_values.h"
#include "service/api_checks.h"
#include "service/object_info.h"
#include "service/waits.h"
#include "service/worker.h"

namespace openrsm::service {

Service::Service(const Config& config, Clock* clock)
    : config_(config), clock_(clock), security_(config.admin_group), timers_(clock) {}

Service::~Service() {
  CancelWaits();
  Stop();
}

Result<std::unique_ptr<Service>> Service::Create(const Config& config, Clock* clock,
                                                 std::unique_ptr<catalog::Store> store,
                                                 std::vector<std::unique_ptr<LibraryRuntime>> libraries) {
  if (!store) return Err(err::kInvalidParameter, "no catalogue");
  std::unique_ptr<Service> s(new Service(config, clock));
  s->store_ = std::move(store);
  s->queue_ = std::make_unique<RequestQueue>(s->store_.get(), clock, &s->config_.limits);
  s->libraries_ = std::move(libraries);
  return s;
}

LibraryRuntime* Service::RuntimeFor(const Guid& library) {
  for (auto& l : libraries_)
    if (l->id == library) return l.get();
  return nullptr;
}

void Service::Wake(const Guid& library) {
  if (auto* rt = RuntimeFor(library); rt && rt->worker) rt->worker->Wake();
}

// ---- start-up -------------------------------------------------------------------

namespace {

Result<Guid> EnsurePool(catalog::Txn& txn, const std::string& name, uint32_t type, const Guid& parent,
                        const Guid& media_type, int64_t now) {
  RSM_ASSIGN_OR_RETURN(auto pools, txn.ListMediaPools(parent));
  for (const auto& p : pools)
    if (p.h.name == name && p.pool_type == type) return p.h.id;
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

// The device type named `vendor` `product` (INQUIRY identification), created
// on first sight: T is catalog::ChangerType or catalog::DriveType.
template <typename T>
Result<Guid> EnsureDeviceType(catalog::Txn& txn, const std::string& vendor, const std::string& product,
                              uint32_t device_type, int64_t now) {
  auto list = [&]() -> Result<std::vector<T>> {
    if constexpr (std::is_same_v<T, catalog::DriveType>)
      return txn.ListDriveTypes();
    else
      return txn.ListChangerTypes();
  };
  RSM_ASSIGN_OR_RETURN(std::vector<T> types, list());
  for (const T& t : types)
    if (t.vendor == vendor && t.product == product) return t.h.id;
  T t;
  t.h.id = Guid::New();
  t.h.name = vendor + " " + product;
  t.h.created_ms = t.h.modified_ms = now;
  t.vendor = vendor;
  t.product = product;
  t.device_type = device_type;
  if constexpr (std::is_same_v<T, catalog::DriveType>) {
    t.h.description = "tape drive";
    RSM_RETURN_IF_ERROR(txn.PutDriveType(t));
  } else {
    t.h.description = "media changer";
    RSM_RETURN_IF_ERROR(txn.PutChangerType(t));
  }
  return t.h.id;
}

// Records the drive's revision and SCSI address from `id`; whether any changed.
bool SetDeviceAddress(catalog::Drive& d, const devices::DriveIdentity& id) {
  const catalog::Drive before = d;
  d.revision = id.revision;
  d.scsi_port = id.address.host;
  d.scsi_bus = id.address.channel;
  d.scsi_target = id.address.target;
  d.scsi_lun = id.address.lun;
  return d.revision != before.revision || d.scsi_port != before.scsi_port || d.scsi_bus != before.scsi_bus ||
         d.scsi_target != before.scsi_target || d.scsi_lun != before.scsi_lun;
}

// The computer object with its offline library and root pool (created once;
// docs/catalog.md "System objects").
Status EnsureComputer(catalog::Txn& txn, int64_t now, SystemObjects* sys) {
  auto comp = txn.GetComputer();
  if (!comp.ok() && comp.status().code() != err::kObjectNotFound) return comp.status();
  catalog::Computer c;
  if (comp.ok()) {
    c = *comp;
  } else {
    c.h.id = Guid::New();
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    c.h.name = host;
    c.h.created_ms = c.h.modified_ms = now;
  }
  bool changed = !comp.ok();
  if (c.offline_library.IsNull()) {
    catalog::Library off;
    off.h.id = Guid::New();
    off.h.name = std::string(kOfflineLibraryName);
    off.h.description = "cartridges that are in no library";
    off.h.created_ms = off.h.modified_ms = now;
    off.h.op_state = ntms::kReady;
    off.library_type = ntms::kLibTypeOffline;
    off.kind = "offline";
    off.barcode_reader = false;
    off.inventory_method = ntms::kInventoryNone;
    RSM_RETURN_IF_ERROR(txn.PutLibrary(off));
    c.offline_library = off.h.id;
    changed = true;
  }
  if (c.root_pool.IsNull()) {
    catalog::MediaPool root;
    root.h.id = Guid::New();
    root.h.name = "Root";
    root.h.description = "the root of the media pool hierarchy";
    root.h.created_ms = root.h.modified_ms = now;
    root.pool_type = ntms::kPoolUnknown;
    RSM_RETURN_IF_ERROR(txn.PutMediaPool(root));
    c.root_pool = root.h.id;
    changed = true;
  }
  if (changed) {
    c.h.modified_ms = now;
    RSM_RETURN_IF_ERROR(txn.PutComputer(c));
  }
  sys->offline_library = c.offline_library;
  sys->root_pool = c.root_pool;
  return Status::Ok();
}

Result<SystemObjects> EnsureSystemObjects(catalog::Txn& txn, int64_t now) {
  SystemObjects sys;
  RSM_RETURN_IF_ERROR(EnsureComputer(txn, now, &sys));
  RSM_ASSIGN_OR_RETURN(auto types, txn.ListMediaTypes());
  for (auto& t : types) {
    if (t.h.name != "LTO Ultrium") continue;
    sys.media_type = t.h.id;
    if (t.media_type_code == 0) {  // catalogued before rsmd recorded the code
      t.media_type_code = kMediaTypeLtoUltrium;
      t.h.modified_ms = now;
      RSM_RETURN_IF_ERROR(txn.PutMediaType(t));
    }
  }
  if (sys.media_type.IsNull()) {
    catalog::MediaType t;
    t.h.id = Guid::New();
    t.h.name = "LTO Ultrium";
    t.h.description = "LTO Ultrium tape cartridge";
    t.h.created_ms = t.h.modified_ms = now;
    t.media_type_code = kMediaTypeLtoUltrium;
    t.sides = 1;
    t.read_write = 1;
    RSM_RETURN_IF_ERROR(txn.PutMediaType(t));
    sys.media_type = t.h.id;
  }
  RSM_ASSIGN_OR_RETURN(Guid free_top, EnsurePool(txn, "Free", ntms::kPoolScratch, Guid(), Guid(), now));
  RSM_ASSIGN_OR_RETURN(Guid import_top, EnsurePool(txn, "Import", ntms::kPoolImport, Guid(), Guid(), now));
  RSM_ASSIGN_OR_RETURN(Guid unrec_top, EnsurePool(txn, "Unrecognized", ntms::kPoolForeign, Guid(), Guid(), now));
  RSM_ASSIGN_OR_RETURN(sys.free_pool,
                       EnsurePool(txn, "LTO Ultrium", ntms::kPoolScratch, free_top, sys.media_type, now));
  RSM_ASSIGN_OR_RETURN(sys.import_pool,
                       EnsurePool(txn, "LTO Ultrium", ntms::kPoolImport, import_top, sys.media_type, now));
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
  if (found && found->library_type == ntms::kLibTypeOffline)  // the configuration refuses that name
    return Err(err::kInvalidParameter, fmt::format("\"{}\" names the offline library", rt.config.name));
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
  // What NTMS_INVENTORY_DEFAULT does here: a bar-code inventory (the robot
  // rescans, then rsmd reads what it found; docs/compat.md).
  lib.inventory_method = ntms::kInventoryFast;
  lib.h.op_state = have_device ? ntms::kInitializing : ntms::kNeedsService;
  lib.offline_reason = have_device                  ? ""
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
    RSM_ASSIGN_OR_RETURN(ch.changer_type, EnsureDeviceType<catalog::ChangerType>(*txn, layout.vendor, layout.product,
                                                                                 kFileDeviceChanger, now));
    RSM_RETURN_IF_ERROR(txn->PutChanger(ch));
  }
  RSM_ASSIGN_OR_RETURN(auto drives, txn->ListDrives(lib.h.id));
  for (uint32_t i = 0; i < ndrives; ++i) {
    auto id = rt.devices.drives[i] ? rt.devices.drives[i]->Identity()
                                   : Result<devices::DriveIdentity>(Status(err::kDeviceNotAvailable, "no drive"));
    if (i < drives.size()) {
      // Known drive: its firmware revision and SCSI address may have changed
      // since (a firmware update, a reboot renumbering the SCSI hosts).
      if (!id.ok()) continue;
      catalog::Drive& d = drives[i];
      bool changed = SetDeviceAddress(d, *id);
      RSM_ASSIGN_OR_RETURN(Guid type,
                           EnsureDeviceType<catalog::DriveType>(*txn, id->vendor, id->product, kFileDeviceTape, now));
      changed |= std::exchange(d.drive_type, type) != type;
      if (!changed) continue;
      d.h.modified_ms = now;
      RSM_RETURN_IF_ERROR(txn->PutDrive(d));
      continue;
    }
    catalog::Drive d;
    d.h = NewHeader(fmt::format("{} drive {}", rt.config.name, i), now);
    d.library = lib.h.id;
    d.number = i;
    // A drive element with no drive behind it (nullptr) is catalogued disabled.
    if (!rt.devices.drives[i]) d.h.enabled = false;
    if (id.ok()) {
      d.serial = id->serial;
      d.device_name = id->device_name;
      SetDeviceAddress(d, *id);
      RSM_ASSIGN_OR_RETURN(d.drive_type,
                           EnsureDeviceType<catalog::DriveType>(*txn, id->vendor, id->product, kFileDeviceTape, now));
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
    if (l.library_type == ntms::kLibTypeOffline) continue;  // a system object, always there
    bool configured =
        std::any_of(libraries_.begin(), libraries_.end(), [&](const auto& rt) { return rt->id == l.h.id; });
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
  RSM_ASSIGN_OR_RETURN(auto txn, queue_->Begin());
  catalog::Txn& db = txn.db();
  RSM_ASSIGN_OR_RETURN(auto reqs, db.ListLibRequests(Guid(), {ntms::kLmQueued, ntms::kLmWaiting, ntms::kLmInProcess,
                                                              ntms::kLmDeferred}));
  int64_t now = clock_->NowMillis();
  for (auto& r : reqs) {
    bool running = r.state == ntms::kLmInProcess;
    RSM_RETURN_IF_ERROR(txn.Move(r, running ? ntms::kLmFailed : ntms::kLmCancelled, err::kCancelled));
    if (running) {
      // The cartridge it moved may be anywhere between source and target.
      auto m = db.GetPhysicalMedia(r.pmid);
      if (m.ok()) {
        m->needs_inventory = true;
        RSM_RETURN_IF_ERROR(db.PutPhysicalMedia(*m));
      }
    }
    spdlog::info("start-up: request {} (op {}) {}", r.h.id.ToString(), r.operation, running ? "failed" : "cancelled");
  }
  RSM_RETURN_IF_ERROR(db.ReleaseSidesHeldBy(Guid()).status());
  RSM_ASSIGN_OR_RETURN(uint64_t purged, PurgeOldLibRequests(db, now));
  if (purged) spdlog::info("start-up: purged {} completed library requests", purged);
  return txn.Commit();
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
    rt->worker = std::make_unique<LibraryWorker>(rt.get(), store_.get(), queue_.get(), clock_, sys);
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
  queue_->SetWake([this](const Guid& library) { Wake(library); });
  timers_.Start();
  for (auto& rt : libraries_) rt->worker->Start();
  // Files, backups and the space reserve. When the store takes writes again
  // after it filled up, every worker reconciles what it could not record.
  housekeeping_ = std::make_unique<Housekeeping>(store_.get(), clock_, config_.backup, config_.state_dir, [this] {
    for (auto& rt : libraries_)
      if (rt->worker) rt->worker->SpaceBack();
  });
  housekeeping_->Start();
  return Status::Ok();
}

void Service::CancelWaits() {
  std::vector<std::shared_ptr<RequestWait>> waits;
  {
    MutexLock lock(&waits_mu_);
    for (auto& [p, w] : waits_) waits.push_back(w);
  }
  for (auto& w : waits) w->Shutdown();
}

void Service::Remember(const std::shared_ptr<RequestWait>& w) {
  MutexLock lock(&waits_mu_);
  waits_[w.get()] = w;
}

void Service::Forget(RequestWait* w) {
  std::shared_ptr<RequestWait> last;  // released outside the lock
  MutexLock lock(&waits_mu_);
  auto it = waits_.find(w);
  if (it == waits_.end()) return;
  last = std::move(it->second);
  waits_.erase(it);
}

void Service::Stop() {
  if (stopping_.exchange(true)) return;
  if (housekeeping_) housekeeping_->Stop();
  timers_.Stop();
  for (auto& rt : libraries_)
    if (rt->worker) rt->worker->Stop();
  if (queue_) queue_->FinishAllWatchers(err::kCancelled);
}

}  // namespace openrsm::service
