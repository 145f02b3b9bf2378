// Clang thread-safety annotations (-Wthread-safety); empty for other compilers.
// Use RSM_GUARDED_BY on members a mutex protects, RSM_REQUIRES / RSM_EXCLUDES on methods
// that must (not) be called with it held, and openrsm::Mutex / MutexLock
// (annotated wrappers of std::mutex / std::lock_guard) so that clang can see
// the locking.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define RSM_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define RSM_THREAD_ANNOTATION(x)
#endif

#define RSM_CAPABILITY(x) RSM_THREAD_ANNOTATION(capability(x))
#define RSM_SCOPED_CAPABILITY RSM_THREAD_ANNOTATION(scoped_lockable)
#define RSM_GUARDED_BY(x) RSM_THREAD_ANNOTATION(guarded_by(x))
#define RSM_PT_GUARDED_BY(x) RSM_THREAD_ANNOTATION(pt_guarded_by(x))
#define RSM_REQUIRES(...) RSM_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define RSM_EXCLUDES(...) RSM_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define RSM_ACQUIRE(...) RSM_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RSM_RELEASE(...) RSM_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RSM_NO_THREAD_SAFETY_ANALYSIS RSM_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace openrsm {

// std::mutex with the capability annotation.
class RSM_CAPABILITY("mutex") Mutex {
 public:
  void Lock() RSM_ACQUIRE() { mu_.lock(); }
  void Unlock() RSM_RELEASE() { mu_.unlock(); }
  // For std::condition_variable waits (the lock is held on entry and exit).
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

// Scoped lock of a Mutex.
class RSM_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) RSM_ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() RSM_RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* mu_;
};

// Waits on `cv` with `mu` held (as MutexLock holds it) until `pred` or the
// deadline; the analysis sees `mu` held throughout.
template <typename Pred>
bool WaitUntil(std::condition_variable& cv, Mutex& mu, std::chrono::steady_clock::time_point deadline, Pred pred)
    RSM_REQUIRES(mu) {
  std::unique_lock<std::mutex> lock(mu.native(), std::adopt_lock);
  bool r = cv.wait_until(lock, deadline, pred);
  lock.release();
  return r;
}
// As WaitUntil, for at most `timeout` of real time (callers that keep time
// through a Clock wait a duration, never a std::chrono::steady_clock point).
template <typename Pred>
bool WaitFor(std::condition_variable& cv, Mutex& mu, std::chrono::nanoseconds timeout, Pred pred) RSM_REQUIRES(mu) {
  std::unique_lock<std::mutex> lock(mu.native(), std::adopt_lock);
  bool r = cv.wait_for(lock, timeout, pred);
  lock.release();
  return r;
}
template <typename Pred>
void Wait(std::condition_variable& cv, Mutex& mu, Pred pred) RSM_REQUIRES(mu) {
  std::unique_lock<std::mutex> lock(mu.native(), std::adopt_lock);
  cv.wait(lock, pred);
  lock.release();
}

}  // namespace openrsm
