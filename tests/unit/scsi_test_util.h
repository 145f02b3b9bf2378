// Test helpers for the SCSI layer tests: byte strings from hex, responses
// built the way tgt 1.0.85 builds them (usr/smc.c, as recorded in
// ../shared/tgt-notes.md), and a prefix loop whose buffers are exact-size
// heap copies so that AddressSanitizer catches any read past the end.
#pragma once

#include <cctype>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace openrsm::devices::scsi::testing {

// "70 00 05" or "700005" -> bytes. Non-hex characters separate.
inline std::vector<uint8_t> Hex(std::string_view s) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char ch : s) {
    if (!std::isxdigit(static_cast<unsigned char>(ch))) continue;
    const int v = std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0' : (std::tolower(ch) - 'a' + 10);
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

inline void Be16(std::vector<uint8_t>& v, size_t off, uint16_t x) {
  v.at(off) = static_cast<uint8_t>(x >> 8);
  v.at(off + 1) = static_cast<uint8_t>(x);
}
inline void Be24(std::vector<uint8_t>& v, size_t off, uint32_t x) {
  v.at(off) = static_cast<uint8_t>(x >> 16);
  v.at(off + 1) = static_cast<uint8_t>(x >> 8);
  v.at(off + 2) = static_cast<uint8_t>(x);
}
inline void Be32(std::vector<uint8_t>& v, size_t off, uint32_t x) {
  Be16(v, off, static_cast<uint16_t>(x >> 16));
  Be16(v, off + 2, static_cast<uint16_t>(x));
}
// `text` left-justified in a field of `len` bytes padded with `pad`.
inline void Text(std::vector<uint8_t>& v, size_t off, std::string_view text, size_t len, char pad = ' ') {
  for (size_t i = 0; i < len; ++i) v.at(off + i) = static_cast<uint8_t>(i < text.size() ? text[i] : pad);
}

// One element as tgt's struct slot holds it.
struct TgtSlot {
  uint16_t address = 0;
  bool full = false;
  std::string tag = {};    // barcode or volume_tag ("" = blank)
  uint16_t last_addr = 0;  // source address (0 = SVALID clear)
  uint16_t asc = 0;        // ASC << 8 | ASCQ
  // Data transfer elements mapped to a LUN (DVCID identifier).
  bool mapped = false;
  std::string vendor = "IBM", product = "ULT3580-TD6", serial = {};
};

// tgt smc_read_element_status() for one element type: the data header, one
// page and the descriptors, then cut to 8 + count * element size bytes (tgt
// forgets the page header, so the last descriptor loses 8 bytes) and to the
// allocation length. `header_first` is what tgt puts in FIRST ELEMENT
// ADDRESS REPORTED (for the picker page it is the last slot's address).
inline std::vector<uint8_t> TgtElementStatus(uint8_t type, const std::vector<TgtSlot>& slots, bool voltag, bool dvcid,
                                             uint16_t header_first, uint32_t alloc = 0xFFFF) {
  const size_t esz = voltag ? (dvcid ? 86 : 52) : (dvcid ? 50 : 16);
  const size_t count = slots.size();
  std::vector<uint8_t> d(16 + count * esz, 0);
  Be16(d, 0, header_first);
  Be16(d, 2, static_cast<uint16_t>(count));
  Be32(d, 4, static_cast<uint32_t>(8 + count * esz));
  d[8] = type;
  d[9] = voltag ? 0x80 : 0;
  Be16(d, 10, static_cast<uint16_t>(esz));
  Be32(d, 12, static_cast<uint32_t>(esz * count));
  for (size_t n = 0; n < count; ++n) {
    const TgtSlot& s = slots[n];
    const size_t o = 16 + n * esz;
    Be16(d, o, s.address);
    d[o + 2] = s.full ? 1 : 0;
    d[o + 4] = static_cast<uint8_t>(s.asc >> 8);
    d[o + 5] = static_cast<uint8_t>(s.asc);
    if (s.last_addr) {
      d[o + 9] |= 0x80;
      Be16(d, o + 10, s.last_addr);
    }
    size_t i = 12;
    if (voltag) {
      Text(d, o + i, s.tag, 32);
      i += dvcid ? 36 : 32;
    }
    if (dvcid && type == 4 && s.mapped) {
      d[o + i] = 2;
      d[o + i + 1] = 1;  // tgt writes the drive's peripheral device type here
      d[o + i + 3] = 34;
      Text(d, o + i + 4, s.vendor, 8);
      Text(d, o + i + 12, s.product, 16);
      Text(d, o + i + 28, s.serial, 10, '\0');
    }
  }
  d.resize(std::min<size_t>(std::min<size_t>(8 + count * esz, alloc), d.size()));
  return d;
}

// Calls fn on every prefix of `data` (lengths 0..size), each an exact-size
// heap allocation so that a read past its end is an ASan error.
inline void ForEachPrefix(const std::vector<uint8_t>& data, const std::function<void(std::span<const uint8_t>)>& fn) {
  for (size_t n = 0; n <= data.size(); ++n) {
    if (n == 0) {
      fn(std::span<const uint8_t>());
      continue;
    }
    std::unique_ptr<uint8_t[]> buf(new uint8_t[n]);
    std::memcpy(buf.get(), data.data(), n);
    fn(std::span<const uint8_t>(buf.get(), n));
  }
}

}  // namespace openrsm::devices::scsi::testing
