/* api_probe: one ntmsapi.h call from a separate process, so tests can make
 * it as another user (an unprivileged uid) or another process.
 * Usage: api_probe CALL [ARGS...]; prints the call's DWORD result.
 *   dismount-drive GUID | inventory GUID | disable TYPE GUID | enable TYPE GUID
 *   mount GUID | dismount-media GUID | getinfo GUID | cancel GUID | open
 *   eject GUID (NTMS_EJECT_START) | inject GUID (NTMS_INJECT_START)
 *   decommission GUID | delete-media GUID
 *   sessions N          opens N more sessions (kept open): the first failure's code, or 0
 *   nowait-mounts N GUID  N MountNtmsMedia(NTMS_MOUNT_NOWAIT) of GUID: the first failure's code, or 0
 *   pool-create NAME    CreateNtmsMediaPoolA(NAME, no media type, NTMS_OPEN_ALWAYS)
 *   pool-move MEDIA POOL | pool-delete GUID | pool-name GUID (GetNtmsMediaPoolNameA)
 *   pool-set GUID       SetNtmsObjectInformationA of the pool with a new description
 * Plain C99 against the public header only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntmsapi.h"

static int ParseGuid(const char* s, NTMS_GUID* g) {
  unsigned int d[11];
  if (sscanf(s, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &d[0], &d[1], &d[2], &d[3], &d[4], &d[5], &d[6], &d[7], &d[8],
             &d[9], &d[10]) != 11)
    return 0;
  g->Data1 = d[0];
  g->Data2 = (WORD)d[1];
  g->Data3 = (WORD)d[2];
  for (int i = 0; i < 8; ++i) g->Data4[i] = (BYTE)d[3 + i];
  return 1;
}

int main(int argc, char** argv) {
  HANDLE h;
  NTMS_GUID id, drive;
  DWORD rc;
  if (argc < 2) return 2;
  h = OpenNtmsSessionA(NULL, "api_probe", 0);
  if (h == INVALID_HANDLE_VALUE) {
    printf("%lu\n", (unsigned long)OpenRsmGetLastError());
    return 0;
  }
  if (strcmp(argv[1], "open") == 0) {
    rc = ERROR_SUCCESS;
  } else if (strcmp(argv[1], "sessions") == 0 && argc == 3) {
    int i, n = atoi(argv[2]);
    rc = ERROR_SUCCESS;
    for (i = 0; i < n && rc == ERROR_SUCCESS; ++i)
      if (OpenNtmsSessionA(NULL, "api_probe", 0) == INVALID_HANDLE_VALUE) rc = OpenRsmGetLastError();
  } else if (strcmp(argv[1], "nowait-mounts") == 0 && argc == 4 && ParseGuid(argv[3], &id)) {
    int i, n = atoi(argv[2]);
    rc = ERROR_SUCCESS;
    for (i = 0; i < n && rc == ERROR_SUCCESS; ++i) {
      memset(&drive, 0, sizeof drive);
      rc = MountNtmsMedia(h, &id, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT, NTMS_PRIORITY_NORMAL, INFINITE, NULL);
    }
  } else if (strcmp(argv[1], "pool-create") == 0 && argc == 3) {
    rc = CreateNtmsMediaPoolA(h, argv[2], NULL, NTMS_OPEN_ALWAYS, NULL, &id);
  } else if (strcmp(argv[1], "pool-move") == 0 && argc == 4 && ParseGuid(argv[2], &drive) && ParseGuid(argv[3], &id)) {
    rc = MoveToNtmsMediaPool(h, &drive, &id); /* drive: the media id here */
  } else if (argc >= 3 && ParseGuid(argv[argc - 1], &id)) {
    if (strcmp(argv[1], "dismount-drive") == 0) {
      rc = DismountNtmsDrive(h, &id);
    } else if (strcmp(argv[1], "inventory") == 0) {
      rc = InventoryNtmsLibrary(h, &id, NTMS_INVENTORY_DEFAULT);
    } else if (strcmp(argv[1], "disable") == 0 && argc == 4) {
      rc = DisableNtmsObject(h, (DWORD)atoi(argv[2]), &id);
    } else if (strcmp(argv[1], "enable") == 0 && argc == 4) {
      rc = EnableNtmsObject(h, (DWORD)atoi(argv[2]), &id);
    } else if (strcmp(argv[1], "mount") == 0) {
      memset(&drive, 0, sizeof drive);
      rc = MountNtmsMedia(h, &id, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 10000, NULL);
    } else if (strcmp(argv[1], "dismount-media") == 0) {
      rc = DismountNtmsMedia(h, &id, 1, NTMS_DISMOUNT_IMMEDIATE);
    } else if (strcmp(argv[1], "getinfo") == 0) {
      NTMS_OBJECTINFORMATIONA info;
      memset(&info, 0, sizeof info);
      info.dwSize = sizeof info;
      rc = GetNtmsObjectInformationA(h, &id, &info);
    } else if (strcmp(argv[1], "pool-delete") == 0) {
      rc = DeleteNtmsMediaPool(h, &id);
    } else if (strcmp(argv[1], "pool-name") == 0) {
      char name[512];
      DWORD size = sizeof name;
      rc = GetNtmsMediaPoolNameA(h, &id, name, &size);
    } else if (strcmp(argv[1], "pool-set") == 0) {
      NTMS_OBJECTINFORMATIONA info;
      memset(&info, 0, sizeof info);
      info.dwSize = sizeof info;
      info.dwType = NTMS_MEDIA_POOL;
      rc = GetNtmsObjectInformationA(h, &id, &info);
      if (rc == ERROR_SUCCESS) {
        strcpy(info.szDescription, "set by api_probe");
        rc = SetNtmsObjectInformationA(h, &id, &info);
      }
    } else if (strcmp(argv[1], "cancel") == 0) {
      rc = CancelNtmsLibraryRequest(h, &id);
    } else if (strcmp(argv[1], "eject") == 0) {
      memset(&drive, 0, sizeof drive); /* the operation id */
      rc = EjectNtmsMedia(h, &id, &drive, NTMS_EJECT_START);
    } else if (strcmp(argv[1], "inject") == 0) {
      memset(&drive, 0, sizeof drive); /* the operation id */
      rc = InjectNtmsMedia(h, &id, &drive, NTMS_INJECT_START);
    } else if (strcmp(argv[1], "decommission") == 0) {
      rc = DecommissionNtmsMedia(h, &id);
    } else if (strcmp(argv[1], "delete-media") == 0) {
      rc = DeleteNtmsMedia(h, &id);
    } else {
      return 2;
    }
  } else {
    return 2;
  }
  printf("%lu\n", (unsigned long)rc);
  CloseNtmsSession(h);
  return 0;
}
