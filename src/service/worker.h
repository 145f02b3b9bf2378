// LibraryWorker: the one thread that drives a library's devices.
//
// It takes the library's persisted requests in priority, then FIFO order,
// runs the device steps outside any catalogue transaction, and commits each
// step's outcome. Before a cartridge moves, the media is marked
// needs_inventory in the catalogue; the mark is cleared by the commit that
// records where the move left it. A crash between the two leaves the mark,
// and the startup inventory resolves it.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "catalog/store.h"
#include "common/clock.h"
#include "common/config.h"
#include "devices/device.h"
#include "service/completions.h"

namespace openrsm::devices::sim {
class SimFaults;
}

namespace openrsm::service {

struct LibraryRuntime {
  LibraryConfig config;
  Guid id;
  devices::LibraryDevices devices;
  std::shared_ptr<devices::sim::SimFaults> sim_faults;  // sim libraries only
  std::unique_ptr<class LibraryWorker> worker;
};

// System pools and the media type new cartridges get.
struct SystemObjects {
  Guid media_type;
  Guid free_pool;          // child of "Free" for media_type
  Guid import_pool;
  Guid unrecognized_pool;
};

class LibraryWorker {
 public:
  LibraryWorker(LibraryRuntime* lib, catalog::Store* store, Completions* completions, Clock* clock,
                SystemObjects sys);
  ~LibraryWorker();
  void Start();
  void Stop();   // waits for the current step to finish
  void Wake();

  // Reads the device and reconciles the catalogue with it (also used at start).
  Status RunInventory();

 private:
  void Loop();
  // Runs one runnable request; false when there is none.
  bool RunOne();
  // Records the outcome of a request the worker ran and wakes its waiter.
  void Finish(catalog::LibRequest& req, uint32_t code);
  uint32_t Execute(catalog::LibRequest& req);
  uint32_t DoMount(catalog::LibRequest& req);
  uint32_t DoDismount(catalog::LibRequest& req, bool deferred);
  uint32_t MoveOutOfDrive(catalog::LibRequest& req, const Guid& drive_id);
  // Handles a failed robot move of `media` to or from `slot`: offline device,
  // refused move (nothing moved), or unknown outcome (marked for inventory).
  // Returns the request's error code.
  uint32_t MoveFailed(const Status& mv, catalog::PhysicalMedia& media, const Guid& slot);
  Status SetOffline(const std::string& reason);
  Status MarkNeedsInventory(const Guid& media, const std::string& why, const Guid& slot = Guid());

  LibraryRuntime* lib_;
  catalog::Store* store_;
  Completions* completions_;
  Clock* clock_;
  SystemObjects sys_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false;
  bool stop_ = false;
  std::thread thread_;
};

// Test hook (rsmd with [testing] hooks): the next worker to finish a robot
// move exits the process before committing the move's outcome.
void ArmCrashAfterMove();

// Reconciles the catalogue for `library` with an element-status read.
Status Reconcile(catalog::Txn& txn, const Guid& library, const std::vector<devices::ElementStatus>& elements,
                 const SystemObjects& sys, int64_t now_ms);

}  // namespace openrsm::service
