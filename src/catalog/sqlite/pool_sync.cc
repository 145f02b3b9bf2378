// Pool's group commit: Store::SyncCommitted (pool.h, docs/catalog.md
// "Group commit").
//
// Why one fdatasync of the -wal makes every commit so far durable:
//  - a commit's frames are written (write(2)) to the -wal before COMMIT
//    returns, so a sync that starts after that covers them (Linux syncs per
//    inode: the descriptor need not be the one SQLite wrote through);
//  - a commit whose frames are no longer in the -wal was checkpointed into
//    the database file, and a checkpoint syncs the -wal before and the
//    database file after copying (synchronous NORMAL and FULL alike); the
//    -wal restarts from its beginning only after a complete checkpoint, so
//    frames are overwritten only once the database file holds them durably;
//  - the -wal is the same inode for the store's lifetime (the anchor keeps it
//    open so SQLite never deletes it; TRUNCATE checkpoints shrink it in
//    place); the identity is checked after each sync, so a sync of a file
//    that was replaced meanwhile is never reported as durability.
// A writeback error since the descriptor was opened is reported by its next
// fdatasync (errseq), whichever descriptor wrote the data.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "catalog/sqlite/pool.h"

namespace openrsm::catalog::sqlite {

void Pool::NoteCommitted(bool synced) {
  // The write gate orders commits, so the count is their commit order.
  const uint64_t n = commits_.fetch_add(1) + 1;
  if (!synced) return;
  MutexLock lock(&sync_mu_);
  durable_ = std::max(durable_, n);  // the commit's sync covered the whole -wal
}

Status Pool::SyncCommitted() {
  // Every commit that returned before this call is among the first `want`.
  const uint64_t want = commits_.load();
  uint64_t covers = 0;
  {
    MutexLock lock(&sync_mu_);
    for (;;) {
      if (auto d = damage()) return *d;
      if (auto f = failure()) return *f;
      if (durable_ >= want) return Status::Ok();
      if (!syncing_) break;
      // The running sync covers us if it began after our commits; either way
      // look again when it ends.
      Wait(sync_cv_, sync_mu_, [&]() RSM_REQUIRES(sync_mu_) { return !syncing_; });
    }
    // This caller leads the next sync: it covers every commit counted now,
    // which includes those of every caller waiting above.
    syncing_ = true;
    covers = commits_.load();
  }
  Status st = Status::Ok();
  if (::fdatasync(wal_fd_) != 0) {
    const int e = errno;
    st = EnterSyncFailed(Status(err::kDatabaseFailure,
                                fmt::format("catalog failure: cannot sync {}: {}", files_.wal, std::strerror(e))));
  } else {
    // A -wal replaced meanwhile: what was synced is not the catalogue.
    st = CheckFiles();
  }
  MutexLock lock(&sync_mu_);
  syncing_ = false;
  if (st.ok()) durable_ = std::max(durable_, covers);
  sync_cv_.notify_all();
  return st;
}

Status Pool::EnterSyncFailed(const Status& why) {
  Status failed(err::kDatabaseFailure,
                fmt::format("{}; catalogue writes are stopped for the rest of this rsmd (restart it once the disk "
                            "is sound: its start-up inventory settles what did not reach the disk)",
                            why.message()));
  {
    MutexLock lock(&mu_);
    if (failed_) return *failed_;
    failed_ = failed;
  }
  spdlog::critical("CATALOGUE SYNC FAILED: {}", failed.message());
  return failed;
}

}  // namespace openrsm::catalog::sqlite
