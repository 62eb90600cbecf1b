#include "nova/core/backoff.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <string>

#include "nova/core/text.h"

namespace nova {
namespace {

constexpr DurationMs kMaxRetryAfter = 24 * kHour;

}  // namespace

DurationMs Backoff::delay(int retry, double u) const {
  const DurationMs limit = std::max<DurationMs>(cap, 1);
  DurationMs ceiling = std::max<DurationMs>(base, 1);
  for (int i = 1; i < retry && ceiling < limit; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, limit);
  u = std::clamp(u, 0.0, 1.0);
  return ceiling / 2 + static_cast<DurationMs>(u * static_cast<double>(ceiling - ceiling / 2));
}

std::optional<DurationMs> parseRetryAfter(std::string_view value, TimestampMs now) {
  value = trim(value);
  if (value.empty()) {
    return std::nullopt;
  }
  long long seconds = 0;
  const char* end = value.data() + value.size();
  auto [stop, ec] = std::from_chars(value.data(), end, seconds);
  if (ec == std::errc{} && stop == end) {
    if (seconds < 0 || seconds * kSecond > kMaxRetryAfter) {
      return std::nullopt;
    }
    return seconds * kSecond;
  }
  // IMF-fixdate; strptime's %a and %b read the English names in the C locale.
  const std::string text(value);
  std::tm tm{};
  const char* parsed = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (parsed == nullptr || *parsed != '\0') {
    return std::nullopt;
  }
  const TimestampMs at = static_cast<TimestampMs>(timegm(&tm)) * kSecond;
  const DurationMs wait = std::max<DurationMs>(at - now, 0);
  if (wait > kMaxRetryAfter) {
    return std::nullopt;
  }
  return wait;
}

}  // namespace nova
