#include <algorithm>
#include <charconv>

#include "nova/notify/delivery.h"

namespace nova::notify {

DurationMs backoffDelay(int retry, const DeliveryOptions& options, double u) {
  DurationMs ceiling = std::max<DurationMs>(options.backoffBase, 1);
  for (int i = 1; i < retry && ceiling < options.backoffCap; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, std::max<DurationMs>(options.backoffCap, 1));
  u = std::clamp(u, 0.0, 1.0);
  // "Equal jitter": never less than half the step, so retries still back off.
  return ceiling / 2 + static_cast<DurationMs>(u * static_cast<double>(ceiling - ceiling / 2));
}

std::optional<DurationMs> parseRetryAfter(const std::string& value) {
  const auto first = value.find_first_not_of(' ');
  if (first == std::string::npos) {
    return std::nullopt;
  }
  long long seconds = 0;
  const char* begin = value.data() + first;
  const char* end = value.data() + value.size();
  auto [stop, ec] = std::from_chars(begin, end, seconds);
  while (stop != end && *stop == ' ') {
    ++stop;
  }
  if (ec != std::errc{} || stop != end || seconds < 0 || seconds > 86400) {
    return std::nullopt;
  }
  return seconds * kSecond;
}

}  // namespace nova::notify
