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

#include <chrono>
#include <cstring>
#include <future>
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

}  // namespace
}  // namespace openrsm::apitest
