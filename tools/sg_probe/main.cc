// sg_probe: lists the media changers and tape drives on this host's SCSI
// stack (Linux sg, found through sysfs) and, for each changer, its elements
// with their barcodes, as OpenRSM's sg transport and SCSI layer see them.
//
//   sg_probe [--no-elements] [--sysfs DIR] [--dev DIR] [/dev/sgN ...]
//
// A diagnostic for operators (is the library visible, which /dev/nst node is
// which drive element?) and the checker of the QEMU guest tests
// (tests/qemu/guest/sg-smoke.sh compares it with `mtx status`).
//
// Output, one record per line, "key=value" fields, stable for scripts:
//   changer /dev/sg5 hctl=1:0:0:3 vendor=STK product=L700 rev=0104 serial=CHG0000001
//   tape /dev/sg3 hctl=1:0:0:1 vendor=IBM product=ULT3580-TD6 rev=G350 serial=DRV0000001 nst=/dev/nst1
//   assignment /dev/sg5 transport=1+1 storage=1024+20 import_export=768+2 data_transfer=256+3
//   element /dev/sg5 drive 256 full barcode=T00001L6 source=1024 serial=DRV0000001 nst=/dev/nst1
//   element /dev/sg5 slot 1035 full barcode=
//   error /dev/sg5 READ ELEMENT STATUS (storage): ...
// Element kinds: transport, drive, port (import/export), slot, in the order
// READ ELEMENT STATUS returns them, one command per element type. `barcode=`
// appears when the volume tag was reported (empty: no label); `source=` when
// SVALID; `serial=` is the drive's DVCID serial and `nst=` the tape node with
// the same serial; then flags: except(ASC/ASCQ), impexp, truncated.
// Exit status: 0, 1 if a device could not be read, 2 for a usage error.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "devices/scsi/cdb.h"
#include "devices/scsi/os.h"
#include "devices/scsi/parse.h"
#include "devices/scsi/sense.h"
#include "devices/scsi/sg_transport.h"
#include "devices/scsi/timeouts.h"

namespace scsi = openrsm::devices::scsi;
using openrsm::Result;
using openrsm::Status;

namespace {

const scsi::TimeoutTable kTimeouts;

// Runs a data-in command; retries what the sense table calls transient
// (UNIT ATTENTION after the login, BUSY, becoming ready) a few times and
// returns the bytes received, or the error with the decoded sense.
Result<std::vector<uint8_t>> RunIn(scsi::Transport& t, std::span<const uint8_t> cdb, size_t alloc, uint8_t pdt,
                                   std::string_view what) {
  std::vector<uint8_t> buf(alloc);
  for (int attempt = 0;; ++attempt) {
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(kTimeouts.ForCdb(cdb, pdt));
    auto r = t.Execute(scsi::ScsiCommand::In(cdb, buf, timeout));
    if (!r.ok()) return Status(r.status().code(), std::string(what) + ": " + r.status().message());
    if (r->good()) {
      buf.resize(std::min(r->transferred, buf.size()));
      return buf;
    }
    bool again = false;
    Status st(openrsm::err::kDeviceNotAvailable, std::string(what) + ": " + scsi::ScsiStatusName(r->status));
    if (r->check_condition()) {
      auto sense = scsi::ParseSense(r->sense);
      if (sense.ok()) {
        auto verdict = scsi::ClassifySense(*sense);
        if (verdict.action == scsi::SenseAction::kNone) {  // completed (RECOVERED ERROR)
          buf.resize(std::min(r->transferred, buf.size()));
          return buf;
        }
        again = verdict.action == scsi::SenseAction::kRetryNow || verdict.action == scsi::SenseAction::kRetryLater ||
                verdict.action == scsi::SenseAction::kWaitBecomingReady;
        st = scsi::SenseStatus(*sense, what);
      }
    } else if (r->status == scsi::scsi_status::kBusy) {
      again = true;
    }
    if (!again || attempt >= 5) return st;
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

std::string Field(std::string_view key, const std::string& v) {
  // values are printed as is; a space would split the field, so it is replaced
  std::string out(key);
  out += '=';
  for (char c : v) out += (c == ' ' || c == '\t' || c == '\n') ? '_' : c;
  return out;
}

const char* Kind(scsi::SmcElementType t) {
  switch (t) {
    case scsi::SmcElementType::kTransport:
      return "transport";
    case scsi::SmcElementType::kDataTransfer:
      return "drive";
    case scsi::SmcElementType::kImportExport:
      return "port";
    case scsi::SmcElementType::kStorage:
      return "slot";
    default:
      return "element";
  }
}

// The unit serial number through INQUIRY VPD 0x80, when sysfs had none.
std::string InquirySerial(scsi::Transport& t, uint8_t pdt) {
  auto cdb = scsi::InquiryVpd(scsi::kVpdUnitSerialNumber);
  auto data = RunIn(t, cdb, 252, pdt, "INQUIRY VPD 0x80");
  if (!data.ok()) return "";
  auto serial = scsi::ParseUnitSerialNumber(*data);
  return serial.ok() ? *serial : "";
}

// READ ELEMENT STATUS for one element type, growing the allocation length
// when the library has more than fitted.
Result<scsi::ElementStatusData> ReadElements(scsi::Transport& t, scsi::SmcElementType type, bool dvcid) {
  uint32_t alloc = 0xFFFF;
  std::string what = "READ ELEMENT STATUS (" + std::string(scsi::SmcElementTypeName(type)) + ")";
  for (;;) {
    auto cdb = scsi::ReadElementStatus({.type = type, .voltag = true, .dvcid = dvcid, .allocation_length = alloc});
    auto data = RunIn(t, cdb, alloc, scsi::kPdtMediumChanger, what);
    if (!data.ok()) return data.status();
    auto parsed = scsi::ParseElementStatus(*data);
    if (!parsed.ok()) return Status(parsed.status().code(), what + ": " + parsed.status().message());
    if (data->size() < alloc || parsed->bytes_available <= alloc || alloc >= 0xFFFFFF) return parsed;
    alloc = std::min<uint32_t>(parsed->bytes_available + 64, 0xFFFFFF);
  }
}

struct Options {
  bool elements = true;
  scsi::SgDiscoveryOptions discovery;
  std::vector<std::string> only;  // /dev/sgN filters
};

int Usage() {
  std::fprintf(stderr, "usage: sg_probe [--no-elements] [--sysfs DIR] [--dev DIR] [/dev/sgN ...]\n");
  return 2;
}

void PrintError(const std::string& dev, const Status& st) {
  std::printf("error %s %s (%s)\n", dev.c_str(), st.message().c_str(), openrsm::ErrorName(st.code()).c_str());
}

// Prints a changer's element map; false if it could not be read.
bool ProbeChanger(scsi::Transport& t, const std::string& dev, const std::map<std::string, std::string>& nst_by_serial) {
  bool ok = true;
  auto ms_cdb = scsi::ModeSense6(scsi::kModePageElementAddressAssignment);
  auto ms = RunIn(t, ms_cdb, 255, scsi::kPdtMediumChanger, "MODE SENSE page 0x1D");
  if (ms.ok()) {
    auto ea = scsi::ParseElementAddressAssignment(*ms, scsi::ModeSenseFormat::k6);
    if (ea.ok()) {
      auto r = [](const scsi::ElementRange& e) { return std::to_string(e.first) + "+" + std::to_string(e.count); };
      std::printf("assignment %s transport=%s storage=%s import_export=%s data_transfer=%s\n", dev.c_str(),
                  r(ea->transport).c_str(), r(ea->storage).c_str(), r(ea->import_export).c_str(),
                  r(ea->data_transfer).c_str());
    } else {
      PrintError(dev, ea.status());
    }
  } else {
    PrintError(dev, ms.status());  // informative only: the element map below does not need it
  }

  const scsi::SmcElementType types[] = {scsi::SmcElementType::kTransport, scsi::SmcElementType::kDataTransfer,
                                        scsi::SmcElementType::kImportExport, scsi::SmcElementType::kStorage};
  for (auto type : types) {
    bool dvcid = type == scsi::SmcElementType::kDataTransfer;
    auto data = ReadElements(t, type, dvcid);
    if (!data.ok() && dvcid && data.status().code() != openrsm::err::kDeviceNotAvailable) {
      data = ReadElements(t, type, false);  // some libraries reject DVCID (05/24/00)
    }
    if (!data.ok()) {
      PrintError(dev, data.status());
      ok = false;
      continue;
    }
    for (const auto& e : data->elements) {
      std::string line =
          "element " + dev + " " + Kind(e.type) + " " + std::to_string(e.address) + (e.full ? " full" : " empty");
      if (e.has_volume_tag) line += " " + Field("barcode", e.volume_tag);
      if (e.source) line += " source=" + std::to_string(*e.source);
      if (!e.serial.empty()) {
        line += " " + Field("serial", e.serial);
        auto it = nst_by_serial.find(e.serial);
        if (it != nst_by_serial.end()) line += " " + Field("nst", it->second);
      }
      if (e.except) {
        char buf[32];
        std::snprintf(buf, sizeof buf, " except(%02X/%02X)", e.asc, e.ascq);
        line += buf;
      }
      if (e.impexp) line += " impexp";
      if (e.truncated) line += " truncated";
      std::printf("%s\n", line.c_str());
    }
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--no-elements") {
      opt.elements = false;
    } else if ((a == "--sysfs" || a == "--dev") && i + 1 < argc) {
      (a == "--sysfs" ? opt.discovery.sysfs_root : opt.discovery.dev_root) = argv[++i];
    } else if (a == "-h" || a == "--help") {
      Usage();
      return 0;
    } else if (!a.empty() && a[0] != '-') {
      opt.only.push_back(a);
    } else {
      return Usage();
    }
  }
  scsi::ScsiOs* os = scsi::RealScsiOs();
  auto found = scsi::DiscoverSgDevices(os, opt.discovery);
  if (!found.ok()) {
    std::fprintf(stderr, "sg_probe: discovery failed: %s\n", found.status().ToString().c_str());
    return 1;
  }
  std::vector<scsi::SgDevice> devices;
  for (auto& d : *found) {
    if (opt.only.empty() || std::find(opt.only.begin(), opt.only.end(), d.sg_path) != opt.only.end()) {
      devices.push_back(d);
    }
  }
  int changers = 0, tapes = 0;
  for (const auto& d : devices) (d.peripheral_type == scsi::kPeripheralChanger ? changers : tapes)++;
  std::printf("# sg_probe: %d changer(s), %d tape drive(s)\n", changers, tapes);

  int rc = 0;
  std::map<std::string, std::unique_ptr<scsi::SgTransport>> open;
  std::map<std::string, std::string> nst_by_serial;
  for (auto& d : devices) {
    auto t = scsi::SgTransport::Open(os, d.sg_path);
    if (t.ok()) {
      if (d.serial.empty()) d.serial = InquirySerial(**t, d.peripheral_type);
      open[d.sg_path] = std::move(*t);
    } else {
      PrintError(d.sg_path, t.status());
      rc = 1;
    }
    if (d.peripheral_type == scsi::kPeripheralTape && !d.serial.empty() && !d.tape_path.empty()) {
      nst_by_serial[d.serial] = d.tape_path;
    }
  }
  for (const auto& d : devices) {
    bool changer = d.peripheral_type == scsi::kPeripheralChanger;
    std::string line = std::string(changer ? "changer " : "tape ") + d.sg_path + " " + Field("hctl", d.hctl) + " " +
                       Field("vendor", d.vendor) + " " + Field("product", d.model) + " " + Field("rev", d.revision) +
                       " " + Field("serial", d.serial);
    if (!changer) line += " " + Field("nst", d.tape_path);
    std::printf("%s\n", line.c_str());
  }
  if (opt.elements) {
    for (const auto& d : devices) {
      auto it = open.find(d.sg_path);
      if (d.peripheral_type != scsi::kPeripheralChanger || it == open.end()) continue;
      if (!ProbeChanger(*it->second, d.sg_path, nst_by_serial)) rc = 1;
    }
  }
  std::fflush(stdout);
  return rc;
}
