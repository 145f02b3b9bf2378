// The media life-cycle table (src/service/lifecycle.h) against the concept
// pages' state diagram and the SDK pages' refusals, written out here
// independently of the table.
#include "service/lifecycle.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "catalog/ntms_values.h"
#include "common/status.h"

namespace openrsm::service::lifecycle {
namespace {

constexpr uint32_t UNKNOWN = ntms::kPartUnknown, UNPREPARED = ntms::kPartUnprepared,
                   INCOMPATIBLE = ntms::kPartIncompatible, DECOMMISSIONED = ntms::kPartDecommissioned,
                   AVAILABLE = ntms::kPartAvailable, ALLOCATED = ntms::kPartAllocated, COMPLETE = ntms::kPartComplete,
                   FOREIGN = ntms::kPartForeign, IMPORT = ntms::kPartImport, RESERVED = ntms::kPartReserved;
const std::vector<uint32_t> kAll = {UNKNOWN,   UNPREPARED, INCOMPATIBLE, DECOMMISSIONED, AVAILABLE,
                                    ALLOCATED, COMPLETE,   FOREIGN,      IMPORT,         RESERVED};

uint32_t After(uint32_t state, Op op) {
  auto r = Next(state, op);
  EXPECT_TRUE(r.ok()) << OpName(op) << " from " << StateName(state) << ": " << r.status().ToString();
  return r.ok() ? *r : UINT32_MAX;
}
uint32_t Refusal(uint32_t state, Op op) {
  auto r = Next(state, op);
  EXPECT_FALSE(r.ok()) << OpName(op) << " from " << StateName(state) << " gave " << (r.ok() ? StateName(*r) : "");
  return r.ok() ? 0 : r.status().code();
}

// The concept page's cycle: identified, moved to the scratch (Free) pool,
// allocated, completed or deallocated, decommissioned.
TEST(Lifecycle, TheConceptPagesCycle) {
  uint32_t s = After(UNKNOWN, Op::kIdentifyForeign);
  EXPECT_EQ(s, FOREIGN);
  s = After(s, Op::kToFree);
  EXPECT_EQ(s, AVAILABLE);
  s = After(s, Op::kAllocate);
  EXPECT_EQ(s, ALLOCATED);
  EXPECT_EQ(After(s, Op::kComplete), COMPLETE);
  s = After(s, Op::kDeallocate);
  EXPECT_EQ(s, AVAILABLE);
  s = After(s, Op::kDecommission);
  EXPECT_EQ(s, DECOMMISSIONED);
  // "never again used"
  EXPECT_EQ(Refusal(s, Op::kAllocate), err::kInvalidMedia);
  EXPECT_EQ(Refusal(s, Op::kMountRead), err::kInvalidMedia);
  EXPECT_EQ(Refusal(s, Op::kToFree), err::kInvalidMediaPool);
}

TEST(Lifecycle, ImportedMediaAreAllocatedBySideOrGoToFree) {
  EXPECT_EQ(After(UNKNOWN, Op::kIdentifyImport), IMPORT);
  EXPECT_EQ(After(IMPORT, Op::kAllocateSide), ALLOCATED);
  EXPECT_EQ(Refusal(IMPORT, Op::kAllocate), err::kInvalidMedia) << "only by naming the side";
  EXPECT_EQ(After(IMPORT, Op::kToFree), AVAILABLE);
  EXPECT_EQ(After(IMPORT, Op::kToImport), IMPORT);
  // "media in the unrecognized or import pool may only be moved to the free pool"
  EXPECT_EQ(Refusal(IMPORT, Op::kToApplication), err::kInvalidMediaPool);
  EXPECT_EQ(Refusal(FOREIGN, Op::kToApplication), err::kInvalidMediaPool);
  EXPECT_EQ(Refusal(FOREIGN, Op::kToImport), err::kInvalidMediaPool);
}

TEST(Lifecycle, DeallocationRetiresASideAtItsMaximum) {
  EXPECT_EQ(After(ALLOCATED, Op::kDeallocateRetired), DECOMMISSIONED);
  EXPECT_EQ(After(COMPLETE, Op::kDeallocateRetired), DECOMMISSIONED);
  EXPECT_EQ(After(COMPLETE, Op::kDeallocate), AVAILABLE);
  EXPECT_EQ(Refusal(AVAILABLE, Op::kDeallocate), err::kInvalidMedia) << "the LMID is not valid: nothing allocated";
}

// Each operation's allowed states, as the pages state them; every other
// state is refused with the page's code.
TEST(Lifecycle, AllowedStatesAndRefusalCodesOfEveryOperation) {
  struct Expect {
    std::set<uint32_t> allowed;
    uint32_t refusal;
  };
  const std::map<Op, Expect> expect = {
      {Op::kIdentifyForeign, {{UNKNOWN, UNPREPARED}, err::kInvalidState}},
      {Op::kIdentifyImport, {{UNKNOWN, UNPREPARED}, err::kInvalidState}},
      {Op::kIdentifyFree, {{UNKNOWN, UNPREPARED}, err::kInvalidState}},
      {Op::kToFree, {{UNPREPARED, INCOMPATIBLE, AVAILABLE, FOREIGN, IMPORT}, err::kInvalidMediaPool}},
      {Op::kToImport, {{IMPORT}, err::kInvalidMediaPool}},
      {Op::kToApplication,
       {{UNPREPARED, INCOMPATIBLE, DECOMMISSIONED, AVAILABLE, ALLOCATED, COMPLETE, RESERVED}, err::kInvalidMediaPool}},
      {Op::kAllocate, {{AVAILABLE}, err::kInvalidMedia}},
      {Op::kAllocateSide, {{AVAILABLE, IMPORT}, err::kInvalidMedia}},
      {Op::kDeallocate, {{ALLOCATED, COMPLETE}, err::kInvalidMedia}},
      {Op::kDeallocateRetired, {{ALLOCATED, COMPLETE}, err::kInvalidMedia}},
      {Op::kComplete, {{ALLOCATED}, err::kInvalidState}},
      {Op::kDecommission, {{AVAILABLE}, err::kInvalidState}},
      {Op::kMountRead,
       {{UNKNOWN, UNPREPARED, AVAILABLE, ALLOCATED, COMPLETE, FOREIGN, IMPORT, RESERVED}, err::kInvalidMedia}},
      {Op::kMountWrite, {{UNKNOWN, UNPREPARED, AVAILABLE, ALLOCATED, FOREIGN, IMPORT, RESERVED}, err::kInvalidMedia}},
      {Op::kDeleteMedia,
       {{UNKNOWN, UNPREPARED, INCOMPATIBLE, DECOMMISSIONED, AVAILABLE, FOREIGN, IMPORT}, err::kInvalidState}},
  };
  ASSERT_EQ(expect.size(), size_t(kOpCount));
  for (const auto& [op, e] : expect) {
    for (uint32_t s : kAll) {
      auto r = Next(s, op);
      if (e.allowed.count(s)) {
        EXPECT_TRUE(r.ok()) << OpName(op) << " from " << StateName(s);
      } else if (op == Op::kMountWrite && s == COMPLETE) {
        EXPECT_EQ(r.status().code(), err::kWriteProtect) << "MountNtmsMedia: ERROR_WRITE_PROTECT for Completed media";
      } else {
        EXPECT_EQ(r.status().code(), e.refusal) << OpName(op) << " from " << StateName(s);
      }
    }
  }
}

TEST(Lifecycle, OperationsThatChangeNoStateKeepIt) {
  for (uint32_t s : {AVAILABLE, ALLOCATED, IMPORT}) EXPECT_EQ(After(s, Op::kMountRead), s);
  for (uint32_t s : {AVAILABLE, ALLOCATED, COMPLETE, DECOMMISSIONED}) EXPECT_EQ(After(s, Op::kToApplication), s);
  EXPECT_EQ(After(FOREIGN, Op::kDeleteMedia), FOREIGN);
}

TEST(Lifecycle, CheckAllRefusesWhenAnySideRefuses) {
  std::vector<uint32_t> both_import = {IMPORT, IMPORT}, mixed = {IMPORT, AVAILABLE};
  EXPECT_TRUE(CheckAll(both_import, Op::kToImport).ok());
  EXPECT_EQ(CheckAll(mixed, Op::kToImport).code(), err::kInvalidMediaPool)
      << "to an Import pool only if all the partitions are Import";
  std::vector<uint32_t> one_allocated = {AVAILABLE, ALLOCATED};
  EXPECT_EQ(CheckAll(one_allocated, Op::kDeleteMedia).code(), err::kInvalidState);
  EXPECT_EQ(CheckAll(one_allocated, Op::kToFree).code(), err::kInvalidMediaPool);
}

TEST(Lifecycle, OutOfRangeStatesAreRefused) {
  for (int i = 0; i < kOpCount; ++i) EXPECT_FALSE(Next(1000, Op(i)).ok()) << OpName(Op(i));
  EXPECT_STREQ(StateName(1000), "INVALID");
  EXPECT_STREQ(StateName(AVAILABLE), "AVAILABLE");
}

}  // namespace
}  // namespace openrsm::service::lifecycle
