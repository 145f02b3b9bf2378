// SyncSpy: counts, holds or fails this unit-test binary's fsync and
// fdatasync calls on chosen files (test-only: the executable's definitions
// of fsync/fdatasync take precedence over libc's for every caller in the
// process, libsqlite3 included; rsmd has no such hook). Disarmed, a call
// costs one relaxed atomic load. One armed test at a time (gtest runs tests
// one after another).
#pragma once

#include <string>

namespace openrsm::testing {

class SyncSpy {
 public:
  // From now on, act on syncs of files whose path contains `path_part`:
  // count them, make them wait while Hold() is in force, fail them with
  // FailWith()'s errno. Resets the count, the hold and the failure.
  static void Arm(const std::string& path_part);
  static void Disarm();  // also releases a hold
  static int Count();
  static void Hold();
  static void Release();
  // Waits until `n` armed syncs have begun (false after 10 s).
  static bool WaitEntered(int n);
  static void FailWith(int error);  // 0: real syncs again
};

}  // namespace openrsm::testing
