#include "service/worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "catalog/ntms_values.h"

namespace openrsm::service {

using catalog::LibRequest;
using devices::ElementRef;
using devices::ElementType;

namespace {

// Internal outcome: the request cannot run yet (no free drive); not a Win32 code.
constexpr uint32_t kNotRunnable = 0xFFFFFFFFu;

bool IsKnownOutcome(uint32_t code) {
  // Device errors after which the cartridge is known to be where it was.
  return code == err::kEmpty || code == err::kNotEmpty || code == err::kInvalidParameter || code == err::kInvalidState;
}
}  // namespace

LibraryWorker::LibraryWorker(LibraryRuntime* lib, catalog::Store* store, RequestQueue* queue, Clock* clock,
                             SystemObjects sys)
    : lib_(lib), store_(store), queue_(queue), clock_(clock), sys_(sys), syncer_(store, queue, lib->config.name) {}

LibraryWorker::~LibraryWorker() { Stop(); }

void LibraryWorker::Start() {
  MutexLock lock(&mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  wake_ = true;
  last_purge_ms_ = clock_->NowMillis();    // the start-up rule has just purged
  last_ie_poll_ms_ = last_purge_ms_;       // and the start-up inventory read the IE ports
  if (!lib_->HasDevices()) NoteOffline();  // could not be opened at start
  syncer_.Start();
  thread_ = std::thread([this] { Loop(); });
}

void LibraryWorker::Stop() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  syncer_.Stop();  // the outcomes committed so far: synced, then told
}

void LibraryWorker::Wake() {
  MutexLock lock(&mu_);
  wake_ = true;
  cv_.notify_all();
}

void LibraryWorker::SpaceBack() { Wake(); }

void LibraryWorker::MaybeReconcile() {
  if (!reconcile_needed_.load() || store_->Degraded()) return;
  // Requests the worker could not record as finished are not running: fail them.
  {
    auto txn = BeginHeld();
    if (!txn.ok()) return;
    auto stale = txn->db().ListLibRequests(lib_->id, {ntms::kLmInProcess});
    Status st = stale.status();
    if (stale.ok())
      for (auto& r : *stale)
        if (st.ok()) st = txn->Move(r, ntms::kLmFailed, err::kDatabaseFull);
    if (st.ok()) st = txn->Commit();
    std::vector<RequestOutcome> done;
    done.swap(held_);
    syncer_.Deliver(std::move(done));
    if (!st.ok()) return;
  }
  Status st = RunInventory();
  if (!st.ok()) {
    spdlog::warn("library {}: reconcile after a failed commit: {}", lib_->config.name, st.ToString());
    return;
  }
  reconcile_needed_ = false;
  spdlog::info("library {}: the catalogue takes writes again; inventoried, catalogue reconciled", lib_->config.name);
}

void LibraryWorker::Loop() {
  for (;;) {
    {
      MutexLock lock(&mu_);
      // A periodic pass also retries waiting requests when no wake arrives.
      WaitFor(cv_, mu_, std::chrono::seconds(1), [&]() RSM_REQUIRES(mu_) { return stop_ || wake_; });
      if (stop_) return;
      wake_ = false;
    }
    // After a request ran, the queue is read again only if that read held
    // other candidates or a Wake (a new request) arrived meanwhile; a Wake
    // after this check is seen by the wait above.
    bool more = false;
    while (RunOne(&more)) {
      MutexLock lock(&mu_);
      if (stop_) return;
      if (!more && !wake_) break;
      wake_ = false;
    }
    MaybeReconcile();
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

bool LibraryWorker::StillBlocked(catalog::Txn& txn, const Blocker& b) {
  switch (b.kind) {
    case Blocker::kNone:
      return false;
    case Blocker::kSide: {
      auto p = txn.GetPartition(b.what);
      return p.ok() && !p->in_use_by.IsNull();
    }
    case Blocker::kDrive: {
      auto d = txn.GetDrive(b.what);
      return d.ok() && (!d->h.enabled || !d->media.IsNull());
    }
    case Blocker::kFreeDrives: {
      auto n = txn.CountFreeDrives(lib_->id);
      return n.ok() && *n < b.count;
    }
  }
  return false;
}

bool LibraryWorker::RunOne(bool* more) {
  // Candidates: dismounts first (they free drives; MS-RSMP orders them
  // before mounts), then priority, then FIFO. A request parked earlier is
  // tried again only when what it waits for may be free; the first one that
  // can run is claimed, run and finished.
  *more = false;
  std::vector<Guid> order, candidates;
  {
    auto txn = store_->Begin(false);
    if (!txn.ok()) {
      spdlog::error("library {}: cannot read the queue: {}", lib_->config.name, txn.status().ToString());
      return false;
    }
    auto ids = (*txn)->ListLibRequestIds(lib_->id, {ntms::kLmQueued, ntms::kLmWaiting});
    if (!ids.ok()) return false;
    std::unordered_map<Guid, Known> seen;
    for (const Guid& id : *ids) {
      auto it = known_.find(id);
      if (it != known_.end()) {
        seen.emplace(id, it->second);
        continue;
      }
      auto r = (*txn)->GetLibRequest(id);
      if (r.ok()) seen.emplace(id, Known{r->operation, Blocker{}});
    }
    known_ = std::move(seen);
    for (const Guid& id : *ids)
      if (known_.count(id) && known_[id].operation == ntms::kLmDismount) order.push_back(id);
    for (const Guid& id : *ids)
      if (known_.count(id) && known_[id].operation != ntms::kLmDismount) order.push_back(id);
    for (const Guid& id : order)
      if (!StillBlocked(**txn, known_[id].blocker)) candidates.push_back(id);
  }
  *more = order.size() > 1;
  for (const auto& candidate : candidates) {
    LibRequest req;
    Plan plan;
    uint32_t code;
    bool recorded = false;
    {
      // One write transaction claims the request (unless a caller cancelled
      // it since the list was read), validates it against the catalogue and
      // marks what is about to move needs_inventory (Prepare). One that
      // cannot run yet is parked with what it waits for.
      // Not synced (issue 9, docs/service.md "Commits of one library
      // request"): it tells nobody anything, it survives a crash of rsmd
      // (the commit is in the WAL), and the syncer's group commit after the
      // result commit makes it durable with everything before it. A power
      // loss in between is settled by the inventory rsmd runs at every
      // start. A request refused here is rolled back and its outcome is
      // recorded in a transaction of its own below.
      auto txn = queue_->Begin(/*synced=*/false);
      if (!txn.ok()) return false;
      txn->Hold(&held_);
      auto cur = txn->db().GetLibRequest(candidate);
      if (!cur.ok() || (cur->state != ntms::kLmQueued && cur->state != ntms::kLmWaiting)) {
        known_.erase(candidate);
        continue;
      }
      req = *cur;
      code = Prepare(txn->db(), req, &plan);
      // A mount that may not wait (NTMS_MOUNT_ERROR_NOT_AVAILABLE, or
      // dwTimeout 0) waits only for what a dismount queued or an eviction
      // will free at once; otherwise it fails busy now.
      if (code == kNotRunnable && req.operation == ntms::kLmMount && (req.option & ntms::kMountErrorNotAvailable)) {
        Eviction e = PlanEviction(txn->db(), plan.blocker);
        if (!e.covered && e.evict.empty()) code = err::kBusy;
      }
      if (code == kNotRunnable) {
        known_[candidate].blocker = plan.blocker;
        if (req.state != ntms::kLmWaiting && txn->Move(req, ntms::kLmWaiting).ok()) (void)txn->Commit();
        continue;
      }
      known_.erase(candidate);
      if (code == err::kSuccess && (!txn->Move(req, ntms::kLmInProcess).ok() || !txn->Commit().ok())) return false;
    }
    if (code != err::kSuccess) {
      // Refused: Prepare wrote nothing that the rollback above lost. The
      // outcome goes in a transaction of its own (told after the syncer's
      // sync, like every outcome), as a FAILED from QUEUED or WAITING,
      // unless a caller cancelled the request meanwhile.
      auto txn = BeginHeld();
      if (!txn.ok()) return false;
      auto cur = txn->db().GetLibRequest(candidate);
      if (!cur.ok() || (cur->state != ntms::kLmQueued && cur->state != ntms::kLmWaiting)) continue;
      req.state = cur->state;
      recorded = txn->Move(req, ntms::kLmFailed, code).ok() && txn->Commit().ok();
    }
    if (code == err::kSuccess) {
      if (lib_->progress) lib_->progress->SetCurrent(&req);
      code = Run(req, plan, &recorded);
      if (lib_->progress) lib_->progress->SetCurrent(nullptr);
    }
    // Before the caller is answered, so what it reads next reflects the device.
    InventoryIfDeviceChanged();
    Finish(req, code, recorded);
    // The result was committed unsynced: the syncer tells the waiter once a
    // sync has made it durable; this thread goes on with the next request.
    std::vector<RequestOutcome> done;
    done.swap(held_);
    syncer_.Deliver(std::move(done));
    return true;
  }
  MaybeEvict(order);
  return false;
}

bool LibraryWorker::Evictable(const catalog::Drive& d) {
  return d.h.enabled && !d.media.IsNull() && !d.mounted_side.IsNull() &&
         (d.state == ntms::kDriveDismountable || d.state == ntms::kDriveLoaded);
}

LibraryWorker::Eviction LibraryWorker::PlanEviction(catalog::Txn& txn, const Blocker& b) {
  Eviction out;
  if (!lib_->devices.changer) return out;  // a stand-alone drive has nowhere to put it
  if (b.kind != Blocker::kFreeDrives && b.kind != Blocker::kDrive) return out;
  auto drives = txn.ListDrives(lib_->id);
  auto pending = txn.ListLibRequests(lib_->id, {ntms::kLmQueued, ntms::kLmWaiting, ntms::kLmInProcess});
  auto free = txn.CountFreeDrives(lib_->id);
  if (!drives.ok() || !pending.ok() || !free.ok()) return out;
  std::set<Guid> leaving;  // drives a queued or running dismount will empty
  std::set<Guid> wanted;   // cartridges a pending mount wants: kept where they are
  for (const auto& r : *pending) {
    if (r.operation == ntms::kLmDismount && r.option != ntms::kDismountDeferred) leaving.insert(r.drive);
    if (r.operation == ntms::kLmMount) wanted.insert(r.pmid);
  }
  std::vector<catalog::Drive> idle;  // nobody holds the side in it
  for (const auto& d : *drives) {
    if (!Evictable(d) || leaving.count(d.h.id) || wanted.count(d.media)) continue;
    auto side = txn.GetPartition(d.mounted_side);
    if (!side.ok() || !side->in_use_by.IsNull()) continue;
    idle.push_back(d);
  }
  if (b.kind == Blocker::kDrive) {
    out.covered = leaving.count(b.what) > 0;
    for (const auto& d : idle)
      if (d.h.id == b.what && !out.covered) out.evict.push_back(d);
    return out;
  }
  int64_t short_by = int64_t(b.count) - int64_t(*free) - int64_t(leaving.size());
  out.covered = short_by <= 0;
  // Least recently used first: a drive's modified time is when its cartridge
  // was last mounted or released.
  std::sort(idle.begin(), idle.end(),
            [](const catalog::Drive& x, const catalog::Drive& y) { return x.h.modified_ms < y.h.modified_ms; });
  for (size_t i = 0; i < idle.size() && int64_t(i) < short_by; ++i) out.evict.push_back(idle[i]);
  // Eviction that cannot free enough does not help this mount.
  if (!out.covered && int64_t(out.evict.size()) < short_by) out.evict.clear();
  return out;
}

void LibraryWorker::MaybeEvict(const std::vector<Guid>& order) {
  const Blocker* first = nullptr;
  for (const Guid& id : order) {
    auto it = known_.find(id);
    if (it != known_.end() && it->second.operation == ntms::kLmMount &&
        (it->second.blocker.kind == Blocker::kFreeDrives || it->second.blocker.kind == Blocker::kDrive)) {
      first = &it->second.blocker;
      break;
    }
  }
  if (!first) return;
  std::vector<catalog::Drive> evict;
  {
    auto txn = store_->Begin(false);
    if (!txn.ok()) return;
    evict = PlanEviction(**txn, *first).evict;
  }
  if (evict.empty()) return;
  auto txn = queue_->Begin(true);
  if (!txn.ok()) return;
  Session rsmd;  // rsmd's own requests: not counted against any uid
  rsmd.application = "rsmd";
  rsmd.user = "rsmd";
  for (const auto& d : evict) {
    catalog::LibRequest req;
    req.operation = ntms::kLmDismount;
    req.option = 0;  // as DismountNtmsDrive: the drive is emptied
    req.library = lib_->id;
    req.drive = d.h.id;
    req.pmid = d.media;
    req.partition = d.mounted_side;
    req.h.description = "dismountable drive emptied for a waiting mount";
    if (!txn->Submit(req, rsmd).ok()) return;
    spdlog::info("library {}: {} is dismountable and a mount waits for a drive: its cartridge goes home",
                 lib_->config.name, d.h.name);
  }
  (void)txn->Commit();
}

Result<RequestQueue::Txn> LibraryWorker::BeginHeld(bool recovery) {
  auto txn = recovery ? queue_->BeginRecovery() : queue_->Begin(/*synced=*/false);
  if (txn.ok()) txn->Hold(&held_);
  return txn;
}

uint32_t LibraryWorker::FinalState(uint32_t code) {
  if (code == err::kCancelled) return ntms::kLmCancelled;  // NTMS_INVENTORY_STOP
  return code == err::kSuccess ? ntms::kLmPassed : ntms::kLmFailed;
}

void LibraryWorker::Finish(LibRequest& req, uint32_t code, bool recorded) {
  if (code != err::kSuccess)
    spdlog::warn("library {}: request {} (op {}) failed: {}", lib_->config.name, req.h.id.ToString(), req.operation,
                 ErrorName(code));
  if (recorded) return;  // its commit told the waiter
  const uint32_t to = req.state == ntms::kLmInProcess ? FinalState(code) : ntms::kLmFailed;
  Status st = Status::Ok();
  for (bool recovery : {false, true}) {
    auto txn = BeginHeld(recovery);
    st = txn.status();
    if (txn.ok()) {
      LibRequest copy = req;
      st = txn->Move(copy, to, code);
      if (st.ok()) st = txn->Commit();
      if (st.ok()) {
        req = std::move(copy);
        return;
      }
    }
    if (st.code() != err::kDatabaseFull) break;
  }
  spdlog::error("library {}: cannot record the outcome of request {}: {}", lib_->config.name, req.h.id.ToString(),
                st.ToString());
  reconcile_needed_ = true;
  queue_->FinishUncommitted(RequestOutcome{req.h.id, to, code, req.drive});
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
  spdlog::warn("library {}: location of media {} unknown until inventory: {}", lib_->config.name, media.ToString(),
               why);
  // When the store is full, the reserve kept for this (BeginRecovery) records it.
  Status st = Status::Ok();
  for (bool recovery : {false, true}) {
    auto txn = recovery ? store_->BeginRecovery() : store_->Begin(true);
    st = txn.status();
    if (txn.ok()) st = WriteNeedsInventory(**txn, media, slot);
    if (st.ok()) st = (*txn)->Commit();
    if (st.ok() || st.code() != err::kDatabaseFull) break;
  }
  if (!st.ok()) reconcile_needed_ = true;
  return st;
}

Status LibraryWorker::WriteNeedsInventory(catalog::Txn& txn, const Guid& media, const Guid& slot) {
  RSM_ASSIGN_OR_RETURN(auto lib, txn.GetLibrary(lib_->id));
  lib.needs_inventory = true;
  RSM_RETURN_IF_ERROR(txn.PutLibrary(lib));
  if (!media.IsNull()) {
    auto m = txn.GetPhysicalMedia(media);
    if (m.ok()) {
      m->needs_inventory = true;
      RSM_RETURN_IF_ERROR(txn.PutPhysicalMedia(*m));
    }
  }
  if (!slot.IsNull()) {
    // Operators see the slot the cartridge was going to or coming from as
    // "needs inventory" (NTMS_SLOTSTATE_NEEDSINVENTORY) until one runs.
    auto s = txn.GetSlot(slot);
    if (s.ok()) {
      s->state = ntms::kSlotNeedsInventory;
      RSM_RETURN_IF_ERROR(txn.PutSlot(*s));
    }
  }
  return Status::Ok();
}

void LibraryWorker::InventoryIfDeviceChanged() {
  devices::Changer* changer = lib_->devices.changer.get();
  if (!changer || !changer->InventoryMayHaveChanged()) return;
  spdlog::warn(
      "library {}: the changer reported a power-on, reset or medium change (UNIT ATTENTION); "
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
  spdlog::warn(
      "library {}: destination {} holds a cartridge the catalogue does not know of; "
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
  auto m = txn.GetPhysicalMedia(req.pmid);
  if (!m.ok()) return m.status().code() == err::kObjectNotFound ? err::kInvalidMedia : m.status().code();
  plan->media = *m;
  catalog::PhysicalMedia& media = plan->media;
  if (media.library != lib_->id || media.needs_inventory) return err::kMediaOffline;
  if (!media.h.enabled) return err::kResourceDisabled;
  // A side has one holder at a time: a mount of a side another session
  // holds (or this one, not yet released) waits until it is released.
  auto side = txn.GetPartition(req.partition);
  if (!side.ok()) return side.status().code() == err::kObjectNotFound ? err::kInvalidMedia : side.status().code();
  if (!side->in_use_by.IsNull()) {
    plan->blocker = {Blocker::kSide, side->h.id, 0};
    return kNotRunnable;
  }
  // The other mounts of one MountNtmsMedia call: the batch runs only when
  // every one of its cartridges can have a drive, so that two batches never
  // hold a drive each while waiting for the other's.
  uint64_t need = media.location_type == ntms::kDrive ? 0 : 1;
  for (const Guid& id : queue_->BatchOf(req.h.id)) {
    if (id == req.h.id) continue;
    auto other = txn.GetLibRequest(id);
    if (!other.ok() || (other->state != ntms::kLmQueued && other->state != ntms::kLmWaiting)) continue;
    auto op = txn.GetPartition(other->partition);
    if (op.ok() && !op->in_use_by.IsNull()) {
      plan->blocker = {Blocker::kSide, op->h.id, 0};
      return kNotRunnable;
    }
    auto om = txn.GetPhysicalMedia(other->pmid);
    if (om.ok() && om->location_type != ntms::kDrive) ++need;
  }
  if (media.location_type == ntms::kDrive) {
    // Already in a drive (left there by a deferred dismount): mount in place.
    auto d = txn.GetDrive(media.location);
    if (!d.ok()) return d.status().code();
    if (!req.drive.IsNull() && req.drive != d->h.id) return err::kBusy;
    if (!d->h.enabled) return err::kResourceDisabled;
    if (need > 0) {
      auto n = txn.CountFreeDrives(lib_->id);
      if (!n.ok()) return n.status().code();
      if (*n < need) {
        plan->blocker = {Blocker::kFreeDrives, Guid(), need};
        return kNotRunnable;
      }
    }
    plan->drive = *d;
    plan->kind = Plan::kMountInPlace;
    return err::kSuccess;
  }
  if (media.location_type != ntms::kStorageSlot || !lib_->devices.changer) return err::kMediaOffline;
  auto s = txn.GetSlot(media.location);
  if (!s.ok()) return s.status().code();
  plan->slot = *s;
  if (req.drive.IsNull()) {
    auto n = txn.CountFreeDrives(lib_->id);
    if (!n.ok()) return n.status().code();
    if (*n < need) {
      plan->blocker = {Blocker::kFreeDrives, Guid(), need};
      return kNotRunnable;
    }
    auto d = txn.FirstFreeDrive(lib_->id);
    if (!d.ok()) return d.status().code();
    if (!*d) {
      plan->blocker = {Blocker::kFreeDrives, Guid(), need};
      return kNotRunnable;
    }
    plan->drive = std::move(**d);
  } else {
    auto d = txn.GetDrive(req.drive);
    if (!d.ok() && d.status().code() != err::kObjectNotFound) return d.status().code();
    if (!d.ok() || d->library != lib_->id) return err::kInvalidDrive;
    if (!d->h.enabled || !d->media.IsNull()) {
      plan->blocker = {Blocker::kDrive, d->h.id, 0};
      return kNotRunnable;
    }
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
    Status mv =
        lib_->devices.changer->Move({ElementType::kStorage, slot.number}, {ElementType::kDataTransfer, drive.number});
    if (!mv.ok()) return MoveFailed(mv, media, slot.h.id, Guid());
  }
  // Records where the cartridge is and the request's outcome in one commit.
  Status st = CommitMount(req, plan);
  if (!st.ok()) {
    reconcile_needed_ = true;
    // The cartridge moved (or sits in the drive) but the catalogue could not
    // record it: its pre-move mark stays, and an inventory settles it.
    (void)MarkNeedsInventory(media.h.id, st.message());
    return st.code();
  }
  *recorded = true;
  return req.error;
}

Status LibraryWorker::CommitMount(LibRequest& req, const Plan& plan) {
  RSM_ASSIGN_OR_RETURN(auto txn, BeginHeld());
  catalog::Txn& db = txn.db();
  int64_t now = clock_->NowMillis();
  RSM_ASSIGN_OR_RETURN(auto d, db.GetDrive(plan.drive.h.id));
  RSM_ASSIGN_OR_RETURN(auto m, db.GetPhysicalMedia(plan.media.h.id));
  RSM_ASSIGN_OR_RETURN(auto p, db.GetPartition(req.partition));
  // Given up by its caller while the robot moved: record where the cartridge
  // is, but hold nothing for anyone (the drive is left dismountable). Read
  // here, under the catalogue's write lock (RequestQueue: Abandon).
  uint32_t outcome = queue_->AbandonedCode(req.h.id);
  if (outcome == err::kSuccess && !p.in_use_by.IsNull() && p.in_use_by != req.session) {
    // One holder per side, checked where the holder is set: never reached
    // while PrepareMount parks mounts of a held side, but never overwritten.
    spdlog::error("library {}: side {} is held by session {}; mount {} does not take it", lib_->config.name,
                  p.h.id.ToString(), p.in_use_by.ToString(), req.h.id.ToString());
    outcome = err::kBusy;
  }
  if (plan.kind == Plan::kMountFromSlot) {
    RSM_ASSIGN_OR_RETURN(auto s, db.GetSlot(plan.slot.h.id));
    s.media = Guid();
    s.state = ntms::kSlotEmpty;
    s.h.modified_ms = now;
    RSM_RETURN_IF_ERROR(db.PutSlot(s));
    m.home_slot = plan.slot.h.id;
    d.mount_count++;
    p.mount_count++;
  }
  const bool held = outcome == err::kSuccess;
  d.media = m.h.id;
  d.mounted_side = p.h.id;
  d.state = held ? ntms::kDriveLoaded : ntms::kDriveDismountable;
  d.h.modified_ms = now;
  m.location = d.h.id;
  m.location_type = ntms::kDrive;
  m.needs_inventory = false;
  m.media_state = held ? ntms::kMediaMounted : ntms::kMediaLoaded;
  m.h.modified_ms = now;
  if (held) p.in_use_by = req.session;
  p.h.modified_ms = now;
  LibRequest done = req;
  done.drive = d.h.id;
  RSM_RETURN_IF_ERROR(db.PutDrive(d));
  RSM_RETURN_IF_ERROR(db.PutPhysicalMedia(m));
  RSM_RETURN_IF_ERROR(db.PutPartition(p));
  RSM_RETURN_IF_ERROR(txn.Move(done, FinalState(outcome), outcome));
  RSM_RETURN_IF_ERROR(txn.Commit());
  req = std::move(done);
  return Status::Ok();
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
  if (req.option == ntms::kDismountImmediate && !req.partition.IsNull()) {
    // DismountNtmsMedia released its side when it queued this dismount. If
    // another session has mounted that side in place since, the cartridge
    // is in use again: it stays (DismountNtmsDrive's dismounts, option 0,
    // move it whoever holds it).
    auto side = txn.GetPartition(req.partition);
    if (side.ok() && !side->in_use_by.IsNull() && side->in_use_by != req.session) return err::kBusy;
  }
  // Its home slot if that is empty, else the lowest-numbered empty slot.
  catalog::Slot& dest = plan->slot;
  if (!plan->media.home_slot.IsNull()) {
    auto s = txn.GetSlot(plan->media.home_slot);
    if (!s.ok() && s.status().code() != err::kObjectNotFound) return s.status().code();
    if (s.ok() && s->library == lib_->id && s->media.IsNull() && s->h.enabled && s->state != ntms::kSlotNeedsInventory)
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
    auto txn = BeginHeld();
    if (txn.ok()) {
      media.needs_inventory = false;
      LibRequest done = req;
      Status c = txn->db().PutPhysicalMedia(media);
      if (c.ok()) c = txn->Move(done, ntms::kLmFailed, st.code());
      if (c.ok()) c = txn->Commit();
      if (c.ok()) req = std::move(done);
      *recorded = c.ok();
    }
    return st.code();
  }
  Status mv =
      lib_->devices.changer->Move({ElementType::kDataTransfer, drive.number}, {ElementType::kStorage, dest.number});
  if (!mv.ok()) return MoveFailed(mv, media, dest.h.id, dest.h.id);
  // Records where the cartridge is and the request's outcome in one commit.
  Status c = CommitDismount(req, plan);
  if (!c.ok()) {
    reconcile_needed_ = true;
    (void)MarkNeedsInventory(media.h.id, c.message());
    return c.code();
  }
  *recorded = true;
  return err::kSuccess;
}

Status LibraryWorker::CommitDismount(LibRequest& req, const Plan& plan) {
  RSM_ASSIGN_OR_RETURN(auto txn, BeginHeld());
  catalog::Txn& db = txn.db();
  int64_t now = clock_->NowMillis();
  RSM_ASSIGN_OR_RETURN(auto d, db.GetDrive(plan.drive.h.id));
  RSM_ASSIGN_OR_RETURN(auto m, db.GetPhysicalMedia(plan.media.h.id));
  RSM_ASSIGN_OR_RETURN(auto s, db.GetSlot(plan.slot.h.id));
  d.media = Guid();
  d.mounted_side = Guid();
  d.state = ntms::kDriveDismounted;
  d.h.modified_ms = now;
  s.media = m.h.id;
  s.state = ntms::kSlotFull;
  s.h.modified_ms = now;
  m.location = s.h.id;
  m.location_type = ntms::kStorageSlot;
  m.needs_inventory = false;
  m.media_state = ntms::kMediaIdle;
  m.h.modified_ms = now;
  RSM_RETURN_IF_ERROR(db.PutDrive(d));
  RSM_RETURN_IF_ERROR(db.PutSlot(s));
  RSM_RETURN_IF_ERROR(db.PutPhysicalMedia(m));
  RSM_ASSIGN_OR_RETURN(auto parts, db.ListPartitions(m.h.id));
  for (auto p : parts)
    if (!p.in_use_by.IsNull()) {
      p.in_use_by = Guid();
      RSM_RETURN_IF_ERROR(db.PutPartition(p));
    }
  LibRequest done = req;
  RSM_RETURN_IF_ERROR(txn.Move(done, ntms::kLmPassed));
  RSM_RETURN_IF_ERROR(txn.Commit());
  req = std::move(done);
  return Status::Ok();
}

void LibraryWorker::StopRequest(const Guid& id) {
  MutexLock lock(&stop_mu_);
  stop_request_ = id;
}

bool LibraryWorker::StopRequested(const Guid& id) {
  MutexLock lock(&stop_mu_);
  return !id.IsNull() && stop_request_ == id;
}

Status LibraryWorker::RunInventory(LibRequest* req) {
  std::vector<devices::ElementStatus> elements;
  // NTMS_INVENTORY_FAST asks for a bar-code inventory: the robot scans the
  // library first (SCSI: INITIALIZE ELEMENT STATUS). Other methods read the
  // changer's current view (READ ELEMENT STATUS), which it keeps itself.
  Status st = Status::Ok();
  if (req && req->option == ntms::kInventoryFast && lib_->devices.changer) st = lib_->devices.changer->Rescan();
  if (st.ok() && req && StopRequested(req->h.id))
    return Status(err::kCancelled, "inventory stopped (NTMS_INVENTORY_STOP)");
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
  RSM_ASSIGN_OR_RETURN(auto txn, BeginHeld());
  RSM_RETURN_IF_ERROR(Reconcile(txn.db(), lib_->id, elements, sys_, clock_->NowMillis()));
  if (req) {
    // One commit for the catalogue and the outcome (a failure is recorded by Finish).
    LibRequest done = *req;
    RSM_RETURN_IF_ERROR(txn.Move(done, ntms::kLmPassed));
    RSM_RETURN_IF_ERROR(txn.Commit());
    *req = std::move(done);
  } else {
    RSM_RETURN_IF_ERROR(txn.Commit());
  }
  offline_ = false;  // Reconcile made the library READY
  return Status::Ok();
}

}  // namespace openrsm::service
