// The rsm CLI's view of the RSM catalogue: a session over the public C API
// (ntmsapi.h), enumeration, cached object information, and lookup of objects
// by name, barcode, "LIBRARY:N" or GUID.
//
// Errors are thrown, and main() turns them into messages and exit codes:
//  - ApiError: an ntmsapi call failed (exit 1);
//  - UsageError: the user named something that does not exist or is
//    ambiguous (exit 2).
// Not thread-safe: one Catalog per thread.
#pragma once

#include <ntmsapi.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rsmcli {

struct ApiError {
  std::string operation;  // the ntmsapi function that failed, e.g. "MountNtmsMedia"
  DWORD code;             // its Win32 code
};

struct UsageError {
  std::string message;
};

using ObjectInfo = NTMS_OBJECTINFORMATIONA;

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case, no braces).
std::string FormatGuid(const NTMS_GUID& g);
// Accepts the canonical form with or without braces.
std::optional<NTMS_GUID> ParseGuid(std::string_view text);
bool IsNullGuid(const NTMS_GUID& g);
bool SameGuid(const NTMS_GUID& a, const NTMS_GUID& b);
// "2024-05-01T12:00:00Z" (SYSTEMTIME holds UTC); "" for an unset time.
std::string FormatTime(const SYSTEMTIME& t);

// Throws ApiError{operation, rc} unless rc is ERROR_SUCCESS.
void Check(const char* operation, DWORD rc);

class Catalog {
 public:
  // Opens a session on the local rsmd (found through $RSM_SOCKET).
  // Throws ApiError{"OpenNtmsSession", code} on failure.
  explicit Catalog(const char* application);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  HANDLE handle() const { return session_; }

  // EnumerateNtmsObject, growing the buffer as needed. `container` may be
  // null (top level). `expected`: how many objects the caller expects; a
  // right guess saves the call that only learns the size.
  std::vector<NTMS_GUID> Enumerate(const NTMS_GUID* container, DWORD type, size_t expected = 0);
  // Enumerates and fetches each object's information; objects that vanish
  // in between (ERROR_OBJECT_NOT_FOUND) are skipped.
  std::vector<ObjectInfo> List(const NTMS_GUID* container, DWORD type);
  // GetNtmsObjectInformationA, cached for the life of the Catalog.
  const ObjectInfo& Get(const NTMS_GUID& id);
  // As Get, but nullptr instead of throwing (for names of related objects).
  const ObjectInfo* TryGet(const NTMS_GUID& id);
  // GetNtmsObjectInformationA without the cache (for objects read once, such
  // as library requests); nullopt when the object does not exist (any more).
  // Throws ApiError on other errors.
  std::optional<ObjectInfo> Read(const NTMS_GUID& id);
  // Forgets cached information (after an operation changed the catalogue).
  void Invalidate() { cache_.clear(); }
  // The object's name, "" for a null GUID, the GUID text if it cannot be read.
  std::string NameOf(const NTMS_GUID& id);

  // Resolve a user-supplied object reference. Throw UsageError when nothing
  // (or more than one object) matches.
  NTMS_GUID FindLibrary(const std::string& spec);
  NTMS_GUID FindDrive(const std::string& spec);    // name, GUID or LIBRARY:NUMBER
  NTMS_GUID FindSlot(const std::string& spec);     // name, GUID or LIBRARY:NUMBER
  NTMS_GUID FindMedia(const std::string& spec);    // name, barcode or GUID (cartridge or side)
  NTMS_GUID FindRequest(const std::string& spec);  // GUID (or name)

  // The physical media whose location is `element` (a drive or slot), or null.
  const ObjectInfo* MediaAt(const NTMS_GUID& element);

 private:
  // Objects of `type` matching `spec` by GUID, name (exact, then
  // case-insensitive) or, with `by_barcode`, physical-media barcode (not
  // that of a quarantined duplicate, operational state NTMS_NEEDS_SERVICE:
  // the bar code names the catalogued cartridge).
  NTMS_GUID FindByName(const std::string& spec, DWORD type, const char* what, bool by_barcode);
  // "LIBRARY:N": the element of `type` numbered N in library LIBRARY, if the
  // spec has that form and names an existing library.
  std::optional<NTMS_GUID> FindNumbered(const std::string& spec, DWORD type);
  const std::vector<ObjectInfo>& AllMedia();

  HANDLE session_;
  std::map<std::string, ObjectInfo> cache_;  // by raw GUID bytes
  std::optional<std::vector<ObjectInfo>> all_media_;
};

}  // namespace rsmcli
