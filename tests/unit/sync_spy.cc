#include "tests/unit/sync_spy.h"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace openrsm::testing {
namespace {

struct State {
  std::atomic<bool> armed{false};
  std::atomic<int> count{0};
  std::atomic<int> fail_with{0};
  std::mutex mu;
  std::condition_variable cv;
  std::string path_part;  // under mu, set while disarmed
  bool hold = false;      // under mu
  int entered = 0;        // under mu
};
State g;

bool Matches(int fd) {
  char link[64], path[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = ::readlink(link, path, sizeof path - 1);
  if (n <= 0) return false;
  path[n] = '\0';
  std::lock_guard<std::mutex> lock(g.mu);
  return std::strstr(path, g.path_part.c_str()) != nullptr;
}

// Returns -1 (errno set) when the armed sync must fail; 0 to go on.
int OnSync(int fd) {
  if (!g.armed.load(std::memory_order_relaxed) || !Matches(fd)) return 0;
  g.count.fetch_add(1);
  {
    std::unique_lock<std::mutex> lock(g.mu);
    ++g.entered;
    g.cv.notify_all();
    g.cv.wait(lock, [] { return !g.hold; });
  }
  if (int e = g.fail_with.load()) {
    errno = e;
    return -1;
  }
  return 0;
}

}  // namespace

void SyncSpy::Arm(const std::string& path_part) {
  Disarm();
  {
    std::lock_guard<std::mutex> lock(g.mu);
    g.path_part = path_part;
    g.entered = 0;
  }
  g.count = 0;
  g.fail_with = 0;
  g.armed = true;
}

void SyncSpy::Disarm() {
  g.armed = false;
  Release();
}

int SyncSpy::Count() { return g.count.load(); }

void SyncSpy::Hold() {
  std::lock_guard<std::mutex> lock(g.mu);
  g.hold = true;
}

void SyncSpy::Release() {
  std::lock_guard<std::mutex> lock(g.mu);
  g.hold = false;
  g.cv.notify_all();
}

bool SyncSpy::WaitEntered(int n) {
  std::unique_lock<std::mutex> lock(g.mu);
  return g.cv.wait_for(lock, std::chrono::seconds(10), [&] { return g.entered >= n; });
}

void SyncSpy::FailWith(int error) { g.fail_with = error; }

}  // namespace openrsm::testing

namespace {
template <typename Fn>
Fn Next(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}
}  // namespace

extern "C" int fdatasync(int fd) {
  static auto real = Next<int (*)(int)>("fdatasync");
  if (openrsm::testing::OnSync(fd) != 0) return -1;
  return real(fd);
}

extern "C" int fsync(int fd) {
  static auto real = Next<int (*)(int)>("fsync");
  if (openrsm::testing::OnSync(fd) != 0) return -1;
  return real(fd);
}
