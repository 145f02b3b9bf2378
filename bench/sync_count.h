// Counts this process's fsync/fdatasync calls, by file (test-only: it wraps the
// libc functions inside rsm_bench; rsmd is not touched). Used by the in-process
// queue benchmarks to report synced catalogue commits per library request.
//
// While counting is off (the default) the wrappers add one relaxed atomic load
// per call. While it is on, each call also resolves its fd's path
// (/proc/self/fd), so count in an untimed pass.
#pragma once

#include <cstdint>

namespace rsmbench {

struct SyncCounts {
  uint64_t catalog = 0;  // syncs of files whose name contains "catalog.db" (the WAL, the db)
  uint64_t other = 0;    // anything else (the sim's state file and its directory)
};

void StartSyncCount();       // zeroes the counts and turns counting on
SyncCounts StopSyncCount();  // turns counting off and returns the counts

}  // namespace rsmbench
