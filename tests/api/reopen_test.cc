// A SCSI library whose devices cannot be reached comes back by itself when
// they answer again, without restarting rsmd (LibraryWorker::MaybeReopen,
// docs/service.md "Reopening an offline library"). Through the public C API
// against a running rsmd whose "sim0" is the tgt VTL (RSM_API_BACKEND=tgt,
// ctest tgt.api.ReopenTest.*; skipped otherwise). `vtl.sh unreachable` sets the
// library target offline in tgt (logins refused) and drops its connections,
// keeping every element's state; `vtl.sh reachable` undoes it.
//   * rsmd starts while the target is unreachable, with an empty catalogue
//     (nothing of the library catalogued yet) and with a catalogued one;
//   * the target becomes unreachable while rsmd runs (the IE port poll is
//     the device contact that notices);
//   * reopen_seconds = 0: no retry, InventoryNtmsLibrary brings it back;
//   * a stand-alone drive (its own target, `vtl.sh unreachable 2`), at
//     start-up and at run time.
// Each time the library reads NTMS_NEEDS_SERVICE while unreachable, a mount
// is refused with ERROR_RESOURCE_NOT_AVAILABLE and changes nothing, and once
// the target is back the library is NTMS_READY within a bounded wait with
// the catalogue equal to the device, and a mount + dismount works.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

#define SKIP_UNLESS_TGT() \
  if (TgtBackend()) {     \
  } else                  \
    GTEST_SKIP() << "needs the tgt VTL (RSM_API_BACKEND=tgt)"

using Clock = std::chrono::steady_clock;

const std::multiset<std::string> kMedia = {"A00001L6", "A00002L6", "A00003L6", "A00004L6"};

// sim0 only (extra_config lands in its table), retrying every 2 s at most.
DaemonOptions Options(const std::string& extra = "reopen_seconds = 2\n") {
  DaemonOptions o;
  o.standalone_library = false;
  o.extra_config = extra;
  return o;
}

DWORD State(HANDLE h, const NTMS_GUID& lib) { return Info(h, lib, NTMS_LIBRARY).dwOperationalState; }

// Polls the library's operational state until it is `state`; returns the
// time waited, or a negative value after `limit`.
double WaitForState(HANDLE h, const NTMS_GUID& lib, DWORD state, std::chrono::seconds limit) {
  auto t0 = Clock::now();
  while (Clock::now() - t0 < limit) {
    if (State(h, lib) == state) return std::chrono::duration<double>(Clock::now() - t0).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return -1;
}

// The catalogue agrees with the device and holds exactly the VTL's cartridges.
void ExpectConsistent(HANDLE h, const Daemon& d) {
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  NTMS_GUID lib = LibraryId(h, "sim0");
  std::multiset<std::string> got;
  for (const auto& id : List(h, &lib, NTMS_PHYSICAL_MEDIA)) got.insert(Info(h, id).Info.PhysicalMedia.szBarCode);
  EXPECT_EQ(got, kMedia);
}

DWORD Mount(HANDLE h, const std::string& barcode, NTMS_GUID* drive) {
  NTMS_GUID media = MediaByBarcode(h, barcode);
  *drive = NullGuid();
  return MountNtmsMedia(h, &media, drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 30000, nullptr);
}

// While unreachable: offline, a mount is refused and changes nothing.
void ExpectOfflineRefusesMount(HANDLE h, const std::string& barcode) {
  NTMS_GUID lib = LibraryId(h, "sim0");
  EXPECT_EQ(State(h, lib), DWORD(NTMS_NEEDS_SERVICE));
  std::string before = Snapshot(h, "sim0");
  NTMS_GUID drive;
  EXPECT_EQ(Mount(h, barcode, &drive), DWORD(ERROR_RESOURCE_NOT_AVAILABLE));
  EXPECT_EQ(Snapshot(h, "sim0"), before);
}

// Back online: a mount and a dismount work and the catalogue follows the device.
void ExpectMountAndDismountWork(HANDLE h, const Daemon& d, const std::string& barcode) {
  NTMS_GUID drive;
  ASSERT_EQ(Mount(h, barcode, &drive), DWORD(ERROR_SUCCESS)) << d.log();
  ExpectConsistent(h, d);
  EXPECT_EQ(DismountNtmsDrive(h, &drive), DWORD(ERROR_SUCCESS)) << d.log();
  ExpectConsistent(h, d);
}

// rsmd starts with an empty catalogue while the target refuses logins: the
// library is catalogued offline with no element. Once the target is back,
// its worker opens the devices, catalogues the elements as start-up does
// (20 slots, 2 IE ports, the drives with their serials, the changer's
// serial), inventories and makes it READY.
TEST(ReopenTest, StartedWhileUnreachableOpensWhenReachable) {
  SKIP_UNLESS_TGT();
  DaemonOptions o = Options();
  o.reset_vtl = false;
  ASSERT_EQ(RunVtl("reset", o.media), 0);
  ASSERT_EQ(RunVtl("unreachable"), 0);
  Daemon d(o);
  d.Start();
  HANDLE h = Open();
  NTMS_GUID lib = LibraryId(h, "sim0");
  EXPECT_EQ(State(h, lib), DWORD(NTMS_NEEDS_SERVICE));
  EXPECT_TRUE(List(h, &lib, NTMS_STORAGESLOT).empty());
  EXPECT_TRUE(List(h, &lib, NTMS_DRIVE).empty());
  EXPECT_TRUE(List(h, &lib, NTMS_PHYSICAL_MEDIA).empty());
  EXPECT_EQ(InventoryNtmsLibrary(h, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  // Retries (every 2 s here) fail while the target is unreachable and write nothing.
  std::string before = Snapshot(h, "sim0");
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  EXPECT_NE(d.log().find("still offline"), std::string::npos) << d.log();
  EXPECT_EQ(State(h, lib), DWORD(NTMS_NEEDS_SERVICE));
  EXPECT_EQ(Snapshot(h, "sim0"), before);

  ASSERT_EQ(RunVtl("reachable"), 0);
  double waited = WaitForState(h, lib, NTMS_READY, std::chrono::seconds(20));
  ASSERT_GE(waited, 0) << d.log();
  std::printf("[ reopen ] start-up offline -> READY %.2f s after vtl.sh reachable\n", waited);
  EXPECT_EQ(List(h, &lib, NTMS_STORAGESLOT).size(), 20u);
  EXPECT_EQ(List(h, &lib, NTMS_IEPORT).size(), 2u);
  auto drives = Drives(h, "sim0");
  ASSERT_EQ(drives.size(), 2u);
  std::set<std::string> serials;
  for (const auto& id : drives) serials.insert(Info(h, id).Info.Drive.szSerialNumber);
  EXPECT_EQ(serials, (std::set<std::string>{"DRV0000001", "DRV0000002"}));
  auto changers = List(h, &lib, NTMS_CHANGER);
  ASSERT_EQ(changers.size(), 1u);
  EXPECT_STREQ(Info(h, changers[0]).Info.Changer.szSerialNumber, "CHG0000001");
  ExpectConsistent(h, d);
  ExpectMountAndDismountWork(h, d, "A00001L6");
  CloseNtmsSession(h);
}

// rsmd is restarted while the target is unreachable: the catalogued library
// starts offline (its cartridges stay catalogued in their slots, a mount is
// refused) and comes back when the target does.
TEST(ReopenTest, RestartedWhileUnreachableComesBack) {
  SKIP_UNLESS_TGT();
  Daemon d(Options());
  d.Start();
  HANDLE h = Open();
  ExpectConsistent(h, d);
  CloseNtmsSession(h);
  d.Stop();
  ASSERT_EQ(RunVtl("unreachable"), 0);
  d.Start();
  h = Open();
  NTMS_GUID lib = LibraryId(h, "sim0");
  ExpectOfflineRefusesMount(h, "A00002L6");
  ASSERT_EQ(RunVtl("reachable"), 0);
  double waited = WaitForState(h, lib, NTMS_READY, std::chrono::seconds(20));
  ASSERT_GE(waited, 0) << d.log();
  std::printf("[ reopen ] restart offline -> READY %.2f s after vtl.sh reachable\n", waited);
  ExpectConsistent(h, d);
  ExpectMountAndDismountWork(h, d, "A00002L6");
  CloseNtmsSession(h);
}

// The target becomes unreachable while rsmd runs with a cartridge mounted.
// The IE port poll (every second here) is the device contact that finds it
// gone and takes the library offline; no API call brings it back: the
// worker's retry reads the element status again once the target answers.
TEST(ReopenTest, UnreachableWhileRunningComesBack) {
  SKIP_UNLESS_TGT();
  Daemon d(Options("reopen_seconds = 2\nie_poll_seconds = 1\n"));
  d.Start();
  HANDLE h = Open();
  NTMS_GUID lib = LibraryId(h, "sim0");
  NTMS_GUID mounted;
  ASSERT_EQ(Mount(h, "A00001L6", &mounted), DWORD(ERROR_SUCCESS)) << d.log();
  ASSERT_EQ(RunVtl("unreachable"), 0);
  ASSERT_GE(WaitForState(h, lib, NTMS_NEEDS_SERVICE, std::chrono::seconds(15)), 0) << d.log();
  ExpectOfflineRefusesMount(h, "A00002L6");
  EXPECT_EQ(DismountNtmsDrive(h, &mounted), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  ASSERT_EQ(RunVtl("reachable"), 0);
  double waited = WaitForState(h, lib, NTMS_READY, std::chrono::seconds(20));
  ASSERT_GE(waited, 0) << d.log();
  std::printf("[ reopen ] run-time offline -> READY %.2f s after vtl.sh reachable\n", waited);
  ExpectConsistent(h, d);
  // The cartridge mounted before the outage is still in its drive, and dismounts.
  NTMS_GUID media = MediaByBarcode(h, "A00001L6");
  EXPECT_EQ(Info(h, media).Info.PhysicalMedia.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_EQ(DismountNtmsDrive(h, &mounted), DWORD(ERROR_SUCCESS)) << d.log();
  ExpectConsistent(h, d);
  ExpectMountAndDismountWork(h, d, "A00002L6");
  CloseNtmsSession(h);
}

// reopen_seconds = 0: the worker never retries; the library stays offline
// after the target is back (longer than the first 5 s step) until
// InventoryNtmsLibrary reads the device.
TEST(ReopenTest, ReopenSecondsZeroWaitsForAnInventory) {
  SKIP_UNLESS_TGT();
  Daemon d(Options("reopen_seconds = 0\nie_poll_seconds = 1\n"));
  d.Start();
  HANDLE h = Open();
  NTMS_GUID lib = LibraryId(h, "sim0");
  ASSERT_EQ(RunVtl("unreachable"), 0);
  ASSERT_GE(WaitForState(h, lib, NTMS_NEEDS_SERVICE, std::chrono::seconds(15)), 0) << d.log();
  ASSERT_EQ(RunVtl("reachable"), 0);
  EXPECT_LT(WaitForState(h, lib, NTMS_READY, std::chrono::seconds(7)), 0) << "no retry with reopen_seconds = 0";
  EXPECT_EQ(InventoryNtmsLibrary(h, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS)) << d.log();
  EXPECT_EQ(State(h, lib), DWORD(NTMS_READY));
  ExpectConsistent(h, d);
  ExpectMountAndDismountWork(h, d, "A00003L6");
  CloseNtmsSession(h);
}

// tape0 on tgt: the drive's LUN has its tape loaded and the catalogue holds
// exactly one cartridge, in that drive. (CompareWithDevice compares barcodes,
// which a stand-alone drive cannot read: the catalogue has it unlabeled.)
void ExpectStandaloneConsistent(HANDLE h, const Daemon& d, const NTMS_GUID& drive) {
  SimState dev = ReadSimState(d, "tape0");
  ASSERT_EQ(dev.drives.size(), 1u);
  EXPECT_TRUE(dev.drives[0].full);
  NTMS_GUID media = StandaloneMedia(h);
  auto m = Info(h, media).Info.PhysicalMedia;
  EXPECT_EQ(m.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_TRUE(SameGuid(m.Location, drive));
}

// A stand-alone drive ("tape0", its own target, tid 2): the probe is the
// drive's status, as in its inventory. rsmd starts while the drive's target
// is unreachable (the changer library "sim0" is unaffected), it comes back
// with its drive and cartridge catalogued; then it is lost at run time (an
// inventory finds it gone) and comes back again.
TEST(ReopenTest, StandaloneDriveComesBackAtStartAndAtRunTime) {
  SKIP_UNLESS_TGT();
  DaemonOptions o;  // sim0 and tape0; extra_config lands in tape0's table
  o.extra_config = "reopen_seconds = 2\n";
  o.reset_vtl = false;
  ASSERT_EQ(RunVtl("reset", o.media), 0);
  ASSERT_EQ(RunVtl("unreachable 2"), 0);
  Daemon d(o);
  d.Start();
  HANDLE h = Open();
  NTMS_GUID tape = LibraryId(h, "tape0");
  EXPECT_EQ(State(h, tape), DWORD(NTMS_NEEDS_SERVICE));
  EXPECT_EQ(State(h, LibraryId(h, "sim0")), DWORD(NTMS_READY));
  EXPECT_TRUE(List(h, &tape, NTMS_DRIVE).empty());
  ASSERT_EQ(RunVtl("reachable 2"), 0);
  double waited = WaitForState(h, tape, NTMS_READY, std::chrono::seconds(20));
  ASSERT_GE(waited, 0) << d.log();
  std::printf("[ reopen ] stand-alone start-up offline -> READY %.2f s after vtl.sh reachable 2\n", waited);
  auto drives = Drives(h, "tape0");
  ASSERT_EQ(drives.size(), 1u);
  EXPECT_STREQ(Info(h, drives[0]).Info.Drive.szSerialNumber, "DRV0000003");
  ExpectStandaloneConsistent(h, d, drives[0]);
  NTMS_GUID media = StandaloneMedia(h), drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 30000, nullptr),
            DWORD(ERROR_SUCCESS))
      << d.log();
  EXPECT_TRUE(SameGuid(drive, drives[0]));
  EXPECT_EQ(DismountNtmsDrive(h, &drive), DWORD(ERROR_SUCCESS)) << d.log();

  ASSERT_EQ(RunVtl("unreachable 2"), 0);
  EXPECT_EQ(InventoryNtmsLibrary(h, &tape, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  EXPECT_EQ(State(h, tape), DWORD(NTMS_NEEDS_SERVICE));
  drive = NullGuid();
  EXPECT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 30000, nullptr),
            DWORD(ERROR_RESOURCE_NOT_AVAILABLE));
  ASSERT_EQ(RunVtl("reachable 2"), 0);
  waited = WaitForState(h, tape, NTMS_READY, std::chrono::seconds(20));
  ASSERT_GE(waited, 0) << d.log();
  std::printf("[ reopen ] stand-alone run-time offline -> READY %.2f s after vtl.sh reachable 2\n", waited);
  ExpectStandaloneConsistent(h, d, drives[0]);
  EXPECT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 30000, nullptr),
            DWORD(ERROR_SUCCESS))
      << d.log();
  EXPECT_EQ(DismountNtmsDrive(h, &drive), DWORD(ERROR_SUCCESS)) << d.log();
  ExpectStandaloneConsistent(h, d, drives[0]);
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  CloseNtmsSession(h);
}

}  // namespace
}  // namespace openrsm::apitest
