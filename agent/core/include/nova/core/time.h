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

/// The source of the current time. Everything that decides reads time from here, so tests
/// drive it with ManualClock and never sleep.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Wall-clock time in milliseconds since the epoch.
  virtual TimestampMs now() const = 0;
};

/// The real wall clock.
class SystemClock final : public Clock {
 public:
  TimestampMs now() const override;
};

/// A clock that moves only when told to. Not thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimestampMs start = 0) : now_(start) {}
  TimestampMs now() const override { return now_; }
  void set(TimestampMs t) { now_ = t; }
  void advance(DurationMs d) { now_ += d; }

 private:
  TimestampMs now_;
};

}  // namespace nova
