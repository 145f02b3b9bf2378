#include "devices/scsi/sg_transport.h"

#include <fcntl.h>
#include <scsi/sg.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

namespace openrsm::devices::scsi {
namespace {

// Linux SCSI midlayer host bytes (include/scsi/scsi_status.h).
enum HostByte : uint16_t {
  kDidOk = 0x00,
  kDidNoConnect = 0x01,
  kDidBusBusy = 0x02,
  kDidTimeOut = 0x03,
  kDidBadTarget = 0x04,
  kDidAbort = 0x05,
  kDidParity = 0x06,
  kDidError = 0x07,
  kDidReset = 0x08,
  kDidBadIntr = 0x09,
  kDidPassthrough = 0x0a,
  kDidSoftError = 0x0b,
  kDidImmRetry = 0x0c,
  kDidRequeue = 0x0d,
  kDidTransportDisrupted = 0x0e,
  kDidTransportFailfast = 0x0f,
};
// Driver byte, low nibble of driver_status.
constexpr uint16_t kDriverSense = 0x08;
constexpr uint16_t kDriverTimeout = 0x06;

const char* HostByteName(uint16_t h) {
  switch (h) {
    case kDidNoConnect:
      return "DID_NO_CONNECT";
    case kDidBusBusy:
      return "DID_BUS_BUSY";
    case kDidTimeOut:
      return "DID_TIME_OUT";
    case kDidBadTarget:
      return "DID_BAD_TARGET";
    case kDidAbort:
      return "DID_ABORT";
    case kDidParity:
      return "DID_PARITY";
    case kDidError:
      return "DID_ERROR";
    case kDidReset:
      return "DID_RESET";
    case kDidBadIntr:
      return "DID_BAD_INTR";
    case kDidPassthrough:
      return "DID_PASSTHROUGH";
    case kDidSoftError:
      return "DID_SOFT_ERROR";
    case kDidImmRetry:
      return "DID_IMM_RETRY";
    case kDidRequeue:
      return "DID_REQUEUE";
    case kDidTransportDisrupted:
      return "DID_TRANSPORT_DISRUPTED";
    case kDidTransportFailfast:
      return "DID_TRANSPORT_FAILFAST";
    default:
      return "DID_?";
  }
}

bool TransientHostByte(uint16_t h) {
  return h == kDidBusBusy || h == kDidReset || h == kDidSoftError || h == kDidImmRetry || h == kDidRequeue ||
         h == kDidTransportDisrupted;
}

Status ErrnoStatus(int e, const std::string& what) {
  std::string msg = what + ": " + std::strerror(e);
  switch (e) {
    case EACCES:
    case EPERM:
      return {err::kAccessDenied, msg};
    case EBUSY:
    case EAGAIN:
      return {err::kBusy, msg};
    case ENOMEM:
      return {err::kNotEnoughMemory, msg};
    case EINVAL:
    case EFAULT:
    case EMSGSIZE:
    case EOVERFLOW:
      return {err::kInvalidParameter, msg};
    default:
      return {err::kDeviceNotAvailable, msg};
  }
}

std::string Hex(unsigned v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%02X", v);
  return b;
}

std::string Trim(std::string s) {
  auto keep = [](char c) { return c != ' ' && c != '\n' && c != '\0' && c != '\t'; };
  auto b = std::find_if(s.begin(), s.end(), keep);
  auto e = std::find_if(s.rbegin(), s.rend(), keep).base();
  return b < e ? std::string(b, e) : std::string();
}

}  // namespace

// ---- SgTransport ---------------------------------------------------------------

Result<std::unique_ptr<SgTransport>> SgTransport::Open(ScsiOs* os, const std::string& path) {
  int fd = os->Open(path, O_RDWR | O_NONBLOCK);
  if (fd < 0) return ErrnoStatus(-fd, "open " + path);
  int version = 0;
  int rc = os->Ioctl(fd, SG_GET_VERSION_NUM, &version);
  if (rc < 0 || version < 30000) {
    os->Close(fd);
    return Status(err::kDeviceNotAvailable, path + " is not an sg device (SG_GET_VERSION_NUM " +
                                                (rc < 0 ? std::string(std::strerror(-rc)) : std::to_string(version)) +
                                                ")");
  }
  return std::unique_ptr<SgTransport>(new SgTransport(os, path, fd));
}

SgTransport::~SgTransport() { os_->Close(fd_); }

Result<ScsiResult> SgTransport::Execute(const ScsiCommand& cmd) {
  RSM_RETURN_IF_ERROR(ValidateCommand(cmd));
  const std::string op = "opcode " + Hex(cmd.cdb[0]);
  uint8_t sense[kMaxSenseLength];
  for (int attempt = 0;; ++attempt) {
    sg_io_hdr_t h;
    std::memset(&h, 0, sizeof h);
    h.interface_id = 'S';
    h.cmd_len = static_cast<unsigned char>(cmd.cdb.size());
    h.cmdp = const_cast<unsigned char*>(cmd.cdb.data());  // the kernel only reads it
    h.mx_sb_len = sizeof sense;
    h.sbp = sense;
    h.timeout = static_cast<unsigned>(std::clamp<int64_t>(cmd.timeout.count(), 1, UINT_MAX));
    switch (cmd.direction) {
      case DataDirection::kNone:
        h.dxfer_direction = SG_DXFER_NONE;
        break;
      case DataDirection::kFromDevice:
        h.dxfer_direction = SG_DXFER_FROM_DEV;
        h.dxfer_len = static_cast<unsigned>(cmd.data_in.size());
        h.dxferp = cmd.data_in.data();
        break;
      case DataDirection::kToDevice:
        h.dxfer_direction = SG_DXFER_TO_DEV;
        h.dxfer_len = static_cast<unsigned>(cmd.data_out.size());
        h.dxferp = const_cast<uint8_t*>(cmd.data_out.data());  // the kernel only reads it
        break;
    }
    if (h.dxfer_len == 0) {
      h.dxfer_direction = SG_DXFER_NONE;
      h.dxferp = nullptr;
    }

    int rc = os_->Ioctl(fd_, SG_IO, &h);
    if (rc < 0) return ErrnoStatus(-rc, path_ + ": SG_IO " + op);

    uint16_t driver = h.driver_status & 0x0F;
    if (h.host_status == kDidTimeOut || driver == kDriverTimeout) {
      return Status(err::kTimeout, path_ + ": " + op + " got no answer within " + std::to_string(h.timeout) + " ms");
    }
    if (h.host_status != kDidOk) {
      if (TransientHostByte(h.host_status) && attempt == 0) continue;
      return Status(err::kDeviceNotAvailable, path_ + ": " + op + " failed in the adapter: host_status " +
                                                  HostByteName(h.host_status) + " (" + Hex(h.host_status) + ")" +
                                                  (attempt ? " after a retry" : ""));
    }
    if (driver != 0 && driver != kDriverSense && h.status == scsi_status::kGood && h.sb_len_wr == 0) {
      return Status(err::kDeviceNotAvailable,
                    path_ + ": " + op + " failed in the driver: driver_status " + Hex(h.driver_status));
    }

    ScsiResult r;
    r.status = h.status;
    if (h.sb_len_wr > 0) r.sense.assign(sense, sense + std::min<size_t>(h.sb_len_wr, sizeof sense));
    int64_t resid = h.dxfer_len == 0 ? 0 : h.resid;
    r.residual = resid;
    r.transferred = h.dxfer_len - static_cast<size_t>(std::clamp<int64_t>(resid, 0, h.dxfer_len));
    return r;
  }
}

// ---- discovery -------------------------------------------------------------------

std::string SerialFromVpdPage80(std::string_view page) {
  if (page.size() < 4 || static_cast<uint8_t>(page[1]) != 0x80) return "";
  size_t len = (static_cast<size_t>(static_cast<uint8_t>(page[2])) << 8) | static_cast<uint8_t>(page[3]);
  len = std::min(len, page.size() - 4);
  return Trim(std::string(page.substr(4, len)));
}

ScsiAddress ParseHctl(std::string_view hctl) {
  uint32_t v[4] = {0, 0, 0, 0};
  size_t field = 0, digits = 0;
  for (char c : hctl) {
    if (c == ':') {
      if (digits == 0 || ++field == 4) return {};
      digits = 0;
    } else if (c >= '0' && c <= '9' && digits < 9) {
      v[field] = v[field] * 10 + uint32_t(c - '0');
      ++digits;
    } else {
      return {};
    }
  }
  if (field != 3 || digits == 0) return {};
  return ScsiAddress{v[0], v[1], v[2], v[3]};
}

namespace {

// "sg12" -> 12; -1 if not sgN.
long SgNumber(const std::string& name) {
  if (name.size() < 3 || name.compare(0, 2, "sg") != 0 || name.size() > 12) return -1;
  long n = 0;
  for (size_t i = 2; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    n = n * 10 + (name[i] - '0');
  }
  return n;
}

bool IsNstName(std::string_view s) {
  if (s.size() < 4 || s.substr(0, 3) != "nst") return false;
  return std::all_of(s.begin() + 3, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string TapeNode(ScsiOs* os, const std::string& dev_dir, const std::string& dev_root) {
  std::vector<std::string> names;
  // Current kernels: device/scsi_tape/{st0,nst0,st0l,nst0l,...}.
  if (os->ListDir(dev_dir + "/scsi_tape", &names) == 0) {
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      if (IsNstName(n)) return dev_root + "/" + n;
    }
  }
  // Old (CONFIG_SYSFS_DEPRECATED) layout: device/scsi_tape:nst0 links.
  if (os->ListDir(dev_dir, &names) == 0) {
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      constexpr std::string_view kPrefix = "scsi_tape:";
      if (n.compare(0, kPrefix.size(), kPrefix) == 0 && IsNstName(std::string_view(n).substr(kPrefix.size()))) {
        return dev_root + "/" + n.substr(kPrefix.size());
      }
    }
  }
  return "";
}

}  // namespace

Result<std::vector<SgDevice>> DiscoverSgDevices(ScsiOs* os, const SgDiscoveryOptions& options) {
  const std::string cls = options.sysfs_root + "/class/scsi_generic";
  std::vector<std::string> names;
  int rc = os->ListDir(cls, &names);
  if (rc == -ENOENT) return std::vector<SgDevice>{};  // no SCSI layer
  if (rc < 0) return ErrnoStatus(-rc, "list " + cls);
  std::vector<std::pair<long, std::string>> sgs;
  for (auto& n : names) {
    if (long num = SgNumber(n); num >= 0) sgs.emplace_back(num, n);
  }
  std::sort(sgs.begin(), sgs.end());

  std::vector<SgDevice> out;
  for (const auto& [num, name] : sgs) {
    const std::string dev = cls + "/" + name + "/device";
    std::string text;
    if (os->ReadFile(dev + "/type", &text) < 0) continue;
    text = Trim(text);
    if (text != "1" && text != "8") continue;
    SgDevice d;
    d.name = name;
    d.sg_path = options.dev_root + "/" + name;
    d.peripheral_type = text == "1" ? kPeripheralTape : kPeripheralChanger;
    if (os->ReadFile(dev + "/vendor", &text) == 0) d.vendor = Trim(text);
    if (os->ReadFile(dev + "/model", &text) == 0) d.model = Trim(text);
    if (os->ReadFile(dev + "/rev", &text) == 0) d.revision = Trim(text);
    if (os->ReadFile(dev + "/vpd_pg80", &text, 4 + 255) == 0) d.serial = SerialFromVpdPage80(text);
    std::string link;
    if (os->ReadLink(dev, &link) == 0) {
      size_t slash = link.find_last_of('/');
      d.hctl = slash == std::string::npos ? link : link.substr(slash + 1);
    }
    if (d.peripheral_type == kPeripheralTape) d.tape_path = TapeNode(os, dev, options.dev_root);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace openrsm::devices::scsi
