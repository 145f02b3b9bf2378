// The media life cycle in one table (docs/lifecycle.md).
//
// A side (NTMS_PARTITION) has a state of NtmsPartitionState; the concept
// pages "Media Life Cycle" and "RSM Media Identification and Naming" and the
// SDK pages of the calls that change it define how it moves:
//
//   new cartridge --identify--> FOREIGN (Unrecognized pool) | IMPORT (Import pool)
//                               | AVAILABLE (Free pool: a blank cartridge rsmd may use)
//   FOREIGN / IMPORT --to the Free pool--> AVAILABLE
//   AVAILABLE --allocate--> ALLOCATED --complete--> COMPLETE
//   IMPORT --allocate that side--> ALLOCATED
//   ALLOCATED / COMPLETE --deallocate--> AVAILABLE, or DECOMMISSIONED when the
//                                        side reached its pool's maximum allocations
//   AVAILABLE --decommission--> DECOMMISSIONED (never used again)
//
// Every operation that changes a side's state, or that a state forbids (a
// mount for writing of a COMPLETE side, the deletion of a cartridge with an
// allocated side), asks this table; nothing else writes Partition::state. A
// refusal carries the Win32 code the operation's SDK page gives for it.
#pragma once

#include <cstdint>
#include <span>

#include "common/status.h"

namespace openrsm::service::lifecycle {

enum class Op : uint8_t {
  kIdentifyForeign,    // first seen, not recognised: Unrecognized pool
  kIdentifyImport,     // first seen, a label rsmd recognises from elsewhere: Import pool
  kIdentifyFree,       // first seen, blank or known scratch: Free pool
  kToFree,             // MoveToNtmsMediaPool into a Free pool
  kToImport,           // MoveToNtmsMediaPool into an Import pool
  kToApplication,      // MoveToNtmsMediaPool into an application pool
  kAllocate,           // AllocateNtmsMedia of an Available side
  kAllocateSide,       // AllocateNtmsMedia with lpPartition: an Available or Import side
  kDeallocate,         // DeallocateNtmsMedia, allocations left
  kDeallocateRetired,  // DeallocateNtmsMedia, the pool's maximum allocations reached
  kComplete,           // SetNtmsMediaComplete
  kDecommission,       // DecommissionNtmsMedia
  kMountRead,          // MountNtmsMedia without NTMS_MOUNT_WRITE (no change)
  kMountWrite,         // MountNtmsMedia with NTMS_MOUNT_WRITE (no change)
  kDeleteMedia,        // DeleteNtmsMedia (no change; the side goes with its cartridge)
};
inline constexpr int kOpCount = int(Op::kDeleteMedia) + 1;

// The state a side in `state` has after `op`, or the refusal: the Win32 code
// of the operation's SDK page, with a message naming the state.
Result<uint32_t> Next(uint32_t state, Op op);

// Next() for every side of one cartridge (all or nothing): OK when each may
// take `op`. The first refusal is returned.
Status CheckAll(std::span<const uint32_t> states, Op op);

// "AVAILABLE", "ALLOCATED", ... for messages and `rsm`.
const char* StateName(uint32_t state);
const char* OpName(Op op);

}  // namespace openrsm::service::lifecycle
