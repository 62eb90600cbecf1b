// PromQL errors inside every YAML scalar style point at the offending character in the file.
#include <doctest/doctest.h>

#include "test_util.h"

namespace nova::rules {
namespace {

using test::oneRule;
using test::problems;

const std::string kTail = "    threshold: \"> 1\"\n    severity: low\n";
// The parser's wording is its own; these tests pin the place.
const std::string kBad = "bad number or duration syntax";

// "line:col: field: message" cut after `kBad` when it is the message.
std::vector<std::string> placed(const std::string& yaml) {
  std::vector<std::string> out = problems(yaml);
  for (std::string& line : out) {
    if (const auto at = line.find(kBad); at != std::string::npos) {
      line.resize(at + kBad.size());
    }
  }
  return out;
}

TEST_CASE("plain scalar on one line") {
  CHECK(placed(oneRule("    expr: sum(rate(x[5q]))\n" + kTail)) ==
        std::vector<std::string>{"3:22: expr: " + kBad});
}

TEST_CASE("double-quoted scalar, with and without escapes") {
  CHECK(placed(oneRule("    expr: \"sum(rate(x[5q]))\"\n" + kTail)) ==
        std::vector<std::string>{"3:23: expr: " + kBad});
  // Each \" is two bytes in the file and one in the value.
  CHECK(placed(oneRule("    expr: \"foo{a=\\\"b\\\"} + rate(x[5q])\"\n" + kTail)) ==
        std::vector<std::string>{"3:34: expr: " + kBad});
}

TEST_CASE("single-quoted scalar with a doubled quote") {
  CHECK(placed(oneRule("    expr: 'foo{a=''b''} + rate(x[5q])'\n" + kTail)) ==
        std::vector<std::string>{"3:34: expr: " + kBad});
}

TEST_CASE("literal block scalar keeps lines and indentation") {
  const std::string expr =
      "    expr: |\n"
      "      sum(\n"
      "        rate(x[5q]))\n";
  CHECK(placed(oneRule(expr + kTail)) == std::vector<std::string>{"5:16: expr: " + kBad});
}

TEST_CASE("literal block with a header comment and an indentation indicator") {
  const std::string expr =
      "    expr: |2 # the rate\n"
      "        rate(x[5q])\n";
  CHECK(placed(oneRule(expr + kTail)) == std::vector<std::string>{"4:16: expr: " + kBad});
}

TEST_CASE("folded block scalar joins lines with spaces") {
  const std::string expr =
      "    expr: >-\n"
      "      sum(rate(x[1m]))\n"
      "      + rate(y[5q])\n";
  CHECK(placed(oneRule(expr + kTail)) == std::vector<std::string>{"5:16: expr: " + kBad});
}

TEST_CASE("multi-line plain scalar") {
  const std::string expr =
      "    expr: sum(rate(x[1m]))\n"
      "      + rate(y[5q])\n";
  CHECK(placed(oneRule(expr + kTail)) == std::vector<std::string>{"4:16: expr: " + kBad});
}

TEST_CASE("an error on the second line of a literal block") {
  const std::string expr =
      "    expr: |\n"
      "      sum(rate(x[1m]))\n"
      "        / )\n";
  CHECK(placed(oneRule(expr + kTail)) ==
        std::vector<std::string>{"5:11: expr: unexpected right parenthesis ')'"});
}

}  // namespace
}  // namespace nova::rules

namespace nova::rules {
namespace {

TEST_CASE("an error at the end of the input points after the last character") {
  const std::string expr =
      "    expr: |\n"
      "      sum(\n"
      "        rate(x[1m])\n";
  CHECK(test::problems(test::oneRule(expr + kTail)) ==
        std::vector<std::string>{"5:20: expr: unclosed left parenthesis"});
  CHECK(test::problems(test::oneRule("    expr: \"sum(x\"\n" + kTail)) ==
        std::vector<std::string>{"3:17: expr: unclosed left parenthesis"});
}

}  // namespace
}  // namespace nova::rules
