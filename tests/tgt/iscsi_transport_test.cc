// IscsiTransport against the tgtd library that tests/tgt/vtl.sh builds (the
// ctest fixture `vtl` starts it; by hand: VTL_DIR=... VTL_PORT=... vtl.sh start).
// CDBs are built inline here on purpose: these tests check the transport,
// not the SCSI layer.
#include "devices/scsi/iscsi_transport.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/vtl.h"

namespace openrsm::devices::scsi {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kTimeout{10'000};
const char* kVtl = test_support::kVtlIqn;
const char* kSolo = test_support::kSoloIqn;
using test_support::RunVtl;
using test_support::TgtadmShow;
using test_support::VtlDir;
std::string Url(const char* iqn, int lun) { return test_support::VtlUrl(iqn, lun); }

struct Sense {
  int key = -1, asc = -1, ascq = -1;
};
Sense Decode(const std::vector<uint8_t>& s) {
  Sense d;
  if (s.size() >= 14 && ((s[0] & 0x7F) == 0x70 || (s[0] & 0x7F) == 0x71)) {
    d = {s[2] & 0x0F, s[12], s[13]};
  } else if (s.size() >= 4 && ((s[0] & 0x7F) == 0x72 || (s[0] & 0x7F) == 0x73)) {
    d = {s[1] & 0x0F, s[2], s[3]};
  }
  return d;
}

std::unique_ptr<Transport> Open(IscsiSessionPool& pool, const std::string& url) {
  auto t = pool.Open(url);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : nullptr;
}
std::unique_ptr<Transport> OpenOwn(const std::string& url) {
  auto t = OpenIscsiTransport(url);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : nullptr;
}

const uint8_t kTur[6] = {0x00, 0, 0, 0, 0, 0};

// Runs cmd, repeating it while the device reports UNIT ATTENTION.
ScsiResult RunPastUa(Transport& t, const ScsiCommand& cmd) {
  for (int i = 0;; ++i) {
    auto r = t.Execute(cmd);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    if (i < 5 && r->check_condition() && Decode(r->sense).key == 6) continue;
    return *r;
  }
}

std::vector<uint8_t> Inquiry(Transport& t, bool vpd, uint8_t page, size_t len, ScsiResult* res) {
  std::vector<uint8_t> buf(len);
  const uint8_t cdb[6] = {0x12, static_cast<uint8_t>(vpd ? 1 : 0), page, 0, static_cast<uint8_t>(len), 0};
  *res = RunPastUa(t, ScsiCommand::In(cdb, buf, kTimeout));
  buf.resize(res->transferred);
  return buf;
}

// READ ELEMENT STATUS (SMC-3 6.11), VOLTAG=1, one element type.
std::vector<uint8_t> ReadElementStatus(Transport& t, uint8_t type, uint16_t start, uint16_t count) {
  std::vector<uint8_t> buf(4096);
  const uint8_t cdb[12] = {0xB8,
                           static_cast<uint8_t>(0x10 | type),
                           static_cast<uint8_t>(start >> 8),
                           static_cast<uint8_t>(start),
                           static_cast<uint8_t>(count >> 8),
                           static_cast<uint8_t>(count),
                           0,
                           0x00,
                           0x10,
                           0x00,
                           0,
                           0};
  ScsiResult r = RunPastUa(t, ScsiCommand::In(cdb, buf, kTimeout));
  EXPECT_TRUE(r.good()) << ScsiStatusName(r.status);
  buf.resize(r.transferred);
  return buf;
}

struct Element {
  int address = -1;
  bool full = false;
  std::string tag;
  int source = -1;
};
// Decodes the first descriptors of a one-type READ ELEMENT STATUS answer.
std::vector<Element> Elements(const std::vector<uint8_t>& d) {
  std::vector<Element> out;
  if (d.size() < 16) return out;
  size_t dlen = (d[10] << 8) | d[11];
  for (size_t off = 16; dlen >= 48 && off + 48 <= d.size(); off += dlen) {
    Element e;
    e.address = (d[off] << 8) | d[off + 1];
    e.full = d[off + 2] & 0x01;
    if (d[off + 9] & 0x80) e.source = (d[off + 10] << 8) | d[off + 11];
    e.tag.assign(reinterpret_cast<const char*>(&d[off + 12]), 32);
    e.tag.erase(e.tag.find_last_not_of(' ') + 1);
    if (!e.tag.empty() && e.tag.back() == '\0') e.tag.erase(e.tag.find_last_not_of('\0') + 1);
    out.push_back(e);
  }
  return out;
}

Result<ScsiResult> MoveMedium(Transport& t, uint16_t src, uint16_t dst) {
  const uint8_t cdb[12] = {0xA5,
                           0,
                           0,
                           1,
                           static_cast<uint8_t>(src >> 8),
                           static_cast<uint8_t>(src),
                           static_cast<uint8_t>(dst >> 8),
                           static_cast<uint8_t>(dst),
                           0,
                           0,
                           0,
                           0};
  for (int i = 0;; ++i) {
    auto r = t.Execute(ScsiCommand::None(cdb, kTimeout));
    if (r.ok() && i < 5 && r->check_condition() && Decode(r->sense).key == 6) continue;
    return r;
  }
}

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(' '));
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

TEST(IscsiTransportTgt, FirstCommandOnANewNexusIsUnitAttentionThenTestUnitReady) {
  IscsiSessionPool pool;
  for (int lun : {1, 2, 3}) {
    auto t = Open(pool, Url(kVtl, lun));
    ASSERT_TRUE(t);
    auto r = t->Execute(ScsiCommand::None(kTur, kTimeout));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r->check_condition()) << "LUN " << lun;
    Sense s = Decode(r->sense);
    EXPECT_EQ(s.key, 6);
    EXPECT_EQ(s.asc, 0x29);
    EXPECT_EQ(s.ascq, 0x00);
    r = t->Execute(ScsiCommand::None(kTur, kTimeout));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (lun == 3) {
      EXPECT_TRUE(r->good()) << ScsiStatusName(r->status);
    } else {  // empty drive: NOT READY, medium not present
      ASSERT_TRUE(r->check_condition());
      s = Decode(r->sense);
      EXPECT_EQ(s.key, 2);
      EXPECT_EQ(s.asc, 0x3A);
    }
    EXPECT_EQ(r->transferred, 0u);
  }
  auto solo = OpenOwn(Url(kSolo, 1));
  ASSERT_TRUE(solo);
  EXPECT_TRUE(RunPastUa(*solo, ScsiCommand::None(kTur, kTimeout)).good()) << "S00001L6 is loaded";
}

TEST(IscsiTransportTgt, InquiryReportsPeripheralTypesAndSerials) {
  IscsiSessionPool pool;
  struct Want {
    int lun;
    int type;
    const char* vendor;
    const char* serial;
  };
  for (const Want& w :
       {Want{1, 1, "IBM", "DRV0000001"}, Want{2, 1, "IBM", "DRV0000002"}, Want{3, 8, "STK", "CHG0000001"}}) {
    auto t = Open(pool, Url(kVtl, w.lun));
    ASSERT_TRUE(t);
    ScsiResult r;
    auto std_inq = Inquiry(*t, false, 0, 96, &r);
    ASSERT_TRUE(r.good());
    ASSERT_GE(std_inq.size(), 36u);
    EXPECT_LE(std_inq.size(), 96u);
    EXPECT_EQ(static_cast<int64_t>(r.transferred) + r.residual, 96);
    EXPECT_EQ(std_inq[0] & 0x1F, w.type) << "LUN " << w.lun;
    EXPECT_EQ(Trim(std::string(std_inq.begin() + 8, std_inq.begin() + 16)), w.vendor);
    auto vpd = Inquiry(*t, true, 0x80, 255, &r);
    ASSERT_TRUE(r.good());
    ASSERT_GE(vpd.size(), 4u);
    EXPECT_EQ(vpd[1], 0x80);
    EXPECT_EQ(Trim(std::string(vpd.begin() + 4, vpd.end())), w.serial);
  }
}

TEST(IscsiTransportTgt, ReadElementStatusReturnsTheSlots) {
  // The layout vtl.sh builds, whatever the API suites that ran on the same
  // library before left in it.
  ASSERT_EQ(RunVtl("reset"), 0);
  IscsiSessionPool pool;
  auto changer = Open(pool, Url(kVtl, 3));
  ASSERT_TRUE(changer);
  auto data = ReadElementStatus(*changer, 2, 1024, 20);
  ASSERT_GE(data.size(), 16u + 48u);
  EXPECT_EQ((data[0] << 8) | data[1], 1024);
  EXPECT_EQ((data[2] << 8) | data[3], 20);
  EXPECT_EQ(data[8], 2);  // storage element page
  auto el = Elements(data);
  ASSERT_GE(el.size(), 12u);
  EXPECT_EQ(el[0].address, 1024);
  EXPECT_TRUE(el[0].full);
  EXPECT_EQ(el[0].tag, "T00001L6");
  EXPECT_EQ(el[9].tag, "T00010L6");
  EXPECT_EQ(el[10].tag, "CLN001L1");
  EXPECT_TRUE(el[11].full) << "the unlabeled cartridge";
  EXPECT_EQ(el[11].tag, "");
  if (el.size() > 12) {
    EXPECT_FALSE(el[12].full);
  }
  // Drives, spare DTE included.
  auto dte = Elements(ReadElementStatus(*changer, 4, 256, 3));
  ASSERT_GE(dte.size(), 2u);
  EXPECT_EQ(dte[0].address, 256);
  EXPECT_FALSE(dte[0].full);
}

TEST(IscsiTransportTgt, MoveMediumRoundTripSeenByASecondSession) {
  IscsiSessionPool pool;
  auto changer = Open(pool, Url(kVtl, 3));
  auto drive = Open(pool, Url(kVtl, 1));
  auto oracle = OpenOwn(Url(kVtl, 3));  // an independent initiator
  ASSERT_TRUE(changer && drive && oracle);

  auto r = MoveMedium(*changer, 1025, 256);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->good()) << ScsiStatusName(r->status);
  auto dte = Elements(ReadElementStatus(*oracle, 4, 256, 3));
  ASSERT_GE(dte.size(), 1u);
  EXPECT_TRUE(dte[0].full);
  EXPECT_EQ(dte[0].tag, "T00002L6");
  EXPECT_EQ(dte[0].source, 1025);
  auto slots = Elements(ReadElementStatus(*oracle, 2, 1025, 1));
  ASSERT_GE(slots.size(), 1u);
  EXPECT_EQ(slots[0].address, 1025);
  EXPECT_FALSE(slots[0].full);
  EXPECT_TRUE(RunPastUa(*drive, ScsiCommand::None(kTur, kTimeout)).good()) << "the drive is loaded";

  // Moving it again into the full drive: CHECK CONDITION 05/3B/0D, raw sense intact.
  r = MoveMedium(*changer, 1026, 256);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->check_condition());
  EXPECT_GE(r->sense.size(), 18u);
  Sense s = Decode(r->sense);
  EXPECT_EQ(s.key, 5);
  EXPECT_EQ(s.asc, 0x3B);
  EXPECT_EQ(s.ascq, 0x0D);

  r = MoveMedium(*changer, 256, 1025);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->good());
  dte = Elements(ReadElementStatus(*oracle, 4, 256, 3));
  ASSERT_GE(dte.size(), 1u);
  EXPECT_FALSE(dte[0].full);
  slots = Elements(ReadElementStatus(*oracle, 2, 1025, 1));
  ASSERT_GE(slots.size(), 1u);
  EXPECT_TRUE(slots[0].full);
  EXPECT_EQ(slots[0].tag, "T00002L6");
}

TEST(IscsiTransportTgt, PoolSharesOneSessionPerTarget) {
  IscsiOptions opt;
  opt.initiator_name = "iqn.2024-01.org.openrsm:share-test";
  IscsiSessionPool pool(opt);
  std::vector<std::unique_ptr<Transport>> ts;
  for (int lun : {1, 2, 3}) {
    ts.push_back(Open(pool, Url(kVtl, lun)));
    ASSERT_TRUE(ts.back());
    RunPastUa(*ts.back(), ScsiCommand::None(kTur, kTimeout));
  }
  std::string show = TgtadmShow();
  size_t n = 0;
  for (size_t p = show.find(opt.initiator_name); p != std::string::npos; p = show.find(opt.initiator_name, p + 1)) ++n;
  EXPECT_EQ(n, 1u) << show;
}

TEST(IscsiTransportTgt, ConnectionLossIsDeviceNotAvailableThenReconnectGivesUnitAttention) {
  auto changer = OpenOwn(Url(kVtl, 3));
  ASSERT_TRUE(changer);
  ASSERT_TRUE(RunPastUa(*changer, ScsiCommand::None(kTur, kTimeout)).good());

  ASSERT_EQ(RunVtl("offline"), 0);  // tgtadm delete target --force: the session drops
  auto r = changer->Execute(ScsiCommand::None(kTur, kTimeout));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable) << r.status().ToString();
  EXPECT_NE(r.status().message().find(kVtl), std::string::npos) << r.status().message();
  r = changer->Execute(ScsiCommand::None(kTur, kTimeout));  // still gone: login fails
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable) << r.status().ToString();

  ASSERT_EQ(RunVtl("start"), 0);  // the targets come back (fresh library)
  r = changer->Execute(ScsiCommand::None(kTur, kTimeout));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->check_condition());
  Sense s = Decode(r->sense);
  EXPECT_EQ(s.key, 6);
  EXPECT_EQ(s.asc, 0x29);
  r = changer->Execute(ScsiCommand::None(kTur, kTimeout));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->good());
}

TEST(IscsiTransportTgt, StalledTargetTimesOutThenTheNextCommandReconnects) {
  auto changer = OpenOwn(Url(kVtl, 3));
  ASSERT_TRUE(changer);
  ASSERT_TRUE(RunPastUa(*changer, ScsiCommand::None(kTur, kTimeout)).good());
  std::string pidfile = VtlDir() + "/tgtd.pid";
  FILE* f = std::fopen(pidfile.c_str(), "r");
  ASSERT_NE(f, nullptr);
  int pid = 0;
  ASSERT_EQ(std::fscanf(f, "%d", &pid), 1);
  std::fclose(f);
  ASSERT_GT(pid, 1);

  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  struct Resume {
    int pid;
    ~Resume() { ::kill(pid, SIGCONT); }
  } resume{pid};
  auto r = changer->Execute(ScsiCommand::None(kTur, milliseconds(300)));
  ::kill(pid, SIGCONT);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), err::kTimeout) << r.status().ToString();

  auto after = RunPastUa(*changer, ScsiCommand::None(kTur, kTimeout));
  EXPECT_TRUE(after.good());
}

TEST(IscsiTransportTgt, UnreachableTargetsFailToOpen) {
  IscsiOptions opt;
  opt.connect_timeout = milliseconds(2000);
  auto r = OpenIscsiTransport(Url("iqn.2024-01.test.rsm:nosuch", 1), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable) << r.status().ToString();
  r = OpenIscsiTransport("iscsi://127.0.0.1:1/iqn.2024-01.test.rsm:vtl/3", opt);  // nobody listens
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), err::kDeviceNotAvailable) << r.status().ToString();
  r = OpenIscsiTransport("iscsi://127.0.0.1/no-lun", opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), err::kInvalidParameter);
}

TEST(IscsiTransportTgt, MalformedCommandsAreRejectedBeforeSending) {
  auto changer = OpenOwn(Url(kVtl, 3));
  ASSERT_TRUE(changer);
  const uint8_t short_cdb[3] = {0, 0, 0};
  auto r = changer->Execute(ScsiCommand::None(short_cdb, kTimeout));
  EXPECT_EQ(r.status().code(), err::kInvalidParameter);
  uint8_t buf[8];
  ScsiCommand bad = ScsiCommand::In(kTur, buf, kTimeout);
  bad.direction = DataDirection::kNone;
  EXPECT_EQ(changer->Execute(bad).status().code(), err::kInvalidParameter);
  EXPECT_EQ(changer->Execute(ScsiCommand::None(kTur, milliseconds(0))).status().code(), err::kInvalidParameter);
}

}  // namespace
}  // namespace openrsm::devices::scsi
