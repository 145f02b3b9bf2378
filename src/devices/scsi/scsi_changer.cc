#include "devices/scsi/scsi_changer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "devices/scsi/cdb.h"

namespace openrsm::devices::scsi {

namespace {

constexpr std::array<ElementType, 4> kTypes = {ElementType::kTransport, ElementType::kStorage,
                                               ElementType::kImportExport, ElementType::kDataTransfer};

SmcElementType ToSmc(ElementType t) { return static_cast<SmcElementType>(static_cast<uint8_t>(t) + 1); }

const ElementRange& RangeOf(const ElementAddressAssignment& a, ElementType t) {
  switch (t) {
    case ElementType::kTransport:
      return a.transport;
    case ElementType::kStorage:
      return a.storage;
    case ElementType::kImportExport:
      return a.import_export;
    case ElementType::kDataTransfer:
    default:
      return a.data_transfer;
  }
}

// Everything but a transport failure is "the device cannot be used now".
Status AsUnavailable(const Status& st) {
  if (st.ok() || st.code() == err::kDeviceNotAvailable) return st;
  return Status(err::kDeviceNotAvailable, st.message());
}

}  // namespace

Status MapMoveStatus(const Status& st) {
  switch (st.code()) {
    case err::kSuccess:
    case err::kEmpty:
    case err::kNotEmpty:
    case err::kInvalidState:
    case err::kInvalidParameter:
    case err::kDeviceNotAvailable:
    case err::kUnableToLoadMedium:
      return st;
    case err::kNotReady:
      return Status(err::kDeviceNotAvailable, st.message());
    default:  // ERROR_TIMEOUT, MEDIUM_NOT_ACCESSIBLE, NOT_SUPPORTED, ...: outcome unknown
      return Status(err::kUnableToLoadMedium, st.message());
  }
}

ScsiChanger::ScsiChanger(std::unique_ptr<Transport> t, ScsiDeviceOptions o)
    : transport_(std::move(t)), options_(std::move(o)), runner_(transport_.get(), kPdtMediumChanger, &options_) {}

Result<std::unique_ptr<ScsiChanger>> ScsiChanger::Open(std::unique_ptr<Transport> transport,
                                                       ScsiDeviceOptions options) {
  if (!transport) return Status(err::kInvalidParameter, "no transport");
  std::unique_ptr<ScsiChanger> c(new ScsiChanger(std::move(transport), std::move(options)));
  RSM_RETURN_IF_ERROR(c->Init());
  return c;
}

Status ScsiChanger::Init() {
  auto id = ReadIdentity(runner_);
  if (!id.ok()) return AsUnavailable(id.status());
  if (id->device_type != kPdtMediumChanger)
    return Status(err::kDeviceNotAvailable,
                  fmt::format("{} is not a medium changer (peripheral device type {})", Describe(), id->device_type));
  layout_.vendor = id->vendor;
  layout_.product = id->product;
  layout_.serial = id->serial;
  RSM_RETURN_IF_ERROR(AsUnavailable(ReadAddressAssignment()));
  for (ElementType t : kTypes) {
    auto& addrs = addresses_[Slot(t)];
    const ElementRange& range = RangeOf(eaa_, t);
    if (range.count > 0) {
      auto data = ReadType(ToSmc(t));
      if (!data.ok()) return data.status();
      for (const auto& d : data->elements)
        if (d.type == ToSmc(t)) addrs.push_back(d.address);
      std::sort(addrs.begin(), addrs.end());
      addrs.erase(std::unique(addrs.begin(), addrs.end()), addrs.end());
      if (t == ElementType::kDataTransfer) {
        drive_serials_.assign(addrs.size(), "");
        for (const auto& d : data->elements) {
          auto it = std::lower_bound(addrs.begin(), addrs.end(), d.address);
          if (d.type == SmcElementType::kDataTransfer && it != addrs.end() && *it == d.address)
            drive_serials_[size_t(it - addrs.begin())] = d.serial;
        }
      }
    }
    if (addrs.empty() && range.count > 0) {
      spdlog::warn("changer {}: no {} descriptors reported; using page 0x1D addresses {}..{}", Describe(),
                   ElementTypeName(t), range.first, range.first + range.count - 1);
      for (uint32_t i = 0; i < range.count; ++i) addrs.push_back(uint16_t(range.first + i));
      if (t == ElementType::kDataTransfer) drive_serials_.assign(addrs.size(), "");
    }
  }
  layout_.transports = uint32_t(addresses_[Slot(ElementType::kTransport)].size());
  layout_.slots = uint32_t(addresses_[Slot(ElementType::kStorage)].size());
  layout_.ieports = uint32_t(addresses_[Slot(ElementType::kImportExport)].size());
  layout_.drives = uint32_t(addresses_[Slot(ElementType::kDataTransfer)].size());
  runner_.clear_unit_attention();
  spdlog::info("changer {}: {} {} serial {}: {} slots, {} IE ports, {} drive elements, {} transports", Describe(),
               layout_.vendor, layout_.product, layout_.serial, layout_.slots, layout_.ieports, layout_.drives,
               layout_.transports);
  return Status::Ok();
}

Status ScsiChanger::ReadAddressAssignment() {
  std::vector<uint8_t> buf(255);
  const auto cdb6 = ModeSense6(kModePageElementAddressAssignment, 255);
  RSM_ASSIGN_OR_RETURN(auto o, runner_.Run(cdb6, buf, "MODE SENSE(6) page 0x1D"));
  if (o.result.good()) {
    RSM_ASSIGN_OR_RETURN(
        eaa_, ParseElementAddressAssignment(ByteSpan(buf.data(), o.result.transferred), ModeSenseFormat::k6));
    return Status::Ok();
  }
  if (!o.sense || o.sense->key != SenseKey::kIllegalRequest) return runner_.ToStatus(o, "MODE SENSE(6) page 0x1D");
  // Some libraries only answer MODE SENSE(10).
  buf.assign(1024, 0);
  const auto cdb10 = ModeSense10(kModePageElementAddressAssignment, 1024);
  RSM_ASSIGN_OR_RETURN(o, runner_.Run(cdb10, buf, "MODE SENSE(10) page 0x1D"));
  RSM_RETURN_IF_ERROR(runner_.ToStatus(o, "MODE SENSE(10) page 0x1D"));
  RSM_ASSIGN_OR_RETURN(eaa_,
                       ParseElementAddressAssignment(ByteSpan(buf.data(), o.result.transferred), ModeSenseFormat::k10));
  return Status::Ok();
}

Result<ElementStatusData> ScsiChanger::ReadType(SmcElementType type) {
  const auto t = static_cast<ElementType>(static_cast<uint8_t>(type) - 1);
  const ElementRange& range = RangeOf(eaa_, t);
  const bool dvcid = type == SmcElementType::kDataTransfer;
  uint32_t alloc = alloc_[size_t(type)];
  if (alloc == 0) {
    alloc = options_.res_initial_allocation;
    // 8 + 8 header bytes, and a descriptor with a volume tag and a 64-byte identifier.
    if (alloc == 0) alloc = std::max<uint32_t>(1024, 16 + uint32_t(range.count) * (dvcid ? 120 : 56));
  }
  const std::string what = fmt::format("READ ELEMENT STATUS {}", SmcElementTypeName(type));
  for (int attempt = 0;; ++attempt) {
    std::vector<uint8_t> buf(alloc);
    const auto cdb = scsi::ReadElementStatus({.type = type,
                                              .start = range.first,
                                              .count = 0xFFFF,
                                              .voltag = true,
                                              .dvcid = dvcid,
                                              .allocation_length = alloc});
    auto o = runner_.Run(cdb, buf, what);
    if (!o.ok()) return AsUnavailable(o.status());
    if (Status st = runner_.ToStatus(*o, what); !st.ok()) return AsUnavailable(st);
    const size_t got = std::min(o->result.transferred, buf.size());
    auto data = ParseElementStatus(ByteSpan(buf.data(), got));
    if (!data.ok())
      return Status(err::kDeviceNotAvailable, fmt::format("{} from {}: {}", what, Describe(), data.status().message()));
    if (got >= alloc && data->bytes_available > alloc && attempt < 3 && alloc < 0xFFFFFF) {
      spdlog::debug("{} on {}: {} bytes available, {} allocated; re-issuing", what, Describe(), data->bytes_available,
                    alloc);
      alloc = std::min<uint32_t>(data->bytes_available, 0xFFFFFF);
      continue;
    }
    alloc_[size_t(type)] = alloc;
    return data;
  }
}

Result<uint16_t> ScsiChanger::Address(const ElementRef& ref) const {
  const size_t s = Slot(ref.type);
  if (s >= addresses_.size() || ref.index >= addresses_[s].size())
    return Status(err::kInvalidParameter,
                  fmt::format("{} {} is out of range (the changer has {})", ElementTypeName(ref.type), ref.index,
                              s < addresses_.size() ? addresses_[s].size() : 0));
  return addresses_[s][ref.index];
}

Result<ChangerLayout> ScsiChanger::Layout() { return layout_; }

Result<std::vector<ElementStatus>> ScsiChanger::ReadElementStatus() {
  std::vector<ElementStatus> out;
  auto ref_of = [&](uint16_t address) -> std::optional<ElementRef> {
    for (ElementType t : kTypes) {
      const auto& a = addresses_[Slot(t)];
      auto it = std::lower_bound(a.begin(), a.end(), address);
      if (it != a.end() && *it == address) return ElementRef{t, uint32_t(it - a.begin())};
    }
    return std::nullopt;
  };
  std::vector<bool> access;  // ACCESS of out[i]
  for (ElementType t : kTypes) {
    if (addresses_[Slot(t)].empty()) continue;
    RSM_ASSIGN_OR_RETURN(auto data, ReadType(ToSmc(t)));
    for (const auto& d : data.elements) {
      if (d.type != ToSmc(t)) continue;
      auto ref = ref_of(d.address);
      if (!ref || ref->type != t) {
        spdlog::warn("changer {}: {} element {} was not reported at start; ignored", Describe(), ElementTypeName(t),
                     d.address);
        continue;
      }
      ElementStatus e;
      e.ref = *ref;
      e.full = d.full;
      e.exception = d.except;
      if (d.full) e.barcode = d.volume_tag;
      if (d.full && d.source) e.source = ref_of(*d.source);
      out.push_back(std::move(e));
      access.push_back(d.access);
    }
  }
  // A changer that never sets ACCESS (no element reachable by its own robot,
  // storage slots included) does not implement the bit.
  if (std::find(access.begin(), access.end(), true) != access.end()) reports_access_ = true;
  if (reports_access_)
    for (size_t i = 0; i < out.size(); ++i) out[i].accessible = access[i];
  runner_.clear_unit_attention();
  return out;
}

Result<std::vector<ElementStatus>> ScsiChanger::ReadElementStatusOf(ElementType type) {
  std::vector<ElementStatus> out;
  const auto& addrs = addresses_[Slot(type)];
  if (addrs.empty()) return out;
  RSM_ASSIGN_OR_RETURN(auto data, ReadType(ToSmc(type)));
  for (const auto& d : data.elements) {
    if (d.type != ToSmc(type)) continue;
    auto it = std::lower_bound(addrs.begin(), addrs.end(), d.address);
    if (it == addrs.end() || *it != d.address) continue;  // not reported at start
    ElementStatus e;
    e.ref = {type, uint32_t(it - addrs.begin())};
    e.full = d.full;
    e.exception = d.except;
    if (reports_access_) e.accessible = d.access;
    if (d.full) e.barcode = d.volume_tag;
    if (d.full && d.source) {
      for (ElementType t : kTypes) {
        const auto& a = addresses_[Slot(t)];
        auto s = std::lower_bound(a.begin(), a.end(), *d.source);
        if (s != a.end() && *s == *d.source) e.source = ElementRef{t, uint32_t(s - a.begin())};
      }
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(),
            [](const ElementStatus& a, const ElementStatus& b) { return a.ref.index < b.ref.index; });
  return out;
}

Status ScsiChanger::Move(const ElementRef& from, const ElementRef& to) {
  RSM_ASSIGN_OR_RETURN(uint16_t src, Address(from));
  RSM_ASSIGN_OR_RETURN(uint16_t dst, Address(to));
  const auto& mte = addresses_[Slot(ElementType::kTransport)];
  const uint16_t transport = eaa_.transport.count > 0 ? eaa_.transport.first : (mte.empty() ? 0 : mte.front());
  const std::string what = fmt::format("MOVE MEDIUM {}->{}", src, dst);
  const auto cdb = MoveMedium(transport, src, dst);
  auto o = runner_.Run(cdb, {}, what);
  if (!o.ok()) return MapMoveStatus(o.status());
  if (o->result.good()) {
    spdlog::debug("changer {}: {} done", Describe(), what);
    return Status::Ok();
  }
  Status st = runner_.ToStatus(*o, what);
  if (o->sense && (o->sense->key == SenseKey::kHardwareError || o->sense->key == SenseKey::kMediumError))
    st = Status(err::kUnableToLoadMedium, st.message());
  spdlog::warn("changer {}: {} failed: {}", Describe(), what, st.ToString());
  return MapMoveStatus(st);
}

Status ScsiChanger::Rescan() {
  const auto cdb = InitializeElementStatus();
  auto o = runner_.Run(cdb, {}, "INITIALIZE ELEMENT STATUS");
  if (!o.ok()) return o.status();
  if (o->result.good()) {
    spdlog::info("changer {}: elements rescanned (INITIALIZE ELEMENT STATUS)", Describe());
    return Status::Ok();
  }
  if (o->sense && o->sense->key == SenseKey::kIllegalRequest && o->sense->asc == 0x20) {
    spdlog::info("changer {}: no INITIALIZE ELEMENT STATUS (invalid opcode); reading its current view", Describe());
    return Status::Ok();
  }
  return runner_.ToStatus(*o, "INITIALIZE ELEMENT STATUS");
}

}  // namespace openrsm::devices::scsi
