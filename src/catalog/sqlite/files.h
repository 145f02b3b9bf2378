// The catalogue's files besides SQLite's own I/O: their names, their
// identity (device, inode), the space reserve, the damage marker, and the
// crash-safe file operations that backups and restores use. The only place
// in catalog/ that calls the file system directly (docs/catalog.md "Safety").
//
// Every function is thread-safe (no shared state). Errors are
// ERROR_DATABASE_FAILURE naming the step, the path and errno's text, except
// where ERROR_DATABASE_FULL is stated (no space left).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace openrsm::catalog::sqlite {

// The files of one catalogue whose database is `db` ("DIR/catalog.db"). The
// sidecars are named after db without its ".db" suffix ("DIR/catalog.reserve",
// "DIR/catalog.damaged"); the backups live in "DIR/backup" unless a
// directory is given.
struct CatalogFiles {
  std::string db, wal, shm;  // db, db + "-wal", db + "-shm"
  std::string reserve;       // the space reserve
  std::string marker;        // catalog.damaged: written when files were lost
  std::string backup_dir;
};
CatalogFiles FilesFor(const std::string& db, const std::string& reserve = "", const std::string& backup_dir = "");

// "DIR" of "DIR/name" ("." for a bare name).
std::string DirectoryOf(const std::string& path);

// A file's identity as stat(2) reports it; `exists` is false when the path
// names nothing (ENOENT).
struct FileId {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId&) const = default;
};
// ERROR_DATABASE_FAILURE when stat fails for another reason than ENOENT.
Result<FileId> IdentityOf(const std::string& path);
std::string Describe(const FileId& id);  // "dev 8:1 inode 1234" or "missing"
// The size of `path`; std::nullopt when it does not exist.
Result<std::optional<uint64_t>> SizeOf(const std::string& path);

// Makes `path` exactly `bytes` long with every block allocated
// (posix_fallocate), then fsyncs it and its directory. ERROR_DATABASE_FULL
// when the file system has not that much space; the partial file is then
// removed.
Status AllocateFile(const std::string& path, uint64_t bytes);

// Bytes an unprivileged writer may still allocate in the file system of `dir`.
Result<uint64_t> FreeBytes(const std::string& dir);

// Removes `path` if it exists and fsyncs its directory.
Status RemoveFile(const std::string& path);
// rename(2) then fsync of `to`'s directory. On failure nothing was renamed.
Status RenameFile(const std::string& from, const std::string& to);
// Writes `path` via a temporary file: write, fsync, rename, fsync directory.
// A crash leaves the old file or the new one.
Status WriteFileAtomically(const std::string& path, std::string_view contents);
// The whole of `path`; std::nullopt when it does not exist.
Result<std::optional<std::string>> ReadSmallFile(const std::string& path);
// Copies `from` to `to` (created or truncated) and fsyncs `to`.
Status CopyFile(const std::string& from, const std::string& to);
// fsync of an existing file / directory.
Status SyncFile(const std::string& path);
Status SyncDirectory(const std::string& dir);
// mkdir -p with mode 0700 for the directories it creates.
Status MakeDirectories(const std::string& dir);
// The names (not paths) in `dir`, sorted; empty when `dir` does not exist.
Result<std::vector<std::string>> ListDirectory(const std::string& dir);

// An exclusive, non-blocking flock(2) on `path` (created if missing), held
// until destruction: the lock an rsmd holds on STATE_DIR/rsmd.lock for its
// lifetime. Take() fails ERROR_BUSY when another open file holds it.
class FileLock {
 public:
  FileLock() = default;
  FileLock(FileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();
  static Result<FileLock> Take(const std::string& path);

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// UTC time of `ms` (milliseconds since the epoch) for file names:
// "20240501T120304.056Z" (sorts as time does), and for people:
// "2024-05-01 12:03:04.056 UTC".
std::string UtcStamp(int64_t ms);
std::string UtcText(int64_t ms);
// The inverse of UtcStamp; std::nullopt for anything else.
std::optional<int64_t> ParseUtcStamp(std::string_view stamp);

}  // namespace openrsm::catalog::sqlite
