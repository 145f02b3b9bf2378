// Device faults of a real SCSI library, through the public C API against a
// running rsmd whose "sim0" is the tgt VTL (RSM_API_BACKEND=tgt, ctest
// tgt.api.TgtFaults.*; skipped otherwise):
//   * the library target is deleted and recreated (a power cycle: UNIT
//     ATTENTION 29/00 on the next command), with cartridges moved meanwhile,
//     and its connections dropped (a bus reset, UA 29/00 too);
//   * a cartridge whose tape image is missing (MOVE MEDIUM into a drive:
//     HARDWARE ERROR 15/01);
//   * a destination an operator filled behind rsmd's back (3B/0D), for a
//     dismount (slot) and a mount (drive).
// Each call gives a precise error (the library request keeps the exact
// code), nothing is lost, and after an inventory the catalogue agrees with
// the device (CompareWithDevice: a second iSCSI session plus tgtadm).
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

#define SKIP_UNLESS_TGT() \
  if (TgtBackend()) {     \
  } else                  \
    GTEST_SKIP() << "needs the tgt VTL (RSM_API_BACKEND=tgt)"

// Every cartridge of `barcodes` is catalogued exactly once, in sim0, and
// the catalogue agrees with the device.
void ExpectConsistent(HANDLE h, const Daemon& d, const std::multiset<std::string>& barcodes) {
  EXPECT_EQ(CompareWithDevice(h, d, "sim0"), "");
  NTMS_GUID lib = LibraryId(h, "sim0");
  std::multiset<std::string> got;
  for (const auto& id : List(h, &lib, NTMS_PHYSICAL_MEDIA)) got.insert(Info(h, id).Info.PhysicalMedia.szBarCode);
  EXPECT_EQ(got, barcodes);
}

const std::multiset<std::string> kMedia = {"A00001L6", "A00002L6", "A00003L6", "A00004L6"};

// The one finished library request of operation `op` for cartridge `media`.
NTMS_LIBREQUESTINFORMATIONA OnlyRequest(HANDLE h, DWORD op, const NTMS_GUID& media) {
  std::vector<NTMS_LIBREQUESTINFORMATIONA> found;
  for (const auto& r : Requests(h, "sim0"))
    if (r.Info.LibRequest.OperationCode == op && SameGuid(r.Info.LibRequest.PhysMediaId, media))
      found.push_back(r.Info.LibRequest);
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? NTMS_LIBREQUESTINFORMATIONA{} : found.back();
}

int SlotNumberOf(HANDLE h, const std::string& barcode) {
  auto m = Info(h, MediaByBarcode(h, barcode)).Info.PhysicalMedia;
  if (m.LocationType != NTMS_STORAGESLOT) return -1;
  return int(Info(h, m.Location).Info.StorageSlot.Number);
}

NTMS_GUID SlotByNumber(HANDLE h, DWORD number) {
  NTMS_GUID lib = LibraryId(h, "sim0");
  for (const auto& id : List(h, &lib, NTMS_STORAGESLOT))
    if (Info(h, id).Info.StorageSlot.Number == number) return id;
  ADD_FAILURE() << "no slot " << number;
  return NullGuid();
}

// A power cycle of the library with cartridges moved while it was off: the
// target is deleted and rebuilt under the running rsmd with A00003L6 moved
// from slot 2 to slot 7 and a new A00005L6 in slot 9. The next mount meets
// UNIT ATTENTION 29/00, retries and succeeds; rsmd then inventories by
// itself, before answering, so the catalogue already follows the device.
TEST(TgtFaults, TargetRecreatedUnderRunningRsmdIsRetriedThenInventoried) {
  SKIP_UNLESS_TGT();
  Daemon d;
  d.Start();
  HANDLE h = Open();
  ASSERT_EQ(CompareWithDevice(h, d, "sim0"), "");
  ASSERT_EQ(SlotNumberOf(h, "A00003L6"), 2);

  ASSERT_EQ(RunVtl("recreate", {"A00001L6", "A00002L6", "-", "A00004L6", "-", "-", "-", "A00003L6", "-", "A00005L6"}),
            0);
  // Before any command reaches the new target, the catalogue is stale.
  EXPECT_NE(CompareWithDevice(h, d, "sim0"), "");

  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, 0, 30000, nullptr), DWORD(ERROR_SUCCESS)) << d.log();
  EXPECT_NE(d.log().find("UNIT ATTENTION); running an inventory"), std::string::npos) << d.log();
  // The inventory rsmd ran by itself: no InventoryNtmsLibrary was called.
  ExpectConsistent(h, d, {"A00001L6", "A00002L6", "A00003L6", "A00004L6", "A00005L6"});
  EXPECT_EQ(SlotNumberOf(h, "A00003L6"), 7);
  EXPECT_EQ(SlotNumberOf(h, "A00005L6"), 9);
  EXPECT_EQ(Info(h, SlotByNumber(h, 2)).Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_EMPTY));
  // The mounted cartridge is still held by this session and dismounts (the
  // drive LUN's own UNIT ATTENTION is retried too).
  EXPECT_EQ(Info(h, media).Info.PhysicalMedia.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_EQ(DismountNtmsDrive(h, &drive), DWORD(ERROR_SUCCESS));
  ExpectConsistent(h, d, {"A00001L6", "A00002L6", "A00003L6", "A00004L6", "A00005L6"});
  // The moved cartridge mounts from its new slot.
  NTMS_GUID moved = MediaByBarcode(h, "A00003L6"), drive2 = NullGuid();
  EXPECT_EQ(MountNtmsMedia(h, &moved, &drive2, 1, NTMS_MOUNT_READ, 0, 30000, nullptr), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(DismountNtmsDrive(h, &drive2), DWORD(ERROR_SUCCESS));
  ExpectConsistent(h, d, {"A00001L6", "A00002L6", "A00003L6", "A00004L6", "A00005L6"});
  CloseNtmsSession(h);
}

// A bus reset as rsmd sees it: every connection to the library target is
// closed (vtl.sh drop-sessions) while a cartridge is mounted, after an
// operator moved another one from slot 3 to slot 10 with the front panel
// (no UNIT ATTENTION for that). The next call, DismountNtmsDrive,
// reconnects, meets UA 29/00 on the drive and on the changer, retries and
// succeeds; the changer's UA makes rsmd inventory, so the catalogue also
// learns of the operator's move.
TEST(TgtFaults, SessionsDroppedUnderRunningRsmdDismountStillSucceeds) {
  SKIP_UNLESS_TGT();
  Daemon d;
  d.Start();
  HANDLE h = Open();
  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, 0, 30000, nullptr), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(OperatorMove("slot:3", "slot:10"), DWORD(ERROR_SUCCESS));
  EXPECT_NE(CompareWithDevice(h, d, "sim0"), "");  // rsmd cannot know yet
  ASSERT_EQ(RunVtl("drop-sessions"), 0);

  EXPECT_EQ(DismountNtmsDrive(h, &drive), DWORD(ERROR_SUCCESS)) << d.log();
  EXPECT_NE(d.log().find("UNIT ATTENTION); running an inventory"), std::string::npos) << d.log();
  ExpectConsistent(h, d, kMedia);
  EXPECT_EQ(SlotNumberOf(h, "A00001L6"), 0);
  EXPECT_EQ(SlotNumberOf(h, "A00004L6"), 10);
  CloseNtmsSession(h);
}

// A cartridge whose tape image is gone: tgt cannot load it (HARDWARE ERROR
// 15/01, mechanical positioning error). MountNtmsMedia reports an
// unexpected device state, the request keeps ERROR_UNABLE_TO_LOAD_MEDIUM;
// where the cartridge is counts as unknown until an inventory.
TEST(TgtFaults, MissingTapeImageFailsTheMountPreciselyAndLosesNothing) {
  SKIP_UNLESS_TGT();
  Daemon d;
  d.Start();
  HANDLE h = Open();
  const std::string image = VtlMediaDir() + "/A00002L6";
  ASSERT_EQ(std::rename(image.c_str(), (image + ".gone").c_str()), 0) << image;

  NTMS_GUID media = MediaByBarcode(h, "A00002L6"), drive = NullGuid();
  EXPECT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, 0, 30000, nullptr), DWORD(ERROR_INVALID_STATE));
  auto req = OnlyRequest(h, NTMS_LM_MOUNT, media);
  EXPECT_EQ(req.State, DWORD(NTMS_LM_FAILED));
  EXPECT_EQ(req.dwErrorCode, DWORD(ERROR_UNABLE_TO_LOAD_MEDIUM));
  // On the device nothing moved (tgt leaves the cartridge in its slot).
  SimState dev = ReadSimState(d, "sim0");
  ASSERT_GE(dev.slots.size(), 2u);
  EXPECT_TRUE(dev.slots[1].full && dev.slots[1].barcode == "A00002L6");
  for (const auto& e : dev.drives) EXPECT_FALSE(e.full);
  // The catalogue marks what it cannot know: the source slot needs an
  // inventory, and the cartridge cannot be mounted until one ran.
  EXPECT_EQ(Info(h, SlotByNumber(h, 1)).Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_NEEDSINVENTORY));
  NTMS_GUID again = NullGuid();
  EXPECT_EQ(MountNtmsMedia(h, &media, &again, 1, NTMS_MOUNT_READ, 0, 5000, nullptr), DWORD(ERROR_MEDIA_OFFLINE));
  // Every other cartridge still mounts.
  NTMS_GUID other = MediaByBarcode(h, "A00004L6"), other_drive = NullGuid();
  EXPECT_EQ(MountNtmsMedia(h, &other, &other_drive, 1, NTMS_MOUNT_READ, 0, 30000, nullptr), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(DismountNtmsDrive(h, &other_drive), DWORD(ERROR_SUCCESS));

  NTMS_GUID lib = LibraryId(h, "sim0");
  ASSERT_EQ(InventoryNtmsLibrary(h, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  ExpectConsistent(h, d, kMedia);
  EXPECT_EQ(SlotNumberOf(h, "A00002L6"), 1);
  EXPECT_EQ(Info(h, SlotByNumber(h, 1)).Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_FULL));
  // With its image back, the cartridge mounts.
  ASSERT_EQ(std::rename((image + ".gone").c_str(), image.c_str()), 0);
  EXPECT_EQ(MountNtmsMedia(h, &media, &again, 1, NTMS_MOUNT_READ, 0, 30000, nullptr), DWORD(ERROR_SUCCESS));
  ExpectConsistent(h, d, kMedia);
  CloseNtmsSession(h);
}

// An operator puts a cartridge into the home slot of a mounted cartridge
// (tgtadm): the dismount's MOVE MEDIUM meets 3B/0D. DismountNtmsDrive
// reports the device unavailable, the request keeps ERROR_NOT_EMPTY,
// nothing moves, and the slot shows NTMS_SLOTSTATE_NEEDSINVENTORY, which
// keeps it from being a destination: the retried dismount goes elsewhere.
// The inventory then knows both cartridges.
TEST(TgtFaults, DismountIntoASlotAnOperatorFilledIsRefusedAndMarked) {
  SKIP_UNLESS_TGT();
  Daemon d;
  d.Start();
  HANDLE h = Open();
  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, 0, 30000, nullptr), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(Info(h, SlotByNumber(h, 0)).Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_EMPTY));
  // Slot 0 (element 1024), the cartridge's home, gets X00009L6 by hand.
  ASSERT_EQ(Tgtadm("--op update --mode logicalunit --tid 1 --lun 3 --params "
                   "element_type=2,address=1024,barcode=X00009L6,sides=1"),
            0);

  EXPECT_EQ(DismountNtmsDrive(h, &drive), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  auto req = OnlyRequest(h, NTMS_LM_DISMOUNT, media);
  EXPECT_EQ(req.State, DWORD(NTMS_LM_FAILED));
  EXPECT_EQ(req.dwErrorCode, DWORD(ERROR_NOT_EMPTY));
  // Nothing moved, on the device or in the catalogue (the cartridge is
  // still in its drive, held by this session); the slot is marked.
  SimState dev = ReadSimState(d, "sim0");
  DWORD drive_number = Info(h, drive).Info.Drive.Number;
  ASSERT_GT(dev.drives.size(), size_t(drive_number));
  EXPECT_EQ(dev.drives[drive_number].barcode, "A00001L6");
  EXPECT_EQ(dev.slots[0].barcode, "X00009L6");
  auto mi = Info(h, media).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_TRUE(SameGuid(mi.Location, drive));
  EXPECT_EQ(Info(h, SlotByNumber(h, 0)).Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_NEEDSINVENTORY));

  // A marked slot is no destination: the retried dismount goes to the
  // first slot known empty (4) and succeeds, before any inventory.
  EXPECT_EQ(DismountNtmsDrive(h, &drive), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(SlotNumberOf(h, "A00001L6"), 4);
  EXPECT_EQ(Info(h, SlotByNumber(h, 0)).Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_NEEDSINVENTORY));

  NTMS_GUID lib = LibraryId(h, "sim0");
  ASSERT_EQ(InventoryNtmsLibrary(h, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  ExpectConsistent(h, d, {"A00001L6", "A00002L6", "A00003L6", "A00004L6", "X00009L6"});
  EXPECT_EQ(SlotNumberOf(h, "X00009L6"), 0);
  EXPECT_EQ(SlotNumberOf(h, "A00001L6"), 4);
  EXPECT_EQ(Info(h, SlotByNumber(h, 0)).Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_FULL));
  CloseNtmsSession(h);
}

// An operator loads A00004L6 into drive 0 from the front panel (a second
// initiator's MOVE MEDIUM): a mount of A00001L6 into that drive meets
// 3B/0D. MountNtmsMedia reports an unexpected device state, the request
// keeps ERROR_NOT_EMPTY, nothing moves, A00001L6 stays mountable; after the
// inventory it mounts into the other drive.
TEST(TgtFaults, MountIntoADriveAnOperatorFilledIsRefused) {
  SKIP_UNLESS_TGT();
  Daemon d;
  d.Start();
  HANDLE h = Open();
  auto drives = Drives(h, "sim0");
  ASSERT_EQ(drives.size(), 2u);
  ASSERT_EQ(OperatorMove("slot:3", "drive:0"), DWORD(ERROR_SUCCESS));

  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), drive = drives[0];
  EXPECT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, 30000, nullptr),
            DWORD(ERROR_INVALID_STATE));
  auto req = OnlyRequest(h, NTMS_LM_MOUNT, media);
  EXPECT_EQ(req.State, DWORD(NTMS_LM_FAILED));
  EXPECT_EQ(req.dwErrorCode, DWORD(ERROR_NOT_EMPTY));
  SimState dev = ReadSimState(d, "sim0");
  EXPECT_EQ(dev.slots[0].barcode, "A00001L6");
  EXPECT_EQ(dev.drives[0].barcode, "A00004L6");
  // The refused cartridge is known where it is: not marked, still in slot 0.
  EXPECT_EQ(SlotNumberOf(h, "A00001L6"), 0);
  EXPECT_EQ(Info(h, SlotByNumber(h, 0)).Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_FULL));

  NTMS_GUID lib = LibraryId(h, "sim0");
  ASSERT_EQ(InventoryNtmsLibrary(h, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  ExpectConsistent(h, d, kMedia);
  EXPECT_EQ(Info(h, MediaByBarcode(h, "A00004L6")).Info.PhysicalMedia.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_EQ(Info(h, SlotByNumber(h, 3)).Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_EMPTY));
  NTMS_GUID any = NullGuid();
  EXPECT_EQ(MountNtmsMedia(h, &media, &any, 1, NTMS_MOUNT_READ, 0, 30000, nullptr), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(any, drives[1]));
  ExpectConsistent(h, d, kMedia);
  CloseNtmsSession(h);
}

}  // namespace
}  // namespace openrsm::apitest
