// Tests of the simulated library (src/devices/sim): layout, moves, errors,
// persistence, atomic state file, faults, stand-alone drives, robot time.
#include "devices/sim/sim_library.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/fake_clock.h"
#include "tests/unit/sync_spy.h"

namespace openrsm::devices::sim {
namespace {

using std::chrono::microseconds;

constexpr ElementRef Slot(uint32_t i) { return {ElementType::kStorage, i}; }
constexpr ElementRef Drv(uint32_t i) { return {ElementType::kDataTransfer, i}; }
constexpr ElementRef Ie(uint32_t i) { return {ElementType::kImportExport, i}; }
constexpr ElementRef Arm() { return {ElementType::kTransport, 0}; }

// Records sleeps instead of sleeping; a hook runs inside Sleep (to look at
// the state file while the robot is "moving").
using test_support::FakeClock;

microseconds Seconds(double s) { return microseconds(static_cast<int64_t>(s * 1e6)); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

class SimLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sim_library_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    cfg_.name = "sim0";
    cfg_.state_file = dir_ + "/sim0.json";
    cfg_.drives = 2;
    cfg_.slots = 5;
    cfg_.ieports = 1;
    cfg_.media = {"A00001L6", "A00002L6"};
    cfg_.serial_prefix = "SIMsim0";
  }
  void TearDown() override {
    for (const auto& f : ListDir()) ::unlink((dir_ + "/" + f).c_str());
    ::rmdir(dir_.c_str());
  }

  std::vector<std::string> ListDir() const {
    std::vector<std::string> names;
    if (DIR* d = ::opendir(dir_.c_str())) {
      while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
      }
      ::closedir(d);
    }
    return names;
  }

  LibraryDevices Make() {
    auto r = MakeSimLibrary(cfg_, &clock_, faults_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : LibraryDevices{};
  }

  // Element status keyed by ref, via a fresh inventory.
  ElementStatus StatusOf(Changer& c, const ElementRef& ref) {
    auto all = c.ReadElementStatus();
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    if (all.ok())
      for (const auto& e : *all)
        if (e.ref == ref) return e;
    ADD_FAILURE() << "no element " << ElementTypeName(ref.type) << " " << ref.index;
    return {};
  }

  std::string dir_;
  SimConfig cfg_;
  FakeClock clock_;
  std::shared_ptr<SimFaults> faults_ = std::make_shared<SimFaults>();
};

TEST(ElementTypeNameTest, NamesEveryType) {
  EXPECT_STREQ(ElementTypeName(ElementType::kTransport), "transport");
  EXPECT_STREQ(ElementTypeName(ElementType::kStorage), "slot");
  EXPECT_STREQ(ElementTypeName(ElementType::kImportExport), "ieport");
  EXPECT_STREQ(ElementTypeName(ElementType::kDataTransfer), "drive");
}

TEST_F(SimLibraryTest, ReadElementStatusOfOneTypeCostsNoRobotTime) {
  cfg_.time_scale = 1.0;
  auto dev = Make();
  ASSERT_TRUE(faults_->OperatorPlace(Ie(0), "N00001L6").ok());
  size_t sleeps = clock_.sleeps().size();
  auto ie = dev.changer->ReadElementStatusOf(ElementType::kImportExport);
  ASSERT_TRUE(ie.ok()) << ie.status().ToString();
  ASSERT_EQ(ie->size(), 1u);
  EXPECT_EQ((*ie)[0].ref, Ie(0));
  EXPECT_TRUE((*ie)[0].full);
  EXPECT_EQ((*ie)[0].barcode, "N00001L6");
  auto slots = dev.changer->ReadElementStatusOf(ElementType::kStorage);
  ASSERT_TRUE(slots.ok());
  ASSERT_EQ(slots->size(), 5u);
  EXPECT_EQ((*slots)[1].barcode, "A00002L6");
  EXPECT_EQ(clock_.sleeps().size(), sleeps) << "a sensor read, no barcode scan";
  // Like every device call, it fails while the device is unreachable.
  ASSERT_TRUE(faults_->SetFault("unavailable", 0, 1).ok());
  EXPECT_EQ(dev.changer->ReadElementStatusOf(ElementType::kImportExport).status().code(), err::kDeviceNotAvailable);
}

TEST_F(SimLibraryTest, InitialLayoutAndBarcodes) {
  auto dev = Make();
  ASSERT_NE(dev.changer, nullptr);
  ASSERT_EQ(dev.drives.size(), 2u);
  auto layout = dev.changer->Layout();
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->transports, 1u);
  EXPECT_EQ(layout->slots, 5u);
  EXPECT_EQ(layout->ieports, 1u);
  EXPECT_EQ(layout->drives, 2u);
  EXPECT_EQ(layout->vendor, "OPENRSM");
  EXPECT_EQ(layout->product, "SIMCHANGER");
  EXPECT_EQ(layout->serial, "SIMsim0CHG");

  auto all = dev.changer->ReadElementStatus();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u + 5u + 1u + 2u);
  // Order: transport, storage, ieport, data transfer; indices ascending.
  std::vector<ElementRef> want = {Arm(), Slot(0), Slot(1), Slot(2), Slot(3), Slot(4), Ie(0), Drv(0), Drv(1)};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ((*all)[i].ref, want[i]) << i;
  EXPECT_TRUE((*all)[1].full);
  EXPECT_EQ((*all)[1].barcode, "A00001L6");
  EXPECT_FALSE((*all)[1].source.has_value());
  EXPECT_TRUE((*all)[2].full);
  EXPECT_EQ((*all)[2].barcode, "A00002L6");
  for (size_t i : {0, 3, 4, 5, 6, 7, 8}) {
    EXPECT_FALSE((*all)[i].full) << i;
    EXPECT_EQ((*all)[i].barcode, "") << i;
  }

  auto id = dev.drives[1]->Identity();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->serial, "SIMsim0DRV1");
  EXPECT_EQ(id->device_name, "sim:sim0/1");
  EXPECT_EQ(id->vendor, "OPENRSM");
  auto ds = dev.drives[0]->GetStatus();
  ASSERT_TRUE(ds.ok());
  EXPECT_FALSE(ds->loaded);
  EXPECT_FALSE(ds->ready);
}

TEST_F(SimLibraryTest, DefaultSerialPrefixDerivesFromName) {
  cfg_.serial_prefix.clear();
  auto dev = Make();
  EXPECT_EQ(dev.changer->Layout()->serial, "SIMsim0CHG");
  EXPECT_EQ(dev.drives[0]->Identity()->serial, "SIMsim0DRV0");
}

TEST_F(SimLibraryTest, UnlabeledCartridgeFromConfig) {
  cfg_.media = {"A00001L6", ""};
  auto dev = Make();
  auto e = StatusOf(*dev.changer, Slot(1));
  EXPECT_TRUE(e.full);
  EXPECT_EQ(e.barcode, "");
}

TEST_F(SimLibraryTest, MoveSlotToDriveUnloadAndBack) {
  auto dev = Make();
  ASSERT_TRUE(dev.changer->Move(Slot(0), Drv(1)).ok());
  auto ds = dev.drives[1]->GetStatus();
  ASSERT_TRUE(ds.ok());
  EXPECT_TRUE(ds->loaded);
  EXPECT_TRUE(ds->ready);
  EXPECT_EQ(ds->barcode, "A00001L6");
  auto in_drive = StatusOf(*dev.changer, Drv(1));
  EXPECT_TRUE(in_drive.full);
  EXPECT_EQ(in_drive.barcode, "A00001L6");
  ASSERT_TRUE(in_drive.source.has_value());
  EXPECT_EQ(*in_drive.source, Slot(0));
  EXPECT_FALSE(StatusOf(*dev.changer, Slot(0)).full);

  ASSERT_TRUE(dev.drives[1]->Unload().ok());
  ds = dev.drives[1]->GetStatus();
  EXPECT_TRUE(ds->loaded);  // ejected but still in the drive
  EXPECT_FALSE(ds->ready);
  EXPECT_TRUE(dev.drives[1]->Unload().ok());  // idempotent

  ASSERT_TRUE(dev.changer->Move(Drv(1), Slot(3)).ok());
  auto back = StatusOf(*dev.changer, Slot(3));
  EXPECT_EQ(back.barcode, "A00001L6");
  EXPECT_EQ(*back.source, Drv(1));
  ds = dev.drives[1]->GetStatus();
  EXPECT_FALSE(ds->loaded);
  EXPECT_FALSE(ds->ready);
  EXPECT_EQ(ds->barcode, "");

  // Into the same drive again: loaded, not unloaded.
  ASSERT_TRUE(dev.changer->Move(Slot(3), Drv(1)).ok());
  EXPECT_TRUE(dev.drives[1]->GetStatus()->ready);
}

TEST_F(SimLibraryTest, MoveErrors) {
  auto dev = Make();
  Changer& c = *dev.changer;
  EXPECT_EQ(c.Move(Slot(5), Slot(4)).code(), err::kInvalidParameter);
  EXPECT_EQ(c.Move(Slot(0), Slot(5)).code(), err::kInvalidParameter);
  EXPECT_EQ(c.Move(Slot(0), Drv(2)).code(), err::kInvalidParameter);
  EXPECT_EQ(c.Move(Ie(1), Slot(4)).code(), err::kInvalidParameter);
  EXPECT_EQ(c.Move({ElementType::kTransport, 1}, Slot(4)).code(), err::kInvalidParameter);
  EXPECT_EQ(c.Move({static_cast<ElementType>(9), 0}, Slot(4)).code(), err::kInvalidParameter);
  EXPECT_EQ(c.Move(Slot(4), Slot(3)).code(), err::kEmpty);
  EXPECT_EQ(c.Move(Slot(0), Slot(1)).code(), err::kNotEmpty);
  EXPECT_EQ(c.Move(Slot(0), Slot(0)).code(), err::kNotEmpty);
  ASSERT_TRUE(c.Move(Slot(0), Drv(0)).ok());
  Status st = c.Move(Drv(0), Slot(0));
  EXPECT_EQ(st.code(), err::kInvalidState);
  EXPECT_NE(st.message().find("not unloaded"), std::string::npos) << st.message();
  EXPECT_EQ(c.Move(Slot(1), Drv(0)).code(), err::kNotEmpty);
  EXPECT_EQ(dev.drives[1]->Unload().code(), err::kEmpty);
  // Nothing moved by the failures; no robot time spent on them.
  EXPECT_EQ(StatusOf(c, Slot(1)).barcode, "A00002L6");
  EXPECT_EQ(StatusOf(c, Drv(0)).barcode, "A00001L6");
  EXPECT_TRUE(clock_.sleeps().empty());  // time_scale 0
}

TEST_F(SimLibraryTest, ImportExportAndTransportElements) {
  auto dev = Make();
  ASSERT_TRUE(dev.changer->Move(Slot(1), Ie(0)).ok());
  EXPECT_EQ(StatusOf(*dev.changer, Ie(0)).barcode, "A00002L6");
  ASSERT_TRUE(dev.changer->Move(Ie(0), Arm()).ok());
  EXPECT_EQ(StatusOf(*dev.changer, Arm()).barcode, "A00002L6");
  ASSERT_TRUE(dev.changer->Move(Arm(), Slot(4)).ok());
  EXPECT_EQ(StatusOf(*dev.changer, Slot(4)).barcode, "A00002L6");
}

TEST_F(SimLibraryTest, PersistsAcrossRecreation) {
  {
    auto dev = Make();
    ASSERT_TRUE(dev.changer->Move(Slot(0), Drv(0)).ok());
    ASSERT_TRUE(dev.changer->Move(Slot(1), Drv(1)).ok());
    ASSERT_TRUE(dev.drives[1]->Unload().ok());
    ASSERT_TRUE(faults_->OperatorPlace(Ie(0), "B00001L6").ok());
  }
  cfg_.media = {"IGNORED1"};  // the file wins over the config's media
  auto dev = Make();
  EXPECT_EQ(StatusOf(*dev.changer, Drv(0)).barcode, "A00001L6");
  EXPECT_TRUE(dev.drives[0]->GetStatus()->ready);
  EXPECT_EQ(StatusOf(*dev.changer, Drv(1)).barcode, "A00002L6");
  EXPECT_FALSE(dev.drives[1]->GetStatus()->ready);  // still ejected
  EXPECT_EQ(StatusOf(*dev.changer, Ie(0)).barcode, "B00001L6");
  EXPECT_FALSE(StatusOf(*dev.changer, Slot(0)).full);
  EXPECT_EQ(*StatusOf(*dev.changer, Drv(1)).source, Slot(1));
  // The ejected one can be moved straight out after the restart.
  EXPECT_TRUE(dev.changer->Move(Drv(1), Slot(0)).ok());
}

TEST_F(SimLibraryTest, StateFileIsReplacedAtomically) {
  auto dev = Make();
  EXPECT_EQ(ListDir(), std::vector<std::string>{"sim0.json"});
  ASSERT_TRUE(dev.changer->Move(Slot(0), Drv(0)).ok());
  ASSERT_TRUE(dev.drives[0]->Unload().ok());
  ASSERT_TRUE(dev.changer->Move(Drv(0), Slot(2)).ok());
  EXPECT_EQ(ListDir(), std::vector<std::string>{"sim0.json"});
  auto j = nlohmann::json::parse(ReadFile(cfg_.state_file));
  EXPECT_EQ(j["format"], "openrsm-sim-state");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["elements"]["slot"][2]["barcode"], "A00001L6");
  EXPECT_EQ(j["elements"]["slot"][2]["source"]["type"], "drive");
  EXPECT_EQ(j["elements"]["slot"][0]["full"], false);
}

// durable_state = false (benchmarks): the same file, replaced the same way,
// without a single fsync; the default syncs the file and its directory.
TEST_F(SimLibraryTest, NonDurableStateIsWrittenWithoutSyncs) {
  for (bool durable : {true, false}) {
    SCOPED_TRACE(durable ? "durable" : "not durable");
    ::unlink(cfg_.state_file.c_str());
    cfg_.durable_state = durable;
    testing::SyncSpy::Arm(dir_);
    {
      auto dev = Make();
      ASSERT_TRUE(dev.changer->Move(Slot(0), Drv(0)).ok());
      ASSERT_TRUE(dev.drives[0]->Unload().ok());
      ASSERT_TRUE(dev.changer->Move(Drv(0), Slot(2)).ok());
    }
    const int syncs = testing::SyncSpy::Count();
    testing::SyncSpy::Disarm();
    if (durable)
      EXPECT_EQ(syncs, 8) << "4 writes (create, move, unload, move), each: the file and its directory";
    else
      EXPECT_EQ(syncs, 0);
    EXPECT_EQ(ListDir(), std::vector<std::string>{"sim0.json"});
    auto dev = Make();  // loads what was written
    EXPECT_EQ(StatusOf(*dev.changer, Slot(2)).barcode, "A00001L6");
    EXPECT_FALSE(StatusOf(*dev.changer, Slot(0)).full);
  }
}

TEST_F(SimLibraryTest, StaleTempFileIsRemovedOnLoad) {
  { auto dev = Make(); }
  WriteFile(cfg_.state_file + ".tmp", "{half written");
  auto dev = Make();
  EXPECT_EQ(ListDir(), std::vector<std::string>{"sim0.json"});
  EXPECT_EQ(StatusOf(*dev.changer, Slot(0)).barcode, "A00001L6");
}

TEST_F(SimLibraryTest, KillDuringMoveLeavesTheOldState) {
  cfg_.time_scale = 1.0;
  auto dev = Make();
  std::string during;
  clock_.set_on_sleep([&] { during = ReadFile(cfg_.state_file); });
  ASSERT_TRUE(dev.changer->Move(Slot(0), Drv(0)).ok());
  auto j = nlohmann::json::parse(during);
  EXPECT_EQ(j["elements"]["slot"][0]["barcode"], "A00001L6");  // not yet moved on disk
  EXPECT_EQ(j["elements"]["drive"][0]["full"], false);
  auto after = nlohmann::json::parse(ReadFile(cfg_.state_file));
  EXPECT_EQ(after["elements"]["drive"][0]["barcode"], "A00001L6");
}

TEST_F(SimLibraryTest, CorruptStateFileIsDeviceNotAvailable) {
  const std::vector<std::string> bad = {
      "",
      "not json",
      "{\"format\": \"openrsm-sim-state\", \"version\": 1",  // truncated
      "[1, 2, 3]",                                           // wrong shape
      "{\"format\": \"something-else\", \"version\": 1}",    // wrong format
      "{\"format\": \"openrsm-sim-state\", \"version\": 2, \"standalone\": false, \"elements\": {}}",
      "{\"format\": \"openrsm-sim-state\", \"version\": 1, \"standalone\": false, \"elements\": {}}",
  };
  for (const std::string& text : bad) {
    WriteFile(cfg_.state_file, text);
    auto r = MakeSimLibrary(cfg_, &clock_, faults_);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable) << text;
    EXPECT_NE(r.status().message().find("corrupt"), std::string::npos) << r.status().message();
    EXPECT_EQ(ReadFile(cfg_.state_file), text);  // left for a person to look at
  }
}

TEST_F(SimLibraryTest, StateFileViolatingInvariantsIsDeviceNotAvailable) {
  { auto dev = Make(); }
  const auto good = nlohmann::json::parse(ReadFile(cfg_.state_file));
  auto expect_corrupt = [&](const nlohmann::json& j, const char* what) {
    WriteFile(cfg_.state_file, j.dump());
    auto r = MakeSimLibrary(cfg_, &clock_, faults_);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable) << what;
  };
  {
    // Two cartridges with one label (an operator's doing) are a valid state.
    auto dup = good;
    dup["elements"]["slot"][1]["barcode"] = "A00001L6";
    WriteFile(cfg_.state_file, dup.dump());
    auto r = MakeSimLibrary(cfg_, &clock_, faults_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(StatusOf(*r->changer, Slot(1)).barcode, "A00001L6");
  }
  auto unloaded_empty = good;
  unloaded_empty["elements"]["drive"][0]["unloaded"] = true;
  expect_corrupt(unloaded_empty, "unloaded empty drive");
  auto bad_source = good;
  bad_source["elements"]["slot"][0]["source"] = {{"type", "slot"}, {"index", 99}};
  expect_corrupt(bad_source, "source out of range");
  auto bad_type = good;
  bad_type["elements"]["slot"][0]["full"] = "yes";
  expect_corrupt(bad_type, "wrong type");
  auto bad_barcode = good;
  bad_barcode["elements"]["slot"][0]["barcode"] = "HAS SPACE";
  expect_corrupt(bad_barcode, "malformed barcode");
}

TEST_F(SimLibraryTest, StateFileWithAnotherLayoutIsRejected) {
  { auto dev = Make(); }
  cfg_.slots = 6;
  auto r = MakeSimLibrary(cfg_, &clock_, faults_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), err::kInvalidParameter);
  cfg_.slots = 5;
  cfg_.standalone = true;
  cfg_.media.clear();
  EXPECT_EQ(MakeSimLibrary(cfg_, &clock_, faults_).status().code(), err::kInvalidParameter);
}

TEST_F(SimLibraryTest, BadConfigIsInvalidParameter) {
  auto expect_bad = [&](SimConfig c, const char* what) {
    auto r = MakeSimLibrary(c, &clock_, faults_);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.status().code(), err::kInvalidParameter) << what;
  };
  SimConfig c = cfg_;
  c.media = {"M1", "M2", "M3", "M4", "M5", "M6"};
  expect_bad(c, "more media than slots");
  c = cfg_;
  c.media = {"M1", "M2", "M1"};
  expect_bad(c, "duplicate barcodes");
  c = cfg_;
  c.standalone = true;
  c.media = {"M1", "M2"};
  expect_bad(c, "stand-alone with two media");
  c = cfg_;
  c.media = {"HAS SPACE"};
  expect_bad(c, "barcode with a space");
  c = cfg_;
  c.media = {std::string(kMaxBarcodeLength + 1, 'X')};
  expect_bad(c, "barcode too long");
  c = cfg_;
  c.drives = 0;
  expect_bad(c, "no drives");
  c = cfg_;
  c.slots = 0;
  c.media.clear();
  expect_bad(c, "no slots");
  c = cfg_;
  c.slots = kMaxElementsPerType + 1;
  expect_bad(c, "too many slots");
  c = cfg_;
  c.time_scale = -1;
  expect_bad(c, "negative time_scale");
  c = cfg_;
  c.state_file.clear();
  expect_bad(c, "no state file");
  c = cfg_;
  c.name.clear();
  expect_bad(c, "no name");
  EXPECT_EQ(MakeSimLibrary(cfg_, nullptr, faults_).status().code(), err::kInvalidParameter);
  EXPECT_TRUE(ListDir().empty());  // nothing written for a bad config
}

TEST_F(SimLibraryTest, UnwritableStateDirectoryIsDeviceNotAvailable) {
  cfg_.state_file = dir_ + "/missing/sim0.json";
  EXPECT_EQ(MakeSimLibrary(cfg_, &clock_, faults_).status().code(), err::kDeviceNotAvailable);
}

TEST_F(SimLibraryTest, NullFaultsIsAllowed) {
  auto r = MakeSimLibrary(cfg_, &clock_, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->changer->Move(Slot(0), Drv(0)).ok());
}

TEST_F(SimLibraryTest, FaultMoveFail) {
  cfg_.time_scale = 1.0;
  auto dev = Make();
  ASSERT_TRUE(faults_->SetFault("move_fail", -1, 2).ok());
  // A move rejected by validation does not use up a fault.
  EXPECT_EQ(dev.changer->Move(Slot(4), Drv(0)).code(), err::kEmpty);
  EXPECT_EQ(dev.changer->Move(Slot(0), Drv(0)).code(), err::kUnableToLoadMedium);
  EXPECT_EQ(dev.changer->Move(Slot(0), Drv(0)).code(), err::kUnableToLoadMedium);
  EXPECT_EQ(StatusOf(*dev.changer, Slot(0)).barcode, "A00001L6");
  EXPECT_FALSE(StatusOf(*dev.changer, Drv(0)).full);
  EXPECT_TRUE(dev.changer->Move(Slot(0), Drv(0)).ok());
  // A fresh library on the file agrees: the failed moves never reached it.
  auto again = MakeSimLibrary(cfg_, &clock_, faults_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(StatusOf(*again->changer, Drv(0)).barcode, "A00001L6");
}

TEST_F(SimLibraryTest, FaultMoveFailAfter) {
  auto dev = Make();
  ASSERT_TRUE(faults_->SetFault("move_fail_after", 0, 1).ok());
  EXPECT_EQ(dev.changer->Move(Slot(0), Drv(0)).code(), err::kUnableToLoadMedium);
  EXPECT_EQ(StatusOf(*dev.changer, Drv(0)).barcode, "A00001L6");  // it did move
  auto again = MakeSimLibrary(cfg_, &clock_, faults_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(StatusOf(*again->changer, Drv(0)).barcode, "A00001L6");  // and it is on disk
  EXPECT_TRUE(again->changer->Move(Slot(1), Drv(1)).ok());           // one-shot
}

TEST_F(SimLibraryTest, MoveFailIsConsumedBeforeMoveFailAfter) {
  auto dev = Make();
  ASSERT_TRUE(faults_->SetFault("move_fail_after", 0, 1).ok());
  ASSERT_TRUE(faults_->SetFault("move_fail", 0, 1).ok());
  EXPECT_EQ(dev.changer->Move(Slot(0), Slot(3)).code(), err::kUnableToLoadMedium);
  EXPECT_FALSE(StatusOf(*dev.changer, Slot(3)).full);
  EXPECT_EQ(dev.changer->Move(Slot(0), Slot(3)).code(), err::kUnableToLoadMedium);
  EXPECT_TRUE(StatusOf(*dev.changer, Slot(3)).full);
  EXPECT_TRUE(dev.changer->Move(Slot(3), Slot(4)).ok());
}

TEST_F(SimLibraryTest, FaultMoveFailZeroCountClears) {
  auto dev = Make();
  ASSERT_TRUE(faults_->SetFault("move_fail", 0, 3).ok());
  ASSERT_TRUE(faults_->SetFault("move_fail", 0, 0).ok());
  EXPECT_TRUE(dev.changer->Move(Slot(0), Drv(0)).ok());
}

TEST_F(SimLibraryTest, FaultRemovalPrevented) {
  auto dev = Make();
  ASSERT_TRUE(dev.changer->Move(Slot(0), Drv(0)).ok());
  ASSERT_TRUE(dev.changer->Move(Slot(1), Drv(1)).ok());
  ASSERT_TRUE(faults_->SetFault("removal_prevented", 0, 1).ok());
  EXPECT_EQ(dev.drives[0]->Unload().code(), err::kInvalidState);
  EXPECT_TRUE(dev.drives[0]->GetStatus()->ready);
  EXPECT_TRUE(dev.drives[1]->Unload().ok());  // other drives unaffected
  EXPECT_EQ(faults_->OperatorRemove(Drv(0)).code(), err::kInvalidState);
  ASSERT_TRUE(faults_->SetFault("removal_prevented", 0, 0).ok());
  EXPECT_TRUE(dev.drives[0]->Unload().ok());
  // Set again after the unload: the move out is refused too (53/02 on SCSI).
  ASSERT_TRUE(faults_->SetFault("removal_prevented", 0, 1).ok());
  EXPECT_EQ(dev.changer->Move(Drv(0), Slot(0)).code(), err::kInvalidState);
  faults_->ClearFaults();
  EXPECT_TRUE(dev.changer->Move(Drv(0), Slot(0)).ok());
  EXPECT_EQ(faults_->SetFault("removal_prevented", -1, 1).code(), err::kInvalidParameter);
}

TEST_F(SimLibraryTest, FaultUnavailable) {
  auto dev = Make();
  ASSERT_TRUE(faults_->SetFault("unavailable", -1, 1).ok());
  EXPECT_EQ(dev.changer->Layout().status().code(), err::kDeviceNotAvailable);
  EXPECT_EQ(dev.changer->ReadElementStatus().status().code(), err::kDeviceNotAvailable);
  EXPECT_EQ(dev.changer->Move(Slot(0), Drv(0)).code(), err::kDeviceNotAvailable);
  EXPECT_EQ(dev.drives[0]->Identity().status().code(), err::kDeviceNotAvailable);
  EXPECT_EQ(dev.drives[0]->GetStatus().status().code(), err::kDeviceNotAvailable);
  EXPECT_EQ(dev.drives[0]->Unload().code(), err::kDeviceNotAvailable);
  // An operator still has hands.
  EXPECT_TRUE(faults_->OperatorPlace(Ie(0), "B00001L6").ok());
  ASSERT_TRUE(faults_->SetFault("unavailable", -1, 0).ok());
  EXPECT_TRUE(dev.changer->Move(Slot(0), Drv(0)).ok());
  EXPECT_EQ(StatusOf(*dev.changer, Ie(0)).barcode, "B00001L6");
}

TEST_F(SimLibraryTest, ClearFaultsClearsEverything) {
  auto dev = Make();
  ASSERT_TRUE(faults_->SetFault("move_fail", 0, 5).ok());
  ASSERT_TRUE(faults_->SetFault("move_fail_after", 0, 5).ok());
  ASSERT_TRUE(faults_->SetFault("unavailable", 0, 1).ok());
  ASSERT_TRUE(faults_->SetFault("removal_prevented", 1, 1).ok());
  faults_->ClearFaults();
  EXPECT_TRUE(dev.changer->Move(Slot(0), Drv(1)).ok());
  EXPECT_TRUE(dev.drives[1]->Unload().ok());
}

TEST_F(SimLibraryTest, UnknownFaultIsInvalidParameter) {
  EXPECT_EQ(faults_->SetFault("door_open", 0, 1).code(), err::kInvalidParameter);
}

TEST_F(SimLibraryTest, OperatorPlaceAndRemove) {
  auto dev = Make();
  EXPECT_TRUE(faults_->OperatorPlace(Ie(0), "B00001L6").ok());
  EXPECT_EQ(faults_->OperatorPlace(Ie(0), "B00002L6").code(), err::kNotEmpty);
  // A second cartridge with a label the library already holds: a real
  // library cannot refuse it either (rsmd quarantines it, docs/service.md).
  EXPECT_TRUE(faults_->OperatorPlace(Drv(0), "A00001L6").ok());
  EXPECT_EQ(StatusOf(*dev.changer, Drv(0)).barcode, "A00001L6");
  EXPECT_EQ(faults_->OperatorPlace(Slot(4), "BAD CODE").code(), err::kInvalidParameter);
  EXPECT_EQ(faults_->OperatorPlace(Slot(5), "B00003L6").code(), err::kInvalidParameter);
  EXPECT_EQ(faults_->OperatorPlace(Arm(), "B00003L6").code(), err::kInvalidParameter);
  EXPECT_TRUE(faults_->OperatorPlace(Slot(4), "").ok());  // unlabeled
  EXPECT_TRUE(faults_->OperatorPlace(Drv(1), "B00004L6").ok());
  EXPECT_TRUE(dev.drives[1]->GetStatus()->ready);

  auto ie = StatusOf(*dev.changer, Ie(0));
  EXPECT_TRUE(ie.full);
  EXPECT_EQ(ie.barcode, "B00001L6");
  EXPECT_FALSE(ie.source.has_value());
  auto unl = StatusOf(*dev.changer, Slot(4));
  EXPECT_TRUE(unl.full);
  EXPECT_EQ(unl.barcode, "");

  EXPECT_TRUE(faults_->OperatorRemove(Slot(0)).ok());
  EXPECT_EQ(faults_->OperatorRemove(Slot(0)).code(), err::kEmpty);
  EXPECT_EQ(faults_->OperatorRemove(Slot(7)).code(), err::kInvalidParameter);
  EXPECT_TRUE(faults_->OperatorPlace(Slot(3), "A00001L6").ok());  // the removed one comes back elsewhere
  EXPECT_EQ(faults_->InsertIntoStandalone("X").code(), err::kInvalidOperation);
  EXPECT_EQ(faults_->RemoveFromStandalone().code(), err::kInvalidOperation);

  auto again = MakeSimLibrary(cfg_, &clock_, faults_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(StatusOf(*again->changer, Slot(3)).barcode, "A00001L6");
  EXPECT_FALSE(StatusOf(*again->changer, Slot(0)).full);
  EXPECT_TRUE(StatusOf(*again->changer, Slot(4)).full);
}

TEST_F(SimLibraryTest, OperatorActionsNeedAnAttachedLibrary) {
  auto lone = std::make_shared<SimFaults>();
  EXPECT_EQ(lone->OperatorPlace(Ie(0), "B1").code(), err::kDeviceNotAvailable);
  {
    auto r = MakeSimLibrary(cfg_, &clock_, lone);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(lone->OperatorPlace(Ie(0), "B1").ok());
  }
  EXPECT_EQ(lone->OperatorRemove(Ie(0)).code(), err::kDeviceNotAvailable);  // library destroyed
}

TEST_F(SimLibraryTest, Standalone) {
  cfg_.standalone = true;
  cfg_.media = {"S00001L6"};
  {
    auto dev = Make();
    EXPECT_EQ(dev.changer, nullptr);
    ASSERT_EQ(dev.drives.size(), 1u);
    auto ds = dev.drives[0]->GetStatus();
    EXPECT_TRUE(ds->loaded);
    EXPECT_TRUE(ds->ready);
    EXPECT_EQ(ds->barcode, "S00001L6");
    EXPECT_EQ(dev.drives[0]->Identity()->device_name, "sim:sim0/0");
    EXPECT_EQ(faults_->InsertIntoStandalone("S00002L6").code(), err::kNotEmpty);
    ASSERT_TRUE(dev.drives[0]->Unload().ok());
    ds = dev.drives[0]->GetStatus();
    EXPECT_TRUE(ds->loaded);
    EXPECT_FALSE(ds->ready);  // ejected: an operator can take it
  }
  {
    auto dev = Make();  // restart: still ejected
    EXPECT_FALSE(dev.drives[0]->GetStatus()->ready);
    ASSERT_TRUE(faults_->RemoveFromStandalone().ok());
    EXPECT_FALSE(dev.drives[0]->GetStatus()->loaded);
    EXPECT_EQ(faults_->RemoveFromStandalone().code(), err::kEmpty);
    EXPECT_EQ(dev.drives[0]->Unload().code(), err::kEmpty);
    ASSERT_TRUE(faults_->InsertIntoStandalone("S00002L6").ok());
    auto ds = dev.drives[0]->GetStatus();
    EXPECT_TRUE(ds->ready);
    EXPECT_EQ(ds->barcode, "S00002L6");
    ASSERT_TRUE(faults_->SetFault("removal_prevented", 0, 1).ok());
    EXPECT_EQ(dev.drives[0]->Unload().code(), err::kInvalidState);
    EXPECT_EQ(faults_->RemoveFromStandalone().code(), err::kInvalidState);
    faults_->ClearFaults();
  }
  auto dev = Make();
  EXPECT_EQ(dev.drives[0]->GetStatus()->barcode, "S00002L6");
  EXPECT_EQ(ListDir(), std::vector<std::string>{"sim0.json"});
}

TEST_F(SimLibraryTest, StandaloneStartsEmptyWithoutMedia) {
  cfg_.standalone = true;
  cfg_.media.clear();
  auto dev = Make();
  EXPECT_FALSE(dev.drives[0]->GetStatus()->loaded);
  EXPECT_EQ(faults_->OperatorPlace(Slot(0), "X").code(), err::kInvalidParameter);
  EXPECT_TRUE(faults_->InsertIntoStandalone("").ok());  // unlabeled
  EXPECT_TRUE(dev.drives[0]->GetStatus()->loaded);
}

TEST_F(SimLibraryTest, RobotTimeFollowsTimeScale) {
  cfg_.time_scale = 1.0;
  auto dev = Make();
  EXPECT_TRUE(clock_.sleeps().empty());  // building the library takes no robot time
  ASSERT_TRUE(dev.changer->Move(Slot(0), Drv(0)).ok());
  EXPECT_EQ(clock_.sleeps(), std::vector<microseconds>{Seconds(kMoveSeconds)});
  clock_.ClearSleeps();
  ASSERT_TRUE(dev.changer->ReadElementStatus().ok());
  EXPECT_EQ(clock_.sleeps(), std::vector<microseconds>{Seconds(kInventorySeconds)});
  clock_.ClearSleeps();
  ASSERT_TRUE(dev.drives[0]->Unload().ok());
  EXPECT_EQ(clock_.sleeps(), std::vector<microseconds>{Seconds(kUnloadSeconds)});
  clock_.ClearSleeps();
  // Layout, identity and status are instantaneous; so are rejected moves.
  ASSERT_TRUE(dev.changer->Layout().ok());
  ASSERT_TRUE(dev.drives[0]->Identity().ok());
  ASSERT_TRUE(dev.drives[0]->GetStatus().ok());
  EXPECT_EQ(dev.changer->Move(Slot(0), Drv(0)).code(), err::kEmpty);
  EXPECT_TRUE(clock_.sleeps().empty());
  // A failing move still spends robot time.
  ASSERT_TRUE(faults_->SetFault("move_fail", 0, 1).ok());
  EXPECT_EQ(dev.changer->Move(Slot(1), Slot(0)).code(), err::kUnableToLoadMedium);
  EXPECT_EQ(clock_.sleeps(), std::vector<microseconds>{Seconds(kMoveSeconds)});
}

TEST_F(SimLibraryTest, RobotTimeIsScaled) {
  cfg_.time_scale = 0.25;
  auto dev = Make();
  ASSERT_TRUE(dev.changer->Move(Slot(0), Drv(0)).ok());
  EXPECT_EQ(clock_.sleeps(), std::vector<microseconds>{Seconds(kMoveSeconds * 0.25)});
}

TEST_F(SimLibraryTest, TimeScaleZeroNeverSleeps) {
  cfg_.time_scale = 0.0;
  auto dev = Make();
  ASSERT_TRUE(dev.changer->Move(Slot(0), Drv(0)).ok());
  ASSERT_TRUE(dev.drives[0]->Unload().ok());
  ASSERT_TRUE(dev.changer->Move(Drv(0), Slot(0)).ok());
  ASSERT_TRUE(dev.changer->ReadElementStatus().ok());
  EXPECT_TRUE(clock_.sleeps().empty());
}

// The worker moves while an operator and a test hook act from other threads;
// the cartridge count stays constant and nothing crashes (run under TSan/ASan).
TEST_F(SimLibraryTest, ConcurrentOperatorAndWorker) {
  cfg_.slots = 4;
  cfg_.media = {"A00001L6"};
  auto dev = Make();
  std::thread operator_thread([&] {
    for (int i = 0; i < 50; ++i) {
      (void)faults_->OperatorPlace(Ie(0), "B00001L6");
      (void)faults_->OperatorRemove(Ie(0));
      (void)faults_->SetFault("move_fail", 0, i % 2);
    }
  });
  for (int i = 0; i < 50; ++i) {
    const ElementRef from = Slot(static_cast<uint32_t>(i % 4));
    const ElementRef to = Slot(static_cast<uint32_t>((i + 1) % 4));
    (void)dev.changer->Move(from, to);
  }
  operator_thread.join();
  faults_->ClearFaults();
  (void)faults_->OperatorRemove(Ie(0));
  auto all = dev.changer->ReadElementStatus();
  ASSERT_TRUE(all.ok());
  int labeled = 0;
  for (const auto& e : *all) labeled += e.full && e.barcode == "A00001L6";
  EXPECT_EQ(labeled, 1);
}

}  // namespace
}  // namespace openrsm::devices::sim
