// The catalog::Store contract suite: the Txn contract of src/catalog/store.h
// and of each aggregate interface (library_txn.h, media_txn.h, pool_txn.h,
// request_txn.h, access_txn.h), run against every backend.
//
// Each backend is a factory in kBackends below (a name and a function that
// opens a fresh, empty store in a private directory). A new backend
// (PostgreSQL) joins by adding its factory there; docs/catalog.md "Aggregates
// and backends". Backend-specific behaviour (files, page caps, migrations,
// damage) is tested elsewhere (sqlite_*_test.cc).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <ostream>
#include <thread>

#include "catalog/memory/memory_store.h"
#include "catalog/ntms_values.h"
#include "catalog/sqlite/rows.h"
#include "catalog/store.h"

namespace openrsm::catalog {
namespace {

// ---- backends ------------------------------------------------------------------

struct Backend {
  const char* name;
  // Opens an empty store that keeps its files (if any) under `dir`;
  // ERROR_NOT_SUPPORTED skips the suite (a server backend not configured here).
  std::function<Result<std::unique_ptr<Store>>(const std::string& dir)> open;
};

void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

const Backend kBackends[] = {
    {"Sqlite", [](const std::string& dir) { return OpenSqliteStore({dir + "/catalog.db"}); }},
    {"Memory", [](const std::string&) { return Result<std::unique_ptr<Store>>(NewMemoryStore()); }},
};

// ---- field-wise comparison: every column of the object's table ------------------

std::string Text(const sqlite::BoundValue& v) {
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return "'" + *s + "'";
  if (const auto* g = std::get_if<Guid>(&v)) return g->ToString();
  return "NULL";
}

// Every field of `v`, as the table descriptor (src/catalog/sqlite/rows.h)
// names them: equal strings <=> equal objects.
template <typename T>
std::string Fields(const T& v) {
  std::vector<sqlite::BoundValue> values;
  sqlite::Binder b(&values);
  std::string out;
  size_t i = 0;
  for (const auto& c : sqlite::Table<T>().columns) {
    c.bind(b, v);
    out += std::string(c.name) + "=" + Text(values[i++]) + " ";
  }
  return out;
}

ObjectHeader Header(const std::string& name, int64_t created_ms = 1000) {
  ObjectHeader h;
  h.id = Guid::New();
  h.name = name;
  h.description = "about " + name;
  h.created_ms = created_ms;
  h.modified_ms = created_ms + 1;
  return h;
}

Library Lib(const std::string& name) {
  Library v;
  v.h = Header(name);
  v.library_type = ntms::kLibTypeOnline;
  v.kind = "sim";
  return v;
}
Changer Chg(const std::string& name, const Guid& library) {
  Changer v;
  v.h = Header(name);
  v.library = library;
  return v;
}
MediaPool Pool(const std::string& name, uint32_t type, const Guid& media_type, const Guid& parent) {
  MediaPool v;
  v.h = Header(name);
  v.pool_type = type;
  v.media_type = media_type;
  v.parent = parent;
  return v;
}
Computer Comp(const std::string& name) {
  Computer v;
  v.h = Header(name);
  return v;
}

Guid IdWithFirstByte(uint8_t b) {
  Guid g = Guid::New();
  g.bytes[0] = b;
  return g;
}

// ---- fixture -------------------------------------------------------------------

class StoreContractTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/store_contract_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = GetParam().open(dir_);
    if (s.status().code() == err::kNotSupported) GTEST_SKIP() << GetParam().name << ": " << s.status().ToString();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    // A library, a media type and a pool most tests hang objects on.
    lib_ = Lib("lib0");
    type_ = {Header("LTO"), 1, 1, 1};
    pool_ = Pool("Free", ntms::kPoolScratch, type_.h.id, Guid());
    auto t = W();
    ASSERT_TRUE(t->PutLibrary(lib_).ok());
    ASSERT_TRUE(t->PutMediaType(type_).ok());
    ASSERT_TRUE(t->PutMediaPool(pool_).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Txn> Begin(bool write) {
    auto t = store_->Begin(write);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? std::move(t).value() : nullptr;
  }
  std::unique_ptr<Txn> W() { return Begin(true); }
  std::unique_ptr<Txn> R() { return Begin(false); }

  // Runs `fn` in a write Txn and commits it (the test fails otherwise).
  void Write(const std::function<void(Txn&)>& fn) {
    auto t = W();
    ASSERT_NE(t, nullptr);
    fn(*t);
    Status st = t->Commit();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  PhysicalMedia Media(const std::string& barcode, int64_t created_ms = 1000) {
    PhysicalMedia m;
    m.h = Header(barcode, created_ms);
    m.library = lib_.h.id;
    m.pool = pool_.h.id;
    m.media_type = type_.h.id;
    m.barcode = barcode;
    return m;
  }
  Partition Side(const PhysicalMedia& m, uint32_t side, const Guid& in_use_by = Guid()) {
    Partition p;
    p.h = Header(m.h.name + "/" + std::to_string(side));
    p.pmid = m.h.id;
    p.side = side;
    p.in_use_by = in_use_by;
    return p;
  }
  template <typename T>
  T Element(const std::string& name, uint32_t number, const Guid& library) {
    T v;
    v.h = Header(name);
    v.library = library;
    v.number = number;
    return v;
  }
  LibRequest Request(const std::string& name, int32_t priority, uint32_t state = ntms::kLmQueued) {
    LibRequest r;
    r.h = Header(name);
    r.library = lib_.h.id;
    r.priority = priority;
    r.state = state;
    return r;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  Library lib_;
  MediaType type_;
  MediaPool pool_;
};

void ExpectCode(const Status& st, uint32_t code) { EXPECT_EQ(st.code(), code) << st.ToString(); }

template <typename T>
std::vector<std::string> Names(const std::vector<T>& v) {
  std::vector<std::string> out;
  for (const T& x : v) out.push_back(x.h.name);
  return out;
}
template <typename T>
std::vector<Guid> IdsOf(const std::vector<T>& v) {
  std::vector<Guid> out;
  for (const T& x : v) out.push_back(x.h.id);
  return out;
}

// ---- answers and misuse -----------------------------------------------------------

TEST_P(StoreContractTest, GetOfUnknownOrNullIdIsNotFoundAndTheTxnGoesOn) {
  auto t = R();
  for (const Guid& id : {Guid::New(), Guid()}) {
    ExpectCode(t->GetLibrary(id).status(), err::kObjectNotFound);
    ExpectCode(t->GetChanger(id).status(), err::kObjectNotFound);
    ExpectCode(t->GetDrive(id).status(), err::kObjectNotFound);
    ExpectCode(t->GetSlot(id).status(), err::kObjectNotFound);
    ExpectCode(t->GetIePort(id).status(), err::kObjectNotFound);
    ExpectCode(t->GetMediaType(id).status(), err::kObjectNotFound);
    ExpectCode(t->GetMediaPool(id).status(), err::kObjectNotFound);
    ExpectCode(t->GetPhysicalMedia(id).status(), err::kObjectNotFound);
    ExpectCode(t->GetPartition(id).status(), err::kObjectNotFound);
    ExpectCode(t->GetLibRequest(id).status(), err::kObjectNotFound);
    ExpectCode(t->TypeOf(id).status(), err::kObjectNotFound);
  }
  ExpectCode(t->GetComputer().status(), err::kObjectNotFound);
  // An id of another kind is not found either.
  ExpectCode(t->GetDrive(lib_.h.id).status(), err::kObjectNotFound);
  // Answers, not failures: the Txn reads on and commits.
  auto lib = t->GetLibrary(lib_.h.id);
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  EXPECT_EQ(Fields(lib.value()), Fields(lib_));
  auto none = t->FindLibraryByName("no such library");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.value().has_value());
  auto access = t->GetAccess(Guid::New());
  ASSERT_TRUE(access.ok());
  EXPECT_TRUE(access.value().empty());
  EXPECT_TRUE(t->Commit().ok());
}

TEST_P(StoreContractTest, EveryKindRoundTripsAndTypeOfNamesIt) {
  PhysicalMedia m = Media("A00001");
  m.needs_inventory = true;
  Partition p = Side(m, 1, Guid::New());
  p.capacity = UINT64_MAX;
  Computer c{Header("host"), 7, UINT32_MAX, lib_.h.id, pool_.h.id};
  ChangerType ct{Header("STK L700"), "STK", "L700", 0x30};
  DriveType dt{Header("IBM ULT3580-TD6"), "IBM", "ULT3580-TD6", 0x1f, 1};
  Changer ch{Header("changer"), lib_.h.id, "S1", "/dev/sg1", ct.h.id};
  Drive d = Element<Drive>("drive", 3, lib_.h.id);
  d.drive_type = dt.h.id;
  d.media = m.h.id;
  d.mounted_side = p.h.id;
  d.mount_count = 9;
  Slot s = Element<Slot>("slot", 2, lib_.h.id);
  IePort port = Element<IePort>("port", 1, lib_.h.id);
  MediaPool child{Header("child"), ntms::kPoolApplication, type_.h.id, pool_.h.id, 1, 2, 3};
  LibRequest r = Request("mount", -5);
  r.session = Guid::New();
  r.completed_ms = -1;
  Write([&](Txn& t) {
    ASSERT_TRUE(t.PutComputer(c).ok());
    ASSERT_TRUE(t.PutChanger(ch).ok());
    ASSERT_TRUE(t.PutChangerType(ct).ok());
    ASSERT_TRUE(t.PutDriveType(dt).ok());
    ASSERT_TRUE(t.PutDrive(d).ok());
    ASSERT_TRUE(t.PutSlot(s).ok());
    ASSERT_TRUE(t.PutIePort(port).ok());
    ASSERT_TRUE(t.PutMediaPool(child).ok());
    ASSERT_TRUE(t.PutPhysicalMedia(m).ok());
    ASSERT_TRUE(t.PutPartition(p).ok());
    ASSERT_TRUE(t.PutLibRequest(r).ok());
  });
  auto t = R();
  EXPECT_EQ(Fields(t->GetComputer().value()), Fields(c));
  EXPECT_EQ(Fields(t->GetChanger(ch.h.id).value()), Fields(ch));
  EXPECT_EQ(Fields(t->GetChangerType(ct.h.id).value()), Fields(ct));
  EXPECT_EQ(Fields(t->GetDriveType(dt.h.id).value()), Fields(dt));
  EXPECT_EQ(IdsOf(t->ListChangerTypes().value()), std::vector<Guid>{ct.h.id});
  EXPECT_EQ(IdsOf(t->ListDriveTypes().value()), std::vector<Guid>{dt.h.id});
  EXPECT_EQ(Fields(t->GetDrive(d.h.id).value()), Fields(d));
  EXPECT_EQ(Fields(t->GetSlot(s.h.id).value()), Fields(s));
  EXPECT_EQ(Fields(t->GetIePort(port.h.id).value()), Fields(port));
  EXPECT_EQ(Fields(t->GetMediaPool(child.h.id).value()), Fields(child));
  EXPECT_EQ(Fields(t->GetMediaType(type_.h.id).value()), Fields(type_));
  EXPECT_EQ(Fields(t->GetPhysicalMedia(m.h.id).value()), Fields(m));
  EXPECT_EQ(Fields(t->GetPartition(p.h.id).value()), Fields(p));
  EXPECT_EQ(Fields(t->GetLibRequest(r.h.id).value()), Fields(r));
  const std::pair<Guid, uint32_t> kinds[] = {
      {c.h.id, ntms::kComputer},      {lib_.h.id, ntms::kLibrary},    {ch.h.id, ntms::kChanger},
      {d.h.id, ntms::kDrive},         {s.h.id, ntms::kStorageSlot},   {port.h.id, ntms::kIePort},
      {type_.h.id, ntms::kMediaType}, {child.h.id, ntms::kMediaPool}, {m.h.id, ntms::kPhysicalMedia},
      {p.h.id, ntms::kPartition},     {r.h.id, ntms::kLibRequest},    {ct.h.id, ntms::kChangerType},
      {dt.h.id, ntms::kDriveType},
  };
  for (const auto& [id, type] : kinds) {
    auto got = t->TypeOf(id);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got.value(), type);
  }
}

TEST_P(StoreContractTest, PutComputerKeepsOneComputer) {
  Computer a = Comp("a"), b = Comp("b");
  Write([&](Txn& t) { ASSERT_TRUE(t.PutComputer(a).ok()); });
  Write([&](Txn& t) { ASSERT_TRUE(t.PutComputer(b).ok()); });
  auto t = R();
  EXPECT_EQ(t->GetComputer().value().h.id, b.h.id);
  ExpectCode(t->TypeOf(a.h.id).status(), err::kObjectNotFound);
  EXPECT_EQ(t->TypeOf(b.h.id).value(), ntms::kComputer);
}

TEST_P(StoreContractTest, WritesInAReadTxnAreRefusedWithoutAborting) {
  PhysicalMedia m = Media("RO");
  LibRequest r = Request("r", 0);
  auto t = R();
  ExpectCode(t->PutLibrary(lib_), err::kInvalidOperation);
  ExpectCode(t->PutComputer(Comp("c")), err::kInvalidOperation);
  ExpectCode(t->PutPhysicalMedia(m), err::kInvalidOperation);
  ExpectCode(t->PutLibRequest(r), err::kInvalidOperation);
  ExpectCode(t->PutAccess({lib_.h.id, false, 1, 1}), err::kInvalidOperation);
  ExpectCode(t->DeletePhysicalMedia(m.h.id), err::kInvalidOperation);
  ExpectCode(t->ReleaseSidesHeldBy(Guid()).status(), err::kInvalidOperation);
  ExpectCode(t->PurgeLibRequests(INT64_MAX).status(), err::kInvalidOperation);
  EXPECT_TRUE(t->GetLibrary(lib_.h.id).ok());
  EXPECT_TRUE(t->Commit().ok());
}

TEST_P(StoreContractTest, BadArgumentsAreRefusedWithoutAborting) {
  Slot kept = Element<Slot>("kept", 0, lib_.h.id);
  Write([&](Txn& t) {
    ASSERT_TRUE(t.PutSlot(kept).ok());
    Library nameless = Lib("x");
    nameless.h.id = Guid();
    ExpectCode(t.PutLibrary(nameless), err::kInvalidParameter);
    Computer c = Comp("c");
    c.h.id = Guid();
    ExpectCode(t.PutComputer(c), err::kInvalidParameter);
    LibRequest r = Request("r", 0);
    r.h.id = Guid();
    ExpectCode(t.PutLibRequest(r), err::kInvalidParameter);
    ExpectCode(t.PutAccess({Guid(), false, 1, 1}), err::kInvalidParameter);
    ExpectCode(t.CountLibraryElements(ntms::kPhysicalMedia, Guid()).status(), err::kInvalidParameter);
    ExpectCode(t.DeletePhysicalMedia(Guid::New()), err::kObjectNotFound);
    ExpectCode(t.DeletePhysicalMedia(lib_.h.id), err::kObjectNotFound);  // not a media
  });
  auto t = R();
  EXPECT_TRUE(t->GetSlot(kept.h.id).ok());
  EXPECT_TRUE(t->GetLibrary(lib_.h.id).ok());  // the refused delete left it
}

TEST_P(StoreContractTest, EveryCallAfterCommitIsInvalidOperation) {
  for (bool write : {false, true}) {
    auto t = Begin(write);
    ASSERT_TRUE(t->Commit().ok());
    ExpectCode(t->GetLibrary(lib_.h.id).status(), err::kInvalidOperation);
    ExpectCode(t->ListLibraries().status(), err::kInvalidOperation);
    ExpectCode(t->TypeOf(lib_.h.id).status(), err::kInvalidOperation);
    ExpectCode(t->PutLibrary(lib_), err::kInvalidOperation);
    ExpectCode(t->Commit(), err::kInvalidOperation);
  }
}

// ---- failures and transactions -------------------------------------------------------

TEST_P(StoreContractTest, AnIdOfAnotherKindFailsAndAbortsTheTxn) {
  Slot s = Element<Slot>("s", 0, lib_.h.id);
  auto t = W();
  ASSERT_TRUE(t->PutSlot(s).ok());
  Drive d = Element<Drive>("d", 0, lib_.h.id);
  d.h.id = lib_.h.id;  // already a library
  ExpectCode(t->PutDrive(d), err::kDatabaseFailure);
  // Every later call fails so, the commit too.
  ExpectCode(t->GetLibrary(lib_.h.id).status(), err::kDatabaseFailure);
  ExpectCode(t->PutSlot(s), err::kDatabaseFailure);
  ExpectCode(t->Commit(), err::kDatabaseFailure);
  t.reset();
  auto r = R();
  ExpectCode(r->GetSlot(s.h.id).status(), err::kObjectNotFound);  // nothing of it was written
  EXPECT_EQ(r->TypeOf(lib_.h.id).value(), ntms::kLibrary);
}

TEST_P(StoreContractTest, ReferencesAreCheckedAtCommitInAnyOrder) {
  // Put before what it refers to: fine, checked at Commit.
  Library lib = Lib("lib1");
  Drive d = Element<Drive>("d", 0, lib.h.id);
  PhysicalMedia m = Media("REF1");
  d.media = m.h.id;
  Partition p = Side(m, 0);
  Write([&](Txn& t) {
    ASSERT_TRUE(t.PutPartition(p).ok());
    ASSERT_TRUE(t.PutDrive(d).ok());
    ASSERT_TRUE(t.PutPhysicalMedia(m).ok());
    ASSERT_TRUE(t.PutLibrary(lib).ok());
  });
  // Left dangling: Commit fails, nothing is written.
  struct Case {
    const char* what;
    std::function<void(Txn&)> put;
  };
  Slot orphan = Element<Slot>("orphan", 5, Guid::New());
  MediaPool child = Pool("child", 0, Guid(), Guid::New());
  Partition loose = Side(Media("NONE"), 0);
  Changer ch = Chg("ch", Guid::New());
  const Case cases[] = {
      {"slot without library", [&](Txn& t) { ASSERT_TRUE(t.PutSlot(orphan).ok()); }},
      {"pool without parent", [&](Txn& t) { ASSERT_TRUE(t.PutMediaPool(child).ok()); }},
      {"side without media", [&](Txn& t) { ASSERT_TRUE(t.PutPartition(loose).ok()); }},
      {"changer without library", [&](Txn& t) { ASSERT_TRUE(t.PutChanger(ch).ok()); }},
      {"media still in a drive", [&](Txn& t) { ASSERT_TRUE(t.DeletePhysicalMedia(m.h.id).ok()); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto t = W();
    c.put(*t);
    ExpectCode(t->Commit(), err::kDatabaseFailure);
  }
  auto t = R();
  ExpectCode(t->GetSlot(orphan.h.id).status(), err::kObjectNotFound);
  ExpectCode(t->GetMediaPool(child.h.id).status(), err::kObjectNotFound);
  ExpectCode(t->GetPartition(loose.h.id).status(), err::kObjectNotFound);
  ExpectCode(t->GetChanger(ch.h.id).status(), err::kObjectNotFound);
  EXPECT_TRUE(t->GetPhysicalMedia(m.h.id).ok());
  EXPECT_TRUE(t->GetPartition(p.h.id).ok());
}

TEST_P(StoreContractTest, DestroyedWithoutCommitRollsBack) {
  Slot s = Element<Slot>("s", 0, lib_.h.id);
  {
    auto t = W();
    ASSERT_TRUE(t->PutSlot(s).ok());
    lib_.h.name = "renamed";
    ASSERT_TRUE(t->PutLibrary(lib_).ok());
    EXPECT_TRUE(t->GetSlot(s.h.id).ok());  // a write Txn sees its own writes
    EXPECT_EQ(t->GetLibrary(lib_.h.id).value().h.name, "renamed");
  }
  auto t = R();
  ExpectCode(t->GetSlot(s.h.id).status(), err::kObjectNotFound);
  ExpectCode(t->TypeOf(s.h.id).status(), err::kObjectNotFound);
  EXPECT_EQ(t->GetLibrary(lib_.h.id).value().h.name, "lib0");
}

TEST_P(StoreContractTest, AReadTxnKeepsItsSnapshotAndDoesNotWaitForAWriter) {
  auto reader = R();
  ASSERT_EQ(reader->ListSlots(lib_.h.id).value().size(), 0u);  // the snapshot is taken by now
  Slot s = Element<Slot>("s", 0, lib_.h.id);
  auto writer = W();
  ASSERT_TRUE(writer->PutSlot(s).ok());
  // A writer in progress: new readers begin at once and see the last commit.
  auto during = R();
  ExpectCode(during->GetSlot(s.h.id).status(), err::kObjectNotFound);
  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(reader->ListSlots(lib_.h.id).value().size(), 0u);
  ExpectCode(reader->GetSlot(s.h.id).status(), err::kObjectNotFound);
  ExpectCode(during->TypeOf(s.h.id).status(), err::kObjectNotFound);
  EXPECT_TRUE(R()->GetSlot(s.h.id).ok());
}

TEST_P(StoreContractTest, WriteTxnsAreSerialized) {
  auto first = W();
  Slot s = Element<Slot>("s", 0, lib_.h.id);
  ASSERT_TRUE(first->PutSlot(s).ok());
  std::atomic<bool> begun{false};
  auto second = std::async(std::launch::async, [&] {
    auto t = store_->Begin(true);
    begun = true;
    if (!t.ok()) return std::string("begin: ") + t.status().ToString();
    // It began after the first committed: it sees the slot.
    if (!t.value()->GetSlot(s.h.id).ok()) return std::string("the first writer's slot is missing");
    return std::string("ok");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(begun) << "a second writer began while the first was in progress";
  // The first ends (a backend may let the next writer in at Commit already).
  ASSERT_TRUE(first->Commit().ok());
  first.reset();
  EXPECT_EQ(second.get(), "ok");
}

// ---- group commit (Store::SyncCommitted) -------------------------------------------------

TEST_P(StoreContractTest, SyncCommittedAfterUnsyncedCommitsKeepsThemAndWritesNothing) {
  ASSERT_TRUE(store_->SyncCommitted().ok());  // nothing new since the fixture's commit
  Slot s = Element<Slot>("s", 0, lib_.h.id);
  auto t = store_->BeginUnsynced();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE((*t)->PutSlot(s).ok());
  ASSERT_TRUE((*t)->Commit().ok());
  t->reset();
  Status st = store_->SyncCommitted();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(R()->GetSlot(s.h.id).ok());
  // Twice in a row, and with a read Txn open: nothing changes.
  auto reader = R();
  st = store_->SyncCommitted();
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(reader->GetSlot(s.h.id).ok());
  EXPECT_EQ(R()->ListSlots(lib_.h.id).value().size(), 1u);
}

TEST_P(StoreContractTest, SyncCommittedDoesNotWaitForAWriteTxnInProgress) {
  Write([&](Txn& t) { ASSERT_TRUE(t.PutSlot(Element<Slot>("s0", 0, lib_.h.id)).ok()); });
  auto writer = W();  // holds the write lock for the whole test
  ASSERT_TRUE(writer->PutSlot(Element<Slot>("s1", 1, lib_.h.id)).ok());
  auto sync = std::async(std::launch::async, [&] { return store_->SyncCommitted(); });
  // Far below the 5 s a write Begin would wait for the lock.
  ASSERT_EQ(sync.wait_for(std::chrono::seconds(3)), std::future_status::ready)
      << "SyncCommitted waited for the write transaction in progress";
  Status st = sync.get();
  EXPECT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(writer->Commit().ok());
}

TEST_P(StoreContractTest, ConcurrentCommitsAndSyncsAllSucceed) {
  constexpr int kThreads = 8, kEach = 10;
  std::vector<std::future<std::string>> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.push_back(std::async(std::launch::async, [&, i] {
      for (int j = 0; j < kEach; ++j) {
        auto t = store_->BeginUnsynced();
        if (!t.ok()) return "begin: " + t.status().ToString();
        Status st = (*t)->PutSlot(Element<Slot>(fmt::format("s{}-{}", i, j), uint32_t(i * kEach + j), lib_.h.id));
        if (st.ok()) st = (*t)->Commit();
        t->reset();
        if (st.ok()) st = store_->SyncCommitted();
        if (!st.ok()) return st.ToString();
      }
      return std::string("ok");
    }));
  for (auto& f : threads) EXPECT_EQ(f.get(), "ok");
  EXPECT_EQ(R()->ListSlots(lib_.h.id).value().size(), size_t(kThreads * kEach));
}

// ---- library elements -------------------------------------------------------------------

TEST_P(StoreContractTest, ListsAreOrderedAsDocumented) {
  Library b = Lib("b"), a2 = Lib("a"), a1 = Lib("a");
  a1.h.id = IdWithFirstByte(0x01);
  a2.h.id = IdWithFirstByte(0x02);
  Drive d2 = Element<Drive>("d2", 2, lib_.h.id), d0 = Element<Drive>("d0", 0, lib_.h.id);
  Drive d1a = Element<Drive>("d1a", 1, lib_.h.id), d1b = Element<Drive>("d1b", 1, lib_.h.id);
  d1a.h.id = IdWithFirstByte(0x10);
  d1b.h.id = IdWithFirstByte(0x20);
  Drive other = Element<Drive>("other", 0, a1.h.id);
  Changer c2 = Chg("c2", lib_.h.id), c1 = Chg("c1", lib_.h.id);
  Slot s1 = Element<Slot>("s1", 1, lib_.h.id), s0 = Element<Slot>("s0", 0, lib_.h.id);
  IePort p1 = Element<IePort>("p1", 1, lib_.h.id), p0 = Element<IePort>("p0", 0, lib_.h.id);
  MediaType t2 = {Header("T2"), 1, 1, 0}, t1 = {Header("T1"), 1, 1, 0};
  Write([&](Txn& t) {
    for (const Library& l : {b, a2, a1}) ASSERT_TRUE(t.PutLibrary(l).ok());
    for (const Drive& d : {d2, d1b, d0, d1a, other}) ASSERT_TRUE(t.PutDrive(d).ok());
    for (const Changer& c : {c2, c1}) ASSERT_TRUE(t.PutChanger(c).ok());
    for (const Slot& s : {s1, s0}) ASSERT_TRUE(t.PutSlot(s).ok());
    for (const IePort& p : {p1, p0}) ASSERT_TRUE(t.PutIePort(p).ok());
    for (const MediaType& m : {t2, t1}) ASSERT_TRUE(t.PutMediaType(m).ok());
  });
  auto t = R();
  EXPECT_EQ(IdsOf(t->ListLibraries().value()), (std::vector<Guid>{a1.h.id, a2.h.id, b.h.id, lib_.h.id}));
  EXPECT_EQ(t->FindLibraryByName("a").value()->h.id, a1.h.id);  // of several, the smallest id
  EXPECT_FALSE(t->FindLibraryByName("A").value().has_value());  // case-sensitive
  EXPECT_EQ(Names(t->ListDrives(lib_.h.id).value()), (std::vector<std::string>{"d0", "d1a", "d1b", "d2"}));
  EXPECT_EQ(Names(t->ListChangers(lib_.h.id).value()), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(Names(t->ListSlots(lib_.h.id).value()), (std::vector<std::string>{"s0", "s1"}));
  EXPECT_EQ(Names(t->ListIePorts(lib_.h.id).value()), (std::vector<std::string>{"p0", "p1"}));
  EXPECT_EQ(Names(t->ListMediaTypes().value()), (std::vector<std::string>{"LTO", "T1", "T2"}));
  // Of every library: by library id first.
  std::vector<std::string> all = Names(t->ListDrives(Guid()).value());
  std::vector<std::string> want = {"d0", "d1a", "d1b", "d2"};
  if (a1.h.id < lib_.h.id)
    want.insert(want.begin(), "other");
  else
    want.push_back("other");
  EXPECT_EQ(all, want);
  EXPECT_EQ(Names(t->ListDrives(Guid::New()).value()), std::vector<std::string>{});
}

TEST_P(StoreContractTest, FirstFreeDriveIsTheEnabledEmptyOneWithTheLowestNumber) {
  PhysicalMedia m = Media("IN-DRIVE");
  Drive busy = Element<Drive>("busy", 0, lib_.h.id);
  busy.media = m.h.id;
  Drive off = Element<Drive>("off", 1, lib_.h.id);
  off.h.enabled = false;
  Drive free3 = Element<Drive>("free3", 3, lib_.h.id), free2 = Element<Drive>("free2", 2, lib_.h.id);
  Library other = Lib("other");
  Drive elsewhere = Element<Drive>("elsewhere", 0, other.h.id);
  Write([&](Txn& t) {
    ASSERT_TRUE(t.PutPhysicalMedia(m).ok());
    ASSERT_TRUE(t.PutLibrary(other).ok());
    for (const Drive& d : {busy, off, free3, free2, elsewhere}) ASSERT_TRUE(t.PutDrive(d).ok());
  });
  auto t = R();
  auto first = t->FirstFreeDrive(lib_.h.id);
  ASSERT_TRUE(first.ok() && first.value().has_value());
  EXPECT_EQ(first.value()->h.name, "free2");
  EXPECT_EQ(t->CountFreeDrives(lib_.h.id).value(), 2u);
  EXPECT_FALSE(t->FirstFreeDrive(Guid()).value().has_value());
  EXPECT_EQ(t->CountFreeDrives(Guid()).value(), 0u);
  EXPECT_EQ(t->FirstFreeDrive(other.h.id).value()->h.name, "elsewhere");
  t.reset();
  Write([&](Txn& t) {
    free2.media = free3.media = m.h.id;
    ASSERT_TRUE(t.PutDrive(free2).ok());
    ASSERT_TRUE(t.PutDrive(free3).ok());
  });
  EXPECT_FALSE(R()->FirstFreeDrive(lib_.h.id).value().has_value());
  EXPECT_EQ(R()->CountFreeDrives(lib_.h.id).value(), 0u);
}

TEST_P(StoreContractTest, FirstEmptySlotSkipsFullDisabledAndNeedsInventorySlots) {
  PhysicalMedia m = Media("IN-SLOT");
  Slot full = Element<Slot>("full", 0, lib_.h.id);
  full.media = m.h.id;
  Slot off = Element<Slot>("off", 1, lib_.h.id);
  off.h.enabled = false;
  Slot unknown = Element<Slot>("unknown", 2, lib_.h.id);
  unknown.state = ntms::kSlotNeedsInventory;
  Slot empty5 = Element<Slot>("empty5", 5, lib_.h.id), empty4 = Element<Slot>("empty4", 4, lib_.h.id);
  empty4.state = empty5.state = ntms::kSlotEmpty;
  Write([&](Txn& t) {
    ASSERT_TRUE(t.PutPhysicalMedia(m).ok());
    for (const Slot& s : {full, off, unknown, empty5, empty4}) ASSERT_TRUE(t.PutSlot(s).ok());
  });
  auto t = R();
  EXPECT_EQ(t->FirstEmptySlot(lib_.h.id).value()->h.name, "empty4");
  EXPECT_FALSE(t->FirstEmptySlot(Guid()).value().has_value());
  EXPECT_FALSE(t->FirstEmptySlot(Guid::New()).value().has_value());
}

TEST_P(StoreContractTest, CountLibraryElementsByTypeAndLibrary) {
  Library other = Lib("other");
  Write([&](Txn& t) {
    ASSERT_TRUE(t.PutLibrary(other).ok());
    for (uint32_t i = 0; i < 3; ++i) ASSERT_TRUE(t.PutDrive(Element<Drive>("d", i, lib_.h.id)).ok());
    ASSERT_TRUE(t.PutDrive(Element<Drive>("d", 0, other.h.id)).ok());
    for (uint32_t i = 0; i < 5; ++i) ASSERT_TRUE(t.PutSlot(Element<Slot>("s", i, lib_.h.id)).ok());
    ASSERT_TRUE(t.PutIePort(Element<IePort>("p", 0, other.h.id)).ok());
    ASSERT_TRUE(t.PutChanger(Chg("c", lib_.h.id)).ok());
  });
  auto t = R();
  EXPECT_EQ(t->CountLibraryElements(ntms::kDrive, lib_.h.id).value(), 3u);
  EXPECT_EQ(t->CountLibraryElements(ntms::kDrive, other.h.id).value(), 1u);
  EXPECT_EQ(t->CountLibraryElements(ntms::kDrive, Guid()).value(), 4u);
  EXPECT_EQ(t->CountLibraryElements(ntms::kStorageSlot, lib_.h.id).value(), 5u);
  EXPECT_EQ(t->CountLibraryElements(ntms::kStorageSlot, other.h.id).value(), 0u);
  EXPECT_EQ(t->CountLibraryElements(ntms::kIePort, lib_.h.id).value(), 0u);
  EXPECT_EQ(t->CountLibraryElements(ntms::kIePort, Guid()).value(), 1u);
  EXPECT_EQ(t->CountLibraryElements(ntms::kChanger, lib_.h.id).value(), 1u);
  ExpectCode(t->CountLibraryElements(ntms::kLibrary, lib_.h.id).status(), err::kInvalidParameter);
  EXPECT_TRUE(t->CountLibraryElements(ntms::kChanger, Guid()).ok());  // not aborted
}

// ---- media ------------------------------------------------------------------------------

TEST_P(StoreContractTest, BarcodeLookupPrefersTheServiceableThenTheOldest) {
  PhysicalMedia quarantined = Media("DUP", 100);  // the oldest, but a quarantined duplicate
  quarantined.h.op_state = ntms::kNeedsService;
  PhysicalMedia newer = Media("DUP", 300);
  PhysicalMedia tie_hi = Media("DUP", 200), tie_lo = Media("DUP", 200);
  tie_hi.h.id = IdWithFirstByte(0xf0);
  tie_lo.h.id = IdWithFirstByte(0x0f);
  Write([&](Txn& t) {
    for (const PhysicalMedia& m : {quarantined, newer, tie_hi, tie_lo}) ASSERT_TRUE(t.PutPhysicalMedia(m).ok());
  });
  auto t = R();
  EXPECT_EQ(t->FindPhysicalMediaByBarcode("DUP").value()->h.id, tie_lo.h.id);
  EXPECT_FALSE(t->FindPhysicalMediaByBarcode("dup").value().has_value());
  EXPECT_FALSE(t->FindPhysicalMediaByBarcode("").value().has_value());
  t.reset();
  Write([&](Txn& t) {
    for (const Guid& id : {newer.h.id, tie_hi.h.id, tie_lo.h.id}) ASSERT_TRUE(t.DeletePhysicalMedia(id).ok());
  });
  EXPECT_EQ(R()->FindPhysicalMediaByBarcode("DUP").value()->h.id, quarantined.h.id);  // only one left
}

TEST_P(StoreContractTest, MediaFiltersIdsAndCountsAgree) {
  Library other = Lib("other");
  MediaPool app = Pool("app", ntms::kPoolApplication, type_.h.id, pool_.h.id);
  std::vector<PhysicalMedia> media;
  for (int i = 0; i < 6; ++i) {
    PhysicalMedia m = Media("M" + std::to_string(i));
    if (i % 2) m.library = other.h.id;
    if (i % 3 == 0) m.pool = app.h.id;
    if (i == 2 || i == 4) m.library = Guid();  // offline
    media.push_back(m);
  }
  Write([&](Txn& t) {
    ASSERT_TRUE(t.PutLibrary(other).ok());
    ASSERT_TRUE(t.PutMediaPool(app).ok());
    for (const PhysicalMedia& m : media) ASSERT_TRUE(t.PutPhysicalMedia(m).ok());
  });
  auto t = R();
  for (const Guid& lib : {Guid(), lib_.h.id, other.h.id, Guid::New()}) {
    for (const Guid& pool : {Guid(), pool_.h.id, app.h.id}) {
      std::vector<Guid> want;
      for (const PhysicalMedia& m : media)
        if ((lib.IsNull() || m.library == lib) && (pool.IsNull() || m.pool == pool)) want.push_back(m.h.id);
      std::sort(want.begin(), want.end());
      EXPECT_EQ(IdsOf(t->ListPhysicalMedia(lib, pool).value()), want);
      EXPECT_EQ(t->ListPhysicalMediaIds(lib, pool).value(), want);
      EXPECT_EQ(t->CountPhysicalMedia(lib, pool).value(), want.size());
    }
  }
  // Offline: no library.
  std::vector<Guid> offline = {media[2].h.id, media[4].h.id};
  std::sort(offline.begin(), offline.end());
  EXPECT_EQ(t->ListOfflinePhysicalMediaIds().value(), offline);
  EXPECT_EQ(t->CountOfflinePhysicalMedia().value(), 2u);
}

TEST_P(StoreContractTest, PartitionsListCountAndPoolIds) {
  MediaPool app = Pool("app", ntms::kPoolApplication, type_.h.id, Guid());
  PhysicalMedia m1 = Media("P1"), m2 = Media("P2");
  m1.h.id = IdWithFirstByte(0x01);
  m2.h.id = IdWithFirstByte(0x02);
  m2.pool = app.h.id;
  Partition m1b = Side(m1, 1), m1a = Side(m1, 0), m2a = Side(m2, 0);
  Write([&](Txn& t) {
    ASSERT_TRUE(t.PutMediaPool(app).ok());
    for (const PhysicalMedia& m : {m1, m2}) ASSERT_TRUE(t.PutPhysicalMedia(m).ok());
    for (const Partition& p : {m1b, m2a, m1a}) ASSERT_TRUE(t.PutPartition(p).ok());
  });
  auto t = R();
  EXPECT_EQ(IdsOf(t->ListPartitions(m1.h.id).value()), (std::vector<Guid>{m1a.h.id, m1b.h.id}));
  EXPECT_EQ(IdsOf(t->ListPartitions(Guid()).value()), (std::vector<Guid>{m1a.h.id, m1b.h.id, m2a.h.id}));
  EXPECT_EQ(t->CountPartitions(m1.h.id).value(), 2u);
  EXPECT_EQ(t->CountPartitions(Guid()).value(), 0u);
  EXPECT_EQ(t->CountPartitions(Guid::New()).value(), 0u);
  EXPECT_EQ(t->ListPartitionIdsInPool(pool_.h.id).value(), (std::vector<Guid>{m1a.h.id, m1b.h.id}));
  EXPECT_EQ(t->ListPartitionIdsInPool(app.h.id).value(), (std::vector<Guid>{m2a.h.id}));
  EXPECT_EQ(t->ListPartitionIdsInPool(Guid()).value(), (std::vector<Guid>{m1a.h.id, m1b.h.id, m2a.h.id}));
}

TEST_P(StoreContractTest, DeletePhysicalMediaTakesItsSidesAndTheirAccess) {
  PhysicalMedia m = Media("DEL"), kept = Media("KEEP");
  Partition a = Side(m, 0), b = Side(m, 1), k = Side(kept, 0);
  Write([&](Txn& t) {
    for (const PhysicalMedia& x : {m, kept}) ASSERT_TRUE(t.PutPhysicalMedia(x).ok());
    for (const Partition& p : {a, b, k}) ASSERT_TRUE(t.PutPartition(p).ok());
    for (const Guid& id : {m.h.id, a.h.id, k.h.id}) ASSERT_TRUE(t.PutAccess({id, false, 7, kRightUse}).ok());
  });
  Write([&](Txn& t) { ASSERT_TRUE(t.DeletePhysicalMedia(m.h.id).ok()); });
  auto t = R();
  for (const Guid& id : {m.h.id, a.h.id, b.h.id}) {
    ExpectCode(t->TypeOf(id).status(), err::kObjectNotFound);
    EXPECT_TRUE(t->GetAccess(id).value().empty());
  }
  EXPECT_EQ(t->ListPartitions(Guid()).value().size(), 1u);
  EXPECT_EQ(t->GetAccess(k.h.id).value().size(), 1u);
  EXPECT_TRUE(t->GetPhysicalMedia(kept.h.id).ok());
}

TEST_P(StoreContractTest, ReleaseSidesHeldByClearsOnlyThatSessionsSides) {
  Guid s1 = Guid::New(), s2 = Guid::New();
  PhysicalMedia m1 = Media("R1"), m2 = Media("R2"), m3 = Media("R3");
  Partition a = Side(m1, 0, s1), b = Side(m1, 1, s1), c = Side(m2, 0, s2), d = Side(m3, 0);
  a.capacity = 77;
  Write([&](Txn& t) {
    for (const PhysicalMedia& m : {m1, m2, m3}) ASSERT_TRUE(t.PutPhysicalMedia(m).ok());
    for (const Partition& p : {a, b, c, d}) ASSERT_TRUE(t.PutPartition(p).ok());
  });
  Write([&](Txn& t) {
    auto held = t.ReleaseSidesHeldBy(s1);
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    EXPECT_EQ(held.value(), std::vector<Guid>{m1.h.id});  // each cartridge once
    EXPECT_TRUE(t.ReleaseSidesHeldBy(Guid::New()).value().empty());
  });
  {
    auto t = R();
    Partition got = t->GetPartition(a.h.id).value();
    EXPECT_TRUE(got.in_use_by.IsNull());
    a.in_use_by = Guid();
    EXPECT_EQ(Fields(got), Fields(a));  // nothing else changed
    EXPECT_TRUE(t->GetPartition(b.h.id).value().in_use_by.IsNull());
    EXPECT_EQ(t->GetPartition(c.h.id).value().in_use_by, s2);
  }
  Write([&](Txn& t) { EXPECT_EQ(t.ReleaseSidesHeldBy(Guid()).value(), std::vector<Guid>{m2.h.id}); });
  EXPECT_TRUE(R()->GetPartition(c.h.id).value().in_use_by.IsNull());
}

// ---- pools --------------------------------------------------------------------------------

TEST_P(StoreContractTest, PoolTreeListsAndCounts) {
  MediaPool zeta = Pool("zeta", ntms::kPoolApplication, type_.h.id, pool_.h.id);
  MediaPool alpha = Pool("alpha", ntms::kPoolApplication, type_.h.id, pool_.h.id);
  MediaPool top = Pool("Backup", ntms::kPoolApplication, Guid(), Guid());
  MediaPool grandchild = Pool("g", ntms::kPoolApplication, Guid(), alpha.h.id);
  Write([&](Txn& t) {
    for (const MediaPool& p : {zeta, alpha, top, grandchild}) ASSERT_TRUE(t.PutMediaPool(p).ok());
  });
  auto t = R();
  EXPECT_EQ(Names(t->ListMediaPools(Guid()).value()), (std::vector<std::string>{"Backup", "Free"}));
  EXPECT_EQ(Names(t->ListMediaPools(pool_.h.id).value()), (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_EQ(Names(t->ListAllMediaPools().value()), (std::vector<std::string>{"Backup", "Free", "alpha", "g", "zeta"}));
  EXPECT_EQ(t->CountMediaPools(Guid()).value(), 2u);
  EXPECT_EQ(t->CountMediaPools(pool_.h.id).value(), 2u);
  EXPECT_EQ(t->CountMediaPools(alpha.h.id).value(), 1u);
  EXPECT_EQ(t->CountMediaPools(Guid::New()).value(), 0u);
}

TEST_P(StoreContractTest, DeleteMediaPoolTakesItsAccessEntriesOnly) {
  MediaPool gone = Pool("gone", ntms::kPoolApplication, type_.h.id, pool_.h.id);
  MediaPool kept = Pool("kept", ntms::kPoolApplication, type_.h.id, pool_.h.id);
  Write([&](Txn& t) {
    for (const MediaPool& p : {gone, kept}) ASSERT_TRUE(t.PutMediaPool(p).ok());
    for (const Guid& id : {gone.h.id, kept.h.id}) ASSERT_TRUE(t.PutAccess({id, false, 7, kRightControl}).ok());
  });
  Write([&](Txn& t) {
    // Not a pool (unknown, null, another kind): not found, and the Txn goes on.
    ExpectCode(t.DeleteMediaPool(Guid::New()), err::kObjectNotFound);
    ExpectCode(t.DeleteMediaPool(Guid()), err::kObjectNotFound);
    ExpectCode(t.DeleteMediaPool(lib_.h.id), err::kObjectNotFound);
    ASSERT_TRUE(t.DeleteMediaPool(gone.h.id).ok());
  });
  auto t = R();
  ExpectCode(t->GetMediaPool(gone.h.id).status(), err::kObjectNotFound);
  ExpectCode(t->TypeOf(gone.h.id).status(), err::kObjectNotFound);
  EXPECT_TRUE(t->GetAccess(gone.h.id).value().empty());
  EXPECT_EQ(t->GetAccess(kept.h.id).value().size(), 1u);
  EXPECT_EQ(t->CountMediaPools(pool_.h.id).value(), 1u);
  EXPECT_TRUE(t->GetLibrary(lib_.h.id).ok());
  ExpectCode(t->DeleteMediaPool(kept.h.id), err::kInvalidOperation);  // a read Txn
}

TEST_P(StoreContractTest, DeletingAPoolThatStillHoldsMediaOrPoolsFailsAtCommit) {
  MediaPool parent = Pool("parent", ntms::kPoolApplication, type_.h.id, pool_.h.id);
  MediaPool child = Pool("child", ntms::kPoolApplication, type_.h.id, parent.h.id);
  MediaPool holder = Pool("holder", ntms::kPoolApplication, type_.h.id, pool_.h.id);
  PhysicalMedia m = Media("HELD");
  m.pool = holder.h.id;
  Write([&](Txn& t) {
    for (const MediaPool& p : {parent, child, holder}) ASSERT_TRUE(t.PutMediaPool(p).ok());
    ASSERT_TRUE(t.PutPhysicalMedia(m).ok());
  });
  for (const Guid& id : {parent.h.id, holder.h.id}) {
    auto t = W();
    ASSERT_TRUE(t->DeleteMediaPool(id).ok());
    ExpectCode(t->Commit(), err::kDatabaseFailure);
  }
  auto t = R();
  EXPECT_TRUE(t->GetMediaPool(parent.h.id).ok());
  EXPECT_TRUE(t->GetMediaPool(holder.h.id).ok());
}

// ---- requests -----------------------------------------------------------------------------

TEST_P(StoreContractTest, LibRequestsByPriorityThenSeq) {
  Library other = Lib("other");
  LibRequest low1 = Request("low1", 0), high = Request("high", 10), low2 = Request("low2", 0);
  LibRequest neg = Request("neg", -3), done = Request("done", 50, ntms::kLmPassed);
  LibRequest elsewhere = Request("elsewhere", 99);
  elsewhere.library = other.h.id;
  Write([&](Txn& t) {
    ASSERT_TRUE(t.PutLibrary(other).ok());
    for (LibRequest* r : {&low1, &high, &neg, &low2, &done, &elsewhere}) ASSERT_TRUE(t.PutLibRequest(*r).ok());
  });
  EXPECT_LT(low1.seq, high.seq);
  EXPECT_LT(high.seq, neg.seq);
  EXPECT_LT(neg.seq, low2.seq);
  auto t = R();
  using V = std::vector<std::string>;
  EXPECT_EQ(Names(t->ListLibRequests(lib_.h.id, {}).value()), (V{"done", "high", "low1", "low2", "neg"}));
  EXPECT_EQ(Names(t->ListLibRequests(lib_.h.id, {ntms::kLmQueued}).value()), (V{"high", "low1", "low2", "neg"}));
  EXPECT_EQ(Names(t->ListLibRequests(Guid(), {ntms::kLmQueued}).value()),
            (V{"elsewhere", "high", "low1", "low2", "neg"}));
  EXPECT_EQ(Names(t->ListLibRequests(Guid(), {ntms::kLmPassed, ntms::kLmFailed}).value()), (V{"done"}));
  EXPECT_EQ(t->ListLibRequestIds(lib_.h.id, {ntms::kLmQueued}).value(),
            IdsOf(t->ListLibRequests(lib_.h.id, {ntms::kLmQueued}).value()));
  EXPECT_EQ(t->CountLibRequests(lib_.h.id).value(), 5u);
  EXPECT_EQ(t->CountLibRequests(Guid()).value(), 6u);
  EXPECT_EQ(t->GetLibRequest(low2.h.id).value().seq, low2.seq);
}

TEST_P(StoreContractTest, ReplacingARequestKeepsItsSeqAndSeqsAreNeverReused) {
  LibRequest a = Request("a", 0), b = Request("b", 0);
  Write([&](Txn& t) {
    ASSERT_TRUE(t.PutLibRequest(a).ok());
    ASSERT_TRUE(t.PutLibRequest(b).ok());
  });
  const uint64_t a_seq = a.seq, b_seq = b.seq;
  Write([&](Txn& t) {
    a.seq = 12345;  // ignored on replace, and written back
    a.state = ntms::kLmPassed;
    a.completed_ms = 10;
    ASSERT_TRUE(t.PutLibRequest(a).ok());
    EXPECT_EQ(a.seq, a_seq);
    b.seq = 0;
    ASSERT_TRUE(t.PutLibRequest(b).ok());  // nothing changed
    EXPECT_EQ(b.seq, b_seq);
  });
  EXPECT_EQ(Names(R()->ListLibRequests(lib_.h.id, {}).value()), (std::vector<std::string>{"a", "b"}));
  // b, the newest, is purged: a new request still gets a larger seq.
  Write([&](Txn& t) {
    b.state = ntms::kLmCancelled;
    b.completed_ms = 10;
    ASSERT_TRUE(t.PutLibRequest(b).ok());
  });
  Write([&](Txn& t) { EXPECT_EQ(t.PurgeLibRequests(11).value(), 2u); });
  LibRequest c = Request("c", 0);
  Write([&](Txn& t) { ASSERT_TRUE(t.PutLibRequest(c).ok()); });
  EXPECT_GT(c.seq, b_seq);
}

TEST_P(StoreContractTest, PurgeDeletesOnlyCompletedRequestsOlderThanTheCutoff) {
  LibRequest passed = Request("passed", 0, ntms::kLmPassed), failed = Request("failed", 0, ntms::kLmFailed);
  LibRequest cancelled = Request("cancelled", 0, ntms::kLmCancelled);
  LibRequest at_cutoff = Request("at_cutoff", 0, ntms::kLmPassed), young = Request("young", 0, ntms::kLmFailed);
  LibRequest queued = Request("queued", 0), running = Request("running", 0, ntms::kLmInProcess);
  LibRequest waiting = Request("waiting", 0, ntms::kLmWaiting);
  for (LibRequest* r : {&passed, &failed, &cancelled, &queued, &running, &waiting}) r->completed_ms = 100;
  at_cutoff.completed_ms = 500;
  young.completed_ms = 900;
  Write([&](Txn& t) {
    for (LibRequest* r : {&passed, &failed, &cancelled, &at_cutoff, &young, &queued, &running, &waiting})
      ASSERT_TRUE(t.PutLibRequest(*r).ok());
  });
  Write([&](Txn& t) {
    auto n = t.PurgeLibRequests(500);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(n.value(), 3u);
  });
  auto t = R();
  std::vector<std::string> left = Names(t->ListLibRequests(Guid(), {}).value());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"at_cutoff", "queued", "running", "waiting", "young"}));
  ExpectCode(t->TypeOf(passed.h.id).status(), err::kObjectNotFound);
  ExpectCode(t->GetLibRequest(cancelled.h.id).status(), err::kObjectNotFound);
}

// ---- access ------------------------------------------------------------------------------

TEST_P(StoreContractTest, AccessEntriesAreKeyedAndOrdered) {
  const Guid obj = pool_.h.id;
  Write([&](Txn& t) {
    ASSERT_TRUE(t.PutAccess({obj, true, 5, kRightUse}).ok());
    ASSERT_TRUE(t.PutAccess({obj, false, 9, kRightUse}).ok());
    ASSERT_TRUE(t.PutAccess({obj, false, 2, kRightUse}).ok());
    ASSERT_TRUE(t.PutAccess({obj, false, 9, kRightModify}).ok());  // replaces (obj, user, 9)
    ASSERT_TRUE(t.PutAccess({lib_.h.id, false, 9, kRightControl}).ok());
  });
  auto t = R();
  std::vector<AccessEntry> got = t->GetAccess(obj).value();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(Fields(got[0]), Fields(AccessEntry{obj, false, 2, kRightUse}));
  EXPECT_EQ(Fields(got[1]), Fields(AccessEntry{obj, false, 9, kRightModify}));
  EXPECT_EQ(Fields(got[2]), Fields(AccessEntry{obj, true, 5, kRightUse}));
  EXPECT_TRUE(t->GetAccess(Guid()).value().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<Backend>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace openrsm::catalog
