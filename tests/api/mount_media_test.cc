// MountNtmsMedia, every documented return code, through the public C API
// against a running rsmd. Each failure case also checks that the catalogue
// did not change (Snapshot) and, where a device is involved, that catalogue
// and device still agree (CompareWithDevice).
//
// Codes not provoked here, and why:
// - ERROR_ACCESS_DENIED: MountNtmsMedia needs NTMS_USE_ACCESS on the media's
//   pool and library, and the security model grants Use to every caller
//   (src/service/security.cc: Security::Check returns OK for kRightUse before
//   looking at any access entry). No API removes Use yet, and an access
//   entry with fewer rights cannot take it away, so the code cannot be
//   provoked without faking it.
// - ERROR_REQUEST_REFUSED: "the user canceled the request through the user
//   interface", i.e. an operator refused the operator request a mount of
//   offline media raises. rsmd does not raise operator requests for mounts
//   (offline media give ERROR_MEDIA_OFFLINE at once), so nothing can refuse.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <iterator>
#include <thread>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MillisSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

class MountMediaTest : public DaemonTest {
 protected:
  DWORD Mount(HANDLE h, NTMS_GUID media, NTMS_GUID* drive, DWORD options = NTMS_MOUNT_READ, DWORD timeout = 10000,
              int priority = NTMS_PRIORITY_NORMAL) {
    return MountNtmsMedia(h, &media, drive, 1, options, priority, timeout, nullptr);
  }
  // The drive's element number.
  DWORD Number(const NTMS_GUID& drive) { return Info(h_, drive).Info.Drive.Number; }
};

// Checks everything a successful mount of `media` (a cartridge) into `drive` promises.
void ExpectMounted(HANDLE h, const Daemon& d, const NTMS_GUID& media, const NTMS_GUID& drive) {
  auto di = Info(h, drive);
  EXPECT_EQ(di.dwType, DWORD(NTMS_DRIVE));
  EXPECT_EQ(di.Info.Drive.State, DWORD(NTMS_DRIVESTATE_LOADED));
  auto mi = Info(h, media).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_TRUE(SameGuid(mi.Location, drive)) << "media location is not the drive returned";
  EXPECT_EQ(mi.MediaState, DWORD(NTMS_MEDIASTATE_MOUNTED));
  SimState dev = ReadSimState(d, "sim0");
  ASSERT_LT(di.Info.Drive.Number, dev.drives.size());
  EXPECT_TRUE(dev.drives[di.Info.Drive.Number].full);
  EXPECT_EQ(dev.drives[di.Info.Drive.Number].barcode, mi.szBarCode);
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
}

// The catalogue snapshot without its request count. A mount that had to wait
// is a library request from the moment it is submitted (visible, and
// cancelled when the call gives up), even when it changed nothing else.
std::string NoRequests(const std::string& snapshot) {
  auto p = snapshot.find("requests=");
  return p == std::string::npos ? snapshot : snapshot.substr(0, p);
}

// The mount requests of `media` that ended cancelled with `error`.
int CancelledMounts(HANDLE h, const NTMS_GUID& media, DWORD error) {
  int n = 0;
  for (const auto& r : Requests(h, "sim0"))
    if (r.Info.LibRequest.OperationCode == NTMS_LM_MOUNT && SameGuid(r.Info.LibRequest.PhysMediaId, media) &&
        r.Info.LibRequest.State == NTMS_LM_CANCELLED && r.Info.LibRequest.dwErrorCode == error)
      ++n;
  return n;
}

const NTMS_OBJECTINFORMATIONA* FindRequest(const std::vector<NTMS_OBJECTINFORMATIONA>& reqs, DWORD op,
                                           const NTMS_GUID& pmid) {
  const NTMS_OBJECTINFORMATIONA* found = nullptr;
  for (const auto& r : reqs)
    if (r.Info.LibRequest.OperationCode == op && SameGuid(r.Info.LibRequest.PhysMediaId, pmid)) found = &r;
  return found;
}

// ---- ERROR_SUCCESS ------------------------------------------------------------------

TEST_F(MountMediaTest, SuccessByPhysicalMediaId) {
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID side = SideOf(h_, media);
  NTMS_GUID drive = NullGuid();
  ASSERT_EQ(Mount(h_, media, &drive), DWORD(ERROR_SUCCESS)) << d_->log();
  ASSERT_FALSE(SameGuid(drive, NullGuid())) << "lpDriveId was not filled";
  EXPECT_TRUE(SameGuid(drive, drives_[0]) || SameGuid(drive, drives_[1]));
  ExpectMounted(h_, *d_, media, drive);
  EXPECT_TRUE(SameGuid(Info(h_, drive).Info.Drive.SavedPartitionId, side)) << "the drive holds the first side";
  auto reqs = Requests(h_, "sim0");
  auto* r = FindRequest(reqs, NTMS_LM_MOUNT, media);
  ASSERT_NE(r, nullptr) << "no mount request recorded";
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  EXPECT_EQ(r->Info.LibRequest.dwErrorCode, DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(r->Info.LibRequest.DriveId, drive));
  EXPECT_TRUE(SameGuid(r->Info.LibRequest.PartitionId, side));
  EXPECT_STREQ(r->Info.LibRequest.szApplication, "apitest");
}

TEST_F(MountMediaTest, SuccessBySideId) {
  NTMS_GUID media = MediaByBarcode(h_, "A00003L6");
  NTMS_GUID side = SideOf(h_, media);
  NTMS_GUID drive = NullGuid();
  ASSERT_EQ(Mount(h_, side, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_WRITE), DWORD(ERROR_SUCCESS)) << d_->log();
  ASSERT_FALSE(SameGuid(drive, NullGuid()));
  ExpectMounted(h_, *d_, media, drive);
  EXPECT_TRUE(SameGuid(Info(h_, drive).Info.Drive.SavedPartitionId, side));
  auto reqs = Requests(h_, "sim0");
  auto* r = FindRequest(reqs, NTMS_LM_MOUNT, media);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  EXPECT_TRUE(SameGuid(r->Info.LibRequest.PartitionId, side));
}

TEST_F(MountMediaTest, SuccessIntoSpecificDrive) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  NTMS_GUID drive = drives_[1];
  ASSERT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE), DWORD(ERROR_SUCCESS)) << d_->log();
  EXPECT_TRUE(SameGuid(drive, drives_[1]));
  ExpectMounted(h_, *d_, media, drives_[1]);
  EXPECT_FALSE(ReadSimState(*d_, "sim0").drives[Number(drives_[0])].full) << "the other drive stays empty";
  EXPECT_EQ(Info(h_, drives_[0]).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTED));
}

TEST_F(MountMediaTest, SuccessWithTwoMedia) {
  NTMS_GUID media[2] = {MediaByBarcode(h_, "A00001L6"), MediaByBarcode(h_, "A00004L6")};
  NTMS_GUID drives[2] = {NullGuid(), NullGuid()};
  ASSERT_EQ(MountNtmsMedia(h_, media, drives, 2, NTMS_MOUNT_READ, NTMS_PRIORITY_HIGH, 10000, nullptr),
            DWORD(ERROR_SUCCESS))
      << d_->log();
  EXPECT_FALSE(SameGuid(drives[0], drives[1])) << "two media, two drives";
  ExpectMounted(h_, *d_, media[0], drives[0]);
  ExpectMounted(h_, *d_, media[1], drives[1]);
}

TEST_F(MountMediaTest, SuccessFromDriveLeftLoadedByDeferredDismount) {
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID drive = MountBarcode("A00002L6");
  ASSERT_EQ(DismountNtmsMedia(h_, &media, 1, NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  ASSERT_EQ(Info(h_, drive).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTABLE));
  SimState dev_before = ReadSimState(*d_, "sim0");
  std::string file_before;
  {
    std::ifstream f(d_->state_dir() + "/sim-sim0.json");
    file_before.assign(std::istreambuf_iterator<char>(f), {});
  }
  // Another session mounts it; it is used where it sits, without a robot move.
  HANDLE other = Another();
  NTMS_GUID got = NullGuid();
  ASSERT_EQ(Mount(other, media, &got, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 2000), DWORD(ERROR_SUCCESS))
      << d_->log();
  EXPECT_TRUE(SameGuid(got, drive)) << "mounted in place";
  ExpectMounted(h_, *d_, media, drive);
  std::string file_after;
  {
    std::ifstream f(d_->state_dir() + "/sim-sim0.json");
    file_after.assign(std::istreambuf_iterator<char>(f), {});
  }
  EXPECT_EQ(file_after, file_before) << "the robot moved";
  auto reqs = Requests(h_, "sim0");
  auto* r = FindRequest(reqs, NTMS_LM_MOUNT, media);  // the last one
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  EXPECT_TRUE(SameGuid(r->Info.LibRequest.SlotId, NullGuid())) << "no slot involved";
}

// SDK (DismountNtmsMedia): "Subsequent mount requests are satisfied using
// dismounted or dismountable drives." With every drive holding a cartridge
// left by a deferred dismount, a third mount empties the least recently
// used one and takes it, even when told to fail rather than wait.
TEST_F(MountMediaTest, SuccessByEvictingTheLeastRecentlyUsedDismountableDrive) {
  NTMS_GUID a = MediaByBarcode(h_, "A00001L6"), b = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID c = MediaByBarcode(h_, "A00003L6");
  DWORD a_slot = Info(h_, Info(h_, a).Info.PhysicalMedia.HomeSlot).Info.StorageSlot.Number;
  NTMS_GUID drive_a = MountBarcode("A00001L6");
  ASSERT_EQ(DismountNtmsMedia(h_, &a, 1, NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_SUCCESS));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // distinct last-use times
  NTMS_GUID drive_b = MountBarcode("A00002L6");
  ASSERT_EQ(DismountNtmsMedia(h_, &b, 1, NTMS_DISMOUNT_DEFERRED), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  ASSERT_EQ(Info(h_, drive_a).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTABLE));
  ASSERT_EQ(Info(h_, drive_b).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTABLE));

  HANDLE other = Another();
  NTMS_GUID got = NullGuid();
  ASSERT_EQ(Mount(other, c, &got, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 30000), DWORD(ERROR_SUCCESS))
      << d_->log();
  EXPECT_TRUE(SameGuid(got, drive_a)) << "the least recently used drive is the one emptied";
  ExpectMounted(h_, *d_, c, got);
  auto ai = Info(h_, a).Info.PhysicalMedia;
  EXPECT_EQ(ai.LocationType, DWORD(NTMS_STORAGESLOT)) << "A00001L6 went home";
  EXPECT_EQ(Info(h_, ai.Location).Info.StorageSlot.Number, a_slot);
  EXPECT_EQ(ai.MediaState, DWORD(NTMS_MEDIASTATE_IDLE));
  auto bi = Info(h_, b).Info.PhysicalMedia;
  EXPECT_TRUE(SameGuid(bi.Location, drive_b)) << "the other dismountable cartridge stays";
  EXPECT_EQ(Info(h_, drive_b).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTABLE));
  // The eviction is a library request of its own, visible and passed.
  auto reqs = Requests(h_, "sim0");
  auto* r = FindRequest(reqs, NTMS_LM_DISMOUNT, a);
  ASSERT_NE(r, nullptr) << "no dismount request for the evicted cartridge";
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  EXPECT_TRUE(SameGuid(r->Info.LibRequest.DriveId, drive_a));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");

  // A fourth mount while C is held and B dismountable: B goes home.
  NTMS_GUID d4 = MediaByBarcode(h_, "A00004L6"), got4 = NullGuid();
  ASSERT_EQ(Mount(other, d4, &got4, NTMS_MOUNT_READ, 30000), DWORD(ERROR_SUCCESS)) << d_->log();
  EXPECT_TRUE(SameGuid(got4, drive_b));
  EXPECT_EQ(Info(h_, b).Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT));
  // Now both drives hold cartridges in use: a fifth mount cannot evict.
  NTMS_GUID e = a, got5 = NullGuid();
  std::string before = NoRequests(Snapshot(h_, "sim0"));
  EXPECT_EQ(Mount(h_, e, &got5, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 2000), DWORD(ERROR_BUSY));
  EXPECT_EQ(NoRequests(Snapshot(h_, "sim0")), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// ---- parameter and id errors ----------------------------------------------------------

TEST_F(MountMediaTest, InvalidHandle) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = NullGuid();
  std::string before = Snapshot(h_, "sim0");
  HANDLE made_up = reinterpret_cast<HANDLE>(0x1234);
  EXPECT_EQ(Mount(made_up, media, &drive), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(Mount(nullptr, media, &drive), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(Mount(INVALID_HANDLE_VALUE, media, &drive), DWORD(ERROR_INVALID_HANDLE));
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Mount(closed, media, &drive), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_TRUE(SameGuid(drive, NullGuid())) << "lpDriveId written on failure";
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(MountMediaTest, InvalidParameter) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = NullGuid();
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(MountNtmsMedia(h_, nullptr, &drive, 1, NTMS_MOUNT_READ, 0, 1000, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(MountNtmsMedia(h_, &media, nullptr, 1, NTMS_MOUNT_READ, 0, 1000, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(MountNtmsMedia(h_, &media, &drive, 0, NTMS_MOUNT_READ, 0, 1000, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ, 1000, 16), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ, 1000, -16), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ, 1000, 1000), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ | 0x40), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ | 0x80000000u), DWORD(ERROR_INVALID_PARAMETER));
  // NTMS_MOUNT_SPECIFIC_DRIVE with no drive given.
  drive = NullGuid();
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_TRUE(SameGuid(drive, NullGuid()));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // The priority bounds themselves are valid.
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ, 10000, NTMS_PRIORITY_LOWEST), DWORD(ERROR_SUCCESS));
  NTMS_GUID media2 = MediaByBarcode(h_, "A00002L6"), drive2 = NullGuid();
  EXPECT_EQ(Mount(h_, media2, &drive2, NTMS_MOUNT_READ, 10000, NTMS_PRIORITY_HIGHEST), DWORD(ERROR_SUCCESS));
}

TEST_F(MountMediaTest, InvalidMedia) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID drive = NullGuid();
  EXPECT_EQ(Mount(h_, RandomGuid(), &drive), DWORD(ERROR_INVALID_MEDIA)) << "unknown id";
  EXPECT_EQ(Mount(h_, LibraryId(h_, "sim0"), &drive), DWORD(ERROR_INVALID_MEDIA)) << "a library id";
  EXPECT_EQ(Mount(h_, drives_[0], &drive), DWORD(ERROR_INVALID_MEDIA)) << "a drive id";
  // The same media twice: by the same id, and by its cartridge id and its side id.
  NTMS_GUID twice[2] = {media, media};
  NTMS_GUID drives[2] = {NullGuid(), NullGuid()};
  EXPECT_EQ(MountNtmsMedia(h_, twice, drives, 2, NTMS_MOUNT_READ, 0, 10000, nullptr), DWORD(ERROR_INVALID_MEDIA));
  NTMS_GUID aliased[2] = {media, SideOf(h_, media)};
  EXPECT_EQ(MountNtmsMedia(h_, aliased, drives, 2, NTMS_MOUNT_READ, 0, 10000, nullptr), DWORD(ERROR_INVALID_MEDIA));
  // One good id does not get mounted when another is bad.
  NTMS_GUID mixed[2] = {media, RandomGuid()};
  EXPECT_EQ(MountNtmsMedia(h_, mixed, drives, 2, NTMS_MOUNT_READ, 0, 10000, nullptr), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_TRUE(SameGuid(drive, NullGuid()) && SameGuid(drives[0], NullGuid()) && SameGuid(drives[1], NullGuid()));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(MountMediaTest, InvalidDrive) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID drive = RandomGuid();
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE), DWORD(ERROR_INVALID_DRIVE));
  drive = LibraryId(h_, "sim0");
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE), DWORD(ERROR_INVALID_DRIVE))
      << "a library id is not a drive id";
  drive = MediaByBarcode(h_, "A00002L6");
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE), DWORD(ERROR_INVALID_DRIVE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(MountMediaTest, DriveMediaMismatch) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  std::string before = Snapshot(h_, "sim0"), before_tape = Snapshot(h_, "tape0");
  // A sim0 cartridge into the stand-alone library's drive.
  auto tape = Drives(h_, "tape0");
  ASSERT_EQ(tape.size(), 1u);
  NTMS_GUID drive = tape[0];
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE), DWORD(ERROR_DRIVE_MEDIA_MISMATCH));
  // Two media from different libraries in one call.
  NTMS_GUID two[2] = {media, StandaloneMedia(h_)};
  NTMS_GUID drives[2] = {NullGuid(), NullGuid()};
  EXPECT_EQ(MountNtmsMedia(h_, two, drives, 2, NTMS_MOUNT_READ, 0, 10000, nullptr), DWORD(ERROR_DRIVE_MEDIA_MISMATCH));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(Snapshot(h_, "tape0"), before_tape);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// ---- ERROR_BUSY -------------------------------------------------------------------

TEST_F(MountMediaTest, BusyAtOnceWhenMediaInUseByAnotherSession) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  MountBarcode("A00001L6");  // held by h_ until it dismounts
  HANDLE other = Another();
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID drive = NullGuid();
  auto t0 = Clock::now();
  EXPECT_EQ(Mount(other, media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 5000), DWORD(ERROR_BUSY));
  EXPECT_LT(MillisSince(t0), 2000) << "NTMS_MOUNT_ERROR_NOT_AVAILABLE must not wait";
  EXPECT_EQ(Mount(other, SideOf(h_, media), &drive, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 5000),
            DWORD(ERROR_BUSY))
      << "by side id";
  EXPECT_TRUE(SameGuid(drive, NullGuid()));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(MountMediaTest, BusyAfterTimeoutWhenMediaInUse) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  MountBarcode("A00001L6");
  HANDLE other = Another();
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID drive = NullGuid();
  auto t0 = Clock::now();
  EXPECT_EQ(Mount(other, media, &drive, NTMS_MOUNT_READ, 300), DWORD(ERROR_BUSY));
  int64_t took = MillisSince(t0);
  EXPECT_GE(took, 280) << "it must wait up to dwTimeout for the media";
  EXPECT_LT(took, 3000);
  EXPECT_EQ(NoRequests(Snapshot(h_, "sim0")), NoRequests(before));
  EXPECT_EQ(CancelledMounts(h_, media, ERROR_BUSY), 1) << "the waiting mount, cancelled at dwTimeout";
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(MountMediaTest, BusyWhenAllDrivesFull) {
  MountBarcode("A00001L6");
  MountBarcode("A00002L6");
  HANDLE other = Another();
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID media = MediaByBarcode(h_, "A00003L6"), drive = NullGuid();
  auto t0 = Clock::now();
  EXPECT_EQ(Mount(other, media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 5000), DWORD(ERROR_BUSY));
  EXPECT_LT(MillisSince(t0), 2000);
  EXPECT_EQ(Mount(other, media, &drive, NTMS_MOUNT_READ, 200), DWORD(ERROR_BUSY)) << "after the timeout";
  // The specific drive holds another cartridge.
  drive = drives_[0];
  EXPECT_EQ(
      Mount(other, media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 5000),
      DWORD(ERROR_BUSY));
  EXPECT_EQ(NoRequests(Snapshot(h_, "sim0")), NoRequests(before));
  EXPECT_EQ(CancelledMounts(h_, media, ERROR_BUSY), 1) << "only the mount that waited was queued";
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// ---- ERROR_TIMEOUT ----------------------------------------------------------------

// Waits until a library request of `op` (for cartridge `pmid`, unless null) is
// in `state`; returns its id.
NTMS_GUID WaitForRequestState(HANDLE h, DWORD op, const NTMS_GUID& pmid, DWORD state) {
  for (int i = 0; i < 500; ++i) {
    for (const auto& r : Requests(h, "sim0"))
      if (r.Info.LibRequest.OperationCode == op && r.Info.LibRequest.State == state &&
          (SameGuid(pmid, NullGuid()) || SameGuid(r.Info.LibRequest.PhysMediaId, pmid)))
        return r.ObjectGuid;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "no request (op " << op << ") in state " << state;
  return NullGuid();
}

// A robot that takes its time. sim: time_scale 0.1 (start-up inventory 3 s,
// one move 0.8 s). tgt answers in microseconds, so the test stops tgtd
// (Hook "stall": SIGSTOP) while the MOVE MEDIUM is sent and resumes it
// (SIGCONT) when the robot should finish; the watchdog bound (ms) keeps a
// failing test from hanging.
void RobotBusy(Daemon& d, int bound_ms = 20000) {
  if (TgtBackend()) {
    ASSERT_EQ(d.Hook("sim0", "stall", 0, bound_ms), 0u);
  }
}
void RobotDone(Daemon& d) {
  if (TgtBackend()) {
    ASSERT_EQ(d.Hook("sim0", "stall", 0, 0), 0u);
  }
}

TEST(MountMediaTimingTest, TimeoutWhileTheRobotMoves) {
  DaemonOptions opts;
  opts.time_scale = 0.1;
  Daemon d(opts);
  d.Start();
  HANDLE h = Open();
  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = NullGuid();
  RobotBusy(d);
  auto t0 = Clock::now();
  EXPECT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, 0, 200, nullptr), DWORD(ERROR_TIMEOUT));
  int64_t took = MillisSince(t0);
  EXPECT_GE(took, 180);
  EXPECT_LT(took, 700) << "the call must give up at dwTimeout, not when the move ends";
  EXPECT_TRUE(SameGuid(drive, NullGuid())) << "no drive list on a timeout";
  if (TgtBackend()) {
    // The worker claimed the mount (its first device command is the move).
    auto reqs = Requests(h, "sim0");
    auto* r = FindRequest(reqs, NTMS_LM_MOUNT, media);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_INPROCESS)) << "the move is not under way";
  }
  RobotDone(d);
  // The move already under way finishes; catalogue and device agree afterwards.
  WaitIdle(h, "sim0");
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  auto reqs = Requests(h, "sim0");
  auto* r = FindRequest(reqs, NTMS_LM_MOUNT, media);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_FAILED));
  EXPECT_EQ(r->Info.LibRequest.dwErrorCode, DWORD(ERROR_TIMEOUT));
  // The cancelled mount holds nothing: the cartridge waits in a dismountable
  // drive, and another session can use it at once.
  auto mi = Info(h, media).Info.PhysicalMedia;
  ASSERT_EQ(mi.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_EQ(Info(h, mi.Location).Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTABLE));
  HANDLE other = Open("other");
  NTMS_GUID got = NullGuid();
  EXPECT_EQ(MountNtmsMedia(other, &media, &got, 1, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 0, 5000, nullptr),
            DWORD(ERROR_SUCCESS))
      << d.log();
  EXPECT_TRUE(SameGuid(got, mi.Location));
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  CloseNtmsSession(other);
  CloseNtmsSession(h);
}

// ---- ERROR_CANCELLED --------------------------------------------------------------

TEST_F(MountMediaTest, CancelledWhenSessionClosedWhileWaitingForADrive) {
  MountBarcode("A00001L6");
  HANDLE second = Another();
  MountBarcode("A00002L6", second);  // both drives now held by other sessions' mounts
  HANDLE waiter = Open("waiter");
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID media = MediaByBarcode(h_, "A00003L6");
  auto t0 = Clock::now();
  auto result = std::async(std::launch::async, [&] {
    NTMS_GUID drive = NullGuid();
    return MountNtmsMedia(waiter, &media, &drive, 1, NTMS_MOUNT_READ, 0, 20000, nullptr);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(result.wait_for(std::chrono::seconds(0)), std::future_status::timeout) << "the mount must wait";
  EXPECT_EQ(CloseNtmsSession(waiter), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(result.get(), DWORD(ERROR_CANCELLED));
  EXPECT_LT(MillisSince(t0), 10000);
  EXPECT_EQ(NoRequests(Snapshot(h_, "sim0")), NoRequests(before));
  EXPECT_EQ(CancelledMounts(h_, media, ERROR_CANCELLED), 1) << "the waiting mount, cancelled with its session";
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// A mount of a cartridge that a dismount is carrying home waits for that
// dismount and then mounts it: rsmd marks a cartridge "location unknown"
// while its own robot moves it, and that mark must not read as
// ERROR_MEDIA_OFFLINE to a caller who asks meanwhile.
// dwTimeout 0 means "do not wait for resources": a mount that can run runs to
// the end (the robot takes ~0.8 s here), so that a call that fails never
// leaves its cartridge loaded; one that cannot run fails ERROR_BUSY at once.
TEST(MountMediaTimingTest, TimeoutZeroRunsWhatCanRunAndRefusesWhatMustWait) {
  DaemonOptions opts;
  opts.time_scale = 0.1;
  Daemon d(opts);
  d.Start();
  HANDLE h = Open();
  NTMS_GUID a = MediaByBarcode(h, "A00001L6"), b = MediaByBarcode(h, "A00002L6");
  NTMS_GUID c = MediaByBarcode(h, "A00003L6");
  NTMS_GUID da = NullGuid(), db = NullGuid(), dc = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h, &a, &da, 1, NTMS_MOUNT_READ, 0, 0, nullptr), DWORD(ERROR_SUCCESS)) << d.log();
  EXPECT_FALSE(SameGuid(da, NullGuid()));
  EXPECT_EQ(Info(h, a).Info.PhysicalMedia.MediaState, DWORD(NTMS_MEDIASTATE_MOUNTED));
  ASSERT_EQ(MountNtmsMedia(h, &b, &db, 1, NTMS_MOUNT_READ, 0, 0, nullptr), DWORD(ERROR_SUCCESS)) << d.log();
  // Both drives hold cartridges in use: nothing can free one.
  std::string before = NoRequests(Snapshot(h, "sim0"));
  EXPECT_EQ(MountNtmsMedia(h, &c, &dc, 1, NTMS_MOUNT_READ, 0, 0, nullptr), DWORD(ERROR_BUSY));
  EXPECT_TRUE(SameGuid(dc, NullGuid()));
  EXPECT_EQ(NoRequests(Snapshot(h, "sim0")), before);
  for (const auto& r : Requests(h, "sim0"))
    if (r.Info.LibRequest.OperationCode == NTMS_LM_MOUNT && SameGuid(r.Info.LibRequest.PhysMediaId, a)) {
      EXPECT_EQ(r.Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
    }
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  CloseNtmsSession(h);
}

TEST(MountMediaTimingTest, WaitsForTheDismountThatIsMovingTheCartridge) {
  DaemonOptions opts;
  opts.time_scale = 0.1;
  Daemon d(opts);
  d.Start();
  HANDLE h = Open();
  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, 0, 30000, nullptr), DWORD(ERROR_SUCCESS));
  RobotBusy(d);
  NTMS_GUID side = SideOf(h, media);
  ASSERT_EQ(DismountNtmsMedia(h, &side, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  WaitForRequestState(h, NTMS_LM_DISMOUNT, media, NTMS_LM_INPROCESS);
  HANDLE h2 = Open("again");
  NTMS_GUID again_drive = NullGuid();
  auto again = std::async(std::launch::async, [&] {
    NTMS_GUID m = media;
    return MountNtmsMedia(h2, &m, &again_drive, 1, NTMS_MOUNT_READ, 0, 30000, nullptr);
  });
  EXPECT_EQ(again.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "the mount must wait for the dismount under way, not fail";
  RobotDone(d);
  ASSERT_EQ(again.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(again.get(), DWORD(ERROR_SUCCESS)) << d.log();
  WaitIdle(h, "sim0");
  auto reqs = Requests(h, "sim0");
  auto* dis = FindRequest(reqs, NTMS_LM_DISMOUNT, media);
  ASSERT_NE(dis, nullptr);
  EXPECT_EQ(dis->Info.LibRequest.State, DWORD(NTMS_LM_PASSED)) << "the dismount ran first";
  EXPECT_EQ(Info(h, media).Info.PhysicalMedia.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  EXPECT_EQ(CloseNtmsSession(h2), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CloseNtmsSession(h), DWORD(ERROR_SUCCESS));
}

// A mount queued behind a running inventory is cancelled by
// CancelNtmsLibraryRequest or by closing its session; a mount whose robot
// move is under way when its session closes ends cancelled too, and leaves
// nothing held. time_scale 0.1: inventory 3 s, one move 0.8 s.
TEST(MountMediaTimingTest, CancelledWhileQueuedOrMoving) {
  DaemonOptions opts;
  opts.time_scale = 0.1;
  Daemon d(opts);
  d.Start();
  HANDLE h = Open(), second = Open("second"), third = Open("third"), fourth = Open("fourth");
  NTMS_GUID lib = LibraryId(h, "sim0");
  NTMS_GUID m1 = MediaByBarcode(h, "A00001L6"), m2 = MediaByBarcode(h, "A00002L6"), m3 = MediaByBarcode(h, "A00003L6");
  auto mount_in = [](HANDLE session, NTMS_GUID media) {
    return std::async(std::launch::async, [session, media]() mutable {
      NTMS_GUID drive = NullGuid();
      return MountNtmsMedia(session, &media, &drive, 1, NTMS_MOUNT_READ, 0, 30000, nullptr);
    });
  };
  RobotBusy(d);
  auto inventory = std::async(std::launch::async, [&] {
    HANDLE hi = Open("inventory");
    DWORD rc = InventoryNtmsLibrary(hi, &lib, NTMS_INVENTORY_DEFAULT);
    CloseNtmsSession(hi);
    return rc;
  });
  WaitForRequestState(h, NTMS_LM_INVENTORY, NullGuid(), NTMS_LM_INPROCESS);  // the robot is busy
  auto by_cancel = mount_in(second, m2);
  auto by_close = mount_in(third, m3);
  NTMS_GUID queued2 = WaitForRequestState(h, NTMS_LM_MOUNT, m2, NTMS_LM_QUEUED);
  WaitForRequestState(h, NTMS_LM_MOUNT, m3, NTMS_LM_QUEUED);
  EXPECT_EQ(CancelNtmsLibraryRequest(h, &queued2), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(by_cancel.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(by_cancel.get(), DWORD(ERROR_CANCELLED));
  EXPECT_EQ(CloseNtmsSession(third), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(by_close.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(by_close.get(), DWORD(ERROR_CANCELLED));
  EXPECT_EQ(Info(h, queued2).Info.LibRequest.State, DWORD(NTMS_LM_CANCELLED));
  RobotDone(d);
  EXPECT_EQ(inventory.get(), DWORD(ERROR_SUCCESS));
  WaitIdle(h, "sim0");
  EXPECT_EQ(Info(h, m2).Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT)) << "never moved";
  EXPECT_EQ(Info(h, m3).Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT)) << "never moved";
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");

  // The session closes while the robot carries its cartridge.
  RobotBusy(d);
  auto moving = mount_in(fourth, m1);
  WaitForRequestState(h, NTMS_LM_MOUNT, m1, NTMS_LM_INPROCESS);
  EXPECT_EQ(CloseNtmsSession(fourth), DWORD(ERROR_SUCCESS));
  // The call ends when the robot has put the cartridge down (rsmd waits for
  // the request it already runs), cancelled.
  RobotDone(d);
  ASSERT_EQ(moving.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(moving.get(), DWORD(ERROR_CANCELLED));
  WaitIdle(h, "sim0");
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  NTMS_GUID got = NullGuid();
  EXPECT_EQ(MountNtmsMedia(second, &m1, &got, 1, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE, 0, 5000, nullptr),
            DWORD(ERROR_SUCCESS))
      << "a closed session holds nothing\n"
      << d.log();
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  CloseNtmsSession(second);
  CloseNtmsSession(h);
}

// ---- ERROR_RESOURCE_DISABLED --------------------------------------------------------

TEST_F(MountMediaTest, ResourceDisabledWhenLibraryDisabled) {
  NTMS_GUID lib = LibraryId(h_, "sim0");
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &lib), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = NullGuid();
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_RESOURCE_DISABLED));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_LIBRARY, &lib), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_SUCCESS));
}

TEST_F(MountMediaTest, ResourceDisabledWhenMediaDisabled) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = NullGuid();
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_PHYSICAL_MEDIA, &media), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_RESOURCE_DISABLED));
  EXPECT_EQ(Mount(h_, SideOf(h_, media), &drive), DWORD(ERROR_RESOURCE_DISABLED)) << "by side id";
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_PHYSICAL_MEDIA, &media), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_SUCCESS));
}

TEST_F(MountMediaTest, ResourceDisabledWhenSpecificDriveDisabled) {
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = drives_[0];
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE), DWORD(ERROR_RESOURCE_DISABLED));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  // Without a specific drive the enabled one is used.
  drive = NullGuid();
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(drive, drives_[1]));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(MountMediaTest, ResourceDisabledWhenAllDrivesDisabled) {
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drives_[1]), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = NullGuid();
  auto t0 = Clock::now();
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ, 5000), DWORD(ERROR_RESOURCE_DISABLED));
  EXPECT_LT(MillisSince(t0), 2000) << "no point waiting for a disabled drive";
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// ---- library/media availability ---------------------------------------------------------

TEST_F(MountMediaTest, MediaOfflineWhenRemovedByOperator) {
  ASSERT_EQ(d_->Hook("sim0", "remove", 0, 0, "slot:3"), 0u);  // A00004L6 taken out by hand
  NTMS_GUID lib = LibraryId(h_, "sim0");
  NTMS_GUID media = MediaByBarcode(h_, "A00004L6");
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  ASSERT_TRUE(SameGuid(Info(h_, media).Info.PhysicalMedia.Location, NullGuid())) << "offline after inventory";
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID drive = NullGuid();
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_OFFLINE, 1000), DWORD(ERROR_MEDIA_OFFLINE));
  EXPECT_EQ(Mount(h_, SideOf(h_, media), &drive, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_OFFLINE, 1000),
            DWORD(ERROR_MEDIA_OFFLINE));
  EXPECT_TRUE(SameGuid(drive, NullGuid()));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(MountMediaTest, InvalidLibraryWhenLibraryNoLongerPresent) {
  NTMS_GUID media = StandaloneMedia(h_);
  DaemonOptions opts;
  opts.standalone_library = false;  // "tape0" leaves the configuration
  Restart(opts);
  std::string before = Snapshot(h_, "tape0");
  NTMS_GUID drive = NullGuid();
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_INVALID_LIBRARY));
  EXPECT_EQ(Mount(h_, SideOf(h_, media), &drive), DWORD(ERROR_INVALID_LIBRARY));
  EXPECT_EQ(Snapshot(h_, "tape0"), before);
}

// Not in the SDK page's list, but in MS-RSMP's MountNtmsMedia return table:
// the library is enabled but its device cannot be reached.
TEST_F(MountMediaTest, ResourceNotAvailableWhenLibraryOffline) {
  ASSERT_EQ(d_->Hook("sim0", "unavailable", 0, 1), 0u);
  NTMS_GUID lib = LibraryId(h_, "sim0");
  EXPECT_EQ(InventoryNtmsLibrary(h_, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  ASSERT_EQ(Info(h_, lib).dwOperationalState, DWORD(NTMS_NEEDS_SERVICE));
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = NullGuid();
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_RESOURCE_NOT_AVAILABLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  ASSERT_EQ(d_->Hook("sim0", "unavailable", 0, 0), 0u);
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// ERROR_INVALID_STATE: the robot failed during the mount, so the cartridge's
// whereabouts are unknown until an inventory.
TEST_F(MountMediaTest, InvalidStateWhenTheMoveFails) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = NullGuid();
  ASSERT_EQ(d_->Hook("sim0", "move_fail", 0, 1), 0u);
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_INVALID_STATE)) << d_->log();
  EXPECT_TRUE(SameGuid(drive, NullGuid()));
  ASSERT_EQ(d_->Hook("sim0", "move_fail", 0, 0), 0u);  // repaired (tgt: the tape images are back)
  WaitIdle(h_, "sim0");
  auto reqs = Requests(h_, "sim0");
  auto* r = FindRequest(reqs, NTMS_LM_MOUNT, media);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_FAILED));
  // An inventory settles where it is; then it mounts.
  NTMS_GUID lib = LibraryId(h_, "sim0");
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_SUCCESS)) << d_->log();
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// ---- ERROR_WRITE_PROTECT ------------------------------------------------------------

TEST_F(MountMediaTest, WriteProtectForCompletedSide) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  NTMS_GUID side = SideOf(h_, media);
  // No API sets a side Complete yet (SetNtmsMediaComplete is ERROR_NOT_SUPPORTED):
  // set it in the catalogue with the daemon stopped.
  CloseNtmsSession(h_);
  h_ = nullptr;
  d_->Stop();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(d_->catalog_path().c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE partition SET state = ?1 WHERE id = ?2", -1, &st, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_bind_int(st, 1, NTMS_PARTSTATE_COMPLETE);
    // The catalogue keeps ids as 16 raw bytes in NTMS_GUID's memory order.
    sqlite3_bind_blob(st, 2, &side, sizeof side, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE) << sqlite3_errmsg(db);
    EXPECT_EQ(sqlite3_changes(db), 1) << "side not found by its raw id";
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  d_->Start();
  h_ = Open();
  ASSERT_EQ(Info(h_, side).Info.Partition.State, DWORD(NTMS_PARTSTATE_COMPLETE));
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID drive = NullGuid();
  EXPECT_EQ(Mount(h_, media, &drive, NTMS_MOUNT_WRITE), DWORD(ERROR_WRITE_PROTECT));
  EXPECT_EQ(Mount(h_, side, &drive, NTMS_MOUNT_READ | NTMS_MOUNT_WRITE), DWORD(ERROR_WRITE_PROTECT));
  EXPECT_TRUE(SameGuid(drive, NullGuid()));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // Completed media can still be read.
  EXPECT_EQ(Mount(h_, side, &drive, NTMS_MOUNT_READ), DWORD(ERROR_SUCCESS));
  ExpectMounted(h_, *d_, media, drive);
}

// ---- service-side failures -----------------------------------------------------------

TEST_F(MountMediaTest, NotEnoughMemoryOnInjectedAllocationFailure) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = NullGuid();
  std::string before = Snapshot(h_, "sim0");
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "MountNtmsMedia"), 0u);
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_TRUE(SameGuid(drive, NullGuid()));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_SUCCESS)) << "armed for one call only";
}

TEST_F(MountMediaTest, DatabaseFailureWhenCatalogueDamaged) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = NullGuid();
  SimState dev_before = ReadSimState(*d_, "sim0");
  FILE* f = fopen(d_->catalog_path().c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::string garbage(4096, '\x5a');
  ASSERT_EQ(fwrite(garbage.data(), 1, garbage.size(), f), garbage.size());
  fclose(f);
  EXPECT_EQ(Mount(h_, media, &drive), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_TRUE(d_->Running()) << "rsmd must stay up";
  EXPECT_TRUE(SameGuid(drive, NullGuid()));
  SimState dev_after = ReadSimState(*d_, "sim0");
  for (size_t i = 0; i < dev_before.drives.size(); ++i) EXPECT_FALSE(dev_after.drives[i].full) << "nothing moved";
  EXPECT_TRUE(dev_after.slots[0].full);
}

TEST(MountMediaFullTest, DatabaseFull) {
  DaemonOptions opts;
  opts.max_pages = 64;
  Daemon d(opts);
  d.Start();
  HANDLE h = Open();
  auto drives = Drives(h, "sim0");
  ASSERT_EQ(drives.size(), 2u);
  FillCatalogue(d, h, drives[1]);
  std::string before = Snapshot(h, "sim0");
  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = drives[0];
  EXPECT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, 10000, nullptr),
            DWORD(ERROR_DATABASE_FULL));
  EXPECT_EQ(Snapshot(h, "sim0"), before);
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  EXPECT_FALSE(ReadSimState(d, "sim0").drives[0].full) << "nothing moved";
  CloseNtmsSession(h);
}

}  // namespace
}  // namespace openrsm::apitest
