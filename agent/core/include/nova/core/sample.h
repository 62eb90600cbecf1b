#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

#include "nova/core/time.h"

namespace nova {

/// Prometheus marks a series that vanished from its target with this NaN payload. It is
/// told apart from an ordinary NaN by its bits.
inline constexpr std::uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;

inline double staleNaN() {
  return std::bit_cast<double>(kStaleNaNBits);
}
inline bool isStaleNaN(double v) {
  return std::bit_cast<std::uint64_t>(v) == kStaleNaNBits;
}

/// One float sample of one series.
struct Sample {
  TimestampMs t = 0;
  double v = 0;
};

}  // namespace nova
