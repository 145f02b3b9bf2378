// The "pool" commands: create, list, show, delete, and move a cartridge into
// a pool (CreateNtmsMediaPoolA, GetNtmsMediaPoolNameA, DeleteNtmsMediaPool,
// MoveToNtmsMediaPool). Pools are named by their full hierarchy
// ("App\Daily", the leading backslash optional) or by GUID.
#include <algorithm>
#include <iostream>

#include "commands.h"
#include "names.h"
#include "output.h"

namespace rsmcli {
namespace {

std::string PoolTypeName(DWORD type) {
  switch (type) {
    case NTMS_POOLTYPE_UNKNOWN:
      return "root";
    case NTMS_POOLTYPE_SCRATCH:
      return "free";
    case NTMS_POOLTYPE_FOREIGN:
      return "unrecognized";
    case NTMS_POOLTYPE_IMPORT:
      return "import";
    case NTMS_POOLTYPE_APPLICATION:
      return "application";
    default:
      return "type " + std::to_string(type);
  }
}

// GetNtmsMediaPoolNameA: "\App\Daily".
std::string FullName(Catalog& cat, const NTMS_GUID& pool) {
  std::string buf(256, '\0');
  DWORD size = DWORD(buf.size());
  NTMS_GUID id = pool;
  DWORD rc = GetNtmsMediaPoolNameA(cat.handle(), &id, buf.data(), &size);
  if (rc == ERROR_INSUFFICIENT_BUFFER) {
    buf.assign(size, '\0');
    rc = GetNtmsMediaPoolNameA(cat.handle(), &id, buf.data(), &size);
  }
  Check("GetNtmsMediaPoolName", rc);
  buf.resize(size ? size - 1 : 0);
  return buf;
}

// A pool by GUID or by its full name.
NTMS_GUID FindPool(Catalog& cat, const std::string& spec) {
  if (auto g = ParseGuid(spec)) {
    if (const ObjectInfo* o = cat.TryGet(*g); o && o->dwType == NTMS_MEDIA_POOL) return *g;
    throw UsageError{"no media pool " + spec};
  }
  NTMS_GUID id{};
  DWORD rc = CreateNtmsMediaPoolA(cat.handle(), spec.c_str(), nullptr, NTMS_OPEN_EXISTING, nullptr, &id);
  if (rc == ERROR_OBJECT_NOT_FOUND || rc == ERROR_INVALID_NAME) throw UsageError{"no media pool '" + spec + "'"};
  Check("CreateNtmsMediaPool", rc);
  return id;
}

Json PoolRow(Catalog& cat, const NTMS_GUID& id) {
  const ObjectInfo& o = cat.Get(id);
  const auto& p = o.Info.MediaPool;
  Json r;
  r["name"] = FullName(cat, id);
  r["type"] = PoolTypeName(p.PoolType);
  r["media_type"] = IsNullGuid(p.MediaType) ? Json(nullptr) : Json(cat.NameOf(p.MediaType));
  r["media"] = p.dwNumberOfPhysicalMedia;
  r["pools"] = p.dwNumberOfMediaPools;
  r["description"] = StringOrNull(o.szDescription);
  r["allocation_policy"] = p.AllocationPolicy & NTMS_ALLOCATE_FROMSCRATCH ? "from free" : "none";
  r["deallocation_policy"] = p.DeallocationPolicy & NTMS_DEALLOCATE_TOSCRATCH ? "to free" : "none";
  r["max_allocates"] = p.dwMaxAllocates;
  r["parent"] = GuidJson(p.Parent);
  r["guid"] = FormatGuid(id);
  return r;
}

// Every pool below `container` (null: the top level), depth first.
void Walk(Catalog& cat, const NTMS_GUID* container, Json& rows) {
  for (const NTMS_GUID& id : cat.Enumerate(container, NTMS_MEDIA_POOL)) {
    rows.push_back(PoolRow(cat, id));
    Walk(cat, &id, rows);
  }
}

Json Done(const char* operation, const std::string& object, const NTMS_GUID& id) {
  Json r;
  r["ok"] = true;
  r["operation"] = operation;
  r["object"] = object;
  r["guid"] = FormatGuid(id);
  return r;
}

}  // namespace

int CreatePool(Context& ctx, const std::string& name, const std::string& media_type, bool exist_ok) {
  Catalog& cat = ctx.catalog;
  std::optional<NTMS_GUID> type;
  if (!media_type.empty()) {
    for (const ObjectInfo& t : cat.List(nullptr, NTMS_MEDIA_TYPE))
      if (media_type == t.szName || FormatGuid(t.ObjectGuid) == media_type) type = t.ObjectGuid;
    if (!type) throw UsageError{"no media type '" + media_type + "'"};
  }
  NTMS_GUID id{};
  Check("CreateNtmsMediaPool", CreateNtmsMediaPoolA(cat.handle(), name.c_str(), type ? &*type : nullptr,
                                                    exist_ok ? NTMS_OPEN_ALWAYS : NTMS_CREATE_NEW, nullptr, &id));
  std::string full = FullName(cat, id);
  PrintResult(std::cout, Done("CreateNtmsMediaPool", full, id), full + " " + FormatGuid(id), ctx.json);
  return 0;
}

int ListPools(Context& ctx) {
  Json rows = Json::array();
  Walk(ctx.catalog, nullptr, rows);
  PrintList(std::cout, rows,
            {{"NAME", "name"},
             {"TYPE", "type"},
             {"MEDIA TYPE", "media_type"},
             {"MEDIA", "media"},
             {"POOLS", "pools"},
             {"GUID", "guid"}},
            ctx.json);
  return 0;
}

int ShowPool(Context& ctx, const std::string& spec) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID id = FindPool(cat, spec);
  Json r = PoolRow(cat, id);
  Json media = Json::array();
  for (const ObjectInfo& m : cat.List(&id, NTMS_PHYSICAL_MEDIA))
    media.push_back(m.Info.PhysicalMedia.szBarCode[0] ? m.Info.PhysicalMedia.szBarCode : m.szName);
  r["cartridges"] = media;
  if (ctx.json) {
    std::cout << r.dump(2) << "\n";
    return 0;
  }
  for (const auto& [key, value] : r.items()) {
    if (key == "cartridges") continue;
    std::cout << key << ": " << CellText(value) << "\n";
  }
  std::string list;
  for (const auto& m : media) list += (list.empty() ? "" : " ") + m.get<std::string>();
  std::cout << "cartridges: " << (list.empty() ? "-" : list) << "\n";
  return 0;
}

int DeletePool(Context& ctx, const std::string& spec) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID id = FindPool(cat, spec);
  std::string full = FullName(cat, id);
  Check("DeleteNtmsMediaPool", DeleteNtmsMediaPool(cat.handle(), &id));
  PrintResult(std::cout, Done("DeleteNtmsMediaPool", full, id), "deleted " + full, ctx.json);
  return 0;
}

int MoveToPool(Context& ctx, const std::string& media, const std::string& pool) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID m = cat.FindMedia(media);
  if (const ObjectInfo& o = cat.Get(m); o.dwType == NTMS_PARTITION) m = o.Info.Partition.PhysicalMedia;
  NTMS_GUID p = FindPool(cat, pool);
  std::string full = FullName(cat, p);
  Check("MoveToNtmsMediaPool", MoveToNtmsMediaPool(cat.handle(), &m, &p));
  Json r = Done("MoveToNtmsMediaPool", media, m);
  r["pool"] = full;
  r["pool_guid"] = FormatGuid(p);
  PrintResult(std::cout, r, media + " -> " + full, ctx.json);
  return 0;
}

}  // namespace rsmcli
