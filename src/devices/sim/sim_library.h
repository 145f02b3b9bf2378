// The simulated library: a Changer and its Drives (or one stand-alone Drive)
// over a physical state kept in a JSON file, with robot time on an injected
// Clock and fault switches for tests (DESIGN.md principles 5 and 6).
//
// The physical state (which cartridge sits in which element, whether each
// drive has ejected its medium, where each cartridge was last moved from) is
// replaced atomically on disk after every change, so a restarted daemon, or
// one killed with SIGKILL at any moment, finds the robot as it left it.
// docs/devices-sim.md describes the file format and the invariants.
//
// Thread safety: the devices of one library share one mutex-protected state.
// Every call, including the SimFaults operator actions, is safe from any
// thread; calls on one library are serialized, and a Move, an Unload or a
// ReadElementStatus holds the library for its whole robot time (an operator
// cannot reach into a moving robot either).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "common/thread_annotations.h"
#include "devices/device.h"

namespace openrsm::devices::sim {

// Robot timings at time_scale = 1 (a mid-range LTO library).
inline constexpr double kMoveSeconds = 8.0;        // one MOVE MEDIUM, pick to place
inline constexpr double kInventorySeconds = 30.0;  // READ ELEMENT STATUS with a barcode scan
inline constexpr double kUnloadSeconds = 20.0;     // rewind + eject in a drive
inline constexpr double kScanSeconds = 10.0;       // INITIALIZE ELEMENT STATUS (NTMS_INVENTORY_FAST)

// Limits that keep a configuration sane (SCSI volume tags are 32 bytes).
inline constexpr uint32_t kMaxElementsPerType = 10000;
inline constexpr size_t kMaxBarcodeLength = 32;

struct SimConfig {
  std::string name;        // library name (used in messages); required
  std::string state_file;  // JSON file holding the physical state; required
  uint32_t drives = 2, slots = 20, ieports = 2;
  bool standalone = false;  // one drive, no changer (drives/slots/ieports ignored)
  // Barcodes placed in the first slots (stand-alone: at most one, in the drive).
  // "" is an unlabeled cartridge. Used only when the state file does not exist.
  std::vector<std::string> media;
  double time_scale = 0.0;  // 0 = no delay; 1 = the k*Seconds above
  // false: the state file is replaced without fsyncs (survives a crash of
  // rsmd, not a power loss); for benchmarks of the queue (docs/devices-sim.md).
  bool durable_state = true;
  std::string serial_prefix;  // "" = "SIM" + name. Changer serial = prefix + "CHG",
                              // drive i serial = prefix + "DRV" + i
};

namespace internal {
class SimLibrary;
}

// Fault switches and operator actions for one simulated library: the
// simulator's own test double. A test or the test daemon (tests/daemon)
// holds it; rsmd passes none (MakeSimLibrary then makes a private, idle one).
// MakeSimLibrary attaches the library it builds (the most recently built
// library on this object receives the operator actions). Thread-safe.
class SimFaults {
 public:
  // Sets a fault by name:
  //   "move_fail"         the next `count` moves fail with ERROR_UNABLE_TO_LOAD_MEDIUM; the
  //                       cartridge stays at the source. count <= 0 clears.
  //   "move_fail_after"   the next `count` moves complete (state written) but report
  //                       ERROR_UNABLE_TO_LOAD_MEDIUM. count <= 0 clears.
  //   "removal_prevented" drive `drive_index` refuses Unload, and moves out of it, with
  //                       ERROR_INVALID_STATE (an application holds it); count <= 0 clears.
  //   "unavailable"       every device call fails with ERROR_DEVICE_NOT_AVAILABLE;
  //                       count <= 0 clears.
  // Moves count against "move_fail*" only once they pass validation (indices, full/empty,
  // unloaded); "move_fail" is consumed before "move_fail_after".
  // ERROR_INVALID_PARAMETER for an unknown name or a negative drive_index.
  Status SetFault(const std::string& name, int drive_index, int count);
  // Clears every fault. Does not touch the physical state.
  void ClearFaults();

  // Operator actions: a person handling cartridges behind the daemon's back. They change
  // the persisted state; they ignore "unavailable" (they are not device calls).
  // ERROR_DEVICE_NOT_AVAILABLE when no library is attached (or it was destroyed).
  //
  // Puts a cartridge (barcode "" = unlabeled) into an empty slot, IE port or drive (a drive
  // receives it loaded). ERROR_INVALID_PARAMETER for a bad element or barcode, or a barcode
  // already in the library; ERROR_NOT_EMPTY when the element is full.
  Status OperatorPlace(const ElementRef& where, const std::string& barcode);
  // Takes the cartridge out of a slot, IE port or drive. ERROR_EMPTY when there is none;
  // ERROR_INVALID_STATE for a drive whose removal is prevented; ERROR_INVALID_PARAMETER for
  // a bad element.
  Status OperatorRemove(const ElementRef& where);
  // Stand-alone drive forms of the above (ERROR_INVALID_OPERATION on a changer library).
  Status InsertIntoStandalone(const std::string& barcode);
  Status RemoveFromStandalone();

 private:
  friend class internal::SimLibrary;
  friend Result<LibraryDevices> MakeSimLibrary(const SimConfig&, Clock*, std::shared_ptr<SimFaults>);

  enum class MoveFault { kNone, kFailBefore, kFailAfter };
  MoveFault TakeMoveFault();
  bool Unavailable() const;
  bool RemovalPrevented(uint32_t drive_index) const;
  void Attach(std::weak_ptr<internal::SimLibrary> library);
  std::shared_ptr<internal::SimLibrary> Attached() const;

  mutable Mutex mu_;
  int move_fail_ RSM_GUARDED_BY(mu_) = 0;
  int move_fail_after_ RSM_GUARDED_BY(mu_) = 0;
  bool unavailable_ RSM_GUARDED_BY(mu_) = false;
  std::set<uint32_t> removal_prevented_ RSM_GUARDED_BY(mu_);
  std::weak_ptr<internal::SimLibrary> library_ RSM_GUARDED_BY(mu_);
};

// Builds the devices of a simulated library. If cfg.state_file exists it is loaded (its
// contents win over cfg.media); otherwise the initial state is made from the config and
// written. The returned devices share the state and keep `faults` alive; `clock` must
// outlive them. `faults` may be null (a private, fault-free one is made).
// Errors: ERROR_INVALID_PARAMETER for a bad config (null clock, empty name or path, no
// drives or slots, more media than slots, duplicate or malformed barcodes, stand-alone with
// more than one medium, negative time_scale) or a state file whose layout differs from the
// config; ERROR_DEVICE_NOT_AVAILABLE for a corrupt or unreadable state file or when the
// initial state cannot be written.
Result<LibraryDevices> MakeSimLibrary(const SimConfig& cfg, Clock* clock, std::shared_ptr<SimFaults> faults);

}  // namespace openrsm::devices::sim
