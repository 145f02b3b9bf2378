#include "sync_count.h"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>

namespace rsmbench {
namespace {

std::atomic<bool> g_on{false};
std::atomic<uint64_t> g_catalog{0}, g_other{0};

void Note(int fd) {
  if (!g_on.load(std::memory_order_relaxed)) return;
  char link[64], path[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = ::readlink(link, path, sizeof path - 1);
  path[n > 0 ? n : 0] = '\0';
  (std::strstr(path, "catalog.db") ? g_catalog : g_other).fetch_add(1);
}

template <typename Fn>
Fn Next(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

}  // namespace

void StartSyncCount() {
  g_catalog = 0;
  g_other = 0;
  g_on = true;
}

SyncCounts StopSyncCount() {
  g_on = false;
  return SyncCounts{g_catalog.load(), g_other.load()};
}

}  // namespace rsmbench

// The executable's definitions take precedence over libc's for every caller in
// the process, libsqlite3.so included (its undefined references bind to them).
extern "C" int fdatasync(int fd) {
  static auto real = rsmbench::Next<int (*)(int)>("fdatasync");
  rsmbench::Note(fd);
  return real(fd);
}

extern "C" int fsync(int fd) {
  static auto real = rsmbench::Next<int (*)(int)>("fsync");
  rsmbench::Note(fd);
  return real(fd);
}
