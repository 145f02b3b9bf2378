// Media pools: every documented return code of CreateNtmsMediaPoolA/W,
// DeleteNtmsMediaPool, GetNtmsMediaPoolNameA/W, MoveToNtmsMediaPool and
// SetNtmsObjectInformationA/W (NTMS_MEDIA_POOL), through the public C API
// against a running rsmd (the simulated library, and tgt as tgt.api.Pools*).
// After each refused call the whole pool tree, every cartridge's pool and
// side states, and the library are checked unchanged (PoolSnapshot).
//
// Codes that cannot be produced here (and why):
//  - GetNtmsMediaPoolName ERROR_ACCESS_DENIED (MS-RSMP only): it needs Use,
//    which everybody holds (checked below: `nobody` reads a name).
//  - DeleteNtmsMediaPool ERROR_DATABASE_FULL is not in its table (a delete
//    frees space); GetNtmsMediaPoolName reads only.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

constexpr uint32_t kNobody = 65534;

std::u16string U16(const char* ascii) {
  std::u16string s;
  for (; *ascii; ++ascii) s.push_back(char16_t(static_cast<unsigned char>(*ascii)));
  return s;
}

void Describe(std::ostringstream& s, HANDLE h, const NTMS_GUID& id, int depth) {
  auto i = Info(h, id, NTMS_MEDIA_POOL);
  const auto& p = i.Info.MediaPool;
  s << std::string(size_t(depth) * 2, ' ') << GuidText(id) << " '" << i.szName << "' '" << i.szDescription
    << "' type=" << p.PoolType << " media_type=" << GuidText(p.MediaType) << " parent=" << GuidText(p.Parent)
    << " alloc=" << p.AllocationPolicy << " dealloc=" << p.DeallocationPolicy << " max=" << p.dwMaxAllocates
    << " media=" << p.dwNumberOfPhysicalMedia << " pools=" << p.dwNumberOfMediaPools << "\n";
  for (const auto& m : List(h, &id, NTMS_PHYSICAL_MEDIA)) {
    s << std::string(size_t(depth) * 2 + 2, ' ') << "media " << GuidText(m);
    for (const auto& side : List(h, &m, NTMS_PARTITION)) s << " side=" << Info(h, side).Info.Partition.State;
    s << "\n";
  }
  NTMS_GUID copy = id;
  for (const auto& c : List(h, &copy, NTMS_MEDIA_POOL)) Describe(s, h, c, depth + 1);
}

// The pool tree from the root pool down (every field, the media in each
// pool and their sides' states) and the library sim0.
std::string PoolSnapshot(HANDLE h) {
  std::ostringstream s;
  std::vector<NTMS_GUID> top(64);
  DWORD n = DWORD(top.size());
  EXPECT_EQ(EnumerateNtmsObject(h, nullptr, top.data(), &n, NTMS_MEDIA_POOL, NTMS_ENUM_ROOTPOOL), DWORD(ERROR_SUCCESS));
  top.resize(n);
  for (const auto& id : top) Describe(s, h, id, 0);
  return s.str() + Snapshot(h, "sim0");
}

// Runs `sql` on the catalogue of a stopped daemon.
void Sql(const Daemon& d, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(d.catalog_path().c_str(), &db), SQLITE_OK);
  char* msg = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg), SQLITE_OK) << (msg ? msg : "") << "\n" << sql;
  sqlite3_free(msg);
  sqlite3_close(db);
}

// The GUID as SQLite's blob literal (the catalogue's raw 16 bytes).
std::string Blob(const NTMS_GUID& g) {
  const auto* b = reinterpret_cast<const unsigned char*>(&g);
  std::string s = "X'";
  char hex[3];
  for (size_t i = 0; i < sizeof g; ++i) {
    snprintf(hex, sizeof hex, "%02X", b[i]);
    s += hex;
  }
  return s + "'";
}

// Puts cartridge `media` into `pool` with every side in `state` (SQL).
std::string MediaSql(const NTMS_GUID& media, const NTMS_GUID& pool, DWORD state) {
  return "UPDATE physical_media SET pool = " + Blob(pool) + " WHERE id = " + Blob(media) +
         "; UPDATE partition SET state = " + std::to_string(state) + " WHERE pmid = " + Blob(media) + ";";
}

void DamageCatalogue(const Daemon& d) {
  FILE* f = fopen(d.catalog_path().c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::string garbage(4096, '\x5a');
  ASSERT_EQ(fwrite(garbage.data(), 1, garbage.size(), f), garbage.size());
  fclose(f);
}

class PoolsTest : public DaemonTest {
 protected:
  DWORD Create(const std::string& name, const NTMS_GUID* type, DWORD action, NTMS_GUID* id, HANDLE h = nullptr) {
    NTMS_GUID t = type ? *type : NullGuid();
    return CreateNtmsMediaPoolA(h ? h : h_, name.c_str(), type ? &t : nullptr, action, nullptr, id);
  }
  NTMS_GUID MustCreate(const std::string& name, const NTMS_GUID* type = nullptr) {
    NTMS_GUID id = NullGuid();
    EXPECT_EQ(Create(name, type, NTMS_CREATE_NEW, &id), DWORD(ERROR_SUCCESS)) << name;
    return id;
  }
  NTMS_GUID Lto() {
    auto types = List(h_, nullptr, NTMS_MEDIA_TYPE);
    EXPECT_FALSE(types.empty());
    return types.empty() ? NullGuid() : types[0];
  }
  NTMS_GUID Root() {
    NTMS_GUID ids[64];
    DWORD n = 64;
    EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, ids, &n, NTMS_MEDIA_POOL, NTMS_ENUM_ROOTPOOL), DWORD(ERROR_SUCCESS));
    return ids[0];
  }
  // A system pool: "Free", "Import", "Unrecognized", or its child `child`.
  NTMS_GUID SystemPool(const std::string& top, const std::string& child = "") {
    for (const auto& id : List(h_, nullptr, NTMS_MEDIA_POOL)) {
      if (top != Info(h_, id).szName) continue;
      if (child.empty()) return id;
      NTMS_GUID copy = id;
      for (const auto& c : List(h_, &copy, NTMS_MEDIA_POOL))
        if (child == Info(h_, c).szName) return c;
    }
    ADD_FAILURE() << "no system pool " << top << "\\" << child;
    return NullGuid();
  }
  NTMS_GUID Free() { return SystemPool("Free", "LTO Ultrium"); }
  std::string NameA(const NTMS_GUID& pool) {
    char buf[512];
    DWORD size = sizeof buf;
    NTMS_GUID copy = pool;
    EXPECT_EQ(GetNtmsMediaPoolNameA(h_, &copy, buf, &size), DWORD(ERROR_SUCCESS));
    return buf;
  }
  NTMS_GUID PoolOf(const NTMS_GUID& media) { return Info(h_, media).Info.PhysicalMedia.MediaPool; }
  // Stops rsmd, runs `sql` on its catalogue, starts it again (new session h_).
  void EditCatalogue(const std::string& sql) {
    CloseNtmsSession(h_);
    h_ = nullptr;
    d_->Stop();
    Sql(*d_, sql);
    d_->Start();
    h_ = Open();
  }
  uint32_t Probe(const std::vector<std::string>& args) { return ProbeAs(*d_, kNobody, kNobody, args); }
};

// ---- CreateNtmsMediaPool -------------------------------------------------------------------

TEST_F(PoolsTest, CreateBuildsTheHierarchyLevelByLevel) {
  NTMS_GUID lto = Lto();
  NTMS_GUID app = MustCreate("App");
  auto i = Info(h_, app, NTMS_MEDIA_POOL);
  EXPECT_STREQ(i.szName, "App");
  EXPECT_EQ(i.Info.MediaPool.PoolType, DWORD(NTMS_POOLTYPE_APPLICATION));
  EXPECT_TRUE(SameGuid(i.Info.MediaPool.MediaType, NullGuid()));
  EXPECT_TRUE(SameGuid(i.Info.MediaPool.Parent, NullGuid()));  // top level: no parent (SDK)
  NTMS_GUID daily = MustCreate("App\\Daily", &lto);
  i = Info(h_, daily, NTMS_MEDIA_POOL);
  EXPECT_STREQ(i.szName, "Daily");
  EXPECT_TRUE(SameGuid(i.Info.MediaPool.Parent, app));
  EXPECT_TRUE(SameGuid(i.Info.MediaPool.MediaType, lto));
  EXPECT_EQ(Info(h_, app).Info.MediaPool.dwNumberOfMediaPools, 1u);
  auto top = List(h_, nullptr, NTMS_MEDIA_POOL);
  EXPECT_TRUE(std::any_of(top.begin(), top.end(), [&](const NTMS_GUID& g) { return SameGuid(g, app); }));
  // Opening: with or without the leading backslash, OPEN_EXISTING and OPEN_ALWAYS.
  for (const char* name : {"App\\Daily", "\\App\\Daily"})
    for (DWORD action : {DWORD(NTMS_OPEN_EXISTING), DWORD(NTMS_OPEN_ALWAYS)}) {
      NTMS_GUID id = NullGuid();
      EXPECT_EQ(Create(name, &lto, action, &id), DWORD(ERROR_SUCCESS)) << name;
      EXPECT_TRUE(SameGuid(id, daily)) << name;
    }
  // OPEN_ALWAYS creates what is missing.
  NTMS_GUID weekly = NullGuid();
  EXPECT_EQ(Create("\\App\\Weekly", &lto, NTMS_OPEN_ALWAYS, &weekly), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(Info(h_, weekly).Info.MediaPool.Parent, app));
  // The same name at another level is another pool.
  NTMS_GUID deep = MustCreate("App\\Daily\\App", &lto);
  EXPECT_FALSE(SameGuid(deep, app));
}

TEST_F(PoolsTest, CreateWideNames) {
  NTMS_GUID lto = Lto(), top = NullGuid(), child = NullGuid(), again = NullGuid();
  std::u16string name = u"Sauvegarde";
  ASSERT_EQ(CreateNtmsMediaPoolW(h_, reinterpret_cast<LPCWSTR>(name.c_str()), nullptr, NTMS_CREATE_NEW, nullptr, &top),
            DWORD(ERROR_SUCCESS));
  std::u16string sub = u"Sauvegarde\\\u00c9t\u00e9";
  ASSERT_EQ(CreateNtmsMediaPoolW(h_, reinterpret_cast<LPCWSTR>(sub.c_str()), &lto, NTMS_CREATE_NEW, nullptr, &child),
            DWORD(ERROR_SUCCESS));
  EXPECT_STREQ(Info(h_, child).szName, "\xc3\x89t\xc3\xa9");
  EXPECT_EQ(Create("Sauvegarde\\\xc3\x89t\xc3\xa9", nullptr, NTMS_OPEN_EXISTING, &again), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(again, child));
  std::u16string bad = u"Sauvegarde\\x";
  bad.back() = char16_t(0xD800);  // an unpaired surrogate
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(CreateNtmsMediaPoolW(h_, reinterpret_cast<LPCWSTR>(bad.c_str()), &lto, NTMS_CREATE_NEW, nullptr, &again),
            DWORD(ERROR_INVALID_NAME));
  EXPECT_EQ(
      CreateNtmsMediaPoolW(h_, reinterpret_cast<LPCWSTR>(name.c_str()), nullptr, NTMS_CREATE_NEW, nullptr, &again),
      DWORD(ERROR_ALREADY_EXISTS));
  EXPECT_EQ(PoolSnapshot(h_), before);
}

TEST_F(PoolsTest, CreateAlreadyExistsAndObjectNotFound) {
  NTMS_GUID lto = Lto(), id = NullGuid();
  MustCreate("App");
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(Create("App", nullptr, NTMS_CREATE_NEW, &id), DWORD(ERROR_ALREADY_EXISTS));
  EXPECT_EQ(Create("\\App", nullptr, NTMS_CREATE_NEW, &id), DWORD(ERROR_ALREADY_EXISTS));
  EXPECT_EQ(Create("Free", nullptr, NTMS_CREATE_NEW, &id), DWORD(ERROR_ALREADY_EXISTS));
  EXPECT_EQ(Create("Free\\LTO Ultrium", &lto, NTMS_CREATE_NEW, &id), DWORD(ERROR_ALREADY_EXISTS));
  EXPECT_EQ(Create("App\\Missing", &lto, NTMS_OPEN_EXISTING, &id), DWORD(ERROR_OBJECT_NOT_FOUND));
  EXPECT_EQ(Create("Nope", nullptr, NTMS_OPEN_EXISTING, &id), DWORD(ERROR_OBJECT_NOT_FOUND));
  // Each level must exist before its children are created.
  EXPECT_EQ(Create("Nope\\Pool", &lto, NTMS_OPEN_ALWAYS, &id), DWORD(ERROR_OBJECT_NOT_FOUND));
  EXPECT_EQ(Create("App\\Nope\\Pool", &lto, NTMS_CREATE_NEW, &id), DWORD(ERROR_OBJECT_NOT_FOUND));
  // The root pool is no level of a name.
  EXPECT_EQ(Create("Root\\Free", nullptr, NTMS_OPEN_EXISTING, &id), DWORD(ERROR_OBJECT_NOT_FOUND));
  EXPECT_EQ(PoolSnapshot(h_), before);
  // The system pools can be opened by name.
  EXPECT_EQ(Create("Free\\LTO Ultrium", &lto, NTMS_OPEN_EXISTING, &id), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(id, Free()));
}

TEST_F(PoolsTest, CreateInvalidName) {
  NTMS_GUID lto = Lto(), id = NullGuid();
  MustCreate("App");
  std::string before = PoolSnapshot(h_);
  const std::string longest(NTMS_OBJECTNAME_LENGTH - 1, 'x');
  for (const std::string& bad :
       {std::string(""), std::string("\\"), std::string("App\\"), std::string("App\\\\X"), std::string("\\\\App"),
        std::string(NTMS_OBJECTNAME_LENGTH, 'x'), "App\\" + std::string(NTMS_OBJECTNAME_LENGTH, 'y'),
        std::string("a\tb"), std::string("App\\a\nb"), std::string("x\x7f"), std::string("\xff\xfe"),
        std::string("App\\\xc3")}) {
    EXPECT_EQ(Create(bad, &lto, NTMS_OPEN_ALWAYS, &id), DWORD(ERROR_INVALID_NAME)) << bad;
  }
  EXPECT_EQ(PoolSnapshot(h_), before);
  // NTMS_OBJECTNAME_LENGTH with its NUL fits.
  EXPECT_EQ(Create("App\\" + longest, &lto, NTMS_CREATE_NEW, &id), DWORD(ERROR_SUCCESS));
  EXPECT_STREQ(Info(h_, id).szName, longest.c_str());
}

TEST_F(PoolsTest, CreateInvalidParameterAndSecurityAttributes) {
  NTMS_GUID lto = Lto(), id = NullGuid();
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(CreateNtmsMediaPoolA(h_, nullptr, &lto, NTMS_CREATE_NEW, nullptr, &id), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(CreateNtmsMediaPoolA(h_, "App", &lto, NTMS_CREATE_NEW, nullptr, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(CreateNtmsMediaPoolW(h_, nullptr, &lto, NTMS_CREATE_NEW, nullptr, &id), DWORD(ERROR_INVALID_PARAMETER));
  for (DWORD action : {0u, 4u, 0xFFFFFFFFu})
    EXPECT_EQ(Create("App", &lto, action, &id), DWORD(ERROR_INVALID_PARAMETER)) << action;
  SECURITY_ATTRIBUTES sa{};
  sa.nLength = sizeof sa - 1;
  EXPECT_EQ(CreateNtmsMediaPoolA(h_, "App", &lto, NTMS_CREATE_NEW, &sa, &id), DWORD(ERROR_INVALID_PARAMETER));
  char descriptor[20] = {1};
  sa.nLength = sizeof sa;
  sa.lpSecurityDescriptor = descriptor;
  EXPECT_EQ(CreateNtmsMediaPoolA(h_, "App", &lto, NTMS_CREATE_NEW, &sa, &id), DWORD(ERROR_NOT_SUPPORTED));
  EXPECT_EQ(PoolSnapshot(h_), before);
  sa.lpSecurityDescriptor = nullptr;  // the defaults
  EXPECT_EQ(CreateNtmsMediaPoolA(h_, "App", &lto, NTMS_CREATE_NEW, &sa, &id), DWORD(ERROR_SUCCESS));
}

TEST_F(PoolsTest, CreateInvalidMedia) {
  NTMS_GUID id = NullGuid(), random = RandomGuid(), drive = drives_[0], free = Free();
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(Create("App", &random, NTMS_CREATE_NEW, &id), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(Create("App", &drive, NTMS_CREATE_NEW, &id), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(Create("App", &free, NTMS_OPEN_ALWAYS, &id), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(PoolSnapshot(h_), before);
}

TEST_F(PoolsTest, CreateInsideSystemPoolsIsDeniedEvenToRoot) {
  NTMS_GUID lto = Lto(), id = NullGuid();
  std::string before = PoolSnapshot(h_);
  for (const char* name : {"Free\\Mine", "Import\\Mine", "Unrecognized\\Mine", "Free\\LTO Ultrium\\Mine"})
    EXPECT_EQ(Create(name, &lto, NTMS_OPEN_ALWAYS, &id), DWORD(ERROR_ACCESS_DENIED)) << name;
  EXPECT_EQ(PoolSnapshot(h_), before);
}

TEST_F(PoolsTest, CreateNeedsControlOnTheRootAndTheParent) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run the probe as another user";
  MustCreate("App");
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(Probe({"pool-create", "Top"}), DWORD(ERROR_ACCESS_DENIED));
  EXPECT_EQ(Probe({"pool-create", "App\\Mine"}), DWORD(ERROR_ACCESS_DENIED));
  EXPECT_EQ(PoolSnapshot(h_), before);
  EXPECT_EQ(Probe({"pool-create", "App"}), DWORD(ERROR_SUCCESS)) << "opening needs Use only";
}

// The creator gets every right on its pool; a child of an application pool
// inherits the parent's entries, a top-level pool nothing from the root.
TEST_F(PoolsTest, CreatorRightsAndInheritance) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run the probe as another user";
  DaemonOptions opts;
  opts.admin_group = "adm";  // gid 4 on Debian: nobody is an administrator with it on its connection
  Restart(opts);
  const std::vector<uint32_t> admin = {4};
  ASSERT_EQ(ProbeAsWithGroups(*d_, kNobody, kNobody, admin, {"pool-create", "Team"}), DWORD(ERROR_SUCCESS));
  NTMS_GUID team = NullGuid(), sub = NullGuid(), lto = Lto();
  ASSERT_EQ(Create("Team", nullptr, NTMS_OPEN_EXISTING, &team), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(Create("Team\\Sub", &lto, NTMS_CREATE_NEW, &sub), DWORD(ERROR_SUCCESS));  // root creates it
  NTMS_GUID other = MustCreate("Other");
  // Without the admin group: the creator's entry on Team, inherited by Sub.
  EXPECT_EQ(Probe({"pool-set", GuidText(sub)}), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Probe({"pool-set", GuidText(other)}), DWORD(ERROR_ACCESS_DENIED));
  EXPECT_EQ(ProbeAs(*d_, 1, 1, {"pool-delete", GuidText(sub)}), DWORD(ERROR_ACCESS_DENIED));  // uid daemon: no entry
  EXPECT_EQ(Probe({"pool-delete", GuidText(sub)}), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Probe({"pool-delete", GuidText(team)}), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Probe({"pool-delete", GuidText(other)}), DWORD(ERROR_ACCESS_DENIED));
}

TEST_F(PoolsTest, CreateInvalidHandle) {
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  NTMS_GUID id = NullGuid();
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(Create("App", nullptr, NTMS_CREATE_NEW, &id, closed), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(CreateNtmsMediaPoolA(nullptr, "App", nullptr, NTMS_CREATE_NEW, nullptr, &id), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(PoolSnapshot(h_), before);
}

TEST_F(PoolsTest, CreateDatabaseFailure) {
  NTMS_GUID id = NullGuid();
  DamageCatalogue(*d_);
  EXPECT_EQ(Create("App", nullptr, NTMS_CREATE_NEW, &id), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_TRUE(d_->Running());
}

TEST_F(PoolsTest, CreateDatabaseFullThenOpenStillWorks) {
  DaemonOptions opts;
  opts.max_pages = 64;
  Restart(opts);
  NTMS_GUID app = MustCreate("App"), id = NullGuid();
  FillCatalogue(*d_, h_, drives_[1]);
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(Create("Another", nullptr, NTMS_CREATE_NEW, &id), DWORD(ERROR_DATABASE_FULL));
  EXPECT_EQ(PoolSnapshot(h_), before);
  EXPECT_EQ(Create("App", nullptr, NTMS_OPEN_EXISTING, &id), DWORD(ERROR_SUCCESS));  // a read
  EXPECT_TRUE(SameGuid(id, app));
}

TEST_F(PoolsTest, CreateNotEnoughMemory) {
  NTMS_GUID id = NullGuid();
  std::string before = PoolSnapshot(h_);
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "CreateNtmsMediaPool"), 0u);
  EXPECT_EQ(Create("App", nullptr, NTMS_CREATE_NEW, &id), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(PoolSnapshot(h_), before);
  EXPECT_EQ(Create("App", nullptr, NTMS_CREATE_NEW, &id), DWORD(ERROR_SUCCESS)) << "armed for one call only";
}

// ---- DeleteNtmsMediaPool -------------------------------------------------------------------

TEST_F(PoolsTest, DeleteOnlyEmptyApplicationPools) {
  NTMS_GUID lto = Lto(), app = MustCreate("App"), daily = MustCreate("App\\Daily", &lto);
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &media, &daily), DWORD(ERROR_SUCCESS));
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(DeleteNtmsMediaPool(h_, &app), DWORD(ERROR_NOT_EMPTY));    // a pool
  EXPECT_EQ(DeleteNtmsMediaPool(h_, &daily), DWORD(ERROR_NOT_EMPTY));  // a cartridge
  EXPECT_EQ(PoolSnapshot(h_), before);
  NTMS_GUID free = Free();
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &media, &free), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(DeleteNtmsMediaPool(h_, &daily), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(DeleteNtmsMediaPool(h_, &app), DWORD(ERROR_SUCCESS));
  NTMS_OBJECTINFORMATIONA info;
  std::memset(&info, 0, sizeof info);
  info.dwSize = sizeof info;
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &app, &info), DWORD(ERROR_OBJECT_NOT_FOUND));
  NTMS_GUID id = NullGuid();
  EXPECT_EQ(Create("App", nullptr, NTMS_OPEN_EXISTING, &id), DWORD(ERROR_OBJECT_NOT_FOUND));
  EXPECT_EQ(DeleteNtmsMediaPool(h_, &app), DWORD(ERROR_INVALID_MEDIA_POOL));  // gone
}

TEST_F(PoolsTest, DeleteSystemRootOrUnknownPoolIsInvalidMediaPool) {
  std::string before = PoolSnapshot(h_);
  std::vector<NTMS_GUID> ids = {Free(),
                                SystemPool("Free"),
                                SystemPool("Import"),
                                SystemPool("Import", "LTO Ultrium"),
                                SystemPool("Unrecognized"),
                                SystemPool("Unrecognized", "LTO Ultrium"),
                                Root(),
                                RandomGuid(),
                                NullGuid(),
                                drives_[0],
                                lib_};
  for (auto& id : ids) EXPECT_EQ(DeleteNtmsMediaPool(h_, &id), DWORD(ERROR_INVALID_MEDIA_POOL)) << GuidText(id);
  EXPECT_EQ(DeleteNtmsMediaPool(h_, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(PoolSnapshot(h_), before);
}

TEST_F(PoolsTest, DeleteAccessDeniedHandleDatabaseAndMemory) {
  NTMS_GUID app = MustCreate("App");
  std::string before = PoolSnapshot(h_);
  if (geteuid() == 0) {
    EXPECT_EQ(Probe({"pool-delete", GuidText(app)}), DWORD(ERROR_ACCESS_DENIED));
  }
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(DeleteNtmsMediaPool(closed, &app), DWORD(ERROR_INVALID_HANDLE));
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "DeleteNtmsMediaPool"), 0u);
  EXPECT_EQ(DeleteNtmsMediaPool(h_, &app), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(PoolSnapshot(h_), before);
  DamageCatalogue(*d_);
  EXPECT_EQ(DeleteNtmsMediaPool(h_, &app), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_TRUE(d_->Running());
}

// ---- GetNtmsMediaPoolName ------------------------------------------------------------------

TEST_F(PoolsTest, NameIsTheFullHierarchy) {
  NTMS_GUID lto = Lto();
  MustCreate("App");
  NTMS_GUID daily = MustCreate("App\\Daily", &lto);
  EXPECT_EQ(NameA(daily), "\\App\\Daily");
  EXPECT_EQ(NameA(Free()), "\\Free\\LTO Ultrium");
  EXPECT_EQ(NameA(SystemPool("Import")), "\\Import");
  EXPECT_EQ(NameA(Root()), "\\");
  // The name opens the pool again.
  NTMS_GUID id = NullGuid();
  EXPECT_EQ(Create(NameA(daily), &lto, NTMS_OPEN_EXISTING, &id), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(id, daily));
  // Sizes in characters with the NUL: exact fits, one less is too small.
  const DWORD need = DWORD(std::strlen("\\App\\Daily") + 1);
  char buf[64];
  DWORD size = need;
  EXPECT_EQ(GetNtmsMediaPoolNameA(h_, &daily, buf, &size), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(size, need);
  size = need - 1;
  std::memset(buf, 'q', sizeof buf);
  EXPECT_EQ(GetNtmsMediaPoolNameA(h_, &daily, buf, &size), DWORD(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(size, need);
  EXPECT_EQ(buf[0], 'q') << "nothing written on ERROR_INSUFFICIENT_BUFFER";
  size = 0;
  EXPECT_EQ(GetNtmsMediaPoolNameA(h_, &daily, nullptr, &size), DWORD(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(size, need);
}

TEST_F(PoolsTest, NameWide) {
  NTMS_GUID lto = Lto(), top = MustCreate("\xc3\x89quipe"), pool = MustCreate("\xc3\x89quipe\\x", &lto);
  (void)top;
  const std::u16string want = u"\\\u00c9quipe\\x";
  WCHAR buf[64];
  DWORD size = 64;
  ASSERT_EQ(GetNtmsMediaPoolNameW(h_, &pool, buf, &size), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(buf)), want);
  EXPECT_EQ(size, DWORD(want.size() + 1));  // UTF-16 units, not UTF-8 bytes
  size = DWORD(want.size());
  EXPECT_EQ(GetNtmsMediaPoolNameW(h_, &pool, buf, &size), DWORD(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(size, DWORD(want.size() + 1));
  NTMS_GUID random = RandomGuid();
  EXPECT_EQ(GetNtmsMediaPoolNameW(h_, &random, buf, &size), DWORD(ERROR_INVALID_MEDIA_POOL));
}

TEST_F(PoolsTest, NameErrors) {
  NTMS_GUID free = Free(), random = RandomGuid(), drive = drives_[0];
  char buf[64];
  DWORD size = sizeof buf;
  EXPECT_EQ(GetNtmsMediaPoolNameA(h_, nullptr, buf, &size), DWORD(ERROR_INVALID_MEDIA_POOL));
  EXPECT_EQ(GetNtmsMediaPoolNameA(h_, &random, buf, &size), DWORD(ERROR_INVALID_MEDIA_POOL));
  EXPECT_EQ(GetNtmsMediaPoolNameA(h_, &drive, buf, &size), DWORD(ERROR_INVALID_MEDIA_POOL));
  EXPECT_EQ(GetNtmsMediaPoolNameA(h_, &free, buf, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(GetNtmsMediaPoolNameA(h_, &free, nullptr, &size), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(size, DWORD(sizeof buf));
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(GetNtmsMediaPoolNameA(closed, &free, buf, &size), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(GetNtmsMediaPoolNameA(nullptr, &free, buf, &size), DWORD(ERROR_INVALID_HANDLE));
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "GetNtmsMediaPoolName@read"), 0u);
  EXPECT_EQ(GetNtmsMediaPoolNameA(h_, &free, buf, &size), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  if (geteuid() == 0) {
    EXPECT_EQ(Probe({"pool-name", GuidText(free)}), DWORD(ERROR_SUCCESS)) << "Use is everybody's";
  }
}

// ---- MoveToNtmsMediaPool -------------------------------------------------------------------

TEST_F(PoolsTest, MoveIntoAnApplicationPoolAndBack) {
  NTMS_GUID lto = Lto(), free = Free(), media = MediaByBarcode(h_, "A00002L6");
  MustCreate("App");
  NTMS_GUID daily = MustCreate("App\\Daily", &lto);
  ASSERT_TRUE(SameGuid(PoolOf(media), free));
  const DWORD free_count = Info(h_, free).Info.MediaPool.dwNumberOfPhysicalMedia;
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &media, &daily), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(PoolOf(media), daily));
  EXPECT_EQ(Info(h_, daily).Info.MediaPool.dwNumberOfPhysicalMedia, 1u);
  EXPECT_EQ(Info(h_, free).Info.MediaPool.dwNumberOfPhysicalMedia, free_count - 1);
  auto in_daily = List(h_, &daily, NTMS_PHYSICAL_MEDIA);
  ASSERT_EQ(in_daily.size(), 1u);
  EXPECT_TRUE(SameGuid(in_daily[0], media));
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &media, &daily), DWORD(ERROR_SUCCESS)) << "already there";
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &media, &free), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(PoolOf(media), free));
  EXPECT_EQ(Info(h_, free).Info.MediaPool.dwNumberOfPhysicalMedia, free_count);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(PoolsTest, MoveParameterMediaAndPoolErrors) {
  NTMS_GUID lto = Lto(), free = Free(), media = MediaByBarcode(h_, "A00001L6");
  NTMS_GUID app = MustCreate("App"), daily = MustCreate("App\\Daily", &lto);
  NTMS_GUID random = RandomGuid(), drive = drives_[0], root = Root(), import = SystemPool("Import", "LTO Ultrium");
  NTMS_GUID side = SideOf(h_, media);
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(MoveToNtmsMediaPool(h_, nullptr, &daily), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &random, &daily), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &drive, &daily), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &side, &daily), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &random), DWORD(ERROR_INVALID_MEDIA_POOL));
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &drive), DWORD(ERROR_INVALID_MEDIA_POOL));
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &app), DWORD(ERROR_INVALID_MEDIA_POOL));   // holds pools only
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &root), DWORD(ERROR_INVALID_MEDIA_POOL));  // the root pool
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &free), DWORD(ERROR_INVALID_MEDIA_POOL));  // Free to Free
  // To Import only if every side is Import (they are Available).
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &import), DWORD(ERROR_INVALID_MEDIA_POOL));
  EXPECT_EQ(PoolSnapshot(h_), before);
}

TEST_F(PoolsTest, MoveBusyWhileMounted) {
  NTMS_GUID lto = Lto(), media = MediaByBarcode(h_, "A00001L6");
  MustCreate("App");
  NTMS_GUID daily = MustCreate("App\\Daily", &lto);
  MountBarcode("A00001L6");
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &daily), DWORD(ERROR_BUSY));
  HANDLE other = Another();
  EXPECT_EQ(MoveToNtmsMediaPool(other, &media, &daily), DWORD(ERROR_BUSY));
  EXPECT_EQ(PoolSnapshot(h_), before);
  ASSERT_EQ(DismountNtmsMedia(h_, &media, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_SUCCESS));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &daily), DWORD(ERROR_SUCCESS));
}

TEST_F(PoolsTest, MoveMediaIncompatible) {
  // A second media type, written into the catalogue while rsmd is stopped.
  EditCatalogue(
      "CREATE TEMP TABLE t AS SELECT * FROM media_type; "
      "UPDATE t SET id = randomblob(16), name = 'Other tape'; INSERT INTO media_type SELECT * FROM t;");
  NTMS_GUID other = NullGuid(), media = MediaByBarcode(h_, "A00001L6");
  for (const auto& t : List(h_, nullptr, NTMS_MEDIA_TYPE))
    if (std::string(Info(h_, t).szName) == "Other tape") other = t;
  ASSERT_FALSE(SameGuid(other, NullGuid()));
  MustCreate("App");
  NTMS_GUID pool = MustCreate("App\\Other", &other);
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &pool), DWORD(ERROR_MEDIA_INCOMPATIBLE));
  EXPECT_EQ(PoolSnapshot(h_), before);
}

// Import and Unrecognized media go only to Free (and become available there);
// a side Completed, Allocated or Reserved keeps a cartridge out of Free.
TEST_F(PoolsTest, MoveRulesOfTheSystemPools) {
  NTMS_GUID lto = Lto(), a = MediaByBarcode(h_, "A00001L6"), b = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID c = MediaByBarcode(h_, "A00003L6");
  MustCreate("App");
  NTMS_GUID daily = MustCreate("App\\Daily", &lto);
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &c, &daily), DWORD(ERROR_SUCCESS));
  NTMS_GUID import = SystemPool("Import", "LTO Ultrium"), unrec = SystemPool("Unrecognized", "LTO Ultrium");
  NTMS_GUID free = Free();
  EditCatalogue(MediaSql(a, import, NTMS_PARTSTATE_IMPORT) + MediaSql(b, unrec, NTMS_PARTSTATE_FOREIGN) +
                MediaSql(c, daily, NTMS_PARTSTATE_COMPLETE));
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &a, &daily), DWORD(ERROR_INVALID_MEDIA_POOL));
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &b, &daily), DWORD(ERROR_INVALID_MEDIA_POOL));
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &c, &free), DWORD(ERROR_INVALID_MEDIA_POOL));   // Completed
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &c, &unrec), DWORD(ERROR_INVALID_MEDIA_POOL));  // not Unrecognized
  EXPECT_EQ(PoolSnapshot(h_), before);
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &a, &free), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &b, &free), DWORD(ERROR_SUCCESS));
  for (const NTMS_GUID& m : {a, b}) {
    EXPECT_TRUE(SameGuid(PoolOf(m), free));
    EXPECT_EQ(Info(h_, SideOf(h_, m)).Info.Partition.State, DWORD(NTMS_PARTSTATE_AVAILABLE));
  }
  // Back into Import: only with every side Import (now Available).
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &a, &import), DWORD(ERROR_INVALID_MEDIA_POOL));
}

TEST_F(PoolsTest, MoveAccessDenied) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run the probe as another user";
  NTMS_GUID lto = Lto(), media = MediaByBarcode(h_, "A00001L6"), free = Free();
  MustCreate("App");
  NTMS_GUID daily = MustCreate("App\\Daily", &lto);
  std::string before = PoolSnapshot(h_);
  // Use on Free, but Control on the destination is needed.
  EXPECT_EQ(Probe({"pool-move", GuidText(media), GuidText(daily)}), DWORD(ERROR_ACCESS_DENIED));
  EXPECT_EQ(PoolSnapshot(h_), before);
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &media, &daily), DWORD(ERROR_SUCCESS));
  before = PoolSnapshot(h_);
  // Back to Free: Control on the source.
  EXPECT_EQ(Probe({"pool-move", GuidText(media), GuidText(free)}), DWORD(ERROR_ACCESS_DENIED));
  EXPECT_EQ(PoolSnapshot(h_), before);
}

TEST_F(PoolsTest, MoveHandleDatabaseAndMemory) {
  NTMS_GUID lto = Lto(), media = MediaByBarcode(h_, "A00001L6");
  MustCreate("App");
  NTMS_GUID daily = MustCreate("App\\Daily", &lto);
  std::string before = PoolSnapshot(h_);
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(MoveToNtmsMediaPool(closed, &media, &daily), DWORD(ERROR_INVALID_HANDLE));
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "MoveToNtmsMediaPool"), 0u);
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &daily), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(PoolSnapshot(h_), before);
  DamageCatalogue(*d_);
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &daily), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_TRUE(d_->Running());
}

TEST_F(PoolsTest, MoveDatabaseFull) {
  DaemonOptions opts;
  opts.max_pages = 64;
  Restart(opts);
  NTMS_GUID lto = Lto(), media = MediaByBarcode(h_, "A00001L6");
  MustCreate("App");
  NTMS_GUID daily = MustCreate("App\\Daily", &lto);
  FillCatalogue(*d_, h_, drives_[1]);
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(MoveToNtmsMediaPool(h_, &media, &daily), DWORD(ERROR_DATABASE_FULL));
  EXPECT_EQ(PoolSnapshot(h_), before);
}

// ---- SetNtmsObjectInformation (NTMS_MEDIA_POOL) --------------------------------------------

TEST_F(PoolsTest, SetPoolInformationA) {
  NTMS_GUID lto = Lto();
  MustCreate("App");
  NTMS_GUID daily = MustCreate("App\\Daily", &lto);
  auto info = Info(h_, daily, NTMS_MEDIA_POOL);
  std::strcpy(info.szName, "Nightly");
  std::strcpy(info.szDescription, "kept 30 days");
  info.Info.MediaPool.AllocationPolicy = NTMS_ALLOCATE_FROMSCRATCH;
  info.Info.MediaPool.DeallocationPolicy = NTMS_DEALLOCATE_TOSCRATCH;
  info.Info.MediaPool.dwMaxAllocates = 5;
  ASSERT_EQ(SetNtmsObjectInformationA(h_, &daily, &info), DWORD(ERROR_SUCCESS));
  auto got = Info(h_, daily, NTMS_MEDIA_POOL);
  EXPECT_STREQ(got.szName, "Nightly");
  EXPECT_STREQ(got.szDescription, "kept 30 days");
  EXPECT_EQ(got.Info.MediaPool.AllocationPolicy, DWORD(NTMS_ALLOCATE_FROMSCRATCH));
  EXPECT_EQ(got.Info.MediaPool.DeallocationPolicy, DWORD(NTMS_DEALLOCATE_TOSCRATCH));
  EXPECT_EQ(got.Info.MediaPool.dwMaxAllocates, 5u);
  EXPECT_EQ(NameA(daily), "\\App\\Nightly");
  // An empty pool may change its media type (here: to a pool of pools).
  got.Info.MediaPool.MediaType = NullGuid();
  ASSERT_EQ(SetNtmsObjectInformationA(h_, &daily, &got), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(Info(h_, daily).Info.MediaPool.MediaType, NullGuid()));
}

TEST_F(PoolsTest, SetPoolInformationW) {
  NTMS_GUID lto = Lto();
  NTMS_GUID pool = MustCreate("App");
  MustCreate("App\\Daily", &lto);
  NTMS_OBJECTINFORMATIONW info;
  std::memset(&info, 0, sizeof info);
  info.dwSize = sizeof info;
  info.dwType = NTMS_MEDIA_POOL;
  ASSERT_EQ(GetNtmsObjectInformationW(h_, &pool, &info), DWORD(ERROR_SUCCESS));
  std::u16string name = u"\u00c9quipe", desc = U16("wide");
  std::memcpy(info.szName, name.c_str(), (name.size() + 1) * sizeof(char16_t));
  std::memcpy(info.szDescription, desc.c_str(), (desc.size() + 1) * sizeof(char16_t));
  ASSERT_EQ(SetNtmsObjectInformationW(h_, &pool, &info), DWORD(ERROR_SUCCESS));
  EXPECT_STREQ(Info(h_, pool).szName, "\xc3\x89quipe");
  EXPECT_STREQ(Info(h_, pool).szDescription, "wide");
  NTMS_GUID id = NullGuid();
  EXPECT_EQ(Create("\xc3\x89quipe\\Daily", &lto, NTMS_OPEN_EXISTING, &id), DWORD(ERROR_SUCCESS));
  info.dwSize = sizeof info + 1;
  EXPECT_EQ(SetNtmsObjectInformationW(h_, &pool, &info), DWORD(ERROR_INVALID_PARAMETER));
}

TEST_F(PoolsTest, SetPoolInformationInvalidParameter) {
  NTMS_GUID lto = Lto(), media = MediaByBarcode(h_, "A00001L6");
  MustCreate("App");
  NTMS_GUID daily = MustCreate("App\\Daily", &lto);
  MustCreate("App\\Weekly", &lto);
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &media, &daily), DWORD(ERROR_SUCCESS));
  const auto good = Info(h_, daily, NTMS_MEDIA_POOL);
  std::string before = PoolSnapshot(h_);
  std::vector<std::pair<std::string, std::function<void(NTMS_OBJECTINFORMATIONA&)>>> cases = {
      {"size", [](auto& i) { i.dwSize -= 1; }},
      {"type of another object", [](auto& i) { i.dwType = NTMS_DRIVE; }},
      {"type out of range", [](auto& i) { i.dwType = NTMS_UI_DESTINATION + 1; }},
      {"allocation policy", [](auto& i) { i.Info.MediaPool.AllocationPolicy = 2; }},
      {"deallocation policy", [](auto& i) { i.Info.MediaPool.DeallocationPolicy = 0x80; }},
      {"empty name", [](auto& i) { i.szName[0] = 0; }},
      {"backslash in the name", [](auto& i) { std::strcpy(i.szName, "a\\b"); }},
      {"control character", [](auto& i) { std::strcpy(i.szName, "a\tb"); }},
      {"a sibling's name", [](auto& i) { std::strcpy(i.szName, "Weekly"); }},
      {"name not terminated", [](auto& i) { std::memset(i.szName, 'n', sizeof i.szName); }},
      {"description not UTF-8", [](auto& i) { std::strcpy(i.szDescription, "\xff"); }},
      {"media type of a pool that holds media", [](auto& i) { i.Info.MediaPool.MediaType = NullGuid(); }},
      {"media type unknown", [](auto& i) { i.Info.MediaPool.MediaType = RandomGuid(); }},
  };
  for (auto& [what, change] : cases) {
    auto info = good;
    change(info);
    EXPECT_EQ(SetNtmsObjectInformationA(h_, &daily, &info), DWORD(ERROR_INVALID_PARAMETER)) << what;
  }
  auto info = good;
  EXPECT_EQ(SetNtmsObjectInformationA(h_, nullptr, &info), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(SetNtmsObjectInformationA(h_, &daily, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(PoolSnapshot(h_), before);
}

TEST_F(PoolsTest, SetObjectNotFoundNotSupportedAndSystemPools) {
  NTMS_GUID free = Free(), random = RandomGuid(), drive = drives_[0];
  std::string before = PoolSnapshot(h_);
  auto info = Info(h_, free, NTMS_MEDIA_POOL);
  EXPECT_EQ(SetNtmsObjectInformationA(h_, &random, &info), DWORD(ERROR_OBJECT_NOT_FOUND));
  auto d = Info(h_, drive, NTMS_DRIVE);
  EXPECT_EQ(SetNtmsObjectInformationA(h_, &drive, &d), DWORD(ERROR_NOT_SUPPORTED));
  // rsmd's own pools: no modification but the description (docs/compat.md).
  auto renamed = info;
  std::strcpy(renamed.szName, "Scratch");
  EXPECT_EQ(SetNtmsObjectInformationA(h_, &free, &renamed), DWORD(ERROR_ACCESS_DENIED));
  auto policy = info;
  policy.Info.MediaPool.DeallocationPolicy = NTMS_DEALLOCATE_TOSCRATCH;
  EXPECT_EQ(SetNtmsObjectInformationA(h_, &free, &policy), DWORD(ERROR_ACCESS_DENIED));
  NTMS_GUID root = Root();
  auto r = Info(h_, root, NTMS_MEDIA_POOL);
  std::strcpy(r.szName, "Top");
  EXPECT_EQ(SetNtmsObjectInformationA(h_, &root, &r), DWORD(ERROR_ACCESS_DENIED));
  EXPECT_EQ(PoolSnapshot(h_), before);
  std::strcpy(info.szDescription, "scratch tapes");
  EXPECT_EQ(SetNtmsObjectInformationA(h_, &free, &info), DWORD(ERROR_SUCCESS));
  EXPECT_STREQ(Info(h_, free).szDescription, "scratch tapes");
}

TEST_F(PoolsTest, SetAccessHandleDatabaseAndMemory) {
  NTMS_GUID app = MustCreate("App");
  auto info = Info(h_, app, NTMS_MEDIA_POOL);
  std::strcpy(info.szDescription, "changed");
  std::string before = PoolSnapshot(h_);
  if (geteuid() == 0) {
    EXPECT_EQ(Probe({"pool-set", GuidText(app)}), DWORD(ERROR_ACCESS_DENIED));
  }
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(SetNtmsObjectInformationA(closed, &app, &info), DWORD(ERROR_INVALID_HANDLE));
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "SetNtmsObjectInformation"), 0u);
  EXPECT_EQ(SetNtmsObjectInformationA(h_, &app, &info), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(PoolSnapshot(h_), before);
  DamageCatalogue(*d_);
  EXPECT_EQ(SetNtmsObjectInformationA(h_, &app, &info), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_TRUE(d_->Running());
}

TEST_F(PoolsTest, SetDatabaseFull) {
  DaemonOptions opts;
  opts.max_pages = 64;
  Restart(opts);
  NTMS_GUID app = MustCreate("App");
  FillCatalogue(*d_, h_, drives_[1]);
  auto info = Info(h_, app, NTMS_MEDIA_POOL);
  std::strcpy(info.szDescription, "changed");
  std::string before = PoolSnapshot(h_);
  EXPECT_EQ(SetNtmsObjectInformationA(h_, &app, &info), DWORD(ERROR_DATABASE_FULL));
  EXPECT_EQ(PoolSnapshot(h_), before);
}

// ---- an operator's sequence ----------------------------------------------------------------

TEST_F(PoolsTest, OperatorSequenceSurvivesRestart) {
  NTMS_GUID lto = Lto(), free = Free(), media = MediaByBarcode(h_, "A00003L6");
  NTMS_GUID app = MustCreate("App"), daily = MustCreate("App\\Daily", &lto);
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &media, &daily), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(DeleteNtmsMediaPool(h_, &app), DWORD(ERROR_NOT_EMPTY));
  Restart({});
  NTMS_GUID id = NullGuid();
  ASSERT_EQ(Create("App\\Daily", &lto, NTMS_OPEN_EXISTING, &id), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(id, daily));
  EXPECT_TRUE(SameGuid(PoolOf(media), daily));
  EXPECT_EQ(NameA(daily), "\\App\\Daily");
  ASSERT_EQ(MoveToNtmsMediaPool(h_, &media, &free), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(DeleteNtmsMediaPool(h_, &daily), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(DeleteNtmsMediaPool(h_, &app), DWORD(ERROR_SUCCESS));
  Restart({});
  EXPECT_EQ(Create("App", nullptr, NTMS_OPEN_EXISTING, &id), DWORD(ERROR_OBJECT_NOT_FOUND));
  EXPECT_TRUE(SameGuid(PoolOf(media), free));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

}  // namespace
}  // namespace openrsm::apitest
