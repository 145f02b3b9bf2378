// Bad input to every implemented entry point (src/client/api_status.h): NULL
// pointers, wrong size and count fields, unknown GUIDs, ids of the wrong
// object type, strings that are too long or not valid UTF-8/UTF-16, a closed
// handle and a handle inherited by another process. Each call must return its
// documented error, never crash (rsmd stays up), and leave the catalogue as it
// was (Snapshot() before == after).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "tests/api/harness.h"

namespace openrsm::apitest {
namespace {

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    d_ = std::make_unique<Daemon>();
    d_->Start();
    h_ = Open("badinput");
    lib_ = LibraryId(h_, "sim0");
    drives_ = Drives(h_, "sim0");
    ASSERT_EQ(drives_.size(), 2u);
    media_ = MediaByBarcode(h_, "A00001L6");
    side_ = SideOf(h_, media_);
    slot_ = List(h_, &lib_, NTMS_STORAGESLOT).at(0);
    // A cartridge in a drive, so drive/media calls have something to refuse to touch,
    // and a completed request.
    NTMS_GUID m = MediaByBarcode(h_, "A00002L6");
    mounted_drive_ = drives_[1];
    ASSERT_EQ(MountNtmsMedia(h_, &m, &mounted_drive_, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE,
                             NTMS_PRIORITY_NORMAL, 10000, nullptr),
              DWORD(ERROR_SUCCESS));
    mounted_media_ = m;
    auto reqs = List(h_, &lib_, NTMS_LIBREQUEST);
    ASSERT_FALSE(reqs.empty());
    request_ = reqs.front();
    before_ = Snapshot(h_, "sim0");
    before_tape_ = Snapshot(h_, "tape0");
  }
  void TearDown() override {
    if (h_ && h_ != INVALID_HANDLE_VALUE) {
      EXPECT_TRUE(d_->Running()) << "rsmd must survive bad input";
      EXPECT_EQ(Snapshot(h_, "sim0"), before_) << "a refused call changed the catalogue";
      EXPECT_EQ(Snapshot(h_, "tape0"), before_tape_);
      CloseNtmsSession(h_);
    }
  }
  // A handle that was valid once.
  HANDLE Closed() {
    HANDLE h = Open("closed");
    EXPECT_EQ(CloseNtmsSession(h), DWORD(ERROR_SUCCESS));
    return h;
  }

  std::unique_ptr<Daemon> d_;
  HANDLE h_ = nullptr;
  NTMS_GUID lib_{}, media_{}, side_{}, slot_{}, mounted_drive_{}, mounted_media_{}, request_{};
  std::vector<NTMS_GUID> drives_;
  std::string before_, before_tape_;
};

// ---- OpenNtmsSessionA/W -----------------------------------------------------------------

TEST_F(BadInputTest, OpenNtmsSessionA) {
  auto fails = [](HANDLE h, DWORD code, const std::string& what) {
    EXPECT_EQ(h, INVALID_HANDLE_VALUE) << what;
    EXPECT_EQ(OpenRsmGetLastError(), code) << what;
    if (h != INVALID_HANDLE_VALUE) CloseNtmsSession(h);
  };
  std::string long_app(64, 'x'), very_long(100000, 'x');
  fails(OpenNtmsSessionA(nullptr, long_app.c_str(), 0), ERROR_INVALID_PARAMETER, "application name of 64");
  fails(OpenNtmsSessionA(nullptr, very_long.c_str(), 0), ERROR_INVALID_PARAMETER, "application name of 100000");
  fails(OpenNtmsSessionA(long_app.c_str(), "app", 0), ERROR_INVALID_COMPUTERNAME, "server name of 64");
  fails(OpenNtmsSessionA(very_long.c_str(), "app", 0), ERROR_INVALID_COMPUTERNAME, "server name of 100000");
  // Not UTF-8: stray bytes, a truncated sequence, an overlong form, an encoded surrogate.
  for (const char* bad : {"\xff\xfe", "abc\xc3", "\xc0\xaf", "\xed\xa0\x80"}) {
    fails(OpenNtmsSessionA(nullptr, bad, 0), ERROR_INVALID_PARAMETER, std::string("application ") + bad);
    fails(OpenNtmsSessionA(bad, "app", 0), ERROR_INVALID_COMPUTERNAME, std::string("server ") + bad);
  }
  fails(OpenNtmsSessionA(nullptr, "app", 0x8000'0000u), ERROR_INVALID_PARAMETER, "options");
  fails(OpenNtmsSessionA("not-this-host.invalid", "app", 0), ERROR_INVALID_COMPUTERNAME, "remote server");
  // Multi-byte UTF-8 that fits is fine.
  HANDLE h = OpenNtmsSessionA(nullptr, "b\xc3\xa4nder", 0);
  EXPECT_NE(h, INVALID_HANDLE_VALUE) << OpenRsmGetLastError();
  CloseNtmsSession(h);
}

TEST_F(BadInputTest, OpenNtmsSessionW) {
  auto fails = [](HANDLE h, DWORD code, const std::string& what) {
    EXPECT_EQ(h, INVALID_HANDLE_VALUE) << what;
    EXPECT_EQ(OpenRsmGetLastError(), code) << what;
    if (h != INVALID_HANDLE_VALUE) CloseNtmsSession(h);
  };
  std::u16string long_app(64, u'x'), very_long(100000, u'x');
  fails(OpenNtmsSessionW(nullptr, long_app.c_str(), 0), ERROR_INVALID_PARAMETER, "application name of 64");
  fails(OpenNtmsSessionW(nullptr, very_long.c_str(), 0), ERROR_INVALID_PARAMETER, "application name of 100000");
  fails(OpenNtmsSessionW(long_app.c_str(), u"app", 0), ERROR_INVALID_COMPUTERNAME, "server name of 64");
  // Unpaired surrogates: a lone high one, at the end, a lone low one, high + non-low.
  const char16_t lone_high[] = {char16_t(0xD800), 0};
  const char16_t high_at_end[] = {u'a', u'b', char16_t(0xDBFF), 0};
  const char16_t lone_low[] = {u'a', char16_t(0xDC00), u'b', 0};
  const char16_t high_then_x[] = {char16_t(0xD83D), u'x', 0};
  for (const char16_t* bad : {lone_high, high_at_end, lone_low, high_then_x}) {
    fails(OpenNtmsSessionW(nullptr, bad, 0), ERROR_INVALID_PARAMETER, "application with unpaired surrogate");
    fails(OpenNtmsSessionW(bad, u"app", 0), ERROR_INVALID_COMPUTERNAME, "server with unpaired surrogate");
  }
  fails(OpenNtmsSessionW(nullptr, u"app", 2), ERROR_INVALID_PARAMETER, "options");
  // A proper surrogate pair is fine.
  HANDLE h = OpenNtmsSessionW(nullptr, u"tape \U0001F4FC", 0);
  EXPECT_NE(h, INVALID_HANDLE_VALUE) << OpenRsmGetLastError();
  CloseNtmsSession(h);
}

// ---- CloseNtmsSession -----------------------------------------------------------------------

TEST_F(BadInputTest, CloseNtmsSession) {
  HANDLE closed = Closed();
  EXPECT_EQ(CloseNtmsSession(closed), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(CloseNtmsSession(nullptr), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(CloseNtmsSession(INVALID_HANDLE_VALUE), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(CloseNtmsSession(reinterpret_cast<HANDLE>(0xdeadbeef)), DWORD(ERROR_INVALID_HANDLE));
  int local = 0;
  EXPECT_EQ(CloseNtmsSession(&local), DWORD(ERROR_INVALID_HANDLE)) << "a pointer that is no session";
}

// ---- EnumerateNtmsObject -----------------------------------------------------------------------

TEST_F(BadInputTest, EnumerateNtmsObject) {
  NTMS_GUID list[8];
  DWORD n = 8;
  EXPECT_EQ(EnumerateNtmsObject(h_, &lib_, list, nullptr, NTMS_DRIVE, 0), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(EnumerateNtmsObject(h_, &lib_, nullptr, &n, NTMS_DRIVE, 0), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(n, 8u);
  for (DWORD type : {DWORD(NTMS_UNKNOWN), DWORD(19), DWORD(1000), DWORD(0x80000000u)}) {
    n = 8;
    EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, list, &n, type, 0), DWORD(ERROR_INVALID_PARAMETER)) << type;
  }
  n = 8;
  EXPECT_EQ(EnumerateNtmsObject(h_, nullptr, list, &n, NTMS_MEDIA_POOL, 0x100), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID unknown = RandomGuid();
  n = 8;
  EXPECT_EQ(EnumerateNtmsObject(h_, &unknown, list, &n, NTMS_DRIVE, 0), DWORD(ERROR_OBJECT_NOT_FOUND));
  n = 8;
  EXPECT_EQ(EnumerateNtmsObject(h_, &slot_, list, &n, NTMS_DRIVE, 0), DWORD(ERROR_INVALID_PARAMETER))
      << "a slot contains no drives";
  n = 8;
  EXPECT_EQ(EnumerateNtmsObject(h_, &drives_[0], list, &n, NTMS_PHYSICAL_MEDIA, 0), DWORD(ERROR_INVALID_PARAMETER));
  n = 8;
  EXPECT_EQ(EnumerateNtmsObject(h_, &request_, list, &n, NTMS_DRIVE, 0), DWORD(ERROR_INVALID_PARAMETER));
  n = 8;
  EXPECT_EQ(EnumerateNtmsObject(Closed(), nullptr, list, &n, NTMS_LIBRARY, 0), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(EnumerateNtmsObject(nullptr, nullptr, list, &n, NTMS_LIBRARY, 0), DWORD(ERROR_INVALID_HANDLE));
  // The handle is checked first: a bad handle with bad parameters is ERROR_INVALID_HANDLE.
  EXPECT_EQ(EnumerateNtmsObject(nullptr, nullptr, list, nullptr, 0, 99), DWORD(ERROR_INVALID_HANDLE));
}

// ---- GetNtmsObjectInformationA/W ------------------------------------------------------------------

TEST_F(BadInputTest, GetNtmsObjectInformationA) {
  NTMS_OBJECTINFORMATIONA info;
  auto reset = [&](DWORD size, DWORD type) {
    std::memset(&info, 0x5A, sizeof info);
    info.dwSize = size;
    info.dwType = type;
  };
  auto untouched = [&](DWORD size, DWORD type) {
    NTMS_OBJECTINFORMATIONA want;
    std::memset(&want, 0x5A, sizeof want);
    want.dwSize = size;
    want.dwType = type;
    return std::memcmp(&want, &info, sizeof info) == 0;
  };
  reset(sizeof info, NTMS_UNKNOWN);
  EXPECT_EQ(GetNtmsObjectInformationA(h_, nullptr, &info), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_TRUE(untouched(sizeof info, NTMS_UNKNOWN));
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &lib_, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  for (DWORD size :
       {DWORD(0), DWORD(8), DWORD(sizeof info - 4), DWORD(sizeof(NTMS_OBJECTINFORMATIONW)), DWORD(0xFFFFFFFFu)}) {
    reset(size, NTMS_UNKNOWN);
    EXPECT_EQ(GetNtmsObjectInformationA(h_, &lib_, &info), DWORD(ERROR_INVALID_PARAMETER)) << size;
    EXPECT_TRUE(untouched(size, NTMS_UNKNOWN)) << size;
  }
  NTMS_GUID unknown = RandomGuid(), zero = NullGuid();
  reset(sizeof info, NTMS_UNKNOWN);
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &unknown, &info), DWORD(ERROR_OBJECT_NOT_FOUND));
  EXPECT_TRUE(untouched(sizeof info, NTMS_UNKNOWN));
  reset(sizeof info, NTMS_UNKNOWN);
  EXPECT_EQ(GetNtmsObjectInformationA(h_, &zero, &info), DWORD(ERROR_INVALID_PARAMETER)) << "the null GUID is no id";
  // Wrong preset type.
  for (DWORD type : {DWORD(NTMS_DRIVE), DWORD(NTMS_PARTITION), DWORD(NTMS_NUMBER_OF_OBJECT_TYPES), DWORD(12345)}) {
    reset(sizeof info, type);
    EXPECT_EQ(GetNtmsObjectInformationA(h_, &media_, &info), DWORD(ERROR_INVALID_PARAMETER)) << type;
    EXPECT_TRUE(untouched(sizeof info, type)) << type;
  }
  reset(sizeof info, NTMS_UNKNOWN);
  EXPECT_EQ(GetNtmsObjectInformationA(Closed(), &lib_, &info), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(GetNtmsObjectInformationA(INVALID_HANDLE_VALUE, &lib_, &info), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_TRUE(untouched(sizeof info, NTMS_UNKNOWN));
}

TEST_F(BadInputTest, GetNtmsObjectInformationW) {
  NTMS_OBJECTINFORMATIONW info;
  auto reset = [&](DWORD size, DWORD type) {
    std::memset(&info, 0x5A, sizeof info);
    info.dwSize = size;
    info.dwType = type;
  };
  auto untouched = [&](DWORD size, DWORD type) {
    NTMS_OBJECTINFORMATIONW want;
    std::memset(&want, 0x5A, sizeof want);
    want.dwSize = size;
    want.dwType = type;
    return std::memcmp(&want, &info, sizeof info) == 0;
  };
  reset(sizeof info, NTMS_UNKNOWN);
  EXPECT_EQ(GetNtmsObjectInformationW(h_, nullptr, &info), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(GetNtmsObjectInformationW(h_, &lib_, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  for (DWORD size : {DWORD(0), DWORD(sizeof(NTMS_OBJECTINFORMATIONA)), DWORD(sizeof info + 2)}) {
    reset(size, NTMS_UNKNOWN);
    EXPECT_EQ(GetNtmsObjectInformationW(h_, &lib_, &info), DWORD(ERROR_INVALID_PARAMETER)) << size;
    EXPECT_TRUE(untouched(size, NTMS_UNKNOWN)) << size;
  }
  NTMS_GUID unknown = RandomGuid();
  reset(sizeof info, NTMS_UNKNOWN);
  EXPECT_EQ(GetNtmsObjectInformationW(h_, &unknown, &info), DWORD(ERROR_OBJECT_NOT_FOUND));
  EXPECT_TRUE(untouched(sizeof info, NTMS_UNKNOWN));
  reset(sizeof info, NTMS_LIBRARY);
  EXPECT_EQ(GetNtmsObjectInformationW(h_, &slot_, &info), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_TRUE(untouched(sizeof info, NTMS_LIBRARY));
  reset(sizeof info, NTMS_UNKNOWN);
  EXPECT_EQ(GetNtmsObjectInformationW(Closed(), &lib_, &info), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_TRUE(untouched(sizeof info, NTMS_UNKNOWN));
}

// ---- EnableNtmsObject / DisableNtmsObject ------------------------------------------------------------

TEST_F(BadInputTest, EnableAndDisableNtmsObject) {
  for (bool enable : {true, false}) {
    auto call = [&](HANDLE h, DWORD type, NTMS_GUID* id) {
      return enable ? EnableNtmsObject(h, type, id) : DisableNtmsObject(h, type, id);
    };
    const char* which = enable ? "enable" : "disable";
    EXPECT_EQ(call(h_, NTMS_DRIVE, nullptr), DWORD(ERROR_INVALID_PARAMETER)) << which;
    NTMS_GUID zero = NullGuid();
    EXPECT_EQ(call(h_, NTMS_DRIVE, &zero), DWORD(ERROR_INVALID_PARAMETER)) << which;
    for (DWORD type : {DWORD(NTMS_UNKNOWN), DWORD(NTMS_STORAGESLOT), DWORD(NTMS_MEDIA_POOL), DWORD(NTMS_LIBREQUEST),
                       DWORD(NTMS_COMPUTER), DWORD(77)})
      EXPECT_EQ(call(h_, type, &drives_[0]), DWORD(ERROR_INVALID_PARAMETER)) << which << " type " << type;
    NTMS_GUID unknown = RandomGuid();
    EXPECT_EQ(call(h_, NTMS_DRIVE, &unknown), DWORD(ERROR_OBJECT_NOT_FOUND)) << which;
    EXPECT_EQ(call(h_, NTMS_PHYSICAL_MEDIA, &side_), DWORD(ERROR_OBJECT_NOT_FOUND))
        << which << ": a side is no cartridge";
    EXPECT_EQ(call(h_, NTMS_LIBRARY, &request_), DWORD(ERROR_OBJECT_NOT_FOUND)) << which;
    EXPECT_EQ(call(h_, NTMS_DRIVE, &mounted_media_), DWORD(ERROR_OBJECT_NOT_FOUND)) << which;
    EXPECT_EQ(call(Closed(), NTMS_DRIVE, &drives_[0]), DWORD(ERROR_INVALID_HANDLE)) << which;
    EXPECT_EQ(call(nullptr, 99, nullptr), DWORD(ERROR_INVALID_HANDLE)) << which;
  }
  // The valid calls that would be refused by state: enable what is enabled.
  EXPECT_EQ(EnableNtmsObject(h_, NTMS_DRIVE, &mounted_drive_), DWORD(ERROR_INVALID_STATE));
}

// ---- InventoryNtmsLibrary ----------------------------------------------------------------------------

TEST_F(BadInputTest, InventoryNtmsLibrary) {
  EXPECT_EQ(InventoryNtmsLibrary(h_, nullptr, NTMS_INVENTORY_DEFAULT), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID unknown = RandomGuid(), zero = NullGuid();
  EXPECT_EQ(InventoryNtmsLibrary(h_, &unknown, NTMS_INVENTORY_FAST), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(InventoryNtmsLibrary(h_, &zero, NTMS_INVENTORY_FAST), DWORD(ERROR_INVALID_PARAMETER));
  for (NTMS_GUID* wrong : {&drives_[0], &media_, &slot_, &request_})
    EXPECT_EQ(InventoryNtmsLibrary(h_, wrong, NTMS_INVENTORY_FAST), DWORD(ERROR_INVALID_PARAMETER));
  for (DWORD action : {DWORD(6), DWORD(42), DWORD(0xFFFFFFFFu)})
    EXPECT_EQ(InventoryNtmsLibrary(h_, &lib_, action), DWORD(ERROR_INVALID_PARAMETER)) << action;
  EXPECT_EQ(InventoryNtmsLibrary(Closed(), &lib_, NTMS_INVENTORY_FAST), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(InventoryNtmsLibrary(reinterpret_cast<HANDLE>(1), nullptr, 99), DWORD(ERROR_INVALID_HANDLE));
}

// ---- CancelNtmsLibraryRequest ----------------------------------------------------------------------------

TEST_F(BadInputTest, CancelNtmsLibraryRequest) {
  EXPECT_EQ(CancelNtmsLibraryRequest(h_, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID zero = NullGuid(), unknown = RandomGuid();
  EXPECT_EQ(CancelNtmsLibraryRequest(h_, &zero), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(CancelNtmsLibraryRequest(h_, &unknown), DWORD(ERROR_OBJECT_NOT_FOUND));
  for (NTMS_GUID* wrong : {&lib_, &drives_[0], &media_, &side_})
    EXPECT_EQ(CancelNtmsLibraryRequest(h_, wrong), DWORD(ERROR_OBJECT_NOT_FOUND)) << "not a request id";
  EXPECT_EQ(CancelNtmsLibraryRequest(h_, &request_), DWORD(ERROR_OBJECT_NOT_FOUND)) << "completed";
  EXPECT_EQ(CancelNtmsLibraryRequest(Closed(), &request_), DWORD(ERROR_INVALID_HANDLE));
}

// ---- MountNtmsMedia ----------------------------------------------------------------------------------------

TEST_F(BadInputTest, MountNtmsMedia) {
  NTMS_GUID m = MediaByBarcode(h_, "A00003L6"), d = NullGuid();
  const DWORD rd = NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_NOT_AVAILABLE;
  auto mount = [&](HANDLE h, NTMS_GUID* media, NTMS_GUID* drive, DWORD count, DWORD options = NTMS_MOUNT_READ,
                   int priority = NTMS_PRIORITY_NORMAL) {
    return MountNtmsMedia(h, media, drive, count, options | NTMS_MOUNT_ERROR_NOT_AVAILABLE, priority, 2000, nullptr);
  };
  EXPECT_EQ(mount(h_, nullptr, &d, 1), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(mount(h_, &m, nullptr, 1), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(mount(h_, &m, &d, 0), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(mount(h_, &m, &d, 0xFFFFFFFFu), DWORD(ERROR_INVALID_PARAMETER)) << "absurd count: no over-read";
  EXPECT_EQ(mount(h_, &m, &d, 1, rd, 16), DWORD(ERROR_INVALID_PARAMETER)) << "priority above 15";
  EXPECT_EQ(mount(h_, &m, &d, 1, rd, -16), DWORD(ERROR_INVALID_PARAMETER)) << "priority below -15";
  EXPECT_EQ(mount(h_, &m, &d, 1, 0x400), DWORD(ERROR_INVALID_PARAMETER)) << "unknown option";
  EXPECT_EQ(mount(h_, &m, &d, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE), DWORD(ERROR_INVALID_PARAMETER))
      << "specific drive without a drive id";
  NTMS_GUID zero = NullGuid();
  EXPECT_EQ(mount(h_, &zero, &d, 1), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID unknown = RandomGuid();
  EXPECT_EQ(mount(h_, &unknown, &d, 1), DWORD(ERROR_INVALID_MEDIA));
  for (NTMS_GUID* wrong : {&lib_, &drives_[0], &slot_, &request_}) {
    NTMS_GUID dd = NullGuid();
    EXPECT_EQ(mount(h_, wrong, &dd, 1), DWORD(ERROR_INVALID_MEDIA)) << "not a media id";
  }
  NTMS_GUID twice[2] = {m, m}, two_drives[2] = {};
  EXPECT_EQ(mount(h_, twice, two_drives, 2), DWORD(ERROR_INVALID_MEDIA));
  NTMS_GUID bad_drive = RandomGuid();
  EXPECT_EQ(mount(h_, &m, &bad_drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE), DWORD(ERROR_INVALID_DRIVE));
  NTMS_GUID slot_as_drive = slot_;
  EXPECT_EQ(mount(h_, &m, &slot_as_drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE), DWORD(ERROR_INVALID_DRIVE));
  EXPECT_TRUE(SameGuid(d, NullGuid())) << "lpDriveId is written only on success";
  EXPECT_EQ(mount(Closed(), &m, &d, 1), DWORD(ERROR_INVALID_HANDLE));
  EXPECT_EQ(mount(nullptr, nullptr, nullptr, 0), DWORD(ERROR_INVALID_HANDLE));
}

// ---- DismountNtmsMedia ----------------------------------------------------------------------------------------

TEST_F(BadInputTest, DismountNtmsMedia) {
  NTMS_GUID m = mounted_media_;
  EXPECT_EQ(DismountNtmsMedia(h_, nullptr, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(DismountNtmsMedia(h_, &m, 0, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(DismountNtmsMedia(h_, &m, 0xFFFFFFFFu, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_PARAMETER));
  for (DWORD opt : {DWORD(NTMS_DISMOUNT_DEFERRED | NTMS_DISMOUNT_IMMEDIATE), DWORD(0x10), DWORD(0xFFFFFFFFu)})
    EXPECT_EQ(DismountNtmsMedia(h_, &m, 1, opt), DWORD(ERROR_INVALID_PARAMETER)) << opt;
  NTMS_GUID zero = NullGuid(), unknown = RandomGuid();
  EXPECT_EQ(DismountNtmsMedia(h_, &zero, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(DismountNtmsMedia(h_, &unknown, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_MEDIA));
  for (NTMS_GUID* wrong : {&lib_, &mounted_drive_, &slot_, &request_})
    EXPECT_EQ(DismountNtmsMedia(h_, wrong, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_MEDIA));
  NTMS_GUID twice[2] = {m, m};
  EXPECT_EQ(DismountNtmsMedia(h_, twice, 2, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_MEDIA));
  EXPECT_EQ(DismountNtmsMedia(Closed(), &m, 1, NTMS_DISMOUNT_IMMEDIATE), DWORD(ERROR_INVALID_HANDLE));
}

// ---- DismountNtmsDrive ------------------------------------------------------------------------------------------

TEST_F(BadInputTest, DismountNtmsDrive) {
  EXPECT_EQ(DismountNtmsDrive(h_, nullptr), DWORD(ERROR_INVALID_PARAMETER));
  NTMS_GUID zero = NullGuid(), unknown = RandomGuid();
  EXPECT_EQ(DismountNtmsDrive(h_, &zero), DWORD(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(DismountNtmsDrive(h_, &unknown), DWORD(ERROR_INVALID_DRIVE));
  for (NTMS_GUID* wrong : {&lib_, &mounted_media_, &slot_, &request_})
    EXPECT_EQ(DismountNtmsDrive(h_, wrong), DWORD(ERROR_INVALID_DRIVE));
  EXPECT_EQ(DismountNtmsDrive(Closed(), &mounted_drive_), DWORD(ERROR_INVALID_HANDLE));
}

// ---- a handle inherited by another process ------------------------------------------------------------------

// The child (fork) calls every handle-taking function with the parent's handle and
// reports the results through a pipe; it does nothing else gRPC-related and leaves
// with _exit. Sessions cannot be passed among processes (OpenNtmsSession remarks).
TEST_F(BadInputTest, HandleFromAnotherProcess) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  HANDLE parent = h_;
  NTMS_GUID lib = lib_, drive = mounted_drive_, media = mounted_media_, req = request_;
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    DWORD rc[11];
    NTMS_OBJECTINFORMATIONA a;
    std::memset(&a, 0, sizeof a);
    a.dwSize = sizeof a;
    NTMS_OBJECTINFORMATIONW w;
    std::memset(&w, 0, sizeof w);
    w.dwSize = sizeof w;
    NTMS_GUID list[4];
    DWORD n = 4;
    NTMS_GUID d = NullGuid();
    rc[0] = GetNtmsObjectInformationA(parent, &lib, &a);
    rc[1] = GetNtmsObjectInformationW(parent, &lib, &w);
    rc[2] = EnumerateNtmsObject(parent, nullptr, list, &n, NTMS_LIBRARY, 0);
    rc[3] = DisableNtmsObject(parent, NTMS_LIBRARY, &lib);
    rc[4] = EnableNtmsObject(parent, NTMS_DRIVE, &drive);
    rc[5] = InventoryNtmsLibrary(parent, &lib, NTMS_INVENTORY_DEFAULT);
    rc[6] = CancelNtmsLibraryRequest(parent, &req);
    rc[7] = MountNtmsMedia(parent, &media, &d, 1, NTMS_MOUNT_READ, 0, 1000, nullptr);
    rc[8] = DismountNtmsMedia(parent, &media, 1, NTMS_DISMOUNT_IMMEDIATE);
    rc[9] = DismountNtmsDrive(parent, &drive);
    rc[10] = CloseNtmsSession(parent);
    bool all = true;
    for (DWORD r : rc) all = all && r == ERROR_INVALID_HANDLE;
    (void)!write(fds[1], rc, sizeof rc);
    close(fds[1]);
    _exit(all ? 0 : 1);
  }
  close(fds[1]);
  DWORD rc[11] = {};
  ssize_t got = read(fds[0], rc, sizeof rc);
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child crashed (signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << ")";
  ASSERT_EQ(got, ssize_t(sizeof rc));
  const char* names[11] = {
      "GetNtmsObjectInformationA", "GetNtmsObjectInformationW", "EnumerateNtmsObject",      "DisableNtmsObject",
      "EnableNtmsObject",          "InventoryNtmsLibrary",      "CancelNtmsLibraryRequest", "MountNtmsMedia",
      "DismountNtmsMedia",         "DismountNtmsDrive",         "CloseNtmsSession"};
  for (int i = 0; i < 11; ++i) EXPECT_EQ(rc[i], DWORD(ERROR_INVALID_HANDLE)) << names[i] << " in the child";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // The parent's session is untouched by the child's attempts (including its close).
  EXPECT_EQ(Info(h_, lib_).dwType, DWORD(NTMS_LIBRARY));
  EXPECT_EQ(List(h_, nullptr, NTMS_LIBRARY).size(), 3u) << "sim0, tape0 and the offline library";
}

}  // namespace
}  // namespace openrsm::apitest
