// ScsiChanger, ScsiDrive and the drive mapping over a fake Transport that
// answers like tgt 1.0.85 (scsi_test_util.h builders): page 0x1D, element
// status with DVCID and tgt's spare DTE, UNIT ATTENTION, NOT READY 04/01,
// the MOVE MEDIUM errors of tgt-notes.md.
#include "devices/scsi/scsi_changer.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>

#include "devices/scsi/cdb.h"
#include "devices/scsi/scsi_drive.h"
#include "devices/scsi/scsi_library.h"
#include "scsi_test_util.h"
#include "tests/support/fake_clock.h"

namespace openrsm::devices::scsi {
namespace {

using namespace testing;  // NOLINT
using std::chrono::microseconds;

using test_support::FakeClock;

std::vector<uint8_t> FixedSense(uint8_t key, uint8_t asc, uint8_t ascq) {
  std::vector<uint8_t> s(18, 0);
  s[0] = 0x70;
  s[2] = key;
  s[7] = 10;
  s[12] = asc;
  s[13] = ascq;
  return s;
}
ScsiResult Check(uint8_t key, uint8_t asc, uint8_t ascq) {
  ScsiResult r;
  r.status = scsi_status::kCheckCondition;
  r.sense = FixedSense(key, asc, ascq);
  return r;
}
ScsiResult Data(const std::vector<uint8_t>& d, std::span<uint8_t> buf) {
  ScsiResult r;
  r.transferred = std::min(d.size(), buf.size());
  std::copy_n(d.begin(), r.transferred, buf.begin());
  return r;
}

std::vector<uint8_t> Inquiry(uint8_t pdt, std::string_view vendor, std::string_view product) {
  std::vector<uint8_t> d(36, 0);
  d[0] = pdt;
  d[4] = 31;
  Text(d, 8, vendor, 8);
  Text(d, 16, product, 16);
  Text(d, 32, "0104", 4);
  return d;
}
std::vector<uint8_t> Vpd80(uint8_t pdt, std::string_view serial) {
  std::vector<uint8_t> d(4 + 36, ' ');
  d[0] = pdt;
  d[1] = 0x80;
  d[2] = 0;
  d[3] = 36;
  Text(d, 4 + 36 - serial.size(), serial, serial.size());
  return d;
}
std::vector<uint8_t> Page1D() {  // tgt-notes: MTE 1, SE 1024 x20, IEE 768 x2, DTE 256 x3
  std::vector<uint8_t> d(4 + 20, 0);
  d[0] = uint8_t(d.size() - 1);
  d[4] = 0x1D;
  d[5] = 0x12;
  Be16(d, 6, 1), Be16(d, 8, 1), Be16(d, 10, 1024), Be16(d, 12, 20);
  Be16(d, 14, 768), Be16(d, 16, 2), Be16(d, 18, 256), Be16(d, 20, 3);
  return d;
}

// A tgt-like changer: state in `slots`, scripted failures per opcode.
class FakeChanger final : public Transport {
 public:
  FakeChanger() {
    for (uint16_t i = 0; i < 20; ++i) se.push_back({.address = uint16_t(1024 + i)});
    se[0].full = true, se[0].tag = "T00001L6";
    se[1].full = true, se[1].tag = "T00002L6";
    se[3].full = true, se[3].tag = "";  // unlabeled
    dte = {{.address = 256, .mapped = true, .serial = "DRV0000001"},
           {.address = 257, .mapped = true, .serial = "DRV0000002"},
           {.address = 258}};
    dte[1].full = true, dte[1].tag = "T00009L6", dte[1].last_addr = 1030;
    iee = {{.address = 768}, {.address = 769}};
  }
  Result<ScsiResult> Execute(const ScsiCommand& cmd) override {
    const uint8_t op = cmd.cdb[0];
    cdbs.emplace_back(cmd.cdb.begin(), cmd.cdb.end());
    auto& q = script[op];
    if (!q.empty()) {
      auto f = q.front();
      q.pop_front();
      if (f) return f();
    }
    switch (op) {
      case op::kInquiry:
        return Data(cmd.cdb[1] & 1 ? Vpd80(8, "CHG0000001") : Inquiry(8, "STK", "L700"), cmd.data_in);
      case op::kModeSense6:
        return Data(Page1D(), cmd.data_in);
      case op::kReadElementStatus: {
        const uint8_t type = cmd.cdb[1] & 0x0F;
        const uint32_t alloc = uint32_t(cmd.cdb[7]) << 16 | uint32_t(cmd.cdb[8]) << 8 | cmd.cdb[9];
        allocs.push_back(alloc);
        const bool dvcid = cmd.cdb[6] & 1;
        if (type == 1) return Data(TgtElementStatus(1, {{.address = 1}}, true, dvcid, 1043, alloc), cmd.data_in);
        if (type == 2) return Data(TgtElementStatus(2, se, true, dvcid, 1024, alloc), cmd.data_in);
        if (type == 3) return Data(TgtElementStatus(3, iee, true, dvcid, 768, alloc), cmd.data_in);
        if (type == 4) return Data(TgtElementStatus(4, dte, true, dvcid, 256, alloc), cmd.data_in);
        return Check(5, 0x24, 0);
      }
      case op::kMoveMedium:
        return ScsiResult{};
      default:
        return Check(5, 0x20, 0);
    }
  }
  std::string Describe() const override { return "fake-changer"; }

  std::vector<TgtSlot> se, dte, iee;
  std::map<uint8_t, std::deque<std::function<Result<ScsiResult>()>>> script;
  std::vector<std::vector<uint8_t>> cdbs;
  std::vector<uint32_t> allocs;
};

struct Opened {
  FakeChanger* fake;
  std::unique_ptr<ScsiChanger> changer;
};

class ScsiChangerTest : public ::testing::Test {
 protected:
  ScsiDeviceOptions Options() {
    ScsiDeviceOptions o;
    o.clock = &clock_;
    return o;
  }
  Opened Open(std::function<void(FakeChanger&)> setup = {}, ScsiDeviceOptions o = {}) {
    if (!o.clock) o.clock = &clock_;
    auto f = std::make_unique<FakeChanger>();
    FakeChanger* raw = f.get();
    if (setup) setup(*raw);
    auto c = ScsiChanger::Open(std::move(f), o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return {raw, c.ok() ? std::move(c).value() : nullptr};
  }
  FakeClock clock_;
};

std::function<Result<ScsiResult>()> Answer(ScsiResult r) {
  return [r] { return Result<ScsiResult>(r); };
}
size_t CountOp(const FakeChanger& f, uint8_t op) {
  return size_t(std::count_if(f.cdbs.begin(), f.cdbs.end(), [&](const auto& c) { return c[0] == op; }));
}

TEST_F(ScsiChangerTest, LayoutFromInquiryAndPage1D) {
  auto o = Open();
  ASSERT_TRUE(o.changer);
  auto l = o.changer->Layout();
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->slots, 20u);
  EXPECT_EQ(l->ieports, 2u);
  EXPECT_EQ(l->drives, 3u);
  EXPECT_EQ(l->transports, 1u);
  EXPECT_EQ(l->vendor, "STK");
  EXPECT_EQ(l->product, "L700");
  EXPECT_EQ(l->serial, "CHG0000001");
  EXPECT_EQ(o.changer->AddressAssignment().storage, (ElementRange{1024, 20}));
  // One READ ELEMENT STATUS per type, never type 0; DVCID only for drives.
  for (const auto& c : o.fake->cdbs)
    if (c[0] == op::kReadElementStatus) {
      EXPECT_NE(c[1] & 0x0F, 0);
      EXPECT_EQ((c[6] & 1) != 0, (c[1] & 0x0F) == 4);
      EXPECT_TRUE(c[1] & 0x10);  // VOLTAG
    }
}

TEST_F(ScsiChangerTest, ElementAddressesMapToIndicesAndBack) {
  auto o = Open();
  auto inv = o.changer->ReadElementStatus();
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->size(), 1u + 20u + 2u + 3u);
  auto find = [&](ElementType t, uint32_t i) -> const ElementStatus& {
    for (const auto& e : *inv)
      if (e.ref == ElementRef{t, i}) return e;
    ADD_FAILURE() << "missing " << int(t) << " " << i;
    static ElementStatus none;
    return none;
  };
  EXPECT_EQ(find(ElementType::kStorage, 0).barcode, "T00001L6");
  EXPECT_TRUE(find(ElementType::kStorage, 3).full);
  EXPECT_EQ(find(ElementType::kStorage, 3).barcode, "");
  EXPECT_FALSE(find(ElementType::kStorage, 2).full);
  const auto& d1 = find(ElementType::kDataTransfer, 1);
  EXPECT_TRUE(d1.full);
  EXPECT_EQ(d1.barcode, "T00009L6");
  ASSERT_TRUE(d1.source);
  EXPECT_EQ(*d1.source, (ElementRef{ElementType::kStorage, 6}));  // 1030
  EXPECT_EQ(*o.changer->Address({ElementType::kDataTransfer, 2}), 258);
  EXPECT_EQ(*o.changer->Address({ElementType::kImportExport, 1}), 769);
  EXPECT_EQ(o.changer->Address({ElementType::kStorage, 20}).status().code(), err::kInvalidParameter);

  ASSERT_TRUE(o.changer->Move({ElementType::kStorage, 1}, {ElementType::kDataTransfer, 1}).ok());
  const auto& mv = o.fake->cdbs.back();
  ASSERT_EQ(mv[0], op::kMoveMedium);
  EXPECT_EQ(mv[2] << 8 | mv[3], 1);     // transport element from page 0x1D
  EXPECT_EQ(mv[4] << 8 | mv[5], 1025);  // source
  EXPECT_EQ(mv[6] << 8 | mv[7], 257);   // destination
}

TEST_F(ScsiChangerTest, DvcidSerialsWithTgtsSpareDte) {
  auto o = Open();
  EXPECT_EQ(o.changer->DriveSerials(), (std::vector<std::string>{"DRV0000001", "DRV0000002", ""}));
  // Without the spare, tgt cuts the last drive's identifier: no serial rather than a wrong one.
  auto o2 = Open([](FakeChanger& f) { f.dte.pop_back(); });
  EXPECT_EQ(o2.changer->DriveSerials(), (std::vector<std::string>{"DRV0000001", ""}));
}

TEST_F(ScsiChangerTest, ReadElementStatusOfIssuesOneCommandForThatType) {
  auto o = Open();
  o.fake->iee[1].full = true, o.fake->iee[1].tag = "N00001L6", o.fake->iee[1].last_addr = 1025;
  const size_t before = o.fake->cdbs.size();
  auto ie = o.changer->ReadElementStatusOf(ElementType::kImportExport);
  ASSERT_TRUE(ie.ok()) << ie.status().ToString();
  ASSERT_EQ(ie->size(), 2u);
  EXPECT_EQ((*ie)[0].ref, (ElementRef{ElementType::kImportExport, 0}));
  EXPECT_FALSE((*ie)[0].full);
  EXPECT_EQ((*ie)[1].ref, (ElementRef{ElementType::kImportExport, 1}));
  EXPECT_TRUE((*ie)[1].full);
  EXPECT_EQ((*ie)[1].barcode, "N00001L6");
  ASSERT_TRUE((*ie)[1].source);
  EXPECT_EQ(*(*ie)[1].source, (ElementRef{ElementType::kStorage, 1}));
  // One READ ELEMENT STATUS, element type code 3 (import/export), nothing else.
  ASSERT_EQ(o.fake->cdbs.size(), before + 1);
  EXPECT_EQ(o.fake->cdbs.back()[0], op::kReadElementStatus);
  EXPECT_EQ(o.fake->cdbs.back()[1] & 0x0F, 3);
}

TEST_F(ScsiChangerTest, ReissuesReadElementStatusWithTheAnnouncedLength) {
  ScsiDeviceOptions opts;
  opts.res_initial_allocation = 64;
  auto o = Open({}, opts);
  ASSERT_TRUE(o.changer);
  EXPECT_EQ(o.changer->Layout()->slots, 20u);
  // Slots: 64 bytes first, then 8 + 8 + 20 * 52 (tgt's byte count).
  ASSERT_GE(o.fake->allocs.size(), 3u);
  EXPECT_EQ(o.fake->allocs[0], 64u);  // picker: fits
  EXPECT_EQ(o.fake->allocs[1], 64u);
  EXPECT_EQ(o.fake->allocs[2], 16u + 20u * 52u);
  o.fake->allocs.clear();
  ASSERT_TRUE(o.changer->ReadElementStatus().ok());
  EXPECT_EQ(o.fake->allocs.size(), 4u);  // remembered: one command per type
}

TEST_F(ScsiChangerTest, UnitAttentionIsRetriedBoundedly) {
  auto o = Open([](FakeChanger& f) {
    f.script[op::kInquiry].push_back(Answer(Check(6, 0x29, 0)));  // first command on a new nexus
  });
  ASSERT_TRUE(o.changer);
  o.fake->script[op::kMoveMedium] = {Answer(Check(6, 0x29, 0)), Answer(Check(6, 0x28, 0))};
  EXPECT_TRUE(o.changer->Move({ElementType::kStorage, 0}, {ElementType::kStorage, 5}).ok());
  EXPECT_EQ(CountOp(*o.fake, op::kMoveMedium), 3u);
  for (int i = 0; i < 10; ++i) o.fake->script[op::kMoveMedium].push_back(Answer(Check(6, 0x29, 0)));
  Status st = o.changer->Move({ElementType::kStorage, 0}, {ElementType::kStorage, 5});
  EXPECT_EQ(st.code(), err::kDeviceNotAvailable) << st.ToString();
  EXPECT_EQ(CountOp(*o.fake, op::kMoveMedium), 3u + 6u);  // 1 + max_retry_now
}

TEST_F(ScsiChangerTest, UnitAttentionSaysTheInventoryMayHaveChangedUntilReread) {
  auto o = Open([](FakeChanger& f) {
    f.script[op::kInquiry].push_back(Answer(Check(6, 0x29, 0)));  // seen during Open: not reported
  });
  ASSERT_TRUE(o.changer);
  EXPECT_FALSE(o.changer->InventoryMayHaveChanged());
  ASSERT_TRUE(o.changer->Move({ElementType::kStorage, 0}, {ElementType::kStorage, 5}).ok());
  EXPECT_FALSE(o.changer->InventoryMayHaveChanged());             // a plain move changes nothing behind our back
  o.fake->script[op::kMoveMedium] = {Answer(Check(6, 0x29, 0))};  // power on or reset
  ASSERT_TRUE(o.changer->Move({ElementType::kStorage, 5}, {ElementType::kStorage, 0}).ok());
  EXPECT_TRUE(o.changer->InventoryMayHaveChanged());
  ASSERT_TRUE(o.changer->ReadElementStatus().ok());
  EXPECT_FALSE(o.changer->InventoryMayHaveChanged());
  o.fake->script[op::kMoveMedium] = {Answer(Check(6, 0x28, 0))};  // not ready to ready (door closed)
  ASSERT_TRUE(o.changer->Move({ElementType::kStorage, 0}, {ElementType::kStorage, 5}).ok());
  EXPECT_TRUE(o.changer->InventoryMayHaveChanged());
}

TEST_F(ScsiChangerTest, BecomingReadyIsWaitedForWithinTheTimeout) {
  auto o = Open();
  o.fake->script[op::kMoveMedium] = {Answer(Check(2, 4, 1)), Answer(Check(2, 4, 1)), Answer(Check(2, 4, 1))};
  EXPECT_TRUE(o.changer->Move({ElementType::kStorage, 0}, {ElementType::kStorage, 5}).ok());
  EXPECT_EQ(clock_.sleep_count(), 3u);

  auto table = TimeoutTable::WithOverrides({{"becoming_ready", std::chrono::seconds(5)}});
  ASSERT_TRUE(table.ok());
  ScsiDeviceOptions opts;
  opts.timeouts = *table;
  auto o2 = Open({}, opts);
  for (int i = 0; i < 100; ++i) o2.fake->script[op::kMoveMedium].push_back(Answer(Check(2, 4, 1)));
  clock_.ClearSleeps();
  Status st = o2.changer->Move({ElementType::kStorage, 0}, {ElementType::kStorage, 5});
  EXPECT_EQ(st.code(), err::kDeviceNotAvailable) << st.ToString();
  EXPECT_EQ(clock_.sleep_count(), 5u);  // 1 s polls up to 5 s
}

struct RecordingProgress final : ProgressReporter {
  void Report(const std::string& text) override { texts.push_back(text); }
  std::vector<std::string> texts;
};

TEST_F(ScsiChangerTest, ALongBecomingReadyWaitIsReportedAsProgressNotFailure) {
  ScsiDeviceOptions opts;
  opts.progress_interval = std::chrono::seconds(2);
  auto rec = std::make_shared<RecordingProgress>();
  opts.progress = rec;
  auto o = Open({}, opts);
  for (int i = 0; i < 5; ++i) o.fake->script[op::kMoveMedium].push_back(Answer(Check(2, 4, 1)));
  EXPECT_TRUE(o.changer->Move({ElementType::kStorage, 0}, {ElementType::kStorage, 5}).ok());
  // Start of the wait, every 2 s of it (at 2 s and 4 s), and the end.
  ASSERT_EQ(rec->texts.size(), 4u);
  EXPECT_NE(rec->texts[0].find("to become ready: 0 s of 7200 s"), std::string::npos) << rec->texts[0];
  EXPECT_NE(rec->texts[1].find("to become ready: 2 s of 7200 s"), std::string::npos) << rec->texts[1];
  EXPECT_NE(rec->texts[2].find("to become ready: 4 s of 7200 s"), std::string::npos) << rec->texts[2];
  EXPECT_NE(rec->texts[3].find("ready after 5 s"), std::string::npos) << rec->texts[3];
  EXPECT_NE(rec->texts[0].find("MOVE MEDIUM"), std::string::npos) << rec->texts[0];
}

TEST_F(ScsiChangerTest, NoProgressWithoutAWait) {
  ScsiDeviceOptions opts;
  auto rec = std::make_shared<RecordingProgress>();
  opts.progress = rec;
  auto o = Open({}, opts);
  EXPECT_TRUE(o.changer->Move({ElementType::kStorage, 0}, {ElementType::kStorage, 5}).ok());
  EXPECT_TRUE(rec->texts.empty());
}

TEST_F(ScsiChangerTest, RescanSendsInitializeElementStatus) {
  auto o = Open();
  o.fake->cdbs.clear();
  o.fake->script[op::kInitializeElementStatus] = {Answer(ScsiResult{})};
  EXPECT_TRUE(o.changer->Rescan().ok());
  ASSERT_EQ(o.fake->cdbs.size(), 1u);
  EXPECT_EQ(o.fake->cdbs[0].size(), 6u);
  EXPECT_EQ(o.fake->cdbs[0][0], op::kInitializeElementStatus);
}

TEST_F(ScsiChangerTest, RescanOfAChangerWithoutTheCommandIsNoError) {
  auto o = Open();  // the fake answers unknown opcodes with 05/20/00
  EXPECT_TRUE(o.changer->Rescan().ok());
  EXPECT_EQ(CountOp(*o.fake, op::kInitializeElementStatus), 1u);
}

TEST_F(ScsiChangerTest, RescanFailuresAreReported) {
  auto o = Open();
  o.fake->script[op::kInitializeElementStatus] = {Answer(Check(4, 0x44, 0))};  // hardware error
  Status st = o.changer->Rescan();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("INITIALIZE ELEMENT STATUS"), std::string::npos) << st.ToString();
}

TEST_F(ScsiChangerTest, MoveErrorsMapToDeviceCodes) {
  auto o = Open();
  struct Case {
    std::function<Result<ScsiResult>()> answer;
    uint32_t code;
  } cases[] = {
      {Answer(Check(5, 0x3B, 0x0D)), err::kNotEmpty},
      {Answer(Check(5, 0x3B, 0x0E)), err::kEmpty},
      {Answer(Check(5, 0x53, 0x02)), err::kInvalidState},
      {Answer(Check(5, 0x24, 0x00)), err::kInvalidParameter},
      {Answer(Check(4, 0x15, 0x01)), err::kUnableToLoadMedium},
      {Answer(Check(4, 0x44, 0x00)), err::kUnableToLoadMedium},  // hardware error: outcome unknown
      {Answer(Check(2, 0x04, 0x03)), err::kDeviceNotAvailable},
      {[] { return Result<ScsiResult>(Status(err::kDeviceNotAvailable, "connection lost")); },
       err::kDeviceNotAvailable},
      {[] { return Result<ScsiResult>(Status(err::kTimeout, "no answer")); }, err::kUnableToLoadMedium},
  };
  for (const auto& c : cases) {
    o.fake->script[op::kMoveMedium] = {c.answer};
    Status st = o.changer->Move({ElementType::kStorage, 0}, {ElementType::kDataTransfer, 0});
    EXPECT_EQ(st.code(), c.code) << st.ToString();
  }
  EXPECT_EQ(o.changer->Move({ElementType::kStorage, 0}, {ElementType::kDataTransfer, 3}).code(),
            err::kInvalidParameter);
  o.fake->script[op::kReadElementStatus] = {Answer(Check(4, 0x44, 0))};
  EXPECT_EQ(o.changer->ReadElementStatus().status().code(), err::kDeviceNotAvailable);
}

// ---- drives ---------------------------------------------------------------------

class FakeTape final : public Transport {
 public:
  Result<ScsiResult> Execute(const ScsiCommand& cmd) override {
    const uint8_t op = cmd.cdb[0];
    cdbs.emplace_back(cmd.cdb.begin(), cmd.cdb.end());
    auto& q = script[op];
    if (!q.empty()) {
      auto f = q.front();
      q.pop_front();
      return f();
    }
    if (op == op::kInquiry)
      return Data(cmd.cdb[1] & 1 ? Vpd80(1, serial) : Inquiry(1, "IBM", "ULT3580-TD6"), cmd.data_in);
    if (op == op::kTestUnitReady && !loaded) return Check(2, 0x3A, 0);
    return ScsiResult{};
  }
  std::string Describe() const override { return "fake-tape"; }
  bool loaded = false;
  std::string serial = "DRV0000001";
  std::map<uint8_t, std::deque<std::function<Result<ScsiResult>()>>> script;
  std::vector<std::vector<uint8_t>> cdbs;
};

TEST_F(ScsiChangerTest, OpenFailsOnANonChangerOrABrokenOne) {
  ScsiDeviceOptions opts;
  opts.clock = &clock_;
  auto tape = std::make_unique<FakeTape>();
  EXPECT_EQ(ScsiChanger::Open(std::move(tape), opts).status().code(), err::kDeviceNotAvailable);
  auto bad = std::make_unique<FakeChanger>();
  bad->script[op::kModeSense6].push_back(Answer(Check(5, 0x25, 0)));  // LUN not supported
  bad->script[op::kModeSense10].push_back(Answer(Check(5, 0x25, 0)));
  EXPECT_EQ(ScsiChanger::Open(std::move(bad), opts).status().code(), err::kDeviceNotAvailable);
}

TEST_F(ScsiChangerTest, DriveIdentityStatusAndUnload) {
  auto t = std::make_unique<FakeTape>();
  FakeTape* fake = t.get();
  fake->script[op::kInquiry].push_back(Answer(Check(6, 0x29, 0)));
  auto d = ScsiDrive::Open(std::move(t), "/dev/nst0", Options());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  auto id = (*d)->Identity();
  EXPECT_EQ(id->serial, "DRV0000001");
  EXPECT_EQ(id->vendor, "IBM");
  EXPECT_EQ(id->device_name, "/dev/nst0");

  auto st = (*d)->GetStatus();
  ASSERT_TRUE(st.ok());
  EXPECT_FALSE(st->loaded);
  fake->loaded = true;
  st = (*d)->GetStatus();
  EXPECT_TRUE(st->loaded && st->ready);
  fake->script[op::kTestUnitReady].push_back(Answer(Check(2, 4, 1)));
  st = (*d)->GetStatus();
  EXPECT_TRUE(st->loaded);
  EXPECT_FALSE(st->ready);
  EXPECT_EQ(clock_.sleep_count(), 0u);  // a status probe does not wait

  fake->cdbs.clear();
  ASSERT_TRUE((*d)->Unload().ok());
  ASSERT_EQ(fake->cdbs.size(), 2u);
  EXPECT_EQ(fake->cdbs[0][0], op::kRewind);
  EXPECT_EQ(fake->cdbs[1][0], op::kLoadUnload);
  EXPECT_EQ(fake->cdbs[1][4], 0x00);  // LOAD=0: unload; no PREVENT ALLOW sent
  for (const auto& c : fake->cdbs) EXPECT_NE(c[0], op::kPreventAllowMediumRemoval);

  fake->script[op::kLoadUnload].push_back(Answer(Check(5, 0x53, 0x02)));
  EXPECT_EQ((*d)->Unload().code(), err::kInvalidState);
  fake->script[op::kRewind].push_back(Answer(Check(2, 0x3A, 0)));
  EXPECT_EQ((*d)->Unload().code(), err::kEmpty);
  fake->script[op::kRewind].push_back(Answer(Check(4, 0x44, 0)));
  EXPECT_EQ((*d)->Unload().code(), err::kUnableToLoadMedium);
  fake->script[op::kRewind].push_back([] { return Result<ScsiResult>(Status(err::kDeviceNotAvailable, "gone")); });
  EXPECT_EQ((*d)->Unload().code(), err::kDeviceNotAvailable);

  auto changer = std::make_unique<FakeChanger>();
  EXPECT_EQ(ScsiDrive::Open(std::move(changer), "", Options()).status().code(), err::kDeviceNotAvailable);
}

// ---- mapping -----------------------------------------------------------------------

std::vector<OpenedDrive> Drives(std::vector<std::string> serials) {
  std::vector<OpenedDrive> out;
  for (auto& s : serials) {
    auto t = std::make_unique<FakeTape>();
    t->serial = s;
    ScsiDeviceOptions o;
    auto d = ScsiDrive::Open(std::move(t), s, o);
    out.push_back({s, "url-" + s, std::move(d).value()});
  }
  return out;
}

TEST(ScsiDriveMapping, BySerialWithSpareAndUnknownDrives) {
  auto m = MapDrivesToElements("lib", {"B", "A", ""}, Drives({"A", "B", "C"}));
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0]->Identity()->serial, "B");
  EXPECT_EQ(m[1]->Identity()->serial, "A");
  EXPECT_EQ(m[2], nullptr);  // spare DTE; drive C is not reported and not used
  m = MapDrivesToElements("lib", {"A", "B"}, Drives({"B"}));
  EXPECT_EQ(m[0], nullptr);
  EXPECT_EQ(m[1]->Identity()->serial, "B");
}

TEST(ScsiDriveMapping, ConfiguredOrderOnlyWithoutIdentifiers) {
  auto m = MapDrivesToElements("lib", {"", "", ""}, Drives({"B", "A"}));
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0]->Identity()->serial, "B");
  EXPECT_EQ(m[1]->Identity()->serial, "A");
  EXPECT_EQ(m[2], nullptr);
  m = MapDrivesToElements("lib", {""}, Drives({"B", "A"}));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0]->Identity()->serial, "B");
}

}  // namespace
}  // namespace openrsm::devices::scsi
