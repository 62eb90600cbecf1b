#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nova::notify::detail {

/// At most `maxChars` characters (UTF-8 code points) of `text`; when cut, the last one
/// kept is "…" so a reader sees it was cut. Never splits a multi-byte character.
std::string truncateUtf8(std::string_view text, std::size_t maxChars);

/// A rule's value for people: six significant digits ("0.072", "1.5e+06"), `nanText` for
/// NaN (a rule with no value).
std::string formatValue(double value, std::string_view nanText);

}  // namespace nova::notify::detail
