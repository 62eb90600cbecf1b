// Every refusal of a person's command or a rollback report: its code, for the daemon to
// answer with (kConflict: 409, kInvalidInput: 400), and its message.
#include <doctest/doctest.h>

#include "harness.h"

namespace policy_test {
namespace {

using nova::ErrorCode;
using nova::policy::PolicyConfig;

template <typename T>
void checkError(const nova::Result<T>& result, ErrorCode code, const std::string& message) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == code);
  CHECK(result.error().message == message);
}

}  // namespace

TEST_CASE("commands refused by the state are conflicts; a bad hold expiry is invalid") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  checkError(escalator.release(at(1), "bob"), ErrorCode::kConflict, "release: no hold is active");
  checkError(escalator.hold(at(1), at(1), "alice", ""), ErrorCode::kInvalidInput,
             "hold: the expiry 2023-11-14T22:14:20Z is not in the future");
  checkError(escalator.rollbackCompleted(at(1), "flipped"), ErrorCode::kConflict,
             "rollback completed: no rollback is in progress");
  REQUIRE(escalator.forceRollback(at(2), "carol", "bad build").ok());
  checkError(escalator.forceRollback(at(3), "dave", "again"), ErrorCode::kConflict,
             "rollback: already decided at 2023-11-14T22:15:20Z; a rollback happens at most "
             "once");
  checkError(escalator.hold(at(3), at(10), "alice", ""), ErrorCode::kConflict,
             "hold: a rollback was already decided; there is nothing to hold");
}

}  // namespace policy_test

namespace policy_test {

TEST_CASE("a hold never outlasts the rollback window; after the window there is nothing to hold") {
  const auto rules = seedRules();
  PolicyConfig config;
  config.rollbackWindow = 2 * nova::kHour;
  Escalator escalator(config, rules, kSwitch);
  const nova::TimestampMs windowEnd = kSwitch + 2 * nova::kHour;
  // "for": "292y" from the API: cut to the window's end, and the event says so.
  auto held = escalator.hold(at(1), kSwitch + 292LL * 365 * 24 * nova::kHour, "alice", "soak");
  REQUIRE(held.ok());
  CHECK(escalator.activeHold()->until == windowEnd);
  REQUIRE(held->events.size() == 1);
  CHECK(held->events[0].detail.find("(bounded by the end of the rollback window)") !=
        std::string::npos);
  // A hold inside the window keeps its expiry.
  REQUIRE(escalator.hold(at(2), at(2) + nova::kMinute, "alice", "short").ok());
  CHECK(escalator.activeHold()->until == at(2) + nova::kMinute);

  Escalator late(config, rules, kSwitch);
  checkError(late.hold(windowEnd, windowEnd + nova::kHour, "bob", ""), ErrorCode::kConflict,
             "hold: the rollback window ended at 2023-11-15T00:13:20Z; no automatic rollback is "
             "left to hold");
}

}  // namespace policy_test
