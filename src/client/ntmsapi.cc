// libntmsapi: the implemented ntmsapi.h functions, over the RPC client
// (rpc/client/connection.h).
//
// Each function checks the handle (ERROR_INVALID_HANDLE), then its own
// parameters (ERROR_INVALID_PARAMETER), then asks rsmd and returns the Win32
// code it answers. No C++ exception leaves this file: an allocation failure
// is ERROR_NOT_ENOUGH_MEMORY. Out-parameters are written only on success
// (and lpdwListSize on ERROR_INSUFFICIENT_BUFFER). Every call has a deadline
// (connection.h); a lost connection or a missed deadline is mapped per
// function (docs/client.md "Deadlines and lost connections").
#include "ntmsapi.h"

#include <cstring>
#include <ctime>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "client/session.h"
#include "common/object_info.h"
#include "common/utf.h"

using openrsm::Guid;
using openrsm::Status;
using openrsm::client::ClientSession;

namespace {

thread_local DWORD t_last_error = 0;

constexpr DWORD kMaxMountCount = 64;

Guid GuidOf(const NTMS_GUID* g) { return Guid::FromRaw(g); }
void SetGuid(const Guid& g, NTMS_GUID* out) { g.ToRaw(out); }

void ToSystemTime(int64_t ms, SYSTEMTIME* st) {
  std::memset(st, 0, sizeof *st);
  if (ms <= 0) return;
  time_t secs = time_t(ms / 1000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  st->wYear = WORD(tm.tm_year + 1900);
  st->wMonth = WORD(tm.tm_mon + 1);
  st->wDayOfWeek = WORD(tm.tm_wday);
  st->wDay = WORD(tm.tm_mday);
  st->wHour = WORD(tm.tm_hour);
  st->wMinute = WORD(tm.tm_min);
  st->wSecond = WORD(tm.tm_sec);
  st->wMilliseconds = WORD(ms % 1000);
}

// Runs `fn` on the live session behind `h`, guarding against exceptions.
template <typename Fn>
DWORD WithSession(HANDLE h, Fn&& fn) {
  try {
    auto s = openrsm::client::Lookup(h);
    if (!s) return ERROR_INVALID_HANDLE;
    return fn(*s);
  } catch (const std::bad_alloc&) {
    return ERROR_NOT_ENOUGH_MEMORY;
  } catch (...) {
    return ERROR_NOT_CONNECTED;
  }
}

// String fields: CHAR arrays hold UTF-8, WCHAR arrays UTF-16.
void Put(const std::string& s, CHAR* dst, size_t cap) { openrsm::CopyUtf8(s, dst, cap); }
void Put(const std::string& s, WCHAR* dst, size_t cap) { openrsm::CopyUtf16(s, reinterpret_cast<char16_t*>(dst), cap); }
#define PUT(str, arr) Put((str), (arr), sizeof(arr) / sizeof((arr)[0]))

// The union member of NTMS_OBJECTINFORMATION for each information struct.
template <typename Info>
void FillDrive(const openrsm::DriveInfo& i, Info& tmp) {
  auto& d = tmp.Info.Drive;
  d.Number = i.number;
  d.State = i.state;
  PUT(i.device_name, d.szDeviceName);
  PUT(i.serial, d.szSerialNumber);
  PUT(i.revision, d.szRevision);
  d.ScsiPort = WORD(i.scsi_port);
  d.ScsiBus = WORD(i.scsi_bus);
  d.ScsiTarget = WORD(i.scsi_target);
  d.ScsiLun = WORD(i.scsi_lun);
  d.dwMountCount = i.mount_count;
  SetGuid(i.saved_partition, &d.SavedPartitionId);
  SetGuid(i.library, &d.Library);
  d.dwDeferDismountDelay = i.defer_dismount_delay;
  SetGuid(i.drive_type, &d.DriveType);
}

template <typename Info>
void FillPhysicalMedia(const openrsm::PhysicalMediaInfo& i, Info& tmp) {
  auto& m = tmp.Info.PhysicalMedia;
  SetGuid(i.current_library, &m.CurrentLibrary);
  SetGuid(i.media_pool, &m.MediaPool);
  SetGuid(i.location, &m.Location);
  m.LocationType = i.location_type;
  SetGuid(i.media_type, &m.MediaType);
  SetGuid(i.home_slot, &m.HomeSlot);
  PUT(i.barcode, m.szBarCode);
  m.BarCodeState = i.barcode_state;
  m.MediaState = i.media_state;
  m.dwNumberOfPartitions = i.number_of_partitions;
  m.dwMediaTypeCode = i.media_type_code;
  SetGuid(i.mounted_partition, &m.MountedPartition);
}

template <typename Info>
void FillLibRequest(const openrsm::LibRequestInfo& i, Info& tmp) {
  auto& r = tmp.Info.LibRequest;
  r.OperationCode = i.operation_code;
  r.OperationOption = i.operation_option;
  r.State = i.state;
  SetGuid(i.partition, &r.PartitionId);
  SetGuid(i.drive, &r.DriveId);
  SetGuid(i.physical_media, &r.PhysMediaId);
  SetGuid(i.library, &r.Library);
  SetGuid(i.slot, &r.SlotId);
  ToSystemTime(i.time_queued_ms, &r.TimeQueued);
  ToSystemTime(i.time_completed_ms, &r.TimeCompleted);
  PUT(i.application, r.szApplication);
  PUT(i.user, r.szUser);
  PUT(i.computer, r.szComputer);
  r.dwErrorCode = i.error_code;
  SetGuid(i.work_item, &r.WorkItemId);
  r.dwPriority = i.priority;
}

void FillLibrary(const openrsm::LibraryInfo& i, NTMS_LIBRARYINFORMATION& l) {
  l.LibraryType = i.library_type;
  l.BarCodeReaderInstalled = i.barcode_reader;
  l.InventoryMethod = i.inventory_method;
  l.dwNumberOfDrives = i.number_of_drives;
  l.dwNumberOfSlots = i.number_of_slots;
  l.dwNumberOfPorts = i.number_of_ports;
  l.dwNumberOfChangers = i.number_of_changers;
  l.dwNumberOfMedia = i.number_of_media;
  l.dwNumberOfMediaTypes = i.number_of_media_types;
  l.dwNumberOfLibRequests = i.number_of_lib_requests;
  l.AutoRecovery = i.auto_recovery;
  l.dwFlags = i.flags;
}

void FillMediaPool(const openrsm::MediaPoolInfo& i, NTMS_MEDIAPOOLINFORMATION& p) {
  p.PoolType = i.pool_type;
  SetGuid(i.media_type, &p.MediaType);
  SetGuid(i.parent, &p.Parent);
  p.AllocationPolicy = i.allocation_policy;
  p.DeallocationPolicy = i.deallocation_policy;
  p.dwMaxAllocates = i.max_allocates;
  p.dwNumberOfPhysicalMedia = i.number_of_physical_media;
  p.dwNumberOfMediaPools = i.number_of_media_pools;
}

// Fills `out` from `o` (in a local copy; copied out at the end). Fields
// OpenRSM has no value for stay 0 (common/object_info.h).
template <typename Info>
DWORD FillInfo(const openrsm::ObjectInfo& o, Info* out) {
  Info tmp;
  std::memset(&tmp, 0, sizeof tmp);
  tmp.dwSize = sizeof(Info);
  tmp.dwType = o.type;
  ToSystemTime(o.created_ms, &tmp.Created);
  ToSystemTime(o.modified_ms, &tmp.Modified);
  SetGuid(o.id, &tmp.ObjectGuid);
  tmp.Enabled = o.enabled ? TRUE : FALSE;
  tmp.dwOperationalState = o.operational_state;
  PUT(o.name, tmp.szName);
  PUT(o.description, tmp.szDescription);
  if (const auto* i = std::get_if<openrsm::DriveInfo>(&o.info)) {
    FillDrive(*i, tmp);
  } else if (const auto* i = std::get_if<openrsm::LibraryInfo>(&o.info)) {
    FillLibrary(*i, tmp.Info.Library);
  } else if (const auto* i = std::get_if<openrsm::ChangerInfo>(&o.info)) {
    auto& c = tmp.Info.Changer;
    c.Number = i->number;
    PUT(i->serial, c.szSerialNumber);
    PUT(i->device_name, c.szDeviceName);
    SetGuid(i->library, &c.Library);
    SetGuid(i->changer_type, &c.ChangerType);
  } else if (const auto* i = std::get_if<openrsm::DriveTypeInfo>(&o.info)) {
    auto& t = tmp.Info.DriveType;
    PUT(i->vendor, t.szVendor);
    PUT(i->product, t.szProduct);
    t.NumberOfHeads = i->number_of_heads;
    t.DeviceType = i->device_type;
  } else if (const auto* i = std::get_if<openrsm::ChangerTypeInfo>(&o.info)) {
    auto& t = tmp.Info.ChangerType;
    PUT(i->vendor, t.szVendor);
    PUT(i->product, t.szProduct);
    t.DeviceType = i->device_type;
  } else if (const auto* i = std::get_if<openrsm::SlotInfo>(&o.info)) {
    auto& s = tmp.Info.StorageSlot;
    s.Number = i->number;
    s.State = i->state;
    SetGuid(i->library, &s.Library);
  } else if (const auto* i = std::get_if<openrsm::IePortInfo>(&o.info)) {
    auto& p = tmp.Info.IEPort;
    p.Number = i->number;
    p.Content = i->content;
    p.Position = i->position;
    p.MaxExtendSecs = WORD(i->max_extend_secs);
    SetGuid(i->library, &p.Library);
  } else if (const auto* i = std::get_if<openrsm::PhysicalMediaInfo>(&o.info)) {
    FillPhysicalMedia(*i, tmp);
  } else if (const auto* i = std::get_if<openrsm::PartitionInfo>(&o.info)) {
    auto& p = tmp.Info.Partition;
    SetGuid(i->physical_media, &p.PhysicalMedia);
    SetGuid(i->logical_media, &p.LogicalMedia);
    p.State = i->state;
    p.Side = WORD(i->side);
    p.dwMountCount = i->mount_count;
    p.dwAllocateCount = i->allocate_count;
    p.Capacity.QuadPart = int64_t(i->capacity);
  } else if (const auto* i = std::get_if<openrsm::MediaPoolInfo>(&o.info)) {
    FillMediaPool(*i, tmp.Info.MediaPool);
  } else if (const auto* i = std::get_if<openrsm::MediaTypeInfo>(&o.info)) {
    auto& t = tmp.Info.MediaType;
    t.MediaType = i->media_type;
    t.NumberOfSides = i->number_of_sides;
    t.ReadWriteCharacteristics = i->read_write;
    t.DeviceType = i->device_type;
  } else if (const auto* i = std::get_if<openrsm::LibRequestInfo>(&o.info)) {
    FillLibRequest(*i, tmp);
  } else if (const auto* i = std::get_if<openrsm::ComputerInfo>(&o.info)) {
    auto& c = tmp.Info.Computer;
    c.dwLibRequestPurgeTime = i->lib_request_purge_time;
    c.dwOpRequestPurgeTime = i->op_request_purge_time;
  }
  std::memcpy(out, &tmp, sizeof tmp);
  return ERROR_SUCCESS;
}

template <typename Info>
DWORD GetInfo(HANDLE h, LPNTMS_GUID id, Info* info) {
  return WithSession(h, [&](ClientSession& s) -> DWORD {
    if (!id || !info) return ERROR_INVALID_PARAMETER;
    if (info->dwSize != sizeof(Info)) return ERROR_INVALID_PARAMETER;
    DWORD want = info->dwType;
    if (want > NTMS_UI_DESTINATION) return ERROR_INVALID_PARAMETER;
    auto r = s.rpc->GetObjectInfo(GuidOf(id), want);  // the type is a hint: the server reads that row directly
    if (!r.ok()) return r.status().code();
    // dwType preset by the caller must match; NTMS_UNKNOWN asks the server.
    if (want != NTMS_UNKNOWN && want != r->type) return ERROR_INVALID_PARAMETER;
    return FillInfo(*r, info);
  });
}

HANDLE OpenSession(const std::string& server, const std::string& app, DWORD options) {
  try {
    if (server.size() >= NTMS_COMPUTERNAME_LENGTH) {
      t_last_error = ERROR_INVALID_COMPUTERNAME;
      return INVALID_HANDLE_VALUE;
    }
    // dwOptions: "Reserved; must be zero" (SDK).
    if (app.size() >= NTMS_APPLICATIONNAME_LENGTH || options != 0) {
      t_last_error = ERROR_INVALID_PARAMETER;
      return INVALID_HANDLE_VALUE;
    }
    auto r = openrsm::client::OpenSession(server, app, options);
    if (!r.ok()) {
      t_last_error = r.status().code();
      return INVALID_HANDLE_VALUE;
    }
    t_last_error = ERROR_SUCCESS;
    return *r;
  } catch (const std::bad_alloc&) {
    t_last_error = ERROR_NOT_ENOUGH_MEMORY;
    return INVALID_HANDLE_VALUE;
  }
}

DWORD SetEnabled(HANDLE h, DWORD type, LPNTMS_GUID id, bool enable) {
  return WithSession(h, [&](ClientSession& s) -> DWORD {
    if (!id) return ERROR_INVALID_PARAMETER;
    return s.rpc->SetEnabled(type, GuidOf(id), enable).code();
  });
}

}  // namespace

extern "C" {

DWORD OpenRsmGetLastError(void) { return t_last_error; }

// Not supported until notifications exist: INVALID_HANDLE_VALUE, and the
// reason where a caller looks for it (the last error), as for a session.
HANDLE WINAPI OpenNtmsNotification(HANDLE, DWORD) {
  t_last_error = ERROR_NOT_SUPPORTED;
  return INVALID_HANDLE_VALUE;
}

HANDLE WINAPI OpenNtmsSessionA(LPCSTR lpServer, LPCSTR lpApplication, DWORD dwOptions) {
  try {
    std::string server = lpServer ? lpServer : "";
    std::string app = lpApplication ? lpApplication : "";
    // A server name that is not text is a malformed computer name.
    if (!openrsm::IsValidUtf8(server)) {
      t_last_error = ERROR_INVALID_COMPUTERNAME;
      return INVALID_HANDLE_VALUE;
    }
    if (!openrsm::IsValidUtf8(app)) {
      t_last_error = ERROR_INVALID_PARAMETER;
      return INVALID_HANDLE_VALUE;
    }
    return OpenSession(server, app, dwOptions);
  } catch (const std::bad_alloc&) {
    t_last_error = ERROR_NOT_ENOUGH_MEMORY;
    return INVALID_HANDLE_VALUE;
  }
}

HANDLE WINAPI OpenNtmsSessionW(LPCWSTR lpServer, LPCWSTR lpApplication, DWORD dwOptions) {
  auto conv = [](LPCWSTR w) -> std::optional<std::string> {
    if (!w) return std::string();
    const char16_t* p = reinterpret_cast<const char16_t*>(w);
    size_t n = 0;
    while (p[n] && n < 4096) ++n;
    if (p[n]) return std::nullopt;  // unterminated or absurdly long
    return openrsm::Utf16ToUtf8(std::u16string_view(p, n));
  };
  try {
    auto server = conv(lpServer), app = conv(lpApplication);
    if (!server) {  // not valid UTF-16: a malformed computer name
      t_last_error = ERROR_INVALID_COMPUTERNAME;
      return INVALID_HANDLE_VALUE;
    }
    if (!app) {
      t_last_error = ERROR_INVALID_PARAMETER;
      return INVALID_HANDLE_VALUE;
    }
    return OpenSession(*server, *app, dwOptions);
  } catch (const std::bad_alloc&) {
    t_last_error = ERROR_NOT_ENOUGH_MEMORY;
    return INVALID_HANDLE_VALUE;
  }
}

DWORD WINAPI CloseNtmsSession(HANDLE hSession) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    Status st = s.rpc->CloseSession();  // no answer: ERROR_CONNECTION_UNAVAIL
    openrsm::client::Forget(hSession);  // the handle is gone whatever the server says
    return st.code();
  });
}

DWORD WINAPI EnumerateNtmsObject(HANDLE hSession, const LPNTMS_GUID lpContainerId, LPNTMS_GUID lpList,
                                 LPDWORD lpdwListSize, DWORD dwType, DWORD dwOptions) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpdwListSize) return ERROR_INVALID_PARAMETER;
    if (!lpList && *lpdwListSize != 0) return ERROR_INVALID_PARAMETER;
    if (dwOptions & ~DWORD(NTMS_ENUM_ROOTPOOL)) return ERROR_INVALID_PARAMETER;
    // The root pool option: only for the top-level media pools (SDK).
    const bool null_container = !lpContainerId || GuidOf(lpContainerId).IsNull();
    if ((dwOptions & NTMS_ENUM_ROOTPOOL) && (dwType != NTMS_MEDIA_POOL || !null_container))
      return ERROR_INVALID_PARAMETER;
    auto ids = s.rpc->Enumerate(null_container ? Guid() : GuidOf(lpContainerId), dwType, dwOptions);
    if (!ids.ok()) return ids.status().code();
    // A short buffer gets the first ids that fit, and the size needed (SDK:
    // "The function truncates the list and returns the actual size").
    const DWORD n = DWORD(ids->size());
    const DWORD fit = std::min(n, *lpdwListSize);
    for (DWORD i = 0; i < fit; ++i) SetGuid((*ids)[i], &lpList[i]);
    *lpdwListSize = n;
    return n > fit ? DWORD(ERROR_INSUFFICIENT_BUFFER) : DWORD(ERROR_SUCCESS);
  });
}

DWORD WINAPI GetNtmsObjectInformationA(HANDLE hSession, LPNTMS_GUID lpObjectId, LPNTMS_OBJECTINFORMATIONA lpInfo) {
  return GetInfo(hSession, lpObjectId, lpInfo);
}

DWORD WINAPI GetNtmsObjectInformationW(HANDLE hSession, LPNTMS_GUID lpObjectId, LPNTMS_OBJECTINFORMATIONW lpInfo) {
  return GetInfo(hSession, lpObjectId, lpInfo);
}

DWORD WINAPI EnableNtmsObject(HANDLE hSession, DWORD dwType, LPNTMS_GUID lpObjectId) {
  return SetEnabled(hSession, dwType, lpObjectId, true);
}

DWORD WINAPI DisableNtmsObject(HANDLE hSession, DWORD dwType, LPNTMS_GUID lpObjectId) {
  return SetEnabled(hSession, dwType, lpObjectId, false);
}

DWORD WINAPI MountNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpDriveId, DWORD dwCount,
                            DWORD dwOptions, int dwPriority, DWORD dwTimeout,
                            LPNTMS_MOUNT_INFORMATION lpMountInformation) {
  (void)lpMountInformation;  // unused by the protocol (MS-RSMP: send NULL, ignore on receipt)
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpMediaId || !lpDriveId || dwCount == 0 || dwCount > kMaxMountCount) return ERROR_INVALID_PARAMETER;
    std::vector<Guid> media, drives;
    for (DWORD i = 0; i < dwCount; ++i) {
      media.push_back(GuidOf(&lpMediaId[i]));
      drives.push_back(GuidOf(&lpDriveId[i]));
    }
    // A missed deadline (dwTimeout + 30 s) is ERROR_TIMEOUT.
    auto used = s.rpc->Mount(media, drives, dwOptions, dwPriority, dwTimeout);
    if (!used.ok()) return used.status().code();
    for (DWORD i = 0; i < dwCount && i < used->size(); ++i) SetGuid((*used)[i], &lpDriveId[i]);
    return ERROR_SUCCESS;
  });
}

DWORD WINAPI DismountNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, DWORD dwCount, DWORD dwOptions) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpMediaId || dwCount == 0 || dwCount > kMaxMountCount) return ERROR_INVALID_PARAMETER;
    std::vector<Guid> media;
    for (DWORD i = 0; i < dwCount; ++i) media.push_back(GuidOf(&lpMediaId[i]));
    return s.rpc->DismountMedia(media, dwOptions).code();
  });
}

DWORD WINAPI DismountNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpDriveId) return ERROR_INVALID_PARAMETER;
    return s.rpc->DismountDrive(GuidOf(lpDriveId)).code();  // no deadline: waits for the robot
  });
}

DWORD WINAPI InventoryNtmsLibrary(HANDLE hSession, LPNTMS_GUID lpLibraryId, DWORD dwAction) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpLibraryId) return ERROR_INVALID_PARAMETER;
    return s.rpc->Inventory(GuidOf(lpLibraryId), dwAction).code();  // no deadline: waits for the robot
  });
}

DWORD WINAPI CancelNtmsLibraryRequest(HANDLE hSession, LPNTMS_GUID lpRequestId) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpRequestId) return ERROR_INVALID_PARAMETER;
    return s.rpc->CancelLibRequest(GuidOf(lpRequestId)).code();
  });
}

DWORD WINAPI DecommissionNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpMediaId) return ERROR_INVALID_PARAMETER;
    return s.rpc->DecommissionMedia(GuidOf(lpMediaId)).code();
  });
}

DWORD WINAPI DeleteNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpMediaId) return ERROR_INVALID_PARAMETER;
    return s.rpc->DeleteMedia(GuidOf(lpMediaId)).code();
  });
}

DWORD WINAPI EjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpEjectOperation, DWORD dwAction) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    // lpEjectOperation is not used with NTMS_EJECT_QUEUE (may be NULL);
    // START returns the operation in it, STOP names it. lpMediaId may be
    // NULL with START (start the ejects this session queued) and with STOP.
    if (!lpEjectOperation && dwAction != NTMS_EJECT_QUEUE) return ERROR_INVALID_PARAMETER;
    if (!lpMediaId && dwAction != NTMS_EJECT_START && dwAction != NTMS_EJECT_STOP) return ERROR_INVALID_PARAMETER;
    const Guid stop = dwAction == NTMS_EJECT_STOP ? GuidOf(lpEjectOperation) : Guid();
    auto started = s.rpc->EjectMedia(lpMediaId ? GuidOf(lpMediaId) : Guid(), stop, dwAction);
    if (!started.ok()) return started.status().code();
    if (dwAction == NTMS_EJECT_START) SetGuid(*started, lpEjectOperation);
    return DWORD(ERROR_SUCCESS);
  });
}

DWORD WINAPI InjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpLibraryId, LPNTMS_GUID lpInjectOperation, DWORD dwAction) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpLibraryId || !lpInjectOperation) return ERROR_INVALID_PARAMETER;
    const Guid stop = dwAction == NTMS_INJECT_STOP ? GuidOf(lpInjectOperation) : Guid();
    auto started = s.rpc->InjectMedia(GuidOf(lpLibraryId), stop, dwAction);
    if (!started.ok()) return started.status().code();
    if (dwAction == NTMS_INJECT_START) SetGuid(*started, lpInjectOperation);
    return DWORD(ERROR_SUCCESS);
  });
}

}  // extern "C"
