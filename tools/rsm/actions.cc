// The commands that change something: mount, dismount, enable/disable,
// inventory, cancel, eject, inject.
#include <chrono>
#include <cmath>
#include <iostream>
#include <set>
#include <thread>

#include "commands.h"
#include "names.h"
#include "output.h"

namespace rsmcli {
namespace {

constexpr DWORD kInfinite = 0xFFFFFFFF;  // Windows' INFINITE

// The barcode of a cartridge (or its name), for messages.
std::string MediaLabel(Catalog& cat, const NTMS_GUID& id) {
  const ObjectInfo* o = cat.TryGet(id);
  if (o && o->dwType == NTMS_PHYSICAL_MEDIA && o->Info.PhysicalMedia.szBarCode[0])
    return o->Info.PhysicalMedia.szBarCode;
  return cat.NameOf(id);
}

Json Result(const char* operation, const std::string& object, const NTMS_GUID& id) {
  Json r;
  r["ok"] = true;
  r["operation"] = operation;
  r["object"] = object;
  r["guid"] = FormatGuid(id);
  return r;
}

// The cartridge a media reference (cartridge or side GUID) belongs to.
NTMS_GUID CartridgeOf(Catalog& cat, const NTMS_GUID& id) {
  const ObjectInfo& o = cat.Get(id);
  return o.dwType == NTMS_PARTITION ? o.Info.Partition.PhysicalMedia : id;
}

std::set<std::string> Keys(const std::vector<NTMS_GUID>& ids) {
  std::set<std::string> out;
  for (const NTMS_GUID& g : ids) out.insert(FormatGuid(g));
  return out;
}

// Whether library request `q` has finished; throws ApiError {operation,
// code} if it failed or was cancelled.
bool Finished(const NTMS_LIBREQUESTINFORMATIONA& q, const char* operation) {
  switch (q.State) {
    case NTMS_LM_PASSED:
      return true;
    case NTMS_LM_FAILED:
    case NTMS_LM_INVALID:
    case NTMS_LM_CANCELLED:
    case NTMS_LM_STOPPED:
      throw ApiError{operation, q.dwErrorCode ? q.dwErrorCode : DWORD(ERROR_CANCELLED)};
    default:
      return false;
  }
}

// Waits until every library request of operation `op` on `media` in
// `library` that is not in `before` has finished. Throws ApiError
// {operation, code} if one failed or was cancelled. Keeps the session open
// meanwhile (closing it could cancel requests still queued).
void WaitForRequests(Catalog& cat, const NTMS_GUID& library, const std::set<std::string>& before, DWORD op,
                     const NTMS_GUID& media, const char* operation) {
  for (;;) {
    cat.Invalidate();
    bool pending = false;
    for (const NTMS_GUID& id : cat.Enumerate(&library, NTMS_LIBREQUEST)) {
      if (before.count(FormatGuid(id))) continue;
      const ObjectInfo* o = cat.TryGet(id);
      if (!o || o->Info.LibRequest.OperationCode != op || !SameGuid(o->Info.LibRequest.PhysMediaId, media)) continue;
      if (!Finished(o->Info.LibRequest, operation)) pending = true;
    }
    if (!pending) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Waits until library request `id` has finished. Throws ApiError
// {operation, code} if it failed or was cancelled.
void WaitForRequest(Catalog& cat, const NTMS_GUID& id, const char* operation) {
  for (;;) {
    cat.Invalidate();
    const ObjectInfo* o = cat.TryGet(id);
    if (!o) return;  // purged: it finished long ago
    if (Finished(o->Info.LibRequest, operation)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

int EjectMedia(Context& ctx, const std::string& spec, bool wait) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID cartridge = CartridgeOf(cat, cat.FindMedia(spec));
  std::string label = MediaLabel(cat, cartridge);
  NTMS_GUID op{};
  Check("EjectNtmsMedia", EjectNtmsMedia(cat.handle(), &cartridge, &op, NTMS_EJECT_START));
  if (wait) WaitForRequest(cat, op, "EjectNtmsMedia");
  Json r = Result("eject", label, cartridge);
  r["request_guid"] = FormatGuid(op);
  r["waited"] = wait;
  std::string text = label + ": eject queued";
  if (wait) {
    cat.Invalidate();
    const NTMS_GUID port = cat.Get(cartridge).Info.PhysicalMedia.Location;
    r["port"] = cat.NameOf(port);
    r["port_guid"] = GuidJson(port);
    text = label + ": in " + cat.NameOf(port) + ", ready to be taken out";
  }
  PrintResult(std::cout, r, text, ctx.json);
  return 0;
}

int DecommissionMedia(Context& ctx, const std::string& spec) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID media = cat.FindMedia(spec);
  NTMS_GUID cartridge = CartridgeOf(cat, media);
  std::string label = MediaLabel(cat, cartridge);
  std::vector<NTMS_GUID> sides;
  if (cat.Get(media).dwType == NTMS_PARTITION)
    sides.push_back(media);
  else
    sides = cat.Enumerate(&cartridge, NTMS_PARTITION);
  Json done = Json::array();
  for (NTMS_GUID side : sides) {
    Check("DecommissionNtmsMedia", DecommissionNtmsMedia(cat.handle(), &side));
    done.push_back(FormatGuid(side));
  }
  Json r = Result("decommission", label, cartridge);
  r["sides"] = done;
  PrintResult(std::cout, r, label + ": decommissioned", ctx.json);
  return 0;
}

int DeleteMedia(Context& ctx, const std::string& spec) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID cartridge = CartridgeOf(cat, cat.FindMedia(spec));
  std::string label = MediaLabel(cat, cartridge);
  Check("DeleteNtmsMedia", DeleteNtmsMedia(cat.handle(), &cartridge));
  PrintResult(std::cout, Result("delete", label, cartridge), label + ": deleted from the catalogue", ctx.json);
  return 0;
}

int InjectLibrary(Context& ctx, const std::string& spec, bool wait) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID lib = cat.FindLibrary(spec);
  std::string name = cat.NameOf(lib);
  NTMS_GUID op{};
  Check("InjectNtmsMedia", InjectNtmsMedia(cat.handle(), &lib, &op, NTMS_INJECT_START));
  if (wait) WaitForRequest(cat, op, "InjectNtmsMedia");
  Json r = Result("inject", name, lib);
  r["request_guid"] = FormatGuid(op);
  r["waited"] = wait;
  PrintResult(std::cout, r, name + (wait ? ": inject finished" : ": inject queued"), ctx.json);
  return 0;
}

int MountMedia(Context& ctx, const MountArgs& args) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID media = cat.FindMedia(args.media);
  NTMS_GUID drive{};
  DWORD options = args.read_only ? NTMS_MOUNT_READ : (NTMS_MOUNT_READ | NTMS_MOUNT_WRITE);
  if (!args.drive.empty()) {
    drive = cat.FindDrive(args.drive);
    options |= NTMS_MOUNT_SPECIFIC_DRIVE;
  }
  DWORD timeout = kInfinite;
  if (args.timeout_s) {
    if (!(*args.timeout_s >= 0)) throw UsageError{"--timeout must be a number of seconds >= 0"};
    double ms = std::round(*args.timeout_s * 1000.0);
    timeout = ms >= double(kInfinite - 1) ? kInfinite - 1 : DWORD(ms);
  }
  Check("MountNtmsMedia", MountNtmsMedia(cat.handle(), &media, &drive, 1, options, args.priority, timeout, nullptr));
  std::string label = MediaLabel(cat, media);
  cat.Invalidate();
  std::string drive_name = cat.NameOf(drive);
  Json r = Result("mount", label, media);
  r["media"] = label;
  r["media_guid"] = FormatGuid(media);
  r["drive"] = drive_name;
  r["drive_guid"] = GuidJson(drive);
  r["read_only"] = args.read_only;
  PrintResult(std::cout, r, drive_name, ctx.json);
  return 0;
}

int DismountMedia(Context& ctx, const std::string& spec, bool deferred, bool wait) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID media = cat.FindMedia(spec);
  NTMS_GUID cartridge = CartridgeOf(cat, media);
  NTMS_GUID library = cat.Get(cartridge).Info.PhysicalMedia.CurrentLibrary;
  wait = wait && !deferred && !IsNullGuid(library);
  std::set<std::string> before;
  if (wait) before = Keys(cat.Enumerate(&library, NTMS_LIBREQUEST));
  std::string label = MediaLabel(cat, cartridge);
  DWORD options = deferred ? NTMS_DISMOUNT_DEFERRED : NTMS_DISMOUNT_IMMEDIATE;
  Check("DismountNtmsMedia", DismountNtmsMedia(cat.handle(), &media, 1, options));
  if (wait) WaitForRequests(cat, library, before, NTMS_LM_DISMOUNT, cartridge, "DismountNtmsMedia");
  Json r = Result("dismount", label, media);
  r["deferred"] = deferred;
  r["waited"] = wait;
  std::string text = label + (deferred ? ": deferred dismount queued" : wait ? ": dismounted" : ": dismount queued");
  PrintResult(std::cout, r, text, ctx.json);
  return 0;
}

int DismountDrive(Context& ctx, const std::string& spec) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID drive = cat.FindDrive(spec);
  std::string name = cat.NameOf(drive);
  Check("DismountNtmsDrive", DismountNtmsDrive(cat.handle(), &drive));
  PrintResult(std::cout, Result("dismount", name, drive), name + ": dismounted", ctx.json);
  return 0;
}

int SetEnabled(Context& ctx, DWORD type, const std::string& spec, bool enable) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID id{};
  switch (type) {
    case NTMS_DRIVE:
      id = cat.FindDrive(spec);
      break;
    case NTMS_LIBRARY:
      id = cat.FindLibrary(spec);
      break;
    default:
      id = cat.FindMedia(spec);
      break;
  }
  if (type == NTMS_PHYSICAL_MEDIA && cat.Get(id).dwType != NTMS_PHYSICAL_MEDIA)
    throw UsageError{"only a cartridge (not a side) can be " + std::string(enable ? "enabled" : "disabled")};
  std::string name = type == NTMS_PHYSICAL_MEDIA ? MediaLabel(cat, id) : cat.NameOf(id);
  if (enable)
    Check("EnableNtmsObject", EnableNtmsObject(cat.handle(), type, &id));
  else
    Check("DisableNtmsObject", DisableNtmsObject(cat.handle(), type, &id));
  const char* op = enable ? "enable" : "disable";
  PrintResult(std::cout, Result(op, name, id), name + ": " + op + " requested", ctx.json);
  return 0;
}

int InventoryLibrary(Context& ctx, const std::string& spec, DWORD method) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID lib = cat.FindLibrary(spec);
  std::string name = cat.NameOf(lib);
  Check("InventoryNtmsLibrary", InventoryNtmsLibrary(cat.handle(), &lib, method));
  Json r = Result("inventory", name, lib);
  r["method"] = method;
  PrintResult(std::cout, r, name + ": inventory finished", ctx.json);
  return 0;
}

int CancelRequest(Context& ctx, const std::string& spec) {
  Catalog& cat = ctx.catalog;
  NTMS_GUID req = cat.FindRequest(spec);
  Check("CancelNtmsLibraryRequest", CancelNtmsLibraryRequest(cat.handle(), &req));
  std::string guid = FormatGuid(req);
  PrintResult(std::cout, Result("cancel", guid, req), guid + ": cancelled", ctx.json);
  return 0;
}

}  // namespace rsmcli
