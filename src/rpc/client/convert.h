// Wire values to domain values, for the RPC client: the inverse of
// rpc/server/convert.h (tests/unit/rpc_convert_test.cc checks the round trip).
// Internal to src/rpc/client: its public header, connection.h, shows no
// protobuf type.
#pragma once

#include "common/object_info.h"
#include "rpc/rsm.pb.h"

namespace openrsm::rpc {

// The domain value of `in`: the header, and the alternative that matches
// the message's `info` member (monostate when none is set). GUID fields
// that are not 16 bytes read as the null GUID.
openrsm::ObjectInfo FromProto(const rpc::ObjectInfo& in);

// The writable members of SetNtmsObjectInformation in wire form (the
// server's WritableFromProto): type, name, description, and for a media pool
// its policies and media type.
void WritableToProto(const openrsm::ObjectInfo& in, rpc::ObjectInfo* out);

}  // namespace openrsm::rpc
