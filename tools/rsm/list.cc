// The "list" commands: enumerate objects and show them as tables or JSON.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>
#include <map>
#include <optional>
#include <tuple>

#include "commands.h"
#include "names.h"
#include "output.h"

namespace rsmcli {
namespace {

// Objects of `type` in the library named `library` (all libraries if empty).
std::vector<ObjectInfo> ListIn(Catalog& cat, const std::string& library, DWORD type) {
  if (library.empty()) return cat.List(nullptr, type);
  NTMS_GUID lib = cat.FindLibrary(library);
  return cat.List(&lib, type);
}

// The barcode of a cartridge, or its name when it has no barcode.
std::string Label(const ObjectInfo& media) {
  return media.Info.PhysicalMedia.szBarCode[0] ? media.Info.PhysicalMedia.szBarCode : media.szName;
}

// The pool's name after its ancestors' ("Free\\LTO Ultrium").
std::string PoolPath(Catalog& cat, const NTMS_GUID& pool) {
  std::string path;
  NTMS_GUID id = pool;
  for (int depth = 0; depth < 16 && !IsNullGuid(id); ++depth) {
    const ObjectInfo* o = cat.TryGet(id);
    if (!o || o->dwType != NTMS_MEDIA_POOL) break;
    path = path.empty() ? std::string(o->szName) : o->szName + std::string("\\") + path;
    id = o->Info.MediaPool.Parent;
  }
  return path.empty() ? cat.NameOf(pool) : path;
}

// Sorts rows by library name, then by `key` (a number or string).
void SortRows(Json& rows, const char* key) {
  std::stable_sort(rows.begin(), rows.end(), [key](const Json& a, const Json& b) {
    return std::tie(a["library"], a[key]) < std::tie(b["library"], b[key]);
  });
}

bool Unfinished(DWORD state) {
  return state == NTMS_LM_QUEUED || state == NTMS_LM_INPROCESS || state == NTMS_LM_WAITING || state == NTMS_LM_DEFERRED;
}

// Milliseconds since the epoch of a UTC SYSTEMTIME; 0 when unset.
int64_t EpochMillis(const SYSTEMTIME& t) {
  if (t.wYear == 0) return 0;
  struct tm tm {};
  tm.tm_year = t.wYear - 1900;
  tm.tm_mon = t.wMonth - 1;
  tm.tm_mday = t.wDay;
  tm.tm_hour = t.wHour;
  tm.tm_min = t.wMinute;
  tm.tm_sec = t.wSecond;
  return int64_t(timegm(&tm)) * 1000 + t.wMilliseconds;
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A request that finished before the enumeration began cannot have been
// unfinished when rsmd enumerated; rsmd and rsm read the same clock, and
// this margin covers a clock step.
constexpr int64_t kClockMarginMillis = 1000;

struct RequestSelection {
  std::vector<ObjectInfo> shown;
  size_t left_out = 0;  // finished requests not shown
};

// The requests `page` asks for. rsmd enumerates library requests unfinished
// first, then the finished ones oldest first (docs/service.md "Enumeration
// order"). So this reads from the front until the first request that had
// finished before the enumeration began (every later one had finished too),
// keeping the unfinished ones, then reads the last `page.limit` ids (the
// newest finished ones): O(unfinished + limit) calls, not O(history).
RequestSelection SelectRequests(Catalog& cat, const NTMS_GUID* library, const RequestPage& page) {
  RequestSelection sel;
  // How many there are (each library counts its requests), so that one
  // enumeration call suffices.
  size_t expected = 0;
  if (library)
    expected = cat.Get(*library).Info.Library.dwNumberOfLibRequests;
  else
    for (const ObjectInfo& l : cat.List(nullptr, NTMS_LIBRARY)) expected += l.Info.Library.dwNumberOfLibRequests;
  const int64_t started = NowMillis();
  const std::vector<NTMS_GUID> ids = cat.Enumerate(library, NTMS_LIBREQUEST, expected);
  std::map<size_t, ObjectInfo> read;  // by index: what was read, each id once
  auto get = [&](size_t i) -> const ObjectInfo* {
    auto it = read.find(i);
    if (it == read.end()) {
      std::optional<ObjectInfo> o = cat.Read(ids[i]);
      if (!o) return nullptr;  // purged meanwhile
      it = read.emplace(i, *o).first;
    }
    return &it->second;
  };
  std::vector<size_t> shown;
  for (size_t i = 0; i < ids.size(); ++i) {
    const ObjectInfo* o = get(i);
    if (!o) continue;
    const NTMS_LIBREQUESTINFORMATIONA& q = o->Info.LibRequest;
    if (page.all || Unfinished(q.State)) {
      shown.push_back(i);
    } else if (EpochMillis(q.TimeCompleted) < started - kClockMarginMillis) {
      break;  // the finished part begins here
    }
  }
  if (!page.all) {
    for (size_t i = ids.size() - std::min(ids.size(), page.limit); i < ids.size(); ++i)
      if (get(i) && (shown.empty() || i > shown.back())) shown.push_back(i);
  }
  for (size_t i : shown) sel.shown.push_back(std::move(read.at(i)));
  sel.left_out = ids.size() - shown.size();
  return sel;
}

}  // namespace

int ListLibraries(Context& ctx) {
  Json rows = Json::array();
  for (const ObjectInfo& o : ctx.catalog.List(nullptr, NTMS_LIBRARY)) {
    const NTMS_LIBRARYINFORMATION& l = o.Info.Library;
    Json r;
    r["name"] = o.szName;
    r["guid"] = FormatGuid(o.ObjectGuid);
    r["type"] = l.LibraryType;
    r["type_name"] = LibraryTypeName(l.LibraryType);
    r["enabled"] = bool(o.Enabled);
    r["state"] = o.dwOperationalState;
    r["state_name"] = OperationalStateName(o.dwOperationalState);
    r["drives"] = l.dwNumberOfDrives;
    r["slots"] = l.dwNumberOfSlots;
    r["ports"] = l.dwNumberOfPorts;
    r["doors"] = l.dwNumberOfDoors;
    r["changers"] = l.dwNumberOfChangers;
    r["media"] = l.dwNumberOfMedia;
    r["requests"] = l.dwNumberOfLibRequests;
    r["barcode_reader"] = bool(l.BarCodeReaderInstalled);
    r["description"] = o.szDescription;
    rows.push_back(std::move(r));
  }
  // By name, the offline library (the cartridges in no library) last.
  std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) {
    bool ao = a["type"] == NTMS_LIBRARYTYPE_OFFLINE, bo = b["type"] == NTMS_LIBRARYTYPE_OFFLINE;
    return ao != bo ? bo : a["name"] < b["name"];
  });
  PrintList(std::cout, rows,
            {{"NAME", "name"},
             {"TYPE", "type_name"},
             {"ENABLED", "enabled"},
             {"STATE", "state_name"},
             {"DRIVES", "drives"},
             {"SLOTS", "slots"},
             {"PORTS", "ports"},
             {"MEDIA", "media"},
             {"GUID", "guid"}},
            ctx.json);
  return 0;
}

int ListDrives(Context& ctx, const std::string& library) {
  Catalog& cat = ctx.catalog;
  Json rows = Json::array();
  for (const ObjectInfo& o : ListIn(cat, library, NTMS_DRIVE)) {
    const NTMS_DRIVEINFORMATIONA& d = o.Info.Drive;
    const ObjectInfo* media = cat.MediaAt(o.ObjectGuid);
    Json r;
    r["name"] = o.szName;
    r["guid"] = FormatGuid(o.ObjectGuid);
    r["library"] = cat.NameOf(d.Library);
    r["library_guid"] = GuidJson(d.Library);
    r["number"] = d.Number;
    r["state"] = d.State;
    r["state_name"] = DriveStateName(d.State);
    r["enabled"] = bool(o.Enabled);
    r["operational_state"] = o.dwOperationalState;
    r["operational_state_name"] = OperationalStateName(o.dwOperationalState);
    r["media"] = media ? Json(Label(*media)) : Json();
    r["media_guid"] = media ? GuidJson(media->ObjectGuid) : Json();
    r["saved_partition_guid"] = GuidJson(d.SavedPartitionId);
    r["device"] = d.szDeviceName;
    r["serial"] = d.szSerialNumber;
    r["revision"] = d.szRevision;
    r["mount_count"] = d.dwMountCount;
    rows.push_back(std::move(r));
  }
  SortRows(rows, "number");
  PrintList(std::cout, rows,
            {{"NAME", "name"},
             {"LIBRARY", "library"},
             {"NUMBER", "number"},
             {"STATE", "state_name"},
             {"ENABLED", "enabled"},
             {"MEDIA", "media"},
             {"SERIAL", "serial"},
             {"MOUNTS", "mount_count"},
             {"GUID", "guid"}},
            ctx.json);
  return 0;
}

int ListMedia(Context& ctx, const std::string& library) {
  Catalog& cat = ctx.catalog;
  Json rows = Json::array();
  for (const ObjectInfo& o : ListIn(cat, library, NTMS_PHYSICAL_MEDIA)) {
    const NTMS_PMIDINFORMATIONA& m = o.Info.PhysicalMedia;
    Json r;
    r["name"] = o.szName;
    r["barcode"] = StringOrNull(m.szBarCode);
    r["guid"] = FormatGuid(o.ObjectGuid);
    r["library"] = StringOrNull(cat.NameOf(m.CurrentLibrary));
    r["library_guid"] = GuidJson(m.CurrentLibrary);
    r["location_type"] = m.LocationType;
    r["location_type_name"] = ObjectTypeName(m.LocationType);
    r["location"] = StringOrNull(cat.NameOf(m.Location));
    r["location_guid"] = GuidJson(m.Location);
    r["home_slot"] = StringOrNull(cat.NameOf(m.HomeSlot));
    r["state"] = m.MediaState;
    r["state_name"] = MediaStateName(m.MediaState);
    r["enabled"] = bool(o.Enabled);
    r["quarantined"] = o.dwOperationalState == NTMS_NEEDS_SERVICE;  // a duplicate bar code (docs/service.md)
    r["description"] = o.szDescription;
    r["pool"] = StringOrNull(PoolPath(cat, m.MediaPool));
    r["pool_guid"] = GuidJson(m.MediaPool);
    r["media_type"] = StringOrNull(cat.NameOf(m.MediaType));
    r["sides"] = m.dwNumberOfPartitions;
    r["mounted_side_guid"] = GuidJson(m.MountedPartition);
    rows.push_back(std::move(r));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) {
    return std::tie(a["library"], a["name"]) < std::tie(b["library"], b["name"]);
  });
  PrintList(std::cout, rows,
            {{"NAME", "name"},
             {"BARCODE", "barcode"},
             {"LIBRARY", "library"},
             {"IN", "location_type_name"},
             {"LOCATION", "location"},
             {"STATE", "state_name"},
             {"POOL", "pool"},
             {"GUID", "guid"}},
            ctx.json);
  return 0;
}

int ListSlots(Context& ctx, const std::string& library) {
  Catalog& cat = ctx.catalog;
  Json rows = Json::array();
  for (const ObjectInfo& o : ListIn(cat, library, NTMS_STORAGESLOT)) {
    const NTMS_STORAGESLOTINFORMATION& s = o.Info.StorageSlot;
    const ObjectInfo* media = cat.MediaAt(o.ObjectGuid);
    Json r;
    r["number"] = s.Number;
    r["name"] = o.szName;
    r["library"] = cat.NameOf(s.Library);
    r["library_guid"] = GuidJson(s.Library);
    r["state"] = s.State;
    r["state_name"] = SlotStateName(s.State);
    r["enabled"] = bool(o.Enabled);
    r["media"] = media ? Json(Label(*media)) : Json();
    r["media_guid"] = media ? GuidJson(media->ObjectGuid) : Json();
    r["guid"] = FormatGuid(o.ObjectGuid);
    rows.push_back(std::move(r));
  }
  SortRows(rows, "number");
  PrintList(std::cout, rows,
            {{"NUMBER", "number"},
             {"NAME", "name"},
             {"LIBRARY", "library"},
             {"STATE", "state_name"},
             {"MEDIA", "media"},
             {"GUID", "guid"}},
            ctx.json);
  return 0;
}

int ListRequests(Context& ctx, const std::string& library, const RequestPage& page) {
  Catalog& cat = ctx.catalog;
  std::optional<NTMS_GUID> lib;
  if (!library.empty()) lib = cat.FindLibrary(library);
  RequestSelection sel = SelectRequests(cat, lib ? &*lib : nullptr, page);
  Json rows = Json::array();
  for (const ObjectInfo& o : sel.shown) {
    const NTMS_LIBREQUESTINFORMATIONA& q = o.Info.LibRequest;
    const ObjectInfo* media = cat.TryGet(q.PhysMediaId);
    bool failed = q.State == NTMS_LM_FAILED || q.dwErrorCode != ERROR_SUCCESS;
    Json r;
    r["operation"] = q.OperationCode;
    r["operation_name"] = LmOperationName(q.OperationCode);
    r["option"] = q.OperationOption;
    r["state"] = q.State;
    r["state_name"] = LmStateName(q.State);
    r["error"] = q.dwErrorCode;
    r["error_name"] = failed ? Json(ErrorName(q.dwErrorCode)) : Json();
    r["queued"] = StringOrNull(FormatTime(q.TimeQueued));
    r["completed"] = StringOrNull(FormatTime(q.TimeCompleted));
    r["library"] = StringOrNull(cat.NameOf(q.Library));
    r["library_guid"] = GuidJson(q.Library);
    r["drive"] = StringOrNull(cat.NameOf(q.DriveId));
    r["drive_guid"] = GuidJson(q.DriveId);
    r["media"] = media ? Json(Label(*media)) : StringOrNull(cat.NameOf(q.PhysMediaId));
    r["media_guid"] = GuidJson(q.PhysMediaId);
    r["slot"] = StringOrNull(cat.NameOf(q.SlotId));
    r["application"] = q.szApplication;
    r["user"] = q.szUser;
    r["computer"] = q.szComputer;
    r["priority"] = int(q.dwPriority);
    // What rsmd last reported while running it (a drive that takes long to
    // become ready, and when it was), from the request's description.
    r["progress"] = StringOrNull(o.szDescription);
    r["guid"] = FormatGuid(o.ObjectGuid);
    rows.push_back(std::move(r));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) { return a["queued"] < b["queued"]; });
  PrintList(std::cout, rows,
            {{"OPERATION", "operation_name"},
             {"STATE", "state_name"},
             {"ERROR", "error_name"},
             {"LIBRARY", "library"},
             {"DRIVE", "drive"},
             {"MEDIA", "media"},
             {"QUEUED", "queued"},
             {"COMPLETED", "completed"},
             {"APPLICATION", "application"},
             {"USER", "user"},
             {"GUID", "guid"},
             {"PROGRESS", "progress"}},
            ctx.json);
  if (sel.left_out > 0)
    std::cerr << "rsm: " << sel.left_out << " older finished request" << (sel.left_out == 1 ? " is" : "s are")
              << " not shown (--limit N: the newest N finished; "
              << "--all: every one)\n";
  return 0;
}

}  // namespace rsmcli
