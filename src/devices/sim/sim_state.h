// The simulated library's physical state as a value, and its JSON form.
// Internal to sim/; see docs/devices-sim.md for the file format.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "devices/device.h"

namespace openrsm::devices::sim::internal {

struct SimMedium {
  std::string barcode;               // "" = an unlabeled cartridge
  std::optional<ElementRef> source;  // the element it was last moved from
};

struct SimElement {
  std::optional<SimMedium> medium;  // nullopt = empty
  bool unloaded = false;            // drives only: the medium is ejected (never set when empty)
};

struct PhysicalState {
  bool standalone = false;
  std::vector<SimElement> transports, slots, ieports, drives;

  std::vector<SimElement>& Of(ElementType t);
  const std::vector<SimElement>& Of(ElementType t) const;
  // The element at `ref`, or null when the index is out of range.
  SimElement* Find(const ElementRef& ref);
  const SimElement* Find(const ElementRef& ref) const;
  // The element holding the labeled cartridge `barcode`, if any.
  std::optional<ElementRef> Locate(std::string_view barcode) const;
};

// "" or printable ASCII without spaces, at most kMaxBarcodeLength characters.
bool ValidBarcode(std::string_view barcode);

// Checks what every state must satisfy: the shape (stand-alone: one drive and
// nothing else; changer: one transport, at least one slot and one drive),
// valid and unique labeled barcodes, sources in range, `unloaded` only on full
// drives. ERROR_DEVICE_NOT_AVAILABLE with the first violation.
Status CheckInvariants(const PhysicalState& state);

// The JSON text of `state` (`library` is recorded for people reading the file).
std::string EncodeState(const PhysicalState& state, const std::string& library);
// Parses and checks a state file's text. ERROR_DEVICE_NOT_AVAILABLE, with the
// reason, for anything malformed.
Result<PhysicalState> DecodeState(std::string_view text);

}  // namespace openrsm::devices::sim::internal
