#include "service/housekeeping.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "catalog/sqlite/backup.h"

namespace openrsm::service {

namespace backup_files = catalog::sqlite;

Housekeeping::Housekeeping(catalog::Store* store, Clock* clock, BackupConfig backup, std::string state_dir,
                           std::function<void()> on_space_back)
    : store_(store),
      clock_(clock),
      backup_(backup),
      backup_dir_(backup.dir.empty() ? state_dir + "/backup" : backup.dir),
      on_space_back_(std::move(on_space_back)) {}

Housekeeping::~Housekeeping() { Stop(); }

void Housekeeping::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Housekeeping::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Housekeeping::Loop() {
  constexpr auto kStep = std::chrono::milliseconds(100);
  auto next = clock_->Steady();
  while (!stop_) {
    if (clock_->Steady() >= next) {
      RunOnce();
      next = clock_->Steady() + kTick;
    }
    clock_->Sleep(kStep);
  }
}

void Housekeeping::RunOnce() {
  Status files = store_->CheckFiles();
  if (!files.ok()) {
    // The store has logged what happened (once); say once what stops here.
    if (!failure_logged_) spdlog::error("housekeeping: no more catalogue backups: {}", files.message());
    failure_logged_ = true;
    return;
  }
  MaybeRestore();
  if (!was_degraded_) MaybeBackUp();
}

void Housekeeping::MaybeRestore() {
  bool degraded = store_->Degraded();
  if (degraded) {
    auto now = clock_->Steady();
    if (!next_restore_ || now >= *next_restore_) {
      next_restore_ = now + kRestoreEvery;
      Status st = store_->TryRestoreReserve();
      if (!st.ok()) spdlog::debug("housekeeping: catalogue still degraded: {}", st.message());
      degraded = store_->Degraded();
    }
  } else {
    next_restore_.reset();  // the first attempt of the next episode is at once
  }
  if (was_degraded_ && !degraded && on_space_back_) on_space_back_();
  was_degraded_ = degraded;
}

int64_t Housekeeping::FirstBackupDue(int64_t now_ms) {
  auto names = backup_files::ListBackups(backup_dir_);
  if (!names.ok()) {
    spdlog::warn("housekeeping: {}", names.status().message());
    return now_ms;
  }
  std::optional<int64_t> newest;
  for (const std::string& n : *names)
    if (auto t = backup_files::ScheduledBackupTime(n)) newest = std::max(newest.value_or(*t), *t);
  if (!newest || *newest > now_ms) return now_ms;
  return *newest + int64_t(backup_.interval_seconds) * 1000;
}

void Housekeeping::MaybeBackUp() {
  if (backup_.interval_seconds == 0) return;
  const int64_t now_ms = clock_->NowMillis();
  if (!next_backup_ms_) next_backup_ms_ = FirstBackupDue(now_ms);
  if (now_ms < *next_backup_ms_) return;
  const int64_t interval_ms = int64_t(backup_.interval_seconds) * 1000;
  std::string path = backup_dir_ + "/" + backup_files::ScheduledBackupName(now_ms);
  Status st = store_->Backup(path);
  if (st.ok()) st = backup_files::PruneScheduledBackups(backup_dir_, backup_.keep);
  if (st.ok()) {
    spdlog::info("catalogue backup written: {}", path);
    next_backup_ms_ = now_ms + interval_ms;
  } else {
    spdlog::error("catalogue backup {} failed: {}", path, st.message());
    next_backup_ms_ = now_ms + std::min<int64_t>(interval_ms, kRetryEvery.count() * 1000);
  }
}

}  // namespace openrsm::service
