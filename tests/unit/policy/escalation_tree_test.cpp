// Every branch of the seed's escalation tree, as tables of ticks.

#include <doctest/doctest.h>

#include "harness.h"

using namespace policy_test;
using nova::policy::PolicyConfig;

namespace {

std::string stateOf(const Decision& decision) {
  return decision.incident ? std::string(nova::policy::toString(decision.incident->state))
                           : "(none)";
}

}  // namespace

TEST_CASE("for: one noisy sample never counts") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const auto decisions = run(escalator, rules,
                             {
                                 {at(0), {{"errors_high"}}, "none", {"rule_pending[errors_high]"}},
                                 {at(0, 15), {}, "none", {"rule_cleared[errors_high]"}},
                                 {at(0, 30), {}, "none", {}},
                             });
  for (const Decision& decision : decisions) {
    CHECK_FALSE(decision.incident.has_value());
  }
}

TEST_CASE("for: a rule fires after breaching for its whole duration") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const auto decisions = run(escalator, rules,
                             {
                                 {at(0), {{"errors_high"}}, "none", {"rule_pending[errors_high]"}},
                                 {at(0, 30), {{"errors_high"}}, "none", {}},
                                 {at(0, 59), {{"errors_high"}}, "none", {}},
                                 {at(1),
                                  {{"errors_high", kBad, 0.07}},
                                  "page",
                                  {"rule_firing[errors_high]", "incident_opened", "page"}},
                             });
  const Decision& last = decisions.back();
  REQUIRE(last.incident.has_value());
  CHECK(last.incident->id == "1700000000000-1");
  CHECK(last.incident->startedAt == at(1));
  CHECK(stateOf(last) == "investigating");
  REQUIRE(last.incident->rules.size() == 1);
  CHECK(last.incident->rules[0].name == "errors_high");
  CHECK(last.incident->rules[0].value == doctest::Approx(0.07));
  CHECK(last.reason == "high: errors_high=0.07");
}

TEST_CASE("critical: immediate rollback, exactly once") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const auto decisions =
      run(escalator, rules,
          {
              {at(0),
               {{"api_down"}},
               "rollback",
               {"rule_firing[api_down]", "incident_opened", "rollback_decided"}},
              {at(0, 15), {{"api_down"}, {"ws_drop"}}, "none", {"rule_firing[ws_drop]"}},
              {at(0, 30), {}, "none", {"rule_cleared[api_down]", "rule_cleared[ws_drop]"}},
              {at(20), {}, "none", {}},
          });
  CHECK(stateOf(decisions[0]) == "rolling_back");
  CHECK(decisions[0].incident->rollbackAt == at(0));
  CHECK(stateOf(decisions.back()) == "rolling_back");
  CHECK(escalator.rollbackDecided());

  const auto completed = escalator.rollbackCompleted(at(21), "ingress points at blue");
  REQUIRE(completed.ok());
  CHECK(stateOf(*completed) == "rolled_back");
  CHECK(joined(eventKeys(*completed)) == "rollback_completed");
  CHECK_FALSE(escalator.rollbackCompleted(at(22), "again").ok());
  const auto again = escalator.forceRollback(at(22), "dave", "sure?");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message.find("at most once") != std::string::npos);
}

TEST_CASE("high: page, investigate 5m, roll back when still breaching") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const auto decisions =
      run(escalator, rules,
          {
              {at(1),
               {{"ws_drop", kBad, 0.4}},
               "page",
               {"rule_firing[ws_drop]", "incident_opened", "page"}},
              {at(3), {{"ws_drop", kBad, 0.4}}, "none", {}},
              {at(5, 59), {{"ws_drop", kBad, 0.4}}, "none", {}},
              {at(6), {{"ws_drop", kBad, 0.5}}, "rollback", {"rollback_decided"}},
              {at(6, 15), {{"ws_drop"}}, "none", {}},
          });
  CHECK(decisions[3].reason == "high: still breaching after 5m investigation: ws_drop=0.5");
  CHECK(decisions[3].incident->id == decisions[0].incident->id);
}

TEST_CASE("high: a breach gone before the window ends is not rolled back") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const auto decisions =
      run(escalator, rules,
          {
              {at(1), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}},
              {at(3), {}, "none", {"rule_cleared[ws_drop]"}},
              {at(6), {}, "none", {"investigation_ended"}},
              {at(7, 59), {}, "none", {}},
              {at(8), {}, "none", {"incident_resolved"}},
              {at(9), {}, "none", {}},
          });
  CHECK(stateOf(decisions[1]) == "recovering");
  CHECK(stateOf(decisions[4]) == "resolved");
  CHECK(decisions[4].incident->resolvedAt == at(8));
  CHECK_FALSE(decisions[5].incident.has_value());
  CHECK_FALSE(escalator.rollbackDecided());
}

TEST_CASE("recovery: a rule firing again within recovery is the same incident") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const auto decisions =
      run(escalator, rules,
          {
              {at(1), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}},
              {at(2), {}, "none", {"rule_cleared[ws_drop]"}},
              {at(4), {{"ws_drop"}}, "none", {"rule_firing[ws_drop]"}},
              {at(5), {}, "none", {"rule_cleared[ws_drop]"}},
              {at(6), {}, "none", {"investigation_ended"}},
              // Past the window and breaching again: the problem persists.
              {at(7), {{"ws_drop"}}, "rollback", {"rule_firing[ws_drop]", "rollback_decided"}},
          });
  for (const Decision& decision : decisions) {
    REQUIRE(decision.incident.has_value());
    CHECK(decision.incident->id == "1700000000000-1");
  }
}

TEST_CASE("recovery and cool-down: a new incident after a resolve pages only after cool-down") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const auto decisions = run(
      escalator, rules,
      {
          {at(1), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}},
          {at(2), {}, "none", {"rule_cleared[ws_drop]"}},
          {at(6), {}, "none", {"investigation_ended"}},
          {at(7), {}, "none", {"incident_resolved"}},
          {at(10), {{"ws_drop"}}, "notify", {"rule_firing[ws_drop]", "incident_opened", "notify"}},
          {at(11), {}, "none", {"rule_cleared[ws_drop]"}},
          {at(15), {}, "none", {"investigation_ended"}},
          {at(16), {}, "none", {"incident_resolved"}},
          {at(30), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}},
      });
  CHECK(decisions[0].incident->id == "1700000000000-1");
  CHECK(decisions[4].incident->id == "1700000000000-2");
  CHECK(decisions[4].reason.find("cool-down until 2023-11-14T22:30:20Z") != std::string::npos);
  CHECK(decisions[8].incident->id == "1700000000000-3");
}

TEST_CASE("severity rises within an incident: medium notifies, high pages once") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const Obs medium{"errors_medium", kBad, 0.02};
  const auto decisions = run(
      escalator, rules,
      {
          {at(0), {medium}, "notify", {"rule_firing[errors_medium]", "incident_opened", "notify"}},
          {at(1),
           {medium, {"ws_drop"}},
           "page",
           {"rule_firing[ws_drop]", "severity_changed", "page"}},
          {at(2), {medium}, "none", {"rule_cleared[ws_drop]"}},
          {at(3), {medium, {"ws_drop"}}, "none", {"rule_firing[ws_drop]"}},
          {at(4), {medium}, "none", {"rule_cleared[ws_drop]"}},
          {at(6), {medium}, "none", {"investigation_ended"}},
          // Medium's own follow-up (page after 30m) finds the incident already paged.
          {at(30), {medium}, "none", {}},
          {at(31),
           {medium, {"api_down"}},
           "rollback",
           {"rule_firing[api_down]", "severity_changed", "rollback_decided"}},
      });
  CHECK(decisions[1].events[1].detail == "medium -> high");
  const auto& incident = *decisions.back().incident;
  CHECK(incident.id == decisions[0].incident->id);
  CHECK(std::string(nova::toString(incident.severity)) == "critical");
  REQUIRE(incident.rules.size() == 3);
  CHECK(incident.rules[0].name == "errors_medium");
  CHECK(incident.rules[1].name == "ws_drop");
  CHECK_FALSE(incident.rules[1].firing);
  CHECK(incident.rules[2].name == "api_down");
}

TEST_CASE("medium: notify, keep watching 30m, then page") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const Obs medium{"errors_medium", kBad, 0.03};
  const auto decisions = run(
      escalator, rules,
      {
          {at(0), {medium}, "notify", {"rule_firing[errors_medium]", "incident_opened", "notify"}},
          {at(29, 59), {medium}, "none", {}},
          {at(30), {medium}, "page", {"page"}},
          {at(31), {medium}, "none", {}},
          {at(90), {medium}, "none", {}},
      });
  CHECK(decisions[2].reason ==
        "medium: still breaching after 30m investigation: errors_medium=0.03");
  CHECK_FALSE(escalator.rollbackDecided());
}

TEST_CASE("low: notify once, then monitor") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const auto decisions = run(escalator, rules,
                             {
                                 {at(0),
                                  {{"latency_low"}},
                                  "notify",
                                  {"rule_firing[latency_low]", "incident_opened", "notify"}},
                                 {at(10), {{"latency_low"}}, "none", {}},
                                 {at(60), {{"latency_low"}}, "none", {}},
                             });
  CHECK(stateOf(decisions.back()) == "open");
}

TEST_CASE("a severity whose action is none is ignored; monitor tracks silently") {
  const auto rules = seedRules();
  PolicyConfig config;
  config.low = {Action::kNone, 0, Action::kNone};
  config.medium = {Action::kMonitor, 0, Action::kNone};
  Escalator escalator(config, rules, kSwitch);
  const auto decisions = run(escalator, rules,
                             {
                                 {at(0), {{"latency_low"}}, "none", {"rule_firing[latency_low]"}},
                                 {at(1),
                                  {{"latency_low"}, {"errors_medium"}},
                                  "monitor",
                                  {"rule_firing[errors_medium]", "incident_opened"}},
                             });
  CHECK_FALSE(decisions[0].incident.has_value());
  REQUIRE(decisions[1].incident.has_value());
  REQUIRE(decisions[1].incident->rules.size() == 1);
  CHECK(decisions[1].incident->rules[0].name == "errors_medium");
}

TEST_CASE("rollback window: after 2h the agent pages instead of rolling back") {
  const auto rules = seedRules();
  SUBCASE("a critical after the window") {
    Escalator escalator(PolicyConfig{}, rules, kSwitch);
    const auto decisions =
        run(escalator, rules,
            {
                {at(119, 59), {}, "none", {}},
                {at(120), {}, "none", {"window_expired"}},
                {at(121),
                 {{"api_down"}},
                 "page",
                 {"rule_firing[api_down]", "incident_opened", "rollback_suppressed", "page"}},
                {at(122), {{"api_down"}}, "none", {}},
            });
    CHECK(decisions[1].events[0].detail.find("2h") != std::string::npos);
    CHECK(decisions[2].events[2].detail.find("rollback window ended") != std::string::npos);
    CHECK_FALSE(escalator.rollbackDecided());
    CHECK(escalator.rollbackWindowEndsAt() == at(120));
  }
  SUBCASE("a high whose investigation ends after the window") {
    Escalator escalator(PolicyConfig{}, rules, kSwitch);
    run(escalator, rules,
        {
            {at(117), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}},
            {at(120), {{"ws_drop"}}, "none", {"window_expired"}},
            {at(122), {{"ws_drop"}}, "none", {"rollback_suppressed"}},
            {at(123), {{"ws_drop"}}, "none", {}},
        });
    CHECK_FALSE(escalator.rollbackDecided());
  }
}

TEST_CASE("unknown: what no data costs is configurable") {
  const auto rules = seedRules();
  SUBCASE("default: a medium breach") {
    Escalator escalator(PolicyConfig{}, rules, kSwitch);
    run(escalator, rules,
        {
            {at(0), {{"errors_high", kUnknown}}, "none", {"rule_pending[errors_high]"}},
            {at(1),
             {{"errors_high", kUnknown}},
             "notify",
             {"rule_firing[errors_high]", "incident_opened", "notify"}},
            // Data returns and breaches: the rule now counts at its own severity.
            {at(2), {{"errors_high", kBad}}, "page", {"severity_changed", "page"}},
        });
  }
  SUBCASE("own: the rule's severity") {
    PolicyConfig config;
    config.unknown = *nova::policy::parseUnknownCost("own");
    Escalator escalator(config, rules, kSwitch);
    run(escalator, rules,
        {
            {at(0), {{"errors_high", kUnknown}}, "none", {"rule_pending[errors_high]"}},
            // Unknown then breaching without a clear tick: the `for` keeps running.
            {at(1),
             {{"errors_high", kBad}},
             "page",
             {"rule_firing[errors_high]", "incident_opened", "page"}},
        });
  }
  SUBCASE("ok: no data counts as clear") {
    PolicyConfig config;
    config.unknown = *nova::policy::parseUnknownCost("ok");
    Escalator escalator(config, rules, kSwitch);
    run(escalator, rules,
        {
            {at(0), {{"errors_high", kUnknown}, {"api_down", kUnknown}}, "none", {}},
            {at(5), {{"errors_high", kUnknown}, {"api_down", kUnknown}}, "none", {}},
        });
  }
  SUBCASE("a rule missing from a tick is unknown") {
    PolicyConfig config;
    config.unknown = *nova::policy::parseUnknownCost("own");
    Escalator escalator(config, rules, kSwitch);
    const Decision decision = escalator.step({}, at(0));
    CHECK(str(decision.action) == "rollback");
    REQUIRE(decision.incident.has_value());
    REQUIRE_FALSE(decision.incident->rules.empty());
    CHECK(decision.incident->rules[0].summary == "no observation");
  }
}

TEST_CASE("time never goes backwards") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  (void)escalator.step(observe(rules, {{"errors_high"}}), at(5));
  const Decision decision = escalator.step(observe(rules, {}), at(4));
  REQUIRE(decision.events.size() == 1);
  CHECK(decision.events[0].at == at(5));
}

TEST_CASE("replicas fed the same ticks agree on everything, ids included") {
  const auto rules = seedRules();
  Escalator a(PolicyConfig{}, rules, kSwitch);
  Escalator b(PolicyConfig{}, rules, kSwitch);
  for (int minute = 0; minute < 20; ++minute) {
    const std::vector<Obs> named =
        minute % 7 < 3 ? std::vector<Obs>{{"ws_drop"}} : std::vector<Obs>{};
    const auto observations = observe(rules, named);
    CHECK(toString(a.step(observations, at(minute))) == toString(b.step(observations, at(minute))));
  }
}

TEST_CASE("validate(config, rules) names the bad rule") {
  using nova::Severity;
  const auto messageOf = [](std::vector<RuleSpec> rules) {
    const auto status = nova::policy::validate(PolicyConfig{}, rules);
    if (status.ok()) {
      return std::string("ok");
    }
    CHECK(status.error().code == nova::ErrorCode::kInvalidInput);
    return status.error().message;
  };
  CHECK(messageOf(seedRules()) == "ok");
  CHECK(messageOf({{"a", Severity::kLow, 0}, {"a", Severity::kHigh, 0}}) ==
        "rules[1] \"a\": duplicate name");
  CHECK(messageOf({{"", Severity::kLow, 0}}) == "rules[0]: the name is empty");
  CHECK(messageOf({{"a", Severity::kNone, 0}}) ==
        "rules[0] \"a\": needs a severity (low, medium, high, critical)");
  CHECK(messageOf({{"a", Severity::kLow, -1}}) == "rules[0] \"a\": for must not be negative");
}
