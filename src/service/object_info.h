// Builds NTMS_OBJECTINFORMATION (common/object_info.h) for a catalogue object.
#pragma once

#include <cstdint>

#include "catalog/store.h"
#include "common/object_info.h"

namespace openrsm::service {

// NTMS_DRIVEINFORMATION.dwDeferDismountDelay of a drive in an online
// library: rsmd sets no timer on a deferred dismount. The cartridge stays in
// the drive (NTMS_DRIVESTATE_DISMOUNTABLE) until DismountNtmsDrive moves it
// (or it is mounted again where it sits), so the least time it stays is
// unbounded: INFINITE. Stand-alone drives report 0 (MS-RSMP: the
// member does not apply to them). docs/compat.md.
inline constexpr uint32_t kDeferDismountDelayForever = 0xFFFFFFFFu;
// NTMS_MEDIATYPEINFORMATION of the media type rsmd catalogues (LTO Ultrium):
// STORAGE_MEDIA_TYPE LTO_Ultrium and FILE_DEVICE_TAPE.
inline constexpr uint32_t kMediaTypeLtoUltrium = 0x56;
inline constexpr uint32_t kFileDeviceTape = 0x1f;
inline constexpr uint32_t kFileDeviceChanger = 0x30;  // FILE_DEVICE_CHANGER

// Library (or null) that governs access to an object, and its pool (or null).
struct Governing {
  Guid library;
  Guid pool;
};

// Fills `out` for object `id` of catalogue type `type` (from Txn::TypeOf);
// also sets `*governing` (if given) to what GoverningObjects would return,
// from the same reads. Counters are counted (COUNT queries), not listed.
// On failure `out` holds whatever was filled before it (the caller discards it).
Status FillObjectInfo(catalog::Txn& txn, uint32_t type, const Guid& id, ObjectInfo* out,
                      Governing* governing = nullptr);
Result<Governing> GoverningObjects(catalog::Txn& txn, uint32_t type, const Guid& id);

}  // namespace openrsm::service
