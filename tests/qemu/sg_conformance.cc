// sg_conformance: a focused MountNtmsMedia / DismountNtmsDrive /
// DismountNtmsMedia suite for a `kind = "sg"` library, run inside the QEMU
// guest (tests/qemu/guest/sg-conformance.sh starts rsmd and sets RSM_SOCKET).
//
// The client side is the public C API only (ntmsapi.h). After every step the
// catalogue (EnumerateNtmsObject / GetNtmsObjectInformation: which cartridge,
// by barcode, is in which slot, drive or port) is compared with what an
// independent client, `mtx -f /dev/sgN status`, reads from the changer, and
// each drive's /dev/nst node (found through sysfs by the drive's serial, not
// through rsmd) is asked with MTIOCGET whether it holds a tape.
//
// The steps depend on each other and run in declaration order (no shuffle):
//   1 start-up inventory          5 DismountNtmsDrive -> home slot
//   2 mount T00001L6              6 DismountNtmsDrive, empty drive
//   3 mount T00002L6 (other drive) 7 DismountNtmsDrive, PREVENT held through st
//   4 mount with all drives full  8 DismountNtmsMedia -> home slot, all as at start
//   9 the stand-alone sg library (a drive chosen by serial): the cartridge
//     catalogued in it is there for st too; DismountNtmsDrive -> dismountable
//
// Environment: RSM_SOCKET (rsmd's socket), SG_LIBRARY (the library's name,
// default "lib1"), SG_CHANGER (the changer's /dev/sgN; default: the one
// sg node whose sysfs device type is 8).
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <sys/mtio.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ntmsapi.h"

namespace {

using Clock = std::chrono::steady_clock;
using View = std::map<std::string, std::string>;  // "slot:0" -> barcode ("" = unlabeled)

int64_t MillisSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}
std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}
std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
std::string Trim(std::string s) {
  auto keep = [](char c) { return c != ' ' && c != '\n' && c != '\t' && c != '\0'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), keep));
  s.erase(std::find_if(s.rbegin(), s.rend(), keep).base(), s.end());
  return s;
}
std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> v;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') v.push_back(e->d_name);
    closedir(d);
  }
  std::sort(v.begin(), v.end());
  return v;
}

// ---- the kernel's view, without rsmd ----------------------------------------------

std::string FindChanger() {
  std::string env = Env("SG_CHANGER", "");
  if (!env.empty()) return env;
  std::string found;
  for (const auto& sg : ListDir("/sys/class/scsi_generic"))
    if (Trim(ReadFile("/sys/class/scsi_generic/" + sg + "/device/type")) == "8") {
      if (!found.empty()) return "";  // more than one: ambiguous
      found = "/dev/" + sg;
    }
  return found;
}

// The non-rewinding tape node of the tape drive whose VPD 0x80 serial (as the
// kernel cached it in sysfs) is `serial`; "" when there is none.
std::string NstForSerial(const std::string& serial) {
  for (const auto& n : ListDir("/sys/class/scsi_tape")) {
    // nstN only (not stN, nstNa, nstNl, ...)
    if (n.size() < 4 || n.compare(0, 3, "nst") != 0 ||
        !std::all_of(n.begin() + 3, n.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    std::string page = ReadFile("/sys/class/scsi_tape/" + n + "/device/vpd_pg80");
    if (page.size() > 4 && Trim(page.substr(4)) == serial) return "/dev/" + n;
  }
  return "";
}

// MTIOCGET through st: 1 = a tape is loaded (online), 0 = no tape, -1 = error.
int StHasTape(const std::string& nst, std::string* why) {
  int fd = open(nst.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *why = nst + ": open: " + strerror(errno);
    return -1;
  }
  mtget g{};
  int rc = ioctl(fd, MTIOCGET, &g);
  int err = errno;
  close(fd);
  if (rc != 0) {
    *why = nst + ": MTIOCGET: " + strerror(err);
    return -1;
  }
  return GMT_ONLINE(g.mt_gstat) ? 1 : 0;
}

std::string Run(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int st = pclose(f);
  if (status) *status = st;
  return out;
}

// `mtx -f CHG status` -> View: drives from 0 (mtx's numbering), slots from 0
// (mtx's slot N = catalogue slot N-1), import/export ports from 0 in the
// order mtx lists them. Sets *raw to mtx's output.
View MtxView(const std::string& changer, std::string* raw) {
  int st = 0;
  *raw = Run("mtx -f " + changer + " status 2>&1", &st);
  View v;
  if (st != 0) {
    ADD_FAILURE() << "mtx status failed (" << st << "):\n" << *raw;
    return v;
  }
  int slot = 0, port = 0;
  std::istringstream in(*raw);
  std::string line;
  while (std::getline(in, line)) {
    std::string key;
    size_t at;
    if ((at = line.find("Data Transfer Element ")) != std::string::npos) {
      key = "drive:" + std::to_string(std::atoi(line.c_str() + at + 22));
    } else if (line.find("Storage Element ") != std::string::npos) {
      key = line.find("IMPORT/EXPORT") != std::string::npos ? "ieport:" + std::to_string(port++)
                                                            : "slot:" + std::to_string(slot++);
    } else {
      continue;
    }
    if (line.find(":Full") == std::string::npos) continue;
    std::string tag;
    if ((at = line.find("VolumeTag")) != std::string::npos) {
      at = line.find('=', at);
      if (at != std::string::npos) tag = Trim(line.substr(at + 1));
    }
    v[key] = tag;
  }
  if (slot == 0) ADD_FAILURE() << "mtx listed no storage elements:\n" << *raw;
  return v;
}

std::string Show(const View& v) {
  std::string s;
  for (const auto& [k, b] : v) s += " " + k + "=" + (b.empty() ? "(unlabeled)" : b);
  return s;
}

// ---- the catalogue's view, through the C API ------------------------------------------

std::string GuidText(const NTMS_GUID& g) {
  char buf[64];
  snprintf(buf, sizeof buf, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", g.Data1, g.Data2, g.Data3, g.Data4[0],
           g.Data4[1], g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
  return buf;
}
bool SameGuid(const NTMS_GUID& a, const NTMS_GUID& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::vector<NTMS_GUID> List(HANDLE h, const NTMS_GUID* container, DWORD type) {
  DWORD n = 0;
  DWORD rc = EnumerateNtmsObject(h, const_cast<NTMS_GUID*>(container), nullptr, &n, type, 0);
  if (rc == ERROR_SUCCESS) return {};
  EXPECT_EQ(rc, DWORD(ERROR_INSUFFICIENT_BUFFER));
  std::vector<NTMS_GUID> v;
  for (int attempt = 0; attempt < 20; ++attempt) {  // the list may grow between the calls
    v.assign(n, NTMS_GUID{});
    rc = EnumerateNtmsObject(h, const_cast<NTMS_GUID*>(container), v.data(), &n, type, 0);
    if (rc != ERROR_INSUFFICIENT_BUFFER) break;
  }
  EXPECT_EQ(rc, DWORD(ERROR_SUCCESS));
  v.resize(rc == ERROR_SUCCESS ? n : 0);
  return v;
}

NTMS_OBJECTINFORMATIONA Info(HANDLE h, const NTMS_GUID& id) {
  NTMS_OBJECTINFORMATIONA info;
  std::memset(&info, 0, sizeof info);
  info.dwSize = sizeof info;
  NTMS_GUID copy = id;
  EXPECT_EQ(GetNtmsObjectInformationA(h, &copy, &info), DWORD(ERROR_SUCCESS))
      << "GetNtmsObjectInformationA " << GuidText(id);
  return info;
}

View CatalogueView(HANDLE h, const NTMS_GUID& lib) {
  View v;
  for (const auto& id : List(h, &lib, NTMS_PHYSICAL_MEDIA)) {
    auto m = Info(h, id).Info.PhysicalMedia;
    std::string where;
    if (m.LocationType == NTMS_STORAGESLOT)
      where = "slot:" + std::to_string(Info(h, m.Location).Info.StorageSlot.Number);
    else if (m.LocationType == NTMS_DRIVE)
      where = "drive:" + std::to_string(Info(h, m.Location).Info.Drive.Number);
    else if (m.LocationType == NTMS_IEPORT)
      where = "ieport:" + std::to_string(Info(h, m.Location).Info.IEPort.Number);
    else
      where = "nowhere(" + std::to_string(m.LocationType) + "):" + GuidText(id);
    if (v.count(where)) ADD_FAILURE() << "catalogue: two cartridges in " << where;
    v[where] = m.szBarCode;
  }
  return v;
}

// The catalogue's state fields, for "nothing changed" checks (failed calls).
std::string Snapshot(HANDLE h, const NTMS_GUID& lib) {
  std::ostringstream s;
  for (const auto& id : List(h, &lib, NTMS_DRIVE)) {
    auto i = Info(h, id);
    s << "drive " << i.Info.Drive.Number << " state=" << i.Info.Drive.State << " enabled=" << i.Enabled << "\n";
  }
  for (const auto& id : List(h, &lib, NTMS_STORAGESLOT)) {
    auto i = Info(h, id);
    s << "slot " << i.Info.StorageSlot.Number << " state=" << i.Info.StorageSlot.State << "\n";
  }
  for (const auto& id : List(h, &lib, NTMS_PHYSICAL_MEDIA)) {
    auto i = Info(h, id);
    s << "media " << i.Info.PhysicalMedia.szBarCode << " loc=" << GuidText(i.Info.PhysicalMedia.Location)
      << " type=" << i.Info.PhysicalMedia.LocationType << " state=" << i.Info.PhysicalMedia.MediaState << "\n";
  }
  s << "requests=" << List(h, &lib, NTMS_LIBREQUEST).size() << "\n";
  return s.str();
}

// ---- shared state of the ordered steps ---------------------------------------------

struct Suite {
  HANDLE h = INVALID_HANDLE_VALUE;
  NTMS_GUID lib{};
  std::string changer;
  std::vector<NTMS_GUID> drives;     // enabled drives, by number
  std::map<DWORD, std::string> nst;  // drive number -> /dev/nstN (sysfs, by serial)
  View initial;                      // mtx at start-up
  NTMS_GUID drive1{}, drive2{};      // where T00001L6 / T00002L6 were mounted
  NTMS_GUID home1{}, home2{};        // their home slots
};
Suite S;

NTMS_GUID MediaByBarcode(const std::string& barcode) {
  for (const auto& id : List(S.h, &S.lib, NTMS_PHYSICAL_MEDIA))
    if (barcode == Info(S.h, id).Info.PhysicalMedia.szBarCode) return id;
  ADD_FAILURE() << "no media with barcode " << barcode;
  return NTMS_GUID{};
}

// Catalogue == mtx; each enabled drive's nst node holds a tape iff mtx says the
// drive is full (skip_st: a drive whose node this step holds open). Returns mtx's view.
View Agree(const std::string& step, int skip_st = -1) {
  std::string raw;
  View dev = MtxView(S.changer, &raw);
  View cat = CatalogueView(S.h, S.lib);
  std::printf("[%s] mtx:%s\n", step.c_str(), Show(dev).c_str());
  EXPECT_EQ(Show(cat), Show(dev)) << step << ": catalogue (left) and mtx (right) disagree; mtx said:\n" << raw;
  for (const auto& [n, node] : S.nst) {
    if (int(n) == skip_st) continue;
    std::string why;
    int has = StHasTape(node, &why);
    EXPECT_GE(has, 0) << step << ": " << why;
    if (has >= 0) {
      EXPECT_EQ(has == 1, dev.count("drive:" + std::to_string(n)) == 1)
          << step << ": " << node << " (drive " << n << ") " << (has ? "has a tape" : "has no tape")
          << ", mtx disagrees";
    }
  }
  return dev;
}

DWORD Mount(const NTMS_GUID& media, NTMS_GUID* drive, DWORD options, DWORD timeout) {
  NTMS_GUID m = media;
  return MountNtmsMedia(S.h, &m, drive, 1, options, NTMS_PRIORITY_NORMAL, timeout, nullptr);
}

void WaitIdle() {
  for (int i = 0; i < 600; ++i) {
    bool busy = false;
    for (const auto& id : List(S.h, &S.lib, NTMS_LIBREQUEST)) {
      DWORD s = Info(S.h, id).Info.LibRequest.State;
      if (s == NTMS_LM_QUEUED || s == NTMS_LM_INPROCESS || s == NTMS_LM_WAITING) busy = true;
    }
    if (!busy) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "the library did not become idle in 30 s";
}

// Mount timeout: generous, the guest is TCG-emulated.
constexpr DWORD kMountTimeout = 60000;

// ---- the steps ------------------------------------------------------------------------

TEST(SgConformance, Step1_StartupInventoryAgreesWithMtx) {
  S.changer = FindChanger();
  ASSERT_FALSE(S.changer.empty()) << "no (single) medium changer in /sys/class/scsi_generic";
  // rsmd inventories the library before it serves: wait for the session.
  auto t0 = Clock::now();
  while ((S.h = OpenNtmsSessionA(nullptr, "sgconformance", 0)) == INVALID_HANDLE_VALUE && MillisSince(t0) < 120000)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_NE(S.h, INVALID_HANDLE_VALUE) << "OpenNtmsSessionA: " << OpenRsmGetLastError();
  std::printf("session after %lld ms\n", static_cast<long long>(MillisSince(t0)));
  std::string name = Env("SG_LIBRARY", "lib1");
  bool found = false;
  for (const auto& id : List(S.h, nullptr, NTMS_LIBRARY))
    if (name == Info(S.h, id).szName) {
      S.lib = id;
      found = true;
    }
  ASSERT_TRUE(found) << "no library " << name;
  auto li = Info(S.h, S.lib);
  ASSERT_EQ(li.dwOperationalState, DWORD(NTMS_READY)) << "library " << name << " is not ready";
  // The vtl changer has 3 drive elements; DTE 258 has no drive behind it (disabled).
  auto all = List(S.h, &S.lib, NTMS_DRIVE);
  EXPECT_EQ(all.size(), 3u);
  for (const auto& d : all) {
    auto i = Info(S.h, d);
    std::printf("drive %u enabled=%d serial=%s device=%s\n", unsigned(i.Info.Drive.Number), int(i.Enabled),
                i.Info.Drive.szSerialNumber, i.Info.Drive.szDeviceName);
    if (!i.Enabled) continue;
    S.drives.push_back(d);
    // rsmd found the drive through sysfs; so do we, by its serial.
    std::string node = NstForSerial(i.Info.Drive.szSerialNumber);
    EXPECT_FALSE(node.empty()) << "no /dev/nst node with serial " << i.Info.Drive.szSerialNumber;
    EXPECT_EQ(std::string(i.Info.Drive.szDeviceName), node) << "drive " << i.Info.Drive.Number;
    if (!node.empty()) S.nst[i.Info.Drive.Number] = node;
  }
  std::sort(S.drives.begin(), S.drives.end(), [](const NTMS_GUID& a, const NTMS_GUID& b) {
    return Info(S.h, a).Info.Drive.Number < Info(S.h, b).Info.Drive.Number;
  });
  ASSERT_EQ(S.drives.size(), 2u);
  EXPECT_STREQ(Info(S.h, S.drives[0]).Info.Drive.szSerialNumber, "DRV0000001");
  EXPECT_STREQ(Info(S.h, S.drives[1]).Info.Drive.szSerialNumber, "DRV0000002");
  S.initial = Agree("start-up");
  EXPECT_EQ(S.initial.size(), 12u) << "vtl.sh puts 12 cartridges in the slots";
  EXPECT_EQ(S.initial["slot:0"], "T00001L6");
  EXPECT_EQ(S.initial["slot:1"], "T00002L6");
}

TEST(SgConformance, Step2_MountFirstCartridge) {
  ASSERT_EQ(S.drives.size(), 2u);
  NTMS_GUID media = MediaByBarcode("T00001L6");
  S.home1 = Info(S.h, media).Info.PhysicalMedia.Location;
  NTMS_GUID drive{};
  auto t0 = Clock::now();
  ASSERT_EQ(Mount(media, &drive, NTMS_MOUNT_READ, kMountTimeout), DWORD(ERROR_SUCCESS));
  std::printf("mount took %lld ms\n", static_cast<long long>(MillisSince(t0)));
  S.drive1 = drive;
  auto di = Info(S.h, drive).Info.Drive;
  EXPECT_EQ(di.State, DWORD(NTMS_DRIVESTATE_LOADED));
  auto mi = Info(S.h, media).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_TRUE(SameGuid(mi.Location, drive));
  View dev = Agree("mount T00001L6");
  EXPECT_EQ(dev["drive:" + std::to_string(di.Number)], "T00001L6") << "mtx: not in the drive rsmd named";
  EXPECT_EQ(dev.count("slot:0"), 0u) << "mtx: its slot is not empty";
}

TEST(SgConformance, Step3_MountSecondCartridgeIntoTheOtherDrive) {
  ASSERT_EQ(S.drives.size(), 2u);
  NTMS_GUID media = MediaByBarcode("T00002L6");
  S.home2 = Info(S.h, media).Info.PhysicalMedia.Location;
  NTMS_GUID drive{};
  ASSERT_EQ(Mount(media, &drive, NTMS_MOUNT_READ, kMountTimeout), DWORD(ERROR_SUCCESS));
  S.drive2 = drive;
  EXPECT_FALSE(SameGuid(S.drive1, S.drive2)) << "the other drive holds T00001L6";
  auto di = Info(S.h, drive).Info.Drive;
  EXPECT_EQ(di.State, DWORD(NTMS_DRIVESTATE_LOADED));
  View dev = Agree("mount T00002L6");
  EXPECT_EQ(dev["drive:" + std::to_string(di.Number)], "T00002L6");
  EXPECT_EQ(dev["drive:" + std::to_string(Info(S.h, S.drive1).Info.Drive.Number)], "T00001L6");
}

TEST(SgConformance, Step4_MountWhenAllDrivesFullIsBusy) {
  ASSERT_EQ(S.drives.size(), 2u);
  std::string before = Snapshot(S.h, S.lib);
  NTMS_GUID media = MediaByBarcode("T00003L6"), drive{};
  auto t0 = Clock::now();
  // A long dwTimeout, so "did not wait for it" holds on a loaded, emulated guest too.
  EXPECT_EQ(Mount(media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 30000), DWORD(ERROR_BUSY));
  EXPECT_LT(MillisSince(t0), 10000) << "NTMS_MOUNT_ERROR_NOT_AVAILABLE must not wait";
  t0 = Clock::now();
  EXPECT_EQ(Mount(media, &drive, NTMS_MOUNT_READ, 300), DWORD(ERROR_BUSY)) << "after the timeout";
  EXPECT_GE(MillisSince(t0), 280) << "it must wait up to dwTimeout for a drive";
  // The mount that waited was a library request (queued, then cancelled at
  // dwTimeout); nothing else changed.
  auto no_requests = [](const std::string& s) { return s.substr(0, s.find("requests=")); };
  EXPECT_EQ(no_requests(Snapshot(S.h, S.lib)), no_requests(before));
  Agree("mount, all drives full");
}

TEST(SgConformance, Step5_DismountDriveReturnsTheCartridgeHome) {
  NTMS_GUID drive = S.drive1, media = MediaByBarcode("T00001L6");
  ASSERT_EQ(DismountNtmsDrive(S.h, &drive), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Info(S.h, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTED));
  auto mi = Info(S.h, media).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_TRUE(SameGuid(mi.Location, S.home1)) << "not back in its home slot";
  View dev = Agree("dismount drive");
  EXPECT_EQ(dev["slot:0"], "T00001L6") << "mtx: not back in slot 1";
  EXPECT_EQ(dev.count("drive:" + std::to_string(Info(S.h, drive).Info.Drive.Number)), 0u);
}

TEST(SgConformance, Step6_DismountEmptyDriveIsInvalidState) {
  NTMS_GUID drive = S.drive1;
  std::string before = Snapshot(S.h, S.lib);
  std::string raw;
  View dev_before = MtxView(S.changer, &raw);
  EXPECT_EQ(DismountNtmsDrive(S.h, &drive), DWORD(ERROR_INVALID_STATE));
  EXPECT_EQ(Snapshot(S.h, S.lib), before);
  EXPECT_EQ(Show(Agree("dismount empty drive")), Show(dev_before)) << "something moved";
}

TEST(SgConformance, Step7_DismountDriveWithRemovalPreventedIsInvalidState) {
  NTMS_GUID drive = S.drive2;
  DWORD number = Info(S.h, drive).Info.Drive.Number;
  ASSERT_TRUE(S.nst.count(number));
  const std::string node = S.nst[number];
  // Another local application has the tape open and locked: st's MTLOCK sends
  // PREVENT MEDIUM REMOVAL to the drive. The fd stays open while rsmd tries.
  int fd = open(node.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(fd, 0) << node << ": " << strerror(errno);
  mtop lock{MTLOCK, 1};
  ASSERT_EQ(ioctl(fd, MTIOCTOP, &lock), 0) << node << " MTLOCK: " << strerror(errno);
  std::string raw;
  View dev_before = MtxView(S.changer, &raw);
  EXPECT_EQ(DismountNtmsDrive(S.h, &drive), DWORD(ERROR_INVALID_STATE));
  // Nothing moved, in either view.
  EXPECT_EQ(Info(S.h, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_LOADED));
  auto mi = Info(S.h, MediaByBarcode("T00002L6")).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_TRUE(SameGuid(mi.Location, drive));
  View dev = Agree("dismount drive, removal prevented", int(number));
  EXPECT_EQ(Show(dev), Show(dev_before)) << "something moved";
  EXPECT_EQ(dev["drive:" + std::to_string(number)], "T00002L6");
  mtop unlock{MTUNLOCK, 1};
  EXPECT_EQ(ioctl(fd, MTIOCTOP, &unlock), 0) << node << " MTUNLOCK: " << strerror(errno);
  close(fd);
  Agree("removal allowed again");
}

TEST(SgConformance, Step8_DismountMediaReturnsTheCartridgeHome) {
  NTMS_GUID media = MediaByBarcode("T00002L6");
  ASSERT_EQ(DismountNtmsMedia(S.h, &media, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  WaitIdle();  // the call returns once the dismount is queued
  EXPECT_EQ(Info(S.h, S.drive2).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTED));
  auto mi = Info(S.h, media).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_TRUE(SameGuid(mi.Location, S.home2)) << "not back in its home slot";
  View dev = Agree("dismount media (final)");
  EXPECT_EQ(Show(dev), Show(S.initial)) << "the library is not as it was at start-up";
}

// The stand-alone sg library: one tape drive chosen by `drive_serial` (the
// solo target's DRV0000003, which vtl.sh starts with S00001L6 loaded).
TEST(SgConformance, Step9_StandaloneDrive) {
  NTMS_GUID solo{};
  bool found = false;
  for (const auto& id : List(S.h, nullptr, NTMS_LIBRARY))
    if (std::string("solo") == Info(S.h, id).szName) {
      solo = id;
      found = true;
    }
  ASSERT_TRUE(found) << "no library solo";
  ASSERT_EQ(Info(S.h, solo).dwOperationalState, DWORD(NTMS_READY));
  auto drives = List(S.h, &solo, NTMS_DRIVE);
  ASSERT_EQ(drives.size(), 1u);
  NTMS_GUID drive = drives[0];
  auto di = Info(S.h, drive).Info.Drive;
  EXPECT_STREQ(di.szSerialNumber, "DRV0000003");
  std::string node = NstForSerial("DRV0000003");
  ASSERT_FALSE(node.empty()) << "no /dev/nst node with serial DRV0000003";
  EXPECT_EQ(std::string(di.szDeviceName), node);
  auto media = List(S.h, &solo, NTMS_PHYSICAL_MEDIA);
  ASSERT_EQ(media.size(), 1u);
  auto mi = Info(S.h, media[0]).Info.PhysicalMedia;
  // (No barcode: without a changer nothing reads the label; tgt has no MAM.)
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_TRUE(SameGuid(mi.Location, drive));
  std::string why;
  EXPECT_EQ(StHasTape(node, &why), 1) << node << ": the catalogue has a cartridge in it, st sees no tape " << why;
  // No robot: dismounting leaves the cartridge for an operator.
  ASSERT_EQ(DismountNtmsDrive(S.h, &drive), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Info(S.h, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTABLE));
  mi = Info(S.h, media[0]).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_DRIVE)) << "the cartridge waits in the drive";
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::GTEST_FLAG(shuffle) = false;
  int rc = RUN_ALL_TESTS();
  if (S.h != INVALID_HANDLE_VALUE) CloseNtmsSession(S.h);
  return rc;
}
