#include "names.h"

#include <initializer_list>
#include <iterator>
#include <utility>

namespace rsmcli {
namespace {

struct ErrorEntry {
  DWORD code;
  const char* name;
  const char* meaning;
};

// Every ERROR_* code ntmsapi.h defines (values of winerror.h).
constexpr ErrorEntry kErrors[] = {
    {ERROR_SUCCESS, "ERROR_SUCCESS", "the operation succeeded"},
    {ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED", "access denied (missing RSM access right)"},
    {ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE", "the session handle is not valid"},
    {ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY", "not enough memory"},
    {ERROR_BAD_FORMAT, "ERROR_BAD_FORMAT", "bad format"},
    {ERROR_INVALID_DRIVE, "ERROR_INVALID_DRIVE", "the drive is not valid"},
    {ERROR_WRITE_PROTECT, "ERROR_WRITE_PROTECT", "the media is write protected"},
    {ERROR_NOT_READY, "ERROR_NOT_READY", "the server or device is not ready"},
    {ERROR_SHARING_VIOLATION, "ERROR_SHARING_VIOLATION", "the object is in use"},
    {ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED", "the request is not supported"},
    {ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER", "a parameter is missing or not valid"},
    {ERROR_CALL_NOT_IMPLEMENTED, "ERROR_CALL_NOT_IMPLEMENTED", "the function is not implemented"},
    {ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER", "the buffer is too small"},
    {ERROR_INVALID_NAME, "ERROR_INVALID_NAME", "the name is not valid"},
    {ERROR_BUSY, "ERROR_BUSY", "the media, drive or resource is busy"},
    {ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS", "the object already exists"},
    {ERROR_NO_DATA, "ERROR_NO_DATA", "no data"},
    {ERROR_INVALID_ADDRESS, "ERROR_INVALID_ADDRESS", "invalid address"},
    {ERROR_DEVICE_REQUIRES_CLEANING, "ERROR_DEVICE_REQUIRES_CLEANING", "the device needs cleaning"},
    {ERROR_CONNECTION_UNAVAIL, "ERROR_CONNECTION_UNAVAIL", "the connection is unavailable"},
    {ERROR_INVALID_COMPUTERNAME, "ERROR_INVALID_COMPUTERNAME", "the computer name is not valid"},
    {ERROR_NO_NETWORK, "ERROR_NO_NETWORK", "the network is not present"},
    {ERROR_CANCELLED, "ERROR_CANCELLED", "the request was cancelled"},
    {ERROR_NO_SECURITY_ON_OBJECT, "ERROR_NO_SECURITY_ON_OBJECT", "the object has no security descriptor"},
    {ERROR_TIMEOUT, "ERROR_TIMEOUT", "the operation timed out"},
    {RPC_S_INVALID_BOUND, "RPC_S_INVALID_BOUND", "the array bounds are not valid"},
    {ERROR_UNRECOGNIZED_MEDIA, "ERROR_UNRECOGNIZED_MEDIA", "the media is not recognized"},
    {ERROR_NOT_CONNECTED, "ERROR_NOT_CONNECTED", "not connected to rsmd (is it running? see $RSM_SOCKET)"},
    {ERROR_INVALID_MEDIA, "ERROR_INVALID_MEDIA", "the media identifier is not valid"},
    {ERROR_INVALID_LIBRARY, "ERROR_INVALID_LIBRARY", "the library identifier is not valid"},
    {ERROR_INVALID_MEDIA_POOL, "ERROR_INVALID_MEDIA_POOL", "the media pool identifier is not valid"},
    {ERROR_DRIVE_MEDIA_MISMATCH, "ERROR_DRIVE_MEDIA_MISMATCH", "the drive and media are incompatible or in different libraries"},
    {ERROR_MEDIA_OFFLINE, "ERROR_MEDIA_OFFLINE", "the media is offline"},
    {ERROR_LIBRARY_OFFLINE, "ERROR_LIBRARY_OFFLINE", "the library is offline"},
    {ERROR_EMPTY, "ERROR_EMPTY", "the drive, slot or container is empty"},
    {ERROR_NOT_EMPTY, "ERROR_NOT_EMPTY", "the object is not empty"},
    {ERROR_MEDIA_UNAVAILABLE, "ERROR_MEDIA_UNAVAILABLE", "no media is available"},
    {ERROR_RESOURCE_DISABLED, "ERROR_RESOURCE_DISABLED", "the drive, library or media is disabled"},
    {ERROR_INVALID_CLEANER, "ERROR_INVALID_CLEANER", "the cleaner cartridge is not valid"},
    {ERROR_UNABLE_TO_CLEAN, "ERROR_UNABLE_TO_CLEAN", "the drive could not be cleaned"},
    {ERROR_OBJECT_NOT_FOUND, "ERROR_OBJECT_NOT_FOUND", "the object was not found"},
    {ERROR_DATABASE_FAILURE, "ERROR_DATABASE_FAILURE", "the database is inaccessible or damaged"},
    {ERROR_DATABASE_FULL, "ERROR_DATABASE_FULL", "the database is full"},
    {ERROR_MEDIA_INCOMPATIBLE, "ERROR_MEDIA_INCOMPATIBLE", "the media type is incompatible"},
    {ERROR_RESOURCE_NOT_PRESENT, "ERROR_RESOURCE_NOT_PRESENT", "the resource is not present"},
    {ERROR_INVALID_OPERATION, "ERROR_INVALID_OPERATION", "the operation is not valid"},
    {ERROR_MEDIA_NOT_AVAILABLE, "ERROR_MEDIA_NOT_AVAILABLE", "the media is not available"},
    {ERROR_DEVICE_NOT_AVAILABLE, "ERROR_DEVICE_NOT_AVAILABLE", "the device is not available"},
    {ERROR_REQUEST_REFUSED, "ERROR_REQUEST_REFUSED", "the request was refused"},
    {ERROR_INVALID_DRIVE_OBJECT, "ERROR_INVALID_DRIVE_OBJECT", "the drive object is not valid"},
    {ERROR_LIBRARY_FULL, "ERROR_LIBRARY_FULL", "the library is full"},
    {ERROR_MEDIUM_NOT_ACCESSIBLE, "ERROR_MEDIUM_NOT_ACCESSIBLE", "the medium is not accessible"},
    {ERROR_UNABLE_TO_LOAD_MEDIUM, "ERROR_UNABLE_TO_LOAD_MEDIUM", "the medium could not be loaded"},
    {ERROR_UNABLE_TO_INVENTORY_DRIVE, "ERROR_UNABLE_TO_INVENTORY_DRIVE", "the drive could not be inventoried"},
    {ERROR_UNABLE_TO_INVENTORY_SLOT, "ERROR_UNABLE_TO_INVENTORY_SLOT", "the slot could not be inventoried"},
    {ERROR_UNABLE_TO_INVENTORY_TRANSPORT, "ERROR_UNABLE_TO_INVENTORY_TRANSPORT", "the transport could not be inventoried"},
    {ERROR_TRANSPORT_FULL, "ERROR_TRANSPORT_FULL", "the transport already holds media"},
    {ERROR_CONTROLLING_IEPORT, "ERROR_CONTROLLING_IEPORT", "the insert/eject port could not be controlled"},
    {ERROR_UNABLE_TO_EJECT_MOUNTED_MEDIA, "ERROR_UNABLE_TO_EJECT_MOUNTED_MEDIA", "mounted media cannot be ejected"},
    {ERROR_CLEANER_SLOT_SET, "ERROR_CLEANER_SLOT_SET", "a cleaner slot is already reserved"},
    {ERROR_CLEANER_SLOT_NOT_SET, "ERROR_CLEANER_SLOT_NOT_SET", "no cleaner slot is reserved"},
    {ERROR_CLEANER_CARTRIDGE_SPENT, "ERROR_CLEANER_CARTRIDGE_SPENT", "the cleaner cartridge is spent"},
    {ERROR_UNEXPECTED_OMID, "ERROR_UNEXPECTED_OMID", "unexpected on-media identifier"},
    {ERROR_CANT_DELETE_LAST_ITEM, "ERROR_CANT_DELETE_LAST_ITEM", "the last item cannot be deleted"},
    {ERROR_MESSAGE_EXCEEDS_MAX_SIZE, "ERROR_MESSAGE_EXCEEDS_MAX_SIZE", "the message exceeds the maximum size"},
    {ERROR_VOLUME_CONTAINS_SYS_FILES, "ERROR_VOLUME_CONTAINS_SYS_FILES", "the volume contains system files"},
    {ERROR_INDIGENOUS_TYPE, "ERROR_INDIGENOUS_TYPE", "the media type cannot be removed from the library"},
    {ERROR_NO_SUPPORTING_DRIVES, "ERROR_NO_SUPPORTING_DRIVES", "no drive supports this media"},
    {ERROR_CLEANER_CARTRIDGE_INSTALLED, "ERROR_CLEANER_CARTRIDGE_INSTALLED", "a cleaner cartridge is installed"},
    {ERROR_IEPORT_FULL, "ERROR_IEPORT_FULL", "the insert/eject port is full"},
    {ERROR_FILE_OFFLINE, "ERROR_FILE_OFFLINE", "the file is offline"},
    {ERROR_REMOTE_STORAGE_NOT_ACTIVE, "ERROR_REMOTE_STORAGE_NOT_ACTIVE", "remote storage is not active"},
    {ERROR_REMOTE_STORAGE_MEDIA_ERROR, "ERROR_REMOTE_STORAGE_MEDIA_ERROR", "remote storage media error"},
    {ERROR_RESOURCE_NOT_AVAILABLE, "ERROR_RESOURCE_NOT_AVAILABLE", "the resource is not available"},
    {ERROR_INVALID_STATE, "ERROR_INVALID_STATE", "the object is in the wrong state for the request"},
};

const ErrorEntry* FindError(DWORD code) {
  for (const auto& e : kErrors)
    if (e.code == code) return &e;
  return nullptr;
}

// Looks `value` up in a {value, name} table; "unknown (N)" when absent.
std::string Lookup(std::initializer_list<std::pair<DWORD, const char*>> table, DWORD value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "unknown (" + std::to_string(value) + ")";
}

}  // namespace

std::string ErrorName(DWORD code) {
  const ErrorEntry* e = FindError(code);
  return e ? e->name : "ERROR_" + std::to_string(code);
}

std::string ErrorMeaning(DWORD code) {
  const ErrorEntry* e = FindError(code);
  return e ? e->meaning : "unknown error";
}

std::string ObjectTypeName(DWORD type) {
  return Lookup({{NTMS_UNKNOWN, "unknown"},
                 {NTMS_OBJECT, "object"},
                 {NTMS_CHANGER, "changer"},
                 {NTMS_CHANGER_TYPE, "changer type"},
                 {NTMS_COMPUTER, "computer"},
                 {NTMS_DRIVE, "drive"},
                 {NTMS_DRIVE_TYPE, "drive type"},
                 {NTMS_IEDOOR, "ie door"},
                 {NTMS_IEPORT, "ie port"},
                 {NTMS_LIBRARY, "library"},
                 {NTMS_LIBREQUEST, "library request"},
                 {NTMS_LOGICAL_MEDIA, "logical media"},
                 {NTMS_MEDIA_POOL, "media pool"},
                 {NTMS_MEDIA_TYPE, "media type"},
                 {NTMS_PARTITION, "side"},
                 {NTMS_PHYSICAL_MEDIA, "physical media"},
                 {NTMS_STORAGESLOT, "slot"},
                 {NTMS_OPREQUEST, "operator request"},
                 {NTMS_UI_DESTINATION, "ui destination"}},
                type);
}

std::string OperationalStateName(DWORD state) {
  return Lookup({{NTMS_READY, "ready"},
                 {NTMS_INITIALIZING, "initializing"},
                 {NTMS_NEEDS_SERVICE, "needs service"},
                 {NTMS_NOT_PRESENT, "not present"}},
                state);
}

std::string LibraryTypeName(DWORD type) {
  return Lookup({{NTMS_LIBRARYTYPE_UNKNOWN, "unknown"},
                 {NTMS_LIBRARYTYPE_OFFLINE, "offline"},
                 {NTMS_LIBRARYTYPE_ONLINE, "online"},
                 {NTMS_LIBRARYTYPE_STANDALONE, "standalone"}},
                type);
}

std::string DriveStateName(DWORD state) {
  return Lookup({{NTMS_DRIVESTATE_DISMOUNTED, "dismounted"},
                 {NTMS_DRIVESTATE_MOUNTED, "mounted"},
                 {NTMS_DRIVESTATE_LOADED, "loaded"},
                 {NTMS_DRIVESTATE_UNLOADED, "unloaded"},
                 {NTMS_DRIVESTATE_BEING_CLEANED, "being cleaned"},
                 {NTMS_DRIVESTATE_DISMOUNTABLE, "dismountable"}},
                state);
}

std::string SlotStateName(DWORD state) {
  return Lookup({{NTMS_SLOTSTATE_UNKNOWN, "unknown"},
                 {NTMS_SLOTSTATE_FULL, "full"},
                 {NTMS_SLOTSTATE_EMPTY, "empty"},
                 {NTMS_SLOTSTATE_NOTPRESENT, "not present"},
                 {NTMS_SLOTSTATE_NEEDSINVENTORY, "needs inventory"}},
                state);
}

std::string PortContentName(DWORD content) {
  return Lookup({{NTMS_PORTCONTENT_UNKNOWN, "unknown"},
                 {NTMS_PORTCONTENT_FULL, "full"},
                 {NTMS_PORTCONTENT_EMPTY, "empty"}},
                content);
}

std::string MediaStateName(DWORD state) {
  return Lookup({{NTMS_MEDIASTATE_IDLE, "idle"},
                 {NTMS_MEDIASTATE_INUSE, "in use"},
                 {NTMS_MEDIASTATE_MOUNTED, "mounted"},
                 {NTMS_MEDIASTATE_LOADED, "loaded"},
                 {NTMS_MEDIASTATE_UNLOADED, "unloaded"},
                 {NTMS_MEDIASTATE_OPERROR, "operator error"},
                 {NTMS_MEDIASTATE_OPREQ, "operator request"}},
                state);
}

std::string PartitionStateName(DWORD state) {
  return Lookup({{NTMS_PARTSTATE_UNKNOWN, "new"},
                 {NTMS_PARTSTATE_UNPREPARED, "unprepared"},
                 {NTMS_PARTSTATE_INCOMPATIBLE, "incompatible"},
                 {NTMS_PARTSTATE_DECOMMISSIONED, "decommissioned"},
                 {NTMS_PARTSTATE_AVAILABLE, "available"},
                 {NTMS_PARTSTATE_ALLOCATED, "allocated"},
                 {NTMS_PARTSTATE_COMPLETE, "complete"},
                 {NTMS_PARTSTATE_FOREIGN, "foreign"},
                 {NTMS_PARTSTATE_IMPORT, "import"},
                 {NTMS_PARTSTATE_RESERVED, "reserved"}},
                state);
}

std::string LmOperationName(DWORD op) {
  return Lookup({{NTMS_LM_REMOVE, "remove"},
                 {NTMS_LM_DISABLELIBRARY, "disable library"},
                 {NTMS_LM_ENABLELIBRARY, "enable library"},
                 {NTMS_LM_DISABLEDRIVE, "disable drive"},
                 {NTMS_LM_ENABLEDRIVE, "enable drive"},
                 {NTMS_LM_DISABLEMEDIA, "disable media"},
                 {NTMS_LM_ENABLEMEDIA, "enable media"},
                 {NTMS_LM_UPDATEOMID, "update omid"},
                 {NTMS_LM_INVENTORY, "inventory"},
                 {NTMS_LM_DOORACCESS, "door access"},
                 {NTMS_LM_EJECT, "eject"},
                 {NTMS_LM_EJECTCLEANER, "eject cleaner"},
                 {NTMS_LM_INJECT, "inject"},
                 {NTMS_LM_INJECTCLEANER, "inject cleaner"},
                 {NTMS_LM_PROCESSOMID, "process omid"},
                 {NTMS_LM_CLEANDRIVE, "clean drive"},
                 {NTMS_LM_DISMOUNT, "dismount"},
                 {NTMS_LM_MOUNT, "mount"},
                 {NTMS_LM_WRITESCRATCH, "write scratch"},
                 {NTMS_LM_CLASSIFY, "classify"},
                 {NTMS_LM_RESERVECLEANER, "reserve cleaner"},
                 {NTMS_LM_RELEASECLEANER, "release cleaner"}},
                op);
}

std::string LmStateName(DWORD state) {
  return Lookup({{NTMS_LM_QUEUED, "queued"},
                 {NTMS_LM_INPROCESS, "in process"},
                 {NTMS_LM_PASSED, "completed"},
                 {NTMS_LM_FAILED, "failed"},
                 {NTMS_LM_INVALID, "invalid"},
                 {NTMS_LM_WAITING, "waiting"},
                 {NTMS_LM_DEFERRED, "deferred"},
                 {NTMS_LM_CANCELLED, "cancelled"},
                 {NTMS_LM_STOPPED, "stopped"}},
                state);
}

}  // namespace rsmcli
