// Sessions, enumeration, object information, enable/disable, inventory and
// library-request cancellation: every documented return code of
// OpenNtmsSessionA/W, CloseNtmsSession, EnumerateNtmsObject,
// GetNtmsObjectInformationA/W, EnableNtmsObject, DisableNtmsObject,
// InventoryNtmsLibrary and CancelNtmsLibraryRequest, through the public C API
// against a running rsmd. Failure cases check that the catalogue did not change.
//
// Codes that cannot be produced here (and why):
//  - OpenNtmsSession ERROR_NOT_READY: rsmd starts serving only after its start-up
//    (catalogue, inventory) is complete, so no client ever sees a "not ready" server.
//  - OpenNtmsSession ERROR_NO_NETWORK / RPC_S_NO_INTERFACES: the transport is a local
//    Unix socket and client and server come from the same build.
//  - GetNtmsObjectInformation ERROR_ACCESS_DENIED: needs NTMS_USE_ACCESS, which the
//    default security model grants to everyone (checked below: `nobody` may read).
//  - EnumerateNtmsObject ERROR_OBJECT_NOT_FOUND is produced; ERROR_NOT_ENOUGH_MEMORY via
//    the "oom" hook.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <set>
#include <thread>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

using namespace std::chrono_literals;

// Independent of the library under test: UTF-8 -> UTF-16.
std::u16string U16(const std::string& s) {
  std::u16string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t n;
    if (c < 0x80)
      cp = c, n = 1;
    else if ((c >> 5) == 6)
      cp = c & 0x1F, n = 2;
    else if ((c >> 4) == 14)
      cp = c & 0x0F, n = 3;
    else
      cp = c & 0x07, n = 4;
    for (size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(char16_t(0xD800 + (cp >> 10)));
      out.push_back(char16_t(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(char16_t(cp));
    }
  }
  return out;
}
std::u16string W(const WCHAR* w) { return std::u16string(w); }

NTMS_OBJECTINFORMATIONW InfoW(HANDLE h, const NTMS_GUID& id, DWORD type = NTMS_UNKNOWN) {
  NTMS_OBJECTINFORMATIONW info;
  std::memset(&info, 0, sizeof info);
  info.dwSize = sizeof info;
  info.dwType = type;
  NTMS_GUID copy = id;
  EXPECT_EQ(GetNtmsObjectInformationW(h, &copy, &info), DWORD(ERROR_SUCCESS)) << GuidText(id);
  return info;
}

bool Contains(const std::vector<NTMS_GUID>& v, const NTMS_GUID& g) {
  return std::any_of(v.begin(), v.end(), [&](const NTMS_GUID& x) { return SameGuid(x, g); });
}

std::string HostName() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return host;
}

void DamageCatalogue(const Daemon& d) {
  FILE* f = fopen(d.catalog_path().c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::string garbage(4096, '\x5a');
  ASSERT_EQ(fwrite(garbage.data(), 1, garbage.size(), f), garbage.size());
  fclose(f);
}

class ObjectsTest : public DaemonTest {
 protected:
  // The device stops answering; the next contact (an inventory) takes the library offline.
  void TakeLibraryOffline() {
    ASSERT_EQ(d_->Hook("sim0", "unavailable", 0, 1), 0u);
    ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
    ASSERT_EQ(Info(h_, lib_).dwOperationalState, DWORD(NTMS_NEEDS_SERVICE));
  }
  void Repair() {
    ASSERT_EQ(d_->Hook("sim0", "unavailable", 0, 0), 0u);
    ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  }
  NTMS_GUID TopPool(const std::string& name) {
    for (const auto& id : List(h_, nullptr, NTMS_MEDIA_POOL))
      if (name == Info(h_, id).szName) return id;
    ADD_FAILURE() << "no top-level pool " << name;
    return NullGuid();
  }
  // The newest request of the library with this operation code.
  std::optional<NTMS_OBJECTINFORMATIONA> LastRequest(DWORD op) {
    std::optional<NTMS_OBJECTINFORMATIONA> last;
    for (const auto& r : Requests(h_, "sim0")) {
      if (r.Info.LibRequest.OperationCode != op) continue;
      if (!last ||
          std::memcmp(&r.Info.LibRequest.TimeQueued, &last->Info.LibRequest.TimeQueued, sizeof(SYSTEMTIME)) >= 0)
        last = r;
    }
    return last;
  }
};

// ---- OpenNtmsSessionA/W -------------------------------------------------------------

TEST_F(ObjectsTest, OpenSessionSucceedsForLocalServerNames) {
  for (const char* server : {(const char*)nullptr, "", "localhost", "127.0.0.1"}) {
    HANDLE h = OpenNtmsSessionA(server, "objects", 0);
    ASSERT_NE(h, INVALID_HANDLE_VALUE) << (server ? server : "(null)") << ": " << OpenRsmGetLastError();
    EXPECT_EQ(OpenRsmGetLastError(), DWORD(ERROR_SUCCESS));
    EXPECT_EQ(CloseNtmsSession(h), DWORD(ERROR_SUCCESS));
  }
  std::string host = HostName();
  HANDLE h = OpenNtmsSessionA(host.c_str(), nullptr, 0);
  ASSERT_NE(h, INVALID_HANDLE_VALUE) << OpenRsmGetLastError();
  EXPECT_EQ(CloseNtmsSession(h), DWORD(ERROR_SUCCESS));
  // dwOptions: "Reserved; must be zero" (SDK).
  for (DWORD options : {DWORD(NTMS_SESSION_QUERYEXPEDITE), DWORD(0x80000000u)}) {
    EXPECT_EQ(OpenNtmsSessionA(nullptr, "objects", options), INVALID_HANDLE_VALUE) << options;
    EXPECT_EQ(OpenRsmGetLastError(), DWORD(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(OpenNtmsSessionW(nullptr, u"objects", options), INVALID_HANDLE_VALUE) << options;
    EXPECT_EQ(OpenRsmGetLastError(), DWORD(ERROR_INVALID_PARAMETER));
  }

  HANDLE w = OpenNtmsSessionW(nullptr, u"objects-w", 0);
  ASSERT_NE(w, INVALID_HANDLE_VALUE) << OpenRsmGetLastError();
  EXPECT_EQ(CloseNtmsSession(w), DWORD(ERROR_SUCCESS));
  std::u16string whost = U16(host);
  w = OpenNtmsSessionW(whost.c_str(), nullptr, 0);
  ASSERT_NE(w, INVALID_HANDLE_VALUE) << OpenRsmGetLastError();
  EXPECT_EQ(CloseNtmsSession(w), DWORD(ERROR_SUCCESS));
  // A 63-character application name is the longest that fits.
  std::string app63(63, 'a');
  h = OpenNtmsSessionA(nullptr, app63.c_str(), 0);
  ASSERT_NE(h, INVALID_HANDLE_VALUE) << OpenRsmGetLastError();
  EXPECT_EQ(CloseNtmsSession(h), DWORD(ERROR_SUCCESS));
}

TEST_F(ObjectsTest, OpenSessionNotConnectedWithoutDaemon) {
  std::string good = d_->socket();
  setenv("RSM_SOCKET", (d_->dir() + "/no-such.sock").c_str(), 1);
  auto t0 = std::chrono::steady_clock::now();
  HANDLE h = OpenNtmsSessionA(nullptr, "objects", 0);
  DWORD err = OpenRsmGetLastError();
  HANDLE w = OpenNtmsSessionW(nullptr, u"objects", 0);
  DWORD werr = OpenRsmGetLastError();
  auto took = std::chrono::steady_clock::now() - t0;
  setenv("RSM_SOCKET", good.c_str(), 1);
  EXPECT_EQ(h, INVALID_HANDLE_VALUE);
  EXPECT_EQ(err, DWORD(ERROR_NOT_CONNECTED));
  EXPECT_EQ(w, INVALID_HANDLE_VALUE);
  EXPECT_EQ(werr, DWORD(ERROR_NOT_CONNECTED));
  EXPECT_LT(took, 4s) << "a missing socket should fail fast, not wait for a connect timeout";
  // The daemon itself is fine.
  HANDLE ok = OpenNtmsSessionA(nullptr, "objects", 0);
  EXPECT_NE(ok, INVALID_HANDLE_VALUE);
  CloseNtmsSession(ok);
}

TEST_F(ObjectsTest, OpenSessionInvalidParameter) {
  auto expect_fail = [](HANDLE h, DWORD code, const char* what) {
    EXPECT_EQ(h, INVALID_HANDLE_VALUE) << what;
    EXPECT_EQ(OpenRsmGetLastError(), code) << what;
    if (h != INVALID_HANDLE_VALUE) CloseNtmsSession(h);
  };
  expect_fail(OpenNtmsSessionA(nullptr, "objects", 2), ERROR_INVALID_PARAMETER, "reserved option bit");
  expect_fail(OpenNtmsSessionA(nullptr, "objects", 0xFFFFFFFFu), ERROR_INVALID_PARAMETER, "all option bits");
  expect_fail(OpenNtmsSessionW(nullptr, u"objects", 0x10), ERROR_INVALID_PARAMETER, "W reserved option bit");
  std::string app64(64, 'a');
  expect_fail(OpenNtmsSessionA(nullptr, app64.c_str(), 0), ERROR_INVALID_PARAMETER, "64-char application");
  std::u16string wapp64(64, u'a');
  expect_fail(OpenNtmsSessionW(nullptr, wapp64.c_str(), 0), ERROR_INVALID_PARAMETER, "W 64-char application");
  expect_fail(OpenNtmsSessionA(nullptr, "\xff\xfe", 0), ERROR_INVALID_PARAMETER, "application not UTF-8");
  const char16_t bad16[] = {u'a', char16_t(0xD800), u'b', 0};
  expect_fail(OpenNtmsSessionW(nullptr, bad16, 0), ERROR_INVALID_PARAMETER, "application with unpaired surrogate");
  // After a failure, a success resets the last error.
  HANDLE h = OpenNtmsSessionA(nullptr, "objects", 0);
  ASSERT_NE(h, INVALID_HANDLE_VALUE);
  EXPECT_EQ(OpenRsmGetLastError(), DWORD(ERROR_SUCCESS));
  CloseNtmsSession(h);
}

TEST_F(ObjectsTest, OpenSessionInvalidComputerNameForRemoteServer) {
  auto expect_fail = [](HANDLE h, const char* what) {
    EXPECT_EQ(h, INVALID_HANDLE_VALUE) << what;
    EXPECT_EQ(OpenRsmGetLastError(), DWORD(ERROR_INVALID_COMPUTERNAME)) << what;
    if (h != INVALID_HANDLE_VALUE) CloseNtmsSession(h);
  };
  expect_fail(OpenNtmsSessionA("rsm-server.example.com", "objects", 0), "remote server");
  expect_fail(OpenNtmsSessionW(u"rsm-server.example.com", u"objects", 0), "W remote server");
  std::string long_name(64, 'h');
  expect_fail(OpenNtmsSessionA(long_name.c_str(), "objects", 0), "64-char server name");
  std::u16string wlong(64, u'h');
  expect_fail(OpenNtmsSessionW(wlong.c_str(), u"objects", 0), "W 64-char server name");
  expect_fail(OpenNtmsSessionA("\xff\xfe", "objects", 0), "server name not UTF-8");
  const char16_t bad16[] = {char16_t(0xD800), 0};
  expect_fail(OpenNtmsSessionW(bad16, u"objects", 0), "server name with unpaired surrogate");
}

// ---- CloseNtmsSession -----------------------------------------------------------------

TEST_F(ObjectsTest, CloseSession) {
  std::string before = Snapshot(h_, "sim0");
  HANDLE h = Open("closer");
  ASSERT_EQ(CloseNtmsSession(h), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CloseNtmsSession(h), DWORD(ERROR_INVALID_HANDLE)) << "double close";
  EXPECT_EQ(CloseNtmsSession(nullptr), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(CloseNtmsSession(INVALID_HANDLE_VALUE), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(CloseNtmsSession(reinterpret_cast<HANDLE>(0x1234)), DWORD(ERROR_INVALID_HANDLE));
  // The closed handle is unusable everywhere.
  DWORD n = 0;
  EXPECT_EQ(EnumerateNtmsObject(h, nullptr, nullptr, &n, NTMS_LIBRARY, 0), DWORD(ERROR_INVALID_HANDLE));
  NTMS_OBJECTINFORMATIONA info{};
  info.dwSize = sizeof info;
  EXPECT_EQ(GetNtmsObjectInformationA(h, &lib_, &info), DWORD(ERROR_INVALID_HANDLE));
  // Other sessions are unaffected.
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(ObjectsTest, CloseSessionConnectionUnavailableWhenDaemonGone) {
  HANDLE h = Open("orphan");
  ASSERT_NE(h, INVALID_HANDLE_VALUE);
  CloseNtmsSession(h_);
  h_ = nullptr;
  d_->Stop();
  // Calls that need the daemon say it cannot be reached; the session handle stays valid.
  NTMS_GUID lib = lib_;
  EXPECT_EQ(InventoryNtmsLibrary(h, &lib, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_NOT_CONNECTED));
  EXPECT_EQ(CloseNtmsSession(h), DWORD(ERROR_CONNECTION_UNAVAIL));
  EXPECT_EQ(CloseNtmsSession(h), DWORD(ERROR_INVALID_HANDLE)) << "the handle is released even so";
  // A session of the previous daemon does not reach a restarted one: its
  // connection is gone and is not replaced (docs/client.md), so its calls say
  // the daemon cannot be reached and closing it releases the handle.
  d_->Start();
  h_ = Open();
  HANDLE stale = Open("stale");
  d_->Stop();
  d_->Start();
  DWORD n = 0;
  EXPECT_EQ(EnumerateNtmsObject(stale, nullptr, nullptr, &n, NTMS_LIBRARY, 0), DWORD(ERROR_NOT_CONNECTED));
  EXPECT_EQ(CloseNtmsSession(stale), DWORD(ERROR_CONNECTION_UNAVAIL));
  EXPECT_EQ(CloseNtmsSession(stale), DWORD(ERROR_INVALID_HANDLE));
  CloseNtmsSession(h_);
  h_ = Open();
}

// ---- EnumerateNtmsObject ----------------------------------------------------------------

TEST_F(ObjectsTest, EnumerateInsufficientBufferReportsNeededCount) {
  NTMS_GUID sentinel;
  std::memset(&sentinel, 0xA5, sizeof sentinel);
  DWORD n = 0;
  EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, nullptr, &n, NTMS_STORAGESLOT, 0), DWORD(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(n, 20u) << "sim0 has 20 slots; tape0 none";
  std::vector<NTMS_GUID> list(25, sentinel), shortlist(25, sentinel);
  // SDK: "The function truncates the list and returns the actual size": the
  // first 5 ids are filled, nothing past them.
  n = 5;
  EXPECT_EQ(EnumerateNtmsObject(h_, &lib_, shortlist.data(), &n, NTMS_STORAGESLOT, 0),
            DWORD(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(n, 20u);
  for (DWORD i = 5; i < 25; ++i) EXPECT_TRUE(SameGuid(shortlist[i], sentinel)) << "written past the buffer";
  // Exactly the needed size.
  n = 20;
  ASSERT_EQ(EnumerateNtmsObject(h_, &lib_, list.data(), &n, NTMS_STORAGESLOT, 0), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(n, 20u);
  for (DWORD i = 0; i < 5; ++i) EXPECT_TRUE(SameGuid(shortlist[i], list[i])) << "the truncated list is the first ids";
  std::set<std::string> uniq;
  for (DWORD i = 0; i < 20; ++i) uniq.insert(GuidText(list[i]));
  EXPECT_EQ(uniq.size(), 20u);
  for (DWORD i = 20; i < 25; ++i) EXPECT_TRUE(SameGuid(list[i], sentinel)) << "no write past the result";
  // Larger than needed: succeeds, with the real count.
  n = 25;
  ASSERT_EQ(EnumerateNtmsObject(h_, &lib_, list.data(), &n, NTMS_STORAGESLOT, 0), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(n, 20u);
  // Nothing of that type: success and a count of zero.
  n = 3;
  EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, list.data(), &n, NTMS_OPREQUEST, 0), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(n, 0u);
  n = 0;
  EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, nullptr, &n, NTMS_OPREQUEST, 0), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(n, 0u);
}

TEST_F(ObjectsTest, EnumerateInvalidParameter) {
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID list[4];
  DWORD n = 4;
  EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, list, nullptr, NTMS_LIBRARY, 0), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, nullptr, &n, NTMS_LIBRARY, 0), DWORD(ERROR_INVALID_PARAMETER))
      << "NULL list with a nonzero size";
  EXPECT_EQ(n, 4u) << "size untouched on a parameter error";
  for (DWORD type : {DWORD(NTMS_UNKNOWN), DWORD(NTMS_OBJECT), DWORD(NTMS_UI_DESTINATION),
                     DWORD(NTMS_NUMBER_OF_OBJECT_TYPES), DWORD(99), DWORD(0xFFFFFFFFu)}) {
    n = 4;
    EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, list, &n, type, 0), DWORD(ERROR_INVALID_PARAMETER)) << "type " << type;
  }
  for (DWORD opt : {DWORD(2), DWORD(0x80), DWORD(0xFFFFFFFFu)}) {
    n = 4;
    EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, list, &n, NTMS_MEDIA_POOL, opt), DWORD(ERROR_INVALID_PARAMETER))
        << "options " << opt;
  }
  // Containers that cannot hold the type.
  NTMS_GUID free_pool = TopPool("Free"), media = MediaByBarcode(h_, "A00001L6");
  NTMS_GUID side = SideOf(h_, media), drive = drives_[0];
  NTMS_GUID computer = List(h_, nullptr, NTMS_COMPUTER).at(0);
  struct Case {
    NTMS_GUID container;
    DWORD type;
    const char* what;
  } cases[] = {
      {free_pool, NTMS_DRIVE, "drives in a pool"},
      {lib_, NTMS_LIBRARY, "libraries in a library"},
      {computer, NTMS_DRIVE, "drives in the computer"},
      {media, NTMS_STORAGESLOT, "slots in a cartridge"},
      {lib_, NTMS_PARTITION, "sides in a library"},
      {lib_, NTMS_MEDIA_POOL, "pools in a library"},
      {free_pool, NTMS_MEDIA_TYPE, "media types in a pool"},
      {lib_, NTMS_COMPUTER, "the computer in a library"},
      {lib_, NTMS_OPREQUEST, "operator requests in a library"},
      {drive, NTMS_PHYSICAL_MEDIA, "media in a drive"},
      {media, NTMS_PHYSICAL_MEDIA, "media in a cartridge"},
      {side, NTMS_PHYSICAL_MEDIA, "media in a side"},
  };
  for (auto& c : cases) {
    n = 4;
    EXPECT_EQ(EnumerateNtmsObject(h_, &c.container, list, &n, c.type, 0), DWORD(ERROR_INVALID_PARAMETER)) << c.what;
  }
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(ObjectsTest, EnumerateObjectNotFoundForUnknownContainer) {
  NTMS_GUID unknown = RandomGuid();
  NTMS_GUID list[4];
  DWORD n = 4;
  for (DWORD type : {DWORD(NTMS_DRIVE), DWORD(NTMS_PHYSICAL_MEDIA), DWORD(NTMS_MEDIA_POOL), DWORD(NTMS_PARTITION)}) {
    n = 4;
    EXPECT_EQ(EnumerateNtmsObject(h_, &unknown, list, &n, type, 0), DWORD(ERROR_OBJECT_NOT_FOUND)) << type;
  }
}

TEST_F(ObjectsTest, EnumerateNotEnoughMemoryAndInvalidHandle) {
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "EnumerateNtmsObject@read"), 0u);
  DWORD n = 0;
  EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, nullptr, &n, NTMS_LIBRARY, 0), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, nullptr, &n, NTMS_LIBRARY, 0), DWORD(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(n, 3u) << "sim0, tape0, the offline library";
  EXPECT_EQ(EnumerateNtmsObject(nullptr, nullptr, nullptr, &n, NTMS_LIBRARY, 0), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(EnumerateNtmsObject(reinterpret_cast<HANDLE>(0x42), nullptr, nullptr, &n, NTMS_LIBRARY, 0),
            DWORD(ERROR_INVALID_HANDLE));
}

TEST_F(ObjectsTest, EnumerateTopLevel) {
  std::set<std::string> libs;
  for (const auto& id : List(h_, nullptr, NTMS_LIBRARY)) libs.insert(Info(h_, id).szName);
  EXPECT_EQ(libs, (std::set<std::string>{"sim0", "tape0", "Offline Media"}));
  // A null GUID is the NULL container.
  NTMS_GUID zero = NullGuid();
  EXPECT_EQ(List(h_, &zero, NTMS_LIBRARY).size(), 3u);

  std::set<std::string> pools;
  for (const auto& id : List(h_, nullptr, NTMS_MEDIA_POOL)) {
    auto i = Info(h_, id);
    pools.insert(i.szName);
    EXPECT_EQ(i.dwType, DWORD(NTMS_MEDIA_POOL));
    EXPECT_TRUE(SameGuid(i.Info.MediaPool.Parent, NullGuid())) << i.szName << " is not top level";
  }
  EXPECT_EQ(pools, (std::set<std::string>{"Free", "Import", "Unrecognized"}));
  // NTMS_ENUM_ROOTPOOL is accepted for pools with a NULL container.
  DWORD n = 0;
  EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, nullptr, &n, NTMS_MEDIA_POOL, NTMS_ENUM_ROOTPOOL),
            DWORD(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_GE(n, 3u);
  // ... and only so (SDK: "dwType must be NTMS_MEDIA_POOL and lpContainerId must be NULL").
  n = 0;
  EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, nullptr, &n, NTMS_LIBRARY, NTMS_ENUM_ROOTPOOL),
            DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID free_pool = NullGuid();
  for (const auto& id : List(h_, nullptr, NTMS_MEDIA_POOL))
    if (std::string(Info(h_, id).szName) == "Free") free_pool = id;
  EXPECT_EQ(EnumerateNtmsObject(h_, &free_pool, nullptr, &n, NTMS_MEDIA_POOL, NTMS_ENUM_ROOTPOOL),
            DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(EnumerateNtmsObject(h_, &zero, nullptr, &n, NTMS_MEDIA_POOL, NTMS_ENUM_ROOTPOOL),
            DWORD(ERROR_INSUFFICIENT_BUFFER))
      << "a null GUID is the NULL container";

  auto types = List(h_, nullptr, NTMS_MEDIA_TYPE);
  ASSERT_FALSE(types.empty());
  bool lto = false;
  for (const auto& id : types) lto |= std::string(Info(h_, id).szName) == "LTO Ultrium";
  EXPECT_TRUE(lto);
  EXPECT_FALSE(List(h_, &lib_, NTMS_MEDIA_TYPE).empty()) << "media types of a library";

  auto computers = List(h_, nullptr, NTMS_COMPUTER);
  ASSERT_EQ(computers.size(), 1u);
  EXPECT_EQ(Info(h_, computers[0]).dwType, DWORD(NTMS_COMPUTER));

  // NULL enumerates every object of the type, across containers.
  EXPECT_EQ(List(h_, nullptr, NTMS_DRIVE).size(), 3u) << "2 in sim0, 1 in tape0";
  EXPECT_EQ(List(h_, nullptr, NTMS_PHYSICAL_MEDIA).size(), 5u);
  EXPECT_EQ(List(h_, nullptr, NTMS_PARTITION).size(), 5u) << "one side per cartridge";
  EXPECT_EQ(List(h_, nullptr, NTMS_CHANGER).size(), 1u) << "tape0 is stand-alone";
  EXPECT_EQ(List(h_, nullptr, NTMS_IEPORT).size(), 2u);
}

// SDK (EnumerateNtmsObject, NTMS_LIBRARY): "the physical library units and
// the offline library"; (NTMS_LIBRARYINFORMATION) "Media that is not in a
// library is in the offline library" and "For offline libraries, only
// LibraryType and dwNumberOfMedia are reported"; (DisableNtmsObject)
// ERROR_LIBRARY_OFFLINE "an off-line library that cannot be enabled or disabled".
TEST_F(ObjectsTest, OfflineLibraryHoldsTheCartridgesThatAreInNoLibrary) {
  auto libs = List(h_, nullptr, NTMS_LIBRARY);
  ASSERT_EQ(libs.size(), 3u);
  NTMS_GUID offline = libs.back();  // the libraries with devices first
  EXPECT_TRUE(SameGuid(OfflineLibraryId(h_), offline));
  auto o = Info(h_, offline);
  EXPECT_EQ(o.dwType, DWORD(NTMS_LIBRARY));
  EXPECT_STREQ(o.szName, "Offline Media");
  EXPECT_TRUE(o.Enabled);
  EXPECT_EQ(o.dwOperationalState, DWORD(NTMS_READY));
  EXPECT_EQ(o.Info.Library.LibraryType, DWORD(NTMS_LIBRARYTYPE_OFFLINE));
  EXPECT_EQ(o.Info.Library.dwFlags, DWORD(NTMS_LIBRARYFLAG_FIXEDOFFLINE));
  EXPECT_EQ(o.Info.Library.dwNumberOfMedia, 0u);
  EXPECT_EQ(o.Info.Library.dwNumberOfDrives + o.Info.Library.dwNumberOfSlots + o.Info.Library.dwNumberOfPorts, 0u);
  EXPECT_TRUE(List(h_, &offline, NTMS_PHYSICAL_MEDIA).empty());
  EXPECT_TRUE(List(h_, &offline, NTMS_DRIVE).empty());
  EXPECT_TRUE(List(h_, &offline, NTMS_STORAGESLOT).empty());

  // An operator takes a cartridge out; the inventory moves it to the offline library.
  NTMS_GUID removed = MediaByBarcode(h_, "A00003L6");
  ASSERT_EQ(d_->Hook("sim0", "remove", 0, 0, "slot:2"), 0u);
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  auto in_offline = List(h_, &offline, NTMS_PHYSICAL_MEDIA);
  ASSERT_EQ(in_offline.size(), 1u);
  EXPECT_TRUE(SameGuid(in_offline[0], removed));
  EXPECT_FALSE(Contains(List(h_, &lib_, NTMS_PHYSICAL_MEDIA), removed));
  EXPECT_EQ(Info(h_, offline).Info.Library.dwNumberOfMedia, 1u);
  EXPECT_TRUE(SameGuid(Info(h_, removed).Info.PhysicalMedia.CurrentLibrary, offline));
  // Its side is reported as before (the cartridge keeps its pool).
  EXPECT_EQ(List(h_, &removed, NTMS_PARTITION).size(), 1u);

  // Nothing can be done to the offline library itself.
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &offline), DWORD(ERROR_LIBRARY_OFFLINE));
  EXPECT_EQ(EnableNtmsObject(h_, NTMS_LIBRARY, &offline), DWORD(ERROR_LIBRARY_OFFLINE));
  EXPECT_EQ(InventoryNtmsLibrary(h_, &offline, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_INVALID_LIBRARY));
  NTMS_GUID op = NullGuid();
  EXPECT_EQ(InjectNtmsMedia(h_, &offline, &op, NTMS_INJECT_START), DWORD(ERROR_LIBRARY_OFFLINE));
  EXPECT_TRUE(Info(h_, offline).Enabled);
  EXPECT_EQ(Snapshot(h_, "sim0"), before);

  // The same object after a restart, still holding the cartridge.
  Restart({});
  EXPECT_TRUE(SameGuid(OfflineLibraryId(h_), offline));
  EXPECT_TRUE(SameGuid(Info(h_, removed).Info.PhysicalMedia.CurrentLibrary, offline));
  EXPECT_EQ(Info(h_, offline).Info.Library.dwNumberOfMedia, 1u);
  // Back in the library: it leaves the offline library.
  ASSERT_EQ(d_->Hook("sim0", "place", 0, 0, "slot:2:A00003L6"), 0u);
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(Info(h_, removed).Info.PhysicalMedia.CurrentLibrary, lib_));
  EXPECT_TRUE(List(h_, &offline, NTMS_PHYSICAL_MEDIA).empty());
  EXPECT_EQ(Info(h_, offline).Info.Library.dwNumberOfMedia, 0u);
}

// SDK (NTMS_ENUM_ROOTPOOL): "enumerates the root pool in addition to all other
// top-level media pools; it is always returned as the first GUID in the list".
TEST_F(ObjectsTest, RootPoolIsListedFirstOnlyWithEnumRootPool) {
  auto top = List(h_, nullptr, NTMS_MEDIA_POOL);
  ASSERT_EQ(top.size(), 3u);
  DWORD n = 8;
  NTMS_GUID ids[8];
  ASSERT_EQ(EnumerateNtmsObject(h_, nullptr, ids, &n, NTMS_MEDIA_POOL, NTMS_ENUM_ROOTPOOL), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(n, 4u);
  const NTMS_GUID root = ids[0];
  EXPECT_FALSE(Contains(top, root)) << "without the option the root pool is not listed";
  for (DWORD i = 1; i < n; ++i) EXPECT_TRUE(Contains(top, ids[i])) << i;
  auto r = Info(h_, root);
  EXPECT_EQ(r.dwType, DWORD(NTMS_MEDIA_POOL));
  EXPECT_STREQ(r.szName, "Root");
  EXPECT_EQ(r.Info.MediaPool.PoolType, DWORD(NTMS_POOLTYPE_UNKNOWN));
  EXPECT_TRUE(SameGuid(r.Info.MediaPool.Parent, NullGuid()));
  EXPECT_EQ(r.Info.MediaPool.dwNumberOfMediaPools, 3u);
  EXPECT_EQ(r.Info.MediaPool.dwNumberOfPhysicalMedia, 0u);
  // Its contents are the top-level pools; it holds no media.
  auto children = List(h_, &root, NTMS_MEDIA_POOL);
  ASSERT_EQ(children.size(), 3u);
  for (const auto& c : children) EXPECT_TRUE(Contains(top, c));
  EXPECT_TRUE(List(h_, &root, NTMS_PHYSICAL_MEDIA).empty());
  // A short buffer: the needed count includes the root pool.
  n = 1;
  EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, ids, &n, NTMS_MEDIA_POOL, NTMS_ENUM_ROOTPOOL),
            DWORD(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(n, 4u);
  EXPECT_TRUE(SameGuid(ids[0], root)) << "truncated, the root pool still first";
  // The same object after a restart.
  Restart({});
  n = 8;
  ASSERT_EQ(EnumerateNtmsObject(h_, nullptr, ids, &n, NTMS_MEDIA_POOL, NTMS_ENUM_ROOTPOOL), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(SameGuid(ids[0], root));
}

TEST_F(ObjectsTest, EnumerateLibraryContents) {
  MountBarcode("A00001L6");  // so the library has a request
  auto check = [&](DWORD type, size_t want, auto library_of) {
    auto ids = List(h_, &lib_, type);
    EXPECT_EQ(ids.size(), want) << "type " << type;
    for (const auto& id : ids) {
      auto i = Info(h_, id);
      EXPECT_EQ(i.dwType, type);
      EXPECT_TRUE(SameGuid(i.ObjectGuid, id));
      EXPECT_TRUE(SameGuid(library_of(i), lib_)) << "type " << type << " " << i.szName;
    }
  };
  check(NTMS_DRIVE, 2, [](const NTMS_OBJECTINFORMATIONA& i) { return i.Info.Drive.Library; });
  check(NTMS_STORAGESLOT, 20, [](const NTMS_OBJECTINFORMATIONA& i) { return i.Info.StorageSlot.Library; });
  check(NTMS_IEPORT, 2, [](const NTMS_OBJECTINFORMATIONA& i) { return i.Info.IEPort.Library; });
  check(NTMS_CHANGER, 1, [](const NTMS_OBJECTINFORMATIONA& i) { return i.Info.Changer.Library; });
  check(NTMS_PHYSICAL_MEDIA, 4, [](const NTMS_OBJECTINFORMATIONA& i) { return i.Info.PhysicalMedia.CurrentLibrary; });
  auto reqs = List(h_, &lib_, NTMS_LIBREQUEST);
  EXPECT_GE(reqs.size(), 1u);
  for (const auto& id : reqs) EXPECT_TRUE(SameGuid(Info(h_, id).Info.LibRequest.Library, lib_));
  // tape0: one drive, no slots, no changer.
  NTMS_GUID tape = LibraryId(h_, "tape0");
  EXPECT_EQ(List(h_, &tape, NTMS_DRIVE).size(), 1u);
  EXPECT_EQ(List(h_, &tape, NTMS_STORAGESLOT).size(), 0u);
  EXPECT_EQ(List(h_, &tape, NTMS_CHANGER).size(), 0u);
  EXPECT_EQ(List(h_, &tape, NTMS_PHYSICAL_MEDIA).size(), 1u);
  EXPECT_EQ(List(h_, &tape, NTMS_LIBREQUEST).size(), 0u);
}

TEST_F(ObjectsTest, EnumeratePoolAndMediaContents) {
  NTMS_GUID free_top = TopPool("Free");
  auto children = List(h_, &free_top, NTMS_MEDIA_POOL);
  ASSERT_EQ(children.size(), 1u);
  auto child = Info(h_, children[0]);
  EXPECT_STREQ(child.szName, "LTO Ultrium");
  EXPECT_TRUE(SameGuid(child.Info.MediaPool.Parent, free_top));
  EXPECT_EQ(Info(h_, free_top).Info.MediaPool.dwNumberOfMediaPools, 1u);
  EXPECT_EQ(List(h_, &free_top, NTMS_PHYSICAL_MEDIA).size(), 0u) << "the media sit in the child pool";
  auto media = List(h_, &children[0], NTMS_PHYSICAL_MEDIA);
  std::set<std::string> barcodes;
  for (const auto& id : media) {
    auto i = Info(h_, id);
    barcodes.insert(i.Info.PhysicalMedia.szBarCode);
    EXPECT_TRUE(SameGuid(i.Info.PhysicalMedia.MediaPool, children[0]));
  }
  EXPECT_EQ(barcodes, (std::set<std::string>{"A00001L6", "A00002L6", "A00003L6", "A00004L6", "S00001L6"}));
  EXPECT_EQ(child.Info.MediaPool.dwNumberOfPhysicalMedia, 5u);
  EXPECT_EQ(List(h_, &children[0], NTMS_MEDIA_POOL).size(), 0u);
  // Sides of the pool's media.
  EXPECT_EQ(List(h_, &children[0], NTMS_PARTITION).size(), 5u);
  // A cartridge contains its sides.
  NTMS_GUID m = MediaByBarcode(h_, "A00002L6");
  auto sides = List(h_, &m, NTMS_PARTITION);
  ASSERT_EQ(sides.size(), 1u);
  auto s = Info(h_, sides[0]);
  EXPECT_EQ(s.dwType, DWORD(NTMS_PARTITION));
  EXPECT_TRUE(SameGuid(s.Info.Partition.PhysicalMedia, m));
}

// ---- GetNtmsObjectInformationA/W ---------------------------------------------------------

TEST_F(ObjectsTest, GetInformationForEveryObjectType) {
  NTMS_GUID drive = MountBarcode("A00001L6");
  NTMS_GUID tape = LibraryId(h_, "tape0");

  auto lib = Info(h_, lib_);
  EXPECT_EQ(lib.dwSize, DWORD(sizeof lib));
  EXPECT_EQ(lib.dwType, DWORD(NTMS_LIBRARY));
  EXPECT_TRUE(SameGuid(lib.ObjectGuid, lib_));
  EXPECT_STREQ(lib.szName, "sim0");
  EXPECT_TRUE(lib.Enabled);
  EXPECT_EQ(lib.dwOperationalState, DWORD(NTMS_READY));
  EXPECT_NE(lib.Created.wYear, 0);
  EXPECT_EQ(lib.Info.Library.LibraryType, DWORD(NTMS_LIBRARYTYPE_ONLINE));
  EXPECT_EQ(lib.Info.Library.dwNumberOfDrives, 2u);
  EXPECT_EQ(lib.Info.Library.dwNumberOfSlots, 20u);
  EXPECT_EQ(lib.Info.Library.dwNumberOfPorts, 2u);
  EXPECT_EQ(lib.Info.Library.dwNumberOfChangers, 1u);
  EXPECT_EQ(lib.Info.Library.dwNumberOfMedia, 4u);
  EXPECT_EQ(lib.Info.Library.dwNumberOfLibRequests, 0u) << "current requests only: the mount has finished";
  EXPECT_EQ(Info(h_, tape).Info.Library.LibraryType, DWORD(NTMS_LIBRARYTYPE_STANDALONE));

  auto d = Info(h_, drive);
  EXPECT_EQ(d.dwType, DWORD(NTMS_DRIVE));
  EXPECT_STREQ(d.szName, ("sim0 drive " + std::to_string(d.Info.Drive.Number)).c_str());
  EXPECT_EQ(d.Info.Drive.State, DWORD(NTMS_DRIVESTATE_LOADED));
  EXPECT_TRUE(SameGuid(d.Info.Drive.Library, lib_));
  EXPECT_NE(std::string(d.Info.Drive.szSerialNumber), "");
  EXPECT_EQ(d.Info.Drive.dwMountCount, 1u);
  auto other = Info(h_, SameGuid(drive, drives_[0]) ? drives_[1] : drives_[0]);
  EXPECT_EQ(other.Info.Drive.State, DWORD(NTMS_DRIVESTATE_DISMOUNTED));
  EXPECT_NE(other.Info.Drive.Number, d.Info.Drive.Number);

  auto chg = Info(h_, List(h_, &lib_, NTMS_CHANGER).at(0));
  EXPECT_EQ(chg.dwType, DWORD(NTMS_CHANGER));
  EXPECT_TRUE(SameGuid(chg.Info.Changer.Library, lib_));
  EXPECT_NE(std::string(chg.szName), "");

  std::set<DWORD> slot_numbers;
  size_t full = 0;
  for (const auto& id : List(h_, &lib_, NTMS_STORAGESLOT)) {
    auto s = Info(h_, id);
    EXPECT_EQ(s.dwType, DWORD(NTMS_STORAGESLOT));
    slot_numbers.insert(s.Info.StorageSlot.Number);
    if (s.Info.StorageSlot.State == NTMS_SLOTSTATE_FULL)
      ++full;
    else
      EXPECT_EQ(s.Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_EMPTY));
  }
  EXPECT_EQ(slot_numbers.size(), 20u);
  EXPECT_EQ(full, 3u) << "four cartridges, one mounted";

  for (const auto& id : List(h_, &lib_, NTMS_IEPORT)) {
    auto p = Info(h_, id);
    EXPECT_EQ(p.dwType, DWORD(NTMS_IEPORT));
    EXPECT_EQ(p.Info.IEPort.Content, DWORD(NTMS_PORTCONTENT_EMPTY));
  }

  NTMS_GUID mid = MediaByBarcode(h_, "A00002L6");
  auto m = Info(h_, mid);
  EXPECT_EQ(m.dwType, DWORD(NTMS_PHYSICAL_MEDIA));
  EXPECT_STREQ(m.szName, "A00002L6");
  EXPECT_STREQ(m.Info.PhysicalMedia.szBarCode, "A00002L6");
  EXPECT_EQ(m.Info.PhysicalMedia.BarCodeState, DWORD(NTMS_BARCODESTATE_OK));
  EXPECT_TRUE(SameGuid(m.Info.PhysicalMedia.CurrentLibrary, lib_));
  EXPECT_EQ(m.Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT));
  auto where = Info(h_, m.Info.PhysicalMedia.Location);
  EXPECT_EQ(where.dwType, DWORD(NTMS_STORAGESLOT));
  EXPECT_EQ(where.Info.StorageSlot.Number, 1u) << "A00002L6 was configured into the second slot";
  EXPECT_EQ(where.Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_FULL));
  EXPECT_EQ(m.Info.PhysicalMedia.dwNumberOfPartitions, 1u);
  EXPECT_EQ(Info(h_, m.Info.PhysicalMedia.MediaPool).dwType, DWORD(NTMS_MEDIA_POOL));
  auto mounted = Info(h_, MediaByBarcode(h_, "A00001L6"));
  EXPECT_EQ(mounted.Info.PhysicalMedia.LocationType, DWORD(NTMS_DRIVE));
  EXPECT_TRUE(SameGuid(mounted.Info.PhysicalMedia.Location, drive));

  auto side = Info(h_, SideOf(h_, mid));
  EXPECT_EQ(side.dwType, DWORD(NTMS_PARTITION));
  EXPECT_TRUE(SameGuid(side.Info.Partition.PhysicalMedia, mid));
  EXPECT_EQ(side.Info.Partition.Side, 0);
  EXPECT_EQ(side.Info.Partition.State, DWORD(NTMS_PARTSTATE_AVAILABLE));

  auto pool = Info(h_, m.Info.PhysicalMedia.MediaPool);
  EXPECT_EQ(pool.Info.MediaPool.PoolType, DWORD(NTMS_POOLTYPE_SCRATCH));
  EXPECT_STREQ(Info(h_, pool.Info.MediaPool.Parent).szName, "Free");
  EXPECT_TRUE(SameGuid(pool.Info.MediaPool.MediaType, m.Info.PhysicalMedia.MediaType));

  auto type = Info(h_, m.Info.PhysicalMedia.MediaType);
  EXPECT_EQ(type.dwType, DWORD(NTMS_MEDIA_TYPE));
  EXPECT_STREQ(type.szName, "LTO Ultrium");
  EXPECT_EQ(type.Info.MediaType.NumberOfSides, 1u);

  auto req = LastRequest(NTMS_LM_MOUNT);
  ASSERT_TRUE(req.has_value());
  EXPECT_EQ(req->dwType, DWORD(NTMS_LIBREQUEST));
  EXPECT_EQ(req->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  EXPECT_TRUE(SameGuid(req->Info.LibRequest.DriveId, drive));
  EXPECT_TRUE(SameGuid(req->Info.LibRequest.PhysMediaId, MediaByBarcode(h_, "A00001L6")));
  EXPECT_TRUE(SameGuid(req->Info.LibRequest.Library, lib_));
  EXPECT_TRUE(SameGuid(req->Info.LibRequest.WorkItemId, req->ObjectGuid));
  EXPECT_STREQ(req->Info.LibRequest.szApplication, "apitest");
  EXPECT_STREQ(req->Info.LibRequest.szUser, "root");
  EXPECT_NE(req->Info.LibRequest.TimeQueued.wYear, 0);
  EXPECT_NE(req->Info.LibRequest.TimeCompleted.wYear, 0);

  auto comp = Info(h_, List(h_, nullptr, NTMS_COMPUTER).at(0));
  EXPECT_EQ(comp.dwType, DWORD(NTMS_COMPUTER));
  EXPECT_EQ(std::string(comp.szName), HostName());

  // A preset dwType that matches is fine too.
  EXPECT_EQ(Info(h_, drive, NTMS_DRIVE).dwType, DWORD(NTMS_DRIVE));
  EXPECT_EQ(Info(h_, mid, NTMS_PHYSICAL_MEDIA).dwType, DWORD(NTMS_PHYSICAL_MEDIA));
}

TEST_F(ObjectsTest, GetInformationWReturnsTheSameStringsInUtf16) {
  // A non-ASCII application name shows the A (UTF-8) and W (UTF-16) forms differ in encoding only.
  const std::string app = "appl\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x93\xbc";  // "applé-€-📼"
  HANDLE h = Open(app.c_str());
  ASSERT_NE(h, INVALID_HANDLE_VALUE);
  NTMS_GUID media = MediaByBarcode(h, "A00003L6"), drive = NullGuid();
  ASSERT_EQ(MountNtmsMedia(h, &media, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, nullptr),
            DWORD(ERROR_SUCCESS));
  std::vector<NTMS_GUID> ids = {lib_,
                                drives_[0],
                                List(h, &lib_, NTMS_CHANGER).at(0),
                                List(h, &lib_, NTMS_STORAGESLOT).at(3),
                                List(h, &lib_, NTMS_IEPORT).at(0),
                                media,
                                SideOf(h, media),
                                TopPool("Free"),
                                Info(h, media).Info.PhysicalMedia.MediaType,
                                List(h, nullptr, NTMS_COMPUTER).at(0)};
  for (const auto& r : List(h, &lib_, NTMS_LIBREQUEST)) ids.push_back(r);
  bool saw_app = false;
  for (const auto& id : ids) {
    auto a = Info(h, id);
    auto w = InfoW(h, id);
    EXPECT_EQ(w.dwSize, DWORD(sizeof w));
    EXPECT_EQ(w.dwType, a.dwType);
    EXPECT_TRUE(SameGuid(w.ObjectGuid, a.ObjectGuid));
    EXPECT_EQ(w.Enabled, a.Enabled);
    EXPECT_EQ(w.dwOperationalState, a.dwOperationalState);
    EXPECT_EQ(W(w.szName), U16(a.szName)) << a.szName;
    EXPECT_EQ(W(w.szDescription), U16(a.szDescription));
    switch (a.dwType) {
      case NTMS_DRIVE:
        EXPECT_EQ(w.Info.Drive.Number, a.Info.Drive.Number);
        EXPECT_EQ(w.Info.Drive.State, a.Info.Drive.State);
        EXPECT_EQ(W(w.Info.Drive.szSerialNumber), U16(a.Info.Drive.szSerialNumber));
        EXPECT_EQ(W(w.Info.Drive.szDeviceName), U16(a.Info.Drive.szDeviceName));
        break;
      case NTMS_CHANGER:
        EXPECT_EQ(W(w.Info.Changer.szSerialNumber), U16(a.Info.Changer.szSerialNumber));
        EXPECT_EQ(W(w.Info.Changer.szDeviceName), U16(a.Info.Changer.szDeviceName));
        break;
      case NTMS_PHYSICAL_MEDIA:
        EXPECT_EQ(W(w.Info.PhysicalMedia.szBarCode), u"A00003L6");
        EXPECT_EQ(w.Info.PhysicalMedia.LocationType, a.Info.PhysicalMedia.LocationType);
        EXPECT_TRUE(SameGuid(w.Info.PhysicalMedia.Location, a.Info.PhysicalMedia.Location));
        break;
      case NTMS_STORAGESLOT:
        EXPECT_EQ(w.Info.StorageSlot.Number, a.Info.StorageSlot.Number);
        EXPECT_EQ(w.Info.StorageSlot.State, a.Info.StorageSlot.State);
        break;
      case NTMS_LIBRARY:
        EXPECT_EQ(w.Info.Library.dwNumberOfSlots, a.Info.Library.dwNumberOfSlots);
        break;
      case NTMS_LIBREQUEST:
        EXPECT_EQ(w.Info.LibRequest.OperationCode, a.Info.LibRequest.OperationCode);
        EXPECT_EQ(w.Info.LibRequest.State, a.Info.LibRequest.State);
        EXPECT_EQ(W(w.Info.LibRequest.szApplication), U16(a.Info.LibRequest.szApplication));
        EXPECT_EQ(W(w.Info.LibRequest.szUser), U16(a.Info.LibRequest.szUser));
        EXPECT_EQ(W(w.Info.LibRequest.szComputer), U16(a.Info.LibRequest.szComputer));
        if (a.Info.LibRequest.OperationCode == NTMS_LM_MOUNT && SameGuid(a.Info.LibRequest.PhysMediaId, media)) {
          saw_app = true;
          EXPECT_EQ(std::string(a.Info.LibRequest.szApplication), app);
          EXPECT_EQ(W(w.Info.LibRequest.szApplication), u"appl\u00e9-\u20ac-\U0001F4FC");
        }
        break;
      default:
        break;
    }
  }
  EXPECT_TRUE(saw_app) << "the mount request of the non-ASCII session was not found";
  CloseNtmsSession(h);
}

TEST_F(ObjectsTest, GetInformationInvalidParameter) {
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID drive = drives_[0];
  NTMS_OBJECTINFORMATIONA a, pattern;
  std::memset(&pattern, 0xCD, sizeof pattern);
  auto fresh = [&](DWORD size, DWORD type) {
    a = pattern;
    a.dwSize = size;
    a.dwType = type;
  };
  auto untouched = [&](DWORD size, DWORD type) {
    NTMS_OBJECTINFORMATIONA want = pattern;
    want.dwSize = size;
    want.dwType = type;
    return std::memcmp(&a, &want, sizeof a) == 0;
  };
  EXPECT_EQ(GetNtmsObjectInformationA(h_, nullptr, &a), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &drive, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(GetNtmsObjectInformationW(h_, nullptr, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  for (DWORD size : {DWORD(0), DWORD(sizeof(NTMS_OBJECTINFORMATIONA) - 1), DWORD(sizeof(NTMS_OBJECTINFORMATIONA) + 1),
                     DWORD(sizeof(NTMS_OBJECTINFORMATIONW))}) {
    fresh(size, NTMS_UNKNOWN);
    EXPECT_EQ(GetNtmsObjectInformationA(h_, &drive, &a), DWORD(ERROR_INVALID_PARAMETER)) << "dwSize " << size;
    EXPECT_TRUE(untouched(size, NTMS_UNKNOWN)) << "dwSize " << size;
  }
  NTMS_OBJECTINFORMATIONW w;
  for (DWORD size : {DWORD(0), DWORD(sizeof(NTMS_OBJECTINFORMATIONA))}) {
    std::memset(&w, 0, sizeof w);
    w.dwSize = size;
    EXPECT_EQ(GetNtmsObjectInformationW(h_, &drive, &w), DWORD(ERROR_INVALID_PARAMETER)) << "W dwSize " << size;
  }
  // A preset type that does not match the object.
  for (DWORD type :
       {DWORD(NTMS_LIBRARY), DWORD(NTMS_OBJECT), DWORD(NTMS_STORAGESLOT), DWORD(NTMS_PHYSICAL_MEDIA), DWORD(99)}) {
    fresh(sizeof a, type);
    EXPECT_EQ(GetNtmsObjectInformationA(h_, &drive, &a), DWORD(ERROR_INVALID_PARAMETER)) << "dwType " << type;
    EXPECT_TRUE(untouched(sizeof a, type)) << "dwType " << type;
    std::memset(&w, 0, sizeof w);
    w.dwSize = sizeof w;
    w.dwType = type;
    EXPECT_EQ(GetNtmsObjectInformationW(h_, &drive, &w), DWORD(ERROR_INVALID_PARAMETER)) << "W dwType " << type;
  }
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(ObjectsTest, GetInformationObjectNotFound) {
  NTMS_GUID unknown = RandomGuid();
  NTMS_OBJECTINFORMATIONA a{};
  a.dwSize = sizeof a;
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &unknown, &a), DWORD(ERROR_OBJECT_NOT_FOUND));
  a.dwType = NTMS_DRIVE;
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &unknown, &a), DWORD(ERROR_OBJECT_NOT_FOUND));
  NTMS_OBJECTINFORMATIONW w{};
  w.dwSize = sizeof w;
  EXPECT_EQ(GetNtmsObjectInformationW(h_, &unknown, &w), DWORD(ERROR_OBJECT_NOT_FOUND));
}

TEST_F(ObjectsTest, GetInformationNotEnoughMemory) {
  std::string before = Snapshot(h_, "sim0");
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "GetNtmsObjectInformation@read"), 0u);
  NTMS_OBJECTINFORMATIONA a{};
  a.dwSize = sizeof a;
  NTMS_GUID lib = lib_;
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &lib, &a), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(a.dwType, DWORD(NTMS_UNKNOWN)) << "untouched on failure";
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "GetNtmsObjectInformation@read"), 0u);
  NTMS_OBJECTINFORMATIONW w{};
  w.dwSize = sizeof w;
  EXPECT_EQ(GetNtmsObjectInformationW(h_, &lib, &w), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &lib, &a), DWORD(ERROR_SUCCESS)) << "armed for one call only";
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(ObjectsTest, GetInformationNeedsOnlyUseAccess) {
  // ERROR_ACCESS_DENIED cannot be produced: NTMS_USE_ACCESS is everyone's by default.
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run a probe as another uid";
  for (const auto& id : {lib_, drives_[0], MediaByBarcode(h_, "A00001L6"), TopPool("Free")})
    EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"getinfo", GuidText(id)}), uint32_t(ERROR_SUCCESS)) << GuidText(id);
}

// ---- EnableNtmsObject / DisableNtmsObject ------------------------------------------------

TEST_F(ObjectsTest, EnableDisableSucceedAndRecordRequests) {
  NTMS_GUID media = MediaByBarcode(h_, "A00004L6");
  struct Case {
    DWORD type;
    NTMS_GUID id;
    DWORD disable_op, enable_op;
  } cases[] = {
      {NTMS_DRIVE, drives_[1], NTMS_LM_DISABLEDRIVE, NTMS_LM_ENABLEDRIVE},
      {NTMS_PHYSICAL_MEDIA, media, NTMS_LM_DISABLEMEDIA, NTMS_LM_ENABLEMEDIA},
      {NTMS_LIBRARY, lib_, NTMS_LM_DISABLELIBRARY, NTMS_LM_ENABLELIBRARY},
  };
  for (auto& c : cases) {
    for (bool enable : {false, true}) {
      size_t nreq = List(h_, &lib_, NTMS_LIBREQUEST).size();
      DWORD rc = enable ? EnableNtmsObject(h_, c.type, &c.id) : DisableNtmsObject(h_, c.type, &c.id);
      ASSERT_EQ(rc, DWORD(ERROR_SUCCESS)) << "type " << c.type << (enable ? " enable" : " disable");
      EXPECT_EQ(bool(Info(h_, c.id).Enabled), enable);
      EXPECT_EQ(List(h_, &lib_, NTMS_LIBREQUEST).size(), nreq + 1) << "one request per call";
      DWORD op = enable ? c.enable_op : c.disable_op;
      auto r = LastRequest(op);
      ASSERT_TRUE(r.has_value()) << "no request with operation " << op;
      EXPECT_EQ(r->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
      EXPECT_EQ(r->Info.LibRequest.dwErrorCode, DWORD(ERROR_SUCCESS));
      EXPECT_TRUE(SameGuid(r->Info.LibRequest.Library, lib_));
      EXPECT_STREQ(r->Info.LibRequest.szApplication, "apitest");
      if (c.type == NTMS_DRIVE) {
        EXPECT_TRUE(SameGuid(r->Info.LibRequest.DriveId, c.id));
      }
      if (c.type == NTMS_PHYSICAL_MEDIA) {
        EXPECT_TRUE(SameGuid(r->Info.LibRequest.PhysMediaId, c.id));
      }
    }
  }
  // Disabled objects are refused by other operations.
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_PHYSICAL_MEDIA, &media), DWORD(ERROR_SUCCESS));
  NTMS_GUID drive = NullGuid();
  EXPECT_NE(MountNtmsMedia(h_, &media, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE,
                           NTMS_PRIORITY_NORMAL, 2000, nullptr),
            DWORD(ERROR_SUCCESS))
      << "a disabled cartridge must not be mounted";
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_PHYSICAL_MEDIA, &media), DWORD(ERROR_SUCCESS));
}

// DisableNtmsObject: "All objects contained by a disabled object are also
// disabled. For example, disabling a piece of physical media disables all
// sides." Reported by GetNtmsObjectInformation; enabling restores each
// object's own state (an object disabled by itself stays disabled).
TEST_F(ObjectsTest, DisableCascadesToContainedObjects) {
  NTMS_GUID media = MediaByBarcode(h_, "A00004L6"), other = MediaByBarcode(h_, "A00001L6");
  NTMS_GUID side = SideOf(h_, media);
  auto slots = List(h_, &lib_, NTMS_STORAGESLOT), ports = List(h_, &lib_, NTMS_IEPORT);
  auto changers = List(h_, &lib_, NTMS_CHANGER);
  ASSERT_FALSE(slots.empty());
  ASSERT_FALSE(changers.empty());
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_PHYSICAL_MEDIA, &media), DWORD(ERROR_SUCCESS));
  EXPECT_FALSE(Info(h_, side).Enabled) << "a side of a disabled cartridge";
  EXPECT_TRUE(Info(h_, SideOf(h_, other)).Enabled);
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_SUCCESS));
  std::vector<NTMS_GUID> contained = {drives_[0], drives_[1], slots[0], changers[0], other, SideOf(h_, other)};
  if (!ports.empty()) contained.push_back(ports[0]);
  for (const auto& id : contained) EXPECT_FALSE(Info(h_, id).Enabled) << GuidText(id) << " in a disabled library";
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_SUCCESS));
  EXPECT_FALSE(Info(h_, drives_[0]).Enabled) << "disabled by itself";
  EXPECT_TRUE(Info(h_, drives_[1]).Enabled);
  EXPECT_TRUE(Info(h_, other).Enabled);
  EXPECT_TRUE(Info(h_, slots[0]).Enabled);
  EXPECT_FALSE(Info(h_, side).Enabled);
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_PHYSICAL_MEDIA, &media), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(Info(h_, side).Enabled);
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_SUCCESS));
  EXPECT_TRUE(Info(h_, drives_[0]).Enabled);
}

TEST_F(ObjectsTest, EnableDisableInvalidState) {
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(EnableNtmsObject(h_, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_INVALID_STATE));
  EXPECT_EQ(EnableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_INVALID_STATE));
  EXPECT_EQ(EnableNtmsObject(h_, NTMS_PHYSICAL_MEDIA, &media), DWORD(ERROR_INVALID_STATE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before) << "no request recorded for a refused call";
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_SUCCESS));
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_PHYSICAL_MEDIA, &media), DWORD(ERROR_SUCCESS));
  before = Snapshot(h_, "sim0");
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_INVALID_STATE));
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_INVALID_STATE));
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_PHYSICAL_MEDIA, &media), DWORD(ERROR_INVALID_STATE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(ObjectsTest, EnableDisableInvalidParameter) {
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(EnableNtmsObject(h_, NTMS_DRIVE, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID slot = List(h_, &lib_, NTMS_STORAGESLOT).at(0);
  NTMS_GUID changer = List(h_, &lib_, NTMS_CHANGER).at(0);
  NTMS_GUID side = SideOf(h_, MediaByBarcode(h_, "A00001L6"));
  struct Case {
    DWORD type;
    NTMS_GUID id;
  } cases[] = {{NTMS_STORAGESLOT, slot},   {NTMS_CHANGER, changer},         {NTMS_PARTITION, side},
               {NTMS_UNKNOWN, drives_[0]}, {NTMS_OBJECT, drives_[0]},       {NTMS_IEPORT, slot},
               {99, drives_[0]},           {NTMS_STORAGESLOT, RandomGuid()}};
  for (auto& c : cases) {
    EXPECT_EQ(DisableNtmsObject(h_, c.type, &c.id), DWORD(ERROR_INVALID_PARAMETER)) << "type " << c.type;
    EXPECT_EQ(EnableNtmsObject(h_, c.type, &c.id), DWORD(ERROR_INVALID_PARAMETER)) << "type " << c.type;
  }
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(ObjectsTest, EnableDisableObjectNotFound) {
  std::string before = Snapshot(h_, "sim0");
  NTMS_GUID unknown = RandomGuid();
  NTMS_GUID slot = List(h_, &lib_, NTMS_STORAGESLOT).at(0);
  NTMS_GUID media = MediaByBarcode(h_, "A00001L6");
  struct Case {
    DWORD type;
    NTMS_GUID id;
    const char* what;
  } cases[] = {{NTMS_DRIVE, unknown, "unknown id"},
               {NTMS_LIBRARY, unknown, "unknown library"},
               {NTMS_PHYSICAL_MEDIA, unknown, "unknown media"},
               {NTMS_DRIVE, slot, "a slot as a drive"},
               {NTMS_DRIVE, lib_, "a library as a drive"},
               {NTMS_LIBRARY, drives_[0], "a drive as a library"},
               {NTMS_PHYSICAL_MEDIA, lib_, "a library as media"},
               {NTMS_LIBRARY, media, "media as a library"}};
  for (auto& c : cases) {
    EXPECT_EQ(DisableNtmsObject(h_, c.type, &c.id), DWORD(ERROR_OBJECT_NOT_FOUND)) << c.what;
    EXPECT_EQ(EnableNtmsObject(h_, c.type, &c.id), DWORD(ERROR_OBJECT_NOT_FOUND)) << c.what;
  }
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(ObjectsTest, EnableDisableAccessDenied) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run a probe as another uid";
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6");
  std::string before = Snapshot(h_, "sim0");
  for (const auto& [type, id] :
       {std::pair{NTMS_DRIVE, drives_[0]}, std::pair{NTMS_LIBRARY, lib_}, std::pair{NTMS_PHYSICAL_MEDIA, media}}) {
    EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"disable", std::to_string(type), GuidText(id)}),
              uint32_t(ERROR_ACCESS_DENIED))
        << "type " << type;
  }
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  // Parameter errors come before the access check.
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"disable", "16", GuidText(drives_[0])}), uint32_t(ERROR_INVALID_PARAMETER));
  // root may; then nobody may not enable it again either.
  ASSERT_EQ(ProbeAs(*d_, 0, 0, {"disable", "5", GuidText(drives_[0])}), uint32_t(ERROR_SUCCESS));
  before = Snapshot(h_, "sim0");
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"enable", "5", GuidText(drives_[0])}), uint32_t(ERROR_ACCESS_DENIED));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  EXPECT_EQ(ProbeAs(*d_, 0, 0, {"enable", "5", GuidText(drives_[0])}), uint32_t(ERROR_SUCCESS));
}

TEST_F(ObjectsTest, EnableDisableLibraryOffline) {
  NTMS_GUID media = MediaByBarcode(h_, "A00002L6");
  TakeLibraryOffline();
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_LIBRARY_OFFLINE));
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_LIBRARY_OFFLINE));
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_PHYSICAL_MEDIA, &media), DWORD(ERROR_LIBRARY_OFFLINE));
  EXPECT_EQ(EnableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_LIBRARY_OFFLINE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  Repair();
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(EnableNtmsObject(h_, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_SUCCESS));
}

TEST_F(ObjectsTest, EnableDisableLibraryNoLongerPresentIsOffline) {
  auto tape = Drives(h_, "tape0");
  ASSERT_EQ(tape.size(), 1u);
  NTMS_GUID tape_lib = LibraryId(h_, "tape0");
  DaemonOptions opts;
  opts.standalone_library = false;
  Restart(opts);
  std::string before = Snapshot(h_, "tape0");
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &tape[0]), DWORD(ERROR_LIBRARY_OFFLINE));
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &tape_lib), DWORD(ERROR_LIBRARY_OFFLINE));
  EXPECT_EQ(Snapshot(h_, "tape0"), before);
}

TEST_F(ObjectsTest, EnableDisableDatabaseFailure) {
  DamageCatalogue(*d_);
  EXPECT_EQ(DisableNtmsObject(h_, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_EQ(EnableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_DATABASE_FAILURE));
  EXPECT_TRUE(d_->Running()) << "rsmd must stay up";
}

TEST_F(ObjectsTest, EnableDisableInvalidHandle) {
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(DisableNtmsObject(closed, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(EnableNtmsObject(nullptr, NTMS_DRIVE, &drives_[0]), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

// ---- InventoryNtmsLibrary ---------------------------------------------------------------

// NTMS_INVENTORY_FAST is a bar-code inventory: on a SCSI changer rsmd first
// has the robot rescan (INITIALIZE ELEMENT STATUS; tgt accepts it), then
// reads the element status; the sim has nothing to rescan.
TEST_F(ObjectsTest, FastInventoryRescansThenReconciles) {
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_FAST), DWORD(ERROR_SUCCESS)) << d_->log();
  auto last = LastRequest(NTMS_LM_INVENTORY);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  if (TgtBackend())
    EXPECT_NE(d_->log().find("elements rescanned (INITIALIZE ELEMENT STATUS)"), std::string::npos)
        << "no rescan was sent\n"
        << d_->log();
  else
    EXPECT_EQ(d_->log().find("INITIALIZE ELEMENT STATUS"), std::string::npos);
  // NTMS_INVENTORY_DEFAULT is the library's InventoryMethod, reported: FAST.
  EXPECT_EQ(Info(h_, lib_).Info.Library.InventoryMethod, DWORD(NTMS_INVENTORY_FAST));
  const size_t before = d_->log().size();
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  if (TgtBackend()) {
    EXPECT_NE(d_->log().substr(before).find("elements rescanned (INITIALIZE ELEMENT STATUS)"), std::string::npos)
        << "DEFAULT did not do what FAST does\n"
        << d_->log();
  }
  last = LastRequest(NTMS_LM_INVENTORY);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

// The catalogue snapshot without its request count.
std::string NoRequestCount(const std::string& snapshot) {
  auto p = snapshot.find("requests=");
  return p == std::string::npos ? snapshot : snapshot.substr(0, p);
}

// NTMS_INVENTORY_STOP "stops the current inventory in the specified
// library": the running one ends cancelled at its next step (its caller gets
// ERROR_CANCELLED), one queued behind it is cancelled at once, and the
// catalogue is as it was. With nothing running, STOP succeeds and does nothing.
TEST_F(ObjectsTest, InventoryStopEndsTheRunningAndQueuedInventories) {
  SKIP_UNLESS_SIM();  // tgt rescans in no time: nothing to stop
  DaemonOptions opts;
  opts.time_scale = 0.5;  // a FAST inventory: 5 s of rescan, then 15 s of reading
  Restart(opts);
  lib_ = LibraryId(h_, "sim0");
  EXPECT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_STOP), DWORD(ERROR_SUCCESS)) << "nothing to stop";
  std::string before = NoRequestCount(Snapshot(h_, "sim0"));
  HANDLE a = Another("inventory-a"), b = Another("inventory-b");
  NTMS_GUID lib = lib_;
  auto first = std::async(std::launch::async, [&] { return InventoryNtmsLibrary(a, &lib, NTMS_INVENTORY_FAST); });
  // Until the first runs, a second queues behind it.
  bool running = false;
  for (int i = 0; i < 400 && !running; ++i) {
    for (const auto& r : Requests(h_, "sim0"))
      running |= r.Info.LibRequest.OperationCode == NTMS_LM_INVENTORY && r.Info.LibRequest.State == NTMS_LM_INPROCESS;
    if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(running) << d_->log();
  auto second = std::async(std::launch::async, [&] { return InventoryNtmsLibrary(b, &lib, NTMS_INVENTORY_FAST); });
  int queued = 0;
  for (int i = 0; i < 400 && queued == 0; ++i) {
    for (const auto& r : Requests(h_, "sim0"))
      queued += r.Info.LibRequest.OperationCode == NTMS_LM_INVENTORY &&
                (r.Info.LibRequest.State == NTMS_LM_QUEUED || r.Info.LibRequest.State == NTMS_LM_WAITING);
    if (queued == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(queued, 1) << d_->log();
  EXPECT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_STOP), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(second.get(), DWORD(ERROR_CANCELLED));
  EXPECT_EQ(first.get(), DWORD(ERROR_CANCELLED));
  int cancelled = 0;
  for (const auto& r : Requests(h_, "sim0"))
    if (r.Info.LibRequest.OperationCode == NTMS_LM_INVENTORY) {
      EXPECT_EQ(r.Info.LibRequest.State, DWORD(NTMS_LM_CANCELLED));
      cancelled += r.Info.LibRequest.State == NTMS_LM_CANCELLED;
    }
  EXPECT_EQ(cancelled, 2);
  EXPECT_EQ(NoRequestCount(Snapshot(h_, "sim0")), before);
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  CloseNtmsSession(a);
  CloseNtmsSession(b);
}

TEST_F(ObjectsTest, InventoryReconcilesOperatorChanges) {
  NTMS_GUID removed = MediaByBarcode(h_, "A00003L6");
  ASSERT_EQ(d_->Hook("sim0", "place", 0, 0, "ieport:0:NEW001L6"), 0u);
  ASSERT_EQ(d_->Hook("sim0", "remove", 0, 0, "slot:2"), 0u);
  EXPECT_NE(CompareWithDevice(h_, *d_, "sim0"), "") << "the catalogue cannot know yet";
  ASSERT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // The new cartridge: in the library, in the IE port, in the Free pool.
  NTMS_GUID added = MediaByBarcode(h_, "NEW001L6");
  auto a = Info(h_, added);
  EXPECT_TRUE(SameGuid(a.Info.PhysicalMedia.CurrentLibrary, lib_));
  EXPECT_EQ(a.Info.PhysicalMedia.LocationType, DWORD(NTMS_IEPORT));
  EXPECT_EQ(Info(h_, a.Info.PhysicalMedia.Location).Info.IEPort.Number, 0u);
  EXPECT_EQ(Info(h_, a.Info.PhysicalMedia.Location).Info.IEPort.Content, DWORD(NTMS_PORTCONTENT_FULL));
  auto pool = Info(h_, a.Info.PhysicalMedia.MediaPool);
  EXPECT_STREQ(Info(h_, pool.Info.MediaPool.Parent).szName, "Free");
  EXPECT_EQ(List(h_, &lib_, NTMS_PHYSICAL_MEDIA).size(), 4u) << "one in, one out";
  EXPECT_TRUE(Contains(List(h_, &a.Info.PhysicalMedia.MediaPool, NTMS_PHYSICAL_MEDIA), added));
  EXPECT_EQ(List(h_, &added, NTMS_PARTITION).size(), 1u) << "a new cartridge gets its side";
  // The removed cartridge: still catalogued, no longer in the library.
  EXPECT_FALSE(Contains(List(h_, &lib_, NTMS_PHYSICAL_MEDIA), removed));
  auto r = Info(h_, removed);
  EXPECT_TRUE(SameGuid(r.Info.PhysicalMedia.CurrentLibrary, OfflineLibraryId(h_))) << "in the offline library";
  EXPECT_NE(r.Info.PhysicalMedia.LocationType, DWORD(NTMS_STORAGESLOT));
  auto slot2 = List(h_, &lib_, NTMS_STORAGESLOT);
  for (const auto& s : slot2) {
    auto i = Info(h_, s);
    if (i.Info.StorageSlot.Number == 2) {
      EXPECT_EQ(i.Info.StorageSlot.State, DWORD(NTMS_SLOTSTATE_EMPTY));
    }
  }
  // Recorded as a completed inventory request.
  auto req = LastRequest(NTMS_LM_INVENTORY);
  ASSERT_TRUE(req.has_value());
  EXPECT_EQ(req->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  // The other methods work too; STOP with nothing running is a no-op.
  EXPECT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_FAST), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_OMID), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_STOP), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  // The stand-alone drive can be inventoried too.
  NTMS_GUID tape = LibraryId(h_, "tape0");
  EXPECT_EQ(InventoryNtmsLibrary(h_, &tape, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
}

TEST_F(ObjectsTest, InventoryInvalidParameter) {
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(InventoryNtmsLibrary(h_, nullptr, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID unknown = RandomGuid(), zero = NullGuid();
  EXPECT_EQ(InventoryNtmsLibrary(h_, &unknown, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(InventoryNtmsLibrary(h_, &zero, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(InventoryNtmsLibrary(h_, &drives_[0], NTMS_INVENTORY_DEFAULT), DWORD(ERROR_INVALID_PARAMETER))
      << "a drive id is not a library id";
  for (DWORD action : {DWORD(NTMS_INVENTORY_MAX), DWORD(99), DWORD(0xFFFFFFFFu)})
    EXPECT_EQ(InventoryNtmsLibrary(h_, &lib_, action), DWORD(ERROR_INVALID_PARAMETER)) << "action " << action;
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(ObjectsTest, InventoryInvalidLibraryWhenNoLongerPresent) {
  NTMS_GUID tape = LibraryId(h_, "tape0");
  DaemonOptions opts;
  opts.standalone_library = false;
  Restart(opts);
  EXPECT_EQ(Info(h_, tape).dwOperationalState, DWORD(NTMS_NOT_PRESENT));
  std::string before = Snapshot(h_, "tape0");
  EXPECT_EQ(InventoryNtmsLibrary(h_, &tape, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_INVALID_LIBRARY));
  EXPECT_EQ(Snapshot(h_, "tape0"), before);
}

TEST_F(ObjectsTest, InventoryDeviceNotAvailable) {
  // Disabled library.
  ASSERT_EQ(DisableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
  ASSERT_EQ(EnableNtmsObject(h_, NTMS_LIBRARY, &lib_), DWORD(ERROR_SUCCESS));
  // The device does not answer: the library goes offline, and comes back once repaired.
  ASSERT_EQ(d_->Hook("sim0", "unavailable", 0, 1), 0u);
  EXPECT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  EXPECT_EQ(Info(h_, lib_).dwOperationalState, DWORD(NTMS_NEEDS_SERVICE));
  EXPECT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_FAST), DWORD(ERROR_DEVICE_NOT_AVAILABLE));
  ASSERT_EQ(d_->Hook("sim0", "unavailable", 0, 0), 0u);
  EXPECT_EQ(InventoryNtmsLibrary(h_, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(Info(h_, lib_).dwOperationalState, DWORD(NTMS_READY));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(ObjectsTest, InventoryAccessDenied) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run a probe as another uid";
  ASSERT_EQ(d_->Hook("sim0", "place", 0, 0, "ieport:1:NEW002L6"), 0u);
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"inventory", GuidText(lib_)}), uint32_t(ERROR_ACCESS_DENIED));
  EXPECT_EQ(Snapshot(h_, "sim0"), before) << "no request, nothing reconciled";
  EXPECT_EQ(ProbeAs(*d_, 0, 0, {"inventory", GuidText(lib_)}), uint32_t(ERROR_SUCCESS));
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
}

TEST_F(ObjectsTest, InventoryInvalidHandle) {
  HANDLE closed = Open();
  ASSERT_EQ(CloseNtmsSession(closed), DWORD(ERROR_SUCCESS));
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(InventoryNtmsLibrary(closed, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(InventoryNtmsLibrary(nullptr, &lib_, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

// ---- CancelNtmsLibraryRequest --------------------------------------------------------------

TEST_F(ObjectsTest, CancelObjectNotFoundAndInvalidParameter) {
  MountBarcode("A00001L6");
  auto done = LastRequest(NTMS_LM_MOUNT);
  ASSERT_TRUE(done.has_value());
  ASSERT_EQ(done->Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  NTMS_GUID done_id = done->ObjectGuid;
  std::string before = Snapshot(h_, "sim0");
  EXPECT_EQ(CancelNtmsLibraryRequest(h_, &done_id), DWORD(ERROR_OBJECT_NOT_FOUND)) << "already completed";
  EXPECT_EQ(Info(h_, done_id).Info.LibRequest.State, DWORD(NTMS_LM_PASSED)) << "and left alone";
  NTMS_GUID unknown = RandomGuid();
  EXPECT_EQ(CancelNtmsLibraryRequest(h_, &unknown), DWORD(ERROR_OBJECT_NOT_FOUND));
  EXPECT_EQ(CancelNtmsLibraryRequest(h_, &drives_[0]), DWORD(ERROR_OBJECT_NOT_FOUND)) << "a drive is no request";
  EXPECT_EQ(CancelNtmsLibraryRequest(h_, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID zero = NullGuid();
  EXPECT_EQ(CancelNtmsLibraryRequest(h_, &zero), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(CancelNtmsLibraryRequest(nullptr, &done_id), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

TEST_F(ObjectsTest, CancelAccessDeniedForNonAdministrator) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run a probe as another uid";
  MountBarcode("A00001L6");
  auto done = LastRequest(NTMS_LM_MOUNT);
  ASSERT_TRUE(done.has_value());
  std::string before = Snapshot(h_, "sim0");
  // Only an administrator may cancel; the access check precedes the state check.
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"cancel", GuidText(done->ObjectGuid)}), uint32_t(ERROR_ACCESS_DENIED));
  EXPECT_EQ(ProbeAs(*d_, 0, 0, {"cancel", GuidText(done->ObjectGuid)}), uint32_t(ERROR_OBJECT_NOT_FOUND));
  EXPECT_EQ(ProbeAs(*d_, 65534, 65534, {"cancel", GuidText(RandomGuid())}), uint32_t(ERROR_OBJECT_NOT_FOUND));
  EXPECT_EQ(Snapshot(h_, "sim0"), before);
}

// A queued request, made deterministically: with time_scale 0.1 a robot move
// takes 0.8 s. Thread A mounts A00001L6 into drive 0 (specific drive); once
// its request is INPROCESS (the worker is busy moving), thread B asks for
// A00002L6 in the same specific drive. B's request is queued behind A's and,
// once A's cartridge sits in drive 0, it can never run (it is parked WAITING
// for the drive). So B's request stays outstanding until it is cancelled,
// however the threads are scheduled; the only timing assumption is that B's
// call reaches rsmd within A's 0.8 s move.
class ObjectsCancelQueuedTest : public ObjectsTest {
 protected:
  void SetUp() override {
    DaemonOptions opts;
    opts.time_scale = 0.1;  // start-up inventory 3 s, a move 0.8 s
    StartDaemon(opts);
  }
  std::optional<NTMS_OBJECTINFORMATIONA> RequestFor(const NTMS_GUID& media, DWORD op) {
    for (const auto& r : Requests(h_, "sim0"))
      if (r.Info.LibRequest.OperationCode == op && SameGuid(r.Info.LibRequest.PhysMediaId, media)) return r;
    return std::nullopt;
  }
};

TEST_F(ObjectsCancelQueuedTest, CancelQueuedMount) {
  NTMS_GUID ma = MediaByBarcode(h_, "A00001L6"), mb = MediaByBarcode(h_, "A00002L6");
  NTMS_GUID slot_b = Info(h_, mb).Info.PhysicalMedia.Location;
  NTMS_GUID drive0 = drives_[0];
  std::atomic<DWORD> rc_a{~0u}, rc_b{~0u};
  HANDLE ha = Open("thread-a"), hb = Open("thread-b");
  std::thread ta([&] {
    NTMS_GUID m = ma, d = drive0;
    rc_a = MountNtmsMedia(ha, &m, &d, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, NTMS_PRIORITY_NORMAL, 30000,
                          nullptr);
  });
  // Wait until A's mount is in the robot's hands.
  std::optional<NTMS_OBJECTINFORMATIONA> ra;
  for (int i = 0; i < 2000; ++i) {
    ra = RequestFor(ma, NTMS_LM_MOUNT);
    if (ra && ra->Info.LibRequest.State == NTMS_LM_INPROCESS) break;
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_TRUE(ra && ra->Info.LibRequest.State == NTMS_LM_INPROCESS) << d_->log();
  std::thread tb([&] {
    NTMS_GUID m = mb, d = drive0;
    rc_b = MountNtmsMedia(hb, &m, &d, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, NTMS_PRIORITY_NORMAL, 30000,
                          nullptr);
  });
  std::optional<NTMS_OBJECTINFORMATIONA> rb;
  for (int i = 0; i < 2000 && !rb; ++i) {
    rb = RequestFor(mb, NTMS_LM_MOUNT);
    if (!rb) std::this_thread::sleep_for(1ms);
  }
  ASSERT_TRUE(rb.has_value()) << "B's mount was not queued";
  NTMS_GUID a_id = ra->ObjectGuid, b_id = rb->ObjectGuid;
  // A request being handled cannot be cancelled (SDK: ERROR_ACCESS_DENIED).
  // (A is still moving: B got queued within microseconds of A starting.)
  DWORD a_before = Info(h_, a_id).Info.LibRequest.State;
  DWORD rc_cancel_a = CancelNtmsLibraryRequest(h_, &a_id);
  DWORD a_after = Info(h_, a_id).Info.LibRequest.State;
  EXPECT_EQ(a_before, DWORD(NTMS_LM_INPROCESS)) << "A's move ended before the test could look at it";
  if (a_after == NTMS_LM_INPROCESS) {
    EXPECT_EQ(rc_cancel_a, DWORD(ERROR_ACCESS_DENIED)) << "cancel of a request in process";
  } else {  // A finished between the two looks: either answer is right
    EXPECT_TRUE(rc_cancel_a == ERROR_ACCESS_DENIED || rc_cancel_a == ERROR_OBJECT_NOT_FOUND) << rc_cancel_a;
  }
  EXPECT_NE(Info(h_, a_id).Info.LibRequest.State, DWORD(NTMS_LM_CANCELLED)) << "A was not cancelled";
  // An allocation failure leaves the request queued.
  ASSERT_EQ(d_->Hook("", "oom", 0, 1, "CancelNtmsLibraryRequest"), 0u);
  EXPECT_EQ(CancelNtmsLibraryRequest(h_, &b_id), DWORD(ERROR_NOT_ENOUGH_MEMORY));
  DWORD sb = Info(h_, b_id).Info.LibRequest.State;
  EXPECT_TRUE(sb == NTMS_LM_QUEUED || sb == NTMS_LM_WAITING || sb == NTMS_LM_INPROCESS) << sb;
  // The cancel. B is QUEUED (A still moving) or WAITING (A done, drive 0 full); in the instant the
  // worker re-examines it, it is INPROCESS and the cancel is refused: retry then.
  DWORD rc_cancel = ~0u;
  for (int i = 0; i < 100; ++i) {
    rc_cancel = CancelNtmsLibraryRequest(h_, &b_id);
    if (rc_cancel != ERROR_ACCESS_DENIED) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(rc_cancel, DWORD(ERROR_SUCCESS));
  tb.join();
  ta.join();
  EXPECT_EQ(rc_a.load(), DWORD(ERROR_SUCCESS));
  EXPECT_EQ(rc_b.load(), DWORD(ERROR_CANCELLED)) << "the waiting caller learns of the cancel";
  auto b = Info(h_, b_id).Info.LibRequest;
  EXPECT_EQ(b.State, DWORD(NTMS_LM_CANCELLED));
  EXPECT_EQ(b.dwErrorCode, DWORD(ERROR_CANCELLED));
  EXPECT_NE(b.TimeCompleted.wYear, 0);
  EXPECT_EQ(Info(h_, a_id).Info.LibRequest.State, DWORD(NTMS_LM_PASSED));
  // Cancelled is no longer outstanding.
  EXPECT_EQ(CancelNtmsLibraryRequest(h_, &b_id), DWORD(ERROR_OBJECT_NOT_FOUND));
  // B's cartridge never moved; A's is in drive 0.
  auto mbi = Info(h_, mb).Info.PhysicalMedia;
  EXPECT_EQ(mbi.LocationType, DWORD(NTMS_STORAGESLOT));
  EXPECT_TRUE(SameGuid(mbi.Location, slot_b));
  EXPECT_TRUE(SameGuid(Info(h_, ma).Info.PhysicalMedia.Location, drive0));
  WaitIdle(h_, "sim0");
  EXPECT_EQ(CompareWithDevice(h_, *d_, "sim0"), "");
  CloseNtmsSession(ha);
  CloseNtmsSession(hb);
}

}  // namespace
}  // namespace openrsm::apitest
