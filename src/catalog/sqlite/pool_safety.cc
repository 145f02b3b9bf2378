// Pool's safety modes: failed (files lost or replaced) and degraded (full).
// See pool.h and docs/catalog.md "Safety".
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "catalog/sqlite/backup.h"
#include "catalog/sqlite/pool.h"

namespace openrsm::catalog::sqlite {
namespace {

constexpr uint64_t kMinHeadroomBytes = 64 * 1024;
constexpr uint32_t kNoCap = 0x3fffffff;  // SQLITE_MAX_PAGE_COUNT of 3.40

Status Full(std::string_view why) { return Status(err::kDatabaseFull, fmt::format("catalog full: {}", why)); }

}  // namespace

// ---- failed mode ------------------------------------------------------------------

Status Pool::CheckFiles() {
  {
    MutexLock lock(&mu_);
    if (damage_) return *damage_;
    if (failed_) return *failed_;
  }
  const std::pair<const std::string*, const FileId*> files[] = {
      {&files_.db, &ids_.db}, {&files_.wal, &ids_.wal}, {&files_.shm, &ids_.shm}};
  for (auto [path, expected] : files) {
    RSM_ASSIGN_OR_RETURN(FileId now, IdentityOf(*path));
    if (now != *expected) return EnterFailed(*path, *expected, now);
  }
  return Status::Ok();
}

Status Pool::EnterFailed(const std::string& file, const FileId& expected, const FileId& found) {
  std::string what = found.exists ? fmt::format("{} was replaced by another file ({} when opened, now {})", file,
                                                Describe(expected), Describe(found))
                                  : fmt::format("{} was deleted ({} when opened)", file, Describe(expected));
  Status failed(err::kDatabaseFailure,
                fmt::format("catalog failure: {} under the running rsmd; catalogue writes are stopped until the "
                            "catalogue is restored (see {})",
                            what, files_.marker));
  {
    MutexLock lock(&mu_);
    if (failed_) return *failed_;
    failed_ = failed;
  }
  // Only the first caller gets here.
  const int64_t now = clock_->NowMillis();
  Result<std::string> rescue = Rescue(now);
  std::string restore_from = rescue.ok() ? *rescue : fmt::format("<the newest backup in {}>", files_.backup_dir);
  std::string marker_text = fmt::format(
      "time: {}\nwhat: {}\nrescue copy: {}\n"
      "restore: stop rsmd, then run: rsmd --config <its config> --restore-catalog {}\n"
      "(docs/catalog.md, \"Safety\")\n",
      UtcText(now), what, rescue.ok() ? *rescue : "none: " + rescue.status().message(), restore_from);
  Status marked = WriteFileAtomically(files_.marker, marker_text);
  spdlog::critical(
      "CATALOGUE FILE LOST: {} while rsmd ran. Catalogue writes are stopped (reads still work); restarting rsmd "
      "is refused until the catalogue is restored. {}. {}. To recover: stop rsmd, run `rsmd --config <config> "
      "--restore-catalog {}`, start rsmd (docs/catalog.md \"Safety\").",
      what,
      rescue.ok() ? fmt::format("Rescue copy of every committed change: {}", *rescue)
                  : fmt::format("NO rescue copy ({})", rescue.status().message()),
      marked.ok() ? fmt::format("Marker: {}", files_.marker)
                  : fmt::format("marker {} NOT written ({})", files_.marker, marked.message()),
      restore_from);
  return failed;
}

Result<std::string> Pool::Rescue(int64_t now_ms) {
  RSM_RETURN_IF_ERROR(MakeDirectories(files_.backup_dir));
  std::string path = files_.backup_dir + "/" + RescueBackupName(now_ms);
  MutexLock lock(&anchor_mu_);
  // The anchor still reads the files it opened (an unlinked -wal included).
  RSM_RETURN_IF_ERROR(CopyDatabase(*anchor_, path));
  return path;
}

Status Pool::Backup(const std::string& dest) {
  RSM_RETURN_IF_ERROR(CheckFiles());  // also refuses after damage or failure
  const std::string dir = DirectoryOf(dest);
  RSM_RETURN_IF_ERROR(MakeDirectories(dir));
  MutexLock lock(&anchor_mu_);
  // A backup must not be what fills the file system under the catalogue:
  // room for the copy plus the headroom degraded mode asks for.
  RSM_ASSIGN_OR_RETURN(int64_t pages, anchor_->QueryInt("PRAGMA page_count"));
  RSM_ASSIGN_OR_RETURN(uint64_t free, FreeBytes(dir));
  uint64_t need = uint64_t(pages) * expect_.page_size + HeadroomBytes();
  if (free < need)
    return Full(fmt::format("no room for a backup in {}: {} bytes free, {} needed (the copy and {} to spare)", dir,
                            free, need, HeadroomBytes()));
  return CopyDatabase(*anchor_, dest);
}

// ---- degraded mode ---------------------------------------------------------------

uint32_t Pool::EffectiveCap() const {
  uint32_t cap = max_pages_;
  if (cap == 0 || !degraded_) return cap;
  // SQLite never lowers the cap below the size: a cap set under the size
  // when full is in effect the size.
  uint64_t base = std::max(cap, degraded_base_pages_.load());
  uint64_t extra = (options_.reserve_bytes + expect_.page_size - 1) / expect_.page_size;
  return uint32_t(std::min<uint64_t>(base + extra, kNoCap));
}

Status Pool::DegradedStatus() const {
  return Full(fmt::format(
      "degraded since {}: the catalogue could not grow (file system or page cap full); writes are refused until "
      "space is freed in {} and rsmd has restored its reserve",
      UtcText(degraded_since_ms_), DirectoryOf(files_.db)));
}

uint64_t Pool::HeadroomBytes() const { return std::max(options_.reserve_bytes / 4, kMinHeadroomBytes); }

void Pool::EnterDegraded(const Status& why, Db& db) {
  MutexLock lock(&mode_mu_);
  if (degraded_) return;
  auto pages = db.QueryInt("PRAGMA page_count");  // (a read; works in a failed transaction)
  degraded_base_pages_ = pages.ok() ? uint32_t(std::clamp<int64_t>(*pages, 0, kNoCap)) : 0;
  degraded_since_ms_ = clock_->NowMillis();
  degraded_ = true;
  std::string released = "no space reserve is configured";
  if (options_.reserve_bytes > 0) {
    Status st = RemoveFile(files_.reserve);
    released = st.ok() ? fmt::format("released the {}-byte reserve {}", options_.reserve_bytes, files_.reserve)
                       : fmt::format("could not release the reserve: {}", st.message());
  }
  uint32_t cap = max_pages_;
  std::string raised = cap ? fmt::format("; page cap raised from {} to {} pages", cap, EffectiveCap()) : "";
  spdlog::error(
      "CATALOGUE FULL (degraded mode): {}. rsmd {}{}. Normal catalogue writes now fail with ERROR_DATABASE_FULL "
      "and change nothing; only recovery records are written. Free space in {}{}; rsmd restores the reserve and "
      "resumes by itself.",
      why.message(), released, raised, DirectoryOf(files_.db), cap ? " (or raise [catalog] max_pages)" : "");
}

Status Pool::CheckPagesUnderCap() {
  uint32_t cap = max_pages_;
  if (cap == 0) return Status::Ok();
  RSM_ASSIGN_OR_RETURN(Lease lease, Acquire(Access::kRead));
  RSM_ASSIGN_OR_RETURN(int64_t pages, lease.db().QueryInt("PRAGMA page_count"));
  RSM_ASSIGN_OR_RETURN(int64_t unused, lease.db().QueryInt("PRAGMA freelist_count"));
  // Room for a quarter of the reserve, but at most an eighth of the cap (a
  // small cap can recover too); at least one page.
  uint64_t want = (HeadroomBytes() + expect_.page_size - 1) / expect_.page_size;
  uint64_t headroom = std::max<uint64_t>(1, std::min<uint64_t>(want, cap / 8));
  uint64_t used = uint64_t(std::max<int64_t>(0, pages - unused));
  if (used + headroom > cap)
    return Full(
        fmt::format("{} of the {} pages the cap allows are in use; {} must be free to resume", used, cap, headroom));
  return Status::Ok();
}

Status Pool::TryRestoreReserve() {
  if (auto d = damage()) return *d;
  if (auto f = failure()) return *f;
  MutexLock lock(&mode_mu_);
  if (!degraded_) return Status::Ok();
  RSM_RETURN_IF_ERROR(CheckPagesUnderCap());
  const std::string dir = DirectoryOf(files_.db);
  if (options_.reserve_bytes > 0) {
    Status st = AllocateFile(files_.reserve, options_.reserve_bytes);
    if (!st.ok()) return st.code() == err::kDatabaseFull ? st : Full(st.message());
  }
  auto free = FreeBytes(dir);
  if (!free.ok() || *free < HeadroomBytes()) {
    // Degraded mode goes on without the reserve: recovery records need it.
    if (options_.reserve_bytes > 0) (void)RemoveFile(files_.reserve);
    return Full(free.ok() ? fmt::format("only {} bytes free in {} beyond the reserve; {} needed to resume", *free, dir,
                                        HeadroomBytes())
                          : free.status().message());
  }
  degraded_ = false;
  spdlog::warn("catalogue space is back: {} restored; normal catalogue writes resume (degraded since {})",
               options_.reserve_bytes ? fmt::format("the {}-byte reserve {}", options_.reserve_bytes, files_.reserve)
                                      : std::string("the page cap"),
               UtcText(degraded_since_ms_));
  return Status::Ok();
}

}  // namespace openrsm::catalog::sqlite
