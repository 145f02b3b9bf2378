// ScsiChanger / ScsiDrive / MakeIscsiLibrary against the tgtd library of
// tests/tgt/vtl.sh (ctest fixture `vtl`). Every test rebuilds the targets
// first (`vtl.sh start` is idempotent and gives fresh tapes in known slots).
// Oracles: a second, independent iSCSI session and `tgtadm --op show`.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "devices/scsi/cdb.h"
#include "devices/scsi/iscsi_transport.h"
#include "devices/scsi/scsi_changer.h"
#include "devices/scsi/scsi_drive.h"
#include "devices/scsi/scsi_library.h"
#include "tests/support/vtl.h"

namespace openrsm::devices::scsi {
namespace {

using std::chrono::milliseconds;
const char* kVtl = test_support::kVtlIqn;
const char* kSolo = test_support::kSoloIqn;
using test_support::RunVtl;
using test_support::Tgtadm;
using test_support::TgtadmShow;
std::string Url(const char* iqn, int lun) { return test_support::VtlUrl(iqn, lun); }
// The "Backing store path" tgtadm shows for LUN `lun` of target 1.
std::string BackingStore(int lun) {
  std::string s = TgtadmShow();
  size_t t1 = s.find("Target 1:"), t2 = s.find("Target 2:");
  s = s.substr(t1, t2 == std::string::npos ? std::string::npos : t2 - t1);
  size_t at = s.find("LUN: " + std::to_string(lun));
  if (at == std::string::npos) return "?";
  at = s.find("Backing store path:", at);
  size_t end = s.find('\n', at);
  return s.substr(at + 20, end - at - 20);
}

LibraryConfig VtlConfig() {
  LibraryConfig c;
  c.name = "vtl";
  c.kind = "iscsi";
  c.changer_url = Url(kVtl, 3);
  c.drive_urls = {Url(kVtl, 1), Url(kVtl, 2)};
  return c;
}

const ElementStatus* Find(const std::vector<ElementStatus>& v, ElementType t, uint32_t i) {
  for (const auto& e : v)
    if (e.ref.type == t && e.ref.index == i) return &e;
  return nullptr;
}

class ScsiChangerTgt : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunVtl("start"), 0);
    auto devs = MakeIscsiLibrary(VtlConfig());
    ASSERT_TRUE(devs.ok()) << devs.status().ToString();
    devs_ = std::move(devs).value();
    ASSERT_NE(devs_.changer, nullptr);
  }
  std::vector<ElementStatus> Inventory() {
    auto r = devs_.changer->ReadElementStatus();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<ElementStatus>{};
  }
  LibraryDevices devs_;
};

TEST_F(ScsiChangerTgt, LayoutAndInventoryOfTheVtlLibrary) {
  auto layout = devs_.changer->Layout();
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->slots, 20u);
  EXPECT_EQ(layout->ieports, 2u);
  EXPECT_EQ(layout->drives, 3u);  // 256, 257 and the spare 258
  EXPECT_EQ(layout->transports, 1u);
  EXPECT_EQ(layout->vendor, "STK");
  EXPECT_EQ(layout->product, "L700");
  EXPECT_EQ(layout->serial, "CHG0000001");

  auto inv = Inventory();
  for (uint32_t i = 0; i < 10; ++i) {
    const auto* e = Find(inv, ElementType::kStorage, i);
    ASSERT_NE(e, nullptr) << i;
    EXPECT_TRUE(e->full);
    char bc[16];
    std::snprintf(bc, sizeof bc, "T%05uL6", i + 1);
    EXPECT_EQ(e->barcode, bc);
  }
  ASSERT_NE(Find(inv, ElementType::kStorage, 10), nullptr);
  EXPECT_TRUE(Find(inv, ElementType::kStorage, 10)->full);
  EXPECT_EQ(Find(inv, ElementType::kStorage, 10)->barcode, "CLN001L1");  // the cleaning tape
  EXPECT_TRUE(Find(inv, ElementType::kStorage, 11)->full);               // the unlabeled one
  EXPECT_EQ(Find(inv, ElementType::kStorage, 11)->barcode, "");
  for (uint32_t i = 12; i < 20; ++i) EXPECT_FALSE(Find(inv, ElementType::kStorage, i)->full) << i;
  for (uint32_t i = 0; i < 2; ++i) EXPECT_FALSE(Find(inv, ElementType::kImportExport, i)->full);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_FALSE(Find(inv, ElementType::kDataTransfer, i)->full);
  EXPECT_NE(Find(inv, ElementType::kTransport, 0), nullptr);
  EXPECT_EQ(inv.size(), 1u + 20u + 2u + 3u);
}

TEST_F(ScsiChangerTgt, DrivesAreMappedByDvcidSerialAndTheSpareHasNone) {
  ASSERT_EQ(devs_.drives.size(), 3u);
  ASSERT_NE(devs_.drives[0], nullptr);
  ASSERT_NE(devs_.drives[1], nullptr);
  EXPECT_EQ(devs_.drives[2], nullptr);  // spare DTE 258: no drive behind it
  EXPECT_EQ(devs_.drives[0]->Identity()->serial, "DRV0000001");
  EXPECT_EQ(devs_.drives[1]->Identity()->serial, "DRV0000002");
  EXPECT_EQ(devs_.drives[0]->Identity()->vendor, "IBM");
  EXPECT_EQ(devs_.drives[0]->Identity()->product, "ULT3580-TD6");

  // Configured in the other order: the serials still decide.
  LibraryConfig c = VtlConfig();
  std::swap(c.drive_urls[0], c.drive_urls[1]);
  auto devs = MakeIscsiLibrary(c);
  ASSERT_TRUE(devs.ok()) << devs.status().ToString();
  ASSERT_EQ(devs->drives.size(), 3u);
  EXPECT_EQ(devs->drives[0]->Identity()->serial, "DRV0000001");
  EXPECT_EQ(devs->drives[1]->Identity()->serial, "DRV0000002");
  EXPECT_EQ(devs->drives[0]->Identity()->device_name, Url(kVtl, 1));

  // Only one drive configured: the other element stays empty.
  c.drive_urls = {Url(kVtl, 2)};
  devs = MakeIscsiLibrary(c);
  ASSERT_TRUE(devs.ok());
  EXPECT_EQ(devs->drives[0], nullptr);
  ASSERT_NE(devs->drives[1], nullptr);
  EXPECT_EQ(devs->drives[1]->Identity()->serial, "DRV0000002");
}

TEST_F(ScsiChangerTgt, MountAndDismountRoundTrip) {
  Drive& d0 = *devs_.drives[0];
  auto st = d0.GetStatus();
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_FALSE(st->loaded);

  ASSERT_TRUE(devs_.changer->Move({ElementType::kStorage, 2}, {ElementType::kDataTransfer, 0}).ok());
  st = d0.GetStatus();
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->loaded);
  EXPECT_TRUE(st->ready);
  EXPECT_NE(BackingStore(1).find("T00003L6"), std::string::npos) << BackingStore(1);
  auto inv = Inventory();
  const auto* dte = Find(inv, ElementType::kDataTransfer, 0);
  ASSERT_NE(dte, nullptr);
  EXPECT_TRUE(dte->full);
  EXPECT_EQ(dte->barcode, "T00003L6");
  ASSERT_TRUE(dte->source.has_value());
  EXPECT_EQ(*dte->source, (ElementRef{ElementType::kStorage, 2}));
  EXPECT_FALSE(Find(inv, ElementType::kStorage, 2)->full);

  ASSERT_TRUE(d0.Unload().ok());
  Status mv = devs_.changer->Move({ElementType::kDataTransfer, 0}, {ElementType::kStorage, 2});
  ASSERT_TRUE(mv.ok()) << mv.ToString();
  st = d0.GetStatus();
  ASSERT_TRUE(st.ok());
  EXPECT_FALSE(st->loaded);
  inv = Inventory();
  EXPECT_FALSE(Find(inv, ElementType::kDataTransfer, 0)->full);
  EXPECT_EQ(Find(inv, ElementType::kStorage, 2)->barcode, "T00003L6");

  // Through an IE port and back.
  ASSERT_TRUE(devs_.changer->Move({ElementType::kStorage, 0}, {ElementType::kImportExport, 1}).ok());
  inv = Inventory();
  EXPECT_EQ(Find(inv, ElementType::kImportExport, 1)->barcode, "T00001L6");
  ASSERT_TRUE(devs_.changer->Move({ElementType::kImportExport, 1}, {ElementType::kStorage, 0}).ok());
}

TEST_F(ScsiChangerTgt, SecondInitiatorsPreventMakesDismountInvalidStateAndNothingMoves) {
  ASSERT_TRUE(devs_.changer->Move({ElementType::kStorage, 1}, {ElementType::kDataTransfer, 1}).ok());
  // Another application holds the drive: its own session, PREVENT MEDIUM REMOVAL.
  auto other = OpenIscsiTransport(Url(kVtl, 2));
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ScsiDeviceOptions opts;
  CommandRunner runner(other->get(), kPdtSequentialAccess, &opts);
  const auto prevent = PreventAllowMediumRemoval(true);
  auto o = runner.Run(prevent, {}, "PREVENT");
  ASSERT_TRUE(o.ok());
  ASSERT_TRUE(o->result.good());

  Status un = devs_.drives[1]->Unload();
  EXPECT_TRUE(un.ok() || un.code() == err::kInvalidState) << un.ToString();  // tgt: UNLOAD is a no-op
  Status mv = devs_.changer->Move({ElementType::kDataTransfer, 1}, {ElementType::kStorage, 1});
  EXPECT_EQ(mv.code(), err::kInvalidState) << mv.ToString();
  auto inv = Inventory();
  EXPECT_TRUE(Find(inv, ElementType::kDataTransfer, 1)->full);
  EXPECT_EQ(Find(inv, ElementType::kDataTransfer, 1)->barcode, "T00002L6");
  EXPECT_FALSE(Find(inv, ElementType::kStorage, 1)->full);
  EXPECT_NE(BackingStore(2).find("T00002L6"), std::string::npos);

  // The holder lets go: now it moves.
  const auto allow = PreventAllowMediumRemoval(false);
  o = runner.Run(allow, {}, "ALLOW");
  ASSERT_TRUE(o.ok() && o->result.good());
  ASSERT_TRUE(devs_.drives[1]->Unload().ok());
  mv = devs_.changer->Move({ElementType::kDataTransfer, 1}, {ElementType::kStorage, 1});
  EXPECT_TRUE(mv.ok()) << mv.ToString();
}

TEST_F(ScsiChangerTgt, FullDestinationEmptySourceAndBadIndex) {
  // An operator puts a tape into slot 1036 (index 12) behind our back.
  ASSERT_EQ(Tgtadm("--op update --mode logicalunit --tid 1 --lun 3 --params "
                   "element_type=2,address=1036,barcode=X00001L6,sides=1"),
            0);
  Status mv = devs_.changer->Move({ElementType::kStorage, 0}, {ElementType::kStorage, 12});
  EXPECT_EQ(mv.code(), err::kNotEmpty) << mv.ToString();
  auto inv = Inventory();
  EXPECT_EQ(Find(inv, ElementType::kStorage, 0)->barcode, "T00001L6");  // nothing moved
  EXPECT_EQ(Find(inv, ElementType::kStorage, 12)->barcode, "X00001L6");

  mv = devs_.changer->Move({ElementType::kStorage, 13}, {ElementType::kStorage, 14});
  EXPECT_EQ(mv.code(), err::kEmpty) << mv.ToString();
  mv = devs_.changer->Move({ElementType::kStorage, 20}, {ElementType::kStorage, 14});
  EXPECT_EQ(mv.code(), err::kInvalidParameter) << mv.ToString();
  // The unlabeled cartridge cannot be loaded (tgt: HARDWARE ERROR 15/01).
  mv = devs_.changer->Move({ElementType::kStorage, 11}, {ElementType::kDataTransfer, 0});
  EXPECT_EQ(mv.code(), err::kUnableToLoadMedium) << mv.ToString();
}

TEST_F(ScsiChangerTgt, TargetRecreatedUnderTheChangerIsRetriedAfterUnitAttention) {
  ASSERT_EQ(RunVtl("start"), 0);  // deletes and rebuilds the targets: new nexus, UA 29/00
  auto inv = Inventory();
  EXPECT_EQ(inv.size(), 26u);
  ASSERT_TRUE(devs_.changer->Move({ElementType::kStorage, 0}, {ElementType::kStorage, 15}).ok());
}

TEST(ScsiLibraryTgt, StandaloneDriveAndUnreachableDevices) {
  ASSERT_EQ(RunVtl("start"), 0);
  LibraryConfig c;
  c.name = "solo";
  c.kind = "iscsi";
  c.standalone = true;
  c.drive_urls = {Url(kSolo, 1)};
  auto devs = MakeIscsiLibrary(c);
  ASSERT_TRUE(devs.ok()) << devs.status().ToString();
  EXPECT_EQ(devs->changer, nullptr);
  ASSERT_EQ(devs->drives.size(), 1u);
  EXPECT_EQ(devs->drives[0]->Identity()->serial, "DRV0000003");
  auto st = devs->drives[0]->GetStatus();
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_TRUE(st->loaded);
  EXPECT_TRUE(st->ready);

  LibraryConfig bad = VtlConfig();
  bad.changer_url = "iscsi://127.0.0.1:1/" + std::string(kVtl) + "/3";
  auto r = MakeIscsiLibrary(bad);
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable) << r.status().ToString();
  bad = VtlConfig();
  bad.changer_url = Url(kVtl, 1);  // a tape drive, not a changer
  r = MakeIscsiLibrary(bad);
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable) << r.status().ToString();
}

}  // namespace
}  // namespace openrsm::devices::scsi
