// Domain values to their wire form, for the RPC server (rsm.proto). The
// client's inverse is rpc/client/convert.h; tests/unit/rpc_convert_test.cc
// checks that a value survives the round trip.
#pragma once

#include <string>

#include "common/guid.h"
#include "common/object_info.h"
#include "rpc/rsm.pb.h"

namespace openrsm::rpc {

// A GUID as its 16 raw bytes; the null GUID as "" (rsm.proto: empty = none).
std::string RawGuid(const Guid& g);
// The GUID in 16 raw bytes; the null GUID for anything else ("" included).
Guid GuidFromRaw(const std::string& raw);

// Fills `out` (cleared first) with `in`: the header, and the `info` member
// that matches `in.info`'s alternative (none for monostate). (openrsm::
// names the domain type; the message of the same name is rpc::ObjectInfo.)
void ToProto(const openrsm::ObjectInfo& in, rpc::ObjectInfo* out);

// The writable members of SetNtmsObjectInformation from `in` (the client's
// WritableToProto): type, name, description, and for a media pool its
// policies and media type; nothing else is read.
openrsm::ObjectInfo WritableFromProto(const rpc::ObjectInfo& in);

}  // namespace openrsm::rpc
