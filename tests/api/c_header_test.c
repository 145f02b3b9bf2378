/*
 * c_header_test.c - ntmsapi.h must compile as plain C99 (with -pedantic)
 * and carry Windows' values and layouts. Checks are compile-time: a false
 * condition declares an array of negative size.
 */
#include "ntmsapi.h"

#define OPENRSM_CHECK(name, cond) typedef char openrsm_check_##name[(cond) ? 1 : -1]

/* Base types */
OPENRSM_CHECK(dword_size, sizeof(DWORD) == 4);
OPENRSM_CHECK(word_size, sizeof(WORD) == 2);
OPENRSM_CHECK(bool_size, sizeof(BOOL) == 4);
OPENRSM_CHECK(wchar_size, sizeof(WCHAR) == 2);
OPENRSM_CHECK(guid_size, sizeof(NTMS_GUID) == 16);
OPENRSM_CHECK(systemtime_size, sizeof(SYSTEMTIME) == 16);
OPENRSM_CHECK(large_integer_size, sizeof(LARGE_INTEGER) == 8);
OPENRSM_CHECK(handle_size, sizeof(HANDLE) == sizeof(void*));

/* Error codes (winerror.h values) */
OPENRSM_CHECK(error_success, ERROR_SUCCESS == 0);
OPENRSM_CHECK(error_invalid_drive, ERROR_INVALID_DRIVE == 15);
OPENRSM_CHECK(error_not_supported, ERROR_NOT_SUPPORTED == 50);
OPENRSM_CHECK(error_invalid_parameter, ERROR_INVALID_PARAMETER == 87);
OPENRSM_CHECK(error_insufficient_buffer, ERROR_INSUFFICIENT_BUFFER == 122);
OPENRSM_CHECK(error_timeout, ERROR_TIMEOUT == 1460);
OPENRSM_CHECK(error_invalid_media, ERROR_INVALID_MEDIA == 4300);
OPENRSM_CHECK(error_object_not_found, ERROR_OBJECT_NOT_FOUND == 4312);
OPENRSM_CHECK(error_database_failure, ERROR_DATABASE_FAILURE == 4313);
OPENRSM_CHECK(error_device_not_available, ERROR_DEVICE_NOT_AVAILABLE == 4319);
OPENRSM_CHECK(error_resource_not_available, ERROR_RESOURCE_NOT_AVAILABLE == 5006);
OPENRSM_CHECK(error_invalid_state, ERROR_INVALID_STATE == 5023);

/* Enumerations and constants */
OPENRSM_CHECK(ntms_drive, NTMS_DRIVE == 5);
OPENRSM_CHECK(ntms_library, NTMS_LIBRARY == 9);
OPENRSM_CHECK(ntms_ui_destination, NTMS_UI_DESTINATION == 18);
OPENRSM_CHECK(ntms_number_of_object_types, NTMS_NUMBER_OF_OBJECT_TYPES == 19);
OPENRSM_CHECK(ntms_drivestate_dismountable, NTMS_DRIVESTATE_DISMOUNTABLE == 7);
OPENRSM_CHECK(ntms_partstate_reserved, NTMS_PARTSTATE_RESERVED == 9);
OPENRSM_CHECK(ntms_lm_cancelled, NTMS_LM_CANCELLED == 7);
OPENRSM_CHECK(ntms_mount_nowait, NTMS_MOUNT_NOWAIT == 0x20);
OPENRSM_CHECK(ntms_priority_lowest, NTMS_PRIORITY_LOWEST == -15);
OPENRSM_CHECK(ntms_pooltype_application, NTMS_POOLTYPE_APPLICATION == 1000);
OPENRSM_CHECK(ntms_control_access, NTMS_CONTROL_ACCESS == 3); /* MS-RSMP 2.2.1.12 */
OPENRSM_CHECK(ntms_objectname_length, NTMS_OBJECTNAME_LENGTH == 64);
OPENRSM_CHECK(ntms_description_length, NTMS_DESCRIPTION_LENGTH == 127);

/* Structure layouts: sizes of the Windows SDK layout on 64-bit targets
 * (computed from the mingw-w64 ntmsapi.h definitions with a 2-byte WCHAR). */
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
OPENRSM_CHECK(objectinformationw_size, sizeof(NTMS_OBJECTINFORMATIONW) == 1408);
OPENRSM_CHECK(objectinformationa_size, sizeof(NTMS_OBJECTINFORMATIONA) == 896);
OPENRSM_CHECK(objectinformationw_info, offsetof(NTMS_OBJECTINFORMATIONW, Info) == 448);
OPENRSM_CHECK(driveinformationw_size, sizeof(NTMS_DRIVEINFORMATIONW) == 360);
OPENRSM_CHECK(partitioninformationw_size, sizeof(NTMS_PARTITIONINFORMATIONW) == 960);
OPENRSM_CHECK(librequestinformationw_size, sizeof(NTMS_LIBREQUESTINFORMATIONW) == 532);
OPENRSM_CHECK(opreqinformationw_size, sizeof(NTMS_OPREQUESTINFORMATIONW) == 960);
OPENRSM_CHECK(mount_information_size, sizeof(NTMS_MOUNT_INFORMATION) == 16);
OPENRSM_CHECK(allocation_information_size, sizeof(NTMS_ALLOCATION_INFORMATION) == 32);
OPENRSM_CHECK(notificationinformation_size, sizeof(NTMS_NOTIFICATIONINFORMATION) == 20);
#endif

int main(void) {
  /* Use a few declarations so the checks above are not the only code. */
  NTMS_GUID id = NTMS_NULLGUID;
  NTMS_OBJECTINFORMATIONW info;
  info.dwSize = (DWORD)sizeof info;
  info.dwType = NTMS_DRIVE;
  return NTMS_IS_NULLGUID(id) && info.dwType == 5 ? 0 : 1;
}
