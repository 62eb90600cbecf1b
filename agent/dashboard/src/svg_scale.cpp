#include "svg_scale.h"

#include <array>
#include <cmath>
#include <cstdio>

#include "nova/core/rfc3339.h"

namespace nova::dashboard::detail {

std::vector<double> valueTicks(double max) {
  if (!(max > 0) || !std::isfinite(max)) {
    max = 1;
  }
  // The smallest round step that covers max in at most 5 intervals.
  const double magnitude = std::pow(10, std::floor(std::log10(max / 5)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step * 5 >= max) {
      break;
    }
  }
  std::vector<double> ticks;
  for (int i = 0; i <= 5; ++i) {
    ticks.push_back(step * i);
    if (step * i >= max * (1 - 1e-9)) {
      break;
    }
  }
  return ticks;
}

std::vector<TimestampMs> timeTicks(TimestampMs start, TimestampMs end) {
  static constexpr std::array<DurationMs, 12> kSteps{
      5 * kSecond, 10 * kSecond, 15 * kSecond, 30 * kSecond, kMinute, 2 * kMinute,
      5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute, kHour,   2 * kHour};
  DurationMs step = kSteps.back();
  for (DurationMs s : kSteps) {
    if ((end - start) / s <= 6) {
      step = s;
      break;
    }
  }
  std::vector<TimestampMs> ticks;
  TimestampMs first = (start / step) * step;
  if (first < start) {
    first += step;
  }
  for (TimestampMs t = first; t <= end; t += step) {
    ticks.push_back(t);
  }
  return ticks;
}

std::string clockTime(TimestampMs t, bool seconds) {
  const std::string rfc = formatRfc3339(t, SubSecond::kNone);  // 2026-12-05T02:00:00Z
  return rfc.substr(11, seconds ? 8 : 5);
}

std::string coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string out = buf;
  if (out.ends_with(".0")) {
    out.resize(out.size() - 2);
  }
  return out == "-0" ? "0" : out;
}

}  // namespace nova::dashboard::detail
