#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dump.h"
#include "nova/expo/parser.h"

using nova::expo::testing::errorOf;

namespace {

struct ErrorCase {
  const char* name;
  std::string input;
  std::string expected;
};

}  // namespace

TEST_CASE("golden: invalid bodies name line, column and what was expected") {
  const std::vector<ErrorCase> cases = {
      {"name only", "a\n", "1:2: expected value after metric, got end of line"},
      {"missing value after labels", "ok 1\na{b=\"c\"}\n",
       "2:9: expected value after metric, got end of line"},
      {"single-quoted value", "a{b='c'} 1\n", "1:5: expected '\"' to start label value, got '''"},
      {"value missing after =", "a{b=\n",
       "1:5: expected '\"' to start label value, got end of line"},
      {"unterminated value", "something_weird{problem=\"\n",
       "1:25: unterminated quoted label value"},
      {"unterminated label block", "a{b=\"c\"\n",
       "1:8: expected label name or '}', got end of line"},
      {"invalid label name char", "a{\xff=\"foo\"} 1\n", "1:3: expected label name, got byte 0xff"},
      {"label name starting with a digit", "a{1x=\"foo\"} 1\n",
       "1:3: expected label name, got '1'"},
      {"empty label name", "empty_label_name{=\"\"} 0\n", "1:18: expected label name, got '='"},
      {"dash in label name", "a{b-c=\"1\"} 1\n", "1:4: expected '=' after label name, got '-'"},
      {"invalid metric name char", "a-b 1\n", "1:2: expected space before value, got '-'"},
      {"metric name starting with a digit", "1a 1\n",
       "1:1: expected metric name, '{' or '#' at start of line, got '1'"},
      {"invalid UTF-8 value", "a{b=\"\xff\"} 1\n", "1:6: invalid UTF-8 in label value"},
      {"overlong UTF-8 value", "a{b=\"\xc0\xaf\"} 1\n", "1:6: invalid UTF-8 in label value"},
      {"backslash outside quotes", "{\"a\",b\\nc=\"d\"} 1\n",
       "1:7: expected '=' after label name, got '\\'"},
      {"quoted name not followed by =", "{\"a\", \"b = \"c\"} 1\n",
       "1:13: expected '=' after label name, got 'c'"},
      {"word value", "a true\n", "1:3: invalid sample value \"true\": invalid number"},
      {"underscore in value", "foo 1_2\n", "1:5: invalid sample value \"1_2\": invalid number"},
      {"hex float", "foo 0x1p-3\n", "1:5: invalid sample value \"0x1p-3\": invalid number"},
      {"signed NaN", "foo -NaN\n", "1:5: invalid sample value \"-NaN\": invalid number"},
      {"overflow", "foo 1e400\n", "1:5: invalid sample value \"1e400\": value out of range"},
      {"garbage after value", "foo 1 2 3\n", "1:9: expected end of line after timestamp, got '3'"},
      {"garbage in timestamp", "foo 0 1_2\n",
       "1:8: invalid timestamp: expected integer milliseconds, got '_'"},
      {"float timestamp", "foo 0 1.5\n",
       "1:8: invalid timestamp: expected integer milliseconds, got '.'"},
      {"negative timestamp", "foo 0 -5\n",
       "1:7: expected timestamp or end of line after value, got '-'"},
      {"timestamp overflow", "foo 0 99999999999999999999\n", "1:7: timestamp out of range"},
      {"exemplar", "foo 1 # {a=\"b\"} 1\n",
       "1:7: expected timestamp or end of line after value, got '#'"},
      {"carriage return", "foo 1\r\n", "1:5: invalid sample value \"1\\x0d\": invalid number"},
      {"no metric name", "{a=\"ok\"} 1\n",
       "1:1: metric name missing: expected a name before '{' or a quoted name inside the braces"},
      {"metric name twice", "a{\"b\"} 1\n", "1:3: metric name given twice"},
      {"empty quoted metric name", "{\"\"} 1\n", "1:2: empty metric name"},
      {"second label block", "a{} {} 1\n", "1:5: expected value after metric, got '{'"},
      {"unknown TYPE", "# TYPE a gaugex\n",
       "1:10: unknown metric type \"gaugex\" (expected counter, gauge, histogram, summary or "
       "untyped)"},
      {"empty TYPE", "# TYPE a\n",
       "1:9: unknown metric type \"\" (expected counter, gauge, histogram, summary or untyped)"},
      {"TYPE without name", "# TYPE #\n#EOF\n", "1:8: expected metric name after TYPE, got '#'"},
      {"HELP without name", "# HELP \n", "1:8: expected metric name after HELP, got end of line"},
      {"junk after HELP name", "# HELP a{b} x\n",
       "1:9: expected space after metric name in HELP, got '{'"},
      {"invalid UTF-8 HELP", "# HELP a x\xfe\n", "1:11: HELP text is not valid UTF-8"},
      {"duplicate label", "a{b=\"1\",c=\"2\",b=\"3\"} 1\n", "1:1: duplicate label name \"b\""},
      {"duplicate quoted label", "a{b=\"1\",\"b\"=\"3\"} 1\n", "1:1: duplicate label name \"b\""},
      {"__name__ as label", "a{__name__=\"b\"} 1\n", "1:1: label __name__ repeats the metric name"},
      {"error on a later line", "# TYPE a counter\na 1\n\n  a{x=\"1\"} oops\n",
       "4:12: invalid sample value \"oops\": invalid number"},
  };
  for (const ErrorCase& c : cases) {
    CAPTURE(std::string(c.name));
    CHECK(errorOf(c.input) == c.expected);
  }
}

TEST_CASE("samples before a bad line are handed out, then the parse stops") {
  nova::expo::Parser parser("a 1\nb 2\nc x\nd 4\n");
  nova::expo::SampleView s;
  CHECK(parser.next(s));
  CHECK(parser.next(s));
  CHECK_FALSE(parser.next(s));
  REQUIRE(parser.error().has_value());
  CHECK(parser.error()->line == 3);
  CHECK(parser.error()->column == 3);
  CHECK_FALSE(parser.next(s));
  CHECK(parser.samplesSeen() == 2);
  CHECK_FALSE(nova::expo::parseAll("a 1\nb 2\nc x\nd 4\n").ok());
}
