// SgTransport and sysfs discovery over a fake ScsiOs: an in-memory sysfs
// tree and an SG_IO that checks the sg_io_hdr it gets and answers from a
// script.
#include "devices/scsi/sg_transport.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <scsi/sg.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <set>

namespace openrsm::devices::scsi {
namespace {

using std::chrono::milliseconds;

class FakeScsiOs : public ScsiOs {
 public:
  // sysfs: files, symbolic links; directories are implied by paths.
  std::map<std::string, std::string> files;
  std::map<std::string, std::string> links;
  std::set<std::string> nodes;             // openable device nodes
  std::map<std::string, int> open_errors;  // path -> errno
  std::map<std::string, int> versions;     // path -> SG_GET_VERSION_NUM
  // Each SG_IO pops one handler: it inspects the header and fills the answer.
  std::deque<std::function<int(sg_io_hdr_t*)>> sg_io;
  std::map<int, std::string> open_fds;
  int next_fd = 10;
  int sg_io_calls = 0;

  int Open(const std::string& path, int flags) override {
    EXPECT_EQ(flags & O_ACCMODE, O_RDWR);
    EXPECT_TRUE(flags & O_NONBLOCK);
    if (auto it = open_errors.find(path); it != open_errors.end()) return -it->second;
    if (!nodes.count(path)) return -ENOENT;
    open_fds[next_fd] = path;
    return next_fd++;
  }
  void Close(int fd) override { EXPECT_EQ(open_fds.erase(fd), 1u) << "close of unknown fd " << fd; }
  int Ioctl(int fd, unsigned long request, void* arg) override {
    auto it = open_fds.find(fd);
    if (it == open_fds.end()) return -EBADF;
    if (request == SG_GET_VERSION_NUM) {
      auto v = versions.find(it->second);
      if (v == versions.end()) return -ENOTTY;
      *static_cast<int*>(arg) = v->second;
      return 0;
    }
    if (request == SG_IO) {
      ++sg_io_calls;
      if (sg_io.empty()) {
        ADD_FAILURE() << "unexpected SG_IO";
        return -EIO;
      }
      auto handler = std::move(sg_io.front());
      sg_io.pop_front();
      return handler(static_cast<sg_io_hdr_t*>(arg));
    }
    return -ENOTTY;
  }
  int ListDir(const std::string& path, std::vector<std::string>* names) override {
    names->clear();
    std::set<std::string> seen;
    const std::string prefix = path + "/";
    auto collect = [&](const std::string& p) {
      if (p.compare(0, prefix.size(), prefix) != 0) return;
      std::string rest = p.substr(prefix.size());
      seen.insert(rest.substr(0, rest.find('/')));
    };
    for (const auto& [p, _] : files) collect(p);
    for (const auto& [p, _] : links) collect(p);
    if (seen.empty()) return -ENOENT;
    names->assign(seen.begin(), seen.end());
    return 0;
  }
  int ReadLink(const std::string& path, std::string* target) override {
    auto it = links.find(path);
    if (it == links.end()) return -EINVAL;
    *target = it->second;
    return 0;
  }
  int ReadFile(const std::string& path, std::string* contents, size_t max_bytes) override {
    auto it = files.find(path);
    if (it == files.end()) return -ENOENT;
    *contents = it->second.substr(0, max_bytes);
    return 0;
  }

  void AddSg(const std::string& sg, const std::string& type, const std::string& vendor, const std::string& model,
             const std::string& hctl) {
    const std::string dev = "/sys/class/scsi_generic/" + sg + "/device";
    files[dev + "/type"] = type + "\n";
    files[dev + "/vendor"] = vendor;
    files[dev + "/model"] = model;
    files[dev + "/rev"] = "G350\n";
    links[dev] = "../../../devices/platform/host2/target2:0:0/" + hctl;
    files["/sys/class/scsi_generic/" + sg + "/dev"] = "21:0\n";
  }
};

std::string Vpd80(const std::string& serial) {
  std::string p = {'\x01', '\x80', '\x00', static_cast<char>(serial.size())};
  return p + serial;
}

TEST(SgDiscovery, FindsChangersAndTapesWithSerialsAndNstNodes) {
  FakeScsiOs os;
  os.AddSg("sg0", "0", "ATA     ", "DISK", "0:0:0:0");  // a disk: skipped
  os.AddSg("sg2", "8", "STK     ", "L700            \n", "2:0:0:3");
  os.files["/sys/class/scsi_generic/sg2/device/vpd_pg80"] = Vpd80("                          CHG0000001");
  os.AddSg("sg1", "1", "IBM     ", "ULT3580-TD6     ", "2:0:0:1");
  os.files["/sys/class/scsi_generic/sg1/device/vpd_pg80"] = Vpd80("DRV0000001");
  for (const char* n : {"st0", "st0a", "st0l", "st0m", "nst0", "nst0a", "nst0l", "nst0m"}) {
    os.links[std::string("/sys/class/scsi_generic/sg1/device/scsi_tape/") + n] = "../../../../class/scsi_tape";
  }
  // sg10: a tape with no cached VPD page and the old sysfs layout.
  os.AddSg("sg10", "1", "HP", "Ultrium 6-SCSI", "3:0:1:0");
  os.links["/sys/class/scsi_generic/sg10/device/scsi_tape:st7"] = "x";
  os.links["/sys/class/scsi_generic/sg10/device/scsi_tape:nst7"] = "x";
  os.files["/sys/class/scsi_generic/notsg/device/type"] = "8";

  auto r = DiscoverSgDevices(&os);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  const SgDevice& tape = (*r)[0];
  EXPECT_EQ(tape.name, "sg1");
  EXPECT_EQ(tape.sg_path, "/dev/sg1");
  EXPECT_EQ(tape.peripheral_type, kPeripheralTape);
  EXPECT_EQ(tape.vendor, "IBM");
  EXPECT_EQ(tape.model, "ULT3580-TD6");
  EXPECT_EQ(tape.revision, "G350");
  EXPECT_EQ(tape.serial, "DRV0000001");
  EXPECT_EQ(tape.tape_path, "/dev/nst0");
  EXPECT_EQ(tape.hctl, "2:0:0:1");
  const SgDevice& changer = (*r)[1];
  EXPECT_EQ(changer.name, "sg2");
  EXPECT_EQ(changer.peripheral_type, kPeripheralChanger);
  EXPECT_EQ(changer.model, "L700");
  EXPECT_EQ(changer.serial, "CHG0000001") << "tgt pads the serial with spaces";
  EXPECT_EQ(changer.tape_path, "");
  const SgDevice& old = (*r)[2];
  EXPECT_EQ(old.name, "sg10") << "sorted by number, not by name";
  EXPECT_EQ(old.serial, "") << "no vpd_pg80: the caller asks with INQUIRY";
  EXPECT_EQ(old.tape_path, "/dev/nst7");
}

TEST(SgDiscovery, NoScsiLayerIsAnEmptyList) {
  FakeScsiOs os;
  auto r = DiscoverSgDevices(&os);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(SgDiscovery, HonoursRoots) {
  FakeScsiOs os;
  os.files["/fake/sys/class/scsi_generic/sg4/device/type"] = "8";
  auto r = DiscoverSgDevices(&os, {"/fake/sys", "/fake/dev"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].sg_path, "/fake/dev/sg4");
  EXPECT_EQ((*r)[0].vendor, "");
}

TEST(SgDiscovery, VpdPage80Parsing) {
  EXPECT_EQ(SerialFromVpdPage80(Vpd80("  ABC  ")), "ABC");
  EXPECT_EQ(SerialFromVpdPage80(""), "");
  EXPECT_EQ(SerialFromVpdPage80(std::string("\x01\x83\x00\x02XY", 6)), "") << "wrong page";
  EXPECT_EQ(SerialFromVpdPage80(std::string("\x01\x80\x00\x40XY", 6)), "XY") << "length clamped";
}

// The drive's SCSI address in GetNtmsObjectInformation (ScsiPort:ScsiBus:ScsiTarget:ScsiLun).
TEST(SgDiscovery, HctlParsing) {
  EXPECT_EQ(ParseHctl("2:0:0:1"), (ScsiAddress{2, 0, 0, 1}));
  EXPECT_EQ(ParseHctl("12:3:45:678"), (ScsiAddress{12, 3, 45, 678}));
  for (const char* bad :
       {"", "2:0:0", "2:0:0:1:5", "2:0::1", "2:0:0:", ":0:0:1", "2:x:0:1", "2:0:0:-1", "2:0:0:1234567890"})
    EXPECT_EQ(ParseHctl(bad), ScsiAddress{}) << bad;
}

class SgTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    os_.nodes.insert("/dev/sg1");
    os_.versions["/dev/sg1"] = 30536;
    auto t = SgTransport::Open(&os_, "/dev/sg1");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    t_ = std::move(t).value();
  }
  void TearDown() override {
    t_.reset();
    EXPECT_TRUE(os_.open_fds.empty()) << "the transport closes its fd";
    EXPECT_TRUE(os_.sg_io.empty()) << "scripted SG_IO answers left over";
  }
  FakeScsiOs os_;
  std::unique_ptr<SgTransport> t_;
};

TEST_F(SgTransportTest, DataInCommandFillsTheHeaderAndReturnsData) {
  const uint8_t inquiry[6] = {0x12, 0, 0, 0, 96, 0};
  os_.sg_io.push_back([&](sg_io_hdr_t* h) {
    EXPECT_EQ(h->interface_id, 'S');
    EXPECT_EQ(h->dxfer_direction, SG_DXFER_FROM_DEV);
    EXPECT_EQ(h->cmd_len, 6);
    EXPECT_EQ(std::memcmp(h->cmdp, inquiry, 6), 0);
    EXPECT_EQ(h->dxfer_len, 96u);
    EXPECT_EQ(h->timeout, 5000u);
    EXPECT_GE(h->mx_sb_len, 252);
    EXPECT_NE(h->sbp, nullptr);
    auto* d = static_cast<uint8_t*>(h->dxferp);
    d[0] = 0x08;
    std::memcpy(d + 8, "STK     ", 8);
    h->resid = 96 - 40;
    h->status = 0;
    return 0;
  });
  std::vector<uint8_t> buf(96, 0xEE);
  auto r = t_->Execute(ScsiCommand::In(inquiry, buf, milliseconds(5000)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->good());
  EXPECT_EQ(r->transferred, 40u);
  EXPECT_EQ(r->residual, 56);
  EXPECT_TRUE(r->sense.empty());
  EXPECT_EQ(buf[0], 0x08);
  EXPECT_EQ(std::string(buf.begin() + 8, buf.begin() + 16), "STK     ");
  EXPECT_EQ(t_->Describe(), "/dev/sg1");
}

TEST_F(SgTransportTest, DataOutAndNoDataDirections) {
  const uint8_t write6[6] = {0x0A, 0, 0, 0, 4, 0};
  const uint8_t payload[4] = {1, 2, 3, 4};
  os_.sg_io.push_back([&](sg_io_hdr_t* h) {
    EXPECT_EQ(h->dxfer_direction, SG_DXFER_TO_DEV);
    EXPECT_EQ(h->dxfer_len, 4u);
    EXPECT_EQ(std::memcmp(h->dxferp, payload, 4), 0);
    return 0;
  });
  auto r = t_->Execute(ScsiCommand::Out(write6, payload, milliseconds(1000)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->transferred, 4u);

  const uint8_t move[12] = {0xA5, 0, 0, 1, 4, 0, 1, 0, 0, 0, 0, 0};
  os_.sg_io.push_back([&](sg_io_hdr_t* h) {
    EXPECT_EQ(h->dxfer_direction, SG_DXFER_NONE);
    EXPECT_EQ(h->dxfer_len, 0u);
    EXPECT_EQ(h->cmd_len, 12);
    EXPECT_EQ(h->timeout, 1u) << "sub-millisecond timeouts are rounded up, never 0";
    return 0;
  });
  ScsiCommand c = ScsiCommand::None(move, milliseconds(1));
  r = t_->Execute(c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->transferred, 0u);
}

TEST_F(SgTransportTest, CheckConditionReturnsRawSense) {
  const uint8_t move[12] = {0xA5, 0, 0, 1, 4, 4, 1, 1, 0, 0, 0, 0};
  const uint8_t sense[18] = {0x70, 0, 0x05, 0, 0, 0, 0, 0x0A, 0, 0, 0, 0, 0x3B, 0x0E, 0, 0, 0, 0};
  os_.sg_io.push_back([&](sg_io_hdr_t* h) {
    h->status = 0x02;
    h->masked_status = 0x01;
    h->driver_status = 0x08;  // DRIVER_SENSE
    std::memcpy(h->sbp, sense, sizeof sense);
    h->sb_len_wr = sizeof sense;
    return 0;
  });
  auto r = t_->Execute(ScsiCommand::None(move, milliseconds(60000)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->check_condition());
  ASSERT_EQ(r->sense.size(), 18u);
  EXPECT_EQ(r->sense[12], 0x3B);
  EXPECT_EQ(r->sense[13], 0x0E);
}

TEST_F(SgTransportTest, BusyAndReservationConflictAreStatusesNotErrors) {
  const uint8_t tur[6] = {};
  for (uint8_t st : {scsi_status::kBusy, scsi_status::kReservationConflict}) {
    os_.sg_io.push_back([st](sg_io_hdr_t* h) {
      h->status = st;
      return 0;
    });
    auto r = t_->Execute(ScsiCommand::None(tur, milliseconds(1000)));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, st);
  }
}

TEST_F(SgTransportTest, TimeoutsAreErrorTimeout) {
  const uint8_t tur[6] = {};
  os_.sg_io.push_back([](sg_io_hdr_t* h) {
    h->host_status = 0x03;  // DID_TIME_OUT
    return 0;
  });
  auto r = t_->Execute(ScsiCommand::None(tur, milliseconds(1000)));
  EXPECT_EQ(r.status().code(), err::kTimeout) << r.status().ToString();
  os_.sg_io.push_back([](sg_io_hdr_t* h) {
    h->driver_status = 0x06;  // DRIVER_TIMEOUT
    return 0;
  });
  r = t_->Execute(ScsiCommand::None(tur, milliseconds(1000)));
  EXPECT_EQ(r.status().code(), err::kTimeout);
}

TEST_F(SgTransportTest, TransientHostErrorsAreRetriedOnce) {
  const uint8_t tur[6] = {};
  os_.sg_io.push_back([](sg_io_hdr_t* h) {
    h->host_status = 0x08;  // DID_RESET
    return 0;
  });
  os_.sg_io.push_back([](sg_io_hdr_t*) { return 0; });
  auto r = t_->Execute(ScsiCommand::None(tur, milliseconds(1000)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->good());
  EXPECT_EQ(os_.sg_io_calls, 2);

  for (int i = 0; i < 2; ++i) {
    os_.sg_io.push_back([](sg_io_hdr_t* h) {
      h->host_status = 0x02;  // DID_BUS_BUSY, twice
      return 0;
    });
  }
  r = t_->Execute(ScsiCommand::None(tur, milliseconds(1000)));
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable);
  EXPECT_NE(r.status().message().find("DID_BUS_BUSY"), std::string::npos) << r.status().message();
}

TEST_F(SgTransportTest, LostDevicesAreDeviceNotAvailable) {
  const uint8_t tur[6] = {};
  os_.sg_io.push_back([](sg_io_hdr_t* h) {
    h->host_status = 0x01;  // DID_NO_CONNECT: not retried
    return 0;
  });
  auto r = t_->Execute(ScsiCommand::None(tur, milliseconds(1000)));
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable);
  EXPECT_NE(r.status().message().find("DID_NO_CONNECT"), std::string::npos);
  EXPECT_NE(r.status().message().find("/dev/sg1"), std::string::npos);

  os_.sg_io.push_back([](sg_io_hdr_t*) { return -ENODEV; });
  r = t_->Execute(ScsiCommand::None(tur, milliseconds(1000)));
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable);

  os_.sg_io.push_back([](sg_io_hdr_t* h) {
    h->driver_status = 0x04;  // DRIVER_ERROR, nothing else
    return 0;
  });
  r = t_->Execute(ScsiCommand::None(tur, milliseconds(1000)));
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable);

  os_.sg_io.push_back([](sg_io_hdr_t*) { return -ENOMEM; });
  r = t_->Execute(ScsiCommand::None(tur, milliseconds(1000)));
  EXPECT_EQ(r.status().code(), err::kNotEnoughMemory);
}

TEST_F(SgTransportTest, MalformedCommandsNeverReachTheKernel) {
  const uint8_t cdb3[3] = {};
  EXPECT_EQ(t_->Execute(ScsiCommand::None(cdb3, milliseconds(1000))).status().code(), err::kInvalidParameter);
  EXPECT_EQ(os_.sg_io_calls, 0);
}

TEST(SgTransportOpen, MapsOpenErrorsAndRejectsNonSgNodes) {
  FakeScsiOs os;
  auto r = SgTransport::Open(&os, "/dev/sg9");
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable);
  os.open_errors["/dev/sg9"] = EACCES;
  EXPECT_EQ(SgTransport::Open(&os, "/dev/sg9").status().code(), err::kAccessDenied);
  os.open_errors["/dev/sg9"] = EBUSY;
  EXPECT_EQ(SgTransport::Open(&os, "/dev/sg9").status().code(), err::kBusy);
  os.nodes.insert("/dev/st0");  // opens, but SG_GET_VERSION_NUM fails
  r = SgTransport::Open(&os, "/dev/st0");
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable);
  EXPECT_NE(r.status().message().find("not an sg device"), std::string::npos);
  EXPECT_TRUE(os.open_fds.empty()) << "the fd is closed again";
}

}  // namespace
}  // namespace openrsm::devices::scsi
