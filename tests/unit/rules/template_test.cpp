#include "nova/rules/template.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

namespace nova::rules {
namespace {

Template parseOk(std::string_view text) {
  std::vector<Template::ParseProblem> problems;
  Template t = Template::parse(text, problems);
  REQUIRE(problems.empty());
  return t;
}

TEST_CASE("value and labels are substituted") {
  const Template t = parseOk("route {{ $labels.route }} at {{$value}} ({{ $labels.missing }})");
  CHECK(t.render(0.0734, Labels{{"route", "/api/v1/streams"}}) ==
        "route /api/v1/streams at 0.0734 ()");
  CHECK(t.render(2, Labels{}) == "route  at 2 ()");
}

TEST_CASE("humanize functions") {
  CHECK(parseOk("{{ $value | humanizePercentage }}").render(0.0734, {}) == "7.34%");
  CHECK(parseOk("{{ $value | humanize }}").render(1234, {}) == "1.234k");
  CHECK(parseOk("{{ $value | humanize }}").render(0.0125, {}) == "12.5m");
  CHECK(parseOk("{{ $value | humanizeDuration }}").render(0.25, {}) == "250ms");
  CHECK(parseOk("{{ $value | humanizeDuration }}").render(90, {}) == "1m30s");
}

TEST_CASE("special values") {
  CHECK(formatValue(std::nan(""), ValueFormat::kHumanize) == "NaN");
  CHECK(formatValue(std::numeric_limits<double>::infinity(), ValueFormat::kPlain) == "+Inf");
  CHECK(formatValue(0.1, ValueFormat::kPlain) == "0.1");
  CHECK(formatValue(1.0 / 3, ValueFormat::kPlain) == "0.3333333333333333");
  // As Go prints a float64 with %v, and so Prometheus's {{ $value }}.
  CHECK(formatValue(10, ValueFormat::kPlain) == "10");
  CHECK(formatValue(500, ValueFormat::kPlain) == "500");
  CHECK(formatValue(123456, ValueFormat::kPlain) == "123456");
  CHECK(formatValue(1e6, ValueFormat::kPlain) == "1e+06");
  CHECK(formatValue(1234567, ValueFormat::kPlain) == "1.234567e+06");
  CHECK(formatValue(0.0001, ValueFormat::kPlain) == "0.0001");
  CHECK(formatValue(0.00001, ValueFormat::kPlain) == "1e-05");
  CHECK(formatValue(-42.5, ValueFormat::kPlain) == "-42.5");
  CHECK(formatValue(0, ValueFormat::kPlain) == "0");
}

TEST_CASE("text without actions is kept as is") {
  CHECK(parseOk("plain } { text").render(1, {}) == "plain } { text");
  CHECK(parseOk("").render(1, {}).empty());
}

TEST_CASE("problems carry their offset") {
  std::vector<Template::ParseProblem> problems;
  (void)Template::parse("ab {{ $labels. }} {{ $x }} {{ $value | nope }} {{", problems);
  REQUIRE(problems.size() == 4);
  CHECK(problems[0].offset == 6);
  CHECK(problems[0].message == "expected {{ $labels.<name> }}");
  CHECK(problems[1].offset == 21);
  CHECK(problems[2].offset == 39);
  CHECK(problems[2].message.starts_with("unknown template function \"nope\""));
  CHECK(problems[3].offset == 47);
  CHECK(problems[3].message == "unclosed {{ in template");
}

}  // namespace
}  // namespace nova::rules
