// rsm_bench: see bench/README.md. Benchmarks run in the order registered
// here; the daemons they start are stopped (and their temp dirs removed) at
// the end. Without --benchmark_min_time, 0.2 s per benchmark keeps a whole
// run at about two minutes.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "bench_util.h"
#include "inproc.h"

namespace rsmbench {
void RegisterApiBenchmarks();
void RegisterQueueBenchmarks();
void Register100kBenchmarks();
void RegisterTgtBenchmarks();
void RegisterConcurrencyBenchmarks();
void StopTgt();
}  // namespace rsmbench

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);  // the in-process Service logs start-up at info
  std::vector<char*> args(argv, argv + argc);
  bool has_min_time = false;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--benchmark_min_time", 20) == 0) has_min_time = true;
  static char default_min_time[] = "--benchmark_min_time=0.2";
  if (!has_min_time) args.insert(args.begin() + 1, default_min_time);
  int n = int(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  benchmark::AddCustomContext("rsmd", RSMD_PATH);
  rsmbench::RegisterApiBenchmarks();
  rsmbench::RegisterQueueBenchmarks();
  rsmbench::RegisterConcurrencyBenchmarks();
  rsmbench::Register100kBenchmarks();
  rsmbench::RegisterTgtBenchmarks();
  int rc = 0;
  try {
    benchmark::RunSpecifiedBenchmarks();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rsm_bench: %s\n", e.what());
    rc = 1;
  }
  benchmark::Shutdown();
  rsmbench::StopInProc();
  rsmbench::StopTgt();  // its rsmd, then vtl.sh's tgtd
  bool keep = std::getenv("RSM_BENCH_KEEP") != nullptr;
  rsmbench::StopAllDaemons(/*remove_dirs=*/!keep && rc == 0);
  return rc;
}
