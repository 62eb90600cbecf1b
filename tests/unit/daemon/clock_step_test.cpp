// A wall-clock step while running, or a state restored from the future, must not freeze
// decisions: with /health down and half the requests failing, the incident opens and rolls
// back as soon as in a run where the clock behaved.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "fakes.h"
#include "nova/core/timeline.h"
#include "nova/daemon/controller.h"
#include "nova/watch/policy_setup.h"

namespace nova::daemon {
namespace {

constexpr std::string_view kRules = R"(
policy:
  critical: {action: rollback}
  high: {action: page, investigate: 5m, then: rollback}
rules:
  - name: api_down
    expr: min(nova_agent_health_up)
    threshold: "< 1"
    for: 15s
    severity: critical
    summary: "green /health failing"
  - name: error_rate_high
    expr: sum(rate(errors_total[1m])) / sum(rate(requests_total[1m]))
    threshold: "> 0.05"
    for: 10s
    severity: high
    summary: "error rate {{ $value }}"
)";

constexpr TimestampMs kStart = 1'796'000'000'000;     // 2026-12-01
constexpr TimestampMs kYear2100 = 4'102'444'800'000;  // 2100-01-01

struct Outcome {
  std::optional<DurationMs> openedAfter;  // monotonic time from start
  std::optional<DurationMs> rollbackAfter;
  std::string status;
  std::string snapshot;  // as persisted at the end
  TimestampMs wallAtEnd = 0;
};

// Runs 40 s of /health down and 50% errors, scraped every second on the time line as the
// prober stamps them. `snapshot` restores a state first; `stepBackAt` steps the wall clock
// back an hour at that second.
Outcome run(const std::optional<std::string>& snapshot, std::optional<int> stepBackAt) {
  ManualClock clock(kStart);
  auto ruleSet = rules::load(kRules, "test.yaml");
  REQUIRE(ruleSet.ok());
  auto policy = watch::effectivePolicy(*ruleSet, std::nullopt);
  REQUIRE(policy.ok());
  auto escalator = watch::makeEscalator(*ruleSet, *policy, kStart, snapshot);
  REQUIRE(escalator.ok());
  Timeline timeline(clock);
  ControllerOptions options;
  options.timeline = &timeline;
  if (snapshot) {
    options.restoredFromFuture = watch::anchorRestoredState(*escalator, timeline.now());
  }
  tsdb::Storage storage;
  AgentMetrics metrics{"test"};
  ActionQueue queue(64, clock);
  Controller controller(std::move(ruleSet).value(), std::move(escalator).value(), storage, clock,
                        queue, metrics, options);
  Outcome outcome;
  double requests = 0;
  const MonoTime started = clock.monoNow();
  for (int second = 0; second <= 40; ++second) {
    if (stepBackAt && second == *stepBackAt) {
      clock.setWall(clock.now() - kHour);
    }
    const TimestampMs at = timeline.now();
    requests += 20;
    storage.append(*storage.getOrCreate({{"__name__", "nova_agent_health_up"}}), at, 0);
    storage.append(*storage.getOrCreate({{"__name__", "requests_total"}}), at, requests);
    storage.append(*storage.getOrCreate({{"__name__", "errors_total"}}), at, requests / 2);
    const auto decision = controller.tickAt(at);
    if (!outcome.openedAfter && decision.incident) {
      outcome.openedAfter = clock.monoNow() - started;
    }
    if (!outcome.rollbackAfter && decision.action == policy::Action::kRollback) {
      outcome.rollbackAfter = clock.monoNow() - started;
    }
    clock.advance(kSecond);
  }
  outcome.status = controller.statusJson();
  outcome.snapshot = controller.snapshot();
  outcome.wallAtEnd = clock.now();
  return outcome;
}

// A state written at `at` by an agent that had been running a while with nothing wrong.
std::string stateWrittenAt(TimestampMs at) {
  auto ruleSet = rules::load(kRules, "test.yaml");
  REQUIRE(ruleSet.ok());
  auto policy = watch::effectivePolicy(*ruleSet, std::nullopt);
  REQUIRE(policy.ok());
  auto escalator = watch::makeEscalator(*ruleSet, *policy, at - kMinute, std::nullopt);
  REQUIRE(escalator.ok());
  std::vector<policy::RuleObservation> fine(2);
  fine[0].rule = "api_down";
  fine[1].rule = "error_rate_high";
  escalator->step(fine, at);
  return escalator->snapshot();
}

}  // namespace

TEST_CASE("health down and 50% errors roll back on schedule despite a clock step or a 2100 state") {
  const Outcome control = run(std::nullopt, std::nullopt);
  REQUIRE(control.openedAfter.has_value());
  REQUIRE(control.rollbackAfter.has_value());
  CHECK(*control.rollbackAfter <= 16 * kSecond);

  SUBCASE("the wall clock steps back an hour while running") {
    const Outcome stepped = run(std::nullopt, 3);
    CHECK(stepped.openedAfter == control.openedAfter);
    CHECK(stepped.rollbackAfter == control.rollbackAfter);
    const auto status = boost::json::parse(stepped.status);
    CHECK(status.at("clock").at("wall_offset_ms").to_number<std::int64_t>() == -kHour);
    // The state is persisted in wall time: restored by a restart at the wall clock it is
    // not from the future, and its incident started 10 s after the switch as it did.
    auto ruleSet = rules::load(kRules, "test.yaml");
    REQUIRE(ruleSet.ok());
    auto restored = watch::makeEscalator(*ruleSet, ruleSet->policy, 0, stepped.snapshot);
    REQUIRE(restored.ok());
    CHECK_FALSE(watch::anchorRestoredState(*restored, stepped.wallAtEnd).has_value());
    CHECK(restored->latestTime() == stepped.wallAtEnd - kSecond);
    CHECK(restored->trafficSwitchedAt() == kStart - kHour);
    CHECK(restored->incident()->startedAt == kStart - kHour + 10 * kSecond);
  }
  SUBCASE("the state file says 2100") {
    const Outcome restored = run(stateWrittenAt(kYear2100), std::nullopt);
    CHECK(restored.openedAfter == control.openedAfter);
    CHECK(restored.rollbackAfter == control.rollbackAfter);
    const auto status = boost::json::parse(restored.status);
    const auto& future = status.at("clock").at("state_from_future");
    CHECK(future.at("beyond_bound").as_bool());
    CHECK(future.at("latest_as_written").to_number<std::int64_t>() == kYear2100);
    CHECK(future.at("ahead_ms").to_number<std::int64_t>() == kYear2100 - kStart);
    // The incident and the switch are stamped on today's clock, not in 2100.
    CHECK(status.at("traffic_switched_at").to_number<std::int64_t>() == kStart - kMinute);
  }
  SUBCASE("a state a minute ahead (clock skew) is moved back quietly") {
    const Outcome skewed = run(stateWrittenAt(kStart + kMinute), std::nullopt);
    CHECK(skewed.rollbackAfter == control.rollbackAfter);
    const auto status = boost::json::parse(skewed.status);
    CHECK_FALSE(status.at("clock").at("state_from_future").at("beyond_bound").as_bool());
  }
  MESSAGE("control: incident after " << *control.openedAfter << " ms, rollback after "
                                     << *control.rollbackAfter << " ms");
}

TEST_CASE("a restored state in the past is left as written") {
  auto ruleSet = rules::load(kRules, "test.yaml");
  REQUIRE(ruleSet.ok());
  auto policy = watch::effectivePolicy(*ruleSet, std::nullopt);
  REQUIRE(policy.ok());
  auto escalator = watch::makeEscalator(*ruleSet, *policy, kStart, stateWrittenAt(kStart - kHour));
  REQUIRE(escalator.ok());
  CHECK_FALSE(watch::anchorRestoredState(*escalator, kStart).has_value());
  CHECK(escalator->latestTime() == kStart - kHour);
  CHECK(escalator->trafficSwitchedAt() == kStart - kHour - kMinute);
}

}  // namespace nova::daemon
