#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nova::notify::detail {

/// At most `maxChars` characters (UTF-8 code points) of `text`; when cut, the last one
/// kept is "…" so a reader sees it was cut. Never splits a multi-byte character.
std::string truncateUtf8(std::string_view text, std::size_t maxChars);

}  // namespace nova::notify::detail
