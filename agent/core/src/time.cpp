#include "nova/core/time.h"

#include <array>
#include <charconv>
#include <chrono>
#include <limits>

namespace nova {
namespace {

struct Unit {
  std::string_view suffix;
  DurationMs millis;
};

// Largest first: a duration's units must appear in this order, each at most once.
constexpr std::array<Unit, 7> kUnits{{
    {"y", 365 * 24 * kHour},
    {"w", 7 * 24 * kHour},
    {"d", 24 * kHour},
    {"h", kHour},
    {"m", kMinute},
    {"s", kSecond},
    {"ms", 1},
}};

// Reads the unit at the start of `rest`; "ms" must win over "m".
int unitIndexAt(std::string_view rest) {
  if (rest.starts_with("ms")) {
    return 6;
  }
  for (int i = 0; i < 6; ++i) {
    if (rest.starts_with(kUnits[static_cast<size_t>(i)].suffix)) {
      return i;
    }
  }
  return -1;
}

}  // namespace

Result<DurationMs> parseDuration(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return Error{ErrorCode::kInvalidInput,
                 "invalid duration \"" + std::string(text) + "\": " + std::string(why)};
  };
  if (text == "0") {
    return DurationMs{0};
  }
  if (text.empty()) {
    return bad("empty");
  }
  DurationMs total = 0;
  int lastUnit = -1;
  std::string_view rest = text;
  while (!rest.empty()) {
    if (rest.front() < '0' || rest.front() > '9') {
      return bad("expected a number");
    }
    std::int64_t number = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
    if (ec != std::errc() || end == rest.data()) {
      return bad("expected a number");
    }
    rest.remove_prefix(static_cast<size_t>(end - rest.data()));
    const int unit = unitIndexAt(rest);
    if (unit < 0) {
      return bad("expected a unit (y, w, d, h, m, s, ms)");
    }
    if (unit <= lastUnit) {
      return bad("units must go from larger to smaller, each at most once");
    }
    lastUnit = unit;
    const DurationMs scale = kUnits[static_cast<size_t>(unit)].millis;
    if (number > (std::numeric_limits<DurationMs>::max() - total) / scale) {
      return bad("too large");
    }
    total += number * scale;
    rest.remove_prefix(kUnits[static_cast<size_t>(unit)].suffix.size());
  }
  return total;
}

std::string formatDuration(DurationMs duration) {
  if (duration == 0) {
    return "0s";
  }
  std::string out;
  if (duration < 0) {
    out += '-';
    duration = -duration;
  }
  for (const Unit& unit : kUnits) {
    if (duration >= unit.millis) {
      out += std::to_string(duration / unit.millis);
      out += unit.suffix;
      duration %= unit.millis;
    }
  }
  return out;
}

}  // namespace nova
