// ntmsapi.h numeric values that the catalogue and service use, named for
// C++ code that must not include the C header. tests/unit/values_test.cc
// checks each against include/ntmsapi.h at compile time (static_assert).
#pragma once

#include <cstdint>

namespace openrsm::ntms {

// NtmsObjectsTypes
inline constexpr uint32_t kUnknown = 0, kObject = 1, kChanger = 2, kChangerType = 3, kComputer = 4, kDrive = 5,
                          kDriveType = 6, kIeDoor = 7, kIePort = 8, kLibrary = 9, kLibRequest = 10, kLogicalMedia = 11,
                          kMediaPool = 12, kMediaType = 13, kPartition = 14, kPhysicalMedia = 15, kStorageSlot = 16,
                          kOpRequest = 17, kUiDestination = 18;

// NtmsDriveState
inline constexpr uint32_t kDriveDismounted = 0, kDriveMounted = 1, kDriveLoaded = 2, kDriveUnloaded = 5,
                          kDriveBeingCleaned = 6, kDriveDismountable = 7;

// NtmsMediaState
inline constexpr uint32_t kMediaIdle = 0, kMediaInUse = 1, kMediaMounted = 2, kMediaLoaded = 3, kMediaUnloaded = 4,
                          kMediaOpError = 5, kMediaOpReq = 6;

// NtmsPartitionState
inline constexpr uint32_t kPartUnknown = 0, kPartUnprepared = 1, kPartIncompatible = 2, kPartDecommissioned = 3,
                          kPartAvailable = 4, kPartAllocated = 5, kPartComplete = 6, kPartForeign = 7, kPartImport = 8,
                          kPartReserved = 9;

// NtmsSlotState
inline constexpr uint32_t kSlotUnknown = 0, kSlotFull = 1, kSlotEmpty = 2, kSlotNotPresent = 3, kSlotNeedsInventory = 4;

// NtmsPortState / NtmsPortContent
inline constexpr uint32_t kPortUnknown = 0, kPortUnlocked = 1, kPortLocked = 2;
// NtmsPortPosition
inline constexpr uint32_t kPortPositionUnknown = 0, kPortPositionExtended = 1, kPortPositionRetracted = 2;

// NtmsLibraryType
inline constexpr uint32_t kLibTypeUnknown = 0, kLibTypeOffline = 1, kLibTypeOnline = 2, kLibTypeStandalone = 3;

// NtmsOperationalState
inline constexpr uint32_t kReady = 0, kInitializing = 10, kNeedsService = 20, kNotPresent = 21;

// NtmsLmOperation
inline constexpr uint32_t kLmRemove = 0, kLmDisableLibrary = 1, kLmEnableLibrary = 2, kLmDisableDrive = 3,
                          kLmEnableDrive = 4, kLmDisableMedia = 5, kLmEnableMedia = 6, kLmInventory = 8, kLmEject = 10,
                          kLmInject = 12, kLmDismount = 16, kLmMount = 17;

// NtmsEjectOperation / NtmsInjectOperation (EjectNtmsMedia / InjectNtmsMedia dwAction)
inline constexpr uint32_t kEjectStart = 0, kEjectStop = 1, kEjectQueue = 2, kEjectForce = 3, kEjectImmediate = 4,
                          kEjectAskUser = 5;
inline constexpr uint32_t kInjectStart = 0, kInjectStop = 1, kInjectRetract = 2, kInjectStartMany = 3;

// NtmsLmState
inline constexpr uint32_t kLmQueued = 0, kLmInProcess = 1, kLmPassed = 2, kLmFailed = 3, kLmInvalid = 4, kLmWaiting = 5,
                          kLmDeferred = 6, kLmCancelled = 7, kLmStopped = 8;

// NtmsPoolType
inline constexpr uint32_t kPoolUnknown = 0, kPoolScratch = 1, kPoolForeign = 2, kPoolImport = 3,
                          kPoolApplication = 1000;

// NtmsCreateOptions (CreateNtmsMediaPool dwAction)
inline constexpr uint32_t kOpenExisting = 1, kCreateNew = 2, kOpenAlways = 3;

// NtmsAllocationPolicy / NtmsDeallocationPolicy (NTMS_MEDIAPOOLINFORMATION)
inline constexpr uint32_t kAllocateFromScratch = 1;
inline constexpr uint32_t kDeallocateToScratch = 1;

// Object name length of NTMS_OBJECTINFORMATION.szName, its NUL included
inline constexpr uint32_t kObjectNameLength = 64;

// NtmsEnumerateOption
inline constexpr uint32_t kEnumRootPool = 0x1;

// NtmsLibraryFlags
inline constexpr uint32_t kLibraryFlagFixedOffline = 0x1;

// NtmsBarcodeState
inline constexpr uint32_t kBarcodeOk = 1, kBarcodeUnreadable = 2;

// NtmsMountOptions
inline constexpr uint32_t kMountRead = 0x1, kMountWrite = 0x2, kMountErrorNotAvailable = 0x4, kMountErrorOffline = 0x8,
                          kMountSpecificDrive = 0x10, kMountNoWait = 0x20;

// NtmsDismountOptions
inline constexpr uint32_t kDismountDeferred = 0x1, kDismountImmediate = 0x2;

// NtmsInventoryMethod
inline constexpr uint32_t kInventoryNone = 0, kInventoryFast = 1, kInventoryOmid = 2, kInventoryDefault = 3,
                          kInventorySlot = 4, kInventoryStop = 5;

}  // namespace openrsm::ntms
