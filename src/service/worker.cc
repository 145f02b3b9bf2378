#include "service/worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>

#include "catalog/ntms_values.h"

namespace openrsm::service {

using catalog::LibRequest;
using devices::ElementRef;
using devices::ElementType;

namespace {
std::atomic<bool> g_crash_after_move{false};
}  // namespace

// Test hook: die like `kill -9` between a completed move and its catalogue
// commit, the window crash recovery must cover.
void MaybeCrashAfterMove() {
  if (g_crash_after_move.exchange(false)) {
    spdlog::critical("test hook: crashing after a completed move, before the catalogue commit");
    std::_Exit(137);
  }
}

namespace {

// Internal outcome: the request cannot run yet (no free drive); not a Win32 code.
constexpr uint32_t kNotRunnable = 0xFFFFFFFFu;

bool IsKnownOutcome(uint32_t code) {
  // Device errors after which the cartridge is known to be where it was.
  return code == err::kEmpty || code == err::kNotEmpty || code == err::kInvalidParameter ||
         code == err::kInvalidState;
}
}  // namespace

void ArmCrashAfterMove() { g_crash_after_move = true; }

LibraryWorker::LibraryWorker(LibraryRuntime* lib, catalog::Store* store, Completions* completions, Clock* clock,
                             SystemObjects sys)
    : lib_(lib), store_(store), completions_(completions), clock_(clock), sys_(sys) {}

LibraryWorker::~LibraryWorker() { Stop(); }

void LibraryWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  wake_ = true;
  last_purge_ms_ = clock_->NowMillis();  // the start-up rule has just purged
  last_ie_poll_ms_ = last_purge_ms_;     // and the start-up inventory read the IE ports
  if (!lib_->HasDevices()) NoteOffline();  // could not be opened at start
  thread_ = std::thread([this] { Loop(); });
}

void LibraryWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void LibraryWorker::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  wake_ = true;
  cv_.notify_all();
}

void LibraryWorker::Loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      // A periodic pass also retries waiting requests when no wake arrives.
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_ || wake_; });
      if (stop_) return;
      wake_ = false;
    }
    // After a request ran, the queue is read again only if that read held
    // other candidates or a Wake (a new request) arrived meanwhile; a Wake
    // after this check is seen by the wait above.
    bool more = false;
    while (RunOne(&more)) {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      if (!more && !wake_) break;
      wake_ = false;
    }
    MaybePurge();
    MaybePollIePorts();
    MaybeReopen();
  }
}

int64_t LibraryWorker::NextReopenDelayMs(int64_t previous_ms, int64_t max_ms) {
  constexpr int64_t kFirstMs = 5'000;
  if (previous_ms <= 0) return std::min(kFirstMs, max_ms);
  return std::min(previous_ms * 2, max_ms);
}

void LibraryWorker::NoteOffline() {
  if (offline_) return;  // the backoff runs already
  offline_ = true;
  reopen_delay_ms_ = NextReopenDelayMs(0, int64_t(lib_->config.reopen_seconds) * 1000);
  next_reopen_ms_ = clock_->NowMillis() + reopen_delay_ms_;
}

void LibraryWorker::MaybeReopen() {
  if (!offline_ || !lib_->open || lib_->config.reopen_seconds == 0) return;
  if (clock_->NowMillis() < next_reopen_ms_) return;
  Status st = Reopen();
  if (st.ok()) {
    spdlog::info("library {}: devices answer again; inventoried, back online", lib_->config.name);
    return;
  }
  reopen_delay_ms_ = NextReopenDelayMs(reopen_delay_ms_, int64_t(lib_->config.reopen_seconds) * 1000);
  next_reopen_ms_ = clock_->NowMillis() + reopen_delay_ms_;
  spdlog::info("library {}: still offline ({}); next try in {} s", lib_->config.name, st.ToString(),
               reopen_delay_ms_ / 1000);
}

Status LibraryWorker::Reopen() {
  if (!lib_->HasDevices()) {
    auto devs = lib_->open();
    if (!devs.ok()) return devs.status();
    lib_->devices = std::move(*devs);
    lib_->PublishDevices();  // from here on `devices` never changes (worker.h)
    if (!lib_->HasDevices()) return Status(err::kDeviceNotAvailable, "the library's devices are incomplete");
    registered_ = false;
    spdlog::info("library {}: devices opened", lib_->config.name);
  }
  // The probe is the inventory's own read: nothing is written unless it answers.
  std::vector<devices::ElementStatus> elements;
  RSM_RETURN_IF_ERROR(ReadElements(&elements));
  if (!registered_) {
    // The slots, drives, IE ports and changer serial, exactly as at start-up.
    RSM_RETURN_IF_ERROR(RegisterLibrary(*store_, *clock_, *lib_));
    registered_ = true;
  }
  return CommitInventory(elements, nullptr);
}

Result<uint64_t> PurgeOldLibRequests(catalog::Txn& txn, int64_t now_ms) {
  auto comp = txn.GetComputer();
  if (!comp.ok()) return comp.status().code() == err::kObjectNotFound ? Result<uint64_t>(0) : comp.status();
  return txn.PurgeLibRequests(now_ms - int64_t(comp->lib_request_purge_time_s) * 1000);
}

void LibraryWorker::MaybePurge() {
  int64_t now = clock_->NowMillis();
  if (now - last_purge_ms_ < kPurgeIntervalMs) return;
  last_purge_ms_ = now;
  auto txn = store_->Begin(true);
  Result<uint64_t> n = txn.ok() ? PurgeOldLibRequests(**txn, now) : txn.status();
  Status st = n.ok() ? (*txn)->Commit() : n.status();
  if (!st.ok())
    spdlog::error("library {}: cannot purge completed requests: {}", lib_->config.name, st.ToString());
  else if (*n)
    spdlog::info("library {}: purged {} completed library requests", lib_->config.name, *n);
}

void RequestProgress::Report(const std::string& text) {
  if (!current_) return;
  current_->h.description = text.substr(0, 126);  // szDescription: 127 characters with the NUL
  auto txn = store_->Begin(true);
  Status st = txn.ok() ? (*txn)->PutLibRequest(*current_) : txn.status();
  if (st.ok()) st = (*txn)->Commit();
  if (!st.ok()) spdlog::warn("cannot record progress of request {}: {}", current_->h.id.ToString(), st.ToString());
}

bool LibraryWorker::RunOne(bool* more) {
  // Candidates in priority, then FIFO order. A mount that cannot run yet (no
  // free drive) is parked as WAITING and the next candidate is tried, so a
  // dismount queued behind it still runs and frees the drive.
  *more = false;
  std::vector<Guid> candidates;
  {
    auto txn = store_->Begin(false);
    if (!txn.ok()) {
      spdlog::error("library {}: cannot read the queue: {}", lib_->config.name, txn.status().ToString());
      return false;
    }
    auto reqs = (*txn)->ListLibRequestIds(lib_->id, {ntms::kLmQueued, ntms::kLmWaiting});
    if (!reqs.ok() || reqs->empty()) return false;
    candidates = std::move(*reqs);
  }
  *more = candidates.size() > 1;
  for (const auto& candidate : candidates) {
    LibRequest req;
    Plan plan;
    uint32_t code;
    bool recorded = false;
    {
      // One write transaction claims the request (unless a caller cancelled
      // it since the list was read), validates it against the catalogue and
      // marks what is about to move needs_inventory (Prepare). A request that
      // fails here gets its outcome in the same transaction.
      auto txn = store_->Begin(true);
      if (!txn.ok()) return false;
      auto cur = (*txn)->GetLibRequest(candidate);
      if (!cur.ok() || (cur->state != ntms::kLmQueued && cur->state != ntms::kLmWaiting)) continue;
      req = *cur;
      code = Prepare(**txn, req, &plan);
      if (code == kNotRunnable) {
        if (req.state != ntms::kLmWaiting) {
          req.state = ntms::kLmWaiting;
          if ((*txn)->PutLibRequest(req).ok()) (void)(*txn)->Commit();
        }
        continue;
      }
      if (code == err::kSuccess) {
        req.state = ntms::kLmInProcess;
        if (!(*txn)->PutLibRequest(req).ok() || !(*txn)->Commit().ok()) return false;
      } else {
        SetOutcome(req, code);
        recorded = (*txn)->PutLibRequest(req).ok() && (*txn)->Commit().ok();
      }
    }
    if (code == err::kSuccess) {
      if (lib_->progress) lib_->progress->SetCurrent(&req);
      code = Run(req, plan, &recorded);
      if (lib_->progress) lib_->progress->SetCurrent(nullptr);
    }
    // Before the caller is answered, so what it reads next reflects the device.
    InventoryIfDeviceChanged();
    Finish(req, code, recorded);
    return true;
  }
  return false;
}

void LibraryWorker::SetOutcome(LibRequest& req, uint32_t code) {
  req.state = code == err::kSuccess ? ntms::kLmPassed : ntms::kLmFailed;
  req.error = code;
  req.completed_ms = clock_->NowMillis();
  req.h.modified_ms = req.completed_ms;
}

void LibraryWorker::Finish(LibRequest& req, uint32_t code, bool recorded) {
  if (!recorded) {
    auto txn = store_->Begin(true);
    if (txn.ok()) {
      SetOutcome(req, code);
      Status st = (*txn)->PutLibRequest(req);
      if (st.ok()) st = (*txn)->Commit();
      if (!st.ok()) spdlog::error("library {}: cannot record request outcome: {}", lib_->config.name, st.ToString());
    }
  }
  if (code != err::kSuccess)
    spdlog::warn("library {}: request {} (op {}) failed: {}", lib_->config.name, req.h.id.ToString(),
                 req.operation, ErrorName(code));
  completions_->Finish(req.h.id, code, req.drive);
}

uint32_t LibraryWorker::Prepare(catalog::Txn& txn, LibRequest& req, Plan* plan) {
  switch (req.operation) {
    case ntms::kLmMount:
      return PrepareMount(txn, req, plan);
    case ntms::kLmDismount:
      if (req.option != ntms::kDismountDeferred && lib_->devices.changer) return PrepareDismount(txn, req, plan);
      return err::kSuccess;
    case ntms::kLmInventory:
      return err::kSuccess;
    case ntms::kLmEject:
      return PrepareEject(txn, req, plan);
    case ntms::kLmInject:
      return PrepareInject(txn, req, plan);
    default:
      return err::kNotSupported;
  }
}

uint32_t LibraryWorker::Run(LibRequest& req, Plan& plan, bool* recorded) {
  switch (plan.kind) {
    case Plan::kMountFromSlot:
    case Plan::kMountInPlace:
      return RunMount(req, plan, recorded);
    case Plan::kDismountToSlot:
      return RunDismount(req, plan, recorded);
    case Plan::kEjectToPort:
      return RunEject(req, plan, recorded);
    case Plan::kInjectFromPorts:
      return RunInject(req);
    case Plan::kGeneric:
      break;
  }
  if (req.operation == ntms::kLmDismount) return DoDismount(req, req.option == ntms::kDismountDeferred);
  Status st = RunInventory(&req);
  if (st.ok()) *recorded = true;
  return st.code();
}

Status LibraryWorker::SetOffline(const std::string& reason) {
  auto txn = store_->Begin(true);
  if (!txn.ok()) return txn.status();
  auto lib = (*txn)->GetLibrary(lib_->id);
  if (!lib.ok()) return lib.status();
  lib->h.op_state = ntms::kNeedsService;
  lib->offline_reason = reason;
  lib->needs_inventory = true;
  lib->h.modified_ms = clock_->NowMillis();
  RSM_RETURN_IF_ERROR((*txn)->PutLibrary(*lib));
  spdlog::error("library {} is offline: {}", lib_->config.name, reason);
  RSM_RETURN_IF_ERROR((*txn)->Commit());
  NoteOffline();
  return Status::Ok();
}

Status LibraryWorker::MarkNeedsInventory(const Guid& media, const std::string& why, const Guid& slot) {
  auto txn = store_->Begin(true);
  if (!txn.ok()) return txn.status();
  auto lib = (*txn)->GetLibrary(lib_->id);
  if (!lib.ok()) return lib.status();
  lib->needs_inventory = true;
  RSM_RETURN_IF_ERROR((*txn)->PutLibrary(*lib));
  if (!media.IsNull()) {
    auto m = (*txn)->GetPhysicalMedia(media);
    if (m.ok()) {
      m->needs_inventory = true;
      RSM_RETURN_IF_ERROR((*txn)->PutPhysicalMedia(*m));
    }
  }
  if (!slot.IsNull()) {
    // Operators see the slot the cartridge was going to or coming from as
    // "needs inventory" (NTMS_SLOTSTATE_NEEDSINVENTORY) until one runs.
    auto s = (*txn)->GetSlot(slot);
    if (s.ok()) {
      s->state = ntms::kSlotNeedsInventory;
      RSM_RETURN_IF_ERROR((*txn)->PutSlot(*s));
    }
  }
  spdlog::warn("library {}: location of media {} unknown until inventory: {}", lib_->config.name,
               media.ToString(), why);
  return (*txn)->Commit();
}

void LibraryWorker::InventoryIfDeviceChanged() {
  devices::Changer* changer = lib_->devices.changer.get();
  if (!changer || !changer->InventoryMayHaveChanged()) return;
  spdlog::warn("library {}: the changer reported a power-on, reset or medium change (UNIT ATTENTION); "
               "running an inventory",
               lib_->config.name);
  if (Status st = RunInventory(); !st.ok())
    spdlog::error("library {}: inventory after UNIT ATTENTION failed: {}", lib_->config.name, st.ToString());
}

Status LibraryWorker::DestinationFull(catalog::PhysicalMedia& media, const Guid& dest_slot, const std::string& why) {
  auto txn = store_->Begin(true);
  if (!txn.ok()) return txn.status();
  media.needs_inventory = false;  // refused: the cartridge is where it was
  RSM_RETURN_IF_ERROR((*txn)->PutPhysicalMedia(media));
  auto lib = (*txn)->GetLibrary(lib_->id);
  if (!lib.ok()) return lib.status();
  lib->needs_inventory = true;
  RSM_RETURN_IF_ERROR((*txn)->PutLibrary(*lib));
  if (!dest_slot.IsNull()) {
    auto s = (*txn)->GetSlot(dest_slot);
    if (s.ok()) {
      s->state = ntms::kSlotNeedsInventory;
      s->h.modified_ms = clock_->NowMillis();
      RSM_RETURN_IF_ERROR((*txn)->PutSlot(*s));
    }
  }
  spdlog::warn("library {}: destination {} holds a cartridge the catalogue does not know of; "
               "it needs an inventory: {}",
               lib_->config.name, dest_slot.IsNull() ? std::string("drive") : "slot " + dest_slot.ToString(), why);
  return (*txn)->Commit();
}

uint32_t LibraryWorker::MoveFailed(const Status& mv, catalog::PhysicalMedia& media, const Guid& slot,
                                   const Guid& dest_slot) {
  if (mv.code() == err::kNotEmpty) {
    // The device refused the move because the destination is full, which
    // the catalogue had as empty: someone placed a cartridge there.
    if (Status st = DestinationFull(media, dest_slot, mv.message()); !st.ok())
      spdlog::error("library {}: cannot record the full destination: {}", lib_->config.name, st.ToString());
    return err::kNotEmpty;
  }
  if (mv.code() == err::kDeviceNotAvailable) {
    (void)SetOffline(mv.message());
    (void)MarkNeedsInventory(media.h.id, mv.message());
    return err::kDeviceNotAvailable;
  }
  if (IsKnownOutcome(mv.code())) {
    // The device refused the move: the cartridge is where it was.
    auto txn = store_->Begin(true);
    if (txn.ok()) {
      media.needs_inventory = false;
      if ((*txn)->PutPhysicalMedia(media).ok()) (void)(*txn)->Commit();
    }
    return mv.code();
  }
  (void)MarkNeedsInventory(media.h.id, mv.message(), slot);
  return err::kUnableToLoadMedium;
}

uint32_t LibraryWorker::PrepareMount(catalog::Txn& txn, LibRequest& req, Plan* plan) {
  // Service::Mount sets the error of a request its caller gave up on
  // (timeout, closed session): such a request must not move anything.
  if (req.error != err::kSuccess) return req.error;
  auto m = txn.GetPhysicalMedia(req.pmid);
  if (!m.ok()) return m.status().code() == err::kObjectNotFound ? err::kInvalidMedia : m.status().code();
  plan->media = *m;
  catalog::PhysicalMedia& media = plan->media;
  if (media.library != lib_->id || media.needs_inventory) return err::kMediaOffline;
  if (media.location_type == ntms::kDrive) {
    // Already in a drive (left there by a deferred dismount): mount in place.
    auto d = txn.GetDrive(media.location);
    if (!d.ok()) return d.status().code();
    if (!req.drive.IsNull() && req.drive != d->h.id) return err::kBusy;
    plan->drive = *d;
    plan->kind = Plan::kMountInPlace;
    return err::kSuccess;
  }
  if (media.location_type != ntms::kStorageSlot || !lib_->devices.changer) return err::kMediaOffline;
  auto s = txn.GetSlot(media.location);
  if (!s.ok()) return s.status().code();
  plan->slot = *s;
  if (req.drive.IsNull()) {
    auto d = txn.FirstFreeDrive(lib_->id);
    if (!d.ok()) return d.status().code();
    if (!*d) return kNotRunnable;
    plan->drive = std::move(**d);
  } else {
    auto d = txn.GetDrive(req.drive);
    if (!d.ok() && d.status().code() != err::kObjectNotFound) return d.status().code();
    if (!d.ok() || d->library != lib_->id || !d->h.enabled || !d->media.IsNull()) return kNotRunnable;
    plan->drive = std::move(*d);
  }
  // The pre-move mark, committed with the claim.
  media.needs_inventory = true;
  req.drive = plan->drive.h.id;
  req.slot = plan->slot.h.id;
  if (Status st = txn.PutPhysicalMedia(media); !st.ok()) return st.code();
  plan->kind = Plan::kMountFromSlot;
  return err::kSuccess;
}

uint32_t LibraryWorker::RunMount(LibRequest& req, Plan& plan, bool* recorded) {
  catalog::PhysicalMedia& media = plan.media;
  const catalog::Slot& slot = plan.slot;
  const catalog::Drive& drive = plan.drive;
  if (plan.kind == Plan::kMountFromSlot) {
    Status mv = lib_->devices.changer->Move({ElementType::kStorage, slot.number},
                                            {ElementType::kDataTransfer, drive.number});
    if (!mv.ok()) return MoveFailed(mv, media, slot.h.id, Guid());
    MaybeCrashAfterMove();
  }
  // Records where the cartridge is and the request's outcome in one commit.
  auto txn = store_->Begin(true);
  if (!txn.ok()) return txn.status().code();
  int64_t now = clock_->NowMillis();
  auto d = (*txn)->GetDrive(drive.h.id);
  auto m = (*txn)->GetPhysicalMedia(media.h.id);
  auto p = (*txn)->GetPartition(req.partition);
  if (!d.ok() || !m.ok() || !p.ok()) return err::kDatabaseFailure;
  // Given up by its caller while the robot moved: record where the cartridge
  // is, but hold nothing for anyone (the drive is left dismountable).
  uint32_t abandoned = err::kSuccess;
  if (auto cur = (*txn)->GetLibRequest(req.h.id); cur.ok()) abandoned = cur->error;
  if (plan.kind == Plan::kMountFromSlot) {
    auto s = (*txn)->GetSlot(slot.h.id);
    if (!s.ok()) return s.status().code();
    s->media = Guid();
    s->state = ntms::kSlotEmpty;
    s->h.modified_ms = now;
    if (Status st = (*txn)->PutSlot(*s); !st.ok()) return st.code();
    m->home_slot = slot.h.id;
    d->mount_count++;
  }
  d->media = m->h.id;
  d->mounted_side = p->h.id;
  d->state = abandoned == err::kSuccess ? ntms::kDriveLoaded : ntms::kDriveDismountable;
  d->h.modified_ms = now;
  m->location = d->h.id;
  m->location_type = ntms::kDrive;
  m->needs_inventory = false;
  m->media_state = abandoned == err::kSuccess ? ntms::kMediaMounted : ntms::kMediaLoaded;
  m->h.modified_ms = now;
  if (abandoned == err::kSuccess) p->in_use_by = req.session;
  p->h.modified_ms = now;
  req.drive = d->h.id;
  SetOutcome(req, abandoned);
  Status st = (*txn)->PutDrive(*d);
  if (st.ok()) st = (*txn)->PutPhysicalMedia(*m);
  if (st.ok()) st = (*txn)->PutPartition(*p);
  if (st.ok()) st = (*txn)->PutLibRequest(req);
  if (st.ok()) st = (*txn)->Commit();
  if (!st.ok()) {
    // The cartridge moved but the catalogue could not record it.
    txn->reset();
    (void)MarkNeedsInventory(media.h.id, st.message());
    return st.code();
  }
  *recorded = true;
  return abandoned;
}

uint32_t LibraryWorker::DoDismount(LibRequest& req, bool deferred) {
  catalog::Drive drive;
  {
    auto txn = store_->Begin(false);
    if (!txn.ok()) return txn.status().code();
    auto d = (*txn)->GetDrive(req.drive);
    if (!d.ok()) return d.status().code() == err::kObjectNotFound ? err::kInvalidDrive : d.status().code();
    drive = *d;
  }
  if (drive.media.IsNull()) return err::kInvalidState;
  bool standalone = lib_->devices.changer == nullptr;
  if (!deferred && standalone) {
    if (drive.number >= lib_->devices.drives.size()) return err::kInvalidDrive;
    Status st = lib_->devices.drives[drive.number]->Unload();
    if (!st.ok()) {
      if (st.code() == err::kDeviceNotAvailable) (void)SetOffline(st.message());
      return st.code();
    }
  }
  // Deferred, or a stand-alone drive: nothing moves.
  auto txn = store_->Begin(true);
  if (!txn.ok()) return txn.status().code();
  int64_t now = clock_->NowMillis();
  auto d = (*txn)->GetDrive(drive.h.id);
  auto m = (*txn)->GetPhysicalMedia(drive.media);
  if (!d.ok() || !m.ok()) return err::kDatabaseFailure;
  d->state = ntms::kDriveDismountable;
  d->h.modified_ms = now;
  m->media_state = standalone ? ntms::kMediaUnloaded : ntms::kMediaLoaded;
  m->h.modified_ms = now;
  auto parts = (*txn)->ListPartitions(m->h.id);
  if (!parts.ok()) return parts.status().code();
  for (auto p : *parts) {
    p.in_use_by = Guid();
    if (Status st = (*txn)->PutPartition(p); !st.ok()) return st.code();
  }
  Status st = (*txn)->PutDrive(*d);
  if (st.ok()) st = (*txn)->PutPhysicalMedia(*m);
  if (st.ok()) st = (*txn)->Commit();
  return st.code();
}

uint32_t LibraryWorker::PrepareDismount(catalog::Txn& txn, LibRequest& req, Plan* plan) {
  auto d = txn.GetDrive(req.drive);
  if (!d.ok()) return d.status().code() == err::kObjectNotFound ? err::kInvalidDrive : d.status().code();
  plan->drive = *d;
  if (plan->drive.media.IsNull()) return err::kInvalidState;
  auto m = txn.GetPhysicalMedia(plan->drive.media);
  if (!m.ok()) return m.status().code();
  plan->media = *m;
  // Its home slot if that is empty, else the lowest-numbered empty slot.
  catalog::Slot& dest = plan->slot;
  if (!plan->media.home_slot.IsNull()) {
    auto s = txn.GetSlot(plan->media.home_slot);
    if (!s.ok() && s.status().code() != err::kObjectNotFound) return s.status().code();
    if (s.ok() && s->library == lib_->id && s->media.IsNull() && s->h.enabled &&
        s->state != ntms::kSlotNeedsInventory)
      dest = std::move(*s);
  }
  if (dest.h.id.IsNull()) {
    auto s = txn.FirstEmptySlot(lib_->id);
    if (!s.ok()) return s.status().code();
    if (!*s) return err::kNotEmpty;  // no empty slot to return the cartridge to
    dest = std::move(**s);
  }  // no empty slot to return the cartridge to
  if (plan->drive.number >= lib_->devices.drives.size()) return err::kInvalidDrive;
  // The pre-move mark, committed with the claim (before the drive unloads:
  // unload and move are one robot operation; a failed unload clears it).
  plan->media.needs_inventory = true;
  req.slot = dest.h.id;
  req.pmid = plan->media.h.id;
  if (Status st = txn.PutPhysicalMedia(plan->media); !st.ok()) return st.code();
  plan->kind = Plan::kDismountToSlot;
  return err::kSuccess;
}

uint32_t LibraryWorker::RunDismount(LibRequest& req, Plan& plan, bool* recorded) {
  const catalog::Drive& drive = plan.drive;
  catalog::PhysicalMedia& media = plan.media;
  const catalog::Slot& dest = plan.slot;
  // A drive element with no drive object (not configured) has nothing to unload.
  devices::Drive* dev = lib_->devices.drives[drive.number].get();
  Status st = dev ? dev->Unload() : Status::Ok();
  if (!st.ok() && st.code() != err::kEmpty) {
    if (st.code() == err::kDeviceNotAvailable) (void)SetOffline(st.message());
    // Nothing moved: the cartridge is where it was. Clear the mark and record
    // the outcome in one commit.
    auto txn = store_->Begin(true);
    if (txn.ok()) {
      media.needs_inventory = false;
      SetOutcome(req, st.code());
      Status c = (*txn)->PutPhysicalMedia(media);
      if (c.ok()) c = (*txn)->PutLibRequest(req);
      if (c.ok()) c = (*txn)->Commit();
      *recorded = c.ok();
    }
    return st.code();
  }
  Status mv = lib_->devices.changer->Move({ElementType::kDataTransfer, drive.number},
                                          {ElementType::kStorage, dest.number});
  if (!mv.ok()) return MoveFailed(mv, media, dest.h.id, dest.h.id);
  MaybeCrashAfterMove();
  // Records where the cartridge is and the request's outcome in one commit.
  auto txn = store_->Begin(true);
  if (!txn.ok()) return txn.status().code();
  int64_t now = clock_->NowMillis();
  auto d = (*txn)->GetDrive(drive.h.id);
  auto m = (*txn)->GetPhysicalMedia(media.h.id);
  auto s = (*txn)->GetSlot(dest.h.id);
  if (!d.ok() || !m.ok() || !s.ok()) return err::kDatabaseFailure;
  d->media = Guid();
  d->mounted_side = Guid();
  d->state = ntms::kDriveDismounted;
  d->h.modified_ms = now;
  s->media = m->h.id;
  s->state = ntms::kSlotFull;
  s->h.modified_ms = now;
  m->location = s->h.id;
  m->location_type = ntms::kStorageSlot;
  m->needs_inventory = false;
  m->media_state = ntms::kMediaIdle;
  m->h.modified_ms = now;
  SetOutcome(req, err::kSuccess);
  Status c = (*txn)->PutDrive(*d);
  if (c.ok()) c = (*txn)->PutSlot(*s);
  if (c.ok()) c = (*txn)->PutPhysicalMedia(*m);
  auto parts = (*txn)->ListPartitions(m->h.id);
  if (c.ok() && parts.ok())
    for (auto p : *parts) {
      p.in_use_by = Guid();
      if (c.ok()) c = (*txn)->PutPartition(p);
    }
  if (c.ok()) c = (*txn)->PutLibRequest(req);
  if (c.ok()) c = (*txn)->Commit();
  if (!c.ok()) {
    txn->reset();
    (void)MarkNeedsInventory(media.h.id, c.message());
    return c.code();
  }
  *recorded = true;
  return err::kSuccess;
}

Status LibraryWorker::RunInventory(LibRequest* req) {
  std::vector<devices::ElementStatus> elements;
  // NTMS_INVENTORY_FAST asks for a bar-code inventory: the robot scans the
  // library first (SCSI: INITIALIZE ELEMENT STATUS). Other methods read the
  // changer's current view (READ ELEMENT STATUS), which it keeps itself.
  Status st = Status::Ok();
  if (req && req->option == ntms::kInventoryFast && lib_->devices.changer) st = lib_->devices.changer->Rescan();
  if (st.ok()) st = ReadElements(&elements);
  if (!st.ok()) {
    if (st.code() == err::kDeviceNotAvailable) (void)SetOffline(st.message());
    return Status(err::kDeviceNotAvailable, st.message());
  }
  return CommitInventory(elements, req);
}

Status LibraryWorker::ReadElements(std::vector<devices::ElementStatus>* elements) {
  elements->clear();
  if (lib_->devices.changer) {
    auto r = lib_->devices.changer->ReadElementStatus();
    if (!r.ok()) return r.status();
    *elements = std::move(*r);
    return Status::Ok();
  }
  for (uint32_t i = 0; i < lib_->devices.drives.size(); ++i) {
    auto st = lib_->devices.drives[i]->GetStatus();
    if (!st.ok()) return st.status();
    devices::ElementStatus e;
    e.ref = {ElementType::kDataTransfer, i};
    e.full = st->loaded;
    e.barcode = st->barcode;
    elements->push_back(e);
  }
  return Status::Ok();
}

Status LibraryWorker::CommitInventory(const std::vector<devices::ElementStatus>& elements, LibRequest* req) {
  auto txn = store_->Begin(true);
  if (!txn.ok()) return txn.status();
  RSM_RETURN_IF_ERROR(Reconcile(**txn, lib_->id, elements, sys_, clock_->NowMillis()));
  if (req) {
    // One commit for the catalogue and the outcome (a failure is recorded by Finish).
    LibRequest done = *req;
    SetOutcome(done, err::kSuccess);
    RSM_RETURN_IF_ERROR((*txn)->PutLibRequest(done));
    RSM_RETURN_IF_ERROR((*txn)->Commit());
    *req = std::move(done);
  } else {
    RSM_RETURN_IF_ERROR((*txn)->Commit());
  }
  offline_ = false;  // Reconcile made the library READY
  return Status::Ok();
}

}  // namespace openrsm::service
