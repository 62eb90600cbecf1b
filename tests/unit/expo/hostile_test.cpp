// Hostile bodies: huge lines, NUL bytes, broken UTF-8, label floods, very large bodies. Each
// must end in a clean error or a bounded parse, never a crash.

#include <doctest/doctest.h>

#include <string>

#include "dump.h"
#include "nova/expo/parser.h"

using nova::expo::ParseLimits;
using nova::expo::Parser;
using nova::expo::SampleView;
using nova::expo::testing::errorOf;

namespace {

ParseLimits unlimited() {
  ParseLimits limits;
  limits.maxLineBytes = 0;
  limits.maxLabelsPerSample = 0;
  limits.maxLabelNameBytes = 0;
  limits.maxLabelValueBytes = 0;
  limits.maxSamples = 0;
  return limits;
}

std::string manyLabels(std::size_t n, bool duplicateLast) {
  std::string line = "m{";
  for (std::size_t i = 0; i < n; ++i) {
    line += "l" + std::to_string(duplicateLast && i + 1 == n ? 0 : i) + "=\"v\",";
  }
  line += "} 1\n";
  return line;
}

}  // namespace

TEST_CASE("a 1 MiB line is refused by default and parses when allowed") {
  const std::string value(1 << 20, 'x');
  const std::string body = "ok 1\nbig{a=\"" + value + "\"} 1\n";
  CHECK(errorOf(body) == "2:262145: line longer than 262144 bytes");
  Parser parser(body, unlimited());
  SampleView s;
  REQUIRE(parser.next(s));
  REQUIRE(parser.next(s));
  REQUIRE(s.labels.size() == 1);
  CHECK(s.labels[0].value.size() == value.size());
  CHECK_FALSE(parser.next(s));
  CHECK_FALSE(parser.error().has_value());
}

TEST_CASE("label name and value length limits") {
  ParseLimits limits;
  limits.maxLabelNameBytes = 4;
  limits.maxLabelValueBytes = 3;
  CHECK(errorOf("m{abcde=\"1\"} 1\n", limits) == "1:3: label name longer than 4 bytes");
  CHECK(errorOf("m{a=\"1234\"} 1\n", limits) == "1:5: label value longer than 3 bytes");
  CHECK(errorOf("m{abcd=\"123\"} 1\n", limits).empty());
}

TEST_CASE("NUL bytes are errors wherever they appear") {
  using namespace std::string_literals;
  CHECK(errorOf("a{b=\"abc\0\"} 1\n"s) == "1:9: NUL byte in label value");
  CHECK(errorOf("a{b=\0\"x\"} 1\n"s) == "1:5: expected '\"' to start label value, got NUL byte");
  CHECK(errorOf("a\0{b=\"x\"} 1\n"s) == "1:2: expected space before value, got NUL byte");
  CHECK(errorOf("a 0 1\0"s) ==
        "1:6: invalid timestamp: expected integer milliseconds, got NUL byte");
  CHECK(errorOf("a 1\0\n"s) == "1:4: expected timestamp or end of line after value, got NUL byte");
  CHECK(errorOf("# HELP m foo\0bar\n"s) == "1:13: NUL byte in HELP text");
  CHECK(errorOf("# TYPE m gauge\0\n"s) ==
        "1:10: unknown metric type \"gauge\\x00\" (expected counter, gauge, histogram, summary or "
        "untyped)");
  CHECK(errorOf("# just \0 a comment\n"s) == "1:8: NUL byte in comment");
  CHECK(errorOf("\0"s) == "1:1: expected metric name, '{' or '#' at start of line, got NUL byte");
}

TEST_CASE("invalid UTF-8 in label values and quoted names") {
  CHECK(errorOf("a{b=\"ok\xc3\"} 1\n") == "1:8: invalid UTF-8 in label value");
  CHECK(errorOf("a{b=\"\xed\xa0\x80\"} 1\n") == "1:6: invalid UTF-8 in label value");
  CHECK(errorOf("a{b=\"\xf4\x90\x80\x80\"} 1\n") == "1:6: invalid UTF-8 in label value");
  CHECK(errorOf("{\"\x80\"} 1\n") == "1:3: invalid UTF-8 in name");
  CHECK(errorOf("a{\"\xff\"=\"x\"} 1\n") == "1:4: invalid UTF-8 in name");
  CHECK(errorOf("a{b=\"\xf0\x9f\x98\x80 \xc3\xa9\"} 1\n").empty());
}

TEST_CASE("100k labels on one line stop at the label limit") {
  const std::string line = manyLabels(100000, false);
  ParseLimits wideLines;
  wideLines.maxLineBytes = 0;
  const std::string error = errorOf(line, wideLines);
  CHECK(error.starts_with("1:"));
  CHECK(error.ends_with(": more than 256 labels on one sample"));
}

TEST_CASE("100k labels parse when unlimited, and a duplicate among them is found") {
  const std::string body = manyLabels(100000, false);
  Parser parser(body, unlimited());
  SampleView s;
  const bool parsed = parser.next(s);
  REQUIRE_MESSAGE(parsed, (parser.error() ? parser.error()->toString() : ""));
  CHECK(s.labels.size() == 100000);
  CHECK(errorOf(manyLabels(100000, true), unlimited()) == "1:1: duplicate label name \"l0\"");
  CHECK(errorOf(manyLabels(17, true)) == "1:1: duplicate label name \"l0\"");
}

TEST_CASE("a 50 MB body streams, and maxSamples stops it early") {
  const std::string line =
      "http_requests_total{method=\"get\",code=\"200\",path=\"/api/v1/x\"} 1\n";
  std::string body;
  body.reserve(50u << 20);
  std::size_t lines = 0;
  while (body.size() + line.size() <= (50u << 20)) {
    body += line;
    ++lines;
  }
  Parser parser(body);
  SampleView s;
  std::size_t n = 0;
  while (parser.next(s)) {
    ++n;
  }
  CHECK_FALSE(parser.error().has_value());
  CHECK(n == lines);

  ParseLimits limits;
  limits.maxSamples = 1000;
  CHECK(errorOf(body, limits) == "1001:1: more than 1000 samples in one body");
}

TEST_CASE("huge tokens and floods end in bounded errors") {
  const std::string digits(300000, '1');
  ParseLimits wide;
  wide.maxLineBytes = 0;
  CHECK(errorOf("m " + digits + "\n", wide) ==
        "1:3: invalid sample value \"" + std::string(40, '1') + "\"...: value out of range");
  CHECK(errorOf("m 1 " + digits + "\n", wide) == "1:5: timestamp out of range");
  CHECK(errorOf(std::string(100000, '{'), wide) == "1:2: expected label name, got '{'");
  std::string families;
  for (int i = 0; i < 20000; ++i) {
    families += "# TYPE f" + std::to_string(i) + " gauge\nf" + std::to_string(i) + " 1\n";
  }
  CHECK(errorOf(families).empty());
  CHECK(errorOf(std::string(1 << 20, '\n')).empty());
  CHECK(errorOf(std::string(100000, ' ') + "m 1\n", wide).empty());
}
