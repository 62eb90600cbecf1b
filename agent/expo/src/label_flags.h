#pragma once

// Per-label flags and thresholds shared by the label block and its slower paths.

#include <cstddef>
#include <cstdint>

namespace nova::expo::detail {

/// Parser::labelEscaped_ bits: the label's name or value holds an escape.
inline constexpr std::uint8_t kNameEscaped = 1;
inline constexpr std::uint8_t kValueEscaped = 2;

/// Up to this many labels, duplicates are looked for pair by pair; above, by sorting.
inline constexpr std::size_t kPairwiseDuplicateCheck = 16;

}  // namespace nova::expo::detail
