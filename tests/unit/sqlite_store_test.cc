// Unit tests of the SQLite catalogue (src/catalog/sqlite): round trips of every
// object kind, TypeOf, ordering, transactions, migrations, the page cap,
// damage detection, error mapping, and timings at 100,000 media.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "catalog/ntms_values.h"
#include "catalog/sqlite/file_check.h"
#include "catalog/sqlite/pool.h"
#include "catalog/sqlite/schema.h"
#include "catalog/sqlite/sqlite_db.h"
#include "catalog/store.h"
#include "service/worker.h"

namespace openrsm::catalog {
namespace {

using Clock = std::chrono::steady_clock;

double MicrosSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

// ---- field dumps: equal dumps <=> equal objects ---------------------------------

std::string G(const Guid& g) { return g.IsNull() ? "null" : g.ToString(); }
std::string Q(const std::string& s) { return fmt::format("{:?}", s); }

std::string Dump(const ObjectHeader& h) {
  return fmt::format("id={} name={} desc={} created={} modified={} enabled={} op_state={}", G(h.id), Q(h.name),
                     Q(h.description), h.created_ms, h.modified_ms, h.enabled, h.op_state);
}
std::string Dump(const Computer& v) {
  return fmt::format("{} lrp={} orp={}", Dump(v.h), v.lib_request_purge_time_s, v.op_request_purge_time_s);
}
std::string Dump(const Library& v) {
  return fmt::format("{} type={} kind={} bcr={} inv={} needs_inv={} reason={}", Dump(v.h), v.library_type, Q(v.kind),
                     v.barcode_reader, v.inventory_method, v.needs_inventory, Q(v.offline_reason));
}
std::string Dump(const Changer& v) {
  return fmt::format("{} lib={} serial={} dev={}", Dump(v.h), G(v.library), Q(v.serial), Q(v.device_name));
}
std::string Dump(const Drive& v) {
  return fmt::format("{} lib={} n={} state={} media={} side={} serial={} dev={} mounts={} rev={} hctl={}:{}:{}:{}",
                     Dump(v.h), G(v.library), v.number, v.state, G(v.media), G(v.mounted_side), Q(v.serial),
                     Q(v.device_name), v.mount_count, Q(v.revision), v.scsi_port, v.scsi_bus, v.scsi_target,
                     v.scsi_lun);
}
std::string Dump(const Slot& v) {
  return fmt::format("{} lib={} n={} state={} media={}", Dump(v.h), G(v.library), v.number, v.state, G(v.media));
}
std::string Dump(const IePort& v) {
  return fmt::format("{} lib={} n={} state={} media={} pos={}", Dump(v.h), G(v.library), v.number, v.state, G(v.media),
                     v.position);
}
std::string Dump(const MediaType& v) {
  return fmt::format("{} code={} sides={} rw={}", Dump(v.h), v.media_type_code, v.sides, v.read_write);
}
std::string Dump(const MediaPool& v) {
  return fmt::format("{} type={} mt={} parent={} alloc={} dealloc={} max={}", Dump(v.h), v.pool_type, G(v.media_type),
                     G(v.parent), v.allocation_policy, v.deallocation_policy, v.max_allocates);
}
std::string Dump(const PhysicalMedia& v) {
  return fmt::format("{} lib={} pool={} mt={} lt={} loc={} home={} bc={} bcs={} ms={} ni={}", Dump(v.h), G(v.library),
                     G(v.pool), G(v.media_type), v.location_type, G(v.location), G(v.home_slot), Q(v.barcode),
                     v.barcode_state, v.media_state, v.needs_inventory);
}
std::string Dump(const Partition& v) {
  return fmt::format("{} pmid={} side={} state={} lmid={} cap={} allocs={} in_use_by={} mounts={}", Dump(v.h),
                     G(v.pmid), v.side, v.state, G(v.lmid), v.capacity, v.allocate_count, G(v.in_use_by),
                     v.mount_count);
}
std::string Dump(const LibRequest& v) {
  return fmt::format(
      "{} seq={} op={} opt={} state={} prio={} lib={} drive={} pmid={} part={} slot={} q={} c={} app={} user={} "
      "comp={} err={} session={}",
      Dump(v.h), v.seq, v.operation, v.option, v.state, v.priority, G(v.library), G(v.drive), G(v.pmid), G(v.partition),
      G(v.slot), v.queued_ms, v.completed_ms, Q(v.application), Q(v.user), Q(v.computer), v.error, G(v.session));
}
std::string Dump(const AccessEntry& e) {
  return fmt::format("obj={} group={} principal={} rights={}", G(e.object), e.is_group, e.principal, e.rights);
}
template <typename T>
std::string Dump(const std::vector<T>& v) {
  std::string out;
  for (const T& x : v) out += Dump(x) + "\n";
  return out;
}

// ---- sample objects with every field set to a non-default value -----------------

ObjectHeader Header(const std::string& name, int salt = 0) {
  ObjectHeader h;
  h.id = Guid::New();
  h.name = name;
  h.description = std::string("desc \xc3\xa9\0 with NUL", 17) + std::to_string(salt);
  h.created_ms = INT64_MIN + salt;
  h.modified_ms = INT64_MAX - salt;
  h.enabled = false;
  h.op_state = ntms::kNeedsService;
  return h;
}

template <typename T>
T Named(const std::string& name) {
  T v;
  v.h = Header(name);
  return v;
}

struct Graph {
  Computer computer;
  ChangerType changer_type;
  DriveType drive_type;
  MediaType type;
  MediaPool scratch, app;
  Library library;
  Changer changer;
  Slot slot;
  IePort port;
  Drive drive;
  PhysicalMedia media;
  Partition side;
  LibRequest request;
  AccessEntry access;
};

Graph MakeGraph() {
  Graph g;
  g.computer = {Header("host"), 7, UINT32_MAX, Guid{}, Guid{}};
  g.type = {Header("LTO6"), 1, 2, 3};
  g.scratch = {Header("Free"), ntms::kPoolScratch, g.type.h.id, Guid{}, 1, 2, 3};
  g.app = {Header("Backup"), ntms::kPoolApplication, g.type.h.id, g.scratch.h.id, 4, 5, UINT32_MAX};
  g.library = {Header("sim0"), ntms::kLibTypeOnline, "sim", false, ntms::kInventoryFast, true, "door open"};
  g.computer.offline_library = g.library.h.id;
  g.computer.root_pool = g.scratch.h.id;
  g.changer_type = {Header("STK L700"), "STK", "L700", 0x30};
  g.drive_type = {Header("IBM ULT3580-TD6"), "IBM", "ULT3580-TD6", 0x1f, 2};
  g.changer = {Header("changer0"), g.library.h.id, "CHG001", "/dev/sg3", g.changer_type.h.id};
  g.slot = {Header("slot 1"), g.library.h.id, 1, ntms::kSlotFull, Guid{}};
  g.port = {Header("port 0"), g.library.h.id, 0, ntms::kPortLocked, Guid{}, 2};
  g.drive = {Header("drive 0"),
             g.library.h.id,
             0,
             ntms::kDriveMounted,
             Guid{},
             Guid{},
             "DRV001",
             "/dev/nst0",
             42,
             "G350",
             65535,
             7,
             15,
             UINT32_MAX,
             g.drive_type.h.id};
  g.media = {Header("A00001L6"), g.library.h.id, g.app.h.id,       g.type.h.id,         ntms::kDrive, g.drive.h.id,
             g.slot.h.id,        "A00001L6",     ntms::kBarcodeOk, ntms::kMediaMounted, true};
  g.side = {Header("side A"), g.media.h.id, 1, ntms::kPartAllocated, Guid::New(), UINT64_MAX, 9, Guid::New(), 17};
  g.drive.media = g.media.h.id;
  g.slot.media = g.media.h.id;
  g.drive.mounted_side = g.side.h.id;
  g.request = {Header("mount"),
               0,
               ntms::kLmMount,
               3,
               ntms::kLmQueued,
               -5,
               g.library.h.id,
               g.drive.h.id,
               g.media.h.id,
               g.side.h.id,
               g.slot.h.id,
               1000,
               2000,
               "bacula",
               "alice",
               "host1",
               4312,
               Guid::New()};
  g.access = {g.app.h.id, true, 1234, kRightUse | kRightModify};
  return g;
}

// Puts everything, in an order that leaves references dangling until the end
// (foreign keys are checked at COMMIT).
void PutGraph(Txn& t, Graph& g) {
  ASSERT_TRUE(t.PutComputer(g.computer).ok());
  ASSERT_TRUE(t.PutDrive(g.drive).ok());
  ASSERT_TRUE(t.PutPhysicalMedia(g.media).ok());
  ASSERT_TRUE(t.PutPartition(g.side).ok());
  ASSERT_TRUE(t.PutMediaPool(g.app).ok());
  ASSERT_TRUE(t.PutMediaPool(g.scratch).ok());
  ASSERT_TRUE(t.PutMediaType(g.type).ok());
  ASSERT_TRUE(t.PutLibrary(g.library).ok());
  ASSERT_TRUE(t.PutChanger(g.changer).ok());
  ASSERT_TRUE(t.PutChangerType(g.changer_type).ok());
  ASSERT_TRUE(t.PutDriveType(g.drive_type).ok());
  ASSERT_TRUE(t.PutSlot(g.slot).ok());
  ASSERT_TRUE(t.PutIePort(g.port).ok());
  ASSERT_TRUE(t.PutLibRequest(g.request).ok());
  ASSERT_TRUE(t.PutAccess(g.access).ok());
}

// ---- fixture ----------------------------------------------------------------------

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sqlite_store_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/catalog.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> Open(uint32_t max_pages = 0) {
    auto s = OpenSqliteStore({path_, max_pages});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  static std::unique_ptr<Txn> Begin(Store& store, bool write) {
    auto t = store.Begin(write);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? std::move(t).value() : nullptr;
  }
  // One integer from a private raw connection (outside the store).
  int64_t Raw(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    else
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
  }
  void RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  // Overwrites `n` bytes at `offset` of the database file with garbage.
  // (In-process: closing this descriptor drops this process's POSIX locks on
  // the file; the store is expected to refuse the file from now on anyway.)
  void Scribble(off_t offset, size_t n) {
    int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    std::string junk(n, '\0');
    for (size_t i = 0; i < n; ++i) junk[i] = char(0xA5 ^ (i * 31));
    ASSERT_EQ(::pwrite(fd, junk.data(), n, offset), ssize_t(n));
    ::fsync(fd);
    ::close(fd);
  }

  std::string dir_, path_;
};

void ExpectCode(const Status& st, uint32_t code) { EXPECT_EQ(st.code(), code) << st.ToString(); }

// ---- round trips -------------------------------------------------------------------

TEST_F(SqliteStoreTest, RoundTripsEveryKindWithAllFields) {
  auto store = Open();
  Graph g = MakeGraph();
  {
    auto t = Begin(*store, true);
    PutGraph(*t, g);
    EXPECT_GT(g.request.seq, 0u);
    ASSERT_TRUE(t->Commit().ok());
  }
  auto t = Begin(*store, false);
  EXPECT_EQ(Dump(*t->GetComputer()), Dump(g.computer));
  EXPECT_EQ(Dump(*t->GetMediaType(g.type.h.id)), Dump(g.type));
  EXPECT_EQ(Dump(*t->GetMediaPool(g.scratch.h.id)), Dump(g.scratch));
  EXPECT_EQ(Dump(*t->GetMediaPool(g.app.h.id)), Dump(g.app));
  EXPECT_EQ(Dump(*t->GetLibrary(g.library.h.id)), Dump(g.library));
  EXPECT_EQ(Dump(*t->GetChanger(g.changer.h.id)), Dump(g.changer));
  EXPECT_EQ(Dump(*t->GetSlot(g.slot.h.id)), Dump(g.slot));
  EXPECT_EQ(Dump(*t->GetIePort(g.port.h.id)), Dump(g.port));
  EXPECT_EQ(Dump(*t->GetDrive(g.drive.h.id)), Dump(g.drive));
  EXPECT_EQ(Dump(*t->GetPhysicalMedia(g.media.h.id)), Dump(g.media));
  EXPECT_EQ(Dump(*t->GetPartition(g.side.h.id)), Dump(g.side));
  EXPECT_EQ(Dump(*t->GetLibRequest(g.request.h.id)), Dump(g.request));
  EXPECT_EQ(Dump(*t->GetAccess(g.app.h.id)), Dump(std::vector{g.access}));

  EXPECT_EQ(Dump(*t->ListLibraries()), Dump(std::vector{g.library}));
  EXPECT_EQ(Dump(**t->FindLibraryByName("sim0")), Dump(g.library));
  EXPECT_FALSE(t->FindLibraryByName("nope")->has_value());
  EXPECT_EQ(Dump(*t->ListChangers(g.library.h.id)), Dump(std::vector{g.changer}));
  EXPECT_EQ(Dump(*t->ListChangers(Guid{})), Dump(std::vector{g.changer}));
  EXPECT_EQ(Dump(*t->ListDrives(g.library.h.id)), Dump(std::vector{g.drive}));
  EXPECT_EQ(Dump(*t->ListSlots(Guid{})), Dump(std::vector{g.slot}));
  EXPECT_EQ(Dump(*t->ListIePorts(g.library.h.id)), Dump(std::vector{g.port}));
  EXPECT_EQ(Dump(*t->ListMediaTypes()), Dump(std::vector{g.type}));
  EXPECT_EQ(Dump(*t->ListMediaPools(Guid{})), Dump(std::vector{g.scratch}));
  EXPECT_EQ(Dump(*t->ListMediaPools(g.scratch.h.id)), Dump(std::vector{g.app}));
  EXPECT_EQ(Dump(*t->ListAllMediaPools()), Dump(std::vector{g.app, g.scratch}));  // by name
  EXPECT_EQ(Dump(*t->ListPhysicalMedia(g.library.h.id, g.app.h.id)), Dump(std::vector{g.media}));
  EXPECT_EQ(Dump(*t->ListPhysicalMedia(Guid{}, g.app.h.id)), Dump(std::vector{g.media}));
  EXPECT_EQ(Dump(*t->ListPhysicalMedia(g.library.h.id, Guid{})), Dump(std::vector{g.media}));
  EXPECT_TRUE(t->ListPhysicalMedia(g.library.h.id, g.scratch.h.id)->empty());
  EXPECT_EQ(Dump(*t->ListPartitions(g.media.h.id)), Dump(std::vector{g.side}));
  EXPECT_EQ(Dump(**t->FindPhysicalMediaByBarcode("A00001L6")), Dump(g.media));
  EXPECT_FALSE(t->FindPhysicalMediaByBarcode("A00002L6")->has_value());
  EXPECT_EQ(*t->CountLibRequests(g.library.h.id), 1u);
  EXPECT_EQ(*t->CountLibRequests(Guid{}), 1u);
  EXPECT_TRUE(t->GetAccess(g.library.h.id)->empty());
}

TEST_F(SqliteStoreTest, NullGuidsAreStoredAsSqlNull) {
  auto store = Open();
  Library lib = Named<Library>("l");
  Drive d = Named<Drive>("d");  // media, mounted_side null
  d.library = lib.h.id;
  PhysicalMedia m = Named<PhysicalMedia>("m");  // offline: no library, pool, ...
  {
    auto t = Begin(*store, true);
    ASSERT_TRUE(t->PutLibrary(lib).ok());
    ASSERT_TRUE(t->PutDrive(d).ok());
    ASSERT_TRUE(t->PutPhysicalMedia(m).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  EXPECT_EQ(Raw("SELECT count(*) FROM drive WHERE media IS NULL AND mounted_side IS NULL"), 1);
  EXPECT_EQ(Raw("SELECT count(*) FROM physical_media WHERE library IS NULL AND pool IS NULL AND "
                "media_type IS NULL AND location IS NULL AND home_slot IS NULL"),
            1);
  auto t = Begin(*store, false);
  EXPECT_EQ(Dump(*t->GetDrive(d.h.id)), Dump(d));
  EXPECT_EQ(Dump(*t->GetPhysicalMedia(m.h.id)), Dump(m));
}

TEST_F(SqliteStoreTest, PutReplacesAndKeepsOneComputer) {
  auto store = Open();
  Library lib = Named<Library>("before");
  Computer c1 = Named<Computer>("c1"), c2 = Named<Computer>("c2");
  {
    auto t = Begin(*store, true);
    ASSERT_TRUE(t->PutLibrary(lib).ok());
    ASSERT_TRUE(t->PutComputer(c1).ok());
    lib.h.name = "after";
    lib.offline_reason = "x";
    ASSERT_TRUE(t->PutLibrary(lib).ok());
    ASSERT_TRUE(t->PutComputer(c2).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  auto t = Begin(*store, false);
  EXPECT_EQ(Dump(*t->GetLibrary(lib.h.id)), Dump(lib));
  EXPECT_EQ(Dump(*t->GetComputer()), Dump(c2));
  EXPECT_EQ(*t->TypeOf(c2.h.id), ntms::kComputer);
  ExpectCode(t->TypeOf(c1.h.id).status(), err::kObjectNotFound);
  EXPECT_EQ(Raw("SELECT count(*) FROM object_index"), 2);
}

TEST_F(SqliteStoreTest, TypeOfEveryKindAndUnknown) {
  auto store = Open();
  Graph g = MakeGraph();
  {
    auto t = Begin(*store, true);
    PutGraph(*t, g);
    ASSERT_TRUE(t->Commit().ok());
  }
  auto t = Begin(*store, false);
  const std::pair<Guid, uint32_t> expected[] = {
      {g.computer.h.id, ntms::kComputer}, {g.type.h.id, ntms::kMediaType},     {g.app.h.id, ntms::kMediaPool},
      {g.library.h.id, ntms::kLibrary},   {g.changer.h.id, ntms::kChanger},    {g.slot.h.id, ntms::kStorageSlot},
      {g.port.h.id, ntms::kIePort},       {g.drive.h.id, ntms::kDrive},        {g.media.h.id, ntms::kPhysicalMedia},
      {g.side.h.id, ntms::kPartition},    {g.request.h.id, ntms::kLibRequest},
  };
  for (const auto& [id, type] : expected) EXPECT_EQ(*t->TypeOf(id), type) << id.ToString();
  ExpectCode(t->TypeOf(Guid::New()).status(), err::kObjectNotFound);
  ExpectCode(t->TypeOf(Guid{}).status(), err::kObjectNotFound);
}

TEST_F(SqliteStoreTest, GetOfUnknownIdsIsObjectNotFound) {
  auto store = Open();
  auto t = Begin(*store, false);
  Guid x = Guid::New();
  ExpectCode(t->GetComputer().status(), err::kObjectNotFound);
  ExpectCode(t->GetLibrary(x).status(), err::kObjectNotFound);
  ExpectCode(t->GetChanger(x).status(), err::kObjectNotFound);
  ExpectCode(t->GetDrive(x).status(), err::kObjectNotFound);
  ExpectCode(t->GetSlot(x).status(), err::kObjectNotFound);
  ExpectCode(t->GetIePort(x).status(), err::kObjectNotFound);
  ExpectCode(t->GetMediaType(x).status(), err::kObjectNotFound);
  ExpectCode(t->GetMediaPool(x).status(), err::kObjectNotFound);
  ExpectCode(t->GetPhysicalMedia(x).status(), err::kObjectNotFound);
  ExpectCode(t->GetPartition(x).status(), err::kObjectNotFound);
  ExpectCode(t->GetLibRequest(x).status(), err::kObjectNotFound);
  // Not-found is an answer, not a failure: the Txn is still usable.
  EXPECT_TRUE(t->ListLibraries().ok());
  EXPECT_TRUE(t->Commit().ok());
}

// ---- library requests ------------------------------------------------------------------

TEST_F(SqliteStoreTest, LibRequestsOrderFilterAndSeq) {
  auto store = Open();
  Library a = Named<Library>("a"), b = Named<Library>("b");
  auto req = [](const Library& lib, int32_t prio, uint32_t state) {
    LibRequest r = Named<LibRequest>("r");
    r.library = lib.h.id, r.priority = prio, r.state = state;
    return r;
  };
  std::vector<LibRequest> rs = {req(a, 0, ntms::kLmQueued),  req(a, 10, ntms::kLmQueued), req(a, 0, ntms::kLmInProcess),
                                req(a, 10, ntms::kLmPassed), req(b, 99, ntms::kLmQueued), req(a, -3, ntms::kLmQueued)};
  {
    auto t = Begin(*store, true);
    ASSERT_TRUE(t->PutLibrary(a).ok());
    ASSERT_TRUE(t->PutLibrary(b).ok());
    uint64_t last = 0;
    for (auto& r : rs) {
      ASSERT_TRUE(t->PutLibRequest(r).ok());
      EXPECT_GT(r.seq, last);
      last = r.seq;
    }
    ASSERT_TRUE(t->Commit().ok());
  }
  auto seqs = [](const std::vector<LibRequest>& v) {
    std::vector<uint64_t> out;
    for (auto& r : v) out.push_back(r.seq);
    return out;
  };
  {
    auto t = Begin(*store, false);
    EXPECT_EQ(seqs(*t->ListLibRequests(a.h.id, {})),
              (std::vector{rs[1].seq, rs[3].seq, rs[0].seq, rs[2].seq, rs[5].seq}));
    EXPECT_EQ(seqs(*t->ListLibRequests(a.h.id, {ntms::kLmQueued})), (std::vector{rs[1].seq, rs[0].seq, rs[5].seq}));
    EXPECT_EQ(seqs(*t->ListLibRequests(a.h.id, {ntms::kLmQueued, ntms::kLmInProcess})),
              (std::vector{rs[1].seq, rs[0].seq, rs[2].seq, rs[5].seq}));
    EXPECT_EQ(seqs(*t->ListLibRequests(Guid{}, {ntms::kLmQueued})),
              (std::vector{rs[4].seq, rs[1].seq, rs[0].seq, rs[5].seq}));
    EXPECT_EQ(*t->CountLibRequests(a.h.id), 5u);
    EXPECT_EQ(*t->CountLibRequests(b.h.id), 1u);
  }
  // Replacing keeps seq (whatever seq the caller passes); a new one gets a larger one.
  auto t = Begin(*store, true);
  LibRequest changed = rs[0];
  changed.state = ntms::kLmPassed;
  changed.seq = 12345;
  ASSERT_TRUE(t->PutLibRequest(changed).ok());
  EXPECT_EQ(changed.seq, rs[0].seq);
  EXPECT_EQ(t->GetLibRequest(rs[0].h.id)->state, ntms::kLmPassed);
  EXPECT_EQ(t->GetLibRequest(rs[0].h.id)->seq, rs[0].seq);
  LibRequest fresh = req(a, 0, ntms::kLmQueued);
  ASSERT_TRUE(t->PutLibRequest(fresh).ok());
  EXPECT_GT(fresh.seq, rs[5].seq);
}

// ---- ids, counts, held sides, purge ---------------------------------------------------------

TEST_F(SqliteStoreTest, IdsAndCountsMatchTheFullLists) {
  auto store = Open();
  MediaPool p1 = Named<MediaPool>("p1"), p2 = Named<MediaPool>("p2"), child = Named<MediaPool>("child");
  child.parent = p1.h.id;
  Library a = Named<Library>("a"), b = Named<Library>("b");
  std::vector<PhysicalMedia> media;
  std::vector<Partition> sides;
  {
    auto t = Begin(*store, true);
    for (auto* p : {&p1, &p2, &child}) ASSERT_TRUE(t->PutMediaPool(*p).ok());
    ASSERT_TRUE(t->PutLibrary(a).ok());
    ASSERT_TRUE(t->PutLibrary(b).ok());
    for (int i = 0; i < 7; ++i) {
      PhysicalMedia m = Named<PhysicalMedia>(fmt::format("m{}", i));
      m.library = i % 3 == 0 ? Guid() : (i % 3 == 1 ? a.h.id : b.h.id);
      m.pool = i % 2 ? p1.h.id : p2.h.id;
      ASSERT_TRUE(t->PutPhysicalMedia(m).ok());
      media.push_back(m);
      for (uint32_t side = 0; side < uint32_t(1 + i % 2); ++side) {
        Partition p = Named<Partition>(fmt::format("m{}s{}", i, side));
        p.pmid = m.h.id;
        p.side = side;
        ASSERT_TRUE(t->PutPartition(p).ok());
        sides.push_back(p);
      }
    }
    for (int i = 0; i < 3; ++i) {
      Drive d = Named<Drive>(fmt::format("d{}", i));
      d.library = i < 2 ? a.h.id : b.h.id;
      d.number = uint32_t(i);
      ASSERT_TRUE(t->PutDrive(d).ok());
      Slot s = Named<Slot>(fmt::format("s{}", i));
      s.library = a.h.id;
      s.number = uint32_t(i);
      ASSERT_TRUE(t->PutSlot(s).ok());
    }
    IePort port = Named<IePort>("port");
    port.library = b.h.id;
    ASSERT_TRUE(t->PutIePort(port).ok());
    Changer ch = Named<Changer>("ch");
    ch.library = a.h.id;
    ASSERT_TRUE(t->PutChanger(ch).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  auto t = Begin(*store, false);
  auto ids = [](const auto& v) {
    std::vector<Guid> out;
    for (const auto& o : v) out.push_back(o.h.id);
    return out;
  };
  for (const Guid& lib : {Guid(), a.h.id, b.h.id})
    for (const Guid& pool : {Guid(), p1.h.id, p2.h.id, child.h.id}) {
      auto full = t->ListPhysicalMedia(lib, pool);
      ASSERT_TRUE(full.ok());
      EXPECT_EQ(*t->ListPhysicalMediaIds(lib, pool), ids(*full));
      EXPECT_EQ(*t->CountPhysicalMedia(lib, pool), full->size());
    }
  for (const Guid& pool : {Guid(), p1.h.id, p2.h.id, child.h.id}) {
    std::vector<Guid> expect;
    auto in_pool = t->ListPhysicalMediaIds(Guid(), pool);
    ASSERT_TRUE(in_pool.ok());
    for (const Guid& m : *in_pool) {
      auto parts = t->ListPartitions(m);
      ASSERT_TRUE(parts.ok());
      for (const auto& p : *parts) expect.push_back(p.h.id);
    }
    EXPECT_EQ(*t->ListPartitionIdsInPool(pool), expect);
  }
  for (const auto& m : media) EXPECT_EQ(*t->CountPartitions(m.h.id), t->ListPartitions(m.h.id)->size());
  EXPECT_EQ(*t->CountPartitions(Guid::New()), 0u);
  for (const Guid& lib : {Guid(), a.h.id, b.h.id}) {
    EXPECT_EQ(*t->CountLibraryElements(ntms::kDrive, lib), t->ListDrives(lib)->size());
    EXPECT_EQ(*t->CountLibraryElements(ntms::kStorageSlot, lib), t->ListSlots(lib)->size());
    EXPECT_EQ(*t->CountLibraryElements(ntms::kIePort, lib), t->ListIePorts(lib)->size());
    EXPECT_EQ(*t->CountLibraryElements(ntms::kChanger, lib), t->ListChangers(lib)->size());
  }
  ExpectCode(t->CountLibraryElements(ntms::kPhysicalMedia, a.h.id).status(), err::kInvalidParameter);
  EXPECT_TRUE(t->GetLibrary(a.h.id).ok()) << "a refused type does not abort the Txn";
  for (const Guid& parent : {Guid(), p1.h.id, p2.h.id})
    EXPECT_EQ(*t->CountMediaPools(parent), t->ListMediaPools(parent)->size());
}

TEST_F(SqliteStoreTest, ReleaseSidesHeldBySession) {
  auto store = Open();
  Guid s1 = Guid::New(), s2 = Guid::New();
  PhysicalMedia m1 = Named<PhysicalMedia>("m1"), m2 = Named<PhysicalMedia>("m2"), m3 = Named<PhysicalMedia>("m3");
  std::vector<Partition> sides;
  {
    auto t = Begin(*store, true);
    for (auto* m : {&m1, &m2, &m3}) ASSERT_TRUE(t->PutPhysicalMedia(*m).ok());
    // m1: both sides held by s1; m2: side 0 by s2; m3: free.
    const std::pair<const PhysicalMedia*, Guid> layout[] = {
        {&m1, s1}, {&m1, s1}, {&m2, s2}, {&m2, Guid()}, {&m3, Guid()}};
    uint32_t n = 0;
    for (const auto& [m, holder] : layout) {
      Partition p = Named<Partition>(fmt::format("p{}", n));
      p.pmid = m->h.id;
      p.side = n++;
      p.in_use_by = holder;
      ASSERT_TRUE(t->PutPartition(p).ok());
      sides.push_back(p);
    }
    ASSERT_TRUE(t->Commit().ok());
  }
  auto held = [&](Txn& t) {
    std::vector<Guid> out;
    auto parts = t.ListPartitions(Guid());
    if (parts.ok())
      for (const auto& p : *parts) out.push_back(p.in_use_by);
    return out;
  };
  {
    auto r = Begin(*store, false);
    ExpectCode(r->ReleaseSidesHeldBy(s1).status(), err::kInvalidOperation);
  }
  {
    auto t = Begin(*store, true);
    EXPECT_EQ(*t->ReleaseSidesHeldBy(s1), std::vector<Guid>{m1.h.id}) << "each cartridge once";
    EXPECT_EQ(*t->ReleaseSidesHeldBy(s1), std::vector<Guid>{}) << "nothing left";
    EXPECT_EQ(*t->ReleaseSidesHeldBy(Guid::New()), std::vector<Guid>{});
    ASSERT_TRUE(t->Commit().ok());
  }
  {
    auto t = Begin(*store, false);
    auto parts = t->ListPartitions(Guid());
    ASSERT_TRUE(parts.ok());
    for (const auto& p : *parts) EXPECT_EQ(p.in_use_by, p.pmid == m2.h.id && p.side == 2 ? s2 : Guid()) << p.h.name;
    auto after = t->GetPartition(sides[0].h.id);
    Partition expect = sides[0];
    expect.in_use_by = Guid();
    EXPECT_EQ(Dump(*after), Dump(expect)) << "only in_use_by changes";
  }
  {
    auto t = Begin(*store, true);
    EXPECT_EQ(*t->ReleaseSidesHeldBy(Guid()), std::vector<Guid>{m2.h.id}) << "null: every held side";
    EXPECT_EQ(held(*t), std::vector<Guid>(sides.size()));
    // Rolled back: not committed.
  }
  EXPECT_EQ(Begin(*store, false)->GetPartition(sides[2].h.id)->in_use_by, s2);
  // Schema v2 indexes the held sides (ReleaseSidesHeldBy is O(held)).
  EXPECT_EQ(Raw("SELECT count(*) FROM sqlite_schema WHERE name = 'partition_by_in_use'"), 1);
}

TEST_F(SqliteStoreTest, PurgeLibRequestsDeletesOnlyOldCompletedOnes) {
  auto store = Open();
  struct Case {
    uint32_t state;
    int64_t completed_ms;
    bool purged;
  };
  const Case cases[] = {
      {ntms::kLmPassed, 100, true},   {ntms::kLmFailed, 100, true},   {ntms::kLmCancelled, 999, true},
      {ntms::kLmPassed, 1000, false}, {ntms::kLmFailed, 5000, false}, {ntms::kLmQueued, 0, false},
      {ntms::kLmInProcess, 0, false}, {ntms::kLmWaiting, 0, false},
  };
  std::vector<LibRequest> rs;
  {
    auto t = Begin(*store, true);
    for (const auto& c : cases) {
      LibRequest r = Named<LibRequest>("r");
      r.state = c.state;
      r.completed_ms = c.completed_ms;
      ASSERT_TRUE(t->PutLibRequest(r).ok());
      rs.push_back(r);
    }
    ASSERT_TRUE(t->Commit().ok());
  }
  {
    auto r = Begin(*store, false);
    ExpectCode(r->PurgeLibRequests(1000).status(), err::kInvalidOperation);
  }
  auto t = Begin(*store, true);
  EXPECT_EQ(*t->PurgeLibRequests(1000), 3u);
  EXPECT_EQ(*t->PurgeLibRequests(1000), 0u);
  for (size_t i = 0; i < rs.size(); ++i) {
    auto got = t->GetLibRequest(rs[i].h.id);
    if (cases[i].purged) {
      ExpectCode(got.status(), err::kObjectNotFound);
      ExpectCode(t->TypeOf(rs[i].h.id).status(), err::kObjectNotFound);  // object_index follows
    } else {
      EXPECT_TRUE(got.ok()) << i;
    }
  }
  ASSERT_TRUE(t->Commit().ok());
  EXPECT_EQ(Raw("SELECT count(*) FROM lib_request"), 5);
  // Schema v2 indexes requests by state and completion time (the purge is O(purged)).
  EXPECT_EQ(Raw("SELECT count(*) FROM sqlite_schema WHERE name = 'lib_request_by_state'"), 1);
}

// ---- transactions --------------------------------------------------------------------------

TEST_F(SqliteStoreTest, DestroyWithoutCommitRollsBack) {
  auto store = Open();
  Library lib = Named<Library>("l");
  {
    auto t = Begin(*store, true);
    ASSERT_TRUE(t->PutLibrary(lib).ok());
  }
  auto t = Begin(*store, false);
  ExpectCode(t->GetLibrary(lib.h.id).status(), err::kObjectNotFound);
  ExpectCode(t->TypeOf(lib.h.id).status(), err::kObjectNotFound);
}

TEST_F(SqliteStoreTest, FailedStatementAbortsTheWholeTxn) {
  auto store = Open();
  Library kept = Named<Library>("kept");
  {
    auto t = Begin(*store, true);
    ASSERT_TRUE(t->PutLibrary(kept).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  Library added = Named<Library>("added");
  Library changed = kept;
  changed.h.name = "changed";
  {
    auto t = Begin(*store, true);
    ASSERT_TRUE(t->PutLibrary(added).ok());
    ASSERT_TRUE(t->PutLibrary(changed).ok());
    Drive clash = Named<Drive>("clash");
    clash.h.id = kept.h.id;  // an id already used by a library: the statement fails
    Status st = t->PutDrive(clash);
    ExpectCode(st, err::kDatabaseFailure);
    EXPECT_NE(st.message().find("UNIQUE"), std::string::npos) << st.message();
    // Later calls and Commit report the abort; nothing is committed.
    ExpectCode(t->PutLibrary(Named<Library>("later")), err::kDatabaseFailure);
    ExpectCode(t->Commit(), err::kDatabaseFailure);
  }
  auto t = Begin(*store, false);
  EXPECT_EQ(Dump(*t->ListLibraries()), Dump(std::vector{kept}));
  EXPECT_EQ(Raw("SELECT count(*) FROM object_index"), 1);
}

TEST_F(SqliteStoreTest, DanglingReferenceFailsAtCommit) {
  auto store = Open();
  {
    auto t = Begin(*store, true);
    Drive d = Named<Drive>("d");
    d.library = Guid::New();           // no such library
    ASSERT_TRUE(t->PutDrive(d).ok());  // deferred: checked at COMMIT
    Status st = t->Commit();
    ExpectCode(st, err::kDatabaseFailure);
    EXPECT_NE(st.message().find("FOREIGN KEY"), std::string::npos) << st.message();
  }
  EXPECT_EQ(Raw("SELECT count(*) FROM drive"), 0);
  auto t = Begin(*store, true);  // the connection went back to the pool clean
  EXPECT_TRUE(t->ListDrives(Guid{})->empty());
}

TEST_F(SqliteStoreTest, MisuseIsRefusedWithoutAborting) {
  auto store = Open();
  auto r = Begin(*store, false);
  ExpectCode(r->PutLibrary(Named<Library>("x")), err::kInvalidOperation);
  EXPECT_TRUE(r->ListLibraries().ok());
  auto w = Begin(*store, true);
  ExpectCode(w->PutLibrary(Library{}), err::kInvalidParameter);  // null id
  ASSERT_TRUE(w->Commit().ok());
  ExpectCode(w->Commit(), err::kInvalidOperation);
  ExpectCode(w->ListLibraries().status(), err::kInvalidOperation);
}

TEST_F(SqliteStoreTest, DeletePhysicalMediaTakesItsPartitionsAndAccess) {
  auto store = Open();
  PhysicalMedia m = Named<PhysicalMedia>("m");
  Partition p1 = Named<Partition>("p1"), p2 = Named<Partition>("p2");
  p1.pmid = p2.pmid = m.h.id;
  p2.side = 1;
  {
    auto t = Begin(*store, true);
    ASSERT_TRUE(t->PutPhysicalMedia(m).ok());
    ASSERT_TRUE(t->PutPartition(p2).ok());
    ASSERT_TRUE(t->PutPartition(p1).ok());
    ASSERT_TRUE(t->PutAccess({m.h.id, false, 1, kRightUse}).ok());
    ASSERT_TRUE(t->PutAccess({p1.h.id, false, 1, kRightUse}).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  {
    auto t = Begin(*store, true);
    EXPECT_EQ(Dump(*t->ListPartitions(m.h.id)), Dump(std::vector{p1, p2}));  // by side
    ASSERT_TRUE(t->DeletePhysicalMedia(m.h.id).ok());
    ExpectCode(t->DeletePhysicalMedia(m.h.id), err::kObjectNotFound);
    ExpectCode(t->DeletePhysicalMedia(p1.h.id), err::kObjectNotFound);
    ASSERT_TRUE(t->Commit().ok());
  }
  EXPECT_EQ(Raw("SELECT count(*) FROM partition"), 0);
  EXPECT_EQ(Raw("SELECT count(*) FROM access"), 0);
  EXPECT_EQ(Raw("SELECT count(*) FROM object_index"), 0);
}

TEST_F(SqliteStoreTest, ReadersDoNotWaitForAWriter) {
  auto store = Open();
  auto w = Begin(*store, true);
  ASSERT_TRUE(w->PutLibrary(Named<Library>("uncommitted")).ok());
  std::atomic<bool> read_ok{false};
  std::thread reader([&] {
    auto r = store->Begin(false);
    read_ok = r.ok() && (*r)->ListLibraries().ok() && (*r)->ListLibraries()->empty();
  });
  reader.join();  // would take 5 s and fail if readers waited
  EXPECT_TRUE(read_ok);
  ASSERT_TRUE(w->Commit().ok());
}

TEST_F(SqliteStoreTest, WritersAreSerialized) {
  auto store = Open();
  std::atomic<int> inside{0}, max_inside{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 20; ++j) {
        auto t = store->Begin(true);
        ASSERT_TRUE(t.ok()) << t.status().ToString();
        int now = ++inside;
        max_inside = std::max(max_inside.load(), now);
        ASSERT_TRUE((*t)->PutLibrary(Named<Library>(fmt::format("l{}-{}", i, j))).ok());
        --inside;
        ASSERT_TRUE((*t)->Commit().ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(max_inside, 1);
  EXPECT_EQ(Raw("SELECT count(*) FROM library"), 80);
}

TEST_F(SqliteStoreTest, WriteLockHeldElsewhereTimesOutAsDatabaseFailure) {
  auto store = Open();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto t0 = Clock::now();
  auto t = store->Begin(true);
  double waited_s = MicrosSince(t0) / 1e6;
  ExpectCode(t.status(), err::kDatabaseFailure);
  EXPECT_GE(waited_s, 4.5);
  EXPECT_TRUE(store->Begin(false).ok());  // readers are unaffected, nothing latched
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_TRUE(store->Begin(true).ok());
}

// ---- reopen and migrations ---------------------------------------------------------------

TEST_F(SqliteStoreTest, ReopenPreservesDataAndMigrationIsIdempotent) {
  Graph g = MakeGraph();
  {
    auto store = Open();
    auto t = Begin(*store, true);
    PutGraph(*t, g);
    ASSERT_TRUE(t->Commit().ok());
  }
  int64_t tables = Raw("SELECT count(*) FROM sqlite_schema");
  EXPECT_EQ(Raw("PRAGMA user_version"), sqlite::LatestSchemaVersion());
  EXPECT_EQ(Raw("PRAGMA application_id"), int64_t(sqlite::kApplicationId));
  auto first = Open();
  auto second = Open();  // two stores on one file, both migrated
  ASSERT_TRUE(first && second);
  EXPECT_EQ(Raw("SELECT count(*) FROM sqlite_schema"), tables);
  EXPECT_EQ(Raw("PRAGMA user_version"), sqlite::LatestSchemaVersion());
  auto t = Begin(*second, false);
  EXPECT_EQ(Dump(*t->GetPhysicalMedia(g.media.h.id)), Dump(g.media));
  EXPECT_EQ(Dump(*t->GetLibRequest(g.request.h.id)), Dump(g.request));
  EXPECT_EQ(Raw("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
}

TEST_F(SqliteStoreTest, RefusesNewerSchemaAndForeignFiles) {
  { ASSERT_TRUE(Open()); }
  RawExec("PRAGMA user_version = 99");
  auto newer = OpenSqliteStore({path_});
  ExpectCode(newer.status(), err::kDatabaseFailure);
  EXPECT_NE(newer.status().message().find("newer"), std::string::npos) << newer.status().message();

  std::string other = dir_ + "/other.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  ExpectCode(OpenSqliteStore({other}).status(), err::kDatabaseFailure);

  std::string garbage = dir_ + "/garbage.db";
  std::ofstream(garbage) << std::string(8192, 'x');
  auto g = OpenSqliteStore({garbage});
  ExpectCode(g.status(), err::kDatabaseFailure);
  EXPECT_NE(g.status().message().find("not a database"), std::string::npos) << g.status().message();

  ExpectCode(OpenSqliteStore({dir_ + "/missing-dir/x.db"}).status(), err::kDatabaseFailure);
}

// ---- the page cap: ERROR_DATABASE_FULL, and nothing changed -------------------------------

TEST_F(SqliteStoreTest, MaxPagesGivesDatabaseFullAndChangesNothing) {
  Library lib = Named<Library>("lib");
  MediaPool pool = Named<MediaPool>("pool");
  {
    auto store = Open();
    auto t = Begin(*store, true);
    ASSERT_TRUE(t->PutLibrary(lib).ok());
    ASSERT_TRUE(t->PutMediaPool(pool).ok());
    for (int i = 0; i < 50; ++i) {
      PhysicalMedia m = Named<PhysicalMedia>(fmt::format("m{}", i));
      m.library = lib.h.id, m.pool = pool.h.id, m.barcode = fmt::format("B{:05}L6", i);
      ASSERT_TRUE(t->PutPhysicalMedia(m).ok());
    }
    ASSERT_TRUE(t->Commit().ok());
  }
  int64_t pages = Raw("PRAGMA page_count");
  auto count_all = [&] {
    return fmt::format("{}/{}/{}", Raw("SELECT count(*) FROM physical_media"), Raw("SELECT count(*) FROM library"),
                       Raw("SELECT count(*) FROM object_index"));
  };
  std::string before = count_all();
  auto store = Open(uint32_t(pages));
  Status failure;
  {
    auto t = Begin(*store, true);
    Library renamed = lib;
    renamed.h.name = "renamed in the failing txn";
    ASSERT_TRUE(t->PutLibrary(renamed).ok());
    for (int i = 0; i < 100000 && failure.ok(); ++i) {
      PhysicalMedia m = Named<PhysicalMedia>(fmt::format("more{}", i));
      m.library = lib.h.id, m.pool = pool.h.id, m.barcode = fmt::format("C{:05}L6", i);
      failure = t->PutPhysicalMedia(m);
    }
    ExpectCode(failure, err::kDatabaseFull);
    ExpectCode(t->Commit(), err::kDatabaseFull);
  }
  EXPECT_EQ(count_all(), before);
  auto t = Begin(*store, false);
  EXPECT_EQ(Dump(*t->GetLibrary(lib.h.id)), Dump(lib));
  EXPECT_EQ(t->ListPhysicalMedia(lib.h.id, pool.h.id)->size(), 50u);
}

TEST_F(SqliteStoreTest, SetMaxPagesCapsLaterTxnsAndZeroLifts) {
  auto store = Open();
  { ASSERT_TRUE(Begin(*store, true)->Commit().ok()); }  // a pooled connection exists
  ASSERT_TRUE(store->SetMaxPages(uint32_t(Raw("PRAGMA page_count"))).ok());
  auto fill = [&](int n) {
    auto t = Begin(*store, true);
    for (int i = 0; i < n; ++i) {
      Status st = t->PutPhysicalMedia(Named<PhysicalMedia>(std::string(500, 'n')));
      if (!st.ok()) return st;
    }
    return t->Commit();
  };
  ExpectCode(fill(1000), err::kDatabaseFull);
  EXPECT_EQ(Raw("SELECT count(*) FROM physical_media"), 0);
  ASSERT_TRUE(store->SetMaxPages(0).ok());
  // The store stays degraded (writes refused at once) until its reserve is
  // restored, which works now that the cap is gone (sqlite_safety_test.cc).
  ExpectCode(store->Begin(true).status(), err::kDatabaseFull);
  ASSERT_TRUE(store->TryRestoreReserve().ok());
  EXPECT_TRUE(fill(1000).ok());
  EXPECT_EQ(Raw("SELECT count(*) FROM physical_media"), 1000);
}

// ---- damage detection ---------------------------------------------------------------------------

class SqliteDamageTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    SqliteStoreTest::SetUp();
    store_ = Open();
    ASSERT_TRUE(store_);
    auto t = Begin(*store_, true);
    ASSERT_TRUE(t->PutLibrary(lib_).ok());
    ASSERT_TRUE(t->Commit().ok());
    auto r = Begin(*store_, false);  // pages cached, connection pooled
    ASSERT_TRUE(r->GetLibrary(lib_.h.id).ok());
  }
  // Read, write, read: a file damaged in place is refused by every Begin,
  // and latches the store for reads too.
  void ExpectRefused() {
    for (bool write : {false, true, false}) {
      auto t = store_->Begin(write);
      ExpectCode(t.status(), err::kDatabaseFailure);
      EXPECT_NE(t.status().message().find("damaged"), std::string::npos) << t.status().message();
    }
  }
  std::unique_ptr<Store> store_;
  Library lib_ = Named<Library>("lib");
};

TEST_F(SqliteDamageTest, GarbageOverTheFirstPageIsDetected) {
  Scribble(0, 4096);
  ExpectRefused();
}

TEST_F(SqliteDamageTest, TruncatedFileIsDetected) {
  ASSERT_EQ(::truncate(path_.c_str(), 0), 0);
  ExpectRefused();
}

// A file deleted or replaced (rather than damaged in place) puts the store
// into failed mode: writes are refused, reads keep being served from the open
// connections (sqlite_safety_test.cc tests the rescue copy and the marker).
TEST_F(SqliteDamageTest, DeletedFileIsDetected) {
  ASSERT_EQ(::unlink(path_.c_str()), 0);
  auto w = store_->Begin(true);
  ExpectCode(w.status(), err::kDatabaseFailure);
  EXPECT_NE(w.status().message().find("deleted"), std::string::npos) << w.status().message();
  auto r = Begin(*store_, false);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->GetLibrary(lib_.h.id).ok());
}

TEST_F(SqliteDamageTest, ReplacedFileIsDetected) {
  std::filesystem::copy_file(path_, path_ + ".copy");
  std::filesystem::rename(path_ + ".copy", path_);
  auto w = store_->Begin(true);
  ExpectCode(w.status(), err::kDatabaseFailure);
  EXPECT_NE(w.status().message().find("replaced"), std::string::npos) << w.status().message();
  auto r = Begin(*store_, false);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->GetLibrary(lib_.h.id).ok());
}

TEST_F(SqliteDamageTest, GarbageInADataPageFailsWhenRead) {
  // Damage every page but the first: the header check passes; a read of an
  // uncached page reports corruption, which latches the store.
  int64_t size = int64_t(std::filesystem::file_size(path_));
  Scribble(4096, size_t(size - 4096));
  auto other = OpenSqliteStore({path_});  // fresh connections: nothing cached
  if (other.ok()) {
    auto t = (*other)->Begin(false);
    Status st = t.ok() ? (*t)->GetLibrary(lib_.h.id).status() : t.status();
    ExpectCode(st, err::kDatabaseFailure);
    ExpectCode((*other)->Begin(false).status(), err::kDatabaseFailure);  // latched
  } else {
    ExpectCode(other.status(), err::kDatabaseFailure);
  }
}

TEST_F(SqliteDamageTest, NotFooledByCheckpoints) {
  // Enough writes for several automatic checkpoints, plus outside ones.
  for (int i = 0; i < 300; ++i) {
    auto t = Begin(*store_, true);
    ASSERT_TRUE(t);
    for (int j = 0; j < 20; ++j) {
      PhysicalMedia m = Named<PhysicalMedia>(std::string(200, 'x'));
      ASSERT_TRUE(t->PutPhysicalMedia(m).ok());
    }
    ASSERT_TRUE(t->Commit().ok());
    if (i % 50 == 0) RawExec("PRAGMA wal_checkpoint(TRUNCATE)");
    ASSERT_TRUE(Begin(*store_, false));
  }
  EXPECT_EQ(Raw("SELECT count(*) FROM physical_media"), 6000);
  EXPECT_TRUE(Begin(*store_, false)->GetLibrary(lib_.h.id).ok());
}

TEST_F(SqliteDamageTest, BeginOverhead) {
  auto lease_db = sqlite::OpenConnection({path_});
  ASSERT_TRUE(lease_db.ok());
  sqlite::FileExpectation expect;
  ASSERT_TRUE(sqlite::ReadFileExpectation(**lease_db, &expect).ok());
  constexpr int kN = 20000;
  auto t0 = Clock::now();
  for (int i = 0; i < kN; ++i) ASSERT_TRUE(sqlite::CheckDatabaseFile(**lease_db, expect).ok());
  double check_us = MicrosSince(t0) / kN;
  t0 = Clock::now();
  for (int i = 0; i < kN; ++i) ASSERT_TRUE(sqlite::CheckDatabaseHeader(**lease_db, expect).ok());
  double header_us = MicrosSince(t0) / kN;
  t0 = Clock::now();
  for (int i = 0; i < kN; ++i) ASSERT_TRUE(store_->Begin(false).ok());
  double read_us = MicrosSince(t0) / kN;
  t0 = Clock::now();
  for (int i = 0; i < kN / 10; ++i) ASSERT_TRUE(store_->Begin(true).ok());
  double write_us = MicrosSince(t0) / (kN / 10);
  fmt::print(
      "[timing] file check {:.2f} us (header only {:.2f} us); Begin(false)+rollback {:.2f} us; "
      "Begin(true)+rollback {:.2f} us\n",
      check_us, header_us, read_us, write_us);
}

// ---- error mapping ---------------------------------------------------------------------------

TEST(SqliteStatusTest, MapsResultCodes) {
  EXPECT_EQ(sqlite::SqliteStatus(SQLITE_FULL, "x").code(), err::kDatabaseFull);
  EXPECT_EQ(sqlite::SqliteStatus(SQLITE_NOMEM, "x").code(), err::kNotEnoughMemory);
  for (int rc : {SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_IOERR, SQLITE_IOERR_READ, SQLITE_IOERR_SHORT_READ,
                 SQLITE_IOERR_FSYNC, SQLITE_CANTOPEN, SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED, SQLITE_READONLY,
                 SQLITE_READONLY_DBMOVED, SQLITE_CONSTRAINT_FOREIGNKEY, SQLITE_MISUSE, SQLITE_ERROR, SQLITE_PROTOCOL}) {
    Status st = sqlite::SqliteStatus(rc, "detail");
    EXPECT_EQ(st.code(), err::kDatabaseFailure) << rc;
    EXPECT_NE(st.message().find("detail"), std::string::npos);
  }
  EXPECT_TRUE(sqlite::IsDamageCode(SQLITE_CORRUPT_INDEX));
  EXPECT_TRUE(sqlite::IsDamageCode(SQLITE_NOTADB));
  EXPECT_FALSE(sqlite::IsDamageCode(SQLITE_BUSY));
}

// ---- scale: 100,000 media ----------------------------------------------------------------------

TEST_F(SqliteStoreTest, HundredThousandMediaTimings) {
  constexpr int kMedia = 100000;
  auto store = Open();
  Library lib = Named<Library>("big");
  MediaPool pools[4] = {Named<MediaPool>("p0"), Named<MediaPool>("p1"), Named<MediaPool>("p2"), Named<MediaPool>("p3")};
  std::vector<Guid> ids;
  ids.reserve(kMedia);
  auto t0 = Clock::now();
  {
    auto t = Begin(*store, true);
    ASSERT_TRUE(t->PutLibrary(lib).ok());
    for (auto& p : pools) ASSERT_TRUE(t->PutMediaPool(p).ok());
    for (int i = 0; i < kMedia; ++i) {
      PhysicalMedia m = Named<PhysicalMedia>(fmt::format("M{:06}", i));
      m.library = lib.h.id, m.pool = pools[i % 4].h.id, m.barcode = fmt::format("M{:06}L6", i);
      ids.push_back(m.h.id);
      ASSERT_TRUE(t->PutPhysicalMedia(m).ok());
    }
    ASSERT_TRUE(t->Commit().ok());
  }
  double insert_ms = MicrosSince(t0) / 1000;
  auto t = Begin(*store, false);
  t0 = Clock::now();
  auto list = t->ListPhysicalMedia(Guid{}, pools[1].h.id);
  double list_ms = MicrosSince(t0) / 1000;
  ASSERT_EQ(list->size(), size_t(kMedia / 4));
  t0 = Clock::now();
  auto both = t->ListPhysicalMedia(lib.h.id, pools[2].h.id);
  double list_both_ms = MicrosSince(t0) / 1000;
  ASSERT_EQ(both->size(), size_t(kMedia / 4));
  constexpr int kLookups = 20000;
  t0 = Clock::now();
  for (int i = 0; i < kLookups; ++i) ASSERT_TRUE(t->GetPhysicalMedia(ids[size_t(i * 7919) % kMedia]).ok());
  double get_us = MicrosSince(t0) / kLookups;
  t0 = Clock::now();
  for (int i = 0; i < kLookups; ++i) ASSERT_EQ(*t->TypeOf(ids[size_t(i * 104729) % kMedia]), ntms::kPhysicalMedia);
  double type_us = MicrosSince(t0) / kLookups;
  t0 = Clock::now();
  for (int i = 0; i < kLookups; ++i)
    ASSERT_TRUE(t->FindPhysicalMediaByBarcode(fmt::format("M{:06}L6", (i * 31) % kMedia))->has_value());
  double barcode_us = MicrosSince(t0) / kLookups;
  fmt::print(
      "[timing] {} media: insert+commit {:.0f} ms; ListPhysicalMedia(pool) {:.1f} ms ({} rows); "
      "ListPhysicalMedia(library,pool) {:.1f} ms; GetPhysicalMedia {:.2f} us; TypeOf {:.2f} us; "
      "FindPhysicalMediaByBarcode {:.2f} us; file {} KiB\n",
      kMedia, insert_ms, list_ms, list->size(), list_both_ms, get_us, type_us, barcode_us,
      std::filesystem::file_size(path_) / 1024);
}

// service::RequestProgress (worker.h): a device's long wait shows in the
// description of the library request being run, committed at once.
TEST_F(SqliteStoreTest, RequestProgressWritesTheRunningRequestsDescription) {
  auto store = Open();
  Graph g = MakeGraph();
  {
    auto t = Begin(*store, true);
    PutGraph(*t, g);
    ASSERT_TRUE(t->Commit().ok());
  }
  service::RequestProgress progress(store.get());
  progress.Report("nobody listens");  // no request running: nothing written
  {
    auto t = Begin(*store, false);
    EXPECT_EQ(t->GetLibRequest(g.request.h.id)->h.description, g.request.h.description);
  }
  LibRequest running = g.request;
  progress.SetCurrent(&running);
  progress.Report("MOVE MEDIUM: waiting for drive 1 to become ready: 30 s of 7200 s");
  {
    auto t = Begin(*store, false);
    auto r = t->GetLibRequest(g.request.h.id);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->h.description, "MOVE MEDIUM: waiting for drive 1 to become ready: 30 s of 7200 s");
    EXPECT_EQ(r->state, g.request.state);  // only the description changes
  }
  EXPECT_EQ(running.h.description, "MOVE MEDIUM: waiting for drive 1 to become ready: 30 s of 7200 s");
  progress.Report(std::string(300, 'x'));  // szDescription's limit
  {
    auto t = Begin(*store, false);
    EXPECT_EQ(t->GetLibRequest(g.request.h.id)->h.description, std::string(126, 'x'));
  }
  progress.SetCurrent(nullptr);
}

}  // namespace
}  // namespace openrsm::catalog
