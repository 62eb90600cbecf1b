// Rule files that would break what the agent publishes or what the loader holds: text that
// is not UTF-8 or carries a NUL, too many rules, YAML nested past the parser's guard.
#include <doctest/doctest.h>

#include <string>

#include "nova/rules/loader.h"
#include "test_util.h"

namespace nova::rules {
namespace {

using test::problems;

constexpr const char* kRest = "    expr: up\n    threshold: \"< 1\"\n    severity: low\n";

std::string ruleNamed(const std::string& nameScalar) {
  return "rules:\n  - name: " + nameScalar + "\n" + kRest;
}

}  // namespace

TEST_CASE("a rule name that is not UTF-8 is refused at its byte") {
  // "ab\xff" : the third byte of the name is a lone continuation byte.
  CHECK(problems(ruleNamed("ab\xff")) ==
        std::vector<std::string>{"2:13: name: invalid UTF-8 at byte 2"});
  CHECK(problems(ruleNamed("\"caf\xc3\xa9\"")).empty());  // é is fine
}

TEST_CASE("a NUL in a name, a label or a summary is refused, not mangled") {
  CHECK(problems(ruleNamed("\"a\\0b\"")) ==
        std::vector<std::string>{"2:13: name: contains a NUL character at byte 1"});
  CHECK(problems("rules:\n  - name: r\n    labels: {team: \"x\\0\"}\n" + std::string(kRest)) ==
        std::vector<std::string>{"3:22: labels.team: contains a NUL character at byte 1"});
  CHECK(problems("rules:\n  - name: r\n    summary: \"ok \xc0\xaf\"\n" + std::string(kRest)) ==
        std::vector<std::string>{"3:18: summary: invalid UTF-8 at byte 3"});
}

TEST_CASE("Prometheus rule files get the same checks") {
  const std::string file =
      "groups:\n  - name: g\n    rules:\n      - alert: \"x\\0\"\n"
      "        expr: up == 0\n        labels: {severity: critical}\n";
  CHECK(problems(file) ==
        std::vector<std::string>{"4:18: alert: contains a NUL character at byte 1"});
}

TEST_CASE("a file with more rules than the cap is refused at the first rule past it") {
  std::string file = "rules:\n";
  for (std::size_t i = 0; i <= kMaxRulesPerFile; ++i) {
    file += "  - {name: r" + std::to_string(i) + ", expr: up, threshold: \"< 1\", severity: low}\n";
  }
  CHECK(problems(file) == std::vector<std::string>{std::to_string(kMaxRulesPerFile + 2) +
                                                   ":5: too many rules: a rule file holds at "
                                                   "most 1000"});
  std::string groups = "groups:\n  - name: g\n    rules:\n";
  for (std::size_t i = 0; i <= kMaxRulesPerFile; ++i) {
    groups += "      - {record: r" + std::to_string(i) + ", expr: up}\n";
  }
  CHECK(problems(groups) == std::vector<std::string>{std::to_string(kMaxRulesPerFile + 4) +
                                                     ":9: too many rules: a rule file holds "
                                                     "at most 1000"});
}

TEST_CASE("YAML nested past the parser's guard is \"nested too deeply\" at its place") {
  const std::string deep = "rules: " + std::string(3000, '[') + std::string(3000, ']') + "\n";
  const auto found = problems(deep);
  REQUIRE(found.size() == 1);
  CHECK(found[0].starts_with("1:"));
  CHECK(found[0].ends_with(": nested too deeply: the YAML parser's depth guard stops here"));
}

}  // namespace nova::rules
