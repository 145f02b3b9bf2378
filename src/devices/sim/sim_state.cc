#include "devices/sim/sim_state.h"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

#include "devices/sim/sim_library.h"

namespace openrsm::devices::sim::internal {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "openrsm-sim-state";
constexpr int kVersion = 1;

// JSON keys of the element types; part of the file format, independent of ElementTypeName.
constexpr std::array<ElementType, 4> kTypes = {ElementType::kTransport, ElementType::kStorage,
                                               ElementType::kImportExport, ElementType::kDataTransfer};
const char* TypeKey(ElementType t) {
  switch (t) {
    case ElementType::kTransport:
      return "transport";
    case ElementType::kStorage:
      return "slot";
    case ElementType::kImportExport:
      return "ieport";
    case ElementType::kDataTransfer:
      return "drive";
  }
  return "?";
}
std::optional<ElementType> TypeFromKey(const std::string& key) {
  for (ElementType t : kTypes)
    if (key == TypeKey(t)) return t;
  return std::nullopt;
}

Status Corrupt(const std::string& why) { return Status(err::kDeviceNotAvailable, why); }

std::string Where(const ElementRef& ref) { return fmt::format("{} {}", TypeKey(ref.type), ref.index); }

json EncodeElement(const SimElement& e, bool is_drive) {
  json j = json::object();
  j["full"] = e.medium.has_value();
  if (e.medium) {
    j["barcode"] = e.medium->barcode;
    if (e.medium->source)
      j["source"] = {{"type", TypeKey(e.medium->source->type)}, {"index", e.medium->source->index}};
    else
      j["source"] = nullptr;
  }
  if (is_drive) j["unloaded"] = e.unloaded;
  return j;
}

// Decodes one element; throws nlohmann::json exceptions on wrong types (caught by DecodeState).
Result<SimElement> DecodeElement(const json& j, bool is_drive) {
  if (!j.is_object()) return Corrupt("an element is not an object");
  SimElement e;
  if (j.at("full").get<bool>()) {
    SimMedium m;
    m.barcode = j.at("barcode").get<std::string>();
    const json& src = j.value("source", json());
    if (!src.is_null()) {
      auto type = TypeFromKey(src.at("type").get<std::string>());
      if (!type) return Corrupt(fmt::format("unknown source element type {}", src.at("type").dump()));
      m.source = ElementRef{*type, src.at("index").get<uint32_t>()};
    }
    e.medium = std::move(m);
  }
  if (is_drive) e.unloaded = j.value("unloaded", false);
  return e;
}

}  // namespace

std::vector<SimElement>& PhysicalState::Of(ElementType t) {
  return const_cast<std::vector<SimElement>&>(static_cast<const PhysicalState*>(this)->Of(t));
}

const std::vector<SimElement>& PhysicalState::Of(ElementType t) const {
  switch (t) {
    case ElementType::kTransport:
      return transports;
    case ElementType::kStorage:
      return slots;
    case ElementType::kImportExport:
      return ieports;
    case ElementType::kDataTransfer:
      break;
  }
  return drives;
}

SimElement* PhysicalState::Find(const ElementRef& ref) {
  return const_cast<SimElement*>(static_cast<const PhysicalState*>(this)->Find(ref));
}

const SimElement* PhysicalState::Find(const ElementRef& ref) const {
  if (static_cast<uint8_t>(ref.type) > static_cast<uint8_t>(ElementType::kDataTransfer)) return nullptr;
  const auto& v = Of(ref.type);
  return ref.index < v.size() ? &v[ref.index] : nullptr;
}

std::optional<ElementRef> PhysicalState::Locate(std::string_view barcode) const {
  if (barcode.empty()) return std::nullopt;
  for (ElementType t : kTypes) {
    const auto& v = Of(t);
    for (uint32_t i = 0; i < v.size(); ++i)
      if (v[i].medium && v[i].medium->barcode == barcode) return ElementRef{t, i};
  }
  return std::nullopt;
}

bool ValidBarcode(std::string_view barcode) {
  if (barcode.size() > kMaxBarcodeLength) return false;
  for (char c : barcode)
    if (c <= ' ' || c > '~') return false;
  return true;
}

Status CheckInvariants(const PhysicalState& s) {
  if (s.standalone) {
    if (!s.transports.empty() || !s.slots.empty() || !s.ieports.empty() || s.drives.size() != 1)
      return Corrupt("a stand-alone drive has exactly one drive element and nothing else");
  } else {
    if (s.transports.size() != 1) return Corrupt("a changer has exactly one transport");
    if (s.slots.empty() || s.drives.empty()) return Corrupt("a changer needs at least one slot and one drive");
  }
  for (ElementType t : kTypes) {
    if (s.Of(t).size() > kMaxElementsPerType) return Corrupt(fmt::format("too many {} elements", TypeKey(t)));
  }
  // Two elements may hold one bar code: an operator can load two cartridges
  // with the same label (SimFaults::OperatorPlace).
  for (ElementType t : kTypes) {
    const auto& v = s.Of(t);
    for (uint32_t i = 0; i < v.size(); ++i) {
      const ElementRef here{t, i};
      const SimElement& e = v[i];
      if (!e.medium) {
        if (e.unloaded) return Corrupt(fmt::format("{} is empty but marked unloaded", Where(here)));
        continue;
      }
      const std::string& bc = e.medium->barcode;
      if (!ValidBarcode(bc)) return Corrupt(fmt::format("{} holds a malformed barcode \"{}\"", Where(here), bc));
      if (e.medium->source && !s.Find(*e.medium->source))
        return Corrupt(fmt::format("{} names a source element that does not exist", Where(here)));
    }
  }
  return Status::Ok();
}

std::string EncodeState(const PhysicalState& s, const std::string& library) {
  json elements = json::object();
  for (ElementType t : kTypes) {
    json arr = json::array();
    for (const SimElement& e : s.Of(t)) arr.push_back(EncodeElement(e, t == ElementType::kDataTransfer));
    elements[TypeKey(t)] = std::move(arr);
  }
  json root = {{"format", kFormat},
               {"version", kVersion},
               {"library", library},
               {"standalone", s.standalone},
               {"elements", std::move(elements)}};
  return root.dump(2) + "\n";
}

Result<PhysicalState> DecodeState(std::string_view text) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Corrupt("not valid JSON");
  if (!root.is_object() || root.value("format", "") != kFormat)
    return Corrupt("not an OpenRSM simulated library state");
  PhysicalState s;
  try {
    if (root.at("version").get<int>() != kVersion)
      return Corrupt(fmt::format("unsupported version {}", root.at("version").dump()));
    s.standalone = root.at("standalone").get<bool>();
    const json& elements = root.at("elements");
    for (ElementType t : kTypes) {
      const json& arr = elements.at(TypeKey(t));
      if (!arr.is_array()) return Corrupt(fmt::format("\"{}\" is not an array", TypeKey(t)));
      if (arr.size() > kMaxElementsPerType) return Corrupt(fmt::format("too many {} elements", TypeKey(t)));
      for (const json& j : arr) {
        auto e = DecodeElement(j, t == ElementType::kDataTransfer);
        if (!e.ok()) return e.status();
        s.Of(t).push_back(std::move(e).value());
      }
    }
  } catch (const json::exception& e) {
    return Corrupt(fmt::format("malformed: {}", e.what()));
  }
  RSM_RETURN_IF_ERROR(CheckInvariants(s));
  return s;
}

}  // namespace openrsm::devices::sim::internal
