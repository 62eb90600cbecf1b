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

namespace nova::cli {
namespace {

TEST_CASE("a scenario's hold covers up to high unless it names another severity") {
  const ScenarioLoad load = parseScenario(
      "series: ['up 1x10']\n"
      "actions:\n"
      "  - {at: 10s, hold: {for: 1m}}\n"
      "  - {at: 20s, hold: {for: 1m, covers: critical}}\n",
      "s.yaml");
  REQUIRE(load.scenario.has_value());
  REQUIRE(load.scenario->commands.size() == 2);
  CHECK((load.scenario->commands[0].command.holdCovers == Severity::kHigh));
  CHECK((load.scenario->commands[1].command.holdCovers == Severity::kCritical));
  CHECK(scenarioProblems("series: ['up 1x10']\n"
                         "actions:\n"
                         "  - {at: 10s, hold: {for: 1m, covers: all}}\n"
                         "  - {at: 20s, release: {covers: high}}\n") ==
        std::vector<std::string>{
            "3:39: unknown covers \"all\" (expected low, medium, high, critical)",
            "4:33: covers: only a hold has a scope",
        });
}

TEST_CASE("a scenario's receivers, switch and notification and rollback expectations") {
  const ScenarioLoad load = parseScenario(
      "series: ['up 1x3']\n"
      "receivers:\n"
      "  - {type: pagerduty}\n"
      "  - {type: slack, name: deploys, severities: [medium, low], kinds: incident_opened}\n"
      "switch: {fail: 2}\n"
      "expect_notifications:\n"
      "  - 1m incident_opened 0-1 -> pagerduty, slack:deploys\n"
      "  - 2m hold - -> none\n"
      "expect_rollbacks: [1m error, 1m10s flipped]\n"
      "expect:\n"
      "  - at: 1m\n"
      "    rollback: none\n"
      "    notifications: [{kind: rollback_done, key: '0-1', receiver: log}, {receiver: x}]\n",
      "s.yaml");
  for (const rules::Diagnostic& d : load.diagnostics) {
    FAIL_CHECK(d.toString());
  }
  REQUIRE(load.scenario.has_value());
  const watch::Scenario& s = *load.scenario;
  REQUIRE(s.receivers.size() == 2);
  CHECK(s.receivers[0].type == "pagerduty");
  CHECK(s.receivers[1].settings ==
        std::map<std::string, std::string>{
            {"name", "deploys"}, {"severities", "medium, low"}, {"kinds", "incident_opened"}});
  CHECK(s.switchFailures == 2);
  using notify::NotificationKind;
  CHECK((*s.expectedNotifications ==
         std::vector<watch::ExpectedNotification>{
             {kMinute, NotificationKind::kIncidentOpened, "0-1", {"pagerduty", "slack:deploys"}},
             {2 * kMinute, NotificationKind::kHold, "", {}}}));
  CHECK((*s.expectedRollbacks ==
         std::vector<watch::ExpectedRollback>{{kMinute, "error"}, {70 * kSecond, "flipped"}}));
  REQUIRE(s.expectations.size() == 1);
  const watch::Expectation& e = s.expectations[0];
  CHECK(e.rollback == "none");
  REQUIRE(e.notifications.size() == 2);
  CHECK((e.notifications[0].kind == NotificationKind::kRollbackDone));
  CHECK(e.notifications[0].key == "0-1");
  CHECK(e.notifications[0].receiver == "log");
  CHECK_FALSE(e.notifications[1].kind.has_value());
  CHECK(e.notifications[1].receiver == "x");
}

TEST_CASE("without receivers a scenario notifies the agent's default, one log receiver") {
  const ScenarioLoad load = parseScenario("series: ['up 1']\n", "s.yaml");
  REQUIRE(load.scenario.has_value());
  REQUIRE(load.scenario->receivers.size() == 1);
  CHECK(load.scenario->receivers[0].type == "log");
  CHECK(load.scenario->switchFailures == 0);
}

TEST_CASE("mistakes in receivers, switch and the new expectations are reported in place") {
  CHECK(scenarioProblems("series: ['up 1']\n"
                         "receivers:\n"
                         "  - {type: pagerdooty}\n"
                         "  - {type: slack, severities: [loud]}\n"
                         "  - {type: log, colour: red}\n"
                         "  - {type: log}\n"
                         "  - {type: log}\n"
                         "switch: {fail: 1.5}\n"
                         "expect_notifications: [1m incident_opened 0-1, 1m opened 0-1 -> log]\n"
                         "expect_rollbacks: [1m flopped]\n"
                         "expect:\n"
                         "  - {at: 1m, rollback: maybe, notifications: [{kind: x, who: y}]}\n") ==
        std::vector<std::string>{
            "3:12: unknown receiver type \"pagerdooty\"; did you mean pagerduty?",
            "4:5: receiver slack: severities: unknown value \"loud\"",
            "5:17: unknown key \"colour\" in receiver",
            "6:5: a second receiver named \"log\"; set name to tell them apart",
            "7:5: a second receiver named \"log\"; set name to tell them apart",
            "8:16: switch.fail must be a whole number from 0 to 100",
            "9:24: expect_notifications entry must be \"<time> <kind> <key> -> <receiver>, ...\" "
            "(key - for none, receiver none for nobody), e.g. \"2m40s incident_opened 0-1 -> log\"",
            "9:48: unknown notification kind \"opened\" (expected incident_opened, "
            "severity_changed, rollback_started, rollback_done, "
            "rollback_impossible, escalated, incident_resolved, hold, release)",
            "10:20: expect_rollbacks entry must be \"<time> <outcome>\" (flipped, already_blue, "
            "impossible, error), e.g. \"7m40s error\"",
            "12:24: unknown rollback outcome \"maybe\" (expected flipped, already_blue, "
            "impossible, error, none)",
            "12:54: unknown notification kind \"x\" (expected incident_opened, severity_changed, "
            "rollback_started, rollback_done, "
            "rollback_impossible, escalated, incident_resolved, hold, release)",
            "12:57: unknown key \"who\" in notification",
        });
}

}  // namespace
}  // namespace nova::cli
