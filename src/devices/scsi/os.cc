#include "devices/scsi/os.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace openrsm::devices::scsi {
namespace {

class LinuxScsiOs final : public ScsiOs {
 public:
  int Open(const std::string& path, int flags) override {
    int fd;
    do {
      fd = ::open(path.c_str(), flags | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    return fd >= 0 ? fd : -errno;
  }

  void Close(int fd) override {
    if (fd >= 0) ::close(fd);
  }

  int Ioctl(int fd, unsigned long request, void* arg) override {
    int rc;
    do {
      rc = ::ioctl(fd, request, arg);
    } while (rc < 0 && errno == EINTR);
    return rc < 0 ? -errno : 0;
  }

  int ListDir(const std::string& path, std::vector<std::string>* names) override {
    names->clear();
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) return -errno;
    while (dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      names->emplace_back(e->d_name);
    }
    ::closedir(d);
    return 0;
  }

  int ReadLink(const std::string& path, std::string* target) override {
    char buf[4096];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
    if (n < 0) return -errno;
    if (static_cast<size_t>(n) == sizeof buf) return -ENAMETOOLONG;
    target->assign(buf, static_cast<size_t>(n));
    return 0;
  }

  int ReadFile(const std::string& path, std::string* contents, size_t max_bytes) override {
    contents->clear();
    int fd = Open(path, O_RDONLY);
    if (fd < 0) return fd;
    char buf[4096];
    while (contents->size() < max_bytes) {
      ssize_t n = ::read(fd, buf, std::min(sizeof buf, max_bytes - contents->size()));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int e = errno;
        ::close(fd);
        return -e;
      }
      if (n == 0) break;
      contents->append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return 0;
  }
};

}  // namespace

ScsiOs* RealScsiOs() {
  static ScsiOs* os = new LinuxScsiOs();
  return os;
}

}  // namespace openrsm::devices::scsi
