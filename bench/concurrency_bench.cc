// Issue 9: throughput of concurrent clients on one library.
//
//   BM_ConcurrentMountDismount/clients:N   N client threads, each with its own C API
//       session on one rsmd (state on ext4, /tmp), each repeatedly mounting its own
//       cartridge (MountNtmsMedia, any drive) and dismounting it (DismountNtmsDrive),
//       on a sim library with 16 drives, 64 slots and 48 cartridges at time_scale 0.
//       With 32 clients, half the mounts wait for a drive. One iteration runs
//       RSM_BENCH_CONC_SECONDS (default 3) of wall time; counters:
//         requests_per_s  library requests completed per second (2 per cycle), all clients
//         mount_p50_us ... per-call latencies over all clients
//         failed          calls that did not return ERROR_SUCCESS (the run stops)
//   BM_ConcurrentMountDismountFastSim/clients:N   the same with the sim's state file
//       not synced (`durable_state = false`): what is left is the queue's own cost
//       and the catalogue's (group) commits.
//
// rsmd processes library requests of one library in one worker thread, so this
// measures how well the worker and the catalogue's commits keep up with many
// waiting callers.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "bench_util.h"

namespace rsmbench {
namespace {

constexpr uint32_t kTimeoutMs = 120000;
constexpr int kMaxClients = 32;

struct ConcEnv {
  std::unique_ptr<Daemon> daemon;
  std::vector<HANDLE> sessions;  // one per client
  std::vector<NTMS_GUID> media;  // one per client
};

ConcEnv* MakeConc(bool durable_sim) {
  {
    auto* e = new ConcEnv;
    SimSpec spec;
    spec.durable_state = durable_sim;
    spec.drives = 16;
    spec.slots = 64;
    spec.media.clear();
    for (int i = 1; i <= 48; ++i) {
      char bc[16];
      std::snprintf(bc, sizeof bc, "C%05dL6", i);
      spec.media.push_back(bc);
    }
    e->daemon = std::make_unique<Daemon>(MakeTempDir("/tmp", durable_sim ? "conc" : "concfast"), spec);
    e->daemon->Start();
    // Sessions are opened here, on one thread: OpenSessionOn sets RSM_SOCKET.
    for (int i = 0; i < kMaxClients; ++i) e->sessions.push_back(OpenSessionOn(*e->daemon));
    NTMS_GUID library{};
    for (const auto& id : List(e->sessions[0], nullptr, NTMS_LIBRARY))
      if (std::string(Info(e->sessions[0], id).szName) == "sim0") library = id;
    std::map<std::string, NTMS_GUID> by_barcode;
    for (const auto& m : List(e->sessions[0], &library, NTMS_PHYSICAL_MEDIA))
      by_barcode[Info(e->sessions[0], m).Info.PhysicalMedia.szBarCode] = m;
    for (int i = 1; i <= kMaxClients; ++i) {
      char bc[16];
      std::snprintf(bc, sizeof bc, "C%05dL6", i);
      auto it = by_barcode.find(bc);
      if (it == by_barcode.end()) throw std::runtime_error(std::string("no cartridge ") + bc);
      e->media.push_back(it->second);
    }
    return e;
  }
}

ConcEnv& Conc(bool durable_sim) {
  static ConcEnv* durable = nullptr;
  static ConcEnv* fast = nullptr;
  ConcEnv*& env = durable_sim ? durable : fast;
  if (!env) env = MakeConc(durable_sim);
  return *env;
}

double RunSeconds() {
  const char* s = std::getenv("RSM_BENCH_CONC_SECONDS");
  double v = s ? std::atof(s) : 0;
  return v > 0 ? v : 3.0;
}

void RunConcurrent(benchmark::State& state, bool durable_sim) {
  const int clients = int(state.range(0));
  auto& env = Conc(durable_sim);
  const auto run = std::chrono::duration<double>(RunSeconds());
  for (auto _ : state) {
    std::atomic<uint64_t> cycles{0}, failed{0};
    std::atomic<bool> stop{false};
    std::mutex mu;
    Latencies mount, dismount;
    auto t0 = Clock::now();
    const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(run);
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        Latencies m, d;
        while (!stop && Clock::now() < deadline) {
          NTMS_GUID media = env.media[c], drive{};
          auto a = Clock::now();
          DWORD rc = MountNtmsMedia(env.sessions[c], &media, &drive, 1, NTMS_MOUNT_READ, 0, kTimeoutMs, nullptr);
          auto b = Clock::now();
          if (rc == ERROR_SUCCESS) rc = DismountNtmsDrive(env.sessions[c], &drive);
          auto e = Clock::now();
          if (rc != ERROR_SUCCESS) {
            std::fprintf(stderr, "client %d: mount/dismount failed: %lu\n", c, (unsigned long)rc);
            failed++;
            stop = true;
            break;
          }
          m.Add(b - a);
          d.Add(e - b);
          cycles++;
        }
        std::lock_guard<std::mutex> l(mu);
        mount.Merge(m);
        dismount.Merge(d);
      });
    }
    for (auto& t : threads) t.join();
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    state.SetIterationTime(secs);
    state.counters["requests_per_s"] = 2.0 * double(cycles.load()) / secs;
    state.counters["cycles"] = double(cycles.load());
    state.counters["failed"] = double(failed.load());
    mount.Report(state, "mount_");
    dismount.Report(state, "dismount_");
    if (failed) state.SkipWithError("a mount or dismount failed (see stderr)");
  }
}

void BM_ConcurrentMountDismount(benchmark::State& state) { RunConcurrent(state, true); }
void BM_ConcurrentMountDismountFastSim(benchmark::State& state) { RunConcurrent(state, false); }

}  // namespace

void RegisterConcurrencyBenchmarks() {
  for (auto [name, fn] : {std::pair{"BM_ConcurrentMountDismount", &BM_ConcurrentMountDismount},
                          std::pair{"BM_ConcurrentMountDismountFastSim", &BM_ConcurrentMountDismountFastSim}})
    benchmark::RegisterBenchmark(name, fn)->ArgName("clients")->Arg(1)->Arg(8)->Arg(32)->Iterations(1)->UseManualTime();
}

}  // namespace rsmbench
