// DismountNtmsDrive, every documented return code, through the public C API
// against a running rsmd. Each failure case also checks that the catalogue
// did not change.
#include <gtest/gtest.h>

#include <thread>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

class DismountDriveTest : public DaemonTest {};

TEST_F(DismountDriveTest, SuccessReturnsMediaToItsHomeSlot) {
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID home = Info(h_, media).Info.PhysicalMedia.Location;
  NTMS_GUID drive = MountBarcode("A00002L6");
  ASSERT_EQ(Info(h_, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_LOADED));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");

  ASSERT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_SUCCESS));

  auto di = Info(h_, drive);
  EXPECT_EQ(di.Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTED));
  auto mi = Info(h_, media).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_TRUE(SameGuid(mi.Location, home)) << "media did not go back to its home slot";
  // The library request is recorded and completed.
  bool found = false;
  for (const auto& r : Requests(h_, "sim0")) {
    if (r.Info.LibRequest.OperationCode == NTMS_LM_DISMOUNT && SameGuid(r.Info.LibRequest.DriveId, drive)) {
      found = true;
      EXPECT_EQ(r.Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
      EXPECT_EQ(r.Info.LibRequest.dwErrorCode, DWORD(ERROR_SUCCESS));
      EXPECT_STREQ(r.Info.LibRequest.szApplication, "apitest");
    }
  }
  EXPECT_TRUE(found) << "no dismount request recorded";
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  SimState dev = ReadSimState(*d_, "sim0");
  EXPECT_FALSE(dev.drives[Info(h_, drive).Info.Drive.Number].full);
}

TEST_F(DismountDriveTest, StandaloneDriveBecomesDismountable) {
  auto tape = Drives(h_, "tape0");
  ASSERT_EQ(tape.size(), 1u);
  ASSERT_EQ(DismountNtmsDrive(h_, &tape[0]), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Info(h_, tape[0]).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTABLE));
  SimState dev = ReadSimState(*d_, "tape0");
  ASSERT_EQ(dev.drives.size(), 1u);
  EXPECT_TRUE(dev.drives[0].full) << "the cartridge waits for an operator";
  if (!TgtBackend()) {
    EXPECT_TRUE(dev.drives[0].unloaded) << "the drive ejected it";  // tgt: UNLOAD is a no-op
  }
}

TEST_F(DismountDriveTest, InvalidHandle) {
  NTMS_GUID drive = MountBarcode("A00001L6");
  std::string before = Snapshot(h_, "sim0");
  HANDLE made_up = reinterpret_cast<HANDLE>(0x1234);
  EXPECT_EQ(DismountNtmsDrive(made_up, &drive), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(DismountNtmsDrive(nullptr, &drive), DWORD(ERROR_INVALID_HANDLE));
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(DismountNtmsDrive(closed, &drive), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(DismountDriveTest, InvalidParameterForNullDrive) {
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(DismountNtmsDrive(h_, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(DismountDriveTest, InvalidDrive) {
  MountBarcode("A00001L6");
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID unknown = RandomGuid();
  EXPECT_EQ(DismountNtmsDrive(h_, &unknown), DWORD(ERROR_INVALID_DRIVE));
  NTMS_GUID lib = LibraryId(h_, "sim0");
  EXPECT_EQ(DismountNtmsDrive(h_, &lib), DWORD(ERROR_INVALID_DRIVE)) << "a library id is not a drive id";
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6");
  EXPECT_EQ(DismountNtmsDrive(h_, &media), DWORD(ERROR_INVALID_DRIVE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(DismountDriveTest, InvalidStateWhenDriveEmpty) {
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(DismountNtmsDrive(h_, &drives_[1]), DWORD(ERROR_INVALID_STATE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(DismountDriveTest, InvalidStateWhenMediaIsOpened) {
  NTMS_GUID drive = MountBarcode("A00003L6");
  DWORD number = Info(h_, drive).Info.Drive.Number;
  ASSERT_EQ(d_->Hook("sim0", "removal_prevented", int(number), 1), 0u);
  std::string device_before = CompareWithDevice(h_, *d_, "sim0");
  ASSERT_EQ(device_before, "");
  EXPECT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_INVALID_STATE));
  // Nothing moved: the cartridge is still in the drive, in both views.
  EXPECT_EQ(Info(h_, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_LOADED));
  EXPECT_TRUE(ReadSimState(*d_, "sim0").drives[number].full);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // Released by the application: the dismount now works.
  ASSERT_EQ(d_->Hook("sim0", "removal_prevented", int(number), 0), 0u);
  EXPECT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(DismountDriveTest, DeviceNotAvailableWhenDriveDisabled) {
  NTMS_GUID drive = MountBarcode("A00001L6");
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drive), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_DRIVE, &drive), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_SUCCESS));
}

TEST_F(DismountDriveTest, DeviceNotAvailableWhenLibraryDisabled) {
  NTMS_GUID drive = MountBarcode("A00001L6");
  NTMS_GUID lib = LibraryId(h_, "sim0");
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &lib), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_LIBRARY, &lib), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_SUCCESS));
}

TEST_F(DismountDriveTest, DeviceNotAvailableWhenLibraryOffline) {
  NTMS_GUID drive = MountBarcode("A00001L6");
  ASSERT_EQ(d_->Hook("sim0", "unavailable", 0, 1), 0u);
  NTMS_GUID lib = LibraryId(h_, "sim0");
  // The next device contact finds the robot unreachable and takes the library offline.
  EXPECT_EQ(InventoryNtmsLibrary(h_, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  EXPECT_EQ(Info(h_, lib).dwOperationalState, DWORD(NTMS_NEEDS_SERVICE));
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  // Repaired: an inventory brings it back.
  ASSERT_EQ(d_->Hook("sim0", "unavailable", 0, 0), 0u);
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(DismountDriveTest, InvalidLibraryWhenLibraryNoLongerPresent) {
  // A library that left the configuration stays in the catalogue, not present.
  auto tape = Drives(h_, "tape0");
  ASSERT_EQ(tape.size(), 1u);
  DaemonOptions opts;
  opts.standalone_library = false;
  Restart(opts);
  std::string before = Snapshot(h_, "tape0");
  EXPECT_EQ(DismountNtmsDrive(h_, &tape[0]), DWORD(ERROR_INVALID_LIBRARY));
  EXPECT_EQ(Snapshot(h_, "tape0"), before);
}

TEST_F(DismountDriveTest, AccessDeniedWithoutModifyOnLibrary) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run a probe as another uid";
  NTMS_GUID drive = MountBarcode("A00001L6");
  std::string before = Snapshot(h_, "sim0");
  // nobody holds Use (it may read the drive) but not Modify on the library.
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"getinfo", GuidText(drive)}), uint32_t(ERROR_SUCCESS));
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"dismount-drive", GuidText(drive)}), uint32_t(ERROR_ACCESS_DENIED));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  // root, through the same probe, may.
  EXPECT_EQ(ProbeAs(*d_, 0, 0, {"dismount-drive", GuidText(drive)}), uint32_t(ERROR_SUCCESS));
}

TEST_F(DismountDriveTest, NotEnoughMemoryOnInjectedAllocationFailure) {
  NTMS_GUID drive = MountBarcode("A00001L6");
  std::string before = Snapshot(h_, "sim0");
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "DismountNtmsDrive"), 0u);
  EXPECT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_SUCCESS)) << "armed for one call only";
}

TEST_F(DismountDriveTest, DatabaseFailureWhenCatalogueDamaged) {
  NTMS_GUID drive = MountBarcode("A00001L6");
  DWORD number = Info(h_, drive).Info.Drive.Number;
  // Damage the catalogue file under the running daemon.
  FILE* f = fopen(d_->catalog_path().c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::string garbage(4096, '\x5a');
  ASSERT_EQ(fwrite(garbage.data(), 1, garbage.size(), f), garbage.size());
  fclose(f);
  EXPECT_EQ(DismountNtmsDrive(h_, &drive), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_TRUE(d_->Running()) << "rsmd must stay up";
  // The device was not touched.
  EXPECT_TRUE(ReadSimState(*d_, "sim0").drives[number].full);
  // Every call that needs the catalogue answers the same way.
  NTMS_OBJECTINFORMATIONA info{};
  info.dwSize = sizeof info;
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &drive, &info), DWORD(ERROR_DATABASE_FAILURE));
}

TEST(DismountDriveFullTest, DatabaseFull) {
  DaemonOptions opts;
  opts.max_pages = 64;
  Daemon d(opts);
  d.Start();
  HANDLE h = Open();
  auto drives = Drives(h, "sim0");
  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = drives[0];
  ASSERT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, 10000, nullptr),
            DWORD(ERROR_SUCCESS));
  FillCatalogue(d, h, drives[1]);
  std::string before = Snapshot(h, "sim0");
  EXPECT_EQ(DismountNtmsDrive(h, &drive), DWORD(ERROR_DATABASE_FULL));
  EXPECT_EQ(Snapshot(h, "sim0"), before);
  EXPECT_TRUE(ReadSimState(d, "sim0").drives[0].full) << "nothing moved";
  CloseNtmsSession(h);
}

}  // namespace
}  // namespace openrsm::apitest
