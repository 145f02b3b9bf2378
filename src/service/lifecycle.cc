#include "service/lifecycle.h"

#include <fmt/format.h>

#include <array>
#include <optional>

#include "catalog/ntms_values.h"

namespace openrsm::service::lifecycle {
namespace {

constexpr uint32_t kStateCount = ntms::kPartReserved + 1;
constexpr uint32_t kSame = UINT32_MAX;  // the operation leaves the state as it is

// One operation: from each state, the state after it (kSame: unchanged) or
// nothing (refused with `refusal`).
struct Row {
  Op op;
  const char* name;
  uint32_t refusal;  // the Win32 code of the operation's SDK page
  std::array<std::optional<uint32_t>, kStateCount> next;
};

using S = std::array<std::optional<uint32_t>, kStateCount>;

// Index by state: UNKNOWN, UNPREPARED, INCOMPATIBLE, DECOMMISSIONED, AVAILABLE,
// ALLOCATED, COMPLETE, FOREIGN, IMPORT, RESERVED.
constexpr std::optional<uint32_t> no = std::nullopt;
constexpr uint32_t AV = ntms::kPartAvailable, AL = ntms::kPartAllocated, CO = ntms::kPartComplete,
                   DE = ntms::kPartDecommissioned, FO = ntms::kPartForeign, IM = ntms::kPartImport, __ = kSame;

// clang-format off
constexpr Row kTable[] = {
    //                                                                 UNKN UNPR INCO DECO AVAI ALLO COMP FORE IMPO RESE
    {Op::kIdentifyForeign,   "identify (Unrecognized)", err::kInvalidState,     S{FO,  FO,  no,  no,  no,  no,  no,  no,  no,  no}},
    {Op::kIdentifyImport,    "identify (Import)",       err::kInvalidState,     S{IM,  IM,  no,  no,  no,  no,  no,  no,  no,  no}},
    {Op::kIdentifyFree,      "identify (Free)",         err::kInvalidState,     S{AV,  AV,  no,  no,  no,  no,  no,  no,  no,  no}},
    // MoveToNtmsMediaPool: "A medium having a partition in the Completed, Allocated, or Reserved state may
    // not be moved to the Free media pool"; "to an Import pool only if all the partitions ... are in the
    // Import state"; "media in the unrecognized or import pool may only be moved to the free pool".
    {Op::kToFree,            "move to a Free pool",     err::kInvalidMediaPool, S{no,  AV,  AV,  no,  AV,  no,  no,  AV,  AV,  no}},
    {Op::kToImport,          "move to an Import pool",  err::kInvalidMediaPool, S{no,  no,  no,  no,  no,  no,  no,  no,  __,  no}},
    {Op::kToApplication,     "move to an application pool", err::kInvalidMediaPool,
                                                                                S{no,  __,  __,  __,  __,  __,  __,  no,  no,  __}},
    {Op::kAllocate,          "allocate",                err::kInvalidMedia,     S{no,  no,  no,  no,  AL,  no,  no,  no,  no,  no}},
    // "The side must be in the Available or Import state."
    {Op::kAllocateSide,      "allocate this side",      err::kInvalidMedia,     S{no,  no,  no,  no,  AL,  no,  no,  no,  AL,  no}},
    {Op::kDeallocate,        "deallocate",              err::kInvalidMedia,     S{no,  no,  no,  no,  no,  AV,  AV,  no,  no,  no}},
    // "Sides are decommissioned upon deallocation if the side has been allocated the maximum number of times."
    {Op::kDeallocateRetired, "deallocate (retired)",    err::kInvalidMedia,     S{no,  no,  no,  no,  no,  DE,  DE,  no,  no,  no}},
    // SetNtmsMediaComplete: ERROR_INVALID_STATE "The media is not in the allocated state".
    {Op::kComplete,          "complete",                err::kInvalidState,     S{no,  no,  no,  no,  no,  CO,  no,  no,  no,  no}},
    // DecommissionNtmsMedia: "Only media that is in the Available state can be decommissioned."
    {Op::kDecommission,      "decommission",            err::kInvalidState,     S{no,  no,  no,  no,  DE,  no,  no,  no,  no,  no}},
    // Decommissioned media are "never again used"; an incompatible side cannot be used by any drive.
    {Op::kMountRead,         "mount",                   err::kInvalidMedia,     S{__,  __,  no,  no,  __,  __,  __,  __,  __,  __}},
    {Op::kMountWrite,        "mount for writing",       err::kInvalidMedia,     S{__,  __,  no,  no,  __,  __,  no,  __,  __,  __}},
    // DeleteNtmsMedia: "not have a side in the Allocated, Completed, or Reserved states".
    {Op::kDeleteMedia,       "delete",                  err::kInvalidState,     S{__,  __,  __,  __,  __,  no,  no,  __,  __,  no}},
};
// clang-format on

constexpr bool TableIsComplete() {
  if (std::size(kTable) != size_t(kOpCount)) return false;
  for (int i = 0; i < kOpCount; ++i)
    if (kTable[i].op != Op(i)) return false;
  return true;
}
static_assert(TableIsComplete(), "one row per Op, in Op's order");

}  // namespace

const char* StateName(uint32_t state) {
  static constexpr const char* kNames[kStateCount] = {"UNKNOWN",   "UNPREPARED", "INCOMPATIBLE", "DECOMMISSIONED",
                                                      "AVAILABLE", "ALLOCATED",  "COMPLETE",     "FOREIGN",
                                                      "IMPORT",    "RESERVED"};
  return state < kStateCount ? kNames[state] : "INVALID";
}

const char* OpName(Op op) { return kTable[int(op)].name; }

Result<uint32_t> Next(uint32_t state, Op op) {
  const Row& row = kTable[int(op)];
  // A mount for writing of a completed side is refused as the mount page says.
  if (op == Op::kMountWrite && state == ntms::kPartComplete)
    return Status(err::kWriteProtect, "the side is complete: it cannot be mounted for writing");
  if (state >= kStateCount || !row.next[state])
    return Status(row.refusal, fmt::format("a side in state {} cannot be used to {}", StateName(state), row.name));
  return *row.next[state] == kSame ? state : *row.next[state];
}

Status CheckAll(std::span<const uint32_t> states, Op op) {
  for (uint32_t s : states) RSM_RETURN_IF_ERROR(Next(s, op).status());
  return Status::Ok();
}

}  // namespace openrsm::service::lifecycle
