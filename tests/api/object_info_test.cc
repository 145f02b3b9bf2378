// GetNtmsObjectInformation: the fields rsmd used to leave 0 although it knows
// them (issue 9, SDK departure 9), through the public C API against a running
// rsmd: a drive's firmware revision and SCSI address, dwDeferDismountDelay, a
// side's and a drive's mount counts, the media type's STORAGE_MEDIA_TYPE and
// device type, a library's current request count, and an IE port's
// position. The suite runs on the simulated library and, as ctest
// tgt.api.GetObjectInfo, against tgt, where the device's values (revision, LUN)
// are checked against an INQUIRY of our own (harness TgtDriveIdentities).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>
#include <set>
#include <string>
#include <thread>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

using namespace std::chrono_literals;

constexpr DWORD kLtoUltrium = 0x56;      // STORAGE_MEDIA_TYPE LTO_Ultrium (ntddstor.h)
constexpr DWORD kFileDeviceTape = 0x1f;  // FILE_DEVICE_TAPE (winioctl.h)

class GetObjectInfoTest : public DaemonTest {
 protected:
  DWORD CurrentRequests() { return Info(h_, lib_).Info.Library.dwNumberOfLibRequests; }
  // Polls (generous bound: CI has 2 loaded cores) until the library reports `n` current requests.
  bool WaitForCurrentRequests(DWORD n) {
    for (auto give_up = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < give_up;) {
      if (CurrentRequests() == n) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
};

TEST_F(GetObjectInfoTest, DriveRevisionAndScsiAddress) {
  for (const std::string library : {"sim0", "tape0"}) {
    auto drives = Drives(h_, library);
    ASSERT_FALSE(drives.empty()) << library;
    if (!TgtBackend()) {
      // The simulator's drives identify as revision 0001 (devices-sim.md)
      // and sit on no SCSI bus: the address is all 0.
      for (const auto& id : drives) {
        auto d = Info(h_, id).Info.Drive;
        EXPECT_STREQ(d.szRevision, "0001") << library << " drive " << d.Number;
        EXPECT_EQ(d.ScsiPort + d.ScsiBus + d.ScsiTarget + d.ScsiLun, 0) << library << " drive " << d.Number;
      }
      continue;
    }
    // tgt: each drive as its device answers an INQUIRY of ours, matched by serial.
    auto oracle = TgtDriveIdentities(library);
    ASSERT_EQ(oracle.size(), drives.size()) << library;
    for (const auto& id : drives) {
      auto d = Info(h_, id).Info.Drive;
      const DriveIdentityOracle* o = nullptr;
      for (const auto& x : oracle)
        if (x.serial == d.szSerialNumber) o = &x;
      ASSERT_NE(o, nullptr) << library << ": no device answers with serial " << d.szSerialNumber;
      EXPECT_EQ(o->revision, "G350") << "vtl.sh configures product_rev=G350";
      EXPECT_EQ(std::string(d.szRevision), o->revision) << library << " drive " << d.Number;
      // iSCSI: the URL's LUN; no host adapter, channel or target number.
      EXPECT_EQ(DWORD(d.ScsiLun), o->lun) << library << " drive " << d.Number;
      EXPECT_EQ(d.ScsiPort + d.ScsiBus + d.ScsiTarget, 0) << library << " drive " << d.Number;
    }
  }
}

TEST_F(GetObjectInfoTest, DeferDismountDelay) {
  // rsmd sets no timer on a deferred dismount: the cartridge stays until
  // something moves it (docs/compat.md), so the least time is INFINITE.
  for (const auto& id : drives_) EXPECT_EQ(Info(h_, id).Info.Drive.dwDeferDismountDelay, DWORD(INFINITE));
  // MS-RSMP: the member applies to drives of online libraries only.
  for (const auto& id : Drives(h_, "tape0")) EXPECT_EQ(Info(h_, id).Info.Drive.dwDeferDismountDelay, 0u);
}

TEST_F(GetObjectInfoTest, SideAndDriveMountCounts) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  NTMS_GUID side = SideOf(h_, media);
  EXPECT_EQ(Info(h_, side).Info.Partition.dwMountCount, 0u);
  NTMS_GUID first = MountBarcode("A00001L6");
  EXPECT_EQ(Info(h_, side).Info.Partition.dwMountCount, 1u);
  EXPECT_EQ(Info(h_, first).Info.Drive.dwMountCount, 1u);
  ASSERT_EQ(DismountNtmsMedia(h_, &media, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  // Loaded again (into the drive the test names, so the drive's count is known).
  NTMS_GUID drive = first;
  ASSERT_EQ(MountNtmsMedia(h_, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, nullptr),
            DWORD(ERROR_SUCCESS))
      << d_->log();
  EXPECT_EQ(Info(h_, side).Info.Partition.dwMountCount, 2u);
  EXPECT_EQ(Info(h_, first).Info.Drive.dwMountCount, 2u);
  // A mount in place (after a deferred dismount) loads nothing: no count moves.
  ASSERT_EQ(DismountNtmsMedia(h_, &media, 1, NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h_, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, nullptr),
            DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(drive, first));
  EXPECT_EQ(Info(h_, side).Info.Partition.dwMountCount, 2u);
  // Other sides were never mounted.
  EXPECT_EQ(Info(h_, SideOf(h_, MediaByBarcode(h_, "A00002L6"))).Info.Partition.dwMountCount, 0u);
}

TEST_F(GetObjectInfoTest, MediaTypeCodeAndDeviceType) {
  auto m = Info(h_, MediaByBarcode(h_, "A00002L6")).Info.PhysicalMedia;
  EXPECT_EQ(m.dwMediaTypeCode, kLtoUltrium);
  auto t = Info(h_, m.MediaType);
  ASSERT_EQ(t.dwType, DWORD(NTMS_MEDIA_TYPE));
  EXPECT_EQ(t.Info.MediaType.MediaType, kLtoUltrium);
  EXPECT_EQ(t.Info.MediaType.DeviceType, kFileDeviceTape);
  EXPECT_EQ(t.Info.MediaType.NumberOfSides, 1u);
}

TEST_F(GetObjectInfoTest, MediaTypeCodeOfAnOlderCatalogueIsFilledAtStart) {
  // A catalogue written before rsmd recorded the code has 0 there.
  CloseNtmsSession(h_);
  h_ = nullptr;
  d_->Stop();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(d_->catalog_path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE media_type SET media_type_code = 0", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_GT(sqlite3_changes(db), 0);
  sqlite3_close(db);
  d_->Start();
  h_ = Open();
  auto m = Info(h_, MediaByBarcode(h_, "A00002L6")).Info.PhysicalMedia;
  EXPECT_EQ(m.dwMediaTypeCode, kLtoUltrium);
  EXPECT_EQ(Info(h_, m.MediaType).Info.MediaType.MediaType, kLtoUltrium);
}

TEST_F(GetObjectInfoTest, LibraryCountsCurrentRequestsOnly) {
  EXPECT_EQ(CurrentRequests(), 0u);
  // Both drives held; their mounts have finished: still none is current,
  // though the library has finished requests.
  MountBarcode("A00001L6");
  MountBarcode("A00002L6");
  ASSERT_GE(Requests(h_, "sim0").size(), 2u);
  EXPECT_EQ(CurrentRequests(), 0u);
  // A third mount waits for a drive.
  HANDLE other = Another();
  NTMS_GUID third = MediaByBarcode(h_, "A00003L6");
  auto waiting = std::async(std::launch::async, [&] {
    NTMS_GUID drive = NullGuid();
    return MountNtmsMedia(other, &third, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 60000, nullptr);
  });
  EXPECT_TRUE(WaitForCurrentRequests(1)) << "the waiting mount is the one current request; now " << CurrentRequests();
  NTMS_GUID first = MediaByBarcode(h_, "A00001L6");
  ASSERT_EQ(DismountNtmsMedia(h_, &first, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(waiting.get(), DWORD(ERROR_SUCCESS)) << d_->log();
  WaitIdle(h_, "sim0");
  EXPECT_EQ(CurrentRequests(), 0u);
}

TEST_F(GetObjectInfoTest, IePortPosition) {
  auto ports = List(h_, &lib_, NTMS_IEPORT);
  ASSERT_EQ(ports.size(), 2u);
  // The simulator's mail slots are always closed to the operator (the robot
  // reaches them); tgt's changer does not report ACCESS, so the position is
  // unknown there (docs/compat.md).
  const DWORD want = TgtBackend() ? DWORD(NTMS_PORTPOSITION_UNKNOWN) : DWORD(NTMS_PORTPOSITION_RETRACTED);
  for (const auto& id : ports) {
    auto p = Info(h_, id).Info.IEPort;
    EXPECT_EQ(p.Position, want) << "port " << p.Number;
    EXPECT_EQ(p.Content, DWORD(NTMS_PORTCONTENT_EMPTY)) << "port " << p.Number;
  }
}

// NTMS_DRIVE_TYPE and NTMS_CHANGER_TYPE: one object per vendor and product
// (INQUIRY), named by every drive's DriveType and changer's ChangerType, so an
// application can tell a tape drive from anything else (DeviceType).
TEST_F(GetObjectInfoTest, DriveAndChangerTypesNameTheDevices) {
  const auto drive_types = List(h_, nullptr, NTMS_DRIVE_TYPE);
  const auto changer_types = List(h_, nullptr, NTMS_CHANGER_TYPE);
  ASSERT_FALSE(drive_types.empty());
  ASSERT_FALSE(changer_types.empty());
  auto contains = [](const std::vector<NTMS_GUID>& v, const NTMS_GUID& g) {
    return std::any_of(v.begin(), v.end(), [&](const NTMS_GUID& x) { return SameGuid(x, g); });
  };
  // What the devices say they are: the simulator, or tgt's VTL (tests/tgt/vtl.sh).
  const std::string drive_vendor = TgtBackend() ? "IBM" : "OPENRSM";
  const std::string drive_product = TgtBackend() ? "ULT3580-TD6" : "SIMDRIVE";
  const std::string changer_vendor = TgtBackend() ? "STK" : "OPENRSM";
  const std::string changer_product = TgtBackend() ? "L700" : "SIMCHANGER";
  std::set<std::string> seen;  // vendor/product of each type: unique
  for (const auto& id : drive_types) {
    auto t = Info(h_, id);
    EXPECT_EQ(t.dwType, DWORD(NTMS_DRIVE_TYPE));
    std::string vp = std::string(t.Info.DriveType.szVendor) + " " + t.Info.DriveType.szProduct;
    EXPECT_TRUE(seen.insert(vp).second) << vp << " twice";
    EXPECT_EQ(std::string(t.szName), vp);
    EXPECT_EQ(t.Info.DriveType.DeviceType, DWORD(FILE_DEVICE_TAPE));
    EXPECT_EQ(t.Info.DriveType.NumberOfHeads, 1u);
  }
  NTMS_GUID first_type = NullGuid();
  for (const std::string library : {"sim0", "tape0"}) {
    for (const auto& d : Drives(h_, library)) {
      auto di = Info(h_, d).Info.Drive;
      ASSERT_TRUE(contains(drive_types, di.DriveType)) << library << " drive " << di.Number;
      auto t = Info(h_, di.DriveType).Info.DriveType;
      EXPECT_EQ(std::string(t.szVendor), drive_vendor);
      EXPECT_EQ(std::string(t.szProduct), drive_product);
      if (SameGuid(first_type, NullGuid())) first_type = di.DriveType;
      EXPECT_TRUE(SameGuid(di.DriveType, first_type)) << "drives of one vendor and product share their type";
    }
  }
  NTMS_GUID lib = LibraryId(h_, "sim0");
  auto changers = List(h_, &lib, NTMS_CHANGER);
  ASSERT_EQ(changers.size(), 1u);
  NTMS_GUID changer_type = Info(h_, changers[0]).Info.Changer.ChangerType;
  ASSERT_TRUE(contains(changer_types, changer_type));
  auto ct = Info(h_, changer_type);
  EXPECT_EQ(ct.dwType, DWORD(NTMS_CHANGER_TYPE));
  EXPECT_EQ(std::string(ct.Info.ChangerType.szVendor), changer_vendor);
  EXPECT_EQ(std::string(ct.Info.ChangerType.szProduct), changer_product);
  EXPECT_EQ(ct.Info.ChangerType.DeviceType, DWORD(FILE_DEVICE_CHANGER));
  // The W form carries the same strings.
  NTMS_OBJECTINFORMATIONW w;
  std::memset(&w, 0, sizeof w);
  w.dwSize = sizeof w;
  ASSERT_EQ(GetNtmsObjectInformationW(h_, &changer_type, &w), DWORD(ERROR_SUCCESS));
  std::string vendor_w;
  for (const WCHAR* p = w.Info.ChangerType.szVendor; *p; ++p) vendor_w.push_back(char(*p));
  EXPECT_EQ(vendor_w, changer_vendor);
  // Types are top-level objects: no container but NULL.
  DWORD n = 0;
  EXPECT_EQ(EnumerateNtmsObject(h_, &lib, nullptr, &n, NTMS_DRIVE_TYPE, 0), DWORD(ERROR_INVALID_PARAMETER));
  // The same objects after a restart (found again, not created anew).
  Restart({});
  EXPECT_EQ(List(h_, nullptr, NTMS_DRIVE_TYPE).size(), drive_types.size());
  EXPECT_TRUE(SameGuid(Info(h_, Drives(h_, "sim0")[0]).Info.Drive.DriveType, first_type));
  EXPECT_TRUE(SameGuid(Info(h_, List(h_, &lib, NTMS_CHANGER)[0]).Info.Changer.ChangerType, changer_type));
}

}  // namespace
}  // namespace openrsm::apitest
