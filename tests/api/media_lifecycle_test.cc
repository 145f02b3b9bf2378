// The media life cycle through the C API against a running rsmd:
// DecommissionNtmsMedia and DeleteNtmsMedia, every documented return code,
// and how a side's state governs MountNtmsMedia (service/lifecycle.h).
// Failure cases check that the catalogue did not change.
//
// Not provoked yet: DeleteNtmsMedia's ERROR_INVALID_STATE for an allocated,
// completed or reserved side needs AllocateNtmsMedia (issue 10); its
// ERROR_INVALID_STATE for media in a library is provoked below.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/api/harness.h"
#include "tests/support/shell.h"

namespace openrsm::apitest {
namespace {

class MediaLifecycleTest : public DaemonTest {
 protected:
  // The first side of the cartridge with `barcode`.
  NTMS_GUID SideOf(const std::string& barcode) {
    NTMS_GUID media = MediaByBarcode(h_, barcode);
    auto sides = List(h_, &media, NTMS_PARTITION);
    EXPECT_EQ(sides.size(), 1u) << barcode;
    return sides.empty() ? NullGuid() : sides[0];
  }
  // Every cartridge (all libraries and offline) with its pool, place and sides.
  std::string Catalogue() {
    std::ostringstream s;
    for (const auto& id : List(h_, nullptr, NTMS_PHYSICAL_MEDIA)) {
      auto m = Info(h_, id);
      s << m.Info.PhysicalMedia.szBarCode << " lib=" << GuidText(m.Info.PhysicalMedia.CurrentLibrary)
        << " pool=" << GuidText(m.Info.PhysicalMedia.MediaPool) << " loc=" << GuidText(m.Info.PhysicalMedia.Location)
        << " enabled=" << m.Enabled << "\n";
      NTMS_GUID copy = id;
      for (const auto& p : List(h_, &copy, NTMS_PARTITION)) {
        auto i = Info(h_, p);
        s << "  side " << i.Info.Partition.Side << " state=" << i.Info.Partition.State << "\n";
      }
    }
    return s.str();
  }
  DWORD SideState(const NTMS_GUID& side) { return Info(h_, side).Info.Partition.State; }
  // An operator takes the cartridge in `slot` out; the inventory records it offline.
  void TakeOut(int slot) {
    ASSERT_EQ(d_->Hook("sim0", "remove", 0, 0, "slot:" + std::to_string(slot)), 0u);
    ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  }
  // The cartridge `barcode` loses its pool, as a catalogue edited behind
  // rsmd's back (stopped) would have it: no call can make a pool-less cartridge.
  void DropPool(const std::string& barcode) {
    CloseNtmsSession(h_);
    h_ = nullptr;
    d_->Stop();
    std::string sql = "UPDATE physical_media SET pool = NULL WHERE barcode = '" + barcode + "'";
    ASSERT_EQ(test_support::ShellStatus("sqlite3 " + test_support::ShellQuote(d_->catalog_path()) + " " +
                                        test_support::ShellQuote(sql)),
              0);
    d_->Start();
    h_ = Open();
  }
  DWORD MountOnce(const NTMS_GUID& media, DWORD options) {
    NTMS_GUID m = media, drive = NullGuid();
    return MountNtmsMedia(h_, &m, &drive, 1, options, NTMS_PRIORITY_NORMAL, 10000, nullptr);
  }
};

// ---- DecommissionNtmsMedia ------------------------------------------------------------

TEST_F(MediaLifecycleTest, DecommissionAnAvailableSideIsFinal) {
  NTMS_GUID side = SideOf("A00002L6");
  ASSERT_EQ(SideState(side), DWORD(NTMS_PARTSTATE_AVAILABLE)) << "a new cartridge's side is Available";
  ASSERT_EQ(DecommissionNtmsMedia(h_, &side), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(SideState(side), DWORD(NTMS_PARTSTATE_DECOMMISSIONED));
  // SDK: ERROR_INVALID_STATE "The media is not in the Available state."
  std::string before = Catalogue();
  EXPECT_EQ(DecommissionNtmsMedia(h_, &side), DWORD(ERROR_INVALID_STATE));
  EXPECT_EQ(Catalogue(), before);
  // "the decommissioned media ... is never again used": no mount, nothing moves.
  std::string lib_before = Snapshot(h_, "sim0");
  EXPECT_EQ(MountOnce(side, NTMS_MOUNT_READ), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(MountOnce(MediaByBarcode(h_, "A00002L6"), NTMS_MOUNT_WRITE), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(Snapshot(h_, "sim0"), lib_before);
  // Kept across a restart.
  Restart({});
  EXPECT_EQ(SideState(side), DWORD(NTMS_PARTSTATE_DECOMMISSIONED));
  // Other cartridges are untouched and mount.
  EXPECT_EQ(SideState(SideOf("A00003L6")), DWORD(NTMS_PARTSTATE_AVAILABLE));
  EXPECT_EQ(MountOnce(MediaByBarcode(h_, "A00003L6"), NTMS_MOUNT_READ | NTMS_MOUNT_WRITE), DWORD(ERROR_SUCCESS));
}

TEST_F(MediaLifecycleTest, DecommissionInvalidParameterAndInvalidMedia) {
  std::string before = Catalogue();
  EXPECT_EQ(DecommissionNtmsMedia(h_, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID unknown = MediaByBarcode(h_, "A00002L6");
  unknown.Data1 ^= 0x5a5a5a5a;
  EXPECT_EQ(DecommissionNtmsMedia(h_, &unknown), DWORD(ERROR_INVALID_MEDIA));
  // A cartridge is not a side (the page's lpMediaId is a side), nor is a drive.
  NTMS_GUID cartridge = MediaByBarcode(h_, "A00002L6");
  EXPECT_EQ(DecommissionNtmsMedia(h_, &cartridge), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(DecommissionNtmsMedia(h_, &drives_[0]), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(Catalogue(), before);
}

// SDK: ERROR_INVALID_MEDIA_POOL "The media pool for media is not valid."
TEST_F(MediaLifecycleTest, DecommissionAndDeleteInvalidMediaPool) {
  TakeOut(2);
  DropPool("A00003L6");
  NTMS_GUID media = MediaByBarcode(h_, "A00003L6"), side = SideOf("A00003L6");
  std::string before = Catalogue();
  EXPECT_EQ(DecommissionNtmsMedia(h_, &side), DWORD(ERROR_INVALID_MEDIA_POOL));
  EXPECT_EQ(DeleteNtmsMedia(h_, &media), DWORD(ERROR_INVALID_MEDIA_POOL));
  EXPECT_EQ(Catalogue(), before);
}

TEST_F(MediaLifecycleTest, DecommissionInvalidHandle) {
  NTMS_GUID side = SideOf("A00002L6");
  EXPECT_EQ(DecommissionNtmsMedia(nullptr, &side), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(DecommissionNtmsMedia(reinterpret_cast<HANDLE>(0x42), &side), DWORD(ERROR_INVALID_HANDLE));
  HANDLE other = Another();
  ASSERT_EQ(CloseNtmsSession(other), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(DecommissionNtmsMedia(other, &side), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(SideState(side), DWORD(NTMS_PARTSTATE_AVAILABLE));
}

// SDK: ERROR_ACCESS_DENIED "NTMS_CONTROL_ACCESS to the media's media pool is denied".
TEST_F(MediaLifecycleTest, DecommissionAccessDenied) {
  NTMS_GUID side = SideOf("A00002L6");
  std::string before = Catalogue();
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"decommission", GuidText(side)}), uint32_t(ERROR_ACCESS_DENIED));
  EXPECT_EQ(Catalogue(), before);
  EXPECT_EQ(ProbeAs(*d_, 0, 0, {"decommission", GuidText(side)}), uint32_t(ERROR_SUCCESS));
}

TEST_F(MediaLifecycleTest, DecommissionCatalogueFailures) {
  NTMS_GUID side = SideOf("A00002L6");
  std::string before = Catalogue();
  ASSERT_EQ(d_->FailCatalog("DecommissionNtmsMedia", "commit", ERROR_DATABASE_FULL), 0u);
  EXPECT_EQ(DecommissionNtmsMedia(h_, &side), DWORD(ERROR_DATABASE_FULL));
  ASSERT_EQ(d_->FailCatalog("DecommissionNtmsMedia", "write", ERROR_DATABASE_FAILURE), 0u);
  EXPECT_EQ(DecommissionNtmsMedia(h_, &side), DWORD(ERROR_DATABASE_FAILURE));
  ASSERT_EQ(d_->FailCatalog("DecommissionNtmsMedia", "read", 0), 0u);
  EXPECT_EQ(DecommissionNtmsMedia(h_, &side), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(Catalogue(), before);
  EXPECT_EQ(DecommissionNtmsMedia(h_, &side), DWORD(ERROR_SUCCESS)) << "once the faults are spent";
}

// ---- DeleteNtmsMedia ------------------------------------------------------------------

TEST_F(MediaLifecycleTest, DeleteOnlyOfflineMedia) {
  NTMS_GUID media = MediaByBarcode(h_, "A00003L6");  // in slot 2
  // SDK: ERROR_INVALID_STATE "The media is not offline."
  std::string before = Catalogue();
  EXPECT_EQ(DeleteNtmsMedia(h_, &media), DWORD(ERROR_INVALID_STATE));
  EXPECT_EQ(Catalogue(), before);
  TakeOut(2);
  NTMS_GUID offline = OfflineLibraryId(h_);
  ASSERT_EQ(Info(h_, offline).Info.Library.dwNumberOfMedia, 1u);
  auto sides = List(h_, &media, NTMS_PARTITION);
  ASSERT_EQ(sides.size(), 1u);
  ASSERT_EQ(DeleteNtmsMedia(h_, &media), DWORD(ERROR_SUCCESS));
  // Gone, with its side; the offline library is empty again.
  NTMS_OBJECTINFORMATIONA info{};
  info.dwSize = sizeof info;
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &media, &info), DWORD(ERROR_OBJECT_NOT_FOUND));
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &sides[0], &info), DWORD(ERROR_OBJECT_NOT_FOUND));
  EXPECT_EQ(Info(h_, offline).Info.Library.dwNumberOfMedia, 0u);
  EXPECT_EQ(DeleteNtmsMedia(h_, &media), DWORD(ERROR_INVALID_MEDIA)) << "deleted once";
  // The cartridge comes back: a new record, an Available side in the Free pool
  // (an operator's "place" exists on the simulator only).
  if (TgtBackend()) return;
  ASSERT_EQ(d_->Hook("sim0", "place", 0, 0, "slot:2:A00003L6"), 0u);
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  NTMS_GUID again = MediaByBarcode(h_, "A00003L6");
  EXPECT_FALSE(SameGuid(again, media));
  EXPECT_EQ(SideState(SideOf("A00003L6")), DWORD(NTMS_PARTSTATE_AVAILABLE));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(MediaLifecycleTest, DeleteDecommissionedOfflineMedia) {
  NTMS_GUID side = SideOf("A00003L6");
  ASSERT_EQ(DecommissionNtmsMedia(h_, &side), DWORD(ERROR_SUCCESS));
  TakeOut(2);
  NTMS_GUID media = MediaByBarcode(h_, "A00003L6");
  EXPECT_EQ(DeleteNtmsMedia(h_, &media), DWORD(ERROR_SUCCESS)) << "lost or destroyed media leave the catalogue";
}

TEST_F(MediaLifecycleTest, DeleteInvalidParameterMediaAndHandle) {
  TakeOut(2);
  NTMS_GUID media = MediaByBarcode(h_, "A00003L6");
  std::string before = Catalogue();
  EXPECT_EQ(DeleteNtmsMedia(h_, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID side = SideOf("A00003L6");
  EXPECT_EQ(DeleteNtmsMedia(h_, &side), DWORD(ERROR_INVALID_MEDIA)) << "a side is not a physical media";
  EXPECT_EQ(DeleteNtmsMedia(h_, &lib_), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(DeleteNtmsMedia(nullptr, &media), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(DeleteNtmsMedia(reinterpret_cast<HANDLE>(0x42), &media), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(Catalogue(), before);
}

// SDK: ERROR_ACCESS_DENIED "NTMS_MODIFY_ACCESS to the computer or the media's media pool is denied".
TEST_F(MediaLifecycleTest, DeleteAccessDenied) {
  TakeOut(2);
  NTMS_GUID media = MediaByBarcode(h_, "A00003L6");
  std::string before = Catalogue();
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"delete-media", GuidText(media)}), uint32_t(ERROR_ACCESS_DENIED));
  EXPECT_EQ(Catalogue(), before);
  EXPECT_EQ(ProbeAs(*d_, 0, 0, {"delete-media", GuidText(media)}), uint32_t(ERROR_SUCCESS));
}

TEST_F(MediaLifecycleTest, DeleteCatalogueFailures) {
  TakeOut(2);
  NTMS_GUID media = MediaByBarcode(h_, "A00003L6");
  std::string before = Catalogue();
  ASSERT_EQ(d_->FailCatalog("DeleteNtmsMedia", "commit", ERROR_DATABASE_FULL), 0u);
  EXPECT_EQ(DeleteNtmsMedia(h_, &media), DWORD(ERROR_DATABASE_FULL));
  ASSERT_EQ(d_->FailCatalog("DeleteNtmsMedia", "write", ERROR_DATABASE_FAILURE), 0u);
  EXPECT_EQ(DeleteNtmsMedia(h_, &media), DWORD(ERROR_DATABASE_FAILURE));
  ASSERT_EQ(d_->FailCatalog("DeleteNtmsMedia", "read", 0), 0u);
  EXPECT_EQ(DeleteNtmsMedia(h_, &media), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(Catalogue(), before);
  EXPECT_EQ(DeleteNtmsMedia(h_, &media), DWORD(ERROR_SUCCESS));
}

}  // namespace
}  // namespace openrsm::apitest
