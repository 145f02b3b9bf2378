// DismountNtmsMedia, every documented return code, through the public C API
// against a running rsmd. Each failure case also checks that the catalogue
// did not change (Snapshot) and that catalogue and device still agree.
//
// ERROR_ACCESS_DENIED: every caller holds Use (the right the SDK names), so
// the code comes from the other rule rsmd enforces: a side mounted by one
// session is that session's to release; another caller needs Control on the
// library (docs/security.md).
//
// Codes not provoked here, and why:
// - ERROR_TIMEOUT: DismountNtmsMedia takes no timeout and returns as soon as
//   the dismount is queued (MS-RSMP 3.2.5.2.2.2); it never waits for a
//   resource, so there is nothing to time out.
#include <gtest/gtest.h>

#include <thread>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

class DismountMediaTest : public DaemonTest {
 protected:
  DWORD Dismount(HANDLE h, NTMS_GUID media, DWORD options = NTMS_DISMOUNT_IMMEDIATE) {
    return DismountNtmsMedia(h, &media, 1, options);
  }
};

// ---- ERROR_SUCCESS ------------------------------------------------------------------

TEST_F(DismountMediaTest, SuccessImmediateReturnsMediaToItsHomeSlot) {
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID home = Info(h_, media).Info.PhysicalMedia.Location;
  NTMS_GUID drive = MountBarcode("A00002L6");
  ASSERT_EQ(Dismount(h_, media, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");  // the call returns once the dismount is queued
  EXPECT_EQ(Info(h_, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTED));
  auto mi = Info(h_, media).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_TRUE(SameGuid(mi.Location, home)) << "not back in its home slot";
  EXPECT_EQ(mi.MediaState, DWORD(NTMS_MEDIASTATE_IDLE));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  EXPECT_FALSE(ReadSimState(*d_, "sim0").drives[Info(h_, drive).Info.Drive.Number].full);
  bool found = false;
  for (const auto& r : Requests(h_, "sim0"))
    if (r.Info.LibRequest.OperationCode == NTMS_LM_DISMOUNT && SameGuid(r.Info.LibRequest.PhysMediaId, media)) {
      found = true;
      EXPECT_EQ(r.Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
      EXPECT_TRUE(SameGuid(r.Info.LibRequest.DriveId, drive));
      EXPECT_STREQ(r.Info.LibRequest.szApplication, "apitest");
    }
  EXPECT_TRUE(found) << "no dismount request recorded";
}

TEST_F(DismountMediaTest, SuccessByDefaultIsImmediateAndBySideId) {
  NTMS_GUID media = MediaByBarcode(h_, "A00003L6");
  MountBarcode("A00003L6");
  ASSERT_EQ(Dismount(h_, SideOf(h_, media), 0), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Info(h_, media).Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(DismountMediaTest, SuccessWithTwoMedia) {
  NTMS_GUID media[2] = {MediaByBarcode(h_, "A00001L6"), MediaByBarcode(h_, "A00004L6")};
  MountBarcode("A00001L6");
  MountBarcode("A00004L6");
  ASSERT_EQ(DismountNtmsMedia(h_, media, 2, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  for (const auto& m : media) EXPECT_EQ(Info(h_, m).Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT));
  for (const auto& d : drives_) EXPECT_EQ(Info(h_, d).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTED));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(DismountMediaTest, SuccessDeferredLeavesTheCartridgeInTheDrive) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  NTMS_GUID drive = MountBarcode("A00001L6");
  DWORD number = Info(h_, drive).Info.Drive.Number;
  ASSERT_EQ(Dismount(h_, media, NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Info(h_, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTABLE));
  auto mi = Info(h_, media).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_TRUE(SameGuid(mi.Location, drive));
  EXPECT_TRUE(ReadSimState(*d_, "sim0").drives[number].full) << "the cartridge stays in the drive";
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // Released: another session mounts it at once, without ERROR_BUSY.
  HANDLE other = Another();
  NTMS_GUID got = NullGuid();
  EXPECT_EQ(MountNtmsMedia(other, &media, &got, 1, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 0, 2000, nullptr),
            DWORD(ERROR_SUCCESS))
      << d_->log();
  EXPECT_TRUE(SameGuid(got, drive));
  EXPECT_EQ(Info(h_, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_LOADED));
  // And that session can release it for good.
  EXPECT_EQ(Dismount(other, media, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Info(h_, media).Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// ---- parameter and id errors ----------------------------------------------------------

TEST_F(DismountMediaTest, InvalidHandle) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  MountBarcode("A00001L6");
  std::string before = Snapshot(h_, "sim0");
  HANDLE made_up = reinterpret_cast<HANDLE>(0x1234);
  EXPECT_EQ(Dismount(made_up, media), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(Dismount(nullptr, media), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(Dismount(INVALID_HANDLE_VALUE, media), DWORD(ERROR_INVALID_HANDLE));
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Dismount(closed, media), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(DismountMediaTest, InvalidParameter) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  MountBarcode("A00001L6");
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(DismountNtmsMedia(h_, nullptr, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(DismountNtmsMedia(h_, &media, 0, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(Dismount(h_, media, 0x4), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(Dismount(h_, media, 0x80000000u), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(Dismount(h_, media, NTMS_DISMOUNT_DEFERRED | NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_PARAMETER));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(DismountMediaTest, InvalidMedia) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  MountBarcode("A00001L6");
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(Dismount(h_, RandomGuid()), DWORD(ERROR_INVALID_MEDIA)) << "unknown id";
  EXPECT_EQ(Dismount(h_, LibraryId(h_, "sim0")), DWORD(ERROR_INVALID_MEDIA)) << "a library id";
  EXPECT_EQ(Dismount(h_, drives_[0]), DWORD(ERROR_INVALID_MEDIA)) << "a drive id";
  NTMS_GUID twice[2] = {media, media};
  EXPECT_EQ(DismountNtmsMedia(h_, twice, 2, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_MEDIA));
  NTMS_GUID aliased[2] = {media, SideOf(h_, media)};
  EXPECT_EQ(DismountNtmsMedia(h_, aliased, 2, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_MEDIA))
      << "a cartridge and its own side are the same media";
  // A good id is not dismounted when another one in the list is bad.
  NTMS_GUID mixed[2] = {media, RandomGuid()};
  EXPECT_EQ(DismountNtmsMedia(h_, mixed, 2, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_MEDIA));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// ---- ERROR_ACCESS_DENIED --------------------------------------------------------------

TEST_F(DismountMediaTest, AccessDeniedForAnotherSessionsSide) {
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID drive = MountBarcode("A00002L6");
  std::string before = Snapshot(h_, "sim0");
  // An unprivileged user (Use only) cannot take root's cartridge mid-use.
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"dismount-media", GuidText(media)}), DWORD(ERROR_ACCESS_DENIED));
  EXPECT_EQ(Snapshot(h_, "sim0"), before) << "nothing moves";
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // The holder may.
  ASSERT_EQ(Dismount(h_, media, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Info(h_, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTED));
  // So may a caller with Control on the library (root, in another session),
  // an operator's clean-up.
  MountBarcode("A00002L6");
  HANDLE admin = Another("admin");
  EXPECT_EQ(Dismount(admin, media, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Info(h_, media).Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(DismountMediaTest, InvalidStateWhenNotMounted) {
  NTMS_GUID mounted = MediaByBarcode(h_, "A00001L6");
  MountBarcode("A00001L6");
  NTMS_GUID idle = MediaByBarcode(h_, "A00003L6");
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(Dismount(h_, idle), DWORD(ERROR_INVALID_STATE));
  EXPECT_EQ(Dismount(h_, SideOf(h_, idle), NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_INVALID_STATE));
  // The mounted one in the same list stays mounted.
  NTMS_GUID both[2] = {mounted, idle};
  EXPECT_EQ(DismountNtmsMedia(h_, both, 2, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_STATE));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// ---- availability -------------------------------------------------------------------

TEST_F(DismountMediaTest, MediaOfflineWhenRemovedByOperator) {
  ASSERT_EQ(d_->Hook("sim0", "remove", 0, 0, "slot:3"), 0u);  // A00004L6 taken out by hand
  NTMS_GUID lib = LibraryId(h_, "sim0");
  NTMS_GUID media = MediaByBarcode(h_, "A00004L6");
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(Dismount(h_, media), DWORD(ERROR_MEDIA_OFFLINE));
  EXPECT_EQ(Dismount(h_, SideOf(h_, media), NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_MEDIA_OFFLINE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(DismountMediaTest, DeviceNotAvailableWhenLibraryDisabled) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  MountBarcode("A00001L6");
  NTMS_GUID lib = LibraryId(h_, "sim0");
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &lib), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(Dismount(h_, media), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  EXPECT_EQ(Dismount(h_, media, NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_LIBRARY, &lib), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Dismount(h_, media), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// SDK (DisableNtmsObject): "Whenever possible, when a drive is disabled, the
// medium in the drive is removed and placed in its slot." A drive left
// loaded by a deferred dismount is emptied by the disable itself.
TEST_F(DismountMediaTest, DisablingADriveSendsItsIdleCartridgeHome) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  NTMS_GUID home = Info(h_, media).Info.PhysicalMedia.HomeSlot;
  NTMS_GUID drive = MountBarcode("A00001L6");
  ASSERT_EQ(Dismount(h_, media, NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  ASSERT_EQ(Info(h_, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTABLE));
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drive), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  auto mi = Info(h_, media).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_STORAGESLOT)) << d_->log();
  EXPECT_TRUE(SameGuid(mi.Location, home)) << "not its home slot";
  auto di = Info(h_, drive);
  EXPECT_FALSE(di.Enabled);
  EXPECT_EQ(di.Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTED));
  EXPECT_FALSE(ReadSimState(*d_, "sim0").drives[di.Info.Drive.Number].full);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// A cartridge a session holds stays in the disabled drive (it is being
// used); its holder's DismountNtmsMedia sends it home, DEFERRED or not: a
// disabled drive is not reused.
TEST_F(DismountMediaTest, DisabledDriveKeepsAHeldCartridgeUntilItsHolderDismountsIt) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  NTMS_GUID drive = MountBarcode("A00001L6");
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drive), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  auto mi = Info(h_, media).Info.PhysicalMedia;
  EXPECT_TRUE(SameGuid(mi.Location, drive)) << "a held cartridge was taken away";
  EXPECT_EQ(mi.MediaState, DWORD(NTMS_MEDIASTATE_MOUNTED));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  ASSERT_EQ(Dismount(h_, media, NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Info(h_, media).Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT)) << d_->log();
  EXPECT_EQ(Info(h_, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTED));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // Enabled again, the drive takes mounts.
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_DRIVE, &drive), DWORD(ERROR_SUCCESS));
  NTMS_GUID again = drive;
  ASSERT_EQ(MountNtmsMedia(h_, &media, &again, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, 30000, nullptr),
            DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(DismountMediaTest, InvalidLibraryWhenLibraryNoLongerPresent) {
  NTMS_GUID media = StandaloneMedia(h_);  // sits in tape0's drive
  DaemonOptions opts;
  opts.standalone_library = false;
  Restart(opts);
  std::string before = Snapshot(h_, "tape0");
  EXPECT_EQ(Dismount(h_, media), DWORD(ERROR_INVALID_LIBRARY));
  EXPECT_EQ(Dismount(h_, SideOf(h_, media), NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_INVALID_LIBRARY));
  EXPECT_EQ(Snapshot(h_, "tape0"), before);
}

TEST_F(DismountMediaTest, MediaNotAvailableWhileLocationUnknown) {
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6"), drive = NullGuid();
  // The robot reports a failure: rsmd cannot know where the cartridge is.
  // sim: it moved the cartridge first ("move_fail_after"). tgt has no fault
  // that moves and then fails; its load fails with HARDWARE ERROR 15/01
  // (mechanical positioning error, "move_fail": the image file is missing),
  // which leaves rsmd just as unsure, and the cartridge in its slot.
  const char* fault = TgtBackend() ? "move_fail" : "move_fail_after";
  ASSERT_EQ(d_->Hook("sim0", fault, 0, 1), 0u);
  EXPECT_EQ(MountNtmsMedia(h_, &media, &drive, 1, NTMS_MOUNT_READ, 0, 10000, nullptr), DWORD(ERROR_INVALID_STATE));
  ASSERT_EQ(d_->Hook("sim0", fault, 0, 0), 0u);
  WaitIdle(h_, "sim0");
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(Dismount(h_, media), DWORD(ERROR_MEDIA_NOT_AVAILABLE));
  EXPECT_EQ(Dismount(h_, SideOf(h_, media), NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_MEDIA_NOT_AVAILABLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  // An inventory finds it (sim: in the drive; tgt: in its slot) and the
  // catalogue agrees with the device again.
  NTMS_GUID lib = LibraryId(h_, "sim0");
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  EXPECT_EQ(Info(h_, media).Info.PhysicalMedia.LocationType, DWORD(TgtBackend() ? NTMS_STORAGESLOT : NTMS_DRIVE));
}

// ---- service-side failures -----------------------------------------------------------

TEST_F(DismountMediaTest, NotEnoughMemoryOnInjectedAllocationFailure) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  MountBarcode("A00001L6");
  std::string before = Snapshot(h_, "sim0");
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "DismountNtmsMedia"), 0u);
  EXPECT_EQ(Dismount(h_, media), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // Still held by this session: another one cannot take it.
  HANDLE other = Another();
  NTMS_GUID drive = NullGuid();
  EXPECT_EQ(
      MountNtmsMedia(other, &media, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 0, 1000, nullptr),
      DWORD(ERROR_BUSY));
  EXPECT_EQ(Dismount(h_, media), DWORD(ERROR_SUCCESS)) << "armed for one call only";
  WaitIdle(h_, "sim0");
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(DismountMediaTest, DatabaseFailureWhenCatalogueDamaged) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  NTMS_GUID drive = MountBarcode("A00001L6");
  DWORD number = Info(h_, drive).Info.Drive.Number;
  FILE* f = fopen(d_->catalog_path().c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::string garbage(4096, '\x5a');
  ASSERT_EQ(fwrite(garbage.data(), 1, garbage.size(), f), garbage.size());
  fclose(f);
  EXPECT_EQ(Dismount(h_, media), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_TRUE(d_->Running()) << "rsmd must stay up";
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(ReadSimState(*d_, "sim0").drives[number].full) << "nothing moved";
}

TEST(DismountMediaFullTest, DatabaseFull) {
  DaemonOptions opts;
  opts.max_pages = 64;
  Daemon d(opts);
  d.Start();
  HANDLE h = Open();
  auto drives = Drives(h, "sim0");
  ASSERT_EQ(drives.size(), 2u);
  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = drives[0];
  ASSERT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, 10000, nullptr),
            DWORD(ERROR_SUCCESS));
  FillCatalogue(d, h, drives[1]);
  std::string before = Snapshot(h, "sim0");
  EXPECT_EQ(DismountNtmsMedia(h, &media, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_DATABASE_FULL));
  EXPECT_EQ(Snapshot(h, "sim0"), before);
  EXPECT_TRUE(ReadSimState(d, "sim0").drives[0].full) << "nothing moved";
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  CloseNtmsSession(h);
}

}  // namespace
}  // namespace openrsm::apitest
