// ScsiOs: the operating-system seam of the sg transport and of sysfs
// discovery (STYLE.md item 2). Nothing in src/devices/scsi calls ::open,
// ::ioctl or reads /sys directly; it asks a ScsiOs. RealScsiOs() is the
// Linux implementation; tests pass a fake (an in-memory sysfs tree and an
// SG_IO that returns canned answers).
//
// Errors follow POSIX: calls that can fail return 0 / a descriptor or a
// negative errno, so callers can tell ENOENT from EBUSY from EACCES.
// Paths are absolute. The real implementation is thread-safe.
#pragma once

#include <string>
#include <vector>

namespace openrsm::devices::scsi {

class ScsiOs {
 public:
  virtual ~ScsiOs() = default;

  // open(2) with `flags` (O_CLOEXEC is always added): fd >= 0 or -errno.
  virtual int Open(const std::string& path, int flags) = 0;
  virtual void Close(int fd) = 0;
  // ioctl(2): 0 or -errno. `arg` is the request's argument (e.g. sg_io_hdr*).
  virtual int Ioctl(int fd, unsigned long request, void* arg) = 0;

  // Names in directory `path` ("." and ".." excluded), unsorted: 0 or -errno.
  virtual int ListDir(const std::string& path, std::vector<std::string>* names) = 0;
  // The target of symbolic link `path`: 0 or -errno.
  virtual int ReadLink(const std::string& path, std::string* target) = 0;
  // At most `max_bytes` of a small file (sysfs attributes, binary VPD pages
  // included): 0 or -errno.
  virtual int ReadFile(const std::string& path, std::string* contents, size_t max_bytes = 4096) = 0;
};

// The Linux implementation. Never destroyed.
ScsiOs* RealScsiOs();

}  // namespace openrsm::devices::scsi
