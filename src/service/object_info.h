// Builds the RPC form of NTMS_OBJECTINFORMATION for a catalogue object.
#pragma once

#include "catalog/store.h"
#include "rpc/rsm.pb.h"

namespace openrsm::service {

// Fills `out` for object `id` of catalogue type `type` (from Txn::TypeOf).
Status FillObjectInfo(catalog::Txn& txn, uint32_t type, const Guid& id, rpc::ObjectInfo* out);

// Library (or null) that governs access to an object, and its pool (or null).
struct Governing {
  Guid library;
  Guid pool;
};
Result<Governing> GoverningObjects(catalog::Txn& txn, uint32_t type, const Guid& id);

}  // namespace openrsm::service
