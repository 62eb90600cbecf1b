#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace nova {

/// The candidate closest to `word` by edit distance, if one is close enough to be a likely
/// typo (distance at most max(1, |word|/3)); used for "did you mean ...?" hints.
std::optional<std::string> closestMatch(std::string_view word,
                                        std::span<const std::string_view> candidates);

}  // namespace nova
