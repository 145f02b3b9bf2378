// api_status.h - which ntmsapi.h functions OpenRSM implements.
//
// The single list of implemented API functions. Every other function
// declared in include/ntmsapi.h is defined in not_supported.cc and returns
// ERROR_NOT_SUPPORTED. tests/unit/api_status_test.cc checks this list
// against the header and against the status table in README.md; move a name
// here (and drop its stub) when its implementation lands.
#ifndef OPENRSM_SRC_CLIENT_API_STATUS_H_
#define OPENRSM_SRC_CLIENT_API_STATUS_H_

inline constexpr const char* kImplementedFunctions[] = {
    "CancelNtmsLibraryRequest",  "CloseNtmsSession",      "CreateNtmsMediaPoolA",  "CreateNtmsMediaPoolW",
    "DecommissionNtmsMedia",     "DeleteNtmsMedia",       "DeleteNtmsMediaPool",   "DisableNtmsObject",
    "DismountNtmsDrive",         "DismountNtmsMedia",     "EjectNtmsMedia",        "EnableNtmsObject",
    "EnumerateNtmsObject",       "GetNtmsMediaPoolNameA", "GetNtmsMediaPoolNameW", "GetNtmsObjectInformationA",
    "GetNtmsObjectInformationW", "InjectNtmsMedia",       "InventoryNtmsLibrary",  "MountNtmsMedia",
    "MoveToNtmsMediaPool",       "OpenNtmsSessionA",      "OpenNtmsSessionW",      "SetNtmsObjectInformationA",
    "SetNtmsObjectInformationW",
};

#endif  // OPENRSM_SRC_CLIENT_API_STATUS_H_
