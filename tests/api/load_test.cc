// A bounded load test against the simulated library (ctest `load.sim`):
// 64 processes, each with its own session, for RSM_LOAD_SECONDS (default 60)
// mount a random cartridge (some by side id, some into a named drive), hold
// it a few milliseconds, read object information, and dismount it
// (immediate or deferred); a few only read. Then, against the simulator's
// physical state (its state file):
//   - no cartridge is in two places, and catalogue and device agree;
//   - no two processes held one cartridge at once (a shared-memory holder
//     word per cartridge, set when a mount returns and cleared before the
//     dismount, is never found set by another);
//   - no request is left queued, waiting or in process;
//   - every call returned a documented code.
// Not part of the api label's per-test discovery (api_tests excludes
// LoadTest.*): it runs once, serially.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

constexpr int kProcesses = 64;
constexpr int kCartridges = 12;
constexpr int kMaxCodes = 64;

struct Shared {
  std::atomic<int32_t> holder[kCartridges];  // pid holding the cartridge, 0: none
  std::atomic<int64_t> overlaps;
  std::atomic<int64_t> mounts, dismounts, infos, busy, undocumented;
  std::atomic<uint32_t> codes[kMaxCodes];  // undocumented codes seen (first ones)
};

int LoadSeconds() {
  const char* v = std::getenv("RSM_LOAD_SECONDS");
  return v && *v ? std::atoi(v) : 60;
}

void Note(Shared* sh, DWORD rc, std::initializer_list<DWORD> documented) {
  for (DWORD d : documented)
    if (rc == d) return;
  ++sh->undocumented;
  for (auto& c : sh->codes) {
    uint32_t zero = 0;
    if (c.compare_exchange_strong(zero, rc) || c.load() == rc) break;
  }
}

// One process's loop (runs in a forked child; gRPC is first used here).
void Worker(Shared* sh, int index, int seconds, const std::vector<std::string>& barcodes) {
  std::mt19937 rng(uint32_t(getpid()) * 2654435761u);
  HANDLE h = OpenNtmsSessionA(nullptr, "load", 0);
  if (h == INVALID_HANDLE_VALUE) {
    Note(sh, OpenRsmGetLastError(), {});
    return;
  }
  std::vector<NTMS_GUID> media, sides, drives;
  for (const auto& b : barcodes) {
    media.push_back(MediaByBarcode(h, b));
    sides.push_back(SideOf(h, media.back()));
  }
  drives = Drives(h, "sim0");
  const bool reader = index % 8 == 7;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    int c = int(rng() % kCartridges);
    if (reader) {
      NTMS_OBJECTINFORMATIONA o{};
      o.dwSize = sizeof o;
      DWORD rc = GetNtmsObjectInformationA(h, &media[c], &o);
      Note(sh, rc, {ERROR_SUCCESS});
      ++sh->infos;
      continue;
    }
    NTMS_GUID id = rng() % 4 == 0 ? sides[c] : media[c];
    NTMS_GUID drive = NullGuid();
    DWORD options = NTMS_MOUNT_READ;
    if (rng() % 6 == 0) {
      drive = drives[rng() % drives.size()];
      options |= NTMS_MOUNT_SPECIFIC_DRIVE;
    }
    DWORD rc = MountNtmsMedia(h, &id, &drive, 1, options, NTMS_PRIORITY_NORMAL, 2000, nullptr);
    if (rc != ERROR_SUCCESS) {
      Note(sh, rc, {ERROR_BUSY, ERROR_TIMEOUT});
      ++sh->busy;
      continue;
    }
    ++sh->mounts;
    int32_t expected = 0;
    if (!sh->holder[c].compare_exchange_strong(expected, getpid())) ++sh->overlaps;
    NTMS_OBJECTINFORMATIONA o{};
    o.dwSize = sizeof o;
    Note(sh, GetNtmsObjectInformationA(h, &drive, &o), {ERROR_SUCCESS});
    if (o.Info.Drive.State != NTMS_DRIVESTATE_LOADED) ++sh->undocumented;
    ++sh->infos;
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 10));
    int32_t mine = getpid();
    sh->holder[c].compare_exchange_strong(mine, 0);
    rc = DismountNtmsMedia(h, &id, 1, rng() % 3 == 0 ? NTMS_DISMOUNT_DEFERRED : NTMS_DISMOUNT_IMMEDIATE);
    Note(sh, rc, {ERROR_SUCCESS});
    ++sh->dismounts;
  }
  CloseNtmsSession(h);
}

TEST(LoadTest, SixtyFourProcessesAgainstTheSimulator) {
  DaemonOptions opts;
  opts.drives = 4;
  opts.slots = 20;
  opts.standalone_library = false;
  opts.media.clear();
  for (int i = 1; i <= kCartridges; ++i)
    opts.media.push_back("L" + std::string(i < 10 ? "0000" : "000") + std::to_string(i) + "L6");
  Daemon d(opts);
  d.Start();
  auto* sh =
      static_cast<Shared*>(mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(sh, MAP_FAILED);
  new (sh) Shared();
  const int seconds = LoadSeconds();
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      Worker(sh, i, seconds, opts.media);
      _exit(0);
    }
    children.push_back(pid);
  }
  int failed = 0;
  for (pid_t p : children) {
    int status = 0;
    waitpid(p, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  EXPECT_EQ(failed, 0) << "worker processes that crashed";
  HANDLE h = Open();
  WaitIdle(h, "sim0");
  // Every request finished.
  for (const auto& r : Requests(h, "sim0")) {
    DWORD s = r.Info.LibRequest.State;
    EXPECT_TRUE(s == NTMS_LM_PASSED || s == NTMS_LM_FAILED || s == NTMS_LM_CANCELLED)
        << "request " << GuidText(r.ObjectGuid) << " left in state " << s;
  }
  // The device: each cartridge exactly once.
  SimState dev = ReadSimState(d, "sim0");
  std::map<std::string, int> seen;
  for (const auto* v : {&dev.slots, &dev.drives, &dev.ieports, &dev.transports})
    for (const auto& e : *v)
      if (e.full) ++seen[e.barcode];
  for (const auto& b : opts.media) EXPECT_EQ(seen[b], 1) << b << " is in " << seen[b] << " places";
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  EXPECT_EQ(sh->overlaps.load(), 0) << "two processes held one cartridge at once";
  std::string codes;
  for (auto& c : sh->codes)
    if (c.load()) codes += " " + std::to_string(c.load());
  EXPECT_EQ(sh->undocumented.load(), 0) << "undocumented codes:" << codes;
  EXPECT_GT(sh->mounts.load(), kProcesses) << "the load did not get through";
  std::printf("[ load ] %d processes x %d s: %lld mounts, %lld dismounts, %lld info calls, %lld busy/timeouts\n",
              kProcesses, seconds, (long long)sh->mounts.load(), (long long)sh->dismounts.load(),
              (long long)sh->infos.load(), (long long)sh->busy.load());
  CloseNtmsSession(h);
  munmap(sh, sizeof(Shared));
}

}  // namespace
}  // namespace openrsm::apitest
