#include <doctest/doctest.h>

#include "../doctest_strings.h"
#include "nova/cli/scenario_loader.h"

namespace nova::cli {
namespace {

std::vector<std::string> scenarioProblems(const std::string& yaml) {
  std::vector<std::string> out;
  for (const rules::Diagnostic& d : parseScenario(yaml, "s.yaml").diagnostics) {
    // The series notation's wording is its parser's; the place is ours.
    const std::string message =
        d.message.starts_with("series: ") ? std::string("series: ...") : d.message;
    out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + message);
  }
  return out;
}

TEST_CASE("a scenario's fields") {
  const ScenarioLoad load = parseScenario(
      "interval: 5s\n"
      "traffic_switch: 30s\n"
      "series:\n"
      "  - 'up 1x10 _ 0'\n"
      "  - 'x{a=\"b\"} 0+1x3'\n"
      "policy: {recovery: 1m}\n"
      "actions:\n"
      "  - {at: 40s, hold: {for: 1m, who: alice, reason: why}}\n"
      "  - {at: 50s, release: {who: alice}}\n"
      "expect_actions: [40s page]\n"
      "expect:\n"
      "  - {at: 45s, severity: none, action: none, state: open, events: [hold, page],"
      " incident: 30000-1, firing: r}\n",
      "s.yaml");
  for (const rules::Diagnostic& d : load.diagnostics) {
    FAIL_CHECK(d.toString());
  }
  REQUIRE(load.scenario.has_value());
  const watch::Scenario& s = *load.scenario;
  CHECK(s.ruleFiles == std::vector<std::string>{"../../rules/default.yaml"});
  CHECK(s.interval == 5 * kSecond);
  CHECK(s.trafficSwitch == 30 * kSecond);
  CHECK(s.end == 60 * kSecond);
  REQUIRE(s.series.size() == 2);
  CHECK(s.series[0].values.size() == 13);
  CHECK_FALSE(s.series[0].values[11].has_value());
  REQUIRE(s.commands.size() == 2);
  CHECK(s.commands[0].at == 40 * kSecond);
  CHECK((s.commands[0].command.kind == watch::Command::Kind::kHold));
  CHECK(s.commands[0].command.holdFor == kMinute);
  CHECK(s.commands[0].command.who == "alice");
  CHECK((s.commands[1].command.kind == watch::Command::Kind::kRelease));
  REQUIRE(s.expectedActions.has_value());
  CHECK((*s.expectedActions ==
         std::vector<watch::ExpectedAction>{{40 * kSecond, policy::Action::kPage}}));
  REQUIRE(s.expectations.size() == 1);
  const watch::Expectation& e = s.expectations[0];
  CHECK(e.line == 12);
  CHECK((e.severity == Severity::kNone));
  CHECK((e.state == policy::IncidentState::kOpen));
  CHECK(e.events.size() == 2);
  CHECK(e.incident == "30000-1");
  CHECK(e.firing == std::vector<std::string>{"r"});

  policy::PolicyConfig config;
  REQUIRE(rules::applyPolicyOverrides(config, *s.policyOverrides).ok());
  CHECK(config.recovery == kMinute);
  CHECK((config.high == policy::PolicyConfig{}.high));
}

TEST_CASE("scenario mistakes are all reported in place") {
  CHECK(scenarioProblems("intervall: 5s\n"
                         "series:\n"
                         "  - 'up 1x10 1+x'\n"
                         "  - 'up{a=} 1'\n"
                         "actions:\n"
                         "  - {at: 1m, hold: {who: a}}\n"
                         "  - {at: 2m}\n"
                         "expect:\n"
                         "  - {at: 1m, severity: severe, action: flip, events: [paged]}\n"
                         "expect_actions: [page at 1m]\n") ==
        std::vector<std::string>{
            "1:1: unknown key \"intervall\" in scenario; did you mean interval?",
            "3:16: series: ...",
            "4:11: series: ...",
            "6:20: hold: missing required field for",
            "7:5: an action needs exactly one of hold, release, rollback",
            "9:24: unknown severity \"severe\" (expected none, low, medium, high, critical)",
            "9:40: unknown action \"flip\" (expected none, monitor, notify, page, rollback)",
            "9:54: unknown event \"paged\"; did you mean page?",
            "10:18: expect_actions entry must be \"<time> <action>\", e.g. \"1m30s page\"",
        });
  CHECK(scenarioProblems("interval: 0s\nseries: []\n") ==
        std::vector<std::string>{"1:11: interval must be positive"});
}

}  // namespace
}  // namespace nova::cli
