#pragma once

#include <optional>
#include <string_view>

#include "nova/core/time.h"

namespace nova {

/// Capped exponential backoff with "equal jitter": retry n (1-based) waits half of
/// min(cap, base * 2^(n-1)) plus a random share of the other half, so retries always back
/// off yet never line up. The one backoff every retrying caller uses.
struct Backoff {
  DurationMs base = 100;
  DurationMs cap = 2 * kSecond;

  /// The wait before retry `retry` (1-based), `u` uniform in [0, 1) (clamped).
  DurationMs delay(int retry, double u) const;
};

/// Parses an HTTP Retry-After value (RFC 9110 section 10.2.3): delta-seconds ("120") or an
/// HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT", the IMF-fixdate form) taken relative to the
/// wall time `now`. A date in the past gives 0. nullopt for anything else and for waits
/// over a day (a hint that large is not honoured).
std::optional<DurationMs> parseRetryAfter(std::string_view value, TimestampMs now);

}  // namespace nova
