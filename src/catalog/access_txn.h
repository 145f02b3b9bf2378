// AccessTxn: access-control entries (who holds which rights on an object),
// one aggregate of catalog::Txn (store.h).
//
// Every method follows the Txn contract at the top of store.h. Code that only
// needs this aggregate takes an AccessTxn&; a catalog::Txn is one.
#pragma once

#include <vector>

#include "catalog/model.h"
#include "common/status.h"

namespace openrsm::catalog {

class AccessTxn {
 public:
  // The entries on `object`, by is_group (users first) then principal; an
  // empty vector when none (also for an unknown object).
  virtual Result<std::vector<AccessEntry>> GetAccess(const Guid& object) = 0;
  // Inserts or replaces the entry keyed (object, is_group, principal).
  // ERROR_INVALID_PARAMETER (not aborting) for a null object. Entries of a
  // physical media and its sides go with DeletePhysicalMedia.
  virtual Status PutAccess(const AccessEntry& e) = 0;

 protected:
  ~AccessTxn() = default;  // owned and destroyed as a catalog::Txn
};

}  // namespace openrsm::catalog
