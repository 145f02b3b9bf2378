// Shared helpers for rsm_bench: private rsmd instances started from the
// benchmark process, temp dirs, per-call latency percentiles.
//
// Every daemon gets its own temp dir (config, state_dir, socket, log) and is
// stopped with SIGTERM when the benchmark binary exits (StopAllDaemons).
#pragma once

#include <benchmark/benchmark.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/guid.h"
#include "ntmsapi.h"

namespace rsmbench {

// mkdtemp under `base` ("/tmp" is ext4 here, "/dev/shm" is tmpfs).
std::string MakeTempDir(const std::string& base, const std::string& tag);
void RemoveTree(const std::string& dir);

struct SimSpec {
  uint32_t drives = 2, slots = 20, ieports = 2;
  std::vector<std::string> media = {"A00001L6", "A00002L6", "A00003L6", "A00004L6"};
  double time_scale = 0.0;
  // false: `durable_state = false` (the sim's state file is not fsynced), so
  // that the queue's own cost shows (issue 9, P8). Not known to rsmd builds
  // before the key existed.
  bool durable_state = true;
  // When set, written as the config's library section(s) instead of the sim
  // library above (tgt_bench.cc: a `kind = "iscsi"` library on vtl.sh's tgtd).
  std::string library_toml;
};

class Daemon {
 public:
  Daemon(std::string dir, SimSpec spec);
  ~Daemon();
  // Starts rsmd and waits until its socket accepts; returns the seconds that took.
  // Throws std::runtime_error (with the log tail) on failure.
  double Start();
  void Stop();  // SIGTERM, wait (SIGKILL after 20 s)
  bool running() const { return pid_ > 0; }
  const std::string& dir() const { return dir_; }
  std::string state_dir() const { return dir_ + "/state"; }
  std::string socket() const { return dir_ + "/rsmd.sock"; }
  std::string catalog_path() const { return state_dir() + "/catalog.db"; }
  std::string LogTail() const;

 private:
  void WriteConfig();
  std::string dir_;
  SimSpec spec_;
  pid_t pid_ = -1;
};

// Opens a C API session on `d` (sets RSM_SOCKET). Throws on failure.
HANDLE OpenSessionOn(const Daemon& d);

// The small daemon (sim0: 2 drives, 20 slots, 4 cartridges), started on first
// use and kept for the run, with one open C API session.
struct SmallEnv {
  std::unique_ptr<Daemon> daemon;
  HANDLE session = nullptr;
  NTMS_GUID library{};
  std::vector<NTMS_GUID> drives;  // by number
  NTMS_GUID media{};              // physical media "A00001L6"
  double start_seconds = 0;
};
SmallEnv& Small();

// The daemon whose catalogue holds 100,000 offline cartridges in the Free
// pool's "LTO Ultrium" child (prepared once per run, see catalog100k_bench.cc).
struct BigEnv {
  std::unique_ptr<Daemon> daemon;
  HANDLE session = nullptr;
  NTMS_GUID pool{};                  // Free / LTO Ultrium
  std::vector<openrsm::Guid> media;  // the 100,000 inserted cartridges
  NTMS_GUID drive{};                 // sim0 drive 0
  double first_start_seconds = 0;    // empty catalogue
  double insert_seconds = 0;         // 100k media + 100k sides, one transaction
  double start_seconds = 0;          // with 100k media
};
BigEnv& Big();

// Stops every daemon started by this process; removes their temp dirs when asked.
void StopAllDaemons(bool remove_dirs);

// C API helpers (throw std::runtime_error on failure).
std::vector<NTMS_GUID> List(HANDLE h, const NTMS_GUID* container, DWORD type);
NTMS_OBJECTINFORMATIONA Info(HANDLE h, const NTMS_GUID& id);

// Per-call latencies; Report() sets p50/p90/p99 counters (microseconds).
class Latencies {
 public:
  void Reserve(size_t n) { ns_.reserve(n); }
  void Add(std::chrono::steady_clock::duration d) { ns_.push_back(double(d.count())); }
  void Merge(const Latencies& o) { ns_.insert(ns_.end(), o.ns_.begin(), o.ns_.end()); }
  void Report(benchmark::State& state, const std::string& prefix = "");
  double PercentileUs(double p);

 private:
  std::vector<double> ns_;
};

using Clock = std::chrono::steady_clock;

// Fails the benchmark (and stops its loop) when rc != 0.
bool Check(benchmark::State& state, unsigned long rc, const char* what);

NTMS_GUID ToNtms(const openrsm::Guid& g);
openrsm::Guid FromNtms(const NTMS_GUID& g);

}  // namespace rsmbench
