// IE ports (mail slots) through the public C API against a running rsmd:
// the mail-slot poll that notices what an operator puts in or takes out,
// EjectNtmsMedia (slot -> free IE port) and InjectNtmsMedia (IE ports ->
// free slots), with every reachable documented return code. The operator's
// hand is the simulator's operator action, or, against tgt, tgtadm on the
// vtl changer (tgt raises no UNIT ATTENTION for it: only the poll sees it).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

// The vtl changer's first IE port address (tests/tgt/vtl.sh).
constexpr int kVtlFirstPort = 768;

// tgtadm on the vtl changer (LUN 3 of target 1); 0 on success.
int VtlChanger(const std::string& params) {
  return Tgtadm("--op update --mode logicalunit --tid 1 --lun 3 --params " + test_support::ShellQuote(params));
}

// An operator puts a cartridge ("" = unlabeled) into IE port `port`.
void OperatorPut(Daemon& d, uint32_t port, const std::string& barcode) {
  if (TgtBackend()) {
    ASSERT_EQ(VtlChanger("element_type=3,address=" + std::to_string(kVtlFirstPort + int(port)) + ",barcode=" + barcode +
                         ",sides=1"),
              0);
  } else {
    ASSERT_EQ(d.Hook("sim0", "place", 0, 1, "ieport:" + std::to_string(port) + ":" + barcode), 0u);
  }
}

// An operator takes the cartridge out of IE port `port`.
void OperatorTake(Daemon& d, uint32_t port) {
  if (TgtBackend()) {
    ASSERT_EQ(VtlChanger("element_type=3,address=" + std::to_string(kVtlFirstPort + int(port)) + ",clear_slot=1"), 0);
  } else {
    ASSERT_EQ(d.Hook("sim0", "remove", 0, 1, "ieport:" + std::to_string(port)), 0u);
  }
}

bool WaitFor(const std::function<bool()>& cond, int timeout_ms = 15000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

std::vector<NTMS_GUID> MediaWithBarcode(HANDLE h, const std::string& barcode) {
  std::vector<NTMS_GUID> out;
  for (const auto& id : List(h, nullptr, NTMS_PHYSICAL_MEDIA))
    if (barcode == Info(h, id).Info.PhysicalMedia.szBarCode) out.push_back(id);
  return out;
}

std::optional<NTMS_GUID> FindMedia(HANDLE h, const std::string& barcode) {
  auto v = MediaWithBarcode(h, barcode);
  if (v.empty()) return std::nullopt;
  return v.front();
}

// The library's IE ports, by number.
std::vector<NTMS_GUID> Ports(HANDLE h, const std::string& library) {
  NTMS_GUID lib = LibraryId(h, library);
  auto v = List(h, &lib, NTMS_IEPORT);
  std::sort(v.begin(), v.end(), [&](const NTMS_GUID& a, const NTMS_GUID& b) {
    return Info(h, a).Info.IEPort.Number < Info(h, b).Info.IEPort.Number;
  });
  return v;
}

bool InPort(HANDLE h, const NTMS_GUID& media, const NTMS_GUID& port) {
  auto m = Info(h, media).Info.PhysicalMedia;
  return m.LocationType == NTMS_IEPORT && SameGuid(m.Location, port);
}

bool Offline(HANDLE h, const NTMS_GUID& media) {
  auto m = Info(h, media).Info.PhysicalMedia;
  return SameGuid(m.CurrentLibrary, OfflineLibraryId(h)) && m.LocationType == 0;
}

std::optional<NTMS_OBJECTINFORMATIONA> Request(HANDLE h, const NTMS_GUID& id) {
  for (const auto& r : Requests(h, "sim0"))
    if (SameGuid(r.ObjectGuid, id)) return r;
  return std::nullopt;
}

class IePortTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (h_ && h_ != INVALID_HANDLE_VALUE) CloseNtmsSession(h_);
  }
  // A daemon that polls the IE ports every second. Without the stand-alone
  // library, extra_config lands in sim0's table.
  void StartPolling(uint32_t seconds = 1, DaemonOptions opts = {}) {
    opts.standalone_library = false;
    opts.extra_config = "ie_poll_seconds = " + std::to_string(seconds) + "\n";
    Start(std::move(opts));
  }
  void Start(DaemonOptions opts = {}) {
    d_ = std::make_unique<Daemon>(std::move(opts));
    d_->Start();
    h_ = Open();
    lib_ = LibraryId(h_, "sim0");
    ports_ = Ports(h_, "sim0");
    ASSERT_EQ(ports_.size(), 2u);
  }
  // EjectNtmsMedia(NTMS_EJECT_START) of `barcode`; the operation id.
  NTMS_GUID Eject(const std::string& barcode, DWORD expect = ERROR_SUCCESS) {
    NTMS_GUID media = MediaByBarcode(h_, barcode), op = NullGuid();
    EXPECT_EQ(EjectNtmsMedia(h_, &media, &op, NTMS_EJECT_START), expect) << d_->log();
    return op;
  }
  // Waits until the poll has recorded `barcode` in IE port `port`.
  NTMS_GUID WaitKnownInPort(const std::string& barcode, uint32_t port) {
    std::optional<NTMS_GUID> m;
    EXPECT_TRUE(WaitFor([&] {
      m = FindMedia(h_, barcode);
      return m && InPort(h_, *m, ports_[port]);
    })) << barcode
        << " not recorded in ieport " << port << "\n"
        << d_->log();
    return m ? *m : NullGuid();
  }

  std::unique_ptr<Daemon> d_;
  HANDLE h_ = nullptr;
  NTMS_GUID lib_{};
  std::vector<NTMS_GUID> ports_;
};

// ---- the mail-slot poll ------------------------------------------------------------------

TEST_F(IePortTest, PollRecordsNewCartridgePutIntoMailSlot) {
  StartPolling();
  ASSERT_FALSE(FindMedia(h_, "N00001L6"));
  OperatorPut(*d_, 1, "N00001L6");
  NTMS_GUID m = WaitKnownInPort("N00001L6", 1);
  auto mi = Info(h_, m).Info.PhysicalMedia;
  EXPECT_TRUE(SameGuid(mi.CurrentLibrary, lib_));
  EXPECT_EQ(mi.MediaState, DWORD(NTMS_MEDIASTATE_IDLE));
  // A cartridge never seen before gets the pool a full inventory gives it (Free).
  EXPECT_EQ(Info(h_, mi.MediaPool).Info.MediaPool.PoolType, DWORD(NTMS_POOLTYPE_SCRATCH));
  EXPECT_EQ(Info(h_, ports_[1]).Info.IEPort.Content, DWORD(NTMS_PORTCONTENT_FULL));
  EXPECT_EQ(Info(h_, ports_[0]).Info.IEPort.Content, DWORD(NTMS_PORTCONTENT_EMPTY));
  EXPECT_EQ(List(h_, &m, NTMS_PARTITION).size(), 1u) << "a new cartridge has its side";
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(IePortTest, PollTakesCartridgeTakenOutOfMailSlotOffline) {
  StartPolling();
  OperatorPut(*d_, 0, "N00002L6");
  NTMS_GUID m = WaitKnownInPort("N00002L6", 0);
  OperatorTake(*d_, 0);
  EXPECT_TRUE(WaitFor([&] { return Offline(h_, m); })) << d_->log();
  EXPECT_EQ(Info(h_, ports_[0]).Info.IEPort.Content, DWORD(NTMS_PORTCONTENT_EMPTY));
  // Still catalogued (in the offline library), no longer in sim0.
  EXPECT_TRUE(FindMedia(h_, "N00002L6"));
  for (const auto& id : List(h_, &lib_, NTMS_PHYSICAL_MEDIA)) EXPECT_FALSE(SameGuid(id, m));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(IePortTest, PollRecognisesAReturningCartridge) {
  StartPolling();
  OperatorPut(*d_, 0, "N00003L6");
  NTMS_GUID first = WaitKnownInPort("N00003L6", 0);
  OperatorTake(*d_, 0);
  ASSERT_TRUE(WaitFor([&] { return Offline(h_, first); }));
  // Back into the other mail slot: the same catalogue object, not a new one.
  OperatorPut(*d_, 1, "N00003L6");
  NTMS_GUID again = WaitKnownInPort("N00003L6", 1);
  EXPECT_TRUE(SameGuid(first, again));
  EXPECT_EQ(MediaWithBarcode(h_, "N00003L6").size(), 1u);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(IePortTest, PollRecordsUnlabeledCartridge) {
  StartPolling();
  size_t before = List(h_, &lib_, NTMS_PHYSICAL_MEDIA).size();
  OperatorPut(*d_, 1, "");
  ASSERT_TRUE(WaitFor([&] { return Info(h_, ports_[1]).Info.IEPort.Content == NTMS_PORTCONTENT_FULL; })) << d_->log();
  auto all = List(h_, &lib_, NTMS_PHYSICAL_MEDIA);
  EXPECT_EQ(all.size(), before + 1);
  bool found = false;
  for (const auto& id : all)
    if (InPort(h_, id, ports_[1])) {
      found = true;
      EXPECT_STREQ(Info(h_, id).Info.PhysicalMedia.szBarCode, "");
      EXPECT_EQ(Info(h_, id).Info.PhysicalMedia.BarCodeState, DWORD(NTMS_BARCODESTATE_UNREADABLE));
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // Polled again and again, it stays the same one cartridge.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(List(h_, &lib_, NTMS_PHYSICAL_MEDIA).size(), before + 1);
}

TEST_F(IePortTest, NoPollWhenTurnedOff) {
  StartPolling(0);
  OperatorPut(*d_, 0, "N00004L6");
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  EXPECT_FALSE(FindMedia(h_, "N00004L6")) << "ie_poll_seconds = 0 polls nothing";
  EXPECT_NE(CompareWithDevice(h_, *d_, "sim0"), "");
  // A full inventory still finds it.
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// ---- EjectNtmsMedia --------------------------------------------------------------------

TEST_F(IePortTest, EjectStartMovesMediaToAFreePort) {
  StartPolling();
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID op = Eject("A00002L6");
  EXPECT_FALSE(SameGuid(op, NullGuid())) << "the operation id is returned";
  WaitIdle(h_, "sim0");
  EXPECT_TRUE(InPort(h_, media, ports_[0]));
  EXPECT_TRUE(SameGuid(Info(h_, media).Info.PhysicalMedia.CurrentLibrary, lib_)) << "in the port, still in the library";
  auto r = Request(h_, op);
  ASSERT_TRUE(r) << "the operation id is the library request";
  EXPECT_EQ(r->Info.LibRequest.OperationCode, DWORD(NTMS_LM_EJECT));
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  EXPECT_TRUE(SameGuid(r->Info.LibRequest.PhysMediaId, media));
  SimState dev = ReadSimState(*d_, "sim0");
  EXPECT_TRUE(dev.ieports[0].full);
  EXPECT_EQ(dev.ieports[0].barcode, "A00002L6");
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // The operator collects it: the poll takes it offline.
  OperatorTake(*d_, 0);
  EXPECT_TRUE(WaitFor([&] { return Offline(h_, media); })) << d_->log();
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // An offline cartridge cannot be ejected again.
  NTMS_GUID op2 = NullGuid();
  EXPECT_EQ(EjectNtmsMedia(h_, &media, &op2, NTMS_EJECT_START), DWORD(ERROR_LIBRARY_OFFLINE));
}

TEST_F(IePortTest, EjectUsesTheNextFreePortThenBusy) {
  Start();
  NTMS_GUID a4 = MediaByBarcode(h_, "A00004L6");
  NTMS_GUID a4_home = Info(h_, a4).Info.PhysicalMedia.Location;
  Eject("A00001L6");
  Eject("A00003L6");
  // Both ports are taken (full, or reserved by an eject still queued or moving).
  Eject("A00004L6", ERROR_BUSY);
  WaitIdle(h_, "sim0");
  EXPECT_EQ(Requests(h_, "sim0").size(), 2u) << "the refused eject queued nothing";
  EXPECT_TRUE(SameGuid(Info(h_, a4).Info.PhysicalMedia.Location, a4_home));
  EXPECT_TRUE(InPort(h_, MediaByBarcode(h_, "A00001L6"), ports_[0]));
  EXPECT_TRUE(InPort(h_, MediaByBarcode(h_, "A00003L6"), ports_[1]));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  std::string before = Snapshot(h_, "sim0");
  Eject("A00004L6", ERROR_BUSY);
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, EjectBusyWhenOperatorFilledThePorts) {
  StartPolling();
  OperatorPut(*d_, 0, "N00005L6");
  OperatorPut(*d_, 1, "N00006L6");
  WaitKnownInPort("N00005L6", 0);
  WaitKnownInPort("N00006L6", 1);
  std::string before = Snapshot(h_, "sim0");
  Eject("A00001L6", ERROR_BUSY);
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, EjectBusyWhenMediaIsMounted) {
  Start();
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h_, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, nullptr),
            DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  Eject("A00001L6", ERROR_BUSY);
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, EjectInvalidOperationWhenAlreadyInAPort) {
  Start();
  Eject("A00002L6");
  WaitIdle(h_, "sim0");
  std::string before = Snapshot(h_, "sim0");
  Eject("A00002L6", ERROR_INVALID_OPERATION);
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, EjectInvalidParameter) {
  Start();
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), op = NullGuid();
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(EjectNtmsMedia(h_, nullptr, &op, NTMS_EJECT_START), DWORD(ERROR_INVALID_PARAMETER))
      << "no media and nothing queued to start";
  EXPECT_EQ(EjectNtmsMedia(h_, &media, nullptr, NTMS_EJECT_START), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(EjectNtmsMedia(h_, &media, nullptr, NTMS_EJECT_STOP), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(EjectNtmsMedia(h_, nullptr, nullptr, NTMS_EJECT_QUEUE), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(EjectNtmsMedia(h_, &media, &op, NTMS_EJECT_IMMEDIATE), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(EjectNtmsMedia(h_, &media, &op, NTMS_EJECT_ASK_USER), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(EjectNtmsMedia(h_, &media, &op, 99), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID unknown = RandomGuid(), null_id = NullGuid();
  EXPECT_EQ(EjectNtmsMedia(h_, &unknown, &op, NTMS_EJECT_START), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(EjectNtmsMedia(h_, &null_id, &op, NTMS_EJECT_START), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(EjectNtmsMedia(h_, &lib_, &op, NTMS_EJECT_START), DWORD(ERROR_INVALID_PARAMETER))
      << "a library id is not a media id";
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, EjectForceIsNotSupported) {
  Start();
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), op = NullGuid();
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(EjectNtmsMedia(h_, &media, &op, NTMS_EJECT_FORCE), DWORD(ERROR_NOT_SUPPORTED));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, EjectQueueGathersMediaUntilStart) {
  Start();
  NTMS_GUID a1 = MediaByBarcode(h_, "A00001L6"), a3 = MediaByBarcode(h_, "A00003L6");
  NTMS_GUID a4 = MediaByBarcode(h_, "A00004L6"), op = NullGuid();
  // lpEjectOperation "is not used with NTMS_EJECT_QUEUE" (SDK): NULL is fine.
  ASSERT_EQ(EjectNtmsMedia(h_, &a1, nullptr, NTMS_EJECT_QUEUE), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(EjectNtmsMedia(h_, &a3, &op, NTMS_EJECT_QUEUE), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(op, NullGuid())) << "QUEUE wrote the operation";
  // More than the two ports hold.
  EXPECT_EQ(EjectNtmsMedia(h_, &a4, &op, NTMS_EJECT_QUEUE), DWORD(ERROR_BUSY));
  // Queued, not started: nothing moves.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  for (const auto& r : Requests(h_, "sim0")) EXPECT_EQ(r.Info.LibRequest.State, DWORD(NTMS_LM_DEFERRED));
  EXPECT_EQ(Info(h_, a1).Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_FALSE(ReadSimState(*d_, "sim0").ieports[0].full);
  // START with a NULL media id begins them all.
  NTMS_GUID none = NullGuid();
  ASSERT_EQ(EjectNtmsMedia(h_, nullptr, &op, NTMS_EJECT_START), DWORD(ERROR_SUCCESS));
  EXPECT_FALSE(SameGuid(op, NullGuid()));
  WaitIdle(h_, "sim0");
  EXPECT_TRUE(InPort(h_, a1, ports_[0]));
  EXPECT_TRUE(InPort(h_, a3, ports_[1]));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // Nothing left to start.
  EXPECT_EQ(EjectNtmsMedia(h_, &none, &op, NTMS_EJECT_START), DWORD(ERROR_INVALID_PARAMETER));
}

TEST_F(IePortTest, EjectQueueStartOnTheLastMediaAndStopOfAQueuedOne) {
  Start();
  NTMS_GUID a1 = MediaByBarcode(h_, "A00001L6"), a2 = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID a2_home = Info(h_, a2).Info.PhysicalMedia.Location, op = NullGuid();
  ASSERT_EQ(EjectNtmsMedia(h_, &a2, &op, NTMS_EJECT_QUEUE), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(EjectNtmsMedia(h_, &a1, &op, NTMS_EJECT_QUEUE), DWORD(ERROR_SUCCESS));
  // The queued eject of A00002L6 is stopped before it starts.
  NTMS_GUID queued = NullGuid();
  for (const auto& r : Requests(h_, "sim0"))
    if (SameGuid(r.Info.LibRequest.PhysMediaId, a2)) queued = r.ObjectGuid;
  ASSERT_EQ(EjectNtmsMedia(h_, &a2, &queued, NTMS_EJECT_STOP), DWORD(ERROR_SUCCESS));
  // START on the last media queued begins the batch.
  NTMS_GUID started = NullGuid();
  ASSERT_EQ(EjectNtmsMedia(h_, &a1, &started, NTMS_EJECT_START), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  auto r = Request(h_, started);
  ASSERT_TRUE(r);
  EXPECT_TRUE(SameGuid(r->Info.LibRequest.PhysMediaId, a1));
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  EXPECT_TRUE(InPort(h_, a1, ports_[0]));
  EXPECT_TRUE(SameGuid(Info(h_, a2).Info.PhysicalMedia.Location, a2_home)) << "the stopped one stayed";
  EXPECT_EQ(Request(h_, queued)->Info.LibRequest.State, DWORD(NTMS_LM_CANCELLED));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(IePortTest, EjectQueuedButNeverStartedIsDroppedWithTheSession) {
  Start();
  HANDLE other = Open("other");
  NTMS_GUID a1 = MediaByBarcode(h_, "A00001L6"), op = NullGuid();
  ASSERT_EQ(EjectNtmsMedia(other, &a1, &op, NTMS_EJECT_QUEUE), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(CloseNtmsSession(other), DWORD(ERROR_SUCCESS));
  auto reqs = Requests(h_, "sim0");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].Info.LibRequest.State, DWORD(NTMS_LM_CANCELLED));
  // Its port reservation is gone with it: two ejects fit again.
  Eject("A00001L6");
  Eject("A00002L6");
  WaitIdle(h_, "sim0");
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(IePortTest, EjectStopOfInvalidOperation) {
  Start();
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  NTMS_GUID done = Eject("A00001L6");
  WaitIdle(h_, "sim0");
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID unknown = RandomGuid(), null_id = NullGuid();
  EXPECT_EQ(EjectNtmsMedia(h_, &media, &unknown, NTMS_EJECT_STOP), DWORD(ERROR_INVALID_OPERATION));
  EXPECT_EQ(EjectNtmsMedia(h_, &media, &null_id, NTMS_EJECT_STOP), DWORD(ERROR_INVALID_OPERATION));
  EXPECT_EQ(EjectNtmsMedia(h_, &media, &done, NTMS_EJECT_STOP), DWORD(ERROR_INVALID_OPERATION))
      << "a finished eject cannot be stopped";
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, EjectStopCancelsAQueuedEject) {
  SKIP_UNLESS_SIM();  // needs a robot slow enough to keep the second eject queued
  DaemonOptions opts;
  opts.time_scale = 0.125;  // 1 s per move, 3.75 s per inventory
  Start(opts);
  Eject("A00001L6");
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID home = Info(h_, media).Info.PhysicalMedia.Location;
  NTMS_GUID queued = Eject("A00002L6");
  ASSERT_EQ(EjectNtmsMedia(h_, &media, &queued, NTMS_EJECT_STOP), DWORD(ERROR_SUCCESS)) << d_->log();
  WaitIdle(h_, "sim0");
  auto r = Request(h_, queued);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_CANCELLED));
  auto mi = Info(h_, media).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_TRUE(SameGuid(mi.Location, home)) << "a stopped eject moves nothing";
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  EXPECT_EQ(EjectNtmsMedia(h_, &media, &queued, NTMS_EJECT_STOP), DWORD(ERROR_INVALID_OPERATION));
}

TEST_F(IePortTest, EjectInvalidHandle) {
  Start();
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), op = NullGuid();
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(EjectNtmsMedia(nullptr, &media, &op, NTMS_EJECT_START), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(EjectNtmsMedia(reinterpret_cast<HANDLE>(0x1234), &media, &op, NTMS_EJECT_START),
            DWORD(ERROR_INVALID_HANDLE));
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(EjectNtmsMedia(closed, &media, &op, NTMS_EJECT_START), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, EjectDeviceNotAvailableWhenLibraryDisabled) {
  Start();
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  Eject("A00001L6", ERROR_DEVICE_NOT_AVAILABLE);
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_SUCCESS));
  Eject("A00001L6");
  WaitIdle(h_, "sim0");
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(IePortTest, EjectLibraryOfflineWhenLibraryOffline) {
  SKIP_UNLESS_SIM();  // the "unavailable" fault
  Start();
  ASSERT_EQ(d_->Hook("sim0", "unavailable", 0, 1), 0u);
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  ASSERT_EQ(Info(h_, lib_).dwOperationalState, DWORD(NTMS_NEEDS_SERVICE));
  std::string before = Snapshot(h_, "sim0");
  Eject("A00001L6", ERROR_LIBRARY_OFFLINE);
  NTMS_GUID op = NullGuid();
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_LIBRARY_OFFLINE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  ASSERT_EQ(d_->Hook("sim0", "unavailable", 0, 0), 0u);
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  Eject("A00001L6");
}

TEST_F(IePortTest, EjectMediaNotAvailableWhenMediaDisabled) {
  Start();
  NTMS_GUID media = MediaByBarcode(h_, "A00003L6");
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_PHYSICAL_MEDIA, &media), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  Eject("A00003L6", ERROR_MEDIA_NOT_AVAILABLE);
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, EjectMoveFailureMarksForInventory) {
  SKIP_UNLESS_SIM();  // the move_fail_after fault
  Start();
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6");
  // The robot moves the cartridge but reports a failure: where it is is unknown.
  ASSERT_EQ(d_->Hook("sim0", "move_fail_after", 0, 1), 0u);
  NTMS_GUID op = Eject("A00002L6");
  WaitIdle(h_, "sim0");
  auto r = Request(h_, op);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_FAILED));
  EXPECT_EQ(r->Info.LibRequest.dwErrorCode, DWORD(ERROR_UNABLE_TO_LOAD_MEDIUM));
  std::string before = Snapshot(h_, "sim0");
  Eject("A00002L6", ERROR_MEDIA_NOT_AVAILABLE);
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  EXPECT_TRUE(InPort(h_, media, ports_[0])) << "the move did happen";
}

TEST_F(IePortTest, CrashDuringEjectOrInjectThenRestartReconciles) {
  SKIP_UNLESS_SIM();  // the crash_after_move hook is the daemon's, the restart keeps the sim's state
  Start();
  ASSERT_EQ(d_->Hook("", "crash_after_move"), 0u);
  Eject("A00003L6");  // queued; the worker dies after the move, before its commit
  // (Running() is true for a zombie until Kill9 reaps it.)
  ASSERT_TRUE(WaitFor([&] { return d_->log().find("test hook: crashing") != std::string::npos; })) << d_->log();
  d_->Kill9();  // reap
  CloseNtmsSession(h_);
  EXPECT_EQ(ReadSimState(*d_, "sim0").ieports[0].barcode, "A00003L6") << "the move completed on the device";
  d_->Start();
  h_ = Open();
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  EXPECT_TRUE(InPort(h_, MediaByBarcode(h_, "A00003L6"), ports_[0]));
  // The same for an inject.
  ASSERT_EQ(d_->Hook("", "crash_after_move"), 0u);
  NTMS_GUID op = NullGuid();
  size_t crashes = 1;
  ASSERT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_SUCCESS));
  ASSERT_TRUE(WaitFor([&] {
    std::string log = d_->log();
    size_t n = 0;
    for (size_t at = log.find("test hook: crashing"); at != std::string::npos;
         at = log.find("test hook: crashing", at + 1))
      ++n;
    return n > crashes;
  })) << d_->log();
  d_->Kill9();
  CloseNtmsSession(h_);
  EXPECT_FALSE(ReadSimState(*d_, "sim0").ieports[0].full);
  d_->Start();
  h_ = Open();
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  EXPECT_EQ(Info(h_, MediaByBarcode(h_, "A00003L6")).Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT));
}

TEST_F(IePortTest, EjectNotSupportedWithoutAPort) {
  Start();  // tape0: a stand-alone drive has no IE port
  NTMS_GUID tape0 = LibraryId(h_, "tape0");
  auto in_tape0 = List(h_, &tape0, NTMS_PHYSICAL_MEDIA);  // its cartridge (tgt's drive reports no barcode)
  ASSERT_EQ(in_tape0.size(), 1u);
  NTMS_GUID media = in_tape0[0], op = NullGuid();
  std::string before = Snapshot(h_, "tape0");
  EXPECT_EQ(EjectNtmsMedia(h_, &media, &op, NTMS_EJECT_START), DWORD(ERROR_NOT_SUPPORTED));
  EXPECT_EQ(InjectNtmsMedia(h_, &tape0, &op, NTMS_INJECT_START), DWORD(ERROR_NOT_SUPPORTED));
  EXPECT_EQ(Snapshot(h_, "tape0"), before);
}

TEST_F(IePortTest, EjectAndInjectAccessDeniedWithoutControl) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run a probe as another uid";
  Start();
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"eject", GuidText(media)}), uint32_t(ERROR_ACCESS_DENIED));
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"inject", GuidText(lib_)}), uint32_t(ERROR_ACCESS_DENIED));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(ProbeAs(*d_, 0, 0, {"eject", GuidText(media)}), uint32_t(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(ProbeAs(*d_, 0, 0, {"inject", GuidText(lib_)}), uint32_t(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(IePortTest, EjectAndInjectNotEnoughMemory) {
  Start();
  std::string before = Snapshot(h_, "sim0");
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "EjectNtmsMedia"), 0u);
  Eject("A00001L6", ERROR_NOT_ENOUGH_MEMORY);
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "InjectNtmsMedia"), 0u);
  NTMS_GUID op = NullGuid();
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  Eject("A00001L6");
}

TEST_F(IePortTest, EjectAndInjectDatabaseFailureWhenCatalogueDamaged) {
  Start();
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6"), op = NullGuid();
  FILE* f = fopen(d_->catalog_path().c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::string garbage(4096, '\x5a');
  ASSERT_EQ(fwrite(garbage.data(), 1, garbage.size(), f), garbage.size());
  fclose(f);
  EXPECT_EQ(EjectNtmsMedia(h_, &media, &op, NTMS_EJECT_START), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_TRUE(d_->Running()) << "rsmd must stay up";
  EXPECT_FALSE(ReadSimState(*d_, "sim0").ieports[0].full) << "nothing moved";
}

TEST(IePortFullTest, EjectAndInjectDatabaseFull) {
  DaemonOptions opts;
  opts.max_pages = 64;
  Daemon d(opts);
  d.Start();
  HANDLE h = Open();
  auto drives = Drives(h, "sim0");
  FillCatalogue(d, h, drives[1]);
  std::string before = Snapshot(h, "sim0");
  NTMS_GUID media = MediaByBarcode(h, "A00001L6"), op = NullGuid(), lib = LibraryId(h, "sim0");
  EXPECT_EQ(EjectNtmsMedia(h, &media, &op, NTMS_EJECT_START), DWORD(ERROR_DATABASE_FULL));
  EXPECT_EQ(InjectNtmsMedia(h, &lib, &op, NTMS_INJECT_START), DWORD(ERROR_DATABASE_FULL));
  EXPECT_EQ(Snapshot(h, "sim0"), before);
  EXPECT_FALSE(ReadSimState(d, "sim0").ieports[0].full) << "nothing moved";
  CloseNtmsSession(h);
}

// ---- InjectNtmsMedia -------------------------------------------------------------------

TEST_F(IePortTest, InjectStartMovesEveryPortIntoFreeSlots) {
  Start();  // default poll: the inject reads the ports itself
  OperatorPut(*d_, 0, "N00007L6");
  OperatorPut(*d_, 1, "N00010L6");  // a second, new barcode
  NTMS_GUID op = NullGuid();
  ASSERT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_SUCCESS)) << d_->log();
  EXPECT_FALSE(SameGuid(op, NullGuid()));
  WaitIdle(h_, "sim0");
  auto r = Request(h_, op);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Info.LibRequest.OperationCode, DWORD(NTMS_LM_INJECT));
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_PASSED)) << d_->log();
  for (const char* bc : {"N00007L6", "N00010L6"}) {
    auto m = FindMedia(h_, bc);
    ASSERT_TRUE(m) << bc;
    auto mi = Info(h_, *m).Info.PhysicalMedia;
    EXPECT_EQ(mi.LocationType, DWORD(NTMS_STORAGESLOT)) << bc;
    EXPECT_TRUE(SameGuid(mi.HomeSlot, mi.Location)) << bc;
    EXPECT_TRUE(SameGuid(mi.CurrentLibrary, lib_));
  }
  for (const auto& p : ports_) EXPECT_EQ(Info(h_, p).Info.IEPort.Content, DWORD(NTMS_PORTCONTENT_EMPTY));
  SimState dev = ReadSimState(*d_, "sim0");
  EXPECT_FALSE(dev.ieports[0].full);
  EXPECT_FALSE(dev.ieports[1].full);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(IePortTest, EjectThenInjectBringsTheSameCartridgeBack) {
  Start();
  NTMS_GUID media = MediaByBarcode(h_, "A00004L6");
  Eject("A00004L6");
  WaitIdle(h_, "sim0");
  ASSERT_TRUE(InPort(h_, media, ports_[0]));
  NTMS_GUID op = NullGuid();
  ASSERT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  auto mi = Info(h_, media).Info.PhysicalMedia;
  EXPECT_EQ(mi.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_EQ(MediaWithBarcode(h_, "A00004L6").size(), 1u);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // And it mounts like any other.
  NTMS_GUID drive = NullGuid();
  EXPECT_EQ(MountNtmsMedia(h_, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, nullptr),
            DWORD(ERROR_SUCCESS));
}

TEST_F(IePortTest, InjectWithEmptyPortsMovesNothing) {
  Start();
  std::string device_before = CompareWithDevice(h_, *d_, "sim0");
  ASSERT_EQ(device_before, "");
  NTMS_GUID op = NullGuid();
  ASSERT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  auto r = Request(h_, op);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(IePortTest, InjectLibraryFull) {
  SKIP_UNLESS_SIM();  // the vtl has 20 slots
  DaemonOptions opts;
  opts.slots = 5;  // four cartridges, one free slot
  Start(opts);
  OperatorPut(*d_, 0, "N00008L6");
  OperatorPut(*d_, 1, "N00009L6");
  NTMS_GUID op = NullGuid();
  ASSERT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  // One fitted; the other stays in its port for the operator.
  auto r = Request(h_, op);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_FAILED));
  EXPECT_EQ(r->Info.LibRequest.dwErrorCode, DWORD(ERROR_LIBRARY_FULL));
  EXPECT_EQ(Info(h_, *FindMedia(h_, "N00008L6")).Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_TRUE(InPort(h_, *FindMedia(h_, "N00009L6"), ports_[1]));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // Now no slot is free: the call itself says so.
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_LIBRARY_FULL));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, InjectInvalidParameter) {
  Start();
  NTMS_GUID op = NullGuid();
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(InjectNtmsMedia(h_, nullptr, &op, NTMS_INJECT_START), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, nullptr, NTMS_INJECT_START), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, &op, 4), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID unknown = RandomGuid(), null_id = NullGuid(), media = MediaByBarcode(h_, "A00001L6");
  EXPECT_EQ(InjectNtmsMedia(h_, &unknown, &op, NTMS_INJECT_START), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(InjectNtmsMedia(h_, &null_id, &op, NTMS_INJECT_START), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(InjectNtmsMedia(h_, &media, &op, NTMS_INJECT_START), DWORD(ERROR_INVALID_PARAMETER))
      << "a media id is not a library id";
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_RETRACT), DWORD(ERROR_NOT_SUPPORTED));
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_STARTMANY), DWORD(ERROR_NOT_SUPPORTED));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, InjectStopOfInvalidOperation) {
  Start();
  NTMS_GUID op = NullGuid();
  ASSERT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  NTMS_GUID eject = Eject("A00001L6");
  WaitIdle(h_, "sim0");
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID unknown = RandomGuid();
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, &unknown, NTMS_INJECT_STOP), DWORD(ERROR_INVALID_OPERATION));
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_STOP), DWORD(ERROR_INVALID_OPERATION))
      << "a finished inject cannot be stopped";
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, &eject, NTMS_INJECT_STOP), DWORD(ERROR_INVALID_OPERATION))
      << "an eject is not an inject";
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, InjectStopCancelsAQueuedInject) {
  SKIP_UNLESS_SIM();  // needs a robot slow enough to keep the inject queued
  DaemonOptions opts;
  opts.time_scale = 0.125;  // 1 s per move, 3.75 s per inventory
  Start(opts);
  Eject("A00001L6");
  NTMS_GUID op = NullGuid();
  ASSERT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_STOP), DWORD(ERROR_SUCCESS)) << d_->log();
  WaitIdle(h_, "sim0");
  auto r = Request(h_, op);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_CANCELLED));
  EXPECT_TRUE(InPort(h_, MediaByBarcode(h_, "A00001L6"), ports_[0])) << "the stopped inject moved nothing";
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(IePortTest, InjectDeviceNotAvailableWhenLibraryDisabled) {
  Start();
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID op = NullGuid();
  EXPECT_EQ(InjectNtmsMedia(h_, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(IePortTest, InjectInvalidHandle) {
  Start();
  NTMS_GUID op = NullGuid();
  EXPECT_EQ(InjectNtmsMedia(nullptr, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_INVALID_HANDLE));
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(InjectNtmsMedia(closed, &lib_, &op, NTMS_INJECT_START), DWORD(ERROR_INVALID_HANDLE));
}

// ---- the rsm CLI: media eject, library inject -------------------------------------------

class IePortCliTest : public IePortTest {
 protected:
  CommandResult Rsm(const std::vector<std::string>& args) { return RunRsm(*d_, args); }
  // `rsm --json media list`'s entry for `barcode`.
  nlohmann::json MediaEntry(const std::string& barcode) {
    CommandResult r = Rsm({"--json", "media", "list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    for (const auto& m : j)
      if (m.value("barcode", "") == barcode) return m;
    return nlohmann::json();
  }
};

TEST_F(IePortCliTest, MediaEjectThenLibraryInject) {
  Start();
  CommandResult e = Rsm({"media", "eject", "A00002L6"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("A00002L6: in sim0 ieport 1"), std::string::npos) << e.out;
  // It waited: the cartridge is in the port in both views.
  EXPECT_EQ(MediaEntry("A00002L6").value("location_type_name", ""), "ie port");
  EXPECT_TRUE(InPort(h_, MediaByBarcode(h_, "A00002L6"), ports_[0]));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");

  CommandResult j = Rsm({"--json", "library", "inject", "sim0"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto r = nlohmann::json::parse(j.out, nullptr, false);
  EXPECT_EQ(r.value("operation", ""), "inject");
  EXPECT_EQ(r.value("waited", false), true);
  EXPECT_EQ(MediaEntry("A00002L6").value("location_type_name", ""), "slot");
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(IePortCliTest, EjectAndInjectErrors) {
  Start();
  ASSERT_EQ(Rsm({"media", "mount", "A00001L6"}).exit_code, 0);
  CommandResult busy = Rsm({"media", "eject", "A00001L6"});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.err.find("EjectNtmsMedia: ERROR_BUSY"), std::string::npos) << busy.err;
  EXPECT_EQ(Rsm({"media", "eject", "ZZZ999"}).exit_code, 2);
  EXPECT_EQ(Rsm({"library", "inject", "no such library"}).exit_code, 2);
  CommandResult none = Rsm({"library", "inject", "tape0"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("InjectNtmsMedia: ERROR_NOT_SUPPORTED"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace openrsm::apitest
