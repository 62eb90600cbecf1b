#include "nova/core/time.h"

#include <doctest/doctest.h>

#include "nova/core/clock.h"

using nova::DurationMs;
using nova::parseDuration;

TEST_CASE("durations parse as Prometheus's model.ParseDuration") {
  CHECK(parseDuration("0").value() == 0);
  CHECK(parseDuration("5m").value() == 5 * nova::kMinute);
  CHECK(parseDuration("1h30m").value() == 90 * nova::kMinute);
  CHECK(parseDuration("10s53ms").value() == 10053);
  CHECK(parseDuration("1y").value() == 365LL * 24 * nova::kHour);
  CHECK(parseDuration("2w1d").value() == 15LL * 24 * nova::kHour);
}

TEST_CASE("malformed durations are refused with the text named") {
  for (const char* text : {"", "5", "m", "5q", "1m1h", "1m1m", "-5m", "1.5h", "5 m"}) {
    const auto result = parseDuration(text);
    CAPTURE(text);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == nova::ErrorCode::kInvalidInput);
    CHECK(result.error().message.find(std::string("\"") + text + "\"") != std::string::npos);
  }
  CHECK(parseDuration("5q").error().message ==
        "invalid duration \"5q\": expected a unit (y, w, d, h, m, s, ms)");
}

TEST_CASE("durations format with the largest units first") {
  CHECK(nova::formatDuration(0) == "0s");
  CHECK(nova::formatDuration(90 * nova::kMinute) == "1h30m");
  CHECK(nova::formatDuration(250) == "250ms");
  CHECK(nova::formatDuration(parseDuration("1d2h3m4s5ms").value()) == "1d2h3m4s5ms");
}

TEST_CASE("ManualClock moves only when told") {
  nova::ManualClock clock(1000);
  CHECK(clock.now() == 1000);
  clock.advance(5 * nova::kSecond);
  CHECK(clock.now() == 6000);
}
