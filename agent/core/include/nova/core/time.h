#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "nova/core/result.h"

namespace nova {

/// Milliseconds since the Unix epoch, as Prometheus stores sample timestamps.
using TimestampMs = std::int64_t;
/// A span of time in milliseconds.
using DurationMs = std::int64_t;

inline constexpr DurationMs kSecond = 1000;
inline constexpr DurationMs kMinute = 60 * kSecond;
inline constexpr DurationMs kHour = 60 * kMinute;

/// Parses a Prometheus duration ("0", "5m", "1h30m", "10s53ms"; units y w d h m s ms,
/// each at most once, largest first). Negative and fractional values are refused.
Result<DurationMs> parseDuration(std::string_view text);

/// Formats as Prometheus does: the largest units first, "0s" for zero ("1h30m", "250ms").
std::string formatDuration(DurationMs duration);

/// A point on the monotonic clock: milliseconds since an arbitrary origin (see Clock).
/// A type of its own so it never mixes with wall time: durations, deadlines, timeouts and
/// backoff are measured on it, wall time (TimestampMs) only labels events.
class MonoTime {
 public:
  constexpr MonoTime() = default;
  constexpr explicit MonoTime(std::int64_t ms) : ms_(ms) {}
  constexpr std::int64_t ms() const { return ms_; }

  friend constexpr MonoTime operator+(MonoTime t, DurationMs d) { return MonoTime(t.ms_ + d); }
  friend constexpr MonoTime operator-(MonoTime t, DurationMs d) { return MonoTime(t.ms_ - d); }
  friend constexpr DurationMs operator-(MonoTime a, MonoTime b) { return a.ms_ - b.ms_; }
  constexpr MonoTime& operator+=(DurationMs d) {
    ms_ += d;
    return *this;
  }
  friend constexpr auto operator<=>(MonoTime, MonoTime) = default;

 private:
  std::int64_t ms_ = 0;
};

}  // namespace nova
