// Builds the RPC form of NTMS_OBJECTINFORMATION for a catalogue object.
#pragma once

#include "catalog/store.h"
#include "rpc/rsm.pb.h"

namespace openrsm::service {

// Library (or null) that governs access to an object, and its pool (or null).
struct Governing {
  Guid library;
  Guid pool;
};

// Fills `out` for object `id` of catalogue type `type` (from Txn::TypeOf);
// also sets `*governing` (if given) to what GoverningObjects would return,
// from the same reads. Counters are counted (COUNT queries), not listed.
Status FillObjectInfo(catalog::Txn& txn, uint32_t type, const Guid& id, rpc::ObjectInfo* out,
                      Governing* governing = nullptr);
Result<Governing> GoverningObjects(catalog::Txn& txn, uint32_t type, const Guid& id);

}  // namespace openrsm::service
