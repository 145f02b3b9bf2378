#include "devices/device.h"

namespace openrsm::devices {

const char* ElementTypeName(ElementType t) {
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
  return "unknown";
}

Result<std::vector<ElementStatus>> Changer::ReadElementStatusOf(ElementType type) {
  auto all = ReadElementStatus();
  if (!all.ok()) return all.status();
  std::vector<ElementStatus> out;
  for (auto& e : *all)
    if (e.ref.type == type) out.push_back(std::move(e));
  return out;
}

}  // namespace openrsm::devices
