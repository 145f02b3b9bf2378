#include "names.h"

#include <initializer_list>
#include <iterator>
#include <utility>

#include "common/status.h"

namespace rsmcli {
namespace {

// Looks `value` up in a {value, name} table; "unknown (N)" when absent.
std::string Lookup(std::initializer_list<std::pair<DWORD, const char*>> table, DWORD value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "unknown (" + std::to_string(value) + ")";
}

}  // namespace

std::string ErrorName(DWORD code) { return openrsm::ErrorName(code); }

std::string ErrorMeaning(DWORD code) { return openrsm::ErrorMeaning(code); }

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
  return Lookup(
      {{NTMS_PORTCONTENT_UNKNOWN, "unknown"}, {NTMS_PORTCONTENT_FULL, "full"}, {NTMS_PORTCONTENT_EMPTY, "empty"}},
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
