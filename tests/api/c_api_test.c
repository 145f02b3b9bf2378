/*
 * c_api_test.c - a plain C99 application of the public API, built against an
 * installed OpenRSM with nothing but pkg-config (see c_pkgconfig_test.sh).
 *
 * Against a running rsmd (RSM_SOCKET) with a simulated library "sim0" that
 * holds A00001L6..A00004L6: open a session, find the library, its drives and
 * a cartridge by barcode, mount it, check the drive is loaded, dismount the
 * drive, check the drive is empty and the cartridge back in a slot, check the
 * error codes of DismountNtmsDrive for an empty drive and a NULL drive id,
 * close. The last line printed is "N passed, M failed"; the exit status is
 * non-zero if anything failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntmsapi.h"

static int passed = 0, failed = 0;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) {                                            \
      ++passed;                                            \
    } else {                                               \
      ++failed;                                            \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fputc('\n', stderr);                                 \
    }                                                      \
  } while (0)

#define CHECK_RC(call, want)                                                                     \
  do {                                                                                           \
    DWORD rc_ = (call);                                                                          \
    CHECK(rc_ == (DWORD)(want), "%s returned %lu, expected %lu (%s)", #call, (unsigned long)rc_, \
          (unsigned long)(want), #want);                                                         \
  } while (0)

static int SameGuid(const NTMS_GUID* a, const NTMS_GUID* b) { return memcmp(a, b, sizeof *a) == 0; }

/* EnumerateNtmsObject with the two-call pattern; returns a malloc'ed list or NULL. */
static NTMS_GUID* Enumerate(HANDLE h, NTMS_GUID* container, DWORD type, DWORD* count) {
  DWORD n = 0, rc;
  NTMS_GUID* list;
  *count = 0;
  rc = EnumerateNtmsObject(h, container, NULL, &n, type, 0);
  if (rc == ERROR_SUCCESS) return NULL; /* empty */
  CHECK(rc == ERROR_INSUFFICIENT_BUFFER, "EnumerateNtmsObject(size query, type %lu) returned %lu", (unsigned long)type,
        (unsigned long)rc);
  if (rc != ERROR_INSUFFICIENT_BUFFER || n == 0) return NULL;
  list = (NTMS_GUID*)calloc(n, sizeof *list);
  if (!list) return NULL;
  rc = EnumerateNtmsObject(h, container, list, &n, type, 0);
  CHECK(rc == ERROR_SUCCESS, "EnumerateNtmsObject(type %lu) returned %lu", (unsigned long)type, (unsigned long)rc);
  if (rc != ERROR_SUCCESS) {
    free(list);
    return NULL;
  }
  *count = n;
  return list;
}

static int GetInfo(HANDLE h, NTMS_GUID* id, NTMS_OBJECTINFORMATIONA* info) {
  DWORD rc;
  memset(info, 0, sizeof *info);
  info->dwSize = sizeof *info;
  info->dwType = NTMS_UNKNOWN;
  rc = GetNtmsObjectInformationA(h, id, info);
  CHECK(rc == ERROR_SUCCESS, "GetNtmsObjectInformationA returned %lu", (unsigned long)rc);
  return rc == ERROR_SUCCESS;
}

static int Run(void) {
  HANDLE h;
  NTMS_GUID *libs, *drives = NULL, *media = NULL;
  NTMS_GUID lib, cartridge, drive, home;
  NTMS_OBJECTINFORMATIONA info;
  DWORD nlibs, ndrives = 0, nmedia = 0, i;
  int have_lib = 0, have_media = 0;

  h = OpenNtmsSessionA(NULL, "c_api_test", 0);
  CHECK(h != INVALID_HANDLE_VALUE, "OpenNtmsSessionA failed: %lu", (unsigned long)OpenRsmGetLastError());
  if (h == INVALID_HANDLE_VALUE) return 0;

  /* The library. */
  libs = Enumerate(h, NULL, NTMS_LIBRARY, &nlibs);
  CHECK(nlibs >= 1, "no libraries");
  for (i = 0; i < nlibs; ++i)
    if (GetInfo(h, &libs[i], &info) && strcmp(info.szName, "sim0") == 0) {
      lib = libs[i];
      have_lib = 1;
      CHECK(info.dwType == NTMS_LIBRARY, "sim0 has type %lu", (unsigned long)info.dwType);
      CHECK(info.Info.Library.dwNumberOfDrives == 2, "sim0 has %lu drives",
            (unsigned long)info.Info.Library.dwNumberOfDrives);
    }
  free(libs);
  CHECK(have_lib, "no library named sim0");
  if (!have_lib) goto out;

  /* Its drives. */
  drives = Enumerate(h, &lib, NTMS_DRIVE, &ndrives);
  CHECK(ndrives == 2, "sim0 has %lu drives, expected 2", (unsigned long)ndrives);
  for (i = 0; i < ndrives; ++i)
    if (GetInfo(h, &drives[i], &info)) {
      CHECK(info.dwType == NTMS_DRIVE, "drive has type %lu", (unsigned long)info.dwType);
      CHECK(SameGuid(&info.Info.Drive.Library, &lib), "drive %lu is not in sim0", (unsigned long)i);
      CHECK(info.Info.Drive.State == NTMS_DRIVESTATE_DISMOUNTED, "drive %lu is not empty at the start",
            (unsigned long)i);
    }

  /* A cartridge, by barcode. */
  media = Enumerate(h, &lib, NTMS_PHYSICAL_MEDIA, &nmedia);
  CHECK(nmedia == 4, "sim0 holds %lu cartridges, expected 4", (unsigned long)nmedia);
  for (i = 0; i < nmedia; ++i)
    if (GetInfo(h, &media[i], &info) && strcmp(info.Info.PhysicalMedia.szBarCode, "A00003L6") == 0) {
      cartridge = media[i];
      home = info.Info.PhysicalMedia.Location;
      have_media = 1;
      CHECK(info.Info.PhysicalMedia.LocationType == NTMS_STORAGESLOT, "A00003L6 is not in a slot");
    }
  CHECK(have_media, "no cartridge with barcode A00003L6");
  if (!have_media || ndrives == 0) goto out;

  /* Mount it. */
  memset(&drive, 0, sizeof drive);
  CHECK_RC(MountNtmsMedia(h, &cartridge, &drive, 1, NTMS_MOUNT_READ, NTMS_PRIORITY_NORMAL, 60000, NULL), ERROR_SUCCESS);
  if (GetInfo(h, &drive, &info)) {
    CHECK(info.dwType == NTMS_DRIVE, "the mount returned no drive id");
    CHECK(info.Info.Drive.State == NTMS_DRIVESTATE_LOADED, "drive state %lu after the mount, expected LOADED",
          (unsigned long)info.Info.Drive.State);
  }
  if (GetInfo(h, &cartridge, &info)) {
    CHECK(info.Info.PhysicalMedia.LocationType == NTMS_DRIVE, "the cartridge is not in a drive");
    CHECK(SameGuid(&info.Info.PhysicalMedia.Location, &drive), "the cartridge is in another drive");
  }

  /* Dismount the drive: empty again, the cartridge back in its slot. */
  CHECK_RC(DismountNtmsDrive(h, &drive), ERROR_SUCCESS);
  if (GetInfo(h, &drive, &info))
    CHECK(info.Info.Drive.State == NTMS_DRIVESTATE_DISMOUNTED,
          "drive state %lu after the dismount, expected DISMOUNTED", (unsigned long)info.Info.Drive.State);
  if (GetInfo(h, &cartridge, &info)) {
    CHECK(info.Info.PhysicalMedia.LocationType == NTMS_STORAGESLOT, "the cartridge is not back in a slot (type %lu)",
          (unsigned long)info.Info.PhysicalMedia.LocationType);
    CHECK(SameGuid(&info.Info.PhysicalMedia.Location, &home), "the cartridge is not in its home slot");
  }

  /* Error codes. */
  CHECK_RC(DismountNtmsDrive(h, &drive), ERROR_INVALID_STATE);
  CHECK_RC(DismountNtmsDrive(h, NULL), ERROR_INVALID_PARAMETER);

out:
  free(drives);
  free(media);
  CHECK_RC(CloseNtmsSession(h), ERROR_SUCCESS);
  CHECK_RC(CloseNtmsSession(h), ERROR_INVALID_HANDLE);
  return 0;
}

int main(void) {
  Run();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
