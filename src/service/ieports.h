// IE ports (mail slots): the catalogue side of cartridges that pass through
// them. The worker's poll, InjectNtmsMedia and EjectNtmsMedia use these
// (their worker steps are in ieports.cc; docs/service.md "IE ports").
#pragma once

#include <string>
#include <vector>

#include "catalog/store.h"
#include "devices/device.h"
#include "service/worker.h"

namespace openrsm::service {

// NtmsPortPosition of an IE port as the device reports it: RETRACTED when
// the robot can reach it, EXTENDED when it cannot (open to the operator),
// UNKNOWN when the device does not say (devices::ElementStatus::accessible).
uint32_t PortPosition(const devices::ElementStatus& e);

// Makes the catalogue's IE ports of `library` agree with `elements` (a read
// of the IE ports only; other element types are ignored), in the caller's
// write transaction:
//   - a cartridge in a port that the catalogue does not have there becomes
//     known there: a catalogued cartridge (matched by barcode, or, unlabeled,
//     by the port it was last known in) moves to the port and to this
//     library, clearing the element the catalogue last had it in; one never
//     seen is created as a full inventory would (NewMedia);
//   - a catalogued cartridge whose port is now empty, or holds another
//     cartridge, was taken out: it goes offline (no library, no location);
//   - a bar code whose original another present library still has, or that
//     this library has in a slot or drive (the read cannot see those), is a
//     second cartridge: it gets a quarantined record (duplicates.h), which
//     is deleted when it is taken out, or replaced by its original once the
//     original may be adopted.
// Slots and drives are not touched except to clear a cartridge that turned
// up in a port. Each reported port's position is recorded (PortPosition).
// Sets *changed when anything was written.
Status ReconcileIePorts(catalog::Txn& txn, const Guid& library, const std::vector<devices::ElementStatus>& elements,
                        const SystemObjects& sys, int64_t now_ms, bool* changed);

// Whether the catalogue's IE ports of `library` already hold what `elements`
// reports (same barcodes, same empty ports), and no quarantined cartridge in
// a port could be replaced by its original now (duplicates.h). Read-only.
Result<bool> IePortsMatch(catalog::Txn& txn, const Guid& library, const std::vector<devices::ElementStatus>& elements);

// A cartridge the device reports that the catalogue has never seen: a new
// physical media (and its one side) in `library`'s Free pool, no location
// yet (inventory.cc).
// The cartridge is no longer in its library (taken out of a mail slot, or
// missing at an inventory): it moves to the offline library, stays
// catalogued (as RSM keeps ejected media) and holds no side in use.
Status TakeOffline(catalog::Txn& txn, catalog::PhysicalMedia& m, int64_t now);

// Clears the slot, drive or IE port (other than `keep`) in which the
// catalogue last had `m`, if that element still names `m`: the cartridge has
// turned up somewhere else, or its record is going away.
Status ClearOldElement(catalog::Txn& txn, const catalog::PhysicalMedia& m, const Guid& keep, int64_t now);

// Stores cartridge `m` (a new one) with its one side, side A, in `side_state`.
Status PutWithOneSide(catalog::Txn& txn, const catalog::PhysicalMedia& m, uint32_t side_state, int64_t now);
Result<catalog::PhysicalMedia> NewMedia(catalog::Txn& txn, const Guid& library, const std::string& barcode,
                                        const SystemObjects& sys, int64_t now);

}  // namespace openrsm::service
