// UTF-8 / UTF-16 conversion with validation, for the A and W API variants.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace openrsm {

// nullopt if `s` is not valid UTF-8 (overlong forms, surrogates and code
// points above U+10FFFF are invalid).
bool IsValidUtf8(std::string_view s);
// nullopt on an unpaired surrogate.
std::optional<std::string> Utf16ToUtf8(std::u16string_view s);
// `s` must be valid UTF-8.
std::u16string Utf8ToUtf16(std::string_view s);

// Copies `s` into a fixed char array of `cap` elements, NUL-terminated,
// truncated at a character boundary.
void CopyUtf8(const std::string& s, char* dst, size_t cap);
void CopyUtf16(const std::string& s, char16_t* dst, size_t cap);

}  // namespace openrsm
