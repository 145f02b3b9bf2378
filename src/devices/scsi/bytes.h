// Big-endian field access over byte spans, for SCSI CDBs, parameter data and
// sense (STYLE.md item 4: no bit-fields, no pointer casts).
//
// Every reader takes an offset and returns std::nullopt when the field does
// not lie wholly inside the span, so a parser over a short or truncated
// buffer can never read past its end. Writers return false (and write
// nothing) when the field would not fit. All functions are pure and
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace openrsm::devices::scsi {

using ByteSpan = std::span<const uint8_t>;
using MutableByteSpan = std::span<uint8_t>;

// True when [off, off + len) lies inside a buffer of `size` bytes (no overflow).
constexpr bool InBounds(size_t size, size_t off, size_t len) { return off <= size && len <= size - off; }

// Unsigned big-endian integer of `n` (1..8) bytes at `off`.
inline std::optional<uint64_t> GetBe(ByteSpan b, size_t off, size_t n) {
  if (n == 0 || n > 8 || !InBounds(b.size(), off, n)) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | b[off + i];
  return v;
}

inline std::optional<uint8_t> Get8(ByteSpan b, size_t off) {
  if (!InBounds(b.size(), off, 1)) return std::nullopt;
  return b[off];
}
inline std::optional<uint16_t> GetBe16(ByteSpan b, size_t off) {
  auto v = GetBe(b, off, 2);
  if (!v) return std::nullopt;
  return static_cast<uint16_t>(*v);
}
inline std::optional<uint32_t> GetBe24(ByteSpan b, size_t off) {
  auto v = GetBe(b, off, 3);
  if (!v) return std::nullopt;
  return static_cast<uint32_t>(*v);
}
inline std::optional<uint32_t> GetBe32(ByteSpan b, size_t off) {
  auto v = GetBe(b, off, 4);
  if (!v) return std::nullopt;
  return static_cast<uint32_t>(*v);
}
inline std::optional<uint64_t> GetBe64(ByteSpan b, size_t off) { return GetBe(b, off, 8); }

// Bit `bit` (0 = least significant) of byte `off`; false when out of range.
inline bool GetBit(ByteSpan b, size_t off, unsigned bit) {
  return InBounds(b.size(), off, 1) && bit < 8 && ((b[off] >> bit) & 1u) != 0;
}
// Bits [lsb, lsb + width) of byte `off`, shifted down; 0 when out of range.
inline uint8_t GetBits(ByteSpan b, size_t off, unsigned lsb, unsigned width) {
  if (!InBounds(b.size(), off, 1) || lsb >= 8 || width == 0 || lsb + width > 8) return 0;
  return static_cast<uint8_t>((b[off] >> lsb) & ((1u << width) - 1u));
}

// Writes the low `n` bytes of `v` big-endian at `off`.
inline bool PutBe(MutableByteSpan b, size_t off, size_t n, uint64_t v) {
  if (n == 0 || n > 8 || !InBounds(b.size(), off, n)) return false;
  for (size_t i = 0; i < n; ++i) b[off + n - 1 - i] = static_cast<uint8_t>(v >> (8 * i));
  return true;
}
inline bool Put8(MutableByteSpan b, size_t off, uint8_t v) { return PutBe(b, off, 1, v); }
inline bool PutBe16(MutableByteSpan b, size_t off, uint16_t v) { return PutBe(b, off, 2, v); }
inline bool PutBe24(MutableByteSpan b, size_t off, uint32_t v) { return PutBe(b, off, 3, v); }
inline bool PutBe32(MutableByteSpan b, size_t off, uint32_t v) { return PutBe(b, off, 4, v); }
inline bool PutBe64(MutableByteSpan b, size_t off, uint64_t v) { return PutBe(b, off, 8, v); }

// The bytes [off, off + len) clamped to the span (empty when off is past the end).
inline ByteSpan Slice(ByteSpan b, size_t off, size_t len) {
  if (off >= b.size()) return {};
  return b.subspan(off, len < b.size() - off ? len : b.size() - off);
}

// The bytes of `b` as a string, unchanged (no trimming).
inline std::string AsString(ByteSpan b) { return std::string(b.begin(), b.end()); }

// ASCII text field: trailing spaces and NULs removed (SPC-4 pads ASCII fields
// with spaces; some devices pad with NULs).
inline std::string TrimmedAscii(ByteSpan b) {
  size_t end = b.size();
  while (end > 0 && (b[end - 1] == ' ' || b[end - 1] == '\0')) --end;
  return std::string(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(end));
}

// Like TrimmedAscii, and leading spaces removed too (tgt left-pads VPD 0x80).
inline std::string TrimmedAsciiBoth(ByteSpan b) {
  size_t begin = 0;
  while (begin < b.size() && (b[begin] == ' ' || b[begin] == '\0')) ++begin;
  return TrimmedAscii(b.subspan(begin));
}

}  // namespace openrsm::devices::scsi
