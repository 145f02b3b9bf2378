// Duplicate bar codes: one label, two cartridges (docs/service.md
// "Duplicate bar codes").
//
// Applications hold cartridge GUIDs, so the catalogued record of a bar code
// (its GUID, pool, sides) stays with the library where it was catalogued as
// long as that library is present and has not lost it. A second cartridge
// with the same label, in another library or in another element of the same
// one, gets a record of its own that is *quarantined*: disabled, in the
// Unrecognized pool, operational state NTMS_NEEDS_SERVICE (the marker: no
// other physical media has that state), a name that is not its bar code and
// a description that names the conflict. The inventory (Reconcile) and the
// IE port poll (ReconcileIePorts) use these helpers; all of them run inside
// the caller's transaction and never touch a device.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "catalog/store.h"
#include "service/worker.h"

namespace openrsm::service {

// Whether `m` is a quarantined duplicate (op_state NTMS_NEEDS_SERVICE).
bool IsQuarantined(const catalog::PhysicalMedia& m);

// The catalogued cartridge with `barcode`, "the original": the oldest record
// with it that is not quarantined (FindPhysicalMediaByBarcode ranks those
// first); std::nullopt when there is none. Read-only.
Result<std::optional<catalog::PhysicalMedia>> FindOriginal(catalog::Txn& txn, const std::string& barcode);

// Whether `library` may take the original `m`, which the catalogue does not
// have in `library`: `m` is offline (no library) or its library is no
// longer present (NTMS_NOT_PRESENT, or missing). False while another present
// library still has it (even offline or waiting for an inventory: only that
// library's own inventory or poll can say it lost the cartridge). Read-only.
Result<bool> MayAdopt(catalog::Txn& txn, const catalog::PhysicalMedia& m, const Guid& library);

// "bar code X is also in library A, slot 1": where the catalogue has `m`,
// for a quarantined record's description and the log. Read-only.
Result<std::string> ConflictText(catalog::Txn& txn, const catalog::PhysicalMedia& m);

// Creates the quarantined record (and its one side, state unknown) for a
// second cartridge with `barcode` found in `library`; `why` (ConflictText)
// becomes its description. No location yet: the caller places it.
Result<catalog::PhysicalMedia> NewQuarantined(catalog::Txn& txn, const Guid& library, const std::string& barcode,
                                              const std::string& why, const SystemObjects& sys, int64_t now);

// Sets `q`'s description to `why` if it differs (the original moved, or
// was gone and is back); does not write `q` (the caller does).
void UpdateConflict(catalog::PhysicalMedia& q, const std::string& why, int64_t now);

// A quarantined cartridge left its library (taken out of a mail slot,
// missing at an inventory), or its original took its place: the record is
// deleted with its side, after clearing the slot, drive or IE port that
// still names it. Nothing else refers to it (it was never mountable, and
// requests keep only its id).
Status DropQuarantined(catalog::Txn& txn, const catalog::PhysicalMedia& q, int64_t now);

// Decides which catalogue record each full element of one element-status
// read of `library` holds: the inventory's (every element) and the IE port
// poll's (the IE ports). Rules, in this order (docs/service.md):
//   1. a record of `library` that is where the catalogue has it: a
//      non-quarantined one with the element's bar code (or, unlabeled, the
//      unlabeled one the catalogue had in that element);
//   2. a quarantined record where the catalogue has it, unless its original
//      may take its place now (see Takeable: then the original does);
//   3. otherwise, by bar code: the original if this read may take it; else,
//      if an original exists, a quarantined record (one of `library`'s that
//      no element claimed, or a new one) with a warning in the log; else a
//      new cartridge (NewMedia).
// An original may be taken when no element claimed it yet and either it is
// a record of `library` that the catalogue has nowhere or in an element of
// `scope` (the elements this read speaks for), or it may be adopted
// (MayAdopt). A record of `library` outside `scope` (a slot, for the poll)
// still has its cartridge: the read cannot see it.
class CartridgeMatcher {
 public:
  struct FullElement {
    Guid id;              // the catalogue's slot, drive or IE port
    uint32_t type = 0;    // NTMS_STORAGESLOT, NTMS_DRIVE or NTMS_IEPORT
    std::string barcode;  // empty: unlabeled
  };

  // `known`: every record the catalogue has in `library`.
  CartridgeMatcher(catalog::Txn& txn, const Guid& library, std::vector<catalog::PhysicalMedia> known,
                   std::set<Guid> scope, const SystemObjects& sys, int64_t now, std::string who);

  // Matches `full` (in order); creates the new and quarantined records it
  // needs in the transaction. Returns, per element, the media id it holds.
  Result<std::map<Guid, Guid>> Match(const std::vector<FullElement>& full);

  // Every record known, taken from elsewhere or created, by id (as read or
  // created; not updated for where Match put them).
  std::map<Guid, catalog::PhysicalMedia>& records() { return records_; }
  bool Claimed(const Guid& media) const { return claimed_at_.count(media) != 0; }

 private:
  void Claim(const Guid& media, const FullElement& f, std::map<Guid, Guid>* out);
  // The original with `barcode` this read may take (see the class comment); null if none.
  Result<Guid> Takeable(const std::string& barcode);
  // Whether a non-quarantined record with `barcode` exists anywhere.
  Result<bool> HasOriginal(const std::string& barcode);
  // ConflictText for the original of `barcode`, where this read put it.
  Result<std::string> Why(const std::string& barcode);
  // A quarantined record of `library` with `barcode` that no element claimed (null: none).
  Guid SpareQuarantined(const std::string& barcode);

  catalog::Txn& txn_;
  Guid library_;
  std::set<Guid> scope_;
  const SystemObjects& sys_;
  int64_t now_;
  std::string who_;
  std::map<Guid, catalog::PhysicalMedia> records_;
  std::map<std::string, std::vector<Guid>> by_barcode_;  // records of `library`, oldest first
  std::map<Guid, Guid> by_location_;                     // element -> record of `library`
  std::map<Guid, FullElement> claimed_at_;               // media -> the element that holds it
};

}  // namespace openrsm::service
