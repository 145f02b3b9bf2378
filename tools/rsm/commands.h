// The rsm commands. Each prints its result (table or JSON) on stdout and
// returns the process exit code (0); failures are thrown as ApiError or
// UsageError (see objects.h) and reported by main().
#pragma once

#include <ntmsapi.h>

#include <optional>
#include <string>

#include "objects.h"

namespace rsmcli {

struct Context {
  Catalog& catalog;
  bool json = false;
};

// Listings. `library` empty: every library; else a library name or GUID.
int ListLibraries(Context& ctx);
int ListDrives(Context& ctx, const std::string& library);
int ListMedia(Context& ctx, const std::string& library);
int ListSlots(Context& ctx, const std::string& library);

// Which library requests `rsm request list` shows: every unfinished one
// (queued, in process, waiting, deferred) and the newest `limit` finished
// ones, or every one when `all`.
struct RequestPage {
  size_t limit = 50;
  bool all = false;
};
// Reads only the requests it shows (plus the first finished one), relying on
// rsmd's enumeration order (unfinished first, then finished oldest first;
// docs/service.md); prints on stderr how many finished ones it left out.
int ListRequests(Context& ctx, const std::string& library, const RequestPage& page);

struct MountArgs {
  std::string media;                // name, barcode or GUID
  std::string drive;                // empty: any drive of the media's library
  std::optional<double> timeout_s;  // none: wait forever
  bool read_only = false;
  int priority = NTMS_PRIORITY_NORMAL;
};

// MountNtmsMedia; prints the drive's name.
int MountMedia(Context& ctx, const MountArgs& args);
// DismountNtmsMedia (immediate unless `deferred`). An immediate dismount
// waits, when `wait`, until the library request it queued has finished.
int DismountMedia(Context& ctx, const std::string& media, bool deferred, bool wait);
// DismountNtmsDrive.
int DismountDrive(Context& ctx, const std::string& drive);
// EnableNtmsObject / DisableNtmsObject on a drive, library or physical media.
int SetEnabled(Context& ctx, DWORD type, const std::string& spec, bool enable);
// InventoryNtmsLibrary with `method` (NtmsInventoryMethod).
int InventoryLibrary(Context& ctx, const std::string& library, DWORD method);
// CancelNtmsLibraryRequest.
int CancelRequest(Context& ctx, const std::string& request);
// EjectNtmsMedia (NTMS_EJECT_START): a cartridge to a free IE port; waits,
// when `wait`, until it is there.
int EjectMedia(Context& ctx, const std::string& media, bool wait);
// DecommissionNtmsMedia of a side, or of every side of a cartridge.
int DecommissionMedia(Context& ctx, const std::string& media);
// DeleteNtmsMedia of a cartridge (offline, none of its sides allocated).
int DeleteMedia(Context& ctx, const std::string& media);
// InjectNtmsMedia (NTMS_INJECT_START): whatever is in the library's IE ports
// into free slots; waits, when `wait`, until done.
int InjectLibrary(Context& ctx, const std::string& library, bool wait);

// Media pools (pools.cc). A pool is named by its full name ("App\Daily",
// the leading backslash optional) or GUID.
// CreateNtmsMediaPool (NTMS_CREATE_NEW; NTMS_OPEN_ALWAYS when `exist_ok`);
// `media_type` a media type name or GUID, empty for a pool of pools.
int CreatePool(Context& ctx, const std::string& name, const std::string& media_type, bool exist_ok);
// Every pool, depth first, by full name (GetNtmsMediaPoolName).
int ListPools(Context& ctx);
// One pool's fields and the cartridges in it.
int ShowPool(Context& ctx, const std::string& pool);
int DeletePool(Context& ctx, const std::string& pool);
// MoveToNtmsMediaPool.
int MoveToPool(Context& ctx, const std::string& media, const std::string& pool);

}  // namespace rsmcli
