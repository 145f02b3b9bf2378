// Guid: the 16-byte object identifier (NTMS_GUID) used throughout OpenRSM.
// Byte layout equals the C API's NTMS_GUID on little-endian Linux: Data1,
// Data2, Data3 in host order, then Data4[8].
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace openrsm {

struct Guid {
  std::array<uint8_t, 16> bytes{};

  bool IsNull() const {
    for (auto b : bytes)
      if (b) return false;
    return true;
  }
  // Canonical text form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case),
  // printed field-wise as Windows does (Data1..Data3 as numbers).
  std::string ToString() const;
  // Accepts the canonical form, optionally in braces; nullopt on bad input.
  static std::optional<Guid> Parse(std::string_view text);
  // A new random (version 4) GUID. Thread-safe.
  static Guid New();
  static Guid FromRaw(const void* p) {
    Guid g;
    std::memcpy(g.bytes.data(), p, 16);
    return g;
  }
  void ToRaw(void* p) const { std::memcpy(p, bytes.data(), 16); }

  friend bool operator==(const Guid&, const Guid&) = default;
  friend auto operator<=>(const Guid&, const Guid&) = default;
};

}  // namespace openrsm

template <>
struct std::hash<openrsm::Guid> {
  size_t operator()(const openrsm::Guid& g) const noexcept {
    uint64_t a, b;
    std::memcpy(&a, g.bytes.data(), 8);
    std::memcpy(&b, g.bytes.data() + 8, 8);
    return std::hash<uint64_t>()(a * 0x9E3779B97F4A7C15ull ^ b);
  }
};
