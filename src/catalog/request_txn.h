// RequestTxn: library requests (NTMS_LIBREQUESTINFORMATION, the work queue),
// one aggregate of catalog::Txn (store.h). service::RequestQueue is the one
// place that changes a request's state; it reaches the store through this.
//
// Every method follows the Txn contract at the top of store.h. Code that only
// needs this aggregate takes a RequestTxn&; a catalog::Txn is one.
#pragma once

#include <cstdint>
#include <vector>

#include "catalog/model.h"
#include "common/status.h"

namespace openrsm::catalog {

class RequestTxn {
 public:
  virtual Result<LibRequest> GetLibRequest(const Guid& id) = 0;
  // Requests of a library (null = all) whose state is in `states` (empty =
  // any), ordered by priority (highest first) then seq.
  virtual Result<std::vector<LibRequest>> ListLibRequests(const Guid& library, const std::vector<uint32_t>& states) = 0;
  // The ids of ListLibRequests(library, states), in the same order; no row is decoded.
  virtual Result<std::vector<Guid>> ListLibRequestIds(const Guid& library, const std::vector<uint32_t>& states) = 0;
  // Inserts a new request or replaces an existing one. On insert the store
  // assigns v.seq, larger than every seq committed before (never reused,
  // also not after a purge); on replace it keeps the stored seq (whatever
  // v.seq holds) and writes it back into v.seq.
  virtual Status PutLibRequest(LibRequest& v) = 0;
  // How many requests `library` has (null = all), in any state.
  virtual Result<uint64_t> CountLibRequests(const Guid& library) = 0;
  // A write: deletes the completed requests (PASSED, FAILED, CANCELLED) whose
  // completed_ms is before `before_ms`; returns how many were deleted.
  virtual Result<uint64_t> PurgeLibRequests(int64_t before_ms) = 0;

 protected:
  ~RequestTxn() = default;  // owned and destroyed as a catalog::Txn
};

}  // namespace openrsm::catalog
