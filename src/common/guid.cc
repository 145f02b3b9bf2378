#include "common/guid.h"

#include <fmt/format.h>

#include <random>

#include "common/thread_annotations.h"

namespace openrsm {
namespace {
uint32_t Le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24; }
uint16_t Le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string Guid::ToString() const {
  const uint8_t* b = bytes.data();
  return fmt::format("{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}", Le32(b), Le16(b + 4),
                     Le16(b + 6), b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

std::optional<Guid> Guid::Parse(std::string_view t) {
  if (t.size() == 38 && t.front() == '{' && t.back() == '}') t = t.substr(1, 36);
  if (t.size() != 36) return std::nullopt;
  uint8_t raw[16];
  int n = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (t[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = HexVal(t[i]), lo = HexVal(t[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    raw[n++] = uint8_t(hi << 4 | lo);
    i += 2;
  }
  // Text order is big-endian for the first three fields; store little-endian.
  Guid g;
  uint8_t* b = g.bytes.data();
  b[0] = raw[3], b[1] = raw[2], b[2] = raw[1], b[3] = raw[0];
  b[4] = raw[5], b[5] = raw[4];
  b[6] = raw[7], b[7] = raw[6];
  for (int i = 8; i < 16; ++i) b[i] = raw[i];
  return g;
}

namespace {

// The generator behind Guid::New, seeded once from the OS.
struct GuidSource {
  Mutex mu;
  std::mt19937_64 rng RSM_GUARDED_BY(mu){std::random_device{}()};
};

GuidSource& Source() {
  static GuidSource source;
  return source;
}

}  // namespace

Guid Guid::New() {
  GuidSource& src = Source();
  Guid g;
  {
    MutexLock lock(&src.mu);
    uint64_t a = src.rng(), b = src.rng();
    std::memcpy(g.bytes.data(), &a, 8);
    std::memcpy(g.bytes.data() + 8, &b, 8);
  }
  g.bytes[7] = uint8_t((g.bytes[7] & 0x0F) | 0x40);  // version 4 (Data3 high nibble)
  g.bytes[8] = uint8_t((g.bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return g;
}

}  // namespace openrsm
