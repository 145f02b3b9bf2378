// Names of the numeric codes the rsm CLI prints: Win32 errors, object types
// and the state/operation enumerations of ntmsapi.h.
//
// Every function returns a lower-case phrase (or the ERROR_* identifier for
// ErrorName); an unknown value yields a string containing the number, never
// an empty string.
#pragma once

#include <ntmsapi.h>

#include <string>

namespace rsmcli {

// "ERROR_RESOURCE_DISABLED"; "ERROR_4399" for codes missing from the table.
std::string ErrorName(DWORD code);
// A short English meaning of the code ("resource disabled").
std::string ErrorMeaning(DWORD code);

std::string ObjectTypeName(DWORD type);         // NtmsObjectsTypes: "drive", "storage slot", ...
std::string OperationalStateName(DWORD state);  // NtmsOperationalState
std::string LibraryTypeName(DWORD type);        // NtmsLibraryType
std::string DriveStateName(DWORD state);        // NtmsDriveState
std::string SlotStateName(DWORD state);         // NtmsSlotState
std::string PortContentName(DWORD content);     // NtmsPortContent
std::string MediaStateName(DWORD state);        // NtmsMediaState
std::string PartitionStateName(DWORD state);    // NtmsPartitionState
std::string LmOperationName(DWORD op);          // NtmsLmOperation
std::string LmStateName(DWORD state);           // NtmsLmState

}  // namespace rsmcli
