// A restored state whose times lie in the future is moved back to the present: its spans
// continue where they were and its decisions stand.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "error_rate_rules.h"
#include "nova/watch/policy_setup.h"
#include "nova/watch/watcher.h"

namespace nova::watch {
namespace {

constexpr std::string_view kRules = testing::kErrorRateRules;

constexpr TimestampMs kYear2100 = 4'102'444'800'000;
constexpr TimestampMs kNow = 1'796'000'000'000;

struct Setup {
  rules::RuleSet ruleSet;
  policy::PolicyConfig policy;
};

Setup setup() {
  auto ruleSet = rules::load(kRules, "test.yaml");
  REQUIRE(ruleSet.ok());
  auto policy = effectivePolicy(*ruleSet, std::nullopt);
  REQUIRE(policy.ok());
  return {std::move(ruleSet).value(), *policy};
}

std::vector<policy::RuleObservation> breaching() {
  std::vector<policy::RuleObservation> out(1);
  out[0].rule = "error_rate_high";
  out[0].state = policy::RuleObservation::State::kBreaching;
  out[0].value = 0.2;
  return out;
}

// An escalator that switched at 2100 and saw the rule breach every second until `until`
// (seconds after the switch), as its snapshot.
std::string breachingSince2100(int until) {
  Setup s = setup();
  auto escalator = makeEscalator(s.ruleSet, s.policy, kYear2100, std::nullopt);
  REQUIRE(escalator.ok());
  for (int second = 0; second <= until; ++second) {
    escalator->step(breaching(), kYear2100 + second * kSecond);
  }
  return escalator->snapshot();
}

}  // namespace

TEST_CASE("an investigation restored from 2100 continues from now with the time it had left") {
  // Paged at 20 s, investigating for 30 s: 10 s of it had passed when the state was written.
  const std::string snapshot = breachingSince2100(30);
  Setup s = setup();
  auto escalator = makeEscalator(s.ruleSet, s.policy, 0, snapshot);
  REQUIRE(escalator.ok());
  const std::string id = escalator->incident()->id;
  CHECK(escalator->latestTime() == kYear2100 + 30 * kSecond);

  const auto future = anchorRestoredState(*escalator, kNow);
  REQUIRE(future.has_value());
  CHECK(future->beyondBound);
  CHECK(future->ahead() == kYear2100 + 30 * kSecond - kNow);
  CHECK(escalator->latestTime() == kNow);
  CHECK(escalator->trafficSwitchedAt() == kNow - 30 * kSecond);
  CHECK(escalator->incident()->id == id);
  CHECK(escalator->incident()->startedAt == kNow - 10 * kSecond);

  std::optional<TimestampMs> rollbackAt;
  for (int second = 1; second <= 30 && !rollbackAt; ++second) {
    const auto decision = escalator->step(breaching(), kNow + second * kSecond);
    CHECK_FALSE((decision.action == policy::Action::kPage));  // paged before the restart
    if (decision.action == policy::Action::kRollback) {
      rollbackAt = kNow + second * kSecond;
    }
  }
  CHECK(rollbackAt == kNow + 20 * kSecond);
}

TEST_CASE("a rollback decided in a state from 2100 is still carried out after the restart") {
  const std::string snapshot = breachingSince2100(50);  // rollback decided at 50 s
  Setup s = setup();
  auto escalator = makeEscalator(s.ruleSet, s.policy, 0, snapshot);
  REQUIRE(escalator.ok());
  REQUIRE(escalator->rollbackDecided());
  REQUIRE(anchorRestoredState(*escalator, kNow).has_value());
  CHECK(escalator->rollbackDecided());
  CHECK(escalator->incident()->rollbackAt == kNow);

  Watcher watcher(std::move(s.ruleSet), std::move(escalator).value());
  REQUIRE(watcher.rollback().has_value());
  CHECK(watcher.rollback()->outcome == "resumed");
  tsdb::Storage storage;
  const TickOutput first = watcher.tick(storage, {kNow + kSecond, MonoTime(0)});
  REQUIRE(first.actions.size() == 1);
  CHECK(std::get<RollbackAction>(first.actions[0]).request.decidedAt == kNow);
}

TEST_CASE("a state a minute ahead is skew: moved back without the warning flag") {
  Setup s = setup();
  auto escalator = makeEscalator(s.ruleSet, s.policy, kNow, std::nullopt);
  REQUIRE(escalator.ok());
  escalator->step(breaching(), kNow + kMinute);
  const auto future = anchorRestoredState(*escalator, kNow);
  REQUIRE(future.has_value());
  CHECK_FALSE(future->beyondBound);
  CHECK(escalator->latestTime() == kNow);
  CHECK_FALSE(anchorRestoredState(*escalator, kNow).has_value());
}

}  // namespace nova::watch
