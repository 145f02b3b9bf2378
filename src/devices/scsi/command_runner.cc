#include "devices/scsi/command_runner.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "devices/scsi/cdb.h"
#include "devices/scsi/parse.h"

namespace openrsm::devices::scsi {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

Clock* CommandRunner::clock() const { return o_->clock ? o_->clock : RealClock(); }

Result<CommandRunner::Outcome> CommandRunner::Run(ByteSpan cdb, std::span<uint8_t> buf, std::string_view what,
                                                  Wait wait) {
  const milliseconds timeout = duration_cast<milliseconds>(o_->timeouts.ForCdb(cdb, pdt_));
  const ScsiCommand cmd = buf.empty() ? ScsiCommand::None(cdb, timeout) : ScsiCommand::In(cdb, buf, timeout);
  Clock* clk = clock();
  int retry_now = 0, retry_later = 0;
  std::optional<std::chrono::steady_clock::time_point> ready_since;
  std::chrono::steady_clock::time_point last_progress{};
  const auto ready_limit = o_->timeouts.For(Command::kBecomingReady);
  for (;;) {
    RSM_ASSIGN_OR_RETURN(ScsiResult r, t_->Execute(cmd));
    Outcome out;
    if (r.good()) {
      if (ready_since) {
        const std::string text = fmt::format("{} ready after {} s", t_->Describe(),
                                             duration_cast<seconds>(clk->Steady() - *ready_since).count());
        spdlog::info("{}", text);
        if (o_->progress) o_->progress->Report(text);
      }
      out.result = std::move(r);
      return out;
    }
    if (r.status == scsi_status::kBusy || r.status == scsi_status::kTaskSetFull) {
      if (++retry_later > o_->max_retry_later)
        return Status(err::kDeviceNotAvailable, fmt::format("{} on {}: still {} after {} tries", what, t_->Describe(),
                                                            ScsiStatusName(r.status), retry_later));
      clk->Sleep(o_->retry_later_delay);
      continue;
    }
    if (!r.check_condition()) {
      out.result = std::move(r);
      return out;  // RESERVATION CONFLICT etc.: ToStatus reports it
    }
    auto sense = ParseSense(r.sense);
    if (!sense.ok()) {
      return Status(err::kDeviceNotAvailable, fmt::format("{} on {}: CHECK CONDITION with unreadable sense: {}", what,
                                                          t_->Describe(), sense.status().message()));
    }
    const SenseVerdict v = ClassifySense(*sense);
    switch (v.action) {
      case SenseAction::kRetryNow:
        if (sense->key == SenseKey::kUnitAttention) ua_seen_ = true;
        if (++retry_now <= o_->max_retry_now) {
          spdlog::debug("{} on {}: {}; retrying", what, t_->Describe(), DescribeSense(*sense));
          continue;
        }
        break;
      case SenseAction::kRetryLater:
        if (++retry_later <= o_->max_retry_later) {
          spdlog::info("{} on {}: {}; retrying in {} ms", what, t_->Describe(), DescribeSense(*sense),
                       o_->retry_later_delay.count());
          clk->Sleep(o_->retry_later_delay);
          continue;
        }
        break;
      case SenseAction::kWaitBecomingReady: {
        if (wait == Wait::kNoWait) break;
        const auto now = clk->Steady();
        if (!ready_since) {
          ready_since = now;
          last_progress = now;
          spdlog::info("{} on {}: {}; waiting up to {} s for it to become ready", what, t_->Describe(),
                       DescribeSense(*sense), ready_limit.count());
          if (o_->progress)
            o_->progress->Report(fmt::format("{}: waiting for {} to become ready: 0 s of {} s", what, t_->Describe(),
                                             ready_limit.count()));
        }
        const auto waited = now - *ready_since;
        if (waited >= ready_limit) {
          return Status(err::kDeviceNotAvailable,
                        fmt::format("{} on {}: not ready after {} s ({})", what, t_->Describe(),
                                    duration_cast<seconds>(waited).count(), DescribeSense(*sense)));
        }
        if (now - last_progress >= o_->progress_interval) {
          last_progress = now;
          const std::string text = fmt::format("{}: waiting for {} to become ready: {} s of {} s", what, t_->Describe(),
                                               duration_cast<seconds>(waited).count(), ready_limit.count());
          spdlog::info("{}", text);
          if (o_->progress) o_->progress->Report(text);
        }
        clk->Sleep(o_->becoming_ready_poll);
        continue;
      }
      default:
        break;
    }
    out.result = std::move(r);
    out.sense = *sense;
    out.verdict = v;
    return out;
  }
}

Status CommandRunner::ToStatus(const Outcome& o, std::string_view what) const {
  if (o.result.good()) return Status::Ok();
  if (o.sense) {
    Status st = SenseStatus(*o.sense, what);
    if (st.ok()) return st;
    return Status(st.code(), fmt::format("{} ({})", st.message(), t_->Describe()));
  }
  return Status(err::kDeviceNotAvailable,
                fmt::format("{} on {}: {}", what, t_->Describe(), ScsiStatusName(o.result.status)));
}

Result<InquiryIdentity> ReadIdentity(CommandRunner& runner) {
  InquiryIdentity id;
  {
    std::vector<uint8_t> buf(96);
    const auto cdb = Inquiry(uint16_t(buf.size()));
    RSM_ASSIGN_OR_RETURN(auto o, runner.Run(cdb, buf, "INQUIRY"));
    RSM_RETURN_IF_ERROR(runner.ToStatus(o, "INQUIRY"));
    RSM_ASSIGN_OR_RETURN(auto inq, ParseInquiry(ByteSpan(buf.data(), o.result.transferred)));
    id.device_type = inq.device_type;
    id.vendor = inq.vendor;
    id.product = inq.product;
    id.revision = inq.revision;
  }
  std::vector<uint8_t> buf(252);
  const auto cdb = InquiryVpd(kVpdUnitSerialNumber, uint16_t(buf.size()));
  RSM_ASSIGN_OR_RETURN(auto o, runner.Run(cdb, buf, "INQUIRY VPD 0x80"));
  if (o.result.good()) {
    auto sn = ParseUnitSerialNumber(ByteSpan(buf.data(), o.result.transferred));
    if (sn.ok()) id.serial = *sn;
  } else if (!o.sense) {
    return runner.ToStatus(o, "INQUIRY VPD 0x80");
  }
  // A device without page 0x80 (ILLEGAL REQUEST) simply has no serial.
  return id;
}

}  // namespace openrsm::devices::scsi
