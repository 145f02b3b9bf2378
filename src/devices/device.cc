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

}  // namespace openrsm::devices
