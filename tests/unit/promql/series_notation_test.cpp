#include "nova/promql/series_notation.h"

#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/sample.h"

using nova::Label;
using nova::Labels;
using nova::promql::parseSeriesLabels;
using nova::promql::parseSeriesLine;

namespace {

using Values = std::vector<std::optional<double>>;

constexpr double kInf = INFINITY;

// Compares expanded values, treating NaN == NaN and telling stale NaN apart.
bool sameValues(const Values& got, const Values& want) {
  if (got.size() != want.size()) {
    return false;
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].has_value() != want[i].has_value()) {
      return false;
    }
    if (!got[i]) {
      continue;
    }
    const double a = *got[i];
    const double b = *want[i];
    if (nova::isStaleNaN(a) != nova::isStaleNaN(b)) {
      return false;
    }
    if (!(a == b || (std::isnan(a) && std::isnan(b)))) {
      return false;
    }
  }
  return true;
}

std::string show(const Values& values) {
  std::string out;
  for (const auto& v : values) {
    out += v ? (nova::isStaleNaN(*v) ? "stale" : std::to_string(*v)) : "_";
    out += ' ';
  }
  return out;
}

}  // namespace

TEST_CASE("series part: names, braces, quoting and escapes") {
  struct Case {
    const char* line;
    Labels want;
  };
  const Case cases[] = {
      {"up 1", Labels{{"__name__", "up"}}},
      {"job:rate5m 1", Labels{{"__name__", "job:rate5m"}}},
      {"up{job=\"api\"} 1", Labels{{"__name__", "up"}, {"job", "api"}}},
      {"up {job=\"api\"} 1", Labels{{"__name__", "up"}, {"job", "api"}}},
      {"up{ job = \"api\" , env='prod', } 1",
       Labels{{"__name__", "up"}, {"env", "prod"}, {"job", "api"}}},
      {"{__name__=\"x\", a=\"b\"} 1", Labels{{"__name__", "x"}, {"a", "b"}}},
      {"{\"quoted.name\", l=\"v\"} 1", Labels{{"__name__", "quoted.name"}, {"l", "v"}}},
      {"{\"utf8.label\"=\"v\"} 1", Labels{{"utf8.label", "v"}}},
      {"{} 1", Labels{}},
      {"{a=\"\"} 1", Labels{}},
      {"m{a=`raw\\n`} 1", Labels{{"__name__", "m"}, {"a", "raw\\n"}}},
      {"m{a=\"q\\\"x\\\\y\\n\\t\"} 1", Labels{{"__name__", "m"}, {"a", "q\"x\\y\n\t"}}},
      {"m{a='it\\'s'} 1", Labels{{"__name__", "m"}, {"a", "it's"}}},
      {"m{a=\"\\x41\\101\\u00e9\\U0001F600\"} 1",
       Labels{{"__name__", "m"}, {"a", "AA\xc3\xa9\xf0\x9f\x98\x80"}}},
      {"m{version=\"{count:20, sum:10}\"} 1",
       Labels{{"__name__", "m"}, {"version", "{count:20, sum:10}"}}},
      {"m{by=\"1\",offset=\"2\"} 1", Labels{{"__name__", "m"}, {"by", "1"}, {"offset", "2"}}},
  };
  for (const Case& c : cases) {
    const std::string text = c.line;
    CAPTURE(text);
    auto got = parseSeriesLine(c.line);
    REQUIRE_MESSAGE(got.ok(), (got.ok() ? "" : got.error().message));
    CHECK(got->labels == c.want);
    CHECK(got->values.size() == 1);
  }
}

TEST_CASE("values expand as promqltest does") {
  const double stale = nova::staleNaN();
  struct Case {
    const char* values;
    Values want;
  };
  const Case cases[] = {
      {"1 2 3", {1, 2, 3}},
      {"0+10x3", {0, 10, 20, 30}},
      {"1-2x4", {1, -1, -3, -5, -7}},
      {"-2+4x3", {-2, 2, 6, 10}},
      {"1x4", {1, 1, 1, 1, 1}},
      {"7x0", {7}},
      {"1 _ 3", {1, std::nullopt, 3}},
      {"1 _x3 5", {1, std::nullopt, std::nullopt, std::nullopt, 5}},
      {"_x0 2", {2}},
      {"0 1 stale 2", {0, 1, stale, 2}},
      {"NaN nan Inf -Inf +Inf inf", {NAN, NAN, kInf, -kInf, kInf, kInf}},
      {"1.5e3 .8 -2 2.5E-1 1e+2 3.", {1500, 0.8, -2, 0.25, 100, 3}},
      {"1e3x1", {1000, 1000}},
      {"0+1.5x2", {0, 1.5, 3}},
      {"1e-1+1e-1x1", {0.1, 0.2}},
      {"Inf-1x1", {kInf, kInf}},
      {"", {}},
      {"  1\t\t2  ", {1, 2}},
  };
  for (const Case& c : cases) {
    const std::string line = std::string("m ") + c.values;
    CAPTURE(line);
    auto got = parseSeriesLine(line);
    REQUIRE_MESSAGE(got.ok(), (got.ok() ? "" : got.error().message));
    CHECK_MESSAGE(sameValues(got->values, c.want), show(got->values));
    CHECK_FALSE(got->hasHistogram);
  }
}

TEST_CASE("increments use repeated addition") {
  auto got = parseSeriesLine("m 0+0.1x10");
  REQUIRE(got.ok());
  REQUIRE(got->values.size() == 11);
  double v = 0;
  for (int i = 0; i < 10; ++i) {
    v += 0.1;
  }
  CHECK(*got->values[10] == v);  // bit-identical to ten additions, not 10 * 0.1
  CHECK(*got->values[10] != 1.0);
}

TEST_CASE("histogram values are recognised and flagged") {
  struct Case {
    const char* line;
    std::size_t positions;
  };
  const Case cases[] = {
      {"m {{schema:1 sum:3 count:22 buckets:[5 10 7]}}", 1},
      {"m 1 {{}} 2", 3},
      {"m {{count:1}}x3", 4},
      {"m {{count:1}}+{{count:2}}x2 _", 4},
      {"m {{schema:0 sum:1 count:1 counter_reset_hint:gauge}}-{{sum:1}}x1", 2},
  };
  for (const Case& c : cases) {
    const std::string text = c.line;
    CAPTURE(text);
    auto got = parseSeriesLine(c.line);
    REQUIRE_MESSAGE(got.ok(), (got.ok() ? "" : got.error().message));
    CHECK(got->hasHistogram);
    CHECK(got->values.size() == c.positions);
  }
  auto mixed = parseSeriesLine("m 1 {{}} 2");
  REQUIRE(mixed.ok());
  CHECK(sameValues(mixed->values, {1, std::nullopt, 2}));
}

TEST_CASE("errors name the column") {
  struct Case {
    const char* line;
    const char* want;
  };
  const Case cases[] = {
      {"m{a!=\"b\"} 1", "column 4: only '=' matchers"},
      {"m{a=~\"b\"} 1", "column 4: only '=' matchers"},
      {"m{a=\"b\" c=\"d\"} 1", "column 9: expected ',' or '}'"},
      {"m{a=\"b} 1", "column 5: unterminated string"},
      {"m{a} 1", "column 4: expected '=' after label name a"},
      {"m{a=b} 1", "column 5: expected a quoted label value"},
      {"m{a=\"1\",a=\"2\"} 1", "column 9: label a given twice"},
      {"{__name__=\"x\",\"y\"} 1", "column 15: label __name__ given twice"},
      {"m{a=\"\\q\"} 1", "column 6: unknown escape sequence \\q"},
      {"m 1 2x", "column 7: expected a repeat count"},
      {"m 1+2", "column 6: expected 'x'"},
      {"m 0x1F", "column 6: unexpected character"},
      {"m 1 abc", "column 5: expected a number"},
      {"m stalex2", "column 8: unexpected character"},
      {"m 1_2", "column 4: unexpected character"},
      {"m 1e", "column 5: expected exponent digits"},
      {"m {{sum:1", "column 3: unterminated histogram"},
      {"3 4", "column 1: expected a metric name or '{'"},
      {"{{}} 4", "column 1: expected a series"},
      {"m{a=\"b\"}1", "column 9: expected a blank"},
      {"m 0+1x100000000", "column 7: repeat count too large"},
  };
  for (const Case& c : cases) {
    const std::string text = c.line;
    CAPTURE(text);
    auto got = parseSeriesLine(c.line);
    REQUIRE_FALSE(got.ok());
    CHECK_MESSAGE(got.error().message.find(c.want) == 0, got.error().message);
  }
}

TEST_CASE("parseSeriesLabels takes the series alone") {
  auto ok = parseSeriesLabels(" up{job=\"a\"} ");
  REQUIRE(ok.ok());
  CHECK(*ok == Labels{{"__name__", "up"}, {"job", "a"}});
  auto bad = parseSeriesLabels("up 1");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "column 4: unexpected text after the series");
}

TEST_CASE("parseStringLiteral unquotes one whole literal") {
  CHECK(*nova::promql::parseStringLiteral("\"a\\tb\"") == "a\tb");
  CHECK(*nova::promql::parseStringLiteral("`a\\tb`") == "a\\tb");
  CHECK_FALSE(nova::promql::parseStringLiteral("\"a\" b").ok());
  CHECK_FALSE(nova::promql::parseStringLiteral("a").ok());
}
