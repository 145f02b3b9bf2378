#include "catalog/sqlite/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace openrsm::catalog::sqlite {
namespace {

Status IoError(std::string_view what, const std::string& path, int error) {
  return Status(err::kDatabaseFailure, fmt::format("catalog failure: {} {}: {}", what, path, std::strerror(error)));
}

// Closes a descriptor on scope exit unless Close() was called.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Close() {  // close()'s errno, or 0
    int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOSPC || errno == EDQUOT)
        return Status(err::kDatabaseFull, fmt::format("catalog full: cannot write {}: {}", path, std::strerror(errno)));
      return IoError("cannot write", path, errno);
    }
    data.remove_prefix(size_t(n));
  }
  return Status::Ok();
}

}  // namespace

std::string DirectoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

CatalogFiles FilesFor(const std::string& db, const std::string& reserve, const std::string& backup_dir) {
  std::string stem = db;
  if (stem.size() > 3 && stem.ends_with(".db")) stem.resize(stem.size() - 3);
  CatalogFiles f;
  f.db = db;
  f.wal = db + "-wal";
  f.shm = db + "-shm";
  f.reserve = reserve.empty() ? stem + ".reserve" : reserve;
  f.marker = stem + ".damaged";
  f.backup_dir = backup_dir.empty() ? DirectoryOf(db) + "/backup" : backup_dir;
  return f;
}

Result<FileId> IdentityOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return FileId{};
    return IoError("cannot stat", path, errno);
  }
  return FileId{true, st.st_dev, st.st_ino};
}

Result<std::optional<uint64_t>> SizeOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<uint64_t>();
    return IoError("cannot stat", path, errno);
  }
  return std::optional<uint64_t>(uint64_t(st.st_size));
}

std::string Describe(const FileId& id) {
  if (!id.exists) return "missing";
  return fmt::format("dev {}:{} inode {}", major(id.dev), minor(id.dev), uint64_t(id.ino));
}

Status AllocateFile(const std::string& path, uint64_t bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create", path, errno);
  Fd closer(fd);
  Status st;
  if (::ftruncate(fd, off_t(bytes)) != 0) st = IoError("cannot resize", path, errno);
  if (st.ok() && bytes > 0) {
    int rc = ::posix_fallocate(fd, 0, off_t(bytes));  // returns the error, not -1
    if (rc == ENOSPC || rc == EDQUOT || rc == EFBIG) {
      st = Status(err::kDatabaseFull,
                  fmt::format("catalog full: no room for the {}-byte reserve {}: {}", bytes, path, std::strerror(rc)));
    } else if (rc != 0) {
      st = IoError("cannot allocate", path, rc);
    }
  }
  if (st.ok() && ::fsync(fd) != 0) st = IoError("cannot fsync", path, errno);
  if (st.ok()) {
    if (int e = closer.Close(); e != 0) st = IoError("cannot close", path, e);
  }
  if (!st.ok()) {
    ::unlink(path.c_str());
    return st;
  }
  return SyncDirectory(DirectoryOf(path));
}

Result<uint64_t> FreeBytes(const std::string& dir) {
  struct statvfs vfs;
  if (::statvfs(dir.c_str(), &vfs) != 0) return IoError("cannot statvfs", dir, errno);
  return uint64_t(vfs.f_bavail) * uint64_t(vfs.f_frsize);
}

Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return IoError("cannot remove", path, errno);
  }
  return SyncDirectory(DirectoryOf(path));
}

Status RenameFile(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return IoError(fmt::format("cannot rename {} to", from), to, errno);
  return SyncDirectory(DirectoryOf(to));
}

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create", tmp, errno);
  Fd closer(fd);
  Status st = WriteAll(fd, contents, tmp);
  if (st.ok() && ::fsync(fd) != 0) st = IoError("cannot fsync", tmp, errno);
  if (st.ok()) {
    if (int e = closer.Close(); e != 0) st = IoError("cannot close", tmp, e);
  }
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) st = IoError("cannot rename over", path, errno);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  return SyncDirectory(DirectoryOf(path));
}

Result<std::optional<std::string>> ReadSmallFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return IoError("cannot open", path, errno);
  }
  Fd closer(fd);
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read", path, errno);
    }
    if (n == 0) break;
    text.append(buf, size_t(n));
  }
  return std::optional<std::string>(std::move(text));
}

Status CopyFile(const std::string& from, const std::string& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return IoError("cannot open", from, errno);
  Fd in_closer(in);
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) return IoError("cannot create", to, errno);
  Fd out_closer(out);
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read", from, errno);
    }
    if (n == 0) break;
    RSM_RETURN_IF_ERROR(WriteAll(out, std::string_view(buf, size_t(n)), to));
  }
  if (::fsync(out) != 0) return IoError("cannot fsync", to, errno);
  if (int e = out_closer.Close(); e != 0) return IoError("cannot close", to, e);
  return Status::Ok();
}

Status SyncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open", path, errno);
  Fd closer(fd);
  if (::fsync(fd) != 0) return IoError("cannot fsync", path, errno);
  return Status::Ok();
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open directory", dir, errno);
  Fd closer(fd);
  if (::fsync(fd) != 0) return IoError("cannot fsync directory", dir, errno);
  return Status::Ok();
}

Status MakeDirectories(const std::string& dir) {
  if (dir.empty()) return Status::Ok();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::Ok();
    return IoError("not a directory:", dir, ENOTDIR);
  }
  std::string parent = DirectoryOf(dir);
  if (parent != dir && parent != "." && parent != "/") RSM_RETURN_IF_ERROR(MakeDirectories(parent));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return IoError("cannot create directory", dir, errno);
  return Status::Ok();
}

Result<std::vector<std::string>> ListDirectory(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return names;
    return IoError("cannot list", dir, errno);
  }
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

Result<FileLock> FileLock::Take(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot open lock file", path, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) return Status(err::kBusy, fmt::format("{} is locked by a running rsmd", path));
    return IoError("cannot lock", path, e);
  }
  return FileLock(fd);
}

std::string UtcStamp(int64_t ms) {
  time_t secs = time_t(ms / 1000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, int(ms % 1000));
}

std::string UtcText(int64_t ms) {
  time_t secs = time_t(ms / 1000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03} UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms % 1000));
}

std::optional<int64_t> ParseUtcStamp(std::string_view s) {
  // 20240501T120304.056Z
  if (s.size() != 20 || s[8] != 'T' || s[15] != '.' || s[19] != 'Z') return std::nullopt;
  auto num = [&](size_t at, size_t n) -> int {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  struct tm tm {};
  int year = num(0, 4), mon = num(4, 2), day = num(6, 2), h = num(9, 2), m = num(11, 2), sec = num(13, 2),
      milli = num(16, 3);
  if (year < 0 || mon < 1 || day < 1 || h < 0 || m < 0 || sec < 0 || milli < 0) return std::nullopt;
  tm.tm_year = year - 1900, tm.tm_mon = mon - 1, tm.tm_mday = day, tm.tm_hour = h, tm.tm_min = m, tm.tm_sec = sec;
  return int64_t(timegm(&tm)) * 1000 + milli;
}

}  // namespace openrsm::catalog::sqlite
