// The parser's fast paths (plain label values read in place, names and values scanned up to
// the line's newline, duplicate names screened by first byte) must agree with the slow ones
// at every length and position.

#include <doctest/doctest.h>

#include <string>

#include "dump.h"
#include "nova/expo/parser.h"

using nova::expo::Parser;
using nova::expo::SampleView;
using nova::expo::testing::dumpAll;
using nova::expo::testing::errorOf;

namespace {

// The one label value of the body's first sample, or the error.
std::string valueOf(const std::string& body) {
  Parser parser(body);
  SampleView s;
  if (!parser.next(s)) {
    return "error: " + (parser.error() ? parser.error()->toString() : "no sample");
  }
  return s.labels.size() == 1 ? std::string(s.labels[0].value) : "labels != 1";
}

}  // namespace

TEST_CASE("label values of every length, with an escape or UTF-8 at every position") {
  for (std::size_t length = 0; length <= 24; ++length) {
    const std::string plain(length, 'v');
    CHECK(valueOf("m{a=\"" + plain + "\"} 1\n") == plain);
    for (std::size_t at = 0; at <= length; ++at) {
      const std::string head = plain.substr(0, at);
      const std::string tail = plain.substr(at);
      CHECK(valueOf("m{a=\"" + head + "\\\"" + tail + "\"} 1\n") == head + "\"" + tail);
      CHECK(valueOf("m{a=\"" + head + "\xc3\xa9" + tail + "\"} 1\n") == head + "\xc3\xa9" + tail);
      CHECK(valueOf("m{a=\"" + head + "\xff" + tail + "\"} 1\n").starts_with("error: "));
      CHECK(valueOf("m{a=\"" + head) == "error: 1:5: unterminated quoted label value");
    }
  }
}

TEST_CASE("a last line without a newline reads as one with it") {
  for (const std::string line : {"some_metric_name_longer_than_a_word{label_name=\"value\"} 12.5",
                                 "m{a=\"b\"} 1 1700000000000", "m 1", "m{} +Inf"}) {
    CHECK(dumpAll(line) == dumpAll(line + "\n"));
  }
  CHECK(errorOf("m{a=\"b\"} 1x") == errorOf("m{a=\"b\"} 1x\n"));
}

TEST_CASE("duplicate names are found wherever they sit, first bytes shared or not") {
  for (std::size_t n = 2; n <= 20; ++n) {
    for (std::size_t dup = 1; dup < n; ++dup) {
      // Names share first bytes (a0, a1, ...) or differ in them (a0, b1, ...); the last
      // label repeats label `dup - 1`.
      for (const bool shared : {true, false}) {
        std::string line = "m{";
        std::string repeated;
        for (std::size_t i = 0; i < n; ++i) {
          const std::size_t k = i + 1 == n ? dup - 1 : i;
          const char first = shared ? 'a' : static_cast<char>('a' + k % 26);
          const std::string name = std::string(1, first) + std::to_string(k);
          repeated = name;
          line += name + "=\"v\",";
        }
        line += "} 1\n";
        CHECK(errorOf(line) == "1:1: duplicate label name \"" + repeated + "\"");
      }
    }
  }
  CHECK(errorOf("m{a=\"1\",A=\"2\",\"a\"=\"3\"} 1\n") == "1:1: duplicate label name \"a\"");
  CHECK(errorOf("m{a=\"1\",__name__=\"2\"} 1\n") == "1:1: label __name__ repeats the metric name");
}
