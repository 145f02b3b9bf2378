// Issue 4's benchmarks: rsmd against the raw SCSI commands on tgt's emulated
// library (tests/tgt/vtl.sh), in the same run, on equal terms.
//
//   BM_TgtMountCycle/<fs>   one iteration = the raw cycle, a bare Ping and the rsmd cycle, in
//                           alternating order:
//                             raw:  MOVE MEDIUM slot 1024 -> DTE 256, TEST UNIT READY on the
//                                   drive LUN until GOOD, MOVE MEDIUM 256 -> 1024, issued with
//                                   our libiscsi transport and CDB builders on a session of
//                                   the benchmark's own;
//                             rsmd: MountNtmsMedia (the same cartridge into the same drive,
//                                   NTMS_MOUNT_SPECIFIC_DRIVE) + DismountNtmsDrive through
//                                   libntmsapi, each returning when its request has completed.
//                           Goal (issue 4): rsmd <= 2 x raw + one RPC, reported as
//                           net_ratio = (rsmd - ping) / raw. Also times the sequence rsmd
//                           sends (MOVE, REWIND, UNLOAD, MOVE: raw4) to separate the extra
//                           SCSI commands from the daemon's own work.
//   BM_TgtSwapDrive/tmpfs   MountNtmsMedia of a cartridge into a drive that still holds another one
//                           whose DismountNtmsMedia is queued (the mount waits inside rsmd).
//   BM_TgtInventory/<fs>    the 4 READ ELEMENT STATUS (one per element type, VOLTAG, DVCID
//                           for drives, parsed) against InventoryNtmsLibrary (returns when
//                           the inventory request has completed), alternating, plus Ping.
// <fs> is where rsmd's state dir lives: ext4 (/tmp) or tmpfs (/dev/shm, fsync is free).
//
// vtl.sh: the first tgt benchmark runs `vtl.sh start` with VTL_DIR / VTL_PORT (environment, or
// the build dir's values, as ctest's tgt fixture uses) and the binary runs `vtl.sh stop` at exit
// (StopTgt). The library is vtl.sh's default one; only slot 1024 and DTE 256 are used. One rsmd
// runs at a time (the one for the current <fs>): two daemons must not drive one library.
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "bench_util.h"
#include "devices/scsi/cdb.h"
#include "devices/scsi/iscsi_transport.h"
#include "devices/scsi/parse.h"
#include "devices/scsi/transport.h"
#include "rpc/rsm.grpc.pb.h"
#include "tests/support/vtl.h"

namespace rsmbench {
namespace {

namespace scsi = openrsm::devices::scsi;
namespace rpc = openrsm::rpc;

using openrsm::test_support::kVtlIqn;
using openrsm::test_support::RunVtl;
constexpr int kChangerLun = 3;
constexpr int kDriveLun = 1;      // DRV0000001 = DTE 256 = catalogue drive 0
constexpr uint16_t kSlot = 1024;  // T00001L6 (vtl.sh's default media)
constexpr uint16_t kDte = 256;
constexpr const char* kBarcode = "T00001L6";
constexpr int kWarmup = 10;
constexpr auto kCmdTimeout = std::chrono::milliseconds(30'000);

std::string VtlUrl(int lun) { return openrsm::test_support::VtlUrl(kVtlIqn, lun); }

bool g_vtl_started = false;

void StartVtlOnce() {
  if (g_vtl_started) return;
  if (RunVtl("start") != 0) throw std::runtime_error("vtl.sh start failed (is tgt installed?)");
  g_vtl_started = true;
}

// ---- raw: the benchmark's own iSCSI session ----------------------------------------

struct RawScsi {
  std::unique_ptr<scsi::IscsiSessionPool> pool;
  std::unique_ptr<scsi::Transport> changer, drive;
  scsi::ElementAddressAssignment eaa;
};

// Runs `cdb`; throws unless the device answered at all.
scsi::ScsiResult Exec(scsi::Transport& t, scsi::ByteSpan cdb, std::span<uint8_t> buf = {}) {
  auto cmd = buf.empty() ? scsi::ScsiCommand::None(cdb, kCmdTimeout) : scsi::ScsiCommand::In(cdb, buf, kCmdTimeout);
  auto r = t.Execute(cmd);
  if (!r.ok()) throw std::runtime_error(t.Describe() + ": " + r.status().ToString());
  return std::move(*r);
}

// TEST UNIT READY until GOOD or `tries` answers (UNIT ATTENTION, NOT READY); returns the count.
int TurUntilReady(scsi::Transport& t, int tries = 100) {
  const auto cdb = scsi::TestUnitReady();
  for (int i = 1; i <= tries; ++i)
    if (Exec(t, cdb).good()) return i;
  throw std::runtime_error(t.Describe() + ": not ready after " + std::to_string(tries) + " TEST UNIT READY");
}

void MustMove(RawScsi& r, uint16_t from, uint16_t to) {
  const auto cdb = scsi::MoveMedium(r.eaa.transport.first, from, to);
  auto res = Exec(*r.changer, cdb);
  if (!res.good())
    throw std::runtime_error("raw MOVE MEDIUM " + std::to_string(from) + "->" + std::to_string(to) + ": " +
                             scsi::ScsiStatusName(res.status));
}

void MustGood(scsi::Transport& t, scsi::ByteSpan cdb, const char* what) {
  auto res = Exec(t, cdb);
  if (!res.good()) throw std::runtime_error(std::string("raw ") + what + ": " + scsi::ScsiStatusName(res.status));
}

RawScsi& Raw() {
  static RawScsi* r = [] {
    StartVtlOnce();
    auto* x = new RawScsi;
    scsi::IscsiOptions o;
    o.initiator_name = "iqn.2024-01.org.openrsm:rsm-bench";
    x->pool = std::make_unique<scsi::IscsiSessionPool>(o);
    auto c = x->pool->Open(VtlUrl(kChangerLun));
    auto d = c.ok() ? x->pool->Open(VtlUrl(kDriveLun)) : c.status();
    if (!c.ok() || !d.ok())
      throw std::runtime_error("raw iSCSI open: " + (c.ok() ? d.status() : c.status()).ToString());
    x->changer = std::move(*c);
    x->drive = std::move(*d);
    // The first command per LUN on a new nexus gets UNIT ATTENTION 29/00.
    TurUntilReady(*x->changer, 5);
    Exec(*x->drive, scsi::TestUnitReady());
    Exec(*x->drive, scsi::TestUnitReady());
    std::vector<uint8_t> buf(255);
    auto res = Exec(*x->changer, scsi::ModeSense6(scsi::kModePageElementAddressAssignment, 255), buf);
    if (!res.good()) throw std::runtime_error("raw MODE SENSE page 0x1D: " + scsi::ScsiStatusName(res.status));
    auto eaa =
        scsi::ParseElementAddressAssignment(scsi::ByteSpan(buf.data(), res.transferred), scsi::ModeSenseFormat::k6);
    if (!eaa.ok()) throw std::runtime_error(eaa.status().ToString());
    x->eaa = *eaa;
    return x;
  }();
  return *r;
}

// One READ ELEMENT STATUS per element type, as ScsiChanger issues them (VOLTAG; DVCID for
// drives; allocation length from the element count), each response parsed. Returns the
// number of element descriptors.
size_t RawReadAllElements(RawScsi& r) {
  struct T {
    scsi::SmcElementType type;
    const scsi::ElementRange* range;
  };
  const T types[] = {{scsi::SmcElementType::kTransport, &r.eaa.transport},
                     {scsi::SmcElementType::kStorage, &r.eaa.storage},
                     {scsi::SmcElementType::kImportExport, &r.eaa.import_export},
                     {scsi::SmcElementType::kDataTransfer, &r.eaa.data_transfer}};
  size_t n = 0;
  for (const auto& t : types) {
    const bool dvcid = t.type == scsi::SmcElementType::kDataTransfer;
    const uint32_t alloc = std::max<uint32_t>(1024, 16 + uint32_t(t.range->count) * (dvcid ? 120 : 56));
    std::vector<uint8_t> buf(alloc);
    const auto cdb = scsi::ReadElementStatus({.type = t.type,
                                              .start = t.range->first,
                                              .count = 0xFFFF,
                                              .voltag = true,
                                              .dvcid = dvcid,
                                              .allocation_length = alloc});
    auto res = Exec(*r.changer, cdb, buf);
    if (!res.good()) throw std::runtime_error("raw READ ELEMENT STATUS: " + scsi::ScsiStatusName(res.status));
    auto data = scsi::ParseElementStatus(scsi::ByteSpan(buf.data(), std::min(res.transferred, buf.size())));
    if (!data.ok()) throw std::runtime_error("raw READ ELEMENT STATUS: " + data.status().ToString());
    n += data->elements.size();
  }
  return n;
}

// ---- rsmd with a kind = "iscsi" library on the same target --------------------------

struct TgtDaemon {
  std::string base;
  std::unique_ptr<Daemon> daemon;
  HANDLE session = nullptr;
  NTMS_GUID library{}, media{}, drive0{};
  std::shared_ptr<grpc::Channel> channel;  // bare Ping on the same socket
  std::unique_ptr<rpc::Rsm::Stub> stub;
  double start_seconds = 0;
};

std::unique_ptr<TgtDaemon>& CurrentDaemon() {
  static std::unique_ptr<TgtDaemon> d;
  return d;
}

void StopTgtDaemon() {
  auto& cur = CurrentDaemon();
  if (!cur) return;
  if (cur->session) CloseNtmsSession(cur->session);
  cur->stub.reset();
  cur->channel.reset();
  cur->daemon->Stop();
  if (!std::getenv("RSM_BENCH_KEEP")) RemoveTree(cur->daemon->dir());
  cur.reset();
}

// The rsmd for `base`, started on first use; a daemon for another base is stopped first.
TgtDaemon& TgtOn(const std::string& base) {
  auto& cur = CurrentDaemon();
  if (cur && cur->base == base) return *cur;
  StopTgtDaemon();
  Raw();  // vtl up, raw session logged in
  auto d = std::make_unique<TgtDaemon>();
  d->base = base;
  SimSpec spec;
  spec.library_toml = "[[library]]\nname = \"vtl0\"\nkind = \"iscsi\"\nchanger = \"" + VtlUrl(kChangerLun) +
                      "\"\ndrives = [\"" + VtlUrl(1) + "\", \"" + VtlUrl(2) + "\"]\n";
  d->daemon = std::make_unique<Daemon>(MakeTempDir(base, "tgt"), spec);
  d->start_seconds = d->daemon->Start();
  d->session = OpenSessionOn(*d->daemon);
  for (const auto& id : List(d->session, nullptr, NTMS_LIBRARY))
    if (std::string(Info(d->session, id).szName) == "vtl0") d->library = id;
  bool have_drive = false, have_media = false;
  for (const auto& id : List(d->session, &d->library, NTMS_DRIVE)) {
    if (Info(d->session, id).Info.Drive.Number != 0) continue;
    d->drive0 = id;
    have_drive = true;
  }
  for (const auto& m : List(d->session, &d->library, NTMS_PHYSICAL_MEDIA)) {
    if (std::string(Info(d->session, m).Info.PhysicalMedia.szBarCode) != kBarcode) continue;
    d->media = m;
    have_media = true;
  }
  if (!have_drive || !have_media)
    throw std::runtime_error("rsmd's vtl0 has no drive 0 or no " + std::string(kBarcode) + ":\n" +
                             d->daemon->LogTail());
  d->channel = grpc::CreateChannel("unix:" + d->daemon->socket(), grpc::InsecureChannelCredentials());
  d->stub = rpc::Rsm::NewStub(d->channel);
  cur = std::move(d);
  return *cur;
}

bool Ping(TgtDaemon& d) {
  rpc::SessionRequest req;
  req.set_session(std::string(16, '\x5a'));  // Ping ignores the token
  rpc::Result rep;
  grpc::ClientContext ctx;
  grpc::Status st = d.stub->Ping(&ctx, req, &rep);
  return st.ok() && rep.error() == 0;
}

std::string FsName(const std::string& base) { return base == "/dev/shm" ? "tmpfs" : "ext4"; }

// Sets ratio counters from p50/p90 of the three series.
void ReportRatios(benchmark::State& state, Latencies& raw, Latencies& rsmd, Latencies& ping) {
  for (double p : {50.0, 90.0}) {
    const std::string s = p == 50.0 ? "p50" : "p90";
    double r = raw.PercentileUs(p), m = rsmd.PercentileUs(p), g = ping.PercentileUs(p);
    state.counters["ratio_" + s] = r > 0 ? m / r : 0;
    state.counters["net_ratio_" + s] = r > 0 ? (m - g) / r : 0;
  }
}

void BM_TgtMountCycle(benchmark::State& state, std::string base) {
  Latencies raw, rsmd, ping, mount, dismount, move_in, tur, move_out, raw4;
  uint64_t turs = 0, raw_cycles = 0;
  try {
    auto& r = Raw();
    auto& d = TgtOn(base);
    NTMS_GUID media = d.media;
    auto raw_cycle = [&](bool record) {
      auto t0 = Clock::now();
      MustMove(r, kSlot, kDte);
      auto t1 = Clock::now();
      int n = TurUntilReady(*r.drive);
      auto t2 = Clock::now();
      MustMove(r, kDte, kSlot);
      auto t3 = Clock::now();
      if (!record) return;
      raw.Add(t3 - t0);
      move_in.Add(t1 - t0);
      tur.Add(t2 - t1);
      move_out.Add(t3 - t2);
      turs += uint64_t(n);
      ++raw_cycles;
    };
    // What rsmd sends: MOVE in; at dismount REWIND, UNLOAD (ScsiDrive::Unload), MOVE out.
    auto raw4_cycle = [&]() {
      auto t0 = Clock::now();
      MustMove(r, kSlot, kDte);
      MustGood(*r.drive, scsi::Rewind(), "REWIND");
      MustGood(*r.drive, scsi::Unload(), "UNLOAD");
      MustMove(r, kDte, kSlot);
      raw4.Add(Clock::now() - t0);
    };
    auto rsmd_cycle = [&](bool record) -> bool {
      NTMS_GUID drive = d.drive0;
      auto t0 = Clock::now();
      DWORD rc =
          MountNtmsMedia(d.session, &media, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, 60'000, nullptr);
      auto t1 = Clock::now();
      if (!Check(state, rc, "MountNtmsMedia")) return false;
      rc = DismountNtmsDrive(d.session, &drive);
      auto t2 = Clock::now();
      if (!Check(state, rc, "DismountNtmsDrive")) return false;
      if (record) {
        rsmd.Add(t2 - t0);
        mount.Add(t1 - t0);
        dismount.Add(t2 - t1);
      }
      return true;
    };
    auto timed_ping = [&](bool record) -> bool {
      auto t0 = Clock::now();
      bool ok = Ping(d);
      if (record) ping.Add(Clock::now() - t0);
      if (!ok) state.SkipWithError("Ping failed");
      return ok;
    };
    for (int i = 0; i < kWarmup; ++i) {
      raw_cycle(false);
      if (!timed_ping(false) || !rsmd_cycle(false)) return;
    }
    int64_t it = 0;
    for (auto _ : state) {
      // Alternate which side goes first, so neither always follows the other.
      if (it++ % 2 == 0) {
        raw_cycle(true);
        if (!timed_ping(true) || !rsmd_cycle(true)) break;
      } else {
        if (!rsmd_cycle(true) || !timed_ping(true)) break;
        raw_cycle(true);
      }
      raw4_cycle();
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  raw.Report(state, "raw_");
  rsmd.Report(state, "rsmd_");
  ping.Report(state, "ping_");
  mount.Report(state, "mount_");
  dismount.Report(state, "dismount_");
  state.counters["raw_move_in_p50_us"] = move_in.PercentileUs(50);
  state.counters["raw_tur_p50_us"] = tur.PercentileUs(50);
  state.counters["raw_move_out_p50_us"] = move_out.PercentileUs(50);
  state.counters["raw4_p50_us"] = raw4.PercentileUs(50);
  state.counters["raw4_p90_us"] = raw4.PercentileUs(90);
  state.counters["tur_per_cycle"] = raw_cycles ? double(turs) / double(raw_cycles) : 0;
  ReportRatios(state, raw, rsmd, ping);
  // Goal: rsmd <= 2 x raw + one RPC, at p50 and at p90.
  state.counters["goal_met_p50"] = state.counters["net_ratio_p50"] <= 2.0 ? 1 : 0;
  state.counters["goal_met_p90"] = state.counters["net_ratio_p90"] <= 2.0 ? 1 : 0;
}

void BM_TgtInventory(benchmark::State& state, std::string base) {
  Latencies raw, rsmd, ping;
  size_t elements = 0;
  try {
    auto& r = Raw();
    auto& d = TgtOn(base);
    NTMS_GUID lib = d.library;
    auto raw_inv = [&](bool record) {
      auto t0 = Clock::now();
      elements = RawReadAllElements(r);
      if (record) raw.Add(Clock::now() - t0);
    };
    auto rsmd_inv = [&](bool record) -> bool {
      auto t0 = Clock::now();
      DWORD rc = InventoryNtmsLibrary(d.session, &lib, NTMS_INVENTORY_FAST);
      if (record) rsmd.Add(Clock::now() - t0);
      return Check(state, rc, "InventoryNtmsLibrary");
    };
    auto timed_ping = [&](bool record) -> bool {
      auto t0 = Clock::now();
      bool ok = Ping(d);
      if (record) ping.Add(Clock::now() - t0);
      if (!ok) state.SkipWithError("Ping failed");
      return ok;
    };
    for (int i = 0; i < kWarmup; ++i) {
      raw_inv(false);
      if (!timed_ping(false) || !rsmd_inv(false)) return;
    }
    int64_t it = 0;
    for (auto _ : state) {
      if (it++ % 2 == 0) {
        raw_inv(true);
        if (!timed_ping(true) || !rsmd_inv(true)) break;
      } else {
        if (!rsmd_inv(true) || !timed_ping(true)) break;
        raw_inv(true);
      }
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  raw.Report(state, "raw_");
  rsmd.Report(state, "rsmd_");
  ping.Report(state, "ping_");
  state.counters["elements"] = double(elements);
  ReportRatios(state, raw, rsmd, ping);
}

// An application that hands drive 0 from one cartridge to the next: MountNtmsMedia of T00001L6
// into drive 0, DismountNtmsMedia (returns once the dismount is queued), MountNtmsMedia of
// T00002L6 into drive 0, DismountNtmsMedia, ... Each mount finds the drive still holding the
// other cartridge, so it waits in rsmd until the queued dismount has completed. Times each
// MountNtmsMedia; the raw equivalent is MOVE out of the drive + MOVE in (+ TUR).
void BM_TgtSwapDrive(benchmark::State& state, std::string base) {
  Latencies mount, raw;
  try {
    auto& r = Raw();
    auto& d = TgtOn(base);
    NTMS_GUID other{};
    bool have_other = false;
    for (const auto& m : List(d.session, &d.library, NTMS_PHYSICAL_MEDIA)) {
      if (std::string(Info(d.session, m).Info.PhysicalMedia.szBarCode) != "T00002L6") continue;
      other = m;
      have_other = true;
    }
    if (!have_other) throw std::runtime_error("rsmd's vtl0 has no T00002L6");
    NTMS_GUID media[2] = {d.media, other};
    auto mount_one = [&](NTMS_GUID m, bool record) -> bool {
      NTMS_GUID drive = d.drive0;
      auto t0 = Clock::now();
      DWORD rc =
          MountNtmsMedia(d.session, &m, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, 60'000, nullptr);
      if (record) mount.Add(Clock::now() - t0);
      if (!Check(state, rc, "MountNtmsMedia")) return false;
      return Check(state, DismountNtmsMedia(d.session, &m, 1, NTMS_DISMOUNT_IMMEDIATE), "DismountNtmsMedia");
    };
    auto raw_swap = [&]() {  // what the hand-over costs the device: out, in, ready
      MustMove(r, kSlot, kDte);
      TurUntilReady(*r.drive);
      auto t0 = Clock::now();
      MustMove(r, kDte, kSlot);
      MustMove(r, kSlot, kDte);
      TurUntilReady(*r.drive);
      raw.Add(Clock::now() - t0);
      MustMove(r, kDte, kSlot);
    };
    int64_t it = 0;
    if (!mount_one(media[it++ % 2], false)) return;
    for (auto _ : state) {
      if (!mount_one(media[it++ % 2], true)) break;
    }
    // Let the last dismount finish before the raw swaps use the drive, and before anyone else:
    // mount the other cartridge (it waits for that dismount) and dismount it. (Mounting the
    // cartridge whose dismount is running fails at once with ERROR_MEDIA_OFFLINE: it is
    // marked needs_inventory while it moves.)
    NTMS_GUID drive = d.drive0;
    if (!Check(state,
               MountNtmsMedia(d.session, &media[it % 2], &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0,
                              60'000, nullptr),
               "MountNtmsMedia (clean-up)"))
      return;
    if (!Check(state, DismountNtmsDrive(d.session, &drive), "DismountNtmsDrive (clean-up)")) return;
    for (int i = 0; i < 50; ++i) raw_swap();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  mount.Report(state, "mount_");
  raw.Report(state, "raw_");
}

int Iterations(int dflt) {
  const char* v = std::getenv("RSM_BENCH_TGT_ITERS");
  int n = v ? std::atoi(v) : 0;
  return n > 0 ? n : dflt;
}

}  // namespace

void RegisterTgtBenchmarks() {
  for (std::string base : {"/tmp", "/dev/shm"}) {
    benchmark::RegisterBenchmark(("BM_TgtMountCycle/" + FsName(base)).c_str(), BM_TgtMountCycle, base)
        ->Iterations(Iterations(300))
        ->UseRealTime();
    benchmark::RegisterBenchmark(("BM_TgtInventory/" + FsName(base)).c_str(), BM_TgtInventory, base)
        ->Iterations(Iterations(300))
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("BM_TgtSwapDrive/tmpfs", BM_TgtSwapDrive, std::string("/dev/shm"))
      ->Iterations(Iterations(300) / 3 + 1)
      ->UseRealTime();
}

void StopTgt() {
  StopTgtDaemon();
  if (g_vtl_started) RunVtl("stop");
  g_vtl_started = false;
}

}  // namespace rsmbench
