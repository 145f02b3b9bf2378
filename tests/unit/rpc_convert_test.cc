// The RPC layers' conversions of object information: a domain ObjectInfo
// (common/object_info.h) the server turns into the wire message
// (rpc/server/convert.h) and the client turns back (rpc/client/convert.h)
// is the value it was, for every information structure, every field set to
// a value no other field has (a field dropped or crossed on either side
// shows up).
#include <gtest/gtest.h>

#include <string>

#include "common/object_info.h"
#include "rpc/client/convert.h"
#include "rpc/server/convert.h"

namespace openrsm {
namespace {

// Values that differ from each other and from 0.
struct Counter {
  uint32_t n = 100;
  uint32_t Next() { return ++n; }
  Guid NextGuid() { return Guid::New(); }
  std::string NextText() { return "text-" + std::to_string(++n) + "-\xc3\xa9"; }
};

ObjectInfo Header(uint32_t type, Counter& c) {
  ObjectInfo o;
  o.type = type;
  o.id = c.NextGuid();
  o.name = c.NextText();
  o.description = c.NextText();
  o.created_ms = 1700000000000 + c.Next();
  o.modified_ms = 1700000000000 + c.Next();
  o.enabled = true;
  o.operational_state = c.Next();
  return o;
}

ObjectInfo RoundTrip(const ObjectInfo& in) {
  rpc::ObjectInfo wire;
  rpc::ToProto(in, &wire);
  // Through the bytes, as on the socket.
  rpc::ObjectInfo parsed;
  EXPECT_TRUE(parsed.ParseFromString(wire.SerializeAsString()));
  return rpc::FromProto(parsed);
}

TEST(RpcConvert, EveryInformationStructureSurvivesTheRoundTrip) {
  Counter c;
  std::vector<ObjectInfo> all;
  {
    ObjectInfo o = Header(1, c);
    o.info = DriveInfo{c.Next(), c.Next(), c.NextText(), c.NextText(), c.NextText(), c.Next(),    c.Next(),
                       c.Next(), c.Next(), c.Next(),     c.NextGuid(), c.NextGuid(), 0xFFFFFFFFu, c.NextGuid()};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(2, c);
    o.info = LibraryInfo{c.Next(), true,     c.Next(), c.Next(), c.Next(), c.Next(),
                         c.Next(), c.Next(), c.Next(), c.Next(), true,     c.Next()};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(3, c);
    o.info = ChangerInfo{c.Next(), c.NextText(), c.NextText(), c.NextGuid(), c.NextGuid()};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(4, c);
    o.info = SlotInfo{c.Next(), c.Next(), c.NextGuid()};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(5, c);
    o.info = IePortInfo{c.Next(), c.Next(), c.Next(), c.Next(), c.NextGuid()};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(6, c);
    o.info = PhysicalMediaInfo{c.NextGuid(), c.NextGuid(), c.NextGuid(), c.Next(), c.NextGuid(), c.NextGuid(),
                               c.NextText(), c.Next(),     c.Next(),     c.Next(), c.Next(),     c.NextGuid()};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(7, c);
    o.info = PartitionInfo{c.NextGuid(), c.NextGuid(), c.Next(), c.Next(), c.Next(), c.Next(), 0x123456789abcull};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(8, c);
    o.info = MediaPoolInfo{c.Next(), c.NextGuid(), c.NextGuid(), c.Next(), c.Next(), c.Next(), c.Next(), c.Next()};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(9, c);
    o.info = MediaTypeInfo{c.Next(), c.Next(), c.Next(), c.Next()};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(10, c);
    const int64_t t = 1700000000000;
    o.info = LibRequestInfo{c.Next(),     c.Next(),     c.Next(),     c.NextGuid(), c.NextGuid(), c.NextGuid(),
                            c.NextGuid(), c.NextGuid(), t + c.Next(), t + c.Next(), c.NextText(), c.NextText(),
                            c.NextText(), c.Next(),     c.NextGuid(), c.Next()};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(11, c);
    o.info = ComputerInfo{c.Next(), c.Next()};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(12, c);
    o.info = DriveTypeInfo{c.NextText(), c.NextText(), c.Next(), c.Next()};
    all.push_back(o);
  }
  {
    ObjectInfo o = Header(13, c);
    o.info = ChangerTypeInfo{c.NextText(), c.NextText(), c.Next()};
    all.push_back(o);
  }
  ASSERT_EQ(all.size(), std::variant_size_v<decltype(ObjectInfo::info)> - 1) << "one per alternative";
  for (const auto& o : all) {
    SCOPED_TRACE("alternative " + std::to_string(o.info.index()));
    EXPECT_EQ(RoundTrip(o), o);
  }
}

TEST(RpcConvert, NoInformationAndNullGuids) {
  ObjectInfo o;
  o.type = 12;
  o.name = "no info";
  EXPECT_EQ(RoundTrip(o), o);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(RoundTrip(o).info));
  // The null GUID is sent as no bytes (rsm.proto: empty = none).
  EXPECT_EQ(rpc::RawGuid(Guid()), "");
  EXPECT_TRUE(rpc::GuidFromRaw("").IsNull());
  EXPECT_TRUE(rpc::GuidFromRaw("short").IsNull());
  Guid g = Guid::New();
  EXPECT_EQ(rpc::GuidFromRaw(rpc::RawGuid(g)), g);
}

}  // namespace
}  // namespace openrsm
