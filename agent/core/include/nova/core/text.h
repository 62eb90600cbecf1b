#pragma once

#include <string>
#include <string_view>

namespace nova {

/// `text` without leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF).
std::string_view trim(std::string_view text);

/// ASCII lower case; other bytes unchanged.
std::string toLowerAscii(std::string_view text);

/// True when `a` and `b` are equal ignoring ASCII case.
bool equalsIgnoreCase(std::string_view a, std::string_view b);

/// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above
/// U+10FFFF).
bool isValidUtf8(std::string_view text);

/// The byte offset of the first byte that makes `text` invalid UTF-8, or npos.
std::size_t firstInvalidUtf8(std::string_view text);

}  // namespace nova
