// Goal 2: MountNtmsMedia + DismountNtmsDrive on the simulated library at
// time_scale 0, and where the time of a request goes.
//
//   BM_MountDismount              C API against rsmd: one iteration = Mount (slot -> drive) +
//                                 DismountNtmsDrive (drive -> slot) = 2 library requests
//   BM_ServiceMountDismount/<fs>  the same through Service in this process (no RPC):
//                                 catalogue transactions + worker hand-off + sim device
//   BM_SimDeviceCycle/<fs>        the sim device steps of one cycle alone: Move slot->drive,
//                                 Unload, Move drive->slot (each persists the sim state file)
//   BM_CatalogWriteTxn/<fs>       Begin(write) + PutLibRequest + Commit (one WAL fsync on ext4)
//   BM_CatalogReadTxn/<fs>        Begin(read) + GetLibRequest + rollback
// BM_ServiceMountDismount also counts, in 20 untimed cycles after its loop, the
// fsync/fdatasync calls per library request (sync_count.h): catalogue and device.
// <fs> is ext4 (/tmp) or tmpfs (/dev/shm, where fsync is free): their difference is the
// cost of durability.
#include <unistd.h>

#include <cstring>

#include "bench_util.h"
#include "catalog/ntms_values.h"
#include "catalog/store.h"
#include "common/clock.h"
#include "devices/sim/sim_library.h"
#include "inproc.h"
#include "sync_count.h"

namespace rsmbench {
namespace {

namespace ntms = openrsm::ntms;
constexpr uint32_t kTimeoutMs = 60000;

std::string FsName(const std::string& base) { return base == "/dev/shm" ? "tmpfs" : "ext4"; }

void BM_MountDismount(benchmark::State& state) {
  auto& env = Small();
  Latencies mount, dismount;
  for (auto _ : state) {
    NTMS_GUID media = env.media, drive{};
    auto t0 = Clock::now();
    DWORD rc = MountNtmsMedia(env.session, &media, &drive, 1, NTMS_MOUNT_READ, 0, kTimeoutMs, nullptr);
    auto t1 = Clock::now();
    if (!Check(state, rc, "MountNtmsMedia")) break;
    rc = DismountNtmsDrive(env.session, &drive);
    auto t2 = Clock::now();
    if (!Check(state, rc, "DismountNtmsDrive")) break;
    mount.Add(t1 - t0);
    dismount.Add(t2 - t1);
  }
  state.SetItemsProcessed(state.iterations() * 2);  // items = library requests
  mount.Report(state, "mount_");
  dismount.Report(state, "dismount_");
}

void BM_ServiceMountDismount(benchmark::State& state, std::string base) {
  auto& p = InProcOn(base);
  Latencies mount, dismount;
  for (auto _ : state) {
    std::vector<openrsm::Guid> drives(1);
    auto t0 = Clock::now();
    openrsm::Status st =
        openrsm::service::MountAndWait(*p.svc, p.peer, p.session, {p.media}, &drives, ntms::kMountRead, 0, kTimeoutMs);
    auto t1 = Clock::now();
    if (!Check(state, st.code(), "Service::Mount")) break;
    st = openrsm::service::DismountDriveAndWait(*p.svc, p.peer, p.session, drives[0]);
    auto t2 = Clock::now();
    if (!Check(state, st.code(), "Service::DismountDrive")) break;
    mount.Add(t1 - t0);
    dismount.Add(t2 - t1);
  }
  state.SetItemsProcessed(state.iterations() * 2);
  mount.Report(state, "mount_");
  dismount.Report(state, "dismount_");
  // Untimed: fsync/fdatasync calls of this process during kSyncCycles more
  // cycles. catalog_syncs_per_request = the synced catalogue commits of one
  // library request (SQLite syncs the WAL once per FULL commit; checkpoints,
  // rare, add a sync of the db file). device_syncs_per_request = the sim's state file.
  constexpr int kSyncCycles = 20;
  StartSyncCount();
  for (int i = 0; i < kSyncCycles && !state.error_occurred(); ++i) {
    std::vector<openrsm::Guid> drives(1);
    openrsm::Status st =
        openrsm::service::MountAndWait(*p.svc, p.peer, p.session, {p.media}, &drives, ntms::kMountRead, 0, kTimeoutMs);
    if (st.ok()) st = openrsm::service::DismountDriveAndWait(*p.svc, p.peer, p.session, drives[0]);
    if (!Check(state, st.code(), "mount/dismount (sync count)")) break;
  }
  SyncCounts n = StopSyncCount();
  state.counters["catalog_syncs_per_request"] = double(n.catalog) / (2.0 * kSyncCycles);
  state.counters["device_syncs_per_request"] = double(n.other) / (2.0 * kSyncCycles);
}

void BM_SimDeviceCycle(benchmark::State& state, std::string base) {
  using openrsm::devices::ElementType;
  std::string dir = MakeTempDir(base, "sim");
  openrsm::devices::sim::SimConfig sc;
  sc.name = "simbench";
  sc.state_file = dir + "/sim.json";
  sc.media = SimSpec{}.media;
  auto devs = openrsm::devices::sim::MakeSimLibrary(sc, openrsm::RealClock(),
                                                    std::make_shared<openrsm::devices::sim::SimFaults>());
  if (!devs.ok()) {
    state.SkipWithError(devs.status().ToString().c_str());
    return;
  }
  auto& changer = *devs->changer;
  auto& drive = *devs->drives.at(0);
  Latencies lat;
  for (auto _ : state) {
    auto t0 = Clock::now();
    auto a = changer.Move({ElementType::kStorage, 0}, {ElementType::kDataTransfer, 0});
    auto b = drive.Unload();
    auto c = changer.Move({ElementType::kDataTransfer, 0}, {ElementType::kStorage, 0});
    lat.Add(Clock::now() - t0);
    if (!a.ok() || !b.ok() || !c.ok()) {
      state.SkipWithError("sim device step failed");
      break;
    }
  }
  lat.Report(state);
  devs->drives.clear();
  devs->changer.reset();
  RemoveTree(dir);
}

struct TxnFixture {
  std::string dir;
  std::unique_ptr<openrsm::catalog::Store> store;
  openrsm::catalog::LibRequest req;
};

std::unique_ptr<TxnFixture> MakeTxnFixture(const std::string& base) {
  auto f = std::make_unique<TxnFixture>();
  f->dir = MakeTempDir(base, "txn");
  openrsm::catalog::SqliteOptions o;
  o.path = f->dir + "/catalog.db";
  auto s = openrsm::catalog::OpenSqliteStore(o);
  if (!s.ok()) throw std::runtime_error(s.status().ToString());
  f->store = std::move(*s);
  f->req.h.id = openrsm::Guid::New();
  f->req.h.name = "request bench";
  f->req.operation = ntms::kLmMount;
  f->req.application = "rsm_bench";
  auto txn = f->store->Begin(true);
  if (!txn.ok() || !(*txn)->PutLibRequest(f->req).ok() || !(*txn)->Commit().ok())
    throw std::runtime_error("cannot seed the catalogue");
  return f;
}

void BM_CatalogWriteTxn(benchmark::State& state, std::string base) {
  auto f = MakeTxnFixture(base);
  Latencies lat;
  for (auto _ : state) {
    auto t0 = Clock::now();
    openrsm::Status st;
    {  // the lease is returned inside the timed region
      auto txn = f->store->Begin(true);
      f->req.state = f->req.state == ntms::kLmQueued ? ntms::kLmInProcess : ntms::kLmQueued;
      st = txn.ok() ? (*txn)->PutLibRequest(f->req) : txn.status();
      if (st.ok()) st = (*txn)->Commit();
    }
    lat.Add(Clock::now() - t0);
    if (!Check(state, st.code(), "write txn")) break;
  }
  lat.Report(state);
  f->store.reset();
  RemoveTree(f->dir);
}

void BM_CatalogReadTxn(benchmark::State& state, std::string base) {
  auto f = MakeTxnFixture(base);
  Latencies lat;
  for (auto _ : state) {
    auto t0 = Clock::now();
    uint32_t code;
    {
      auto txn = f->store->Begin(false);
      code = txn.ok() ? (*txn)->GetLibRequest(f->req.h.id).status().code() : txn.status().code();
    }
    lat.Add(Clock::now() - t0);
    if (!Check(state, code, "read txn")) break;
  }
  lat.Report(state);
  f->store.reset();
  RemoveTree(f->dir);
}

}  // namespace

void RegisterQueueBenchmarks() {
  // A cycle costs tens of ms on ext4 (fsyncs): 1 s gives p50/p90 enough samples.
  benchmark::RegisterBenchmark("BM_MountDismount", BM_MountDismount)->MinTime(1.0)->UseRealTime();
  for (std::string base : {"/tmp", "/dev/shm"})
    benchmark::RegisterBenchmark(("BM_ServiceMountDismount/" + FsName(base)).c_str(), BM_ServiceMountDismount, base)
        ->MinTime(1.0)
        ->UseRealTime();
  for (std::string base : {"/tmp", "/dev/shm"})
    benchmark::RegisterBenchmark(("BM_SimDeviceCycle/" + FsName(base)).c_str(), BM_SimDeviceCycle, base)->UseRealTime();
  for (std::string base : {"/tmp", "/dev/shm"})
    benchmark::RegisterBenchmark(("BM_CatalogWriteTxn/" + FsName(base)).c_str(), BM_CatalogWriteTxn, base)
        ->UseRealTime();
  for (std::string base : {"/tmp", "/dev/shm"})
    benchmark::RegisterBenchmark(("BM_CatalogReadTxn/" + FsName(base)).c_str(), BM_CatalogReadTxn, base)->UseRealTime();
}

}  // namespace rsmbench
