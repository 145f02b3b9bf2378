#include "devices/scsi/scsi_library.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "devices/scsi/scsi_changer.h"
#include "devices/scsi/scsi_drive.h"

namespace openrsm::devices::scsi {

namespace {

Status Unavailable(const std::string& library, const Status& st) {
  return Status(st.code() == err::kInvalidParameter ? err::kInvalidParameter : err::kDeviceNotAvailable,
                fmt::format("library {}: {}", library, st.message()));
}

std::string HostChannelTarget(const std::string& hctl) {
  auto pos = hctl.rfind(':');
  return pos == std::string::npos ? hctl : hctl.substr(0, pos);
}
uint32_t LunOf(const std::string& hctl) {
  auto pos = hctl.rfind(':');
  return pos == std::string::npos ? 0 : uint32_t(std::strtoul(hctl.c_str() + pos + 1, nullptr, 10));
}

Result<std::unique_ptr<ScsiDrive>> OpenSgDrive(ScsiOs* os, const SgDevice& d, const ScsiDeviceOptions& o) {
  auto t = SgTransport::Open(os, d.sg_path);
  if (!t.ok()) return t.status();
  std::unique_ptr<Transport> tr = std::move(t).value();
  auto drive = ScsiDrive::Open(std::move(tr), d.tape_path.empty() ? d.sg_path : d.tape_path, o);
  if (drive.ok()) (*drive)->set_address(ParseHctl(d.hctl));
  return drive;
}

// An iSCSI drive's address: its LUN (the URL was parsed when it was opened).
ScsiAddress IscsiAddress(const std::string& url) {
  ScsiAddress a;
  if (auto u = ParseIscsiUrl(url); u.ok()) a.lun = uint32_t(u->lun);
  return a;
}

}  // namespace

std::vector<std::unique_ptr<Drive>> MapDrivesToElements(const std::string& library,
                                                        const std::vector<std::string>& dte_serials,
                                                        std::vector<OpenedDrive> drives) {
  std::vector<std::unique_ptr<Drive>> out(dte_serials.size());
  const bool identified =
      std::any_of(dte_serials.begin(), dte_serials.end(), [](const std::string& s) { return !s.empty(); });
  if (!identified && !drives.empty()) {
    spdlog::warn(
        "library {}: the changer reports no drive identifiers (DVCID); mapping drives to drive "
        "elements in configured order",
        library);
  }
  for (size_t i = 0; i < drives.size(); ++i) {
    OpenedDrive& d = drives[i];
    std::optional<size_t> at;
    if (identified) {
      for (size_t j = 0; j < dte_serials.size(); ++j)
        if (!d.serial.empty() && dte_serials[j] == d.serial && !out[j]) {
          at = j;
          break;
        }
    } else if (i < out.size()) {
      at = i;
    }
    if (!at) {
      spdlog::warn("library {}: drive {} (serial '{}') is not reported by the changer; it is not used", library,
                   d.where, d.serial);
      continue;
    }
    spdlog::info("library {}: drive element {} is {} (serial {})", library, *at, d.where, d.serial);
    out[*at] = std::move(d.drive);
  }
  for (size_t j = 0; j < out.size(); ++j)
    if (!out[j])
      spdlog::info("library {}: drive element {}{} has no configured drive; not used", library, j,
                   dte_serials[j].empty() ? "" : " (serial " + dte_serials[j] + ")");
  return out;
}

Result<ScsiLibraryOptions> OptionsFor(const LibraryConfig& config) {
  ScsiLibraryOptions o;
  std::map<std::string, TimeoutTable::Seconds> overrides;
  for (const auto& [name, secs] : config.timeouts) overrides[name] = TimeoutTable::Seconds(secs);
  auto table = TimeoutTable::WithOverrides(overrides);
  if (!table.ok())
    return Status(table.status().code(), fmt::format("library '{}': {}", config.name, table.status().message()));
  o.device.timeouts = *table;
  return o;
}

Result<LibraryDevices> MakeIscsiLibrary(const LibraryConfig& config, const ScsiLibraryOptions& options) {
  const std::string& name = config.name;
  IscsiSessionPool pool(options.iscsi);  // transports keep their sessions alive
  LibraryDevices devs;
  if (config.standalone) {
    if (config.drive_urls.size() != 1 || !config.changer_url.empty())
      return Status(
          err::kInvalidParameter,
          fmt::format("library {}: a stand-alone iscsi library has exactly one drive URL and no changer", name));
    auto t = pool.Open(config.drive_urls[0]);
    if (!t.ok()) return Unavailable(name, t.status());
    auto d = ScsiDrive::Open(std::move(t).value(), "", options.device);
    if (!d.ok()) return Unavailable(name, d.status());
    (*d)->set_address(IscsiAddress(config.drive_urls[0]));
    spdlog::info("library {}: stand-alone drive {} serial {}", name, config.drive_urls[0], (*d)->serial());
    devs.drives.push_back(std::move(d).value());
    return devs;
  }
  if (config.changer_url.empty())
    return Status(err::kInvalidParameter, fmt::format("library {}: no changer URL", name));
  auto ct = pool.Open(config.changer_url);
  if (!ct.ok()) return Unavailable(name, ct.status());
  auto changer = ScsiChanger::Open(std::move(ct).value(), options.device);
  if (!changer.ok()) return Unavailable(name, changer.status());
  std::vector<OpenedDrive> opened;
  for (const auto& url : config.drive_urls) {
    auto t = pool.Open(url);
    if (!t.ok()) return Unavailable(name, t.status());
    auto d = ScsiDrive::Open(std::move(t).value(), "", options.device);
    if (!d.ok()) return Unavailable(name, d.status());
    (*d)->set_address(IscsiAddress(url));
    opened.push_back({(*d)->serial(), url, std::move(d).value()});
  }
  devs.drives = MapDrivesToElements(name, (*changer)->DriveSerials(), std::move(opened));
  devs.changer = std::move(changer).value();
  return devs;
}

Result<LibraryDevices> MakeSgLibrary(const LibraryConfig& config, ScsiOs* os, const ScsiLibraryOptions& options) {
  const std::string& name = config.name;
  auto found = DiscoverSgDevices(os, options.sg);
  if (!found.ok()) return Unavailable(name, found.status());
  std::vector<SgDevice> changers, tapes;
  for (auto& d : *found) (d.peripheral_type == kPeripheralChanger ? changers : tapes).push_back(d);
  // Serial of a device: sysfs's cached VPD 0x80, else ask it.
  auto tape_serial = [&](const SgDevice& d) -> std::string {
    if (!d.serial.empty()) return d.serial;
    auto dr = OpenSgDrive(os, d, options.device);
    return dr.ok() ? (*dr)->serial() : "";
  };
  LibraryDevices devs;
  if (config.standalone) {
    const SgDevice* pick = nullptr;
    for (const auto& t : tapes)
      if (config.drive_serial.empty() ? tapes.size() == 1 : tape_serial(t) == config.drive_serial) pick = &t;
    if (!pick)
      return Status(err::kDeviceNotAvailable,
                    config.drive_serial.empty()
                        ? fmt::format("library {}: no drive_serial and {} tape drives found", name, tapes.size())
                        : fmt::format("library {}: no tape drive with serial {} found", name, config.drive_serial));
    auto d = OpenSgDrive(os, *pick, options.device);
    if (!d.ok()) return Unavailable(name, d.status());
    devs.drives.push_back(std::move(d).value());
    return devs;
  }
  std::unique_ptr<ScsiChanger> changer;
  const SgDevice* chdev = nullptr;
  for (const auto& c : changers) {
    if (config.changer_serial.empty() && changers.size() != 1) break;
    if (!config.changer_serial.empty() && !c.serial.empty() && c.serial != config.changer_serial) continue;
    auto t = SgTransport::Open(os, c.sg_path);
    if (!t.ok()) return Unavailable(name, t.status());
    std::unique_ptr<Transport> tr = std::move(t).value();
    auto ch = ScsiChanger::Open(std::move(tr), options.device);
    if (!ch.ok()) return Unavailable(name, ch.status());
    if (!config.changer_serial.empty() && (*ch)->Layout()->serial != config.changer_serial) continue;
    changer = std::move(ch).value();
    chdev = &c;
    break;
  }
  if (!changer)
    return Status(err::kDeviceNotAvailable,
                  config.changer_serial.empty()
                      ? fmt::format("library {}: no changer_serial and {} media changers found", name, changers.size())
                      : fmt::format("library {}: no media changer with serial {} found", name, config.changer_serial));
  const auto& serials = changer->DriveSerials();
  const bool identified = std::any_of(serials.begin(), serials.end(), [](const std::string& s) { return !s.empty(); });
  std::vector<OpenedDrive> opened;
  std::vector<const SgDevice*> candidates;
  if (identified) {
    for (const auto& t : tapes)
      if (std::find(serials.begin(), serials.end(), tape_serial(t)) != serials.end()) candidates.push_back(&t);
  } else {
    // No identifiers: the tape drives on the changer's SCSI target, by LUN.
    for (const auto& t : tapes)
      if (HostChannelTarget(t.hctl) == HostChannelTarget(chdev->hctl)) candidates.push_back(&t);
    std::sort(candidates.begin(), candidates.end(),
              [](const SgDevice* a, const SgDevice* b) { return LunOf(a->hctl) < LunOf(b->hctl); });
  }
  for (const SgDevice* t : candidates) {
    auto d = OpenSgDrive(os, *t, options.device);
    if (!d.ok()) return Unavailable(name, d.status());
    opened.push_back({(*d)->serial(), t->sg_path, std::move(d).value()});
  }
  devs.drives = MapDrivesToElements(name, serials, std::move(opened));
  devs.changer = std::move(changer);
  return devs;
}

}  // namespace openrsm::devices::scsi
