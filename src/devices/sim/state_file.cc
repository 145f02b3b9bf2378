#include "devices/sim/state_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace openrsm::devices::sim::internal {
namespace {

Status IoError(const std::string& what, const std::string& path, int error) {
  return Status(err::kDeviceNotAvailable,
                fmt::format("simulated library state: {} {}: {}", what, path, std::strerror(error)));
}

std::string DirectoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Closes `fd` on scope exit unless released.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  // Closes now; returns close()'s errno or 0.
  int Close() {
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
      return IoError("cannot write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status WriteTemp(const std::string& tmp, std::string_view contents, bool durable) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot create", tmp, errno);
  FdCloser closer(fd);
  RSM_RETURN_IF_ERROR(WriteAll(fd, contents, tmp));
  if (durable && ::fsync(fd) != 0) return IoError("cannot fsync", tmp, errno);
  if (int e = closer.Close(); e != 0) return IoError("cannot close", tmp, e);
  return Status::Ok();
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open directory", dir, errno);
  FdCloser closer(fd);
  if (::fsync(fd) != 0) return IoError("cannot fsync directory", dir, errno);
  return Status::Ok();
}

}  // namespace

std::string TempPathFor(const std::string& path) { return path + ".tmp"; }

Result<std::optional<std::string>> ReadWholeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return IoError("cannot open", path, errno);
  }
  FdCloser closer(fd);
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read", path, errno);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  return std::optional<std::string>(std::move(text));
}

Status ReplaceFileAtomically(const std::string& path, std::string_view contents, bool durable) {
  const std::string tmp = TempPathFor(path);
  Status st = WriteTemp(tmp, contents, durable);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) st = IoError("cannot rename over", path, errno);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  return durable ? SyncDirectory(DirectoryOf(path)) : Status::Ok();
}

void RemoveStaleTemp(const std::string& path) { ::unlink(TempPathFor(path).c_str()); }

}  // namespace openrsm::devices::sim::internal
