// not_supported_test.cc - every function OpenRSM does not implement must
// fail with ERROR_NOT_SUPPORTED, whatever its arguments, and must not write
// through any pointer it is given.
//
// Link with src/client/not_supported.cc (or libntmsapi). The coverage test
// needs OPENRSM_SOURCE_DIR (the source tree root) to read the header.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "client/api_status.h"
#include "ntmsapi.h"

namespace {

struct StubCase {
  const char* name;
  DWORD (*with_nulls)();        // NULL pointers, zero values
  DWORD (*with_buffer)(void*);  // every pointer points at the sentinel buffer
};

// One row per DWORD-returning stub in not_supported.cc.
const StubCase kCases[] = {
    {"AccessNtmsLibraryDoor", [] { return AccessNtmsLibraryDoor(nullptr, nullptr, 0); },
     [](void* p) { return AccessNtmsLibraryDoor(p, static_cast<LPNTMS_GUID>(p), 0); }},
    {"AddNtmsMediaType", [] { return AddNtmsMediaType(nullptr, nullptr, nullptr); },
     [](void* p) { return AddNtmsMediaType(p, static_cast<LPNTMS_GUID>(p), static_cast<LPNTMS_GUID>(p)); }},
    {"AllocateNtmsMedia", [] { return AllocateNtmsMedia(nullptr, nullptr, nullptr, nullptr, 0, 0, nullptr); },
     [](void* p) {
       return AllocateNtmsMedia(p, static_cast<LPNTMS_GUID>(p), static_cast<LPNTMS_GUID>(p),
                                static_cast<LPNTMS_GUID>(p), 0, 0, static_cast<LPNTMS_ALLOCATION_INFORMATION>(p));
     }},
    {"BeginNtmsDeviceChangeDetection", [] { return BeginNtmsDeviceChangeDetection(nullptr, nullptr); },
     [](void* p) { return BeginNtmsDeviceChangeDetection(p, static_cast<LPHANDLE>(p)); }},
    {"CancelNtmsOperatorRequest", [] { return CancelNtmsOperatorRequest(nullptr, nullptr); },
     [](void* p) { return CancelNtmsOperatorRequest(p, static_cast<LPNTMS_GUID>(p)); }},
    {"ChangeNtmsMediaType", [] { return ChangeNtmsMediaType(nullptr, nullptr, nullptr); },
     [](void* p) { return ChangeNtmsMediaType(p, static_cast<LPNTMS_GUID>(p), static_cast<LPNTMS_GUID>(p)); }},
    {"CleanNtmsDrive", [] { return CleanNtmsDrive(nullptr, nullptr); },
     [](void* p) { return CleanNtmsDrive(p, static_cast<LPNTMS_GUID>(p)); }},
    {"CloseNtmsNotification", [] { return CloseNtmsNotification(nullptr); },
     [](void* p) { return CloseNtmsNotification(p); }},
    {"CreateNtmsMediaA", [] { return CreateNtmsMediaA(nullptr, nullptr, nullptr, 0); },
     [](void* p) {
       return CreateNtmsMediaA(p, static_cast<LPNTMS_OBJECTINFORMATIONA>(p), static_cast<LPNTMS_OBJECTINFORMATIONA>(p),
                               0);
     }},
    {"CreateNtmsMediaW", [] { return CreateNtmsMediaW(nullptr, nullptr, nullptr, 0); },
     [](void* p) {
       return CreateNtmsMediaW(p, static_cast<LPNTMS_OBJECTINFORMATIONW>(p), static_cast<LPNTMS_OBJECTINFORMATIONW>(p),
                               0);
     }},
    {"DeallocateNtmsMedia", [] { return DeallocateNtmsMedia(nullptr, nullptr, 0); },
     [](void* p) { return DeallocateNtmsMedia(p, static_cast<LPNTMS_GUID>(p), 0); }},
    {"DeleteNtmsDrive", [] { return DeleteNtmsDrive(nullptr, nullptr); },
     [](void* p) { return DeleteNtmsDrive(p, static_cast<LPNTMS_GUID>(p)); }},
    {"DeleteNtmsLibrary", [] { return DeleteNtmsLibrary(nullptr, nullptr); },
     [](void* p) { return DeleteNtmsLibrary(p, static_cast<LPNTMS_GUID>(p)); }},
    {"DeleteNtmsMediaType", [] { return DeleteNtmsMediaType(nullptr, nullptr, nullptr); },
     [](void* p) { return DeleteNtmsMediaType(p, static_cast<LPNTMS_GUID>(p), static_cast<LPNTMS_GUID>(p)); }},
    {"DeleteNtmsRequests", [] { return DeleteNtmsRequests(nullptr, nullptr, 0, 0); },
     [](void* p) { return DeleteNtmsRequests(p, static_cast<LPNTMS_GUID>(p), 0, 0); }},
    {"EjectDiskFromSADriveA",
     [] { return EjectDiskFromSADriveA(nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, 0); },
     [](void* p) {
       return EjectDiskFromSADriveA(static_cast<LPCSTR>(p), static_cast<LPCSTR>(p), static_cast<LPCSTR>(p),
                                    static_cast<HWND>(p), static_cast<LPCSTR>(p), static_cast<LPCSTR>(p), 0);
     }},
    {"EjectDiskFromSADriveW",
     [] { return EjectDiskFromSADriveW(nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, 0); },
     [](void* p) {
       return EjectDiskFromSADriveW(static_cast<LPCWSTR>(p), static_cast<LPCWSTR>(p), static_cast<LPCWSTR>(p),
                                    static_cast<HWND>(p), static_cast<LPCWSTR>(p), static_cast<LPCWSTR>(p), 0);
     }},
    {"EjectNtmsCleaner", [] { return EjectNtmsCleaner(nullptr, nullptr, nullptr, 0); },
     [](void* p) { return EjectNtmsCleaner(p, static_cast<LPNTMS_GUID>(p), static_cast<LPNTMS_GUID>(p), 0); }},
    {"EndNtmsDeviceChangeDetection", [] { return EndNtmsDeviceChangeDetection(nullptr, nullptr); },
     [](void* p) { return EndNtmsDeviceChangeDetection(p, p); }},
    {"ExportNtmsDatabase", [] { return ExportNtmsDatabase(nullptr); }, [](void* p) { return ExportNtmsDatabase(p); }},
    {"GetNtmsObjectAttributeA", [] { return GetNtmsObjectAttributeA(nullptr, nullptr, 0, nullptr, nullptr, nullptr); },
     [](void* p) {
       return GetNtmsObjectAttributeA(p, static_cast<LPNTMS_GUID>(p), 0, static_cast<LPCSTR>(p), static_cast<LPVOID>(p),
                                      static_cast<LPDWORD>(p));
     }},
    {"GetNtmsObjectAttributeW", [] { return GetNtmsObjectAttributeW(nullptr, nullptr, 0, nullptr, nullptr, nullptr); },
     [](void* p) {
       return GetNtmsObjectAttributeW(p, static_cast<LPNTMS_GUID>(p), 0, static_cast<LPCWSTR>(p),
                                      static_cast<LPVOID>(p), static_cast<LPDWORD>(p));
     }},
    {"GetNtmsObjectSecurity", [] { return GetNtmsObjectSecurity(nullptr, nullptr, 0, 0, nullptr, 0, nullptr); },
     [](void* p) {
       return GetNtmsObjectSecurity(p, static_cast<LPNTMS_GUID>(p), 0, 0, static_cast<PSECURITY_DESCRIPTOR>(p), 0,
                                    static_cast<LPDWORD>(p));
     }},
    {"GetNtmsRequestOrder", [] { return GetNtmsRequestOrder(nullptr, nullptr, nullptr); },
     [](void* p) { return GetNtmsRequestOrder(p, static_cast<LPNTMS_GUID>(p), static_cast<LPDWORD>(p)); }},
    {"GetNtmsUIOptionsA", [] { return GetNtmsUIOptionsA(nullptr, nullptr, 0, nullptr, nullptr); },
     [](void* p) {
       return GetNtmsUIOptionsA(p, static_cast<LPNTMS_GUID>(p), 0, static_cast<LPSTR>(p), static_cast<LPDWORD>(p));
     }},
    {"GetNtmsUIOptionsW", [] { return GetNtmsUIOptionsW(nullptr, nullptr, 0, nullptr, nullptr); },
     [](void* p) {
       return GetNtmsUIOptionsW(p, static_cast<LPNTMS_GUID>(p), 0, static_cast<LPWSTR>(p), static_cast<LPDWORD>(p));
     }},
    {"GetVolumesFromDriveA", [] { return GetVolumesFromDriveA(nullptr, nullptr, nullptr); },
     [](void* p) {
       return GetVolumesFromDriveA(static_cast<LPSTR>(p), static_cast<LPSTR*>(p), static_cast<LPSTR*>(p));
     }},
    {"GetVolumesFromDriveW", [] { return GetVolumesFromDriveW(nullptr, nullptr, nullptr); },
     [](void* p) {
       return GetVolumesFromDriveW(static_cast<LPWSTR>(p), static_cast<LPWSTR*>(p), static_cast<LPWSTR*>(p));
     }},
    {"IdentifyNtmsSlot", [] { return IdentifyNtmsSlot(nullptr, nullptr, 0); },
     [](void* p) { return IdentifyNtmsSlot(p, static_cast<LPNTMS_GUID>(p), 0); }},
    {"ImportNtmsDatabase", [] { return ImportNtmsDatabase(nullptr); }, [](void* p) { return ImportNtmsDatabase(p); }},
    {"InjectNtmsCleaner", [] { return InjectNtmsCleaner(nullptr, nullptr, nullptr, 0, 0); },
     [](void* p) { return InjectNtmsCleaner(p, static_cast<LPNTMS_GUID>(p), static_cast<LPNTMS_GUID>(p), 0, 0); }},
    {"ReleaseNtmsCleanerSlot", [] { return ReleaseNtmsCleanerSlot(nullptr, nullptr); },
     [](void* p) { return ReleaseNtmsCleanerSlot(p, static_cast<LPNTMS_GUID>(p)); }},
    {"ReserveNtmsCleanerSlot", [] { return ReserveNtmsCleanerSlot(nullptr, nullptr, nullptr); },
     [](void* p) { return ReserveNtmsCleanerSlot(p, static_cast<LPNTMS_GUID>(p), static_cast<LPNTMS_GUID>(p)); }},
    {"SatisfyNtmsOperatorRequest", [] { return SatisfyNtmsOperatorRequest(nullptr, nullptr); },
     [](void* p) { return SatisfyNtmsOperatorRequest(p, static_cast<LPNTMS_GUID>(p)); }},
    {"SetNtmsDeviceChangeDetection", [] { return SetNtmsDeviceChangeDetection(nullptr, nullptr, nullptr, 0, 0); },
     [](void* p) { return SetNtmsDeviceChangeDetection(p, p, static_cast<LPNTMS_GUID>(p), 0, 0); }},
    {"SetNtmsMediaComplete", [] { return SetNtmsMediaComplete(nullptr, nullptr); },
     [](void* p) { return SetNtmsMediaComplete(p, static_cast<LPNTMS_GUID>(p)); }},
    {"SetNtmsObjectAttributeA", [] { return SetNtmsObjectAttributeA(nullptr, nullptr, 0, nullptr, nullptr, 0); },
     [](void* p) {
       return SetNtmsObjectAttributeA(p, static_cast<LPNTMS_GUID>(p), 0, static_cast<LPCSTR>(p), static_cast<LPVOID>(p),
                                      0);
     }},
    {"SetNtmsObjectAttributeW", [] { return SetNtmsObjectAttributeW(nullptr, nullptr, 0, nullptr, nullptr, 0); },
     [](void* p) {
       return SetNtmsObjectAttributeW(p, static_cast<LPNTMS_GUID>(p), 0, static_cast<LPCWSTR>(p),
                                      static_cast<LPVOID>(p), 0);
     }},
    {"SetNtmsObjectSecurity", [] { return SetNtmsObjectSecurity(nullptr, nullptr, 0, 0, nullptr); },
     [](void* p) {
       return SetNtmsObjectSecurity(p, static_cast<LPNTMS_GUID>(p), 0, 0, static_cast<PSECURITY_DESCRIPTOR>(p));
     }},
    {"SetNtmsRequestOrder", [] { return SetNtmsRequestOrder(nullptr, nullptr, 0); },
     [](void* p) { return SetNtmsRequestOrder(p, static_cast<LPNTMS_GUID>(p), 0); }},
    {"SetNtmsUIOptionsA", [] { return SetNtmsUIOptionsA(nullptr, nullptr, 0, 0, nullptr); },
     [](void* p) { return SetNtmsUIOptionsA(p, static_cast<LPNTMS_GUID>(p), 0, 0, static_cast<LPCSTR>(p)); }},
    {"SetNtmsUIOptionsW", [] { return SetNtmsUIOptionsW(nullptr, nullptr, 0, 0, nullptr); },
     [](void* p) { return SetNtmsUIOptionsW(p, static_cast<LPNTMS_GUID>(p), 0, 0, static_cast<LPCWSTR>(p)); }},
    {"SubmitNtmsOperatorRequestA",
     [] { return SubmitNtmsOperatorRequestA(nullptr, 0, nullptr, nullptr, nullptr, nullptr); },
     [](void* p) {
       return SubmitNtmsOperatorRequestA(p, 0, static_cast<LPCSTR>(p), static_cast<LPNTMS_GUID>(p),
                                         static_cast<LPNTMS_GUID>(p), static_cast<LPNTMS_GUID>(p));
     }},
    {"SubmitNtmsOperatorRequestW",
     [] { return SubmitNtmsOperatorRequestW(nullptr, 0, nullptr, nullptr, nullptr, nullptr); },
     [](void* p) {
       return SubmitNtmsOperatorRequestW(p, 0, static_cast<LPCWSTR>(p), static_cast<LPNTMS_GUID>(p),
                                         static_cast<LPNTMS_GUID>(p), static_cast<LPNTMS_GUID>(p));
     }},
    {"SwapNtmsMedia", [] { return SwapNtmsMedia(nullptr, nullptr, nullptr); },
     [](void* p) { return SwapNtmsMedia(p, static_cast<LPNTMS_GUID>(p), static_cast<LPNTMS_GUID>(p)); }},
    {"UpdateNtmsOmidInfo", [] { return UpdateNtmsOmidInfo(nullptr, nullptr, 0, 0, nullptr); },
     [](void* p) { return UpdateNtmsOmidInfo(p, static_cast<LPNTMS_GUID>(p), 0, 0, static_cast<LPVOID>(p)); }},
    {"WaitForNtmsNotification", [] { return WaitForNtmsNotification(nullptr, nullptr, 0); },
     [](void* p) { return WaitForNtmsNotification(p, static_cast<LPNTMS_NOTIFICATIONINFORMATION>(p), 0); }},
    {"WaitForNtmsOperatorRequest", [] { return WaitForNtmsOperatorRequest(nullptr, nullptr, 0); },
     [](void* p) { return WaitForNtmsOperatorRequest(p, static_cast<LPNTMS_GUID>(p), 0); }},
};

constexpr const char* kHandleReturning[] = {"OpenNtmsNotification"};

// Larger than any structure or attribute (NTMS_MAXATTR_LENGTH) a stub could
// be asked to fill.
constexpr size_t kBufferSize = 2 * NTMS_MAXATTR_LENGTH;
constexpr unsigned char kSentinel = 0xA5;

struct SentinelBuffer {
  alignas(16) unsigned char bytes[kBufferSize];
  SentinelBuffer() { std::memset(bytes, kSentinel, sizeof bytes); }
  bool Untouched() const {
    return std::all_of(std::begin(bytes), std::end(bytes), [](unsigned char b) { return b == kSentinel; });
  }
};

TEST(NotSupported, EveryStubReturnsNotSupportedWithNullArguments) {
  for (const StubCase& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(static_cast<DWORD>(ERROR_NOT_SUPPORTED), c.with_nulls());
  }
}

TEST(NotSupported, EveryStubLeavesOutParametersUntouched) {
  for (const StubCase& c : kCases) {
    SCOPED_TRACE(c.name);
    static SentinelBuffer buffer;
    EXPECT_EQ(static_cast<DWORD>(ERROR_NOT_SUPPORTED), c.with_buffer(buffer.bytes));
    EXPECT_TRUE(buffer.Untouched());
    buffer = SentinelBuffer();
  }
}

TEST(NotSupported, OpenNtmsNotificationReturnsInvalidHandle) {
  EXPECT_EQ(INVALID_HANDLE_VALUE, OpenNtmsNotification(nullptr, 0));
  EXPECT_EQ(OpenRsmGetLastError(), DWORD(ERROR_NOT_SUPPORTED)) << "the reason is the last error";
  static SentinelBuffer buffer;
  void* p = buffer.bytes;
  EXPECT_EQ(INVALID_HANDLE_VALUE, OpenNtmsNotification(p, 0));
  EXPECT_TRUE(buffer.Untouched());
}

TEST(NotSupported, NoImplementedFunctionIsStubbedHere) {
  for (const char* implemented : kImplementedFunctions) {
    for (const StubCase& c : kCases) EXPECT_STRNE(implemented, c.name);
    for (const char* h : kHandleReturning) EXPECT_STRNE(implemented, h);
  }
}

#ifdef OPENRSM_SOURCE_DIR
// Every function the header declares and api_status.h does not list as
// implemented must be exercised above.
TEST(NotSupported, CasesCoverEveryUnimplementedDeclaredFunction) {
  const std::string path = std::string(OPENRSM_SOURCE_DIR) + "/include/ntmsapi.h";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  const std::string header = text.str();

  std::set<std::string> expected;
  const std::regex decl(R"(\bWINAPI\s+(\w+)\s*\()");
  for (auto it = std::sregex_iterator(header.begin(), header.end(), decl); it != std::sregex_iterator(); ++it) {
    expected.insert((*it)[1].str());
  }
  ASSERT_FALSE(expected.empty());
  for (const char* implemented : kImplementedFunctions) expected.erase(implemented);

  std::set<std::string> tested;
  for (const StubCase& c : kCases) tested.insert(c.name);
  for (const char* h : kHandleReturning) tested.insert(h);
  EXPECT_EQ(expected, tested);
}
#endif

}  // namespace
