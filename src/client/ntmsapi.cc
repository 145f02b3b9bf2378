// libntmsapi: the implemented ntmsapi.h functions, over the gRPC client.
//
// Each function checks the handle (ERROR_INVALID_HANDLE), then its own
// parameters (ERROR_INVALID_PARAMETER), then asks rsmd and returns the Win32
// code it answers. No C++ exception leaves this file: an allocation failure
// is ERROR_NOT_ENOUGH_MEMORY. Out-parameters are written only on success
// (and lpdwListSize on ERROR_INSUFFICIENT_BUFFER). Every call has a deadline
// (session.h); a lost connection or a missed deadline is mapped per function
// (docs/client.md "Deadlines and lost connections").
#include <grpcpp/grpcpp.h>

#include <cstring>
#include <ctime>
#include <new>
#include <string>
#include <vector>

#include "client/fork_guard.h"
#include "client/session.h"
#include "common/utf.h"
#include "ntmsapi.h"

using openrsm::Status;
using openrsm::client::ClientSession;
namespace err = openrsm::err;
namespace rpc = openrsm::rpc;

namespace {

thread_local DWORD t_last_error = 0;

constexpr DWORD kMaxMountCount = 64;

std::string RawGuid(const NTMS_GUID* g) { return std::string(reinterpret_cast<const char*>(g), 16); }
bool IsNullGuid(const NTMS_GUID* g) {
  static const NTMS_GUID zero{};
  return std::memcmp(g, &zero, sizeof zero) == 0;
}
void SetGuid(const std::string& raw, NTMS_GUID* out) {
  std::memset(out, 0, sizeof *out);
  if (raw.size() == 16) std::memcpy(out, raw.data(), 16);
}

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
    openrsm::client::RpcScope scope;  // declared first: outlives `s`
    auto s = openrsm::client::Lookup(h);
    if (!s) return ERROR_INVALID_HANDLE;
    return fn(*s);
  } catch (const std::bad_alloc&) {
    return ERROR_NOT_ENOUGH_MEMORY;
  } catch (...) {
    return ERROR_NOT_CONNECTED;
  }
}

// Call the stub first and only then read the reply: argument evaluation order
// is unspecified, and reply.result() read before the call returns the default
// instance (error 0), not the answer.
// `on_deadline`: the code for a missed deadline (ERROR_TIMEOUT where the
// function documents it).
DWORD Answer(const grpc::Status& gs, const rpc::Result& r, DWORD on_deadline = ERROR_NOT_CONNECTED) {
  if (!gs.ok()) return openrsm::client::TransportError(gs, on_deadline);
  return r.error();
}

// String fields: CHAR arrays hold UTF-8, WCHAR arrays UTF-16.
void Put(const std::string& s, CHAR* dst, size_t cap) { openrsm::CopyUtf8(s, dst, cap); }
void Put(const std::string& s, WCHAR* dst, size_t cap) {
  openrsm::CopyUtf16(s, reinterpret_cast<char16_t*>(dst), cap);
}
#define PUT(str, arr) Put((str), (arr), sizeof(arr) / sizeof((arr)[0]))

template <typename Info>
DWORD FillInfo(const rpc::ObjectInfo& o, Info* out) {
  Info tmp;
  std::memset(&tmp, 0, sizeof tmp);
  tmp.dwSize = sizeof(Info);
  tmp.dwType = o.type();
  ToSystemTime(o.created_ms(), &tmp.Created);
  ToSystemTime(o.modified_ms(), &tmp.Modified);
  SetGuid(o.id(), &tmp.ObjectGuid);
  tmp.Enabled = o.enabled() ? TRUE : FALSE;
  tmp.dwOperationalState = o.operational_state();
  PUT(o.name(), tmp.szName);
  PUT(o.description(), tmp.szDescription);
  switch (o.info_case()) {
    case rpc::ObjectInfo::kDrive: {
      const auto& i = o.drive();
      auto& d = tmp.Info.Drive;
      d.Number = i.number();
      d.State = i.state();
      SetGuid(i.drive_type(), &d.DriveType);
      PUT(i.device_name(), d.szDeviceName);
      PUT(i.serial(), d.szSerialNumber);
      PUT(i.revision(), d.szRevision);
      d.ScsiPort = WORD(i.scsi_port());
      d.ScsiBus = WORD(i.scsi_bus());
      d.ScsiTarget = WORD(i.scsi_target());
      d.ScsiLun = WORD(i.scsi_lun());
      d.dwMountCount = i.mount_count();
      ToSystemTime(i.last_cleaned_ms(), &d.LastCleanedTs);
      SetGuid(i.saved_partition(), &d.SavedPartitionId);
      SetGuid(i.library(), &d.Library);
      d.dwDeferDismountDelay = i.defer_dismount_delay();
      break;
    }
    case rpc::ObjectInfo::kLibrary: {
      const auto& i = o.library();
      auto& l = tmp.Info.Library;
      l.LibraryType = i.library_type();
      SetGuid(i.cleaner_slot(), &l.CleanerSlot);
      SetGuid(i.cleaner_slot_default(), &l.CleanerSlotDefault);
      l.LibrarySupportsDriveCleaning = i.supports_drive_cleaning();
      l.BarCodeReaderInstalled = i.barcode_reader();
      l.InventoryMethod = i.inventory_method();
      l.dwCleanerUsesRemaining = i.cleaner_uses_remaining();
      l.FirstDriveNumber = i.first_drive_number();
      l.dwNumberOfDrives = i.number_of_drives();
      l.FirstSlotNumber = i.first_slot_number();
      l.dwNumberOfSlots = i.number_of_slots();
      l.FirstDoorNumber = i.first_door_number();
      l.dwNumberOfDoors = i.number_of_doors();
      l.FirstPortNumber = i.first_port_number();
      l.dwNumberOfPorts = i.number_of_ports();
      l.FirstChangerNumber = i.first_changer_number();
      l.dwNumberOfChangers = i.number_of_changers();
      l.dwNumberOfMedia = i.number_of_media();
      l.dwNumberOfMediaTypes = i.number_of_media_types();
      l.dwNumberOfLibRequests = i.number_of_lib_requests();
      l.AutoRecovery = i.auto_recovery();
      l.dwFlags = i.flags();
      break;
    }
    case rpc::ObjectInfo::kChanger: {
      const auto& i = o.changer();
      auto& c = tmp.Info.Changer;
      c.Number = i.number();
      SetGuid(i.changer_type(), &c.ChangerType);
      PUT(i.serial(), c.szSerialNumber);
      PUT(i.revision(), c.szRevision);
      PUT(i.device_name(), c.szDeviceName);
      SetGuid(i.library(), &c.Library);
      break;
    }
    case rpc::ObjectInfo::kSlot: {
      auto& s = tmp.Info.StorageSlot;
      s.Number = o.slot().number();
      s.State = o.slot().state();
      SetGuid(o.slot().library(), &s.Library);
      break;
    }
    case rpc::ObjectInfo::kIeport: {
      auto& p = tmp.Info.IEPort;
      p.Number = o.ieport().number();
      p.Content = o.ieport().content();
      p.MaxExtendSecs = WORD(o.ieport().max_extend_secs());
      SetGuid(o.ieport().library(), &p.Library);
      break;
    }
    case rpc::ObjectInfo::kPhysicalMedia: {
      const auto& i = o.physical_media();
      auto& m = tmp.Info.PhysicalMedia;
      SetGuid(i.current_library(), &m.CurrentLibrary);
      SetGuid(i.media_pool(), &m.MediaPool);
      SetGuid(i.location(), &m.Location);
      m.LocationType = i.location_type();
      SetGuid(i.media_type(), &m.MediaType);
      SetGuid(i.home_slot(), &m.HomeSlot);
      PUT(i.barcode(), m.szBarCode);
      m.BarCodeState = i.barcode_state();
      PUT(i.sequence_number(), m.szSequenceNumber);
      m.MediaState = i.media_state();
      m.dwNumberOfPartitions = i.number_of_partitions();
      m.dwMediaTypeCode = i.media_type_code();
      m.dwDensityCode = i.density_code();
      SetGuid(i.mounted_partition(), &m.MountedPartition);
      break;
    }
    case rpc::ObjectInfo::kPartition: {
      const auto& i = o.partition();
      auto& p = tmp.Info.Partition;
      SetGuid(i.physical_media(), &p.PhysicalMedia);
      SetGuid(i.logical_media(), &p.LogicalMedia);
      p.State = i.state();
      p.Side = WORD(i.side());
      p.dwMountCount = i.mount_count();
      p.dwAllocateCount = i.allocate_count();
      p.Capacity.QuadPart = int64_t(i.capacity());
      break;
    }
    case rpc::ObjectInfo::kMediaPool: {
      const auto& i = o.media_pool();
      auto& p = tmp.Info.MediaPool;
      p.PoolType = i.pool_type();
      SetGuid(i.media_type(), &p.MediaType);
      SetGuid(i.parent(), &p.Parent);
      p.AllocationPolicy = i.allocation_policy();
      p.DeallocationPolicy = i.deallocation_policy();
      p.dwMaxAllocates = i.max_allocates();
      p.dwNumberOfPhysicalMedia = i.number_of_physical_media();
      p.dwNumberOfLogicalMedia = i.number_of_logical_media();
      p.dwNumberOfMediaPools = i.number_of_media_pools();
      break;
    }
    case rpc::ObjectInfo::kMediaType: {
      auto& t = tmp.Info.MediaType;
      t.MediaType = o.media_type().media_type();
      t.NumberOfSides = o.media_type().number_of_sides();
      t.ReadWriteCharacteristics = o.media_type().read_write();
      t.DeviceType = o.media_type().device_type();
      break;
    }
    case rpc::ObjectInfo::kLibRequest: {
      const auto& i = o.lib_request();
      auto& r = tmp.Info.LibRequest;
      r.OperationCode = i.operation_code();
      r.OperationOption = i.operation_option();
      r.State = i.state();
      SetGuid(i.partition(), &r.PartitionId);
      SetGuid(i.drive(), &r.DriveId);
      SetGuid(i.physical_media(), &r.PhysMediaId);
      SetGuid(i.library(), &r.Library);
      SetGuid(i.slot(), &r.SlotId);
      ToSystemTime(i.time_queued_ms(), &r.TimeQueued);
      ToSystemTime(i.time_completed_ms(), &r.TimeCompleted);
      PUT(i.application(), r.szApplication);
      PUT(i.user(), r.szUser);
      PUT(i.computer(), r.szComputer);
      r.dwErrorCode = i.error_code();
      SetGuid(i.work_item(), &r.WorkItemId);
      r.dwPriority = i.priority();
      break;
    }
    case rpc::ObjectInfo::kComputer: {
      const auto& i = o.computer();
      auto& c = tmp.Info.Computer;
      c.dwLibRequestPurgeTime = i.lib_request_purge_time();
      c.dwOpRequestPurgeTime = i.op_request_purge_time();
      c.dwLibRequestFlags = i.lib_request_flags();
      c.dwOpRequestFlags = i.op_request_flags();
      c.dwMediaPoolPolicy = i.media_pool_policy();
      break;
    }
    default:
      break;
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
    rpc::ObjectRequest req;
    req.set_session(s.token);
    req.set_id(RawGuid(id));
    req.set_type(want);  // a hint: the server reads that kind's row directly
    rpc::ObjectInfoReply rep;
    grpc::ClientContext ctx;
    openrsm::client::SetQuickDeadline(&ctx);
    grpc::Status gs = s.stub->GetObjectInfo(&ctx, req, &rep);  // before reading rep
    DWORD rc = Answer(gs, rep.result());
    if (rc != ERROR_SUCCESS) return rc;
    // dwType preset by the caller must match; NTMS_UNKNOWN asks the server.
    if (want != NTMS_UNKNOWN && want != rep.info().type()) return ERROR_INVALID_PARAMETER;
    return FillInfo(rep.info(), info);
  });
}

HANDLE OpenSession(const std::string& server, const std::string& app, DWORD options) {
  try {
    if (server.size() >= NTMS_COMPUTERNAME_LENGTH) {
      t_last_error = ERROR_INVALID_COMPUTERNAME;
      return INVALID_HANDLE_VALUE;
    }
    if (app.size() >= NTMS_APPLICATIONNAME_LENGTH || (options & ~DWORD(NTMS_SESSION_QUERYEXPEDITE))) {
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
    rpc::ObjectRequest req;
    req.set_session(s.token);
    req.set_id(RawGuid(id));
    req.set_type(type);
    rpc::Result rep;
    grpc::ClientContext ctx;
    openrsm::client::SetQuickDeadline(&ctx);
    grpc::Status gs = enable ? s.stub->EnableObject(&ctx, req, &rep) : s.stub->DisableObject(&ctx, req, &rep);
    return Answer(gs, rep);
  });
}

}  // namespace

extern "C" {

DWORD OpenRsmGetLastError(void) { return t_last_error; }

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
    rpc::SessionRequest req;
    req.set_session(s.token);
    rpc::Result rep;
    grpc::ClientContext ctx;
    openrsm::client::SetQuickDeadline(&ctx);
    grpc::Status gs = s.stub->CloseSession(&ctx, req, &rep);
    openrsm::client::Forget(hSession);  // the handle is gone whatever the server says
    if (!gs.ok()) return ERROR_CONNECTION_UNAVAIL;
    return rep.error();
  });
}

DWORD WINAPI EnumerateNtmsObject(HANDLE hSession, const LPNTMS_GUID lpContainerId, LPNTMS_GUID lpList,
                                 LPDWORD lpdwListSize, DWORD dwType, DWORD dwOptions) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpdwListSize) return ERROR_INVALID_PARAMETER;
    if (!lpList && *lpdwListSize != 0) return ERROR_INVALID_PARAMETER;
    if (dwOptions & ~DWORD(NTMS_ENUM_ROOTPOOL)) return ERROR_INVALID_PARAMETER;
    rpc::EnumerateRequest req;
    req.set_session(s.token);
    if (lpContainerId && !IsNullGuid(lpContainerId)) req.set_container(RawGuid(lpContainerId));
    req.set_type(dwType);
    rpc::EnumerateReply rep;
    grpc::ClientContext ctx;
    openrsm::client::SetQuickDeadline(&ctx);
    grpc::Status gs = s.stub->Enumerate(&ctx, req, &rep);  // before reading rep
    DWORD rc = Answer(gs, rep.result());
    if (rc != ERROR_SUCCESS) return rc;
    DWORD n = DWORD(rep.ids_size());
    if (n > *lpdwListSize) {
      *lpdwListSize = n;
      return ERROR_INSUFFICIENT_BUFFER;
    }
    for (DWORD i = 0; i < n; ++i) SetGuid(rep.ids(int(i)), &lpList[i]);
    *lpdwListSize = n;
    return ERROR_SUCCESS;
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
    rpc::MountRequest req;
    req.set_session(s.token);
    for (DWORD i = 0; i < dwCount; ++i) {
      req.add_media(RawGuid(&lpMediaId[i]));
      req.add_drives(IsNullGuid(&lpDriveId[i]) ? std::string() : RawGuid(&lpDriveId[i]));
    }
    req.set_options(dwOptions);
    req.set_priority(dwPriority);
    req.set_timeout_ms(dwTimeout);
    rpc::MountReply rep;
    grpc::ClientContext ctx;
    openrsm::client::SetMountDeadline(&ctx, dwTimeout);
    grpc::Status gs = s.stub->Mount(&ctx, req, &rep);  // before reading rep
    DWORD rc = Answer(gs, rep.result(), ERROR_TIMEOUT);
    if (rc != ERROR_SUCCESS) return rc;
    for (DWORD i = 0; i < dwCount && int(i) < rep.drives_size(); ++i) SetGuid(rep.drives(int(i)), &lpDriveId[i]);
    return ERROR_SUCCESS;
  });
}

DWORD WINAPI DismountNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, DWORD dwCount, DWORD dwOptions) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpMediaId || dwCount == 0 || dwCount > kMaxMountCount) return ERROR_INVALID_PARAMETER;
    rpc::DismountMediaRequest req;
    req.set_session(s.token);
    for (DWORD i = 0; i < dwCount; ++i) req.add_media(RawGuid(&lpMediaId[i]));
    req.set_options(dwOptions);
    rpc::Result rep;
    grpc::ClientContext ctx;
    openrsm::client::SetQuickDeadline(&ctx);
    grpc::Status gs = s.stub->DismountMedia(&ctx, req, &rep);
    return Answer(gs, rep, ERROR_TIMEOUT);
  });
}

DWORD WINAPI DismountNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpDriveId) return ERROR_INVALID_PARAMETER;
    rpc::ObjectRequest req;
    req.set_session(s.token);
    req.set_id(RawGuid(lpDriveId));
    rpc::Result rep;
    grpc::ClientContext ctx;
    // No deadline: waits for the robot; keepalive notices a dead rsmd.
    grpc::Status gs = s.stub->DismountDrive(&ctx, req, &rep);
    return Answer(gs, rep);
  });
}

DWORD WINAPI InventoryNtmsLibrary(HANDLE hSession, LPNTMS_GUID lpLibraryId, DWORD dwAction) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpLibraryId) return ERROR_INVALID_PARAMETER;
    rpc::InventoryRequest req;
    req.set_session(s.token);
    req.set_library(RawGuid(lpLibraryId));
    req.set_action(dwAction);
    rpc::Result rep;
    grpc::ClientContext ctx;
    // No deadline: waits for the robot; keepalive notices a dead rsmd.
    grpc::Status gs = s.stub->Inventory(&ctx, req, &rep);
    return Answer(gs, rep);
  });
}

DWORD WINAPI CancelNtmsLibraryRequest(HANDLE hSession, LPNTMS_GUID lpRequestId) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpRequestId) return ERROR_INVALID_PARAMETER;
    rpc::ObjectRequest req;
    req.set_session(s.token);
    req.set_id(RawGuid(lpRequestId));
    rpc::Result rep;
    grpc::ClientContext ctx;
    openrsm::client::SetQuickDeadline(&ctx);
    grpc::Status gs = s.stub->CancelLibRequest(&ctx, req, &rep);
    return Answer(gs, rep);
  });
}

DWORD WINAPI EjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpEjectOperation, DWORD dwAction) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpMediaId || !lpEjectOperation) return ERROR_INVALID_PARAMETER;
    rpc::IeRequest req;
    req.set_session(s.token);
    if (!IsNullGuid(lpMediaId)) req.set_object(RawGuid(lpMediaId));
    if (dwAction == NTMS_EJECT_STOP && !IsNullGuid(lpEjectOperation)) req.set_operation(RawGuid(lpEjectOperation));
    req.set_action(dwAction);
    rpc::IeReply rep;
    grpc::ClientContext ctx;
    openrsm::client::SetQuickDeadline(&ctx);
    grpc::Status gs = s.stub->EjectMedia(&ctx, req, &rep);  // before reading rep
    DWORD rc = Answer(gs, rep.result());
    if (rc == ERROR_SUCCESS && dwAction == NTMS_EJECT_START) SetGuid(rep.operation(), lpEjectOperation);
    return rc;
  });
}

DWORD WINAPI InjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpLibraryId, LPNTMS_GUID lpInjectOperation,
                             DWORD dwAction) {
  return WithSession(hSession, [&](ClientSession& s) -> DWORD {
    if (!lpLibraryId || !lpInjectOperation) return ERROR_INVALID_PARAMETER;
    rpc::IeRequest req;
    req.set_session(s.token);
    if (!IsNullGuid(lpLibraryId)) req.set_object(RawGuid(lpLibraryId));
    if (dwAction == NTMS_INJECT_STOP && !IsNullGuid(lpInjectOperation))
      req.set_operation(RawGuid(lpInjectOperation));
    req.set_action(dwAction);
    rpc::IeReply rep;
    grpc::ClientContext ctx;
    openrsm::client::SetQuickDeadline(&ctx);
    grpc::Status gs = s.stub->InjectMedia(&ctx, req, &rep);  // before reading rep
    DWORD rc = Answer(gs, rep.result());
    if (rc == ERROR_SUCCESS && dwAction == NTMS_INJECT_START) SetGuid(rep.operation(), lpInjectOperation);
    return rc;
  });
}

}  // extern "C"
