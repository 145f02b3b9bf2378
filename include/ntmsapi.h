/*
 * ntmsapi.h - OpenRSM public C API.
 *
 * The Removable Storage Manager API as defined by Windows' ntmsapi.h, for
 * Linux. Names, numeric values and structure layouts are those of the
 * Windows SDK header and of [MS-RSMP] (where the two disagree, MS-RSMP wins;
 * each such case is commented). Only the base types are Linux ones:
 * DWORD = uint32_t, HANDLE = void *, WCHAR = a 16-bit UTF-16 code unit.
 *
 * Contracts common to every function:
 *  - Functions returning DWORD return ERROR_SUCCESS (0) or a Win32 error
 *    code from the list below. Out-parameters are written only on success,
 *    except for documented size hints (ERROR_INSUFFICIENT_BUFFER returns the
 *    size needed through the size parameter).
 *  - OpenNtmsSessionA/W and OpenNtmsNotification return a HANDLE, and
 *    INVALID_HANDLE_VALUE on failure.
 *  - "A" functions take UTF-8 strings, "W" functions UTF-16 strings. The
 *    generic name (e.g. OpenNtmsSession) maps to the W form when UNICODE is
 *    defined, otherwise to the A form.
 *  - Functions that OpenRSM does not implement return ERROR_NOT_SUPPORTED
 *    and leave every out-parameter untouched.
 *
 * The header is self-contained C99 / C++ and includes only <stdint.h> and
 * <stddef.h>. A program that already has the Windows base types (DWORD,
 * GUID, ...) can define OPENRSM_HAVE_WINTYPES before including this header
 * to skip their definitions. Each error code is defined only if not already
 * defined.
 */
#ifndef OPENRSM_NTMSAPI_H
#define OPENRSM_NTMSAPI_H

/* The tables below are aligned by hand, as in the SDK header. */
/* clang-format off */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================
 * Windows base types
 * ====================================================================== */

#ifndef OPENRSM_HAVE_WINTYPES
#define OPENRSM_HAVE_WINTYPES 1

typedef uint32_t DWORD;
typedef uint16_t WORD;
typedef uint8_t BYTE;
typedef int32_t BOOL;
typedef int32_t WINBOOL;
typedef int32_t LONG;
typedef uint32_t ULONG;
typedef uintptr_t ULONG_PTR;
typedef char CHAR;

/* One UTF-16 code unit. char16_t in C++ and uint16_t in C: same size,
 * alignment and representation. */
#ifdef __cplusplus
typedef char16_t WCHAR;
#else
typedef uint16_t WCHAR;
#endif

typedef void *HANDLE;
typedef HANDLE *LPHANDLE;
typedef void *HWND;   /* no windows on Linux; kept for EjectDiskFromSADrive */
typedef void *PVOID;
typedef void *LPVOID;
typedef DWORD *LPDWORD;
typedef BYTE *LPBYTE;
typedef CHAR *LPSTR;
typedef const CHAR *LPCSTR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;

#ifdef UNICODE
typedef WCHAR TCHAR;
#else
typedef CHAR TCHAR;
#endif
typedef TCHAR *LPTSTR;
typedef const TCHAR *LPCTSTR;

/* 64-bit integer as Windows defines it. The anonymous LowPart/HighPart
 * member of the Windows union is only reachable through .u here (anonymous
 * structs are not C99). */
typedef union _LARGE_INTEGER {
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    int64_t QuadPart;
} LARGE_INTEGER;

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;
#endif
typedef GUID *LPGUID;

/* Broken-down time, fields in Windows order. */
typedef struct _SYSTEMTIME {
    WORD wYear;
    WORD wMonth;
    WORD wDayOfWeek;
    WORD wDay;
    WORD wHour;
    WORD wMinute;
    WORD wSecond;
    WORD wMilliseconds;
} SYSTEMTIME;

/* Security types used by the object-security and pool-creation calls. */
typedef DWORD SECURITY_INFORMATION;
typedef void *PSECURITY_DESCRIPTOR;
typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

#endif /* OPENRSM_HAVE_WINTYPES */

#ifndef WINAPI
#define WINAPI
#endif
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef INVALID_HANDLE_VALUE
#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)
#endif
#ifndef INFINITE
#define INFINITE 0xFFFFFFFF /* dwTimeout: wait without a time limit (winbase.h) */
#endif

/* ======================================================================
 * Win32 error codes returned by the API (values of winerror.h)
 * ====================================================================== */

/* General Win32 codes */
#ifndef ERROR_SUCCESS
#define ERROR_SUCCESS 0
#endif
#ifndef ERROR_ACCESS_DENIED
#define ERROR_ACCESS_DENIED 5
#endif
#ifndef ERROR_INVALID_HANDLE
#define ERROR_INVALID_HANDLE 6
#endif
#ifndef ERROR_NOT_ENOUGH_MEMORY
#define ERROR_NOT_ENOUGH_MEMORY 8
#endif
#ifndef ERROR_BAD_FORMAT
#define ERROR_BAD_FORMAT 11
#endif
#ifndef ERROR_INVALID_DRIVE
#define ERROR_INVALID_DRIVE 15
#endif
#ifndef ERROR_WRITE_PROTECT
#define ERROR_WRITE_PROTECT 19
#endif
#ifndef ERROR_NOT_READY
#define ERROR_NOT_READY 21
#endif
#ifndef ERROR_SHARING_VIOLATION
#define ERROR_SHARING_VIOLATION 32
#endif
#ifndef ERROR_NOT_SUPPORTED
#define ERROR_NOT_SUPPORTED 50
#endif
#ifndef ERROR_INVALID_PARAMETER
#define ERROR_INVALID_PARAMETER 87
#endif
#ifndef ERROR_CALL_NOT_IMPLEMENTED
#define ERROR_CALL_NOT_IMPLEMENTED 120
#endif
#ifndef ERROR_INSUFFICIENT_BUFFER
#define ERROR_INSUFFICIENT_BUFFER 122
#endif
#ifndef ERROR_INVALID_NAME
#define ERROR_INVALID_NAME 123
#endif
#ifndef ERROR_BUSY
#define ERROR_BUSY 170
#endif
#ifndef ERROR_ALREADY_EXISTS
#define ERROR_ALREADY_EXISTS 183
#endif
#ifndef ERROR_NO_DATA
#define ERROR_NO_DATA 232
#endif
#ifndef ERROR_INVALID_ADDRESS
#define ERROR_INVALID_ADDRESS 487
#endif
#ifndef ERROR_DEVICE_REQUIRES_CLEANING
#define ERROR_DEVICE_REQUIRES_CLEANING 1165
#endif
#ifndef ERROR_CONNECTION_UNAVAIL
#define ERROR_CONNECTION_UNAVAIL 1201
#endif
#ifndef ERROR_INVALID_COMPUTERNAME
#define ERROR_INVALID_COMPUTERNAME 1210
#endif
#ifndef ERROR_NO_NETWORK
#define ERROR_NO_NETWORK 1222
#endif
#ifndef ERROR_CANCELLED
#define ERROR_CANCELLED 1223
#endif
#ifndef ERROR_NO_SECURITY_ON_OBJECT
#define ERROR_NO_SECURITY_ON_OBJECT 1350
#endif
#ifndef ERROR_TIMEOUT
#define ERROR_TIMEOUT 1460
#endif
/* MS-RSMP spells this one ERROR_RPC_S_INVALID_BOUND; winerror.h's name: */
#ifndef RPC_S_INVALID_BOUND
#define RPC_S_INVALID_BOUND 1734
#endif
#ifndef ERROR_UNRECOGNIZED_MEDIA
#define ERROR_UNRECOGNIZED_MEDIA 1785
#endif
#ifndef ERROR_NOT_CONNECTED
#define ERROR_NOT_CONNECTED 2250
#endif

/* Removable Storage codes (winerror.h 4300-4352) */
#ifndef ERROR_INVALID_MEDIA
#define ERROR_INVALID_MEDIA 4300
#endif
#ifndef ERROR_INVALID_LIBRARY
#define ERROR_INVALID_LIBRARY 4301
#endif
#ifndef ERROR_INVALID_MEDIA_POOL
#define ERROR_INVALID_MEDIA_POOL 4302
#endif
#ifndef ERROR_DRIVE_MEDIA_MISMATCH
#define ERROR_DRIVE_MEDIA_MISMATCH 4303
#endif
#ifndef ERROR_MEDIA_OFFLINE
#define ERROR_MEDIA_OFFLINE 4304
#endif
#ifndef ERROR_LIBRARY_OFFLINE
#define ERROR_LIBRARY_OFFLINE 4305
#endif
#ifndef ERROR_EMPTY
#define ERROR_EMPTY 4306
#endif
#ifndef ERROR_NOT_EMPTY
#define ERROR_NOT_EMPTY 4307
#endif
#ifndef ERROR_MEDIA_UNAVAILABLE
#define ERROR_MEDIA_UNAVAILABLE 4308
#endif
#ifndef ERROR_RESOURCE_DISABLED
#define ERROR_RESOURCE_DISABLED 4309
#endif
#ifndef ERROR_INVALID_CLEANER
#define ERROR_INVALID_CLEANER 4310
#endif
#ifndef ERROR_UNABLE_TO_CLEAN
#define ERROR_UNABLE_TO_CLEAN 4311
#endif
#ifndef ERROR_OBJECT_NOT_FOUND
#define ERROR_OBJECT_NOT_FOUND 4312
#endif
#ifndef ERROR_DATABASE_FAILURE
#define ERROR_DATABASE_FAILURE 4313
#endif
#ifndef ERROR_DATABASE_FULL
#define ERROR_DATABASE_FULL 4314
#endif
#ifndef ERROR_MEDIA_INCOMPATIBLE
#define ERROR_MEDIA_INCOMPATIBLE 4315
#endif
#ifndef ERROR_RESOURCE_NOT_PRESENT
#define ERROR_RESOURCE_NOT_PRESENT 4316
#endif
#ifndef ERROR_INVALID_OPERATION
#define ERROR_INVALID_OPERATION 4317
#endif
#ifndef ERROR_MEDIA_NOT_AVAILABLE
#define ERROR_MEDIA_NOT_AVAILABLE 4318
#endif
#ifndef ERROR_DEVICE_NOT_AVAILABLE
#define ERROR_DEVICE_NOT_AVAILABLE 4319
#endif
#ifndef ERROR_REQUEST_REFUSED
#define ERROR_REQUEST_REFUSED 4320
#endif
#ifndef ERROR_INVALID_DRIVE_OBJECT
#define ERROR_INVALID_DRIVE_OBJECT 4321
#endif
#ifndef ERROR_LIBRARY_FULL
#define ERROR_LIBRARY_FULL 4322
#endif
#ifndef ERROR_MEDIUM_NOT_ACCESSIBLE
#define ERROR_MEDIUM_NOT_ACCESSIBLE 4323
#endif
#ifndef ERROR_UNABLE_TO_LOAD_MEDIUM
#define ERROR_UNABLE_TO_LOAD_MEDIUM 4324
#endif
#ifndef ERROR_UNABLE_TO_INVENTORY_DRIVE
#define ERROR_UNABLE_TO_INVENTORY_DRIVE 4325
#endif
#ifndef ERROR_UNABLE_TO_INVENTORY_SLOT
#define ERROR_UNABLE_TO_INVENTORY_SLOT 4326
#endif
#ifndef ERROR_UNABLE_TO_INVENTORY_TRANSPORT
#define ERROR_UNABLE_TO_INVENTORY_TRANSPORT 4327
#endif
#ifndef ERROR_TRANSPORT_FULL
#define ERROR_TRANSPORT_FULL 4328
#endif
#ifndef ERROR_CONTROLLING_IEPORT
#define ERROR_CONTROLLING_IEPORT 4329
#endif
#ifndef ERROR_UNABLE_TO_EJECT_MOUNTED_MEDIA
#define ERROR_UNABLE_TO_EJECT_MOUNTED_MEDIA 4330
#endif
#ifndef ERROR_CLEANER_SLOT_SET
#define ERROR_CLEANER_SLOT_SET 4331
#endif
#ifndef ERROR_CLEANER_SLOT_NOT_SET
#define ERROR_CLEANER_SLOT_NOT_SET 4332
#endif
#ifndef ERROR_CLEANER_CARTRIDGE_SPENT
#define ERROR_CLEANER_CARTRIDGE_SPENT 4333
#endif
#ifndef ERROR_UNEXPECTED_OMID
#define ERROR_UNEXPECTED_OMID 4334
#endif
#ifndef ERROR_CANT_DELETE_LAST_ITEM
#define ERROR_CANT_DELETE_LAST_ITEM 4335
#endif
#ifndef ERROR_MESSAGE_EXCEEDS_MAX_SIZE
#define ERROR_MESSAGE_EXCEEDS_MAX_SIZE 4336
#endif
#ifndef ERROR_VOLUME_CONTAINS_SYS_FILES
#define ERROR_VOLUME_CONTAINS_SYS_FILES 4337
#endif
#ifndef ERROR_INDIGENOUS_TYPE
#define ERROR_INDIGENOUS_TYPE 4338
#endif
#ifndef ERROR_NO_SUPPORTING_DRIVES
#define ERROR_NO_SUPPORTING_DRIVES 4339
#endif
#ifndef ERROR_CLEANER_CARTRIDGE_INSTALLED
#define ERROR_CLEANER_CARTRIDGE_INSTALLED 4340
#endif
#ifndef ERROR_IEPORT_FULL
#define ERROR_IEPORT_FULL 4341
#endif
#ifndef ERROR_FILE_OFFLINE
#define ERROR_FILE_OFFLINE 4350
#endif
#ifndef ERROR_REMOTE_STORAGE_NOT_ACTIVE
#define ERROR_REMOTE_STORAGE_NOT_ACTIVE 4351
#endif
#ifndef ERROR_REMOTE_STORAGE_MEDIA_ERROR
#define ERROR_REMOTE_STORAGE_MEDIA_ERROR 4352
#endif

/* Resource-state codes */
#ifndef ERROR_RESOURCE_NOT_AVAILABLE
#define ERROR_RESOURCE_NOT_AVAILABLE 5006
#endif
#ifndef ERROR_INVALID_STATE
#define ERROR_INVALID_STATE 5023
#endif

/* Names that appear only in SDK prose (ERROR_NO_SLOT_SET, ERROR_SLOT_EMPTY,
 * ERROR_DUPLICATE_OMID, ERROR_INVALID_PARTITION, ...) have no winerror.h
 * value and are deliberately not defined; the API returns the codes MS-RSMP
 * uses in their place. */

/* ======================================================================
 * RSM identifiers and handles
 * ====================================================================== */

/* Every RSM object is identified by a 16-byte GUID. */
typedef GUID NTMS_GUID;
typedef GUID *LPNTMS_GUID;
typedef BYTE *PSECURITY_DESCRIPTOR_NTMS;
typedef ULONG_PTR NTMS_HANDLE;

/* Initializer of the null GUID, and a test for it (id is an lvalue, not a
 * pointer). */
#define NTMS_NULLGUID {0, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}}
#define NTMS_IS_NULLGUID(id)                                             \
    ((id).Data1 == 0 && (id).Data2 == 0 && (id).Data3 == 0 &&            \
     (id).Data4[0] == 0 && (id).Data4[1] == 0 && (id).Data4[2] == 0 &&   \
     (id).Data4[3] == 0 && (id).Data4[4] == 0 && (id).Data4[5] == 0 &&   \
     (id).Data4[6] == 0 && (id).Data4[7] == 0)

/* ======================================================================
 * String and buffer lengths (in characters for strings)
 * ====================================================================== */

#define NTMS_OBJECTNAME_LENGTH 64
#define NTMS_DESCRIPTION_LENGTH 127
#define NTMS_DEVICENAME_LENGTH 64
#define NTMS_SERIALNUMBER_LENGTH 32
#define NTMS_REVISION_LENGTH 32
#define NTMS_BARCODE_LENGTH 64
#define NTMS_SEQUENCE_LENGTH 32
#define NTMS_VENDORNAME_LENGTH 128
#define NTMS_PRODUCTNAME_LENGTH 128
#define NTMS_USERNAME_LENGTH 64
#define NTMS_APPLICATIONNAME_LENGTH 64
#define NTMS_COMPUTERNAME_LENGTH 64
#define NTMS_I1_MESSAGE_LENGTH 127
#define NTMS_MESSAGE_LENGTH 256
#define NTMS_POOLHIERARCHY_LENGTH 512
#define NTMS_OMIDLABELID_LENGTH 255
#define NTMS_OMIDLABELTYPE_LENGTH 64
#define NTMS_OMIDLABELINFO_LENGTH 256

/* Object attributes (Get/SetNtmsObjectAttribute): largest value in bytes,
 * longest name in characters. */
#define NTMS_MAXATTR_LENGTH 0x10000
#define NTMS_MAXATTR_NAMELEN 32

/* ======================================================================
 * Object types (dwType arguments, NTMS_OBJECTINFORMATION.dwType)
 * ====================================================================== */

enum NtmsObjectsTypes {
    NTMS_UNKNOWN = 0,
    NTMS_OBJECT = 1,
    NTMS_CHANGER = 2,
    NTMS_CHANGER_TYPE = 3,
    NTMS_COMPUTER = 4,
    NTMS_DRIVE = 5,
    NTMS_DRIVE_TYPE = 6,
    NTMS_IEDOOR = 7,
    NTMS_IEPORT = 8,
    NTMS_LIBRARY = 9,
    NTMS_LIBREQUEST = 10,
    NTMS_LOGICAL_MEDIA = 11,
    NTMS_MEDIA_POOL = 12,
    NTMS_MEDIA_TYPE = 13,
    NTMS_PARTITION = 14,
    NTMS_PHYSICAL_MEDIA = 15,
    NTMS_STORAGESLOT = 16,
    NTMS_OPREQUEST = 17,
    NTMS_UI_DESTINATION = 18,
    NTMS_NUMBER_OF_OBJECT_TYPES = 19
};

/* Operational state of libraries, drives, changers, ... (dwOperationalState) */
enum NtmsOperationalState {
    NTMS_READY = 0,
    NTMS_INITIALIZING = 10,
    NTMS_NEEDS_SERVICE = 20,
    NTMS_NOT_PRESENT = 21
};

/* ======================================================================
 * Sessions, asynchronous I/O, notifications
 * ====================================================================== */

/* dwOptions of OpenNtmsSession */
enum NtmsSessionOptions {
    NTMS_SESSION_QUERYEXPEDITE = 0x1
};

enum NtmsAsyncStatus {
    NTMS_ASYNCSTATE_QUEUED = 0,
    NTMS_ASYNCSTATE_WAIT_RESOURCE = 1,
    NTMS_ASYNCSTATE_WAIT_OPERATOR = 2,
    NTMS_ASYNCSTATE_INPROCESS = 3,
    NTMS_ASYNCSTATE_COMPLETE = 4
};

enum NtmsAsyncOperations {
    NTMS_ASYNCOP_MOUNT = 1
};

/* NTMS_NOTIFICATIONINFORMATION.dwOperation */
enum NtmsNotificationOperations {
    NTMS_OBJ_UPDATE = 1,
    NTMS_OBJ_INSERT = 2,
    NTMS_OBJ_DELETE = 3,
    NTMS_EVENT_SIGNAL = 4,
    NTMS_EVENT_COMPLETE = 5
};

/* ======================================================================
 * Mount, dismount, allocation
 * ====================================================================== */

/* dwOptions of MountNtmsMedia (bit flags) */
enum NtmsMountOptions {
    NTMS_MOUNT_READ = 0x0001,
    NTMS_MOUNT_WRITE = 0x0002,
    NTMS_MOUNT_ERROR_NOT_AVAILABLE = 0x0004,
    NTMS_MOUNT_ERROR_IF_UNAVAILABLE = 0x0004,
    NTMS_MOUNT_ERROR_OFFLINE = 0x0008,
    NTMS_MOUNT_ERROR_IF_OFFLINE = 0x0008,
    NTMS_MOUNT_SPECIFIC_DRIVE = 0x0010,
    NTMS_MOUNT_NOWAIT = 0x0020
};

/* dwOptions of DismountNtmsMedia */
enum NtmsDismountOptions {
    NTMS_DISMOUNT_DEFERRED = 0x0001,
    NTMS_DISMOUNT_IMMEDIATE = 0x0002
};

/* dwPriority of MountNtmsMedia: -15 (lowest) .. 15 (highest) */
enum NtmsMountPriority {
    NTMS_PRIORITY_DEFAULT = 0,
    NTMS_PRIORITY_HIGHEST = 15,
    NTMS_PRIORITY_HIGH = 7,
    NTMS_PRIORITY_NORMAL = 0,
    NTMS_PRIORITY_LOW = -7,
    NTMS_PRIORITY_LOWEST = -15
};

/* dwOptions of AllocateNtmsMedia */
enum NtmsAllocateOptions {
    NTMS_ALLOCATE_NEW = 0x0001,
    NTMS_ALLOCATE_NEXT = 0x0002,
    NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE = 0x0004
};

/* dwAction of CreateNtmsMediaPool */
enum NtmsCreateOptions {
    NTMS_OPEN_EXISTING = 0x0001,
    NTMS_CREATE_NEW = 0x0002,
    NTMS_OPEN_ALWAYS = 0x0003
};

/* dwOptions of CreateNtmsMedia */
enum NtmsCreateNtmsMediaOptions {
    NTMS_ERROR_ON_DUPLICATE = 0x0001
};

/* dwOptions of EnumerateNtmsObject */
enum NtmsEnumerateOption {
    NTMS_ENUM_DEFAULT = 0,
    NTMS_ENUM_ROOTPOOL = 1
};

/* ======================================================================
 * Library operations: eject, inject, inventory
 * ====================================================================== */

/* dwAction of EjectNtmsMedia / EjectNtmsCleaner */
enum NtmsEjectOperation {
    NTMS_EJECT_START = 0,
    NTMS_EJECT_STOP = 1,
    NTMS_EJECT_QUEUE = 2,
    NTMS_EJECT_FORCE = 3,
    NTMS_EJECT_IMMEDIATE = 4,
    NTMS_EJECT_ASK_USER = 5
};

/* dwAction of InjectNtmsMedia / InjectNtmsCleaner */
enum NtmsInjectOperation {
    NTMS_INJECT_START = 0,
    NTMS_INJECT_STOP = 1,
    NTMS_INJECT_RETRACT = 2,
    NTMS_INJECT_STARTMANY = 3
};

/* dwAction of InventoryNtmsLibrary; NTMS_LIBRARYINFORMATION.InventoryMethod */
enum NtmsInventoryMethod {
    NTMS_INVENTORY_NONE = 0,
    NTMS_INVENTORY_FAST = 1,
    NTMS_INVENTORY_OMID = 2,
    NTMS_INVENTORY_DEFAULT = 3,
    NTMS_INVENTORY_SLOT = 4,
    NTMS_INVENTORY_STOP = 5,
    NTMS_INVENTORY_MAX = 6
};

/* labelType of UpdateNtmsOmidInfo */
#define NTMS_OMID_TYPE_RAW_LABEL 0x01
#define NTMS_OMID_TYPE_FILESYSTEM_INFO 0x02

/* ======================================================================
 * Object states and properties
 * ====================================================================== */

enum NtmsDriveState {
    NTMS_DRIVESTATE_DISMOUNTED = 0,
    NTMS_DRIVESTATE_MOUNTED = 1,
    NTMS_DRIVESTATE_LOADED = 2,
    NTMS_DRIVESTATE_UNLOADED = 5,
    NTMS_DRIVESTATE_BEING_CLEANED = 6,
    NTMS_DRIVESTATE_DISMOUNTABLE = 7
};

enum NtmsDriveType {
    NTMS_UNKNOWN_DRIVE = 0
};

enum NtmsLibraryType {
    NTMS_LIBRARYTYPE_UNKNOWN = 0,
    NTMS_LIBRARYTYPE_OFFLINE = 1,
    NTMS_LIBRARYTYPE_ONLINE = 2,
    NTMS_LIBRARYTYPE_STANDALONE = 3
};

/* DeviceType of NTMS_DRIVETYPEINFORMATION, NTMS_CHANGERTYPEINFORMATION and
 * NTMS_MEDIATYPEINFORMATION (Windows' FILE_DEVICE_* values, winioctl.h). */
#ifndef FILE_DEVICE_TAPE
#define FILE_DEVICE_TAPE 0x0000001f
#endif
#ifndef FILE_DEVICE_CHANGER
#define FILE_DEVICE_CHANGER 0x00000030
#endif

/* NTMS_LIBRARYINFORMATION.dwFlags (bit flags) */
enum NtmsLibraryFlags {
    NTMS_LIBRARYFLAG_FIXEDOFFLINE = 0x01,
    NTMS_LIBRARYFLAG_CLEANERPRESENT = 0x02,
    NTMS_LIBRARYFLAG_AUTODETECTCHANGE = 0x04,
    NTMS_LIBRARYFLAG_IGNORECLEANERUSESREMAINING = 0x08,
    NTMS_LIBRARYFLAG_RECOGNIZECLEANERBARCODE = 0x10
};

enum NtmsSlotState {
    NTMS_SLOTSTATE_UNKNOWN = 0,
    NTMS_SLOTSTATE_FULL = 1,
    NTMS_SLOTSTATE_EMPTY = 2,
    NTMS_SLOTSTATE_NOTPRESENT = 3,
    NTMS_SLOTSTATE_NEEDSINVENTORY = 4
};

enum NtmsDoorState {
    NTMS_DOORSTATE_UNKNOWN = 0,
    NTMS_DOORSTATE_CLOSED = 1,
    NTMS_DOORSTATE_OPEN = 2
};

enum NtmsPortPosition {
    NTMS_PORTPOSITION_UNKNOWN = 0,
    NTMS_PORTPOSITION_EXTENDED = 1,
    NTMS_PORTPOSITION_RETRACTED = 2
};

enum NtmsPortContent {
    NTMS_PORTCONTENT_UNKNOWN = 0,
    NTMS_PORTCONTENT_FULL = 1,
    NTMS_PORTCONTENT_EMPTY = 2
};

enum NtmsBarCodeState {
    NTMS_BARCODESTATE_OK = 1,
    NTMS_BARCODESTATE_UNREADABLE = 2
};

/* Physical media state (NTMS_PMIDINFORMATION.MediaState) */
enum NtmsMediaState {
    NTMS_MEDIASTATE_IDLE = 0,
    NTMS_MEDIASTATE_INUSE = 1,
    NTMS_MEDIASTATE_MOUNTED = 2,
    NTMS_MEDIASTATE_LOADED = 3,
    NTMS_MEDIASTATE_UNLOADED = 4,
    NTMS_MEDIASTATE_OPERROR = 5,
    NTMS_MEDIASTATE_OPREQ = 6
};

/* Side state (NTMS_PARTITIONINFORMATION.State) */
enum NtmsPartitionState {
    NTMS_PARTSTATE_UNKNOWN = 0,
    NTMS_PARTSTATE_UNPREPARED = 1,
    NTMS_PARTSTATE_INCOMPATIBLE = 2,
    NTMS_PARTSTATE_DECOMMISSIONED = 3,
    NTMS_PARTSTATE_AVAILABLE = 4,
    NTMS_PARTSTATE_ALLOCATED = 5,
    NTMS_PARTSTATE_COMPLETE = 6,
    NTMS_PARTSTATE_FOREIGN = 7,
    NTMS_PARTSTATE_IMPORT = 8,
    NTMS_PARTSTATE_RESERVED = 9
};
#define NTMS_PARTSTATE_NEW NTMS_PARTSTATE_UNKNOWN

/* Media pools */
enum NtmsPoolType {
    NTMS_POOLTYPE_UNKNOWN = 0,
    NTMS_POOLTYPE_SCRATCH = 1,
    NTMS_POOLTYPE_FOREIGN = 2,
    NTMS_POOLTYPE_IMPORT = 3,
    NTMS_POOLTYPE_APPLICATION = 1000
};

enum NtmsAllocationPolicy {
    NTMS_ALLOCATE_FROMSCRATCH = 1
};

enum NtmsDeallocationPolicy {
    NTMS_DEALLOCATE_TOSCRATCH = 1
};

/* Media types */
enum NtmsReadWriteCharacteristics {
    NTMS_MEDIARW_UNKNOWN = 0,
    NTMS_MEDIARW_REWRITABLE = 1,
    NTMS_MEDIARW_WRITEONCE = 2,
    NTMS_MEDIARW_READONLY = 3
};

/* Computer object flags (NTMS_COMPUTERINFORMATION) */
enum NtmsLibRequestFlags {
    NTMS_LIBREQFLAGS_NOAUTOPURGE = 0x01,
    NTMS_LIBREQFLAGS_NOFAILEDPURGE = 0x02
};

enum NtmsOpRequestFlags {
    NTMS_OPREQFLAGS_NOAUTOPURGE = 0x01,
    NTMS_OPREQFLAGS_NOFAILEDPURGE = 0x02,
    NTMS_OPREQFLAGS_NOALERTS = 0x10,
    NTMS_OPREQFLAGS_NOTRAYICON = 0x20
};

enum NtmsMediaPoolPolicy {
    NTMS_POOLPOLICY_PURGEOFFLINESCRATCH = 0x01,
    NTMS_POOLPOLICY_KEEPOFFLINEIMPORT = 0x02
};

/* ======================================================================
 * Library requests and operator requests
 * ====================================================================== */

/* NTMS_LIBREQUESTINFORMATION.OperationCode */
enum NtmsLmOperation {
    NTMS_LM_REMOVE = 0,
    NTMS_LM_DISABLECHANGER = 1,
    NTMS_LM_DISABLELIBRARY = 1,
    NTMS_LM_ENABLECHANGER = 2,
    NTMS_LM_ENABLELIBRARY = 2,
    NTMS_LM_DISABLEDRIVE = 3,
    NTMS_LM_ENABLEDRIVE = 4,
    NTMS_LM_DISABLEMEDIA = 5,
    NTMS_LM_ENABLEMEDIA = 6,
    NTMS_LM_UPDATEOMID = 7,
    NTMS_LM_INVENTORY = 8,
    NTMS_LM_DOORACCESS = 9,
    NTMS_LM_EJECT = 10,
    NTMS_LM_EJECTCLEANER = 11,
    NTMS_LM_INJECT = 12,
    NTMS_LM_INJECTCLEANER = 13,
    NTMS_LM_PROCESSOMID = 14,
    NTMS_LM_CLEANDRIVE = 15,
    NTMS_LM_DISMOUNT = 16,
    NTMS_LM_MOUNT = 17,
    NTMS_LM_WRITESCRATCH = 18,
    NTMS_LM_CLASSIFY = 19,
    NTMS_LM_RESERVECLEANER = 20,
    NTMS_LM_RELEASECLEANER = 21,
    NTMS_LM_MAXWORKITEM = 22
};

/* NTMS_LIBREQUESTINFORMATION.State. MS-RSMP lists no value 6; the SDK
 * header has DEFERRED (and the misspelt DEFFERED) there. */
enum NtmsLmState {
    NTMS_LM_QUEUED = 0,
    NTMS_LM_INPROCESS = 1,
    NTMS_LM_PASSED = 2,
    NTMS_LM_FAILED = 3,
    NTMS_LM_INVALID = 4,
    NTMS_LM_WAITING = 5,
    NTMS_LM_DEFERRED = 6,
    NTMS_LM_DEFFERED = 6,
    NTMS_LM_CANCELLED = 7,
    NTMS_LM_STOPPED = 8
};

/* dwRequest of SubmitNtmsOperatorRequest; NTMS_OPREQUESTINFORMATION.Request */
enum NtmsOpreqCommand {
    NTMS_OPREQ_UNKNOWN = 0,
    NTMS_OPREQ_NEWMEDIA = 1,
    NTMS_OPREQ_CLEANER = 2,
    NTMS_OPREQ_DEVICESERVICE = 3,
    NTMS_OPREQ_MOVEMEDIA = 4,
    NTMS_OPREQ_MESSAGE = 5
};

/* NTMS_OPREQUESTINFORMATION.State */
enum NtmsOpreqState {
    NTMS_OPSTATE_UNKNOWN = 0,
    NTMS_OPSTATE_SUBMITTED = 1,
    NTMS_OPSTATE_ACTIVE = 2,
    NTMS_OPSTATE_INPROGRESS = 3,
    NTMS_OPSTATE_REFUSED = 4,
    NTMS_OPSTATE_COMPLETE = 5
};

/* ======================================================================
 * User-interface destinations (Get/SetNtmsUIOptions)
 * ====================================================================== */

enum NtmsUITypes {
    NTMS_UITYPE_INVALID = 0,
    NTMS_UITYPE_INFO = 1,
    NTMS_UITYPE_REQ = 2,
    NTMS_UITYPE_ERR = 3,
    NTMS_UITYPE_MAX = 4
};

enum NtmsUIOperations {
    NTMS_UIDEST_ADD = 1,
    NTMS_UIDEST_DELETE = 2,
    NTMS_UIDEST_DELETEALL = 3,
    NTMS_UIOPERATION_MAX = 4
};

/* ======================================================================
 * Access rights
 *
 * Decision: OpenRSM follows [MS-RSMP] 2.2.1.12, which gives USE = 1,
 * MODIFY = 2, CONTROL = 3. (The mingw-w64 header uses CONTROL = 4 and marks
 * it as a guess.) The rights are levels, not independent bits: compare with
 * ==, do not test bits. The SDK has no NTMS_READ_ACCESS, so none is defined.
 * ====================================================================== */

enum NtmsAccessMask {
    NTMS_USE_ACCESS = 1,
    NTMS_MODIFY_ACCESS = 2,
    NTMS_CONTROL_ACCESS = 3
};

#define NTMS_GENERIC_READ NTMS_USE_ACCESS
#define NTMS_GENERIC_WRITE (NTMS_USE_ACCESS | NTMS_MODIFY_ACCESS)
#define NTMS_GENERIC_EXECUTE \
    (NTMS_USE_ACCESS | NTMS_MODIFY_ACCESS | NTMS_CONTROL_ACCESS)
#define NTMS_GENERIC_ALL \
    (NTMS_USE_ACCESS | NTMS_MODIFY_ACCESS | NTMS_CONTROL_ACCESS)

/* ======================================================================
 * Structures
 *
 * Layouts are those of the Windows SDK (natural alignment, as its
 * #pragma pack(8) gives on 64-bit targets). A and W forms differ only in
 * their string members: CHAR (UTF-8) versus WCHAR (UTF-16).
 * ====================================================================== */

/* Asynchronous-request state; unused by the API (reserved pointers). */
typedef struct _NTMS_ASYNC_IO {
    NTMS_GUID OperationId;
    NTMS_GUID EventId;
    DWORD dwOperationType;
    DWORD dwResult;
    DWORD dwAsyncState;
    HANDLE hEvent;
    BOOL bOnStateChange;
} NTMS_ASYNC_IO, *LPNTMS_ASYNC_IO;

/* Last argument of MountNtmsMedia: set dwSize, lpReserved must be NULL. */
typedef struct _NTMS_MOUNT_INFORMATION {
    DWORD dwSize;
    LPVOID lpReserved;
} NTMS_MOUNT_INFORMATION, *LPNTMS_MOUNT_INFORMATION;

/* Last argument of AllocateNtmsMedia; AllocatedFrom is an output. */
typedef struct _NTMS_ALLOCATION_INFORMATION {
    DWORD dwSize;
    LPVOID lpReserved;
    NTMS_GUID AllocatedFrom;
} NTMS_ALLOCATION_INFORMATION, *LPNTMS_ALLOCATION_INFORMATION;

/* Filled by WaitForNtmsNotification. */
typedef struct _NTMS_NOTIFICATIONINFORMATION {
    DWORD dwOperation;          /* NtmsNotificationOperations */
    NTMS_GUID ObjectId;
} NTMS_NOTIFICATIONINFORMATION, *LPNTMS_NOTIFICATIONINFORMATION;

/* Buffer of UpdateNtmsOmidInfo with NTMS_OMID_TYPE_FILESYSTEM_INFO. */
typedef struct {
    WCHAR FileSystemType[64];
    WCHAR VolumeName[256];
    DWORD SerialNumber;
} NTMS_FILESYSTEM_INFO;

/* Drive (NTMS_DRIVE) */
typedef struct _NTMS_DRIVEINFORMATIONA {
    DWORD Number;
    DWORD State;                /* NtmsDriveState */
    NTMS_GUID DriveType;
    CHAR szDeviceName[NTMS_DEVICENAME_LENGTH];
    CHAR szSerialNumber[NTMS_SERIALNUMBER_LENGTH];
    CHAR szRevision[NTMS_REVISION_LENGTH];
    WORD ScsiPort;
    WORD ScsiBus;
    WORD ScsiTarget;
    WORD ScsiLun;
    DWORD dwMountCount;
    SYSTEMTIME LastCleanedTs;
    NTMS_GUID SavedPartitionId;
    NTMS_GUID Library;
    GUID Reserved;
    DWORD dwDeferDismountDelay;
} NTMS_DRIVEINFORMATIONA;

typedef struct _NTMS_DRIVEINFORMATIONW {
    DWORD Number;
    DWORD State;                /* NtmsDriveState */
    NTMS_GUID DriveType;
    WCHAR szDeviceName[NTMS_DEVICENAME_LENGTH];
    WCHAR szSerialNumber[NTMS_SERIALNUMBER_LENGTH];
    WCHAR szRevision[NTMS_REVISION_LENGTH];
    WORD ScsiPort;
    WORD ScsiBus;
    WORD ScsiTarget;
    WORD ScsiLun;
    DWORD dwMountCount;
    SYSTEMTIME LastCleanedTs;
    NTMS_GUID SavedPartitionId;
    NTMS_GUID Library;
    GUID Reserved;
    DWORD dwDeferDismountDelay;
} NTMS_DRIVEINFORMATIONW;

/* Drive type (NTMS_DRIVE_TYPE) */
typedef struct _NTMS_DRIVETYPEINFORMATIONA {
    CHAR szVendor[NTMS_VENDORNAME_LENGTH];
    CHAR szProduct[NTMS_PRODUCTNAME_LENGTH];
    DWORD NumberOfHeads;
    DWORD DeviceType;
} NTMS_DRIVETYPEINFORMATIONA;

typedef struct _NTMS_DRIVETYPEINFORMATIONW {
    WCHAR szVendor[NTMS_VENDORNAME_LENGTH];
    WCHAR szProduct[NTMS_PRODUCTNAME_LENGTH];
    DWORD NumberOfHeads;
    DWORD DeviceType;
} NTMS_DRIVETYPEINFORMATIONW;

/* Library (NTMS_LIBRARY) */
typedef struct _NTMS_LIBRARYINFORMATION {
    DWORD LibraryType;          /* NtmsLibraryType */
    NTMS_GUID CleanerSlot;
    NTMS_GUID CleanerSlotDefault;
    BOOL LibrarySupportsDriveCleaning;
    BOOL BarCodeReaderInstalled;
    DWORD InventoryMethod;      /* NtmsInventoryMethod */
    DWORD dwCleanerUsesRemaining;
    DWORD FirstDriveNumber;
    DWORD dwNumberOfDrives;
    DWORD FirstSlotNumber;
    DWORD dwNumberOfSlots;
    DWORD FirstDoorNumber;
    DWORD dwNumberOfDoors;
    DWORD FirstPortNumber;
    DWORD dwNumberOfPorts;
    DWORD FirstChangerNumber;
    DWORD dwNumberOfChangers;
    DWORD dwNumberOfMedia;
    DWORD dwNumberOfMediaTypes;
    DWORD dwNumberOfLibRequests;
    GUID Reserved;
    BOOL AutoRecovery;
    DWORD dwFlags;              /* NtmsLibraryFlags */
} NTMS_LIBRARYINFORMATION;

/* Changer (NTMS_CHANGER) */
typedef struct _NTMS_CHANGERINFORMATIONA {
    DWORD Number;
    NTMS_GUID ChangerType;
    CHAR szSerialNumber[NTMS_SERIALNUMBER_LENGTH];
    CHAR szRevision[NTMS_REVISION_LENGTH];
    CHAR szDeviceName[NTMS_DEVICENAME_LENGTH];
    WORD ScsiPort;
    WORD ScsiBus;
    WORD ScsiTarget;
    WORD ScsiLun;
    NTMS_GUID Library;
} NTMS_CHANGERINFORMATIONA;

typedef struct _NTMS_CHANGERINFORMATIONW {
    DWORD Number;
    NTMS_GUID ChangerType;
    WCHAR szSerialNumber[NTMS_SERIALNUMBER_LENGTH];
    WCHAR szRevision[NTMS_REVISION_LENGTH];
    WCHAR szDeviceName[NTMS_DEVICENAME_LENGTH];
    WORD ScsiPort;
    WORD ScsiBus;
    WORD ScsiTarget;
    WORD ScsiLun;
    NTMS_GUID Library;
} NTMS_CHANGERINFORMATIONW;

/* Changer type (NTMS_CHANGER_TYPE) */
typedef struct _NTMS_CHANGERTYPEINFORMATIONA {
    CHAR szVendor[NTMS_VENDORNAME_LENGTH];
    CHAR szProduct[NTMS_PRODUCTNAME_LENGTH];
    DWORD DeviceType;
} NTMS_CHANGERTYPEINFORMATIONA;

typedef struct _NTMS_CHANGERTYPEINFORMATIONW {
    WCHAR szVendor[NTMS_VENDORNAME_LENGTH];
    WCHAR szProduct[NTMS_PRODUCTNAME_LENGTH];
    DWORD DeviceType;
} NTMS_CHANGERTYPEINFORMATIONW;

/* Storage slot (NTMS_STORAGESLOT) */
typedef struct _NTMS_STORAGESLOTINFORMATION {
    DWORD Number;
    DWORD State;                /* NtmsSlotState */
    NTMS_GUID Library;
} NTMS_STORAGESLOTINFORMATION;

/* Insert/eject door (NTMS_IEDOOR) */
typedef struct _NTMS_IEDOORINFORMATION {
    DWORD Number;
    DWORD State;                /* NtmsDoorState */
    WORD MaxOpenSecs;
    NTMS_GUID Library;
} NTMS_IEDOORINFORMATION;

/* Insert/eject port (NTMS_IEPORT) */
typedef struct _NTMS_IEPORTINFORMATION {
    DWORD Number;
    DWORD Content;              /* NtmsPortContent */
    DWORD Position;             /* NtmsPortPosition */
    WORD MaxExtendSecs;
    NTMS_GUID Library;
} NTMS_IEPORTINFORMATION;

/* Physical media (NTMS_PHYSICAL_MEDIA) */
typedef struct _NTMS_PMIDINFORMATIONA {
    NTMS_GUID CurrentLibrary;
    NTMS_GUID MediaPool;
    NTMS_GUID Location;
    DWORD LocationType;         /* NtmsObjectsTypes of Location */
    NTMS_GUID MediaType;
    NTMS_GUID HomeSlot;
    CHAR szBarCode[NTMS_BARCODE_LENGTH];
    DWORD BarCodeState;         /* NtmsBarCodeState */
    CHAR szSequenceNumber[NTMS_SEQUENCE_LENGTH];
    DWORD MediaState;           /* NtmsMediaState */
    DWORD dwNumberOfPartitions;
    DWORD dwMediaTypeCode;
    DWORD dwDensityCode;
    NTMS_GUID MountedPartition;
} NTMS_PMIDINFORMATIONA;

typedef struct _NTMS_PMIDINFORMATIONW {
    NTMS_GUID CurrentLibrary;
    NTMS_GUID MediaPool;
    NTMS_GUID Location;
    DWORD LocationType;         /* NtmsObjectsTypes of Location */
    NTMS_GUID MediaType;
    NTMS_GUID HomeSlot;
    WCHAR szBarCode[NTMS_BARCODE_LENGTH];
    DWORD BarCodeState;         /* NtmsBarCodeState */
    WCHAR szSequenceNumber[NTMS_SEQUENCE_LENGTH];
    DWORD MediaState;           /* NtmsMediaState */
    DWORD dwNumberOfPartitions;
    DWORD dwMediaTypeCode;
    DWORD dwDensityCode;
    NTMS_GUID MountedPartition;
} NTMS_PMIDINFORMATIONW;

/* Logical media (NTMS_LOGICAL_MEDIA) */
typedef struct _NTMS_LMIDINFORMATION {
    NTMS_GUID MediaPool;
    DWORD dwNumberOfPartitions;
} NTMS_LMIDINFORMATION;

/* Side (NTMS_PARTITION) */
typedef struct _NTMS_PARTITIONINFORMATIONA {
    NTMS_GUID PhysicalMedia;
    NTMS_GUID LogicalMedia;
    DWORD State;                /* NtmsPartitionState */
    WORD Side;
    DWORD dwOmidLabelIdLength;
    BYTE OmidLabelId[NTMS_OMIDLABELID_LENGTH];
    CHAR szOmidLabelType[NTMS_OMIDLABELTYPE_LENGTH];
    CHAR szOmidLabelInfo[NTMS_OMIDLABELINFO_LENGTH];
    DWORD dwMountCount;
    DWORD dwAllocateCount;
    LARGE_INTEGER Capacity;
} NTMS_PARTITIONINFORMATIONA;

typedef struct _NTMS_PARTITIONINFORMATIONW {
    NTMS_GUID PhysicalMedia;
    NTMS_GUID LogicalMedia;
    DWORD State;                /* NtmsPartitionState */
    WORD Side;
    DWORD dwOmidLabelIdLength;
    BYTE OmidLabelId[NTMS_OMIDLABELID_LENGTH];
    WCHAR szOmidLabelType[NTMS_OMIDLABELTYPE_LENGTH];
    WCHAR szOmidLabelInfo[NTMS_OMIDLABELINFO_LENGTH];
    DWORD dwMountCount;
    DWORD dwAllocateCount;
    LARGE_INTEGER Capacity;
} NTMS_PARTITIONINFORMATIONW;

/* Media pool (NTMS_MEDIA_POOL) */
typedef struct _NTMS_MEDIAPOOLINFORMATION {
    DWORD PoolType;             /* NtmsPoolType */
    NTMS_GUID MediaType;
    NTMS_GUID Parent;
    DWORD AllocationPolicy;     /* NtmsAllocationPolicy */
    DWORD DeallocationPolicy;   /* NtmsDeallocationPolicy */
    DWORD dwMaxAllocates;
    DWORD dwNumberOfPhysicalMedia;
    DWORD dwNumberOfLogicalMedia;
    DWORD dwNumberOfMediaPools;
} NTMS_MEDIAPOOLINFORMATION;

/* Media type (NTMS_MEDIA_TYPE) */
typedef struct _NTMS_MEDIATYPEINFORMATION {
    DWORD MediaType;
    DWORD NumberOfSides;
    DWORD ReadWriteCharacteristics; /* NtmsReadWriteCharacteristics */
    DWORD DeviceType;
} NTMS_MEDIATYPEINFORMATION;

/* Library request (NTMS_LIBREQUEST) */
typedef struct _NTMS_LIBREQUESTINFORMATIONA {
    DWORD OperationCode;        /* NtmsLmOperation */
    DWORD OperationOption;
    DWORD State;                /* NtmsLmState */
    NTMS_GUID PartitionId;
    NTMS_GUID DriveId;
    NTMS_GUID PhysMediaId;
    NTMS_GUID Library;
    NTMS_GUID SlotId;
    SYSTEMTIME TimeQueued;
    SYSTEMTIME TimeCompleted;
    CHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    CHAR szUser[NTMS_USERNAME_LENGTH];
    CHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
    DWORD dwErrorCode;
    NTMS_GUID WorkItemId;
    DWORD dwPriority;
} NTMS_LIBREQUESTINFORMATIONA;

typedef struct _NTMS_LIBREQUESTINFORMATIONW {
    DWORD OperationCode;        /* NtmsLmOperation */
    DWORD OperationOption;
    DWORD State;                /* NtmsLmState */
    NTMS_GUID PartitionId;
    NTMS_GUID DriveId;
    NTMS_GUID PhysMediaId;
    NTMS_GUID Library;
    NTMS_GUID SlotId;
    SYSTEMTIME TimeQueued;
    SYSTEMTIME TimeCompleted;
    WCHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    WCHAR szUser[NTMS_USERNAME_LENGTH];
    WCHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
    DWORD dwErrorCode;
    NTMS_GUID WorkItemId;
    DWORD dwPriority;
} NTMS_LIBREQUESTINFORMATIONW;

/* Operator request (NTMS_OPREQUEST) */
typedef struct _NTMS_OPREQUESTINFORMATIONA {
    DWORD Request;              /* NtmsOpreqCommand */
    SYSTEMTIME Submitted;
    DWORD State;                /* NtmsOpreqState */
    CHAR szMessage[NTMS_MESSAGE_LENGTH];
    DWORD Arg1Type;
    NTMS_GUID Arg1;
    DWORD Arg2Type;
    NTMS_GUID Arg2;
    CHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    CHAR szUser[NTMS_USERNAME_LENGTH];
    CHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_OPREQUESTINFORMATIONA;

typedef struct _NTMS_OPREQUESTINFORMATIONW {
    DWORD Request;              /* NtmsOpreqCommand */
    SYSTEMTIME Submitted;
    DWORD State;                /* NtmsOpreqState */
    WCHAR szMessage[NTMS_MESSAGE_LENGTH];
    DWORD Arg1Type;
    NTMS_GUID Arg1;
    DWORD Arg2Type;
    NTMS_GUID Arg2;
    WCHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    WCHAR szUser[NTMS_USERNAME_LENGTH];
    WCHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_OPREQUESTINFORMATIONW;

/* Computer (NTMS_COMPUTER) */
typedef struct _NTMS_COMPUTERINFORMATION {
    DWORD dwLibRequestPurgeTime;
    DWORD dwOpRequestPurgeTime;
    DWORD dwLibRequestFlags;    /* NtmsLibRequestFlags */
    DWORD dwOpRequestFlags;     /* NtmsOpRequestFlags */
    DWORD dwMediaPoolPolicy;    /* NtmsMediaPoolPolicy */
} NTMS_COMPUTERINFORMATION;

/* Operator-request message as delivered to user-interface destinations. */
typedef struct _RSM_MESSAGE {
    LPGUID lpguidOperation;
    DWORD dwNtmsType;
    DWORD dwState;
    DWORD dwFlags;
    DWORD dwPriority;
    DWORD dwErrorCode;
    LPWSTR lpszComputerName;
    LPWSTR lpszApplication;
    LPWSTR lpszUser;
    LPWSTR lpszTimeSubmitted;
    LPWSTR lpszMessage;
} RSM_MESSAGE, *LPRSM_MESSAGE;

/*
 * Generic object information (Get/SetNtmsObjectInformation, CreateNtmsMedia).
 * The caller sets dwSize to sizeof the structure and dwType to the object
 * type; Info holds the member selected by dwType.
 */
typedef struct _NTMS_OBJECTINFORMATIONA {
    DWORD dwSize;
    DWORD dwType;               /* NtmsObjectsTypes */
    SYSTEMTIME Created;
    SYSTEMTIME Modified;
    NTMS_GUID ObjectGuid;
    BOOL Enabled;
    DWORD dwOperationalState;   /* NtmsOperationalState */
    CHAR szName[NTMS_OBJECTNAME_LENGTH];
    CHAR szDescription[NTMS_DESCRIPTION_LENGTH];
    union {
        NTMS_DRIVEINFORMATIONA Drive;
        NTMS_DRIVETYPEINFORMATIONA DriveType;
        NTMS_LIBRARYINFORMATION Library;
        NTMS_CHANGERINFORMATIONA Changer;
        NTMS_CHANGERTYPEINFORMATIONA ChangerType;
        NTMS_STORAGESLOTINFORMATION StorageSlot;
        NTMS_IEDOORINFORMATION IEDoor;
        NTMS_IEPORTINFORMATION IEPort;
        NTMS_PMIDINFORMATIONA PhysicalMedia;
        NTMS_LMIDINFORMATION LogicalMedia;
        NTMS_PARTITIONINFORMATIONA Partition;
        NTMS_MEDIAPOOLINFORMATION MediaPool;
        NTMS_MEDIATYPEINFORMATION MediaType;
        NTMS_LIBREQUESTINFORMATIONA LibRequest;
        NTMS_OPREQUESTINFORMATIONA OpRequest;
        NTMS_COMPUTERINFORMATION Computer;
    } Info;
} NTMS_OBJECTINFORMATIONA, *LPNTMS_OBJECTINFORMATIONA;

typedef struct _NTMS_OBJECTINFORMATIONW {
    DWORD dwSize;
    DWORD dwType;               /* NtmsObjectsTypes */
    SYSTEMTIME Created;
    SYSTEMTIME Modified;
    NTMS_GUID ObjectGuid;
    BOOL Enabled;
    DWORD dwOperationalState;   /* NtmsOperationalState */
    WCHAR szName[NTMS_OBJECTNAME_LENGTH];
    WCHAR szDescription[NTMS_DESCRIPTION_LENGTH];
    union {
        NTMS_DRIVEINFORMATIONW Drive;
        NTMS_DRIVETYPEINFORMATIONW DriveType;
        NTMS_LIBRARYINFORMATION Library;
        NTMS_CHANGERINFORMATIONW Changer;
        NTMS_CHANGERTYPEINFORMATIONW ChangerType;
        NTMS_STORAGESLOTINFORMATION StorageSlot;
        NTMS_IEDOORINFORMATION IEDoor;
        NTMS_IEPORTINFORMATION IEPort;
        NTMS_PMIDINFORMATIONW PhysicalMedia;
        NTMS_LMIDINFORMATION LogicalMedia;
        NTMS_PARTITIONINFORMATIONW Partition;
        NTMS_MEDIAPOOLINFORMATION MediaPool;
        NTMS_MEDIATYPEINFORMATION MediaType;
        NTMS_LIBREQUESTINFORMATIONW LibRequest;
        NTMS_OPREQUESTINFORMATIONW OpRequest;
        NTMS_COMPUTERINFORMATION Computer;
    } Info;
} NTMS_OBJECTINFORMATIONW, *LPNTMS_OBJECTINFORMATIONW;

/*
 * Version-1 ("I1") structures: the shorter layouts of the first RSM
 * interface (INtms*1 in MS-RSMP), kept for wire compatibility.
 */
typedef struct _NTMS_I1_LIBRARYINFORMATION {
    DWORD LibraryType;
    NTMS_GUID CleanerSlot;
    NTMS_GUID CleanerSlotDefault;
    BOOL LibrarySupportsDriveCleaning;
    BOOL BarCodeReaderInstalled;
    DWORD InventoryMethod;
    DWORD dwCleanerUsesRemaining;
    DWORD FirstDriveNumber;
    DWORD dwNumberOfDrives;
    DWORD FirstSlotNumber;
    DWORD dwNumberOfSlots;
    DWORD FirstDoorNumber;
    DWORD dwNumberOfDoors;
    DWORD FirstPortNumber;
    DWORD dwNumberOfPorts;
    DWORD FirstChangerNumber;
    DWORD dwNumberOfChangers;
    DWORD dwNumberOfMedia;
    DWORD dwNumberOfMediaTypes;
    DWORD dwNumberOfLibRequests;
    GUID Reserved;
} NTMS_I1_LIBRARYINFORMATION;

typedef struct _NTMS_I1_LIBREQUESTINFORMATIONA {
    DWORD OperationCode;
    DWORD OperationOption;
    DWORD State;
    NTMS_GUID PartitionId;
    NTMS_GUID DriveId;
    NTMS_GUID PhysMediaId;
    NTMS_GUID Library;
    NTMS_GUID SlotId;
    SYSTEMTIME TimeQueued;
    SYSTEMTIME TimeCompleted;
    CHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    CHAR szUser[NTMS_USERNAME_LENGTH];
    CHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_I1_LIBREQUESTINFORMATIONA;

typedef struct _NTMS_I1_LIBREQUESTINFORMATIONW {
    DWORD OperationCode;
    DWORD OperationOption;
    DWORD State;
    NTMS_GUID PartitionId;
    NTMS_GUID DriveId;
    NTMS_GUID PhysMediaId;
    NTMS_GUID Library;
    NTMS_GUID SlotId;
    SYSTEMTIME TimeQueued;
    SYSTEMTIME TimeCompleted;
    WCHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    WCHAR szUser[NTMS_USERNAME_LENGTH];
    WCHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_I1_LIBREQUESTINFORMATIONW;

typedef struct _NTMS_I1_PMIDINFORMATIONA {
    NTMS_GUID CurrentLibrary;
    NTMS_GUID MediaPool;
    NTMS_GUID Location;
    DWORD LocationType;
    NTMS_GUID MediaType;
    NTMS_GUID HomeSlot;
    CHAR szBarCode[NTMS_BARCODE_LENGTH];
    DWORD BarCodeState;
    CHAR szSequenceNumber[NTMS_SEQUENCE_LENGTH];
    DWORD MediaState;
    DWORD dwNumberOfPartitions;
} NTMS_I1_PMIDINFORMATIONA;

typedef struct _NTMS_I1_PMIDINFORMATIONW {
    NTMS_GUID CurrentLibrary;
    NTMS_GUID MediaPool;
    NTMS_GUID Location;
    DWORD LocationType;
    NTMS_GUID MediaType;
    NTMS_GUID HomeSlot;
    WCHAR szBarCode[NTMS_BARCODE_LENGTH];
    DWORD BarCodeState;
    WCHAR szSequenceNumber[NTMS_SEQUENCE_LENGTH];
    DWORD MediaState;
    DWORD dwNumberOfPartitions;
} NTMS_I1_PMIDINFORMATIONW;

typedef struct _NTMS_I1_PARTITIONINFORMATIONA {
    NTMS_GUID PhysicalMedia;
    NTMS_GUID LogicalMedia;
    DWORD State;
    WORD Side;
    DWORD dwOmidLabelIdLength;
    BYTE OmidLabelId[NTMS_OMIDLABELID_LENGTH];
    CHAR szOmidLabelType[NTMS_OMIDLABELTYPE_LENGTH];
    CHAR szOmidLabelInfo[NTMS_OMIDLABELINFO_LENGTH];
    DWORD dwMountCount;
    DWORD dwAllocateCount;
} NTMS_I1_PARTITIONINFORMATIONA;

typedef struct _NTMS_I1_PARTITIONINFORMATIONW {
    NTMS_GUID PhysicalMedia;
    NTMS_GUID LogicalMedia;
    DWORD State;
    WORD Side;
    DWORD dwOmidLabelIdLength;
    BYTE OmidLabelId[NTMS_OMIDLABELID_LENGTH];
    WCHAR szOmidLabelType[NTMS_OMIDLABELTYPE_LENGTH];
    WCHAR szOmidLabelInfo[NTMS_OMIDLABELINFO_LENGTH];
    DWORD dwMountCount;
    DWORD dwAllocateCount;
} NTMS_I1_PARTITIONINFORMATIONW;

typedef struct _NTMS_I1_OPREQUESTINFORMATIONA {
    DWORD Request;
    SYSTEMTIME Submitted;
    DWORD State;
    CHAR szMessage[NTMS_I1_MESSAGE_LENGTH];
    DWORD Arg1Type;
    NTMS_GUID Arg1;
    DWORD Arg2Type;
    NTMS_GUID Arg2;
    CHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    CHAR szUser[NTMS_USERNAME_LENGTH];
    CHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_I1_OPREQUESTINFORMATIONA;

typedef struct _NTMS_I1_OPREQUESTINFORMATIONW {
    DWORD Request;
    SYSTEMTIME Submitted;
    DWORD State;
    WCHAR szMessage[NTMS_I1_MESSAGE_LENGTH];
    DWORD Arg1Type;
    NTMS_GUID Arg1;
    DWORD Arg2Type;
    NTMS_GUID Arg2;
    WCHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    WCHAR szUser[NTMS_USERNAME_LENGTH];
    WCHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_I1_OPREQUESTINFORMATIONW;

typedef struct _NTMS_I1_OBJECTINFORMATIONA {
    DWORD dwSize;
    DWORD dwType;
    SYSTEMTIME Created;
    SYSTEMTIME Modified;
    NTMS_GUID ObjectGuid;
    BOOL Enabled;
    DWORD dwOperationalState;
    CHAR szName[NTMS_OBJECTNAME_LENGTH];
    CHAR szDescription[NTMS_DESCRIPTION_LENGTH];
    union {
        NTMS_DRIVEINFORMATIONA Drive;
        NTMS_DRIVETYPEINFORMATIONA DriveType;
        NTMS_I1_LIBRARYINFORMATION Library;
        NTMS_CHANGERINFORMATIONA Changer;
        NTMS_CHANGERTYPEINFORMATIONA ChangerType;
        NTMS_STORAGESLOTINFORMATION StorageSlot;
        NTMS_IEDOORINFORMATION IEDoor;
        NTMS_IEPORTINFORMATION IEPort;
        NTMS_I1_PMIDINFORMATIONA PhysicalMedia;
        NTMS_LMIDINFORMATION LogicalMedia;
        NTMS_I1_PARTITIONINFORMATIONA Partition;
        NTMS_MEDIAPOOLINFORMATION MediaPool;
        NTMS_MEDIATYPEINFORMATION MediaType;
        NTMS_I1_LIBREQUESTINFORMATIONA LibRequest;
        NTMS_I1_OPREQUESTINFORMATIONA OpRequest;
    } Info;
} NTMS_I1_OBJECTINFORMATIONA, *LPNTMS_I1_OBJECTINFORMATIONA;

typedef struct _NTMS_I1_OBJECTINFORMATIONW {
    DWORD dwSize;
    DWORD dwType;
    SYSTEMTIME Created;
    SYSTEMTIME Modified;
    NTMS_GUID ObjectGuid;
    BOOL Enabled;
    DWORD dwOperationalState;
    WCHAR szName[NTMS_OBJECTNAME_LENGTH];
    WCHAR szDescription[NTMS_DESCRIPTION_LENGTH];
    union {
        NTMS_DRIVEINFORMATIONW Drive;
        NTMS_DRIVETYPEINFORMATIONW DriveType;
        NTMS_I1_LIBRARYINFORMATION Library;
        NTMS_CHANGERINFORMATIONW Changer;
        NTMS_CHANGERTYPEINFORMATIONW ChangerType;
        NTMS_STORAGESLOTINFORMATION StorageSlot;
        NTMS_IEDOORINFORMATION IEDoor;
        NTMS_IEPORTINFORMATION IEPort;
        NTMS_I1_PMIDINFORMATIONW PhysicalMedia;
        NTMS_LMIDINFORMATION LogicalMedia;
        NTMS_I1_PARTITIONINFORMATIONW Partition;
        NTMS_MEDIAPOOLINFORMATION MediaPool;
        NTMS_MEDIATYPEINFORMATION MediaType;
        NTMS_I1_LIBREQUESTINFORMATIONW LibRequest;
        NTMS_I1_OPREQUESTINFORMATIONW OpRequest;
    } Info;
} NTMS_I1_OBJECTINFORMATIONW, *LPNTMS_I1_OBJECTINFORMATIONW;

/* Generic structure names: W forms under UNICODE, A forms otherwise. */
#ifdef UNICODE
typedef NTMS_DRIVEINFORMATIONW NTMS_DRIVEINFORMATION;
typedef NTMS_DRIVETYPEINFORMATIONW NTMS_DRIVETYPEINFORMATION;
typedef NTMS_CHANGERINFORMATIONW NTMS_CHANGERINFORMATION;
typedef NTMS_CHANGERTYPEINFORMATIONW NTMS_CHANGERTYPEINFORMATION;
typedef NTMS_PMIDINFORMATIONW NTMS_PMIDINFORMATION;
typedef NTMS_PARTITIONINFORMATIONW NTMS_PARTITIONINFORMATION;
typedef NTMS_LIBREQUESTINFORMATIONW NTMS_LIBREQUESTINFORMATION;
typedef NTMS_OPREQUESTINFORMATIONW NTMS_OPREQUESTINFORMATION;
typedef NTMS_OBJECTINFORMATIONW NTMS_OBJECTINFORMATION;
typedef LPNTMS_OBJECTINFORMATIONW LPNTMS_OBJECTINFORMATION;
typedef NTMS_I1_LIBREQUESTINFORMATIONW NTMS_I1_LIBREQUESTINFORMATION;
typedef NTMS_I1_PMIDINFORMATIONW NTMS_I1_PMIDINFORMATION;
typedef NTMS_I1_PARTITIONINFORMATIONW NTMS_I1_PARTITIONINFORMATION;
typedef NTMS_I1_OPREQUESTINFORMATIONW NTMS_I1_OPREQUESTINFORMATION;
typedef NTMS_I1_OBJECTINFORMATIONW NTMS_I1_OBJECTINFORMATION;
typedef LPNTMS_I1_OBJECTINFORMATIONW LPNTMS_I1_OBJECTINFORMATION;
#else
typedef NTMS_DRIVEINFORMATIONA NTMS_DRIVEINFORMATION;
typedef NTMS_DRIVETYPEINFORMATIONA NTMS_DRIVETYPEINFORMATION;
typedef NTMS_CHANGERINFORMATIONA NTMS_CHANGERINFORMATION;
typedef NTMS_CHANGERTYPEINFORMATIONA NTMS_CHANGERTYPEINFORMATION;
typedef NTMS_PMIDINFORMATIONA NTMS_PMIDINFORMATION;
typedef NTMS_PARTITIONINFORMATIONA NTMS_PARTITIONINFORMATION;
typedef NTMS_LIBREQUESTINFORMATIONA NTMS_LIBREQUESTINFORMATION;
typedef NTMS_OPREQUESTINFORMATIONA NTMS_OPREQUESTINFORMATION;
typedef NTMS_OBJECTINFORMATIONA NTMS_OBJECTINFORMATION;
typedef LPNTMS_OBJECTINFORMATIONA LPNTMS_OBJECTINFORMATION;
typedef NTMS_I1_LIBREQUESTINFORMATIONA NTMS_I1_LIBREQUESTINFORMATION;
typedef NTMS_I1_PMIDINFORMATIONA NTMS_I1_PMIDINFORMATION;
typedef NTMS_I1_PARTITIONINFORMATIONA NTMS_I1_PARTITIONINFORMATION;
typedef NTMS_I1_OPREQUESTINFORMATIONA NTMS_I1_OPREQUESTINFORMATION;
typedef NTMS_I1_OBJECTINFORMATIONA NTMS_I1_OBJECTINFORMATION;
typedef LPNTMS_I1_OBJECTINFORMATIONA LPNTMS_I1_OBJECTINFORMATION;
#endif

/* ======================================================================
 * Functions
 *
 * One declaration per exported symbol. Every declaration below is on one
 * line in the form "<type> WINAPI <Name>(" (tests/unit/api_status_test.cc
 * parses it that way).
 * ====================================================================== */

/* --- Sessions ----------------------------------------------------------
 * OpenNtmsSession connects to the RSM server lpServer (NULL: local) as
 * application lpApplication; returns INVALID_HANDLE_VALUE on failure.
 * CloseNtmsSession releases the session and cancels its outstanding
 * synchronous requests. */
HANDLE WINAPI OpenNtmsSessionA(LPCSTR lpServer, LPCSTR lpApplication, DWORD dwOptions);
HANDLE WINAPI OpenNtmsSessionW(LPCWSTR lpServer, LPCWSTR lpApplication, DWORD dwOptions);
DWORD WINAPI CloseNtmsSession(HANDLE hSession);

/* --- Mounting ----------------------------------------------------------
 * MountNtmsMedia mounts dwCount media (lpMediaId[i]) in drives
 * (lpDriveId[i], in/out) and waits up to dwTimeout ms (unless
 * NTMS_MOUNT_NOWAIT). lpMountInformation is reserved: pass NULL.
 * DismountNtmsMedia returns once the dismounts are queued. */
DWORD WINAPI MountNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpDriveId, DWORD dwCount, DWORD dwOptions, int dwPriority, DWORD dwTimeout, LPNTMS_MOUNT_INFORMATION lpMountInformation);
DWORD WINAPI DismountNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, DWORD dwCount, DWORD dwOptions);

/* --- Media allocation and life cycle ----------------------------------- */
DWORD WINAPI AllocateNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaPool, LPNTMS_GUID lpPartition, LPNTMS_GUID lpMediaId, DWORD dwOptions, DWORD dwTimeout, LPNTMS_ALLOCATION_INFORMATION lpAllocateInformation);
DWORD WINAPI DeallocateNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, DWORD dwOptions);
DWORD WINAPI SwapNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId1, LPNTMS_GUID lpMediaId2);
DWORD WINAPI DecommissionNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId);
DWORD WINAPI SetNtmsMediaComplete(HANDLE hSession, LPNTMS_GUID lpMediaId);
DWORD WINAPI DeleteNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId);
DWORD WINAPI CreateNtmsMediaA(HANDLE hSession, LPNTMS_OBJECTINFORMATIONA lpMedia, LPNTMS_OBJECTINFORMATIONA lpList, DWORD dwOptions);
DWORD WINAPI CreateNtmsMediaW(HANDLE hSession, LPNTMS_OBJECTINFORMATIONW lpMedia, LPNTMS_OBJECTINFORMATIONW lpList, DWORD dwOptions);
DWORD WINAPI UpdateNtmsOmidInfo(HANDLE hSession, LPNTMS_GUID lpMediaId, DWORD labelType, DWORD numberOfBytes, LPVOID lpBuffer);

/* --- Media types ------------------------------------------------------- */
DWORD WINAPI AddNtmsMediaType(HANDLE hSession, LPNTMS_GUID lpMediaTypeId, LPNTMS_GUID lpLibId);
DWORD WINAPI DeleteNtmsMediaType(HANDLE hSession, LPNTMS_GUID lpMediaTypeId, LPNTMS_GUID lpLibId);
DWORD WINAPI ChangeNtmsMediaType(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpPoolId);

/* --- Media pools -------------------------------------------------------
 * GetNtmsMediaPoolName: *lpdwBufSize is the buffer size in characters on
 * input and the size needed on ERROR_INSUFFICIENT_BUFFER. */
DWORD WINAPI CreateNtmsMediaPoolA(HANDLE hSession, LPCSTR lpPoolName, LPNTMS_GUID lpMediaType, DWORD dwAction, LPSECURITY_ATTRIBUTES lpSecurityAttributes, LPNTMS_GUID lpPoolId);
DWORD WINAPI CreateNtmsMediaPoolW(HANDLE hSession, LPCWSTR lpPoolName, LPNTMS_GUID lpMediaType, DWORD dwAction, LPSECURITY_ATTRIBUTES lpSecurityAttributes, LPNTMS_GUID lpPoolId);
DWORD WINAPI GetNtmsMediaPoolNameA(HANDLE hSession, LPNTMS_GUID lpPoolId, LPSTR lpNameBuf, LPDWORD lpdwBufSize);
DWORD WINAPI GetNtmsMediaPoolNameW(HANDLE hSession, LPNTMS_GUID lpPoolId, LPWSTR lpNameBuf, LPDWORD lpdwBufSize);
DWORD WINAPI MoveToNtmsMediaPool(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpPoolId);
DWORD WINAPI DeleteNtmsMediaPool(HANDLE hSession, LPNTMS_GUID lpPoolId);

/* --- Objects -----------------------------------------------------------
 * EnumerateNtmsObject: *lpdwListSize is the capacity of lpList (in GUIDs)
 * on input and the count on output (the count needed on
 * ERROR_INSUFFICIENT_BUFFER). Enable/DisableNtmsObject only queue the
 * change. */
DWORD WINAPI EnumerateNtmsObject(HANDLE hSession, const LPNTMS_GUID lpContainerId, LPNTMS_GUID lpList, LPDWORD lpdwListSize, DWORD dwType, DWORD dwOptions);
DWORD WINAPI GetNtmsObjectInformationA(HANDLE hSession, LPNTMS_GUID lpObjectId, LPNTMS_OBJECTINFORMATIONA lpInfo);
DWORD WINAPI GetNtmsObjectInformationW(HANDLE hSession, LPNTMS_GUID lpObjectId, LPNTMS_OBJECTINFORMATIONW lpInfo);
DWORD WINAPI SetNtmsObjectInformationA(HANDLE hSession, LPNTMS_GUID lpObjectId, LPNTMS_OBJECTINFORMATIONA lpInfo);
DWORD WINAPI SetNtmsObjectInformationW(HANDLE hSession, LPNTMS_GUID lpObjectId, LPNTMS_OBJECTINFORMATIONW lpInfo);
DWORD WINAPI EnableNtmsObject(HANDLE hSession, DWORD dwType, LPNTMS_GUID lpObjectId);
DWORD WINAPI DisableNtmsObject(HANDLE hSession, DWORD dwType, LPNTMS_GUID lpObjectId);
DWORD WINAPI GetNtmsObjectAttributeA(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType, LPCSTR lpAttributeName, LPVOID lpAttributeData, LPDWORD lpAttributeSize);
DWORD WINAPI GetNtmsObjectAttributeW(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType, LPCWSTR lpAttributeName, LPVOID lpAttributeData, LPDWORD lpAttributeSize);
DWORD WINAPI SetNtmsObjectAttributeA(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType, LPCSTR lpAttributeName, LPVOID lpAttributeData, DWORD dwAttributeSize);
DWORD WINAPI SetNtmsObjectAttributeW(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType, LPCWSTR lpAttributeName, LPVOID lpAttributeData, DWORD AttributeSize);
DWORD WINAPI GetNtmsObjectSecurity(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType, SECURITY_INFORMATION RequestedInformation, PSECURITY_DESCRIPTOR lpSecurityDescriptor, DWORD nLength, LPDWORD lpnLengthNeeded);
DWORD WINAPI SetNtmsObjectSecurity(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType, SECURITY_INFORMATION SecurityInformation, PSECURITY_DESCRIPTOR lpSecurityDescriptor);

/* --- Libraries, drives and slots ---------------------------------------
 * These queue a library request and return once it is queued. */
DWORD WINAPI EjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpEjectOperation, DWORD dwAction);
DWORD WINAPI InjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpLibraryId, LPNTMS_GUID lpInjectOperation, DWORD dwAction);
DWORD WINAPI AccessNtmsLibraryDoor(HANDLE hSession, LPNTMS_GUID lpLibraryId, DWORD dwAction);
DWORD WINAPI CleanNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId);
DWORD WINAPI DismountNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId);
DWORD WINAPI InventoryNtmsLibrary(HANDLE hSession, LPNTMS_GUID lpLibraryId, DWORD dwAction);
DWORD WINAPI IdentifyNtmsSlot(HANDLE hSession, LPNTMS_GUID lpSlotId, DWORD dwOption);
DWORD WINAPI DeleteNtmsLibrary(HANDLE hSession, LPNTMS_GUID lpLibraryId);
DWORD WINAPI DeleteNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId);

/* --- Cleaner cartridges ------------------------------------------------ */
DWORD WINAPI ReserveNtmsCleanerSlot(HANDLE hSession, LPNTMS_GUID lpLibrary, LPNTMS_GUID lpSlot);
DWORD WINAPI ReleaseNtmsCleanerSlot(HANDLE hSession, LPNTMS_GUID lpLibrary);
DWORD WINAPI InjectNtmsCleaner(HANDLE hSession, LPNTMS_GUID lpLibrary, LPNTMS_GUID lpInjectOperation, DWORD dwNumberOfCleansLeft, DWORD dwAction);
DWORD WINAPI EjectNtmsCleaner(HANDLE hSession, LPNTMS_GUID lpLibrary, LPNTMS_GUID lpEjectOperation, DWORD dwAction);

/* --- Library requests -------------------------------------------------- */
DWORD WINAPI CancelNtmsLibraryRequest(HANDLE hSession, LPNTMS_GUID lpRequestId);
DWORD WINAPI GetNtmsRequestOrder(HANDLE hSession, LPNTMS_GUID lpRequestId, LPDWORD lpdwOrderNumber);
DWORD WINAPI SetNtmsRequestOrder(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwOrderNumber);
DWORD WINAPI DeleteNtmsRequests(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwType, DWORD dwCount);

/* --- Operator requests ------------------------------------------------- */
DWORD WINAPI SubmitNtmsOperatorRequestA(HANDLE hSession, DWORD dwRequest, LPCSTR lpMessage, LPNTMS_GUID lpArg1Id, LPNTMS_GUID lpArg2Id, LPNTMS_GUID lpRequestId);
DWORD WINAPI SubmitNtmsOperatorRequestW(HANDLE hSession, DWORD dwRequest, LPCWSTR lpMessage, LPNTMS_GUID lpArg1Id, LPNTMS_GUID lpArg2Id, LPNTMS_GUID lpRequestId);
DWORD WINAPI WaitForNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwTimeout);
DWORD WINAPI CancelNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId);
DWORD WINAPI SatisfyNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId);

/* --- User-interface destinations --------------------------------------- */
DWORD WINAPI GetNtmsUIOptionsA(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType, LPSTR lpszDestination, LPDWORD lpdwBufSize);
DWORD WINAPI GetNtmsUIOptionsW(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType, LPWSTR lpszDestination, LPDWORD lpdwBufSize);
DWORD WINAPI SetNtmsUIOptionsA(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType, DWORD dwOperation, LPCSTR lpszDestination);
DWORD WINAPI SetNtmsUIOptionsW(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType, DWORD dwOperation, LPCWSTR lpszDestination);

/* --- Notifications -----------------------------------------------------
 * OpenNtmsNotification returns a notification handle (INVALID_HANDLE_VALUE
 * on failure). */
HANDLE WINAPI OpenNtmsNotification(HANDLE hSession, DWORD dwType);
DWORD WINAPI WaitForNtmsNotification(HANDLE hNotification, LPNTMS_NOTIFICATIONINFORMATION lpNotificationInformation, DWORD dwTimeout);
DWORD WINAPI CloseNtmsNotification(HANDLE hNotification);

/* --- Device change detection ------------------------------------------- */
DWORD WINAPI BeginNtmsDeviceChangeDetection(HANDLE hSession, LPHANDLE lpDetectHandle);
DWORD WINAPI SetNtmsDeviceChangeDetection(HANDLE hSession, HANDLE DetectHandle, LPNTMS_GUID lpRequestId, DWORD dwType, DWORD dwCount);
DWORD WINAPI EndNtmsDeviceChangeDetection(HANDLE hSession, HANDLE DetectHandle);

/* --- Database ---------------------------------------------------------- */
DWORD WINAPI ExportNtmsDatabase(HANDLE hSession);
DWORD WINAPI ImportNtmsDatabase(HANDLE hSession);

/* --- Stand-alone drives ------------------------------------------------ */
DWORD WINAPI EjectDiskFromSADriveA(LPCSTR lpComputerName, LPCSTR lpAppName, LPCSTR lpDeviceName, HWND hWnd, LPCSTR lpTitle, LPCSTR lpMessage, DWORD dwOptions);
DWORD WINAPI EjectDiskFromSADriveW(LPCWSTR lpComputerName, LPCWSTR lpAppName, LPCWSTR lpDeviceName, HWND hWnd, LPCWSTR lpTitle, LPCWSTR lpMessage, DWORD dwOptions);
DWORD WINAPI GetVolumesFromDriveA(LPSTR pszDriveName, LPSTR *VolumeNameBufferPtr, LPSTR *DriveLetterBufferPtr);
DWORD WINAPI GetVolumesFromDriveW(LPWSTR pszDriveName, LPWSTR *VolumeNameBufferPtr, LPWSTR *DriveLetterBufferPtr);

/* --- OpenRSM extension -------------------------------------------------
 * Linux has no GetLastError(). OpenNtmsSessionA/W return INVALID_HANDLE_VALUE
 * on failure; this returns the Win32 code of the calling thread's last
 * OpenNtmsSession failure (ERROR_SUCCESS after a successful open). */
DWORD OpenRsmGetLastError(void);

/* ======================================================================
 * Generic function names (W forms under UNICODE, A forms otherwise)
 * ====================================================================== */

#ifdef UNICODE
#define OpenNtmsSession OpenNtmsSessionW
#define CreateNtmsMedia CreateNtmsMediaW
#define CreateNtmsMediaPool CreateNtmsMediaPoolW
#define GetNtmsMediaPoolName GetNtmsMediaPoolNameW
#define GetNtmsObjectInformation GetNtmsObjectInformationW
#define SetNtmsObjectInformation SetNtmsObjectInformationW
#define GetNtmsObjectAttribute GetNtmsObjectAttributeW
#define SetNtmsObjectAttribute SetNtmsObjectAttributeW
#define GetNtmsUIOptions GetNtmsUIOptionsW
#define SetNtmsUIOptions SetNtmsUIOptionsW
#define SubmitNtmsOperatorRequest SubmitNtmsOperatorRequestW
#define EjectDiskFromSADrive EjectDiskFromSADriveW
#define GetVolumesFromDrive GetVolumesFromDriveW
#else
#define OpenNtmsSession OpenNtmsSessionA
#define CreateNtmsMedia CreateNtmsMediaA
#define CreateNtmsMediaPool CreateNtmsMediaPoolA
#define GetNtmsMediaPoolName GetNtmsMediaPoolNameA
#define GetNtmsObjectInformation GetNtmsObjectInformationA
#define SetNtmsObjectInformation SetNtmsObjectInformationA
#define GetNtmsObjectAttribute GetNtmsObjectAttributeA
#define SetNtmsObjectAttribute SetNtmsObjectAttributeA
#define GetNtmsUIOptions GetNtmsUIOptionsA
#define SetNtmsUIOptions SetNtmsUIOptionsA
#define SubmitNtmsOperatorRequest SubmitNtmsOperatorRequestA
#define EjectDiskFromSADrive EjectDiskFromSADriveA
#define GetVolumesFromDrive GetVolumesFromDriveA
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* OPENRSM_NTMSAPI_H */
