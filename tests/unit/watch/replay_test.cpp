#include "nova/watch/replay.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../doctest_strings.h"
#include "nova/traffic/dry_run_switch.h"

namespace nova::watch {
namespace {

constexpr std::string_view kRules = R"(
policy:
  critical: {action: rollback}
rules:
  - name: api_down
    expr: min(up)
    threshold: "< 1"
    for: 10s
    severity: critical
    summary: "up is {{ $value }}"
)";

rules::RuleSet ruleSet() {
  auto loaded = rules::load(kRules, "replay.yaml");
  REQUIRE(loaded.ok());
  return std::move(loaded).value();
}

// `up` is 1 for `healthy` scrapes, then 0, ten seconds apart.
Scenario apiDown(int healthy, int down) {
  Scenario s;
  s.interval = 10 * kSecond;
  promql::SeriesLine up;
  up.labels = Labels{{"__name__", "up"}};
  for (int i = 0; i < healthy + down; ++i) {
    up.values.emplace_back(i < healthy ? 1.0 : 0.0);
  }
  s.series.push_back(up);
  s.end = (healthy + down - 1) * s.interval;
  return s;
}

// "at kind key -> receivers" for every notification of the run.
std::vector<std::string> sent(const ScenarioReport& report) {
  std::vector<std::string> out;
  for (const TickRecord& tick : report.ticks) {
    for (const SentNotification& n : tick.notifications) {
      std::string line = formatDuration(tick.at) + " " +
                         std::string(notify::toString(n.notification.kind)) + " " +
                         n.notification.incidentId + " ->";
      for (const auto& r : n.receivers) {
        line += " " + r;
      }
      out.push_back(line);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a replay runs the watcher's tick and carries out its actions at once") {
  traffic::DryRunSwitch traffic;
  Scenario scenario = apiDown(3, 4);
  scenario.expectedActions = std::vector<ExpectedAction>{{40 * kSecond, policy::Action::kRollback}};
  const ScenarioReport report = replay(scenario, ruleSet(), traffic);
  for (const auto& failure : report.failures) {
    FAIL_CHECK(failure);
  }
  CHECK(report.checked == 1);
  REQUIRE(traffic.requests().size() == 1);
  CHECK(traffic.requests()[0].incidentId == "0-1");
  CHECK(traffic.requests()[0].who == "agent");
  CHECK(sent(report) == std::vector<std::string>{"40s rollback_started 0-1 -> log",
                                                 "40s rollback_done 0-1 -> log"});
  const TickRecord& flip = report.ticks[4];
  REQUIRE(flip.rollbacks.size() == 1);
  CHECK(flip.rollbacks[0].attempt == 1);
  CHECK(flip.rollbacks[0].outcome == "flipped");
  CHECK(policy::toString(flip.decision.incident->state) == "rolled_back");
}

TEST_CASE("a person's command runs at its tick; refusals are failures naming the line") {
  traffic::DryRunSwitch traffic;
  Scenario scenario = apiDown(6, 0);
  scenario.commands = {{20 * kSecond, {Command::Kind::kRollback, 0, "bob", "bad build"}, 7},
                       {30 * kSecond, {Command::Kind::kRelease, 0, "bob", ""}, 9}};
  const ScenarioReport report = replay(scenario, ruleSet(), traffic);
  REQUIRE(traffic.requests().size() == 1);
  CHECK(traffic.requests()[0].who == "bob");
  CHECK(sent(report) == std::vector<std::string>{"20s rollback_started 0-1 -> log",
                                                 "20s rollback_done 0-1 -> log"});
  CHECK(report.failures ==
        std::vector<std::string>{"line 9, at 30s: command refused: release: no hold is active"});
}

TEST_CASE("a policy the rules cannot run under fails the replay before the first tick") {
  traffic::DryRunSwitch traffic;
  Scenario scenario = apiDown(1, 0);
  scenario.policyOverrides = "recovery: -1m\n";
  const ScenarioReport report = replay(scenario, ruleSet(), traffic);
  REQUIRE(report.failures.size() == 1);
  CHECK(report.failures[0].rfind("policy: ", 0) == 0);
  CHECK(report.ticks.empty());
}

TEST_CASE("a switch that fails twice: the rollback is retried on the next ticks, then flips") {
  traffic::DryRunSwitch traffic;
  Scenario scenario = apiDown(3, 8);
  scenario.switchFailures = 2;
  scenario.receivers = {{"pagerduty", {}}, {"slack", {{"name", "deploys"}}}};
  scenario.expectedRollbacks = std::vector<ExpectedRollback>{
      {40 * kSecond, "error"}, {50 * kSecond, "error"}, {60 * kSecond, "flipped"}};
  scenario.expectedNotifications =
      std::vector<ExpectedNotification>{{40 * kSecond,
                                         notify::NotificationKind::kRollbackStarted,
                                         "0-1",
                                         {"pagerduty", "slack:deploys"}},
                                        {60 * kSecond,
                                         notify::NotificationKind::kRollbackDone,
                                         "0-1",
                                         {"pagerduty", "slack:deploys"}}};
  Expectation retried;
  retried.at = 50 * kSecond;
  retried.rollback = "error";
  Expectation done;
  done.at = 60 * kSecond;
  done.rollback = "flipped";
  done.notifications = {{notify::NotificationKind::kRollbackDone, "0-1", "pagerduty"}};
  scenario.expectations = {retried, done};
  const ScenarioReport report = replay(scenario, ruleSet(), traffic);
  for (const auto& failure : report.failures) {
    FAIL_CHECK(failure);
  }
  CHECK(report.checked == 4);
  CHECK(traffic.requests().size() == 1);  // the failures never reached the dry-run switch
  REQUIRE(report.ticks[4].rollbacks.size() == 1);
  CHECK(report.ticks[4].rollbacks[0].detail == "dry-run: simulated failure 1 of 2");
  CHECK(report.ticks[6].rollbacks[0].attempt == 3);
}

TEST_CASE("a switch that keeps failing: after three attempts a person is paged") {
  traffic::DryRunSwitch traffic;
  Scenario scenario = apiDown(3, 8);
  scenario.switchFailures = 5;
  const ScenarioReport report = replay(scenario, ruleSet(), traffic);
  CHECK(sent(report) == std::vector<std::string>{"40s rollback_started 0-1 -> log",
                                                 "1m rollback_impossible 0-1 -> log"});
  CHECK(report.rollbacks == std::vector<ExpectedRollback>{{40 * kSecond, "error"},
                                                          {50 * kSecond, "error"},
                                                          {60 * kSecond, "error"}});
  CHECK(traffic.requests().empty());
}

TEST_CASE("failed notification and rollback checks say what happened instead") {
  traffic::DryRunSwitch traffic;
  Scenario scenario = apiDown(3, 2);
  scenario.receivers = {{"pagerduty", {}}, {"slack", {{"severities", "low"}}}};
  Expectation e;
  e.at = 40 * kSecond;
  e.line = 12;
  e.rollback = "error";
  e.notifications = {{notify::NotificationKind::kRollbackStarted, "0-1", "slack"},
                     {notify::NotificationKind::kHold, std::nullopt, std::nullopt}};
  scenario.expectations = {e};
  scenario.expectedRollbacks = std::vector<ExpectedRollback>{{30 * kSecond, "flipped"}};
  const ScenarioReport report = replay(scenario, ruleSet(), traffic);
  CHECK(report.failures ==
        std::vector<std::string>{
            "line 12, at 40s:\n"
            "  notification: expected rollback_started 0-1 to slack, not sent at this tick\n"
            "  notification: expected hold, not sent at this tick\n"
            "  rollback: expected error, got flipped\n"
            "  at this tick: incident 0-1 critical rolled_back; action rollback; events: "
            "rule_firing(api_down) incident_opened rollback_decided rollback_completed; sent: "
            "rollback_started 0-1 -> pagerduty; rollback_done 0-1 -> pagerduty; rollback "
            "attempts: 1 flipped",
            "expect_rollbacks: the rollback attempts differ\n"
            "  - 30s flipped\n"
            "  + 40s flipped\n"
            "  (- expected, + made)"});
}

TEST_CASE("entries print as scenario files write them") {
  CHECK(entryText(ExpectedAction{160 * kSecond, policy::Action::kPage}) == "2m40s page");
  CHECK(entryText(ExpectedNotification{0, notify::NotificationKind::kHold, "", {}}) ==
        "0s hold - -> none");
  CHECK(entryText(ExpectedNotification{
            kMinute, notify::NotificationKind::kIncidentOpened, "0-1", {"log", "slack:x"}}) ==
        "1m incident_opened 0-1 -> log, slack:x");
  CHECK(entryText(ExpectedRollback{kMinute, "already_blue"}) == "1m already_blue");
}

}  // namespace nova::watch
