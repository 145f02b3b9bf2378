// LibraryWorker: the one thread that drives a library's devices.
//
// It takes the library's persisted requests — dismounts first (they free
// drives), then by priority, then FIFO — runs the device steps outside any
// catalogue transaction, and commits each step's outcome. Before a
// cartridge moves, the media is marked needs_inventory in the catalogue; the
// mark is cleared by the commit that records where the move left it. A crash
// between the two leaves the mark, and the startup inventory resolves it.
//
// A mount that cannot run yet (its side is held by another session, its
// drive is busy, no drive is free) is parked (NTMS_LM_WAITING) with what it
// waits for; later passes look only at that (one cheap read), so many
// waiting requests cost neither threads nor catalogue writes. A pass runs
// when the worker is woken (a new request, a side released, a drive
// enabled: RequestQueue::Poke) and at least once a second.
//
// A request's result is committed unsynced and its outcome handed to an
// OutcomeSyncer, which tells the waiter after a group commit; the worker
// goes on with the next request meanwhile (docs/service.md "Commits of one
// library request").
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

#include "catalog/store.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/thread_annotations.h"
#include "devices/device.h"
#include "service/outcome_syncer.h"
#include "service/request_queue.h"

namespace openrsm::service {

// Shows a device's long waits (ProgressReporter) on the library request the
// worker is running: the text goes into the request's description
// (szDescription of its NTMS_OBJECTINFORMATION), committed at once, so
// `rsm request list` and GetNtmsObjectInformation show that a mount is
// waiting for a calibrating drive rather than stuck. Used on the worker's
// thread only (device calls are synchronous there); with no request running
// (inventory at start-up) the text is only logged by the device.
class RequestProgress final : public devices::ProgressReporter {
 public:
  explicit RequestProgress(catalog::Store* store) : store_(store) {}
  void Report(const std::string& text) override;
  void SetCurrent(catalog::LibRequest* req) { current_ = req; }

 private:
  catalog::Store* store_;
  catalog::LibRequest* current_ = nullptr;
};

struct LibraryRuntime {
  LibraryConfig config;
  Guid id;  // set once by RegisterLibrary at start, before any worker runs
  // Threading: `devices` is filled either before the workers start (Create)
  // or by the library's own worker when it reopens a library whose devices
  // could not be opened at start (LibraryWorker::MaybeReopen), and it never
  // changes after that. Only the worker thread calls into it. Other threads
  // (the Service's RPC threads) must check HasDevices() first and may then
  // only look at which devices exist (e.g. `devices.changer != nullptr`):
  // the flag is stored (release) after `devices` is complete and read
  // (acquire) before it, so they never see a half-written `devices`.
  devices::LibraryDevices devices;
  std::atomic<bool> has_devices{false};
  bool HasDevices() const { return has_devices.load(std::memory_order_acquire); }
  // Publishes `devices` (see above) when they are complete for the library's
  // shape: a changer, or a stand-alone library's drive.
  void PublishDevices() {
    if (config.standalone ? !devices.drives.empty() : devices.changer != nullptr)
      has_devices.store(true, std::memory_order_release);
  }
  std::string offline_reason;  // why `devices` could not be opened at start
  // SCSI libraries: opens the devices (the factory start-up used); the
  // worker calls it again to reopen them. Empty for other kinds.
  std::function<Result<devices::LibraryDevices>()> open;
  std::shared_ptr<RequestProgress> progress;  // SCSI libraries: long device waits
  std::unique_ptr<class LibraryWorker> worker;
};

// System pools and the media type new cartridges get.
struct SystemObjects {
  Guid media_type;
  Guid free_pool;  // child of "Free" for media_type
  Guid import_pool;
  Guid unrecognized_pool;
  Guid offline_library;  // the computer's (catalog::Computer)
  Guid root_pool;
};

class LibraryWorker {
 public:
  LibraryWorker(LibraryRuntime* lib, catalog::Store* store, RequestQueue* queue, Clock* clock, SystemObjects sys);
  ~LibraryWorker();
  void Start();
  // Waits for the current step to finish, then tells the watchers of every
  // outcome committed so far (after a sync).
  void Stop();
  void Wake();
  // Ends request `id` (an inventory in process) as cancelled at its next
  // step; any thread. A request that is not running is not affected.
  void StopRequest(const Guid& id);
  // The catalogue could not record where a move left a cartridge (disk or
  // database full): once the store takes writes again, the worker runs an
  // inventory by itself. Called by the worker; SpaceBack() wakes it.
  void SpaceBack();

  // Reads the device and reconciles the catalogue with it (also used at start).
  // With `req`, a request's success is committed with the reconcile (the
  // request gets its PASSED outcome in the same transaction).
  Status RunInventory(catalog::LibRequest* req = nullptr);

  // The first and the largest wait between two reopen attempts (ms):
  // 5 s, doubling up to `max_ms` (reopen_seconds). Exposed for tests.
  static int64_t NextReopenDelayMs(int64_t previous_ms, int64_t max_ms);

 private:
  void Loop();
  // What a parked request waits for (kNotRunnable), re-checked by later passes.
  struct Blocker {
    enum Kind { kNone, kSide, kDrive, kFreeDrives } kind = kNone;
    Guid what;           // kSide: the side another session holds; kDrive: the drive asked for
    uint64_t count = 0;  // kFreeDrives: how many free drives it needs
  };
  // What the claiming transaction found and marked for the device steps.
  struct Plan {
    enum Kind {
      kGeneric,
      kMountFromSlot,
      kMountInPlace,
      kDismountToSlot,
      kEjectToPort,
      kInjectFromPorts
    } kind = kGeneric;
    Blocker blocker;               // when Prepare returned kNotRunnable
    catalog::PhysicalMedia media;  // as committed by the claim (needs_inventory set before a move)
    catalog::Drive drive;
    catalog::Slot slot;    // mount: the source; dismount: the destination; eject: the source
    catalog::IePort port;  // eject: the destination
  };

  // Runs one runnable request; false when there is none.
  // Runs the first runnable request, if any. `*more` is set when the queue
  // read held other candidates (which may be runnable now).
  bool RunOne(bool* more);
  // The final state of a request the worker ran that ended with `code`.
  static uint32_t FinalState(uint32_t code);
  // Records the outcome of a request the worker ran (unless `recorded`: the
  // last step already committed it, and its waiter was told then). When the
  // catalogue cannot take it (full, failed), the waiter is still told and
  // the request is settled by the next reconcile.
  void Finish(catalog::LibRequest& req, uint32_t code, bool recorded);
  // Whether a parked request's blocker still holds (reads through `txn`).
  bool StillBlocked(catalog::Txn& txn, const Blocker& b);
  // Dismountable drives satisfy mounts (SDK, DismountNtmsMedia): when the
  // first mount parked for want of a drive could have one that holds a
  // cartridge nobody uses (a deferred dismount, an abandoned mount), queue
  // dismounts of the least recently used such drives (or of the drive it
  // named), unless dismounts already queued will free enough.
  void MaybeEvict(const std::vector<Guid>& order);
  // What would free what `b` waits for: dismounts already queued (`covered`),
  // or the drives to empty (`evict`, least recently used first; empty when
  // evicting them all would not be enough).
  struct Eviction {
    bool covered = false;
    std::vector<catalog::Drive> evict;
  };
  Eviction PlanEviction(catalog::Txn& txn, const Blocker& b);

 public:
  // Whether `d` could be emptied for a mount, as far as the drive row tells:
  // enabled, holding a known side, dismountable or loaded. The caller also
  // checks that nobody holds that side (Partition::in_use_by).
  static bool Evictable(const catalog::Drive& d);

 private:
  // After a commit that could not record a move: inventory as soon as the
  // store takes writes again (worker thread only).
  void MaybeReconcile();
  // Inside the claiming write transaction: validates the request against the
  // catalogue and, for a robot move, marks the cartridge needs_inventory.
  // Returns ERROR_SUCCESS (claim it), kNotRunnable (park it WAITING) or the
  // request's error (fail it, nothing has moved).
  uint32_t Prepare(catalog::Txn& txn, catalog::LibRequest& req, Plan* plan);
  uint32_t PrepareMount(catalog::Txn& txn, catalog::LibRequest& req, Plan* plan);
  uint32_t PrepareDismount(catalog::Txn& txn, catalog::LibRequest& req, Plan* plan);
  // The device steps of a claimed request and the commit of their result;
  // sets *recorded when that commit also recorded the request's outcome.
  uint32_t Run(catalog::LibRequest& req, Plan& plan, bool* recorded);
  uint32_t RunMount(catalog::LibRequest& req, Plan& plan, bool* recorded);
  // The commit after a mount's move: where the cartridge is, who holds its
  // side, and the request's outcome (req.error: 0, or why nobody holds it).
  Status CommitMount(catalog::LibRequest& req, const Plan& plan);
  uint32_t RunDismount(catalog::LibRequest& req, Plan& plan, bool* recorded);
  Status CommitDismount(catalog::LibRequest& req, const Plan& plan);
  // A deferred dismount, or any dismount of a stand-alone drive (no move).
  uint32_t DoDismount(catalog::LibRequest& req, bool deferred);
  // Handles a failed robot move of `media` to or from `slot`: offline device,
  // refused move (nothing moved), or unknown outcome (marked for inventory).
  // `dest_slot` is the destination when it is a slot (null for a drive): a
  // full destination (ERROR_NOT_EMPTY) marks it, see DestinationFull.
  // Returns the request's error code.
  uint32_t MoveFailed(const Status& mv, catalog::PhysicalMedia& media, const Guid& slot, const Guid& dest_slot);
  // A move refused because its destination is full although the catalogue
  // has it empty (a cartridge placed behind our back): nothing moved, so the
  // media's pre-move mark is cleared; the library needs an inventory and a
  // destination slot shows NTMS_SLOTSTATE_NEEDSINVENTORY until one runs.
  Status DestinationFull(catalog::PhysicalMedia& media, const Guid& dest_slot, const std::string& why);
  // After a request: when the changer reported a UNIT ATTENTION (power on,
  // reset, not ready to ready: its elements may have changed behind our
  // back), reads the element status and reconciles the catalogue.
  void InventoryIfDeviceChanged();
  Status SetOffline(const std::string& reason);
  // Reopen (SCSI libraries with reopen_seconds > 0): while the library is
  // offline because its devices could not be opened or stopped answering,
  // tries again between requests, 5 s after it went offline, then with the
  // wait doubling up to reopen_seconds. A try opens the devices if start-up
  // could not (and catalogues their elements as start-up does, RegisterLibrary),
  // then reads the element status; when that answers, the catalogue is
  // reconciled with it and the library is READY again. A failed try writes
  // nothing to the catalogue (worker thread only).
  void MaybeReopen();
  Status Reopen();
  // The library is offline: start the reopen backoff unless it runs already.
  void NoteOffline();
  // Reads the element status (a stand-alone library: its drive's status).
  // No catalogue change; ERROR_DEVICE_NOT_AVAILABLE when the device does not answer.
  Status ReadElements(std::vector<devices::ElementStatus>* elements);
  // Reconciles the catalogue with `elements` (READY, see Reconcile) and,
  // with `req`, records its PASSED outcome in the same commit.
  Status CommitInventory(const std::vector<devices::ElementStatus>& elements, catalog::LibRequest* req);
  bool offline_ = false;         // worker thread only (or before Start)
  bool registered_ = true;       // false: devices opened by a reopen, elements not yet catalogued
  int64_t reopen_delay_ms_ = 0;  // the current backoff step
  int64_t next_reopen_ms_ = 0;   // no try before this (clock_)
  // Marks `media` (and `slot`) as needing an inventory, through the store's
  // reserve when it is full; if even that fails, an inventory runs once the
  // store takes writes again (MaybeReconcile).
  Status MarkNeedsInventory(const Guid& media, const std::string& why, const Guid& slot = Guid());
  Status WriteNeedsInventory(catalog::Txn& txn, const Guid& media, const Guid& slot);
  // PurgeOldLibRequests at most every kPurgeIntervalMs (worker thread only).
  void MaybePurge();
  // IE ports (ieports.cc). The mail-slot poll: at most every ie_poll_seconds,
  // between requests, reads the IE ports and records what an operator put in
  // or took out (worker thread only).
  void MaybePollIePorts();
  Status PollIePorts();
  uint32_t PrepareEject(catalog::Txn& txn, catalog::LibRequest& req, Plan* plan);
  uint32_t RunEject(catalog::LibRequest& req, Plan& plan, bool* recorded);
  Status CommitEject(catalog::LibRequest& req, const Plan& plan);
  uint32_t PrepareInject(catalog::Txn& txn, catalog::LibRequest& req, Plan* plan);
  uint32_t RunInject(catalog::LibRequest& req);
  int64_t last_ie_poll_ms_ = 0;  // worker thread only
  static constexpr int64_t kPurgeIntervalMs = 60'000;

  // The queued and waiting requests this worker has seen, with what a parked
  // one waits for (worker thread only).
  struct Known {
    uint32_t operation = 0;
    Blocker blocker;
  };
  std::unordered_map<Guid, Known> known_;
  std::atomic<bool> reconcile_needed_{false};  // set by the worker, cleared by an inventory
  // Outcomes the worker committed for the request it runs, handed to
  // syncer_ once it is done with the device (worker thread only).
  std::vector<RequestOutcome> held_;
  // A queue transaction whose outcomes are held (see held_): not synced
  // (syncer_ makes them durable before anyone is told); `recovery`: a
  // synced BeginRecovery, for when the store is full.
  Result<RequestQueue::Txn> BeginHeld(bool recovery = false);

  LibraryRuntime* lib_;
  catalog::Store* store_;
  RequestQueue* queue_;
  Clock* clock_;
  SystemObjects sys_;
  // Tells the watchers of held_ outcomes once a group commit made them
  // durable, while this thread goes on with the next request (issue 9).
  OutcomeSyncer syncer_;
  Mutex mu_;
  std::condition_variable cv_;
  bool wake_ RSM_GUARDED_BY(mu_) = false;
  bool stop_ RSM_GUARDED_BY(mu_) = false;
  std::thread thread_;
  int64_t last_purge_ms_ = 0;  // worker thread only
  Mutex stop_mu_;
  Guid stop_request_ RSM_GUARDED_BY(stop_mu_);  // set by StopRequest
  bool StopRequested(const Guid& id) RSM_EXCLUDES(stop_mu_);
};

// Deletes the completed library requests (passed, failed, cancelled) that
// completed more than the computer's lib_request_purge_time_s before `now_ms`
// (MS-RSMP NTMS_COMPUTERINFORMATION.dwLibRequestPurgeTime). Needs a write Txn.
Result<uint64_t> PurgeOldLibRequests(catalog::Txn& txn, int64_t now_ms);

// Catalogues a configured library and the elements its devices report
// (changer with serial, drives, slots, IE ports), adding what is missing:
// op_state INITIALIZING with needs_inventory when its devices are open, else
// NEEDS_SERVICE with the reason. Used at start-up (Service::Start) and by a
// worker that reopened the library's devices. Sets `rt.id` the first time.
Status RegisterLibrary(catalog::Store& store, Clock& clock, LibraryRuntime& rt);

// Reconciles the catalogue for `library` with an element-status read.
Status Reconcile(catalog::Txn& txn, const Guid& library, const std::vector<devices::ElementStatus>& elements,
                 const SystemObjects& sys, int64_t now_ms);

}  // namespace openrsm::service
