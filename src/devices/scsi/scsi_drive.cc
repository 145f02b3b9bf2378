#include "devices/scsi/scsi_drive.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "devices/scsi/cdb.h"

namespace openrsm::devices::scsi {

namespace {

// Maps a failed unload-path command to device.h's codes.
Status UnloadStatus(const CommandRunner::Outcome& o, const Status& st) {
  if (o.sense) {
    if (o.sense->key == SenseKey::kHardwareError || o.sense->key == SenseKey::kMediumError)
      return Status(err::kUnableToLoadMedium, st.message());
    if (o.sense->key == SenseKey::kNotReady && o.sense->asc == 0x3A) return Status(err::kEmpty, st.message());
  }
  switch (st.code()) {
    case err::kInvalidState:
    case err::kEmpty:
    case err::kDeviceNotAvailable:
    case err::kUnableToLoadMedium:
      return st;
    case err::kNotReady:
      return Status(err::kDeviceNotAvailable, st.message());
    default:
      return Status(err::kUnableToLoadMedium, st.message());
  }
}

Status TransportFailure(const Status& st) {
  // ERROR_TIMEOUT of a rewind or unload: where the tape is is unknown.
  if (st.code() == err::kTimeout) return Status(err::kUnableToLoadMedium, st.message());
  return st.code() == err::kDeviceNotAvailable ? st : Status(err::kDeviceNotAvailable, st.message());
}

}  // namespace

ScsiDrive::ScsiDrive(std::unique_ptr<Transport> t, ScsiDeviceOptions o)
    : transport_(std::move(t)), options_(std::move(o)), runner_(transport_.get(), kPdtSequentialAccess, &options_) {}

Result<std::unique_ptr<ScsiDrive>> ScsiDrive::Open(std::unique_ptr<Transport> transport, std::string device_name,
                                                   ScsiDeviceOptions options) {
  if (!transport) return Status(err::kInvalidParameter, "no transport");
  std::unique_ptr<ScsiDrive> d(new ScsiDrive(std::move(transport), std::move(options)));
  auto id = ReadIdentity(d->runner_);
  if (!id.ok()) {
    const Status& st = id.status();
    return st.code() == err::kDeviceNotAvailable ? st : Status(err::kDeviceNotAvailable, st.message());
  }
  if (id->device_type != kPdtSequentialAccess)
    return Status(err::kDeviceNotAvailable,
                  fmt::format("{} is not a tape drive (peripheral device type {})", d->Describe(), id->device_type));
  d->identity_.vendor = id->vendor;
  d->identity_.product = id->product;
  d->identity_.revision = id->revision;
  d->identity_.serial = id->serial;
  d->identity_.device_name = device_name.empty() ? d->Describe() : device_name;
  return d;
}

Result<DriveStatus> ScsiDrive::GetStatus() {
  const auto cdb = TestUnitReady();
  auto o = runner_.Run(cdb, {}, "TEST UNIT READY", CommandRunner::Wait::kNoWait);
  if (!o.ok()) return TransportFailure(o.status());
  DriveStatus s;
  if (o->result.good()) {
    s.loaded = s.ready = true;
    return s;
  }
  if (o->sense && o->sense->key == SenseKey::kNotReady) {
    if (o->sense->asc == 0x3A) return s;  // medium not present
    s.loaded = true;                      // becoming ready, initializing command required, ...
    return s;
  }
  Status st = runner_.ToStatus(*o, "TEST UNIT READY");
  return Status(err::kDeviceNotAvailable, st.message());
}

Status ScsiDrive::Unload() {
  {
    const auto cdb = Rewind();
    auto o = runner_.Run(cdb, {}, "REWIND");
    if (!o.ok()) return TransportFailure(o.status());
    if (Status st = runner_.ToStatus(*o, "REWIND"); !st.ok()) return UnloadStatus(*o, st);
  }
  const auto cdb = scsi::Unload();
  auto o = runner_.Run(cdb, {}, "UNLOAD");
  if (!o.ok()) return TransportFailure(o.status());
  if (Status st = runner_.ToStatus(*o, "UNLOAD"); !st.ok()) {
    Status mapped = UnloadStatus(*o, st);
    spdlog::warn("drive {}: unload failed: {}", Describe(), mapped.ToString());
    return mapped;
  }
  return Status::Ok();
}

}  // namespace openrsm::devices::scsi
