// In-process Service (no RPC): a Service built and started in the benchmark
// process, on a state dir under `base` ("/tmp" = ext4, "/dev/shm" = tmpfs).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/guid.h"
#include "service/service.h"

namespace rsmbench {

struct InProc {
  std::string dir;
  std::unique_ptr<openrsm::service::Service> svc;
  openrsm::service::Peer peer;
  openrsm::Guid session, library, media;
  std::vector<openrsm::Guid> drives;
};

// Built on first use per base, kept for the run (stopped by StopInProc).
InProc& InProcOn(const std::string& base);
void StopInProc();

}  // namespace rsmbench
