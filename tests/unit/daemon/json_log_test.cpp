#include "json_log.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

namespace nova::daemon::detail {

TEST_CASE("a JSON log line: RFC 3339 time in UTC with milliseconds, level, escaped message") {
  CHECK(jsonLogLine(1'700'000'000'123, "warning", "decision incident=0-1 reason=\"x\"") ==
        R"({"time":"2023-11-14T22:13:20.123Z","level":"warning","msg":"decision incident=0-1 )"
        R"(reason=\"x\""})"
        "\n");
  const std::string line = jsonLogLine(-1, "info", "a\nb\tc\x01 \\ /");
  const auto parsed = boost::json::parse(line);
  CHECK(parsed.at("time").as_string() == "1969-12-31T23:59:59.999Z");
  CHECK(parsed.at("msg").as_string() == "a\nb\tc\x01 \\ /");
  CHECK(line.find('\n') == line.size() - 1);  // one line
}

}  // namespace nova::daemon::detail
