#pragma once

// Axis scales for the SVG charts: round value ticks and whole-minute time ticks.

#include <string>
#include <vector>

#include "nova/core/time.h"

namespace nova::dashboard::detail {

/// Linear map from [domainLow, domainHigh] to [rangeLow, rangeHigh].
struct Scale {
  double domainLow = 0;
  double domainHigh = 1;
  double rangeLow = 0;
  double rangeHigh = 1;

  double operator()(double v) const {
    const double span = domainHigh - domainLow;
    return rangeLow + (span == 0 ? 0 : (v - domainLow) / span) * (rangeHigh - rangeLow);
  }
};

/// 4 to 6 round ticks (1, 2 or 5 times a power of ten) from 0 to at least `max`; the
/// last is the top of the axis.
std::vector<double> valueTicks(double max);

/// Time ticks at whole multiples of 1, 2, 5, 10, 15 or 30 minutes (or seconds for short
/// windows) within [start, end], about six of them.
std::vector<TimestampMs> timeTicks(TimestampMs start, TimestampMs end);

/// "HH:MM" (or "HH:MM:SS" when `seconds`) in UTC.
std::string clockTime(TimestampMs t, bool seconds);

/// A coordinate with one decimal ("12.5", "300").
std::string coord(double v);

}  // namespace nova::dashboard::detail
