// A person's commands: hold (with expiry), release, forced rollback.

#include <doctest/doctest.h>

#include "harness.h"

using namespace policy_test;
using nova::policy::PolicyConfig;

TEST_CASE("hold: a due rollback is suppressed until the hold expires") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  run(escalator, rules,
      {{at(1), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}}});

  const auto held = escalator.hold(at(2), at(10), "alice", "checking the DB dashboards");
  REQUIRE(held.ok());
  CHECK(str(held->action) == "none");
  CHECK(joined(eventKeys(*held)) == "hold");
  CHECK(held->events[0].detail ==
        "alice holds automatic rollback up to high until 2023-11-14T22:23:20Z (critical still "
        "rolls back): checking the DB dashboards");
  REQUIRE(escalator.activeHold().has_value());
  CHECK(escalator.activeHold()->who == "alice");
  CHECK((escalator.activeHold()->covers == nova::Severity::kHigh));

  const auto decisions =
      run(escalator, rules,
          {
              {at(6), {{"ws_drop"}}, "none", {"rollback_suppressed"}},
              {at(7), {{"ws_drop"}}, "none", {}},
              {at(9, 59), {{"ws_drop"}}, "none", {}},
              {at(10), {{"ws_drop"}}, "rollback", {"release", "rollback_decided"}},
          });
  CHECK(decisions[0].events[0].detail.starts_with("rollback suppressed by hold (alice until "));
  CHECK(decisions[3].events[0].detail.find("expired") != std::string::npos);
  CHECK_FALSE(escalator.activeHold().has_value());
}

TEST_CASE("release: a person ends the hold and the due rollback follows at the next tick") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  // A hold against a CRITICAL (API down) must say so.
  REQUIRE(
      escalator.hold(at(0), at(30), "alice", "known flaky probe", nova::Severity::kCritical).ok());
  run(escalator, rules,
      {
          {at(0),
           {{"api_down"}},
           "page",
           {"rule_firing[api_down]", "incident_opened", "rollback_suppressed", "page"}},
          {at(1), {{"api_down"}}, "none", {}},
      });
  const auto released = escalator.release(at(2), "bob");
  REQUIRE(released.ok());
  CHECK(joined(eventKeys(*released)) == "release");
  CHECK(released->events[0].detail == "bob released the hold by alice");
  CHECK_FALSE(escalator.release(at(2), "bob").ok());
  run(escalator, rules, {{at(2, 15), {{"api_down"}}, "rollback", {"rollback_decided"}}});
}

TEST_CASE("hold: a breach gone by the expiry is not rolled back") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  REQUIRE(escalator.hold(at(0), at(5), "alice", "", nova::Severity::kCritical).ok());
  run(escalator, rules,
      {
          {at(0),
           {{"api_down"}},
           "page",
           {"rule_firing[api_down]", "incident_opened", "rollback_suppressed", "page"}},
          {at(1), {}, "none", {"rule_cleared[api_down]"}},
          // The critical also started HIGH's window; it ends with nothing breaching.
          {at(5), {}, "none", {"release", "investigation_ended"}},
          {at(6), {}, "none", {"incident_resolved"}},
      });
  CHECK_FALSE(escalator.rollbackDecided());
}

TEST_CASE("hold: refused in the past and after a rollback") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  CHECK_FALSE(escalator.hold(at(5), at(5), "alice", "").ok());
  (void)escalator.step(observe(rules, {{"api_down"}}), at(6));
  const auto late = escalator.hold(at(7), at(20), "alice", "");
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().message.find("already decided") != std::string::npos);
}

TEST_CASE("forced rollback: opens an incident when none is open, at most once") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  run(escalator, rules, {{at(1), {}, "none", {}}});
  const auto forced = escalator.forceRollback(at(3), "carol", "customers report broken login");
  REQUIRE(forced.ok());
  CHECK(str(forced->action) == "rollback");
  CHECK(forced->reason == "forced by carol: customers report broken login");
  CHECK(joined(eventKeys(*forced)) == "incident_opened forced_rollback");
  REQUIRE(forced->incident.has_value());
  CHECK(forced->incident->id == "1700000000000-1");
  CHECK(std::string(nova::policy::toString(forced->incident->state)) == "rolling_back");
  CHECK_FALSE(escalator.forceRollback(at(4), "carol", "again").ok());
  // Breaches after the rollback are recorded but decide nothing.
  run(escalator, rules, {{at(5), {{"api_down"}}, "none", {"rule_firing[api_down]"}}});
}

TEST_CASE("forced rollback overrides a hold and the rollback window") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  run(escalator, rules,
      {
          {at(121),
           {{"errors_medium"}},
           "notify",
           {"window_expired", "rule_firing[errors_medium]", "incident_opened", "notify"}},
      });
  const auto forced = escalator.forceRollback(at(123), "bob", "latency is unacceptable");
  REQUIRE(forced.ok());
  CHECK(str(forced->action) == "rollback");
  CHECK(joined(eventKeys(*forced)) == "forced_rollback");
  CHECK(forced->incident->id == "1700000000000-1");

  // Inside the window, a person's rollback ends a hold (which the window bounds anyway).
  Escalator held(PolicyConfig{}, rules, kSwitch);
  REQUIRE(held.hold(at(100), at(180), "alice", "").ok());
  CHECK(held.activeHold()->until == at(120));
  REQUIRE(held.forceRollback(at(101), "bob", "latency is unacceptable").ok());
  CHECK_FALSE(held.activeHold().has_value());
}
