// CommandRunner: runs one SCSI command on a Transport with OpenRSM's sense
// policy (docs/devices-scsi.md "Sense handling"), for the changer and drive
// implementations (scsi_changer.h, scsi_drive.h).
//
//   * UNIT ATTENTION (ClassifySense action kRetryNow: 29/00 power on or
//     reset, 28/00 not ready to ready, ...) is retried at once, at most
//     `max_retry_now` times; the runner remembers that a UA was seen
//     (unit_attention_seen()) so a changer knows its inventory may have changed.
//   * NOT READY 04/01 and 04/07 (kWaitBecomingReady): the command is re-issued
//     every `becoming_ready_poll` until it stops answering so, bounded by the
//     timeout table's `becoming_ready` entry; progress is logged every
//     `progress_interval` ("waiting for <device> to become ready: 40 s of 7200 s").
//   * kRetryLater (other NOT READY, ABORTED COMMAND) and BUSY / TASK SET FULL
//     status: re-issued after `retry_later_delay`, at most `max_retry_later` times.
//   * Anything else is the caller's: Run() returns the final ScsiResult
//     (GOOD, or CHECK CONDITION with its parsed sense in Outcome::sense).
//
// Transport failures are returned as they come (ERROR_DEVICE_NOT_AVAILABLE,
// ERROR_TIMEOUT). Not thread-safe: one per device, used by its worker thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "devices/device.h"
#include "devices/scsi/sense.h"
#include "devices/scsi/timeouts.h"
#include "devices/scsi/transport.h"

namespace openrsm::devices::scsi {

struct ScsiDeviceOptions {
  TimeoutTable timeouts;   // per-command timeouts (defaults + config overrides)
  Clock* clock = nullptr;  // sleeps between retries; nullptr = RealClock()
  int max_retry_now = 5;   // UNIT ATTENTION re-issues per command
  int max_retry_later = 5;
  std::chrono::milliseconds retry_later_delay{1'000};
  std::chrono::milliseconds becoming_ready_poll{1'000};
  std::chrono::milliseconds progress_interval{30'000};
  // Receives "waiting for <device> to become ready: 40 s of 7200 s" when a
  // wait starts and every progress_interval, and "ready after N s" when it
  // ends; may be null. Shared by the library's devices.
  std::shared_ptr<ProgressReporter> progress;
  // First READ ELEMENT STATUS allocation length per element type; 0 = an
  // estimate from the element count (tests set it small to force a re-issue).
  uint32_t res_initial_allocation = 0;
};

class CommandRunner {
 public:
  CommandRunner(Transport* transport, uint8_t peripheral_type, const ScsiDeviceOptions* options)
      : t_(transport), pdt_(peripheral_type), o_(options) {}

  struct Outcome {
    ScsiResult result;               // the final answer
    std::optional<SenseData> sense;  // parsed sense of a final CHECK CONDITION
    SenseVerdict verdict;            // its classification (error kSuccess when GOOD)
  };

  enum class Wait : uint8_t { kBecomingReady, kNoWait };

  // Runs `cdb` with data-in into `buf` (empty: no data phase). `what` names
  // the command in logs and messages ("MOVE MEDIUM 1024->256").
  // wait = kNoWait returns a NOT READY 04/01 to the caller at once (TEST
  // UNIT READY as a status probe).
  Result<Outcome> Run(ByteSpan cdb, std::span<uint8_t> buf, std::string_view what, Wait wait = Wait::kBecomingReady);

  // GOOD -> OK; CHECK CONDITION -> SenseStatus(); other status -> ERROR_DEVICE_NOT_AVAILABLE.
  Status ToStatus(const Outcome& o, std::string_view what) const;

  bool unit_attention_seen() const { return ua_seen_; }
  void clear_unit_attention() { ua_seen_ = false; }
  Transport* transport() const { return t_; }
  Clock* clock() const;

 private:
  Transport* t_;
  uint8_t pdt_;
  const ScsiDeviceOptions* o_;
  bool ua_seen_ = false;
};

// Convenience: INQUIRY (standard) and VPD 0x80 through a runner.
struct InquiryIdentity {
  uint8_t device_type = 0;
  std::string vendor, product, revision, serial;
};
Result<InquiryIdentity> ReadIdentity(CommandRunner& runner);

}  // namespace openrsm::devices::scsi
