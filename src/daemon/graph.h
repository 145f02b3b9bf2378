// The parts of rsmd's object graph below the service: the catalogue and each
// configured library's devices. daemon::Run builds them in this order, hands
// them to service::Service::Create, and the service stops its workers before
// they are destroyed (in reverse order). Also used by the in-process
// benchmarks (bench/inproc.cc), so that they run what rsmd runs.
#pragma once

#include <memory>
#include <vector>

#include "catalog/store.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/status.h"
#include "service/service.h"
#include "service/worker.h"

namespace openrsm::daemon {

// Creates config.state_dir if needed and opens the catalogue of
// config.catalog_backend ("sqlite": state_dir/catalog.db), wrapped by
// seams.wrap_store when set. ERROR_NOT_SUPPORTED for another backend,
// ERROR_DATABASE_FAILURE when the directory or the catalogue cannot be made.
Result<std::unique_ptr<catalog::Store>> OpenCatalogue(const Config& config, Clock* clock,
                                                      const service::ServiceSeams& seams);

// One runtime per configured library, with its devices opened: a simulated
// library always (an error stops rsmd: a bad sim config is a config error);
// a SCSI library whose device cannot be opened stays offline with the reason
// (its worker reopens it later). `store` records SCSI progress and must
// outlive the runtimes.
Result<std::vector<std::unique_ptr<service::LibraryRuntime>>> OpenLibraries(const Config& config, Clock* clock,
                                                                            catalog::Store* store,
                                                                            const service::ServiceSeams& seams);

}  // namespace openrsm::daemon
