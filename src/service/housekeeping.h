// Housekeeping: rsmd's periodic care of the catalogue (docs/catalog.md
// "Safety"). About once a second its thread
//   1. calls Store::CheckFiles() (a catalogue file deleted or replaced puts
//      the store into failed mode at once, even when nothing writes);
//   2. while the store is degraded, calls Store::TryRestoreReserve() every
//      kRestoreEvery, and calls on_space_back once each time the store leaves
//      degraded mode (whoever made it leave);
//   3. otherwise, when a scheduled backup is due, writes
//      BACKUP_DIR/catalog-<UTC>.db with Store::Backup and keeps the newest
//      backup.keep of them (other kinds of backup are never pruned).
// No backup is taken in failed mode (CheckFiles fails) nor in degraded mode
// (it would take the space the recovery records need).
//
// Schedule: the first backup is due backup.interval_seconds after the newest
// scheduled backup already in BACKUP_DIR (at once when there is none, or when
// that one is dated in the future); then every interval after a success, or
// kRetryEvery (at most the interval) after a failure. interval 0: no backups.
// All time comes from the Clock.
//
// Thread safety: Start/Stop from one thread (the owner). RunOnce is what the
// thread runs; tests call it directly instead of Start (never both).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "catalog/store.h"
#include "common/clock.h"
#include "common/config.h"

namespace openrsm::service {

class Housekeeping {
 public:
  static constexpr std::chrono::seconds kTick{1};
  static constexpr std::chrono::seconds kRestoreEvery{5};
  static constexpr std::chrono::seconds kRetryEvery{60};

  // `store` and `clock` must outlive this object. `backup.dir` empty =
  // STATE_DIR/backup. `on_space_back` may be empty; it runs on the
  // housekeeping thread.
  Housekeeping(catalog::Store* store, Clock* clock, BackupConfig backup, std::string state_dir,
               std::function<void()> on_space_back);
  ~Housekeeping();  // Stop()
  Housekeeping(const Housekeeping&) = delete;
  Housekeeping& operator=(const Housekeeping&) = delete;

  void Start();
  // Returns within about 100 ms of the Clock (plus a pass in progress).
  void Stop();

  // One pass: steps 1-3 above.
  void RunOnce();

  const std::string& backup_dir() const { return backup_dir_; }

 private:
  void Loop();
  void MaybeRestore();
  void MaybeBackUp();
  int64_t FirstBackupDue(int64_t now_ms);

  catalog::Store* const store_;
  Clock* const clock_;
  const BackupConfig backup_;
  const std::string backup_dir_;
  const std::function<void()> on_space_back_;

  // Used by the pass only (one thread).
  bool was_degraded_ = false;
  bool failure_logged_ = false;
  std::optional<std::chrono::steady_clock::time_point> next_restore_;
  std::optional<int64_t> next_backup_ms_;

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace openrsm::service
