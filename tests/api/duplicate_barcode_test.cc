// Duplicate bar codes through the public C API against a running rsmd: two
// libraries that report the same bar code, or one that reports it twice.
// The catalogued cartridge (its GUID, pool, sides) stays with the library
// where it was catalogued while that library is present and has it; the
// second cartridge gets a quarantined record (disabled, Unrecognized pool,
// NTMS_NEEDS_SERVICE, a description naming the conflict) that fills its
// element, cannot be mounted and is never moved into another library; when
// the original leaves its library, the next inventory of the other library
// adopts it (same GUID) and deletes the quarantine record (docs/service.md
// "Duplicate bar codes"). Simulated libraries only: the second library is a
// sim ("sim1") beside sim0.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

// sim1: 1 drive, 6 slots, 1 IE port, A00001L6 (also sim0's slot 0) and B00001L6.
std::string Sim1Config(const std::string& media = R"("A00001L6", "B00001L6")") {
  return "[[library]]\nname = \"sim1\"\nkind = \"sim\"\ndrives = 1\nslots = 6\nieports = 1\n"
         "ie_poll_seconds = 1\nmedia = [" +
         media + "]\n";
}

DaemonOptions TwoLibraries() {
  DaemonOptions o;
  o.standalone_library = false;
  // Without the stand-alone library the first lines land in sim0's table.
  o.extra_config = "ie_poll_seconds = 1\n" + Sim1Config();
  return o;
}

// A record listed may be deleted before it is read (the IE port poll forgets
// a quarantined cartridge taken out): such a record is skipped.
std::vector<NTMS_OBJECTINFORMATIONA> WithBarcode(HANDLE h, const std::string& barcode) {
  std::vector<NTMS_OBJECTINFORMATIONA> out;
  for (auto id : List(h, nullptr, NTMS_PHYSICAL_MEDIA)) {
    NTMS_OBJECTINFORMATIONA o{};
    o.dwSize = sizeof o;
    o.dwType = NTMS_PHYSICAL_MEDIA;
    DWORD rc = GetNtmsObjectInformationA(h, &id, &o);
    if (rc == ERROR_OBJECT_NOT_FOUND) continue;
    EXPECT_EQ(rc, DWORD(ERROR_SUCCESS));
    if (barcode == o.Info.PhysicalMedia.szBarCode) out.push_back(o);
  }
  return out;
}

bool IsQuarantined(const NTMS_OBJECTINFORMATIONA& o) { return o.dwOperationalState == NTMS_NEEDS_SERVICE; }

// The one record of `barcode` that is not quarantined (fails the test otherwise).
NTMS_OBJECTINFORMATIONA Original(HANDLE h, const std::string& barcode) {
  std::vector<NTMS_OBJECTINFORMATIONA> v;
  for (const auto& o : WithBarcode(h, barcode))
    if (!IsQuarantined(o)) v.push_back(o);
  EXPECT_EQ(v.size(), 1u) << "records of " << barcode << " that are not quarantined";
  return v.empty() ? NTMS_OBJECTINFORMATIONA{} : v.front();
}

std::vector<NTMS_OBJECTINFORMATIONA> Quarantined(HANDLE h, const std::string& barcode) {
  std::vector<NTMS_OBJECTINFORMATIONA> v;
  for (const auto& o : WithBarcode(h, barcode))
    if (IsQuarantined(o)) v.push_back(o);
  return v;
}

// "sim1 slot:0", "sim0 drive:1", "sim1 ieport:0", "offline".
std::string Where(HANDLE h, const NTMS_OBJECTINFORMATIONA& media) {
  const auto& m = media.Info.PhysicalMedia;
  if (SameGuid(m.CurrentLibrary, OfflineLibraryId(h))) return "offline";
  std::string lib = Info(h, m.CurrentLibrary).szName;
  switch (m.LocationType) {
    case NTMS_STORAGESLOT:
      return lib + " slot:" + std::to_string(Info(h, m.Location).Info.StorageSlot.Number);
    case NTMS_DRIVE:
      return lib + " drive:" + std::to_string(Info(h, m.Location).Info.Drive.Number);
    case NTMS_IEPORT:
      return lib + " ieport:" + std::to_string(Info(h, m.Location).Info.IEPort.Number);
    default:
      return lib + " unknown";
  }
}

// Every slot object agrees with the device: full exactly where the device
// holds a cartridge, and then a catalogued cartridge with that bar code is
// in it (no slot "full" without media, no media in an "empty" slot).
std::string SlotsAgree(HANDLE h, const Daemon& d, const std::string& library) {
  SimState dev = ReadSimState(d, library);
  NTMS_GUID lib = LibraryId(h, library);
  std::vector<NTMS_OBJECTINFORMATIONA> media;
  for (const auto& id : List(h, &lib, NTMS_PHYSICAL_MEDIA)) media.push_back(Info(h, id));
  for (const auto& id : List(h, &lib, NTMS_STORAGESLOT)) {
    auto s = Info(h, id).Info.StorageSlot;
    if (s.Number >= dev.slots.size()) return "slot " + std::to_string(s.Number) + " is not on the device";
    const SimElement& e = dev.slots[s.Number];
    std::string in;  // bar code of the catalogued cartridge in the slot
    int count = 0;
    for (const auto& m : media)
      if (m.Info.PhysicalMedia.LocationType == NTMS_STORAGESLOT && SameGuid(m.Info.PhysicalMedia.Location, id)) {
        in = m.Info.PhysicalMedia.szBarCode;
        ++count;
      }
    std::string at = library + " slot " + std::to_string(s.Number);
    if (e.full != (s.State == NTMS_SLOTSTATE_FULL)) return at + ": state " + std::to_string(s.State);
    if (count != (e.full ? 1 : 0)) return at + ": " + std::to_string(count) + " catalogued cartridges";
    if (e.full && in != e.barcode) return at + ": catalogue " + in + ", device " + e.barcode;
  }
  return "";
}

bool WaitFor(const std::function<bool()>& cond, int timeout_ms = 15000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

class DuplicateBarcodeTest : public DaemonTest {
 protected:
  void SetUp() override {
    SKIP_UNLESS_SIM();
    StartDaemon(TwoLibraries());
  }
  DWORD Inventory(const std::string& library) {
    NTMS_GUID lib = LibraryId(h_, library);
    return InventoryNtmsLibrary(h_, &lib, NTMS_INVENTORY_DEFAULT);
  }
  // Both libraries: the catalogue agrees with the device.
  void ExpectAgree() {
    for (const char* lib : {"sim0", "sim1"}) {
      EXPECT_EQ(CompareWithDevice(h_, *d_, lib), "") << lib;
      EXPECT_EQ(SlotsAgree(h_, *d_, lib), "") << lib;
    }
  }
  // The state right after start-up: A00001L6's original in sim0's slot 0,
  // a quarantined record in sim1's slot 0.
  void ExpectQuarantine(const NTMS_GUID& orig, const NTMS_GUID& quarantined) {
    auto o = Original(h_, "A00001L6");
    EXPECT_TRUE(SameGuid(o.ObjectGuid, orig));
    EXPECT_EQ(Where(h_, o), "sim0 slot:0");
    EXPECT_TRUE(o.Enabled);
    auto q = Quarantined(h_, "A00001L6");
    ASSERT_EQ(q.size(), 1u);
    EXPECT_TRUE(SameGuid(q[0].ObjectGuid, quarantined));
    EXPECT_EQ(Where(h_, q[0]), "sim1 slot:0");
  }
};

TEST_F(DuplicateBarcodeTest, StartupQuarantinesTheSecondCartridge) {
  auto o = Original(h_, "A00001L6");
  EXPECT_EQ(Where(h_, o), "sim0 slot:0");
  EXPECT_TRUE(o.Enabled);
  EXPECT_EQ(o.dwOperationalState, DWORD(NTMS_READY));
  EXPECT_STREQ(o.szName, "A00001L6");
  auto q = Quarantined(h_, "A00001L6");
  ASSERT_EQ(q.size(), 1u) << d_->log();
  EXPECT_EQ(Where(h_, q[0]), "sim1 slot:0");
  EXPECT_FALSE(q[0].Enabled);
  EXPECT_STRNE(q[0].szName, "A00001L6");
  EXPECT_NE(std::string(q[0].szName).find("A00001L6"), std::string::npos) << q[0].szName;
  std::string why = q[0].szDescription;
  EXPECT_NE(why.find("A00001L6"), std::string::npos) << why;
  EXPECT_NE(why.find("sim0"), std::string::npos) << why;
  EXPECT_NE(why.find("slot 1"), std::string::npos) << why;  // "sim0 slot 1" is number 0
  auto pool = Info(h_, q[0].Info.PhysicalMedia.MediaPool);
  EXPECT_EQ(pool.Info.MediaPool.PoolType, DWORD(NTMS_POOLTYPE_FOREIGN)) << pool.szName;
  EXPECT_NE(Info(h_, o.Info.PhysicalMedia.MediaPool).Info.MediaPool.PoolType, DWORD(NTMS_POOLTYPE_FOREIGN));
  // B00001L6 is an ordinary new cartridge of sim1.
  EXPECT_EQ(Where(h_, Original(h_, "B00001L6")), "sim1 slot:1");
  EXPECT_TRUE(Quarantined(h_, "B00001L6").empty());
  ExpectAgree();
  EXPECT_NE(d_->log().find("a second cartridge with bar code A00001L6"), std::string::npos);
}

TEST_F(DuplicateBarcodeTest, AlternatingInventoriesNeverMoveTheOriginal) {
  const NTMS_GUID orig = Original(h_, "A00001L6").ObjectGuid;
  const NTMS_GUID side = SideOf(h_, orig);
  auto q = Quarantined(h_, "A00001L6");
  ASSERT_EQ(q.size(), 1u);
  const NTMS_GUID quarantined = q[0].ObjectGuid;
  for (int i = 0; i < 10; ++i) {
    const char* lib = i % 2 ? "sim0" : "sim1";
    ASSERT_EQ(Inventory(lib), DWORD(ERROR_SUCCESS)) << lib << " " << i << "\n" << d_->log();
    SCOPED_TRACE(std::string("after inventory ") + std::to_string(i) + " of " + lib);
    ExpectQuarantine(orig, quarantined);
    ExpectAgree();
  }
  EXPECT_TRUE(SameGuid(SideOf(h_, orig), side));
  // A restart (start-up inventory of both) keeps all of it.
  Restart(TwoLibraries());
  ExpectQuarantine(orig, quarantined);
  ExpectAgree();
  EXPECT_TRUE(SameGuid(SideOf(h_, orig), side));
}

TEST_F(DuplicateBarcodeTest, QuarantinedCartridgeCannotBeMounted) {
  auto q = Quarantined(h_, "A00001L6");
  ASSERT_EQ(q.size(), 1u);
  NTMS_GUID media = q[0].ObjectGuid, drive = NullGuid();
  const std::string before0 = Snapshot(h_, "sim0"), before1 = Snapshot(h_, "sim1");
  EXPECT_EQ(MountNtmsMedia(h_, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, nullptr),
            DWORD(ERROR_RESOURCE_DISABLED));
  NTMS_GUID qside = SideOf(h_, media);
  EXPECT_EQ(MountNtmsMedia(h_, &qside, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, nullptr),
            DWORD(ERROR_RESOURCE_DISABLED));
  EXPECT_EQ(Snapshot(h_, "sim0"), before0);
  EXPECT_EQ(Snapshot(h_, "sim1"), before1);
  ExpectAgree();
  // The original mounts (in sim0) by its GUID.
  NTMS_GUID orig = Original(h_, "A00001L6").ObjectGuid;
  ASSERT_EQ(MountNtmsMedia(h_, &orig, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, nullptr),
            DWORD(ERROR_SUCCESS))
      << d_->log();
  EXPECT_EQ(Where(h_, Info(h_, orig)).rfind("sim0 drive:", 0), 0u);
  ASSERT_EQ(DismountNtmsMedia(h_, &orig, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  ExpectAgree();
}

TEST_F(DuplicateBarcodeTest, OriginalMovesOnlyAfterItsLibraryLostIt) {
  const auto o = Original(h_, "A00001L6");
  const NTMS_GUID orig = o.ObjectGuid, pool = o.Info.PhysicalMedia.MediaPool, side = SideOf(h_, orig);
  auto q = Quarantined(h_, "A00001L6");
  ASSERT_EQ(q.size(), 1u);
  const NTMS_GUID quarantined = q[0].ObjectGuid;
  // sim1 first: sim0 still has it, nothing changes.
  ASSERT_EQ(d_->Hook("sim0", "remove", 0, 1, "slot:0"), 0u);
  ASSERT_EQ(Inventory("sim1"), DWORD(ERROR_SUCCESS));
  ExpectQuarantine(orig, quarantined);
  // sim0's inventory: the original is gone from it (offline).
  ASSERT_EQ(Inventory("sim0"), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Where(h_, Info(h_, orig)), "offline");
  ASSERT_EQ(Quarantined(h_, "A00001L6").size(), 1u);
  // sim1's next inventory adopts it into the quarantined cartridge's slot.
  ASSERT_EQ(Inventory("sim1"), DWORD(ERROR_SUCCESS)) << d_->log();
  auto after = Original(h_, "A00001L6");
  EXPECT_TRUE(SameGuid(after.ObjectGuid, orig));
  EXPECT_EQ(Where(h_, after), "sim1 slot:0");
  EXPECT_TRUE(after.Enabled);
  EXPECT_TRUE(SameGuid(after.Info.PhysicalMedia.MediaPool, pool));
  EXPECT_TRUE(SameGuid(SideOf(h_, orig), side));
  EXPECT_TRUE(Quarantined(h_, "A00001L6").empty());
  NTMS_OBJECTINFORMATIONA gone{};
  gone.dwSize = sizeof gone;
  gone.dwType = NTMS_PHYSICAL_MEDIA;
  EXPECT_EQ(GetNtmsObjectInformationA(h_, const_cast<LPNTMS_GUID>(&quarantined), &gone), DWORD(ERROR_OBJECT_NOT_FOUND));
  ExpectAgree();
  // It mounts in sim1 now.
  NTMS_GUID media = orig, drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h_, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, nullptr),
            DWORD(ERROR_SUCCESS))
      << d_->log();
  EXPECT_EQ(Where(h_, Info(h_, orig)), "sim1 drive:0");
  ASSERT_EQ(DismountNtmsMedia(h_, &media, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim1");
  // A restart keeps it.
  Restart(TwoLibraries());
  EXPECT_EQ(Where(h_, Original(h_, "A00001L6")), "sim1 slot:0");
  EXPECT_TRUE(Quarantined(h_, "A00001L6").empty());
  ExpectAgree();
}

// The mail-slot poll: a cartridge put into sim1's IE port with the bar code
// of sim0's A00002L6 is a second cartridge; taken out, its record goes.
TEST_F(DuplicateBarcodeTest, IePortPollQuarantinesAndForgets) {
  const auto o = Original(h_, "A00002L6");
  ASSERT_EQ(Where(h_, o), "sim0 slot:1");
  ASSERT_EQ(d_->Hook("sim1", "place", 0, 1, "ieport:0:A00002L6"), 0u);
  ASSERT_TRUE(WaitFor([&] { return !Quarantined(h_, "A00002L6").empty(); })) << d_->log();
  auto q = Quarantined(h_, "A00002L6");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(Where(h_, q[0]), "sim1 ieport:0");
  EXPECT_FALSE(q[0].Enabled);
  EXPECT_NE(std::string(q[0].szDescription).find("sim0"), std::string::npos) << q[0].szDescription;
  auto now = Original(h_, "A00002L6");
  EXPECT_TRUE(SameGuid(now.ObjectGuid, o.ObjectGuid));
  EXPECT_EQ(Where(h_, now), "sim0 slot:1");
  ExpectAgree();
  // A full inventory of sim1 keeps it as it is.
  ASSERT_EQ(Inventory("sim1"), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(Quarantined(h_, "A00002L6").size(), 1u);
  EXPECT_TRUE(SameGuid(Quarantined(h_, "A00002L6")[0].ObjectGuid, q[0].ObjectGuid));
  EXPECT_EQ(Where(h_, Original(h_, "A00002L6")), "sim0 slot:1");
  // The operator takes it out again: the poll deletes its record.
  ASSERT_EQ(d_->Hook("sim1", "remove", 0, 1, "ieport:0"), 0u);
  ASSERT_TRUE(WaitFor([&] { return Quarantined(h_, "A00002L6").empty(); })) << d_->log();
  EXPECT_EQ(Where(h_, Original(h_, "A00002L6")), "sim0 slot:1");
  ExpectAgree();
}

// An operator carries a cartridge from sim0's mail slot to sim1's before
// sim0 noticed it was taken out: sim1's poll quarantines it first; once sim0
// has lost it, sim1's poll gives the port to the original.
TEST_F(DuplicateBarcodeTest, CartridgeCarriedBetweenMailSlots) {
  const NTMS_GUID orig = Original(h_, "A00003L6").ObjectGuid;
  NTMS_GUID media = orig, op = NullGuid();
  ASSERT_EQ(EjectNtmsMedia(h_, &media, &op, NTMS_EJECT_START), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  ASSERT_EQ(Where(h_, Info(h_, orig)), "sim0 ieport:0");
  // The carried cartridge (the sim cannot move one between libraries) is
  // placed before sim0's port is emptied: sim1's poll sees it while sim0
  // still has the original in its port.
  ASSERT_EQ(d_->Hook("sim1", "place", 0, 1, "ieport:0:A00003L6"), 0u);
  ASSERT_TRUE(WaitFor([&] {
    return !Quarantined(h_, "A00003L6").empty() || Where(h_, Info(h_, orig)) != "sim0 ieport:0";
  })) << d_->log();
  ASSERT_EQ(Quarantined(h_, "A00003L6").size(), 1u) << "sim1's poll must not take sim0's cartridge";
  EXPECT_EQ(Where(h_, Info(h_, orig)), "sim0 ieport:0");
  ASSERT_EQ(d_->Hook("sim0", "remove", 0, 1, "ieport:0"), 0u);
  ASSERT_TRUE(WaitFor([&] { return Where(h_, Info(h_, orig)) == "sim1 ieport:0"; })) << d_->log();
  EXPECT_TRUE(Quarantined(h_, "A00003L6").empty());
  ExpectAgree();
}

// The bar code twice in one library: the second element gets a quarantined
// record; the original keeps its slot until it is taken out. (The sim's
// configuration refuses a media list with one bar code twice, so the
// operator places the second one; the restart covers the start-up inventory.)
TEST_F(DuplicateBarcodeTest, SameBarcodeTwiceInOneLibrary) {
  const auto o = Original(h_, "A00002L6");
  const NTMS_GUID orig = o.ObjectGuid;
  ASSERT_EQ(d_->Hook("sim0", "place", 0, 1, "slot:5:A00002L6"), 0u);
  ASSERT_EQ(Inventory("sim0"), DWORD(ERROR_SUCCESS));
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE("round " + std::to_string(i));
    auto now = Original(h_, "A00002L6");
    EXPECT_TRUE(SameGuid(now.ObjectGuid, orig));
    EXPECT_EQ(Where(h_, now), "sim0 slot:1");
    auto q = Quarantined(h_, "A00002L6");
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(Where(h_, q[0]), "sim0 slot:5");
    EXPECT_FALSE(q[0].Enabled);
    EXPECT_NE(std::string(q[0].szDescription).find("sim0, slot 2"), std::string::npos) << q[0].szDescription;
    ExpectAgree();
    ASSERT_EQ(Inventory(i % 2 ? "sim1" : "sim0"), DWORD(ERROR_SUCCESS));
  }
  const NTMS_GUID quarantined = Quarantined(h_, "A00002L6")[0].ObjectGuid;
  Restart(TwoLibraries());
  EXPECT_EQ(Where(h_, Original(h_, "A00002L6")), "sim0 slot:1");
  ASSERT_EQ(Quarantined(h_, "A00002L6").size(), 1u);
  EXPECT_TRUE(SameGuid(Quarantined(h_, "A00002L6")[0].ObjectGuid, quarantined));
  // The original is taken out: the next inventory puts it where its twin was.
  ASSERT_EQ(d_->Hook("sim0", "remove", 0, 1, "slot:1"), 0u);
  ASSERT_EQ(Inventory("sim0"), DWORD(ERROR_SUCCESS));
  auto now = Original(h_, "A00002L6");
  EXPECT_TRUE(SameGuid(now.ObjectGuid, orig));
  EXPECT_EQ(Where(h_, now), "sim0 slot:5");
  EXPECT_TRUE(Quarantined(h_, "A00002L6").empty());
  ExpectAgree();
}

// ---- the rsm CLI: a bar code names the original --------------------------------------------

// rsm's exit code; RSM_SOCKET is the current daemon's (Daemon::Start sets it).
int Rsm(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {RSM_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return test_support::RunCommand(argv).exit_code;
}

TEST_F(DuplicateBarcodeTest, CliBarcodeNamesTheOriginal) {
  const NTMS_GUID orig = Original(h_, "A00001L6").ObjectGuid;
  ASSERT_EQ(Rsm({"media", "mount", "A00001L6", "--timeout", "30"}), 0) << d_->log();
  EXPECT_EQ(Where(h_, Info(h_, orig)).rfind("sim0 drive:", 0), 0u);
  ASSERT_EQ(Rsm({"media", "dismount", "A00001L6"}), 0);
  WaitIdle(h_, "sim0");
  // The duplicate by its own name: found, and refused (an API error, exit 1).
  auto q = Quarantined(h_, "A00001L6");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(Rsm({"media", "mount", q[0].szName, "--timeout", "30"}), 1);
  EXPECT_EQ(Where(h_, Quarantined(h_, "A00001L6")[0]), "sim1 slot:0");
  ExpectAgree();
}

}  // namespace
}  // namespace openrsm::apitest
