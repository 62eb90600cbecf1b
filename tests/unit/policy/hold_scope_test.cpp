// What a hold covers: a hold taken for one reason never silently swallows a CRITICAL that
// comes later, and a CRITICAL a person did choose to hold is paged, whatever came before.

#include <doctest/doctest.h>

#include "harness.h"

using namespace policy_test;
using nova::Severity;
using nova::policy::PolicyConfig;

namespace {

struct ScopeRow {
  Severity covers;
  /// true: api_down (CRITICAL) fires at 3m; false: ws_drop's 5m investigation ends at 6m.
  bool critical;
  std::string action;
  std::string events;
};

}  // namespace

TEST_CASE("hold scope: which due rollback a hold suspends, as a table") {
  // ws_drop (HIGH) pages at 1m; a person holds at 2m; then either a CRITICAL starts at 3m or
  // HIGH's investigation ends at 6m with ws_drop still breaching.
  const std::vector<ScopeRow> rows{
      {Severity::kHigh, true, "rollback",
       "rule_firing[api_down] severity_changed release rollback_decided"},
      {Severity::kCritical, true, "page",
       "rule_firing[api_down] severity_changed rollback_suppressed page"},
      {Severity::kHigh, false, "none", "rollback_suppressed"},
      {Severity::kCritical, false, "none", "rollback_suppressed"},
      {Severity::kMedium, false, "rollback", "release rollback_decided"},
      {Severity::kLow, true, "rollback",
       "rule_firing[api_down] severity_changed release rollback_decided"},
  };
  const auto rules = seedRules();
  for (const ScopeRow& row : rows) {
    CAPTURE(nova::toString(row.covers));
    CAPTURE(row.critical);
    Escalator escalator(PolicyConfig{}, rules, kSwitch);
    run(escalator, rules,
        {{at(1), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}}});
    REQUIRE(escalator.hold(at(2), at(30), "alice", "reading the logs", row.covers).ok());
    const TimestampMs when = row.critical ? at(3) : at(6);
    std::vector<Obs> firing{{"ws_drop"}};
    if (row.critical) {
      firing.push_back({"api_down"});
    }
    const Decision decision = escalator.step(observe(rules, firing), when);
    INFO(nova::policy::toString(decision));
    CHECK(str(decision.action) == row.action);
    CHECK(joined(eventKeys(decision)) == row.events);
    // A hold that was overridden is over; one that suspended is still there.
    CHECK(escalator.activeHold().has_value() == (row.action != "rollback"));
  }
}

TEST_CASE("a CRITICAL overriding a hold says whose hold and why, and ends it") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  run(escalator, rules,
      {{at(1), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}}});
  REQUIRE(escalator.hold(at(2), at(30), "alice", "reading the logs").ok());
  const auto decisions =
      run(escalator, rules,
          {
              {at(6), {{"ws_drop"}}, "none", {"rollback_suppressed"}},
              {at(7),
               {{"ws_drop"}, {"api_down"}},
               "rollback",
               {"rule_firing[api_down]", "severity_changed", "release", "rollback_decided"}},
          });
  const Decision& overridden = decisions[1];
  CHECK(overridden.events[2].detail ==
        "hold by alice (which covers up to high) ended: a critical rollback overrides it");
  CHECK(overridden.reason ==
        "critical: api_down=1 (overrides the hold by alice, which covers up to high)");
  CHECK_FALSE(escalator.activeHold().has_value());
  CHECK(escalator.rollbackDecided());
}

TEST_CASE("a hold covering CRITICAL: the suppressed CRITICAL pages once, then waits for the hold") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  run(escalator, rules,
      {{at(1), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}}});
  const auto held =
      escalator.hold(at(2), at(10), "alice", "planned DB failover", Severity::kCritical);
  REQUIRE(held.ok());
  CHECK(held->events[0].detail ==
        "alice holds every automatic rollback, critical included, until 2023-11-14T22:23:20Z: "
        "planned DB failover");
  const auto decisions =
      run(escalator, rules,
          {
              // HIGH's suppression is announced without a page: the incident paged at 1m.
              {at(6), {{"ws_drop"}}, "none", {"rollback_suppressed"}},
              // A CRITICAL is announced and paged although the incident paged before.
              {at(7),
               {{"ws_drop"}, {"api_down"}},
               "page",
               {"rule_firing[api_down]", "severity_changed", "rollback_suppressed", "page"}},
              {at(8), {{"ws_drop"}, {"api_down"}}, "none", {}},
              {at(10), {{"ws_drop"}, {"api_down"}}, "rollback", {"release", "rollback_decided"}},
          });
  CHECK(decisions[1].reason ==
        "critical: api_down=1 (rollback suppressed by hold (alice until 2023-11-14T22:23:20Z); "
        "roll back by hand or release the hold)");
}

TEST_CASE("a suppressed CRITICAL pages inside the cool-down, where a HIGH only notifies") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  run(escalator, rules,
      {
          {at(1), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}},
          {at(2), {}, "none", {"rule_cleared[ws_drop]"}},
          {at(6), {}, "none", {"investigation_ended"}},
          {at(7), {}, "none", {"incident_resolved"}},
      });
  REQUIRE(escalator.hold(at(8), at(40), "alice", "", Severity::kCritical).ok());
  run(escalator, rules,
      {
          {at(9),
           {{"api_down"}},
           "page",
           {"rule_firing[api_down]", "incident_opened", "rollback_suppressed", "page"}},
      });
}

TEST_CASE("after the rollback window a CRITICAL pages although the incident paged for a HIGH") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const auto decisions =
      run(escalator, rules,
          {
              {at(117), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}},
              {at(120), {{"ws_drop"}}, "none", {"window_expired"}},
              {at(122), {{"ws_drop"}}, "none", {"rollback_suppressed"}},
              {at(123),
               {{"ws_drop"}, {"api_down"}},
               "page",
               {"rule_firing[api_down]", "severity_changed", "rollback_suppressed", "page"}},
              {at(124), {{"ws_drop"}, {"api_down"}}, "none", {}},
          });
  CHECK(decisions[3].reason == "critical: api_down=1 (rollback window over; roll back by hand)");
  CHECK_FALSE(escalator.rollbackDecided());
}

TEST_CASE("hold: covers must name a severity") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  const auto refused = escalator.hold(at(1), at(10), "alice", "", Severity::kNone);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == nova::ErrorCode::kInvalidInput);
  CHECK(refused.error().message == "hold: covers must be a severity (low, medium, high, critical)");
  CHECK_FALSE(escalator.activeHold().has_value());
}
