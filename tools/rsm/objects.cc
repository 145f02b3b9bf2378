#include "objects.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "common/guid.h"
#include "names.h"

namespace rsmcli {
namespace {

std::string Key(const NTMS_GUID& g) { return std::string(reinterpret_cast<const char*>(&g), sizeof g); }

std::string Lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "library" -> "libraries", "drive" -> "drives", "media" -> "media".
std::string Plural(const std::string& what) {
  if (what.ends_with("media")) return what;
  if (what.ends_with("y")) return what.substr(0, what.size() - 1) + "ies";
  return what + "s";
}

bool AllDigits(std::string_view s) {
  return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The element number of a drive or slot.
std::optional<DWORD> NumberOf(const ObjectInfo& o) {
  if (o.dwType == NTMS_DRIVE) return o.Info.Drive.Number;
  if (o.dwType == NTMS_STORAGESLOT) return o.Info.StorageSlot.Number;
  if (o.dwType == NTMS_IEPORT) return o.Info.IEPort.Number;
  return std::nullopt;
}

// The library an element belongs to (null GUID for other objects).
NTMS_GUID LibraryOf(const ObjectInfo& o) {
  if (o.dwType == NTMS_DRIVE) return o.Info.Drive.Library;
  if (o.dwType == NTMS_STORAGESLOT) return o.Info.StorageSlot.Library;
  if (o.dwType == NTMS_IEPORT) return o.Info.IEPort.Library;
  return NTMS_GUID{};
}

}  // namespace

std::string FormatGuid(const NTMS_GUID& g) { return openrsm::Guid::FromRaw(&g).ToString(); }

std::optional<NTMS_GUID> ParseGuid(std::string_view text) {
  auto g = openrsm::Guid::Parse(text);
  if (!g) return std::nullopt;
  NTMS_GUID out;
  g->ToRaw(&out);
  return out;
}

bool IsNullGuid(const NTMS_GUID& g) { return NTMS_IS_NULLGUID(g); }

bool SameGuid(const NTMS_GUID& a, const NTMS_GUID& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::string FormatTime(const SYSTEMTIME& t) {
  if (t.wYear == 0) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02uT%02u:%02u:%02uZ", unsigned(t.wYear), unsigned(t.wMonth),
                unsigned(t.wDay), unsigned(t.wHour), unsigned(t.wMinute), unsigned(t.wSecond));
  return buf;
}

void Check(const char* operation, DWORD rc) {
  if (rc != ERROR_SUCCESS) throw ApiError{operation, rc};
}

Catalog::Catalog(const char* application) {
  session_ = OpenNtmsSessionA(nullptr, application, 0);
  if (session_ == INVALID_HANDLE_VALUE) {
    DWORD rc = OpenRsmGetLastError();
    throw ApiError{"OpenNtmsSession", rc ? rc : DWORD(ERROR_NOT_CONNECTED)};
  }
}

Catalog::~Catalog() { CloseNtmsSession(session_); }

std::vector<NTMS_GUID> Catalog::Enumerate(const NTMS_GUID* container, DWORD type, size_t expected) {
  std::vector<NTMS_GUID> ids(std::max<size_t>(64, expected + expected / 64 + 16));
  for (int attempt = 0; attempt < 8; ++attempt) {
    DWORD n = DWORD(ids.size());
    DWORD rc = EnumerateNtmsObject(session_, const_cast<LPNTMS_GUID>(container), ids.data(), &n, type, 0);
    if (rc == ERROR_INSUFFICIENT_BUFFER) {
      ids.resize(std::max<size_t>(n, ids.size() * 2));  // the list may grow between calls
      continue;
    }
    Check("EnumerateNtmsObject", rc);
    ids.resize(n);
    return ids;
  }
  throw ApiError{"EnumerateNtmsObject", ERROR_INSUFFICIENT_BUFFER};
}

std::vector<ObjectInfo> Catalog::List(const NTMS_GUID* container, DWORD type) {
  std::vector<ObjectInfo> out;
  for (const NTMS_GUID& id : Enumerate(container, type)) {
    if (const ObjectInfo* o = TryGet(id)) out.push_back(*o);
  }
  return out;
}

const ObjectInfo& Catalog::Get(const NTMS_GUID& id) {
  if (const ObjectInfo* o = TryGet(id)) return *o;  // throws on errors other than "not found"
  throw ApiError{"GetNtmsObjectInformation", ERROR_OBJECT_NOT_FOUND};
}

const ObjectInfo* Catalog::TryGet(const NTMS_GUID& id) {
  if (IsNullGuid(id)) return nullptr;
  auto it = cache_.find(Key(id));
  if (it != cache_.end()) return &it->second;
  std::optional<ObjectInfo> info = Read(id);
  return info ? &(cache_[Key(id)] = *info) : nullptr;
}

std::optional<ObjectInfo> Catalog::Read(const NTMS_GUID& id) {
  if (IsNullGuid(id)) return std::nullopt;
  ObjectInfo info{};
  info.dwSize = sizeof info;
  info.dwType = NTMS_UNKNOWN;
  DWORD rc = GetNtmsObjectInformationA(session_, const_cast<LPNTMS_GUID>(&id), &info);
  if (rc == ERROR_OBJECT_NOT_FOUND || rc == ERROR_INVALID_PARAMETER) return std::nullopt;
  Check("GetNtmsObjectInformation", rc);
  // Defensive: information that does not describe the object asked for
  // (no type, other GUID) counts as "not found".
  if (info.dwType == NTMS_UNKNOWN || !SameGuid(info.ObjectGuid, id)) return std::nullopt;
  return info;
}

std::string Catalog::NameOf(const NTMS_GUID& id) {
  if (IsNullGuid(id)) return "";
  const ObjectInfo* o = TryGet(id);
  if (!o || !o->szName[0]) return FormatGuid(id);
  return o->szName;
}

const std::vector<ObjectInfo>& Catalog::AllMedia() {
  if (!all_media_) all_media_ = List(nullptr, NTMS_PHYSICAL_MEDIA);
  return *all_media_;
}

const ObjectInfo* Catalog::MediaAt(const NTMS_GUID& element) {
  for (const ObjectInfo& m : AllMedia())
    if (SameGuid(m.Info.PhysicalMedia.Location, element)) return &m;
  return nullptr;
}

NTMS_GUID Catalog::FindByName(const std::string& spec, DWORD type, const char* what, bool by_barcode) {
  if (auto id = ParseGuid(spec)) {
    const ObjectInfo* o = TryGet(*id);
    if (!o) throw UsageError{std::string("no ") + what + " with GUID " + FormatGuid(*id)};
    bool ok = o->dwType == type || (type == NTMS_PHYSICAL_MEDIA && o->dwType == NTMS_PARTITION);
    if (!ok) throw UsageError{FormatGuid(*id) + " is not a " + what + " (it is a " + ObjectTypeName(o->dwType) + ")"};
    return *id;
  }
  std::vector<ObjectInfo> all = type == NTMS_PHYSICAL_MEDIA ? AllMedia() : List(nullptr, type);
  // Exact matches first, then case-insensitive ones.
  for (bool exact : {true, false}) {
    std::vector<const ObjectInfo*> hits;
    std::string want = exact ? spec : Lower(spec);
    for (const ObjectInfo& o : all) {
      auto match = [&](const char* s) { return (exact ? std::string(s) : Lower(s)) == want; };
      // A quarantined duplicate (rsmd: operational state NEEDS_SERVICE) carries
      // the bar code of another cartridge: only its own name or GUID finds it.
      bool barcode_ok = by_barcode && o.Info.PhysicalMedia.szBarCode[0] && o.dwOperationalState != NTMS_NEEDS_SERVICE;
      if (match(o.szName) || (barcode_ok && match(o.Info.PhysicalMedia.szBarCode))) hits.push_back(&o);
    }
    if (hits.size() == 1) return hits[0]->ObjectGuid;
    if (hits.size() > 1) {
      std::string msg = std::string("\"") + spec + "\" names several " + Plural(what) + "; use a GUID:";
      for (const ObjectInfo* o : hits) msg += " " + FormatGuid(o->ObjectGuid);
      throw UsageError{msg};
    }
  }
  std::string msg = std::string("unknown ") + what + " \"" + spec + "\"";
  if (!all.empty() && all.size() <= 12) {
    msg += " (known:";
    for (size_t i = 0; i < all.size(); ++i) msg += std::string(i ? ", \"" : " \"") + all[i].szName + "\"";
    msg += ")";
  } else if (all.empty()) {
    msg += " (there are no " + Plural(what) + ")";
  }
  throw UsageError{msg};
}

std::optional<NTMS_GUID> Catalog::FindNumbered(const std::string& spec, DWORD type) {
  auto colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0 || !AllDigits(std::string_view(spec).substr(colon + 1)))
    return std::nullopt;
  std::string lib_name = spec.substr(0, colon);
  DWORD number = DWORD(std::stoul(spec.substr(colon + 1)));
  NTMS_GUID lib;
  try {
    lib = FindLibrary(lib_name);
  } catch (const UsageError&) {
    return std::nullopt;  // not LIBRARY:N; maybe a name containing ':'
  }
  for (const ObjectInfo& o : List(&lib, type)) {
    auto n = NumberOf(o);
    if (n && *n == number && SameGuid(LibraryOf(o), lib)) return o.ObjectGuid;
  }
  throw UsageError{"library \"" + lib_name + "\" has no " + ObjectTypeName(type) + " number " + std::to_string(number)};
}

NTMS_GUID Catalog::FindLibrary(const std::string& spec) { return FindByName(spec, NTMS_LIBRARY, "library", false); }

NTMS_GUID Catalog::FindDrive(const std::string& spec) {
  if (auto id = FindNumbered(spec, NTMS_DRIVE)) return *id;
  return FindByName(spec, NTMS_DRIVE, "drive", false);
}

NTMS_GUID Catalog::FindSlot(const std::string& spec) {
  if (auto id = FindNumbered(spec, NTMS_STORAGESLOT)) return *id;
  return FindByName(spec, NTMS_STORAGESLOT, "slot", false);
}

NTMS_GUID Catalog::FindMedia(const std::string& spec) { return FindByName(spec, NTMS_PHYSICAL_MEDIA, "media", true); }

NTMS_GUID Catalog::FindRequest(const std::string& spec) {
  return FindByName(spec, NTMS_LIBREQUEST, "library request", false);
}

}  // namespace rsmcli
