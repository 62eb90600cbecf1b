#include "nova/watch/watcher.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "error_rate_rules.h"
#include "nova/watch/policy_setup.h"

namespace nova::watch {
namespace {

constexpr std::string_view kRules = testing::kErrorRateRules;

// A watcher over a store the test fills, one scrape per second; wall and monotonic time
// are kept apart so a test can step one without the other.
struct World {
  World() {
    auto ruleSet = rules::load(kRules, "test.yaml");
    REQUIRE(ruleSet.ok());
    auto policy = effectivePolicy(*ruleSet, std::nullopt);
    REQUIRE(policy.ok());
    auto escalator = makeEscalator(*ruleSet, *policy, 0, std::nullopt);
    REQUIRE(escalator.ok());
    watcher.emplace(std::move(ruleSet).value(), std::move(escalator).value(),
                    WatchOptions{.statusUrl = "http://agent/status"});
  }

  // One scrape at wall time `t`: 20 requests, `errors` of them failed.
  void scrape(TimestampMs t, double errors) {
    requests += 20;
    failed += errors;
    storage.append(*storage.getOrCreate({{"__name__", "requests_total"}}), t, requests);
    storage.append(*storage.getOrCreate({{"__name__", "errors_total"}}), t, failed);
  }

  TickOutput tickAt(TimestampMs t) { return watcher->tick(storage, {t, MonoTime(t)}); }

  tsdb::Storage storage;
  std::optional<Watcher> watcher;
  double requests = 0;
  double failed = 0;
};

std::vector<std::string> describe(const std::vector<Action>& actions) {
  std::vector<std::string> out;
  for (const Action& a : actions) {
    if (const auto* r = std::get_if<RollbackAction>(&a)) {
      out.push_back("rollback " + r->request.incidentId + " attempt " + std::to_string(r->attempt) +
                    " by " + r->request.who);
    } else {
      const auto& n = std::get<NotifyAction>(a);
      out.push_back(std::string("notify ") + std::string(notify::toString(n.notification.kind)) +
                    " " + n.notification.incidentId + (n.urgent ? " urgent" : ""));
    }
  }
  return out;
}

// Breaching from t = 0: firing and paged at 20 s, rollback decided at 50 s.
TickOutput runUntilRollback(World& w) {
  for (TimestampMs t = 0;; t += kSecond) {
    w.scrape(t, 4);
    TickOutput out = w.tickAt(t);
    if (out.decision.action == policy::Action::kRollback) {
      return out;
    }
    REQUIRE(t < 2 * kMinute);
  }
}

RollbackReport failed(const RollbackAction& action) {
  return {action.request, std::nullopt, Error(ErrorCode::kUnavailable, "API server down"), 0};
}

}  // namespace

TEST_CASE("a tick evaluates, decides and returns the notifications and the rollback as data") {
  World w;
  std::vector<std::string> actions;
  std::optional<TimestampMs> pagedAt;
  TickOutput rollback;
  for (TimestampMs t = 0; t <= 50 * kSecond; t += kSecond) {
    w.scrape(t, 4);
    TickOutput out = w.tickAt(t);
    REQUIRE(out.results.size() == 1);
    CHECK(out.at == t);
    if (out.decision.action == policy::Action::kPage) {
      pagedAt = t;
    }
    for (auto& line : describe(out.actions)) {
      actions.push_back(line);
    }
    rollback = std::move(out);
  }
  CHECK(pagedAt == 20 * kSecond);  // unknown at t = 0 (no rate yet) counts towards `for`
  CHECK((rollback.decision.action == policy::Action::kRollback));
  CHECK(actions == std::vector<std::string>{"notify incident_opened 0-1",
                                            "notify rollback_started 0-1",
                                            "rollback 0-1 attempt 1 by agent"});
  REQUIRE(w.watcher->rollback().has_value());
  CHECK(w.watcher->rollback()->outcome == "pending");
  CHECK(w.watcher->rollback()->request.decidedAt == rollback.at);
  const auto& started = std::get<NotifyAction>(rollback.actions[0]).notification;
  CHECK(started.statusUrl == "http://agent/status");
  CHECK(started.action == "rollback");
  REQUIRE(started.rules.size() == 1);
  CHECK(started.rules[0].value == doctest::Approx(0.2));
}

TEST_CASE("a flipped rollback completes in the escalator and notifies rollback_done") {
  World w;
  TickOutput decided = runUntilRollback(w);
  const auto& action = std::get<RollbackAction>(decided.actions.back());
  RollbackReport report{action.request,
                        traffic::SwitchOutcome{traffic::SwitchOutcome::Kind::kFlipped, "on blue"},
                        {},
                        12};
  Output out = w.watcher->rollbackFinished(report, {decided.at + 100, MonoTime(decided.at + 100)});
  CHECK(out.decided());
  CHECK(out.at == decided.at + 100);
  CHECK(describe(out.actions) == std::vector<std::string>{"notify rollback_done 0-1"});
  CHECK(policy::toString(w.watcher->escalator().incident()->state) == "rolled_back");
  CHECK(w.watcher->rollback()->outcome == "flipped");
  REQUIRE(out.notes.size() == 1);
  CHECK(out.notes[0].text == "rollback of incident 0-1 done: flipped (on blue)");
}

TEST_CASE("a failed rollback is retried on monotonic time, then given up as impossible") {
  World w;
  TickOutput decided = runUntilRollback(w);
  const TimestampMs t0 = decided.at;
  auto action = std::get<RollbackAction>(decided.actions.back());
  Output first = w.watcher->rollbackFinished(failed(action), {t0, MonoTime(t0)});
  CHECK(first.actions.empty());
  REQUIRE(first.notes.size() == 1);
  CHECK(first.notes[0].level == Note::Level::kError);
  CHECK(first.notes[0].text ==
        "rollback of incident 0-1 failed (attempt 1 of 3), retrying in 5s: API server down");
  CHECK(w.watcher->rollback()->outcome == "error");
  REQUIRE(w.watcher->rollback()->retryAt == MonoTime(t0 + 5 * kSecond));

  // The wall clock jumps an hour ahead (NTP): the retry still waits for monotonic time.
  CHECK(w.watcher->tick(w.storage, {t0 + kHour, MonoTime(t0 + 4 * kSecond)}).actions.empty());
  TickOutput due = w.watcher->tick(w.storage, {t0 + kHour, MonoTime(t0 + 5 * kSecond)});
  CHECK(describe(due.actions) == std::vector<std::string>{"rollback 0-1 attempt 2 by agent"});
  CHECK(due.notes.front().text == "retrying rollback of incident 0-1 (attempt 2)");

  action = std::get<RollbackAction>(due.actions.front());
  CHECK(w.watcher->rollbackFinished(failed(action), {t0, MonoTime(t0 + 6 * kSecond)})
            .actions.empty());
  TickOutput third = w.watcher->tick(w.storage, {t0 + kHour, MonoTime(t0 + 11 * kSecond)});
  action = std::get<RollbackAction>(third.actions.front());
  CHECK(action.attempt == 3);
  Output gaveUp = w.watcher->rollbackFinished(failed(action), {t0, MonoTime(t0 + 12 * kSecond)});
  CHECK(describe(gaveUp.actions) ==
        std::vector<std::string>{"notify rollback_impossible 0-1 urgent"});
  const auto& n = std::get<NotifyAction>(gaveUp.actions[0]).notification;
  CHECK((n.severity == Severity::kCritical));
  CHECK(n.reason == "rollback failed after 3 attempts: API server down");
  CHECK(gaveUp.notes.back().level == Note::Level::kCritical);
  CHECK(w.watcher->tick(w.storage, {t0 + kHour, MonoTime(t0 + kMinute)}).actions.empty());
}

TEST_CASE("an impossible flip is not retried: a critical notification at once") {
  World w;
  TickOutput decided = runUntilRollback(w);
  const auto& action = std::get<RollbackAction>(decided.actions.back());
  RollbackReport report{
      action.request,
      traffic::SwitchOutcome{traffic::SwitchOutcome::Kind::kImpossible, "blue has no pods"},
      {},
      0};
  Output out = w.watcher->rollbackFinished(report, {decided.at, MonoTime(decided.at)});
  CHECK(describe(out.actions) == std::vector<std::string>{"notify rollback_impossible 0-1 urgent"});
  CHECK(std::get<NotifyAction>(out.actions[0]).notification.reason ==
        "rollback impossible: blue has no pods");
  CHECK(w.watcher->rollback()->outcome == "impossible");
}

TEST_CASE("commands: a person's rollback carries their name; refusals are conflicts") {
  World w;
  auto hold = w.watcher->command({Command::Kind::kHold, 10 * kMinute, "carol", "freeze"},
                                 {kSecond, MonoTime(kSecond)});
  REQUIRE(hold.ok());
  CHECK(describe(hold->actions) == std::vector<std::string>{"notify hold "});
  CHECK(w.watcher->escalator().activeHold()->until == kSecond + 10 * kMinute);

  auto forced = w.watcher->command({Command::Kind::kRollback, 0, "alice", "bad deploy"},
                                   {2 * kSecond, MonoTime(2 * kSecond)});
  REQUIRE(forced.ok());
  CHECK(describe(forced->actions) ==
        std::vector<std::string>{"notify rollback_started 0-1", "rollback 0-1 attempt 1 by alice"});
  CHECK(forced->at == 2 * kSecond);

  // Alice's attempt is running: its answer comes first.
  auto again = w.watcher->command({Command::Kind::kRollback, 0, "bob", ""},
                                  {3 * kSecond, MonoTime(3 * kSecond)});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::kConflict);
  CHECK(again.error().message == "rollback: the rollback of incident 0-1 is running (attempt 1)");

  // Once done, there is nothing left to drive.
  const auto& action = std::get<RollbackAction>(forced->actions.back());
  w.watcher->rollbackFinished(
      {action.request, traffic::SwitchOutcome{traffic::SwitchOutcome::Kind::kFlipped, "ok"}, {}, 1},
      {4 * kSecond, MonoTime(4 * kSecond)});
  auto done = w.watcher->command({Command::Kind::kRollback, 0, "bob", ""},
                                 {5 * kSecond, MonoTime(5 * kSecond)});
  REQUIRE_FALSE(done.ok());
  CHECK(done.error().code == ErrorCode::kConflict);
  CHECK(done.error().message ==
        "rollback: already decided at 1970-01-01T00:00:02Z; a rollback happens at most once");
}

TEST_CASE("a person drives a rollback the retries gave up on") {
  World w;
  TickOutput decided = runUntilRollback(w);
  const TimestampMs t0 = decided.at;
  auto action = std::get<RollbackAction>(decided.actions.back());
  for (int attempt = 1;; ++attempt) {
    Output out =
        w.watcher->rollbackFinished(failed(action), {t0, MonoTime(t0 + attempt * 10 * kSecond)});
    if (!out.actions.empty()) {
      break;  // rollback_impossible: the retries gave up
    }
    TickOutput due =
        w.watcher->tick(w.storage, {t0, MonoTime(t0 + attempt * 10 * kSecond + 5 * kSecond)});
    action = std::get<RollbackAction>(due.actions.front());
  }
  CHECK(w.watcher->rollback()->outcome == "error");

  auto driven = w.watcher->command({Command::Kind::kRollback, 0, "dave", "blue is back"},
                                   {t0 + kMinute, MonoTime(t0 + kMinute)});
  REQUIRE(driven.ok());
  CHECK(describe(driven->actions) == std::vector<std::string>{"rollback 0-1 attempt 4 by dave"});
  CHECK(driven->notes.front().text ==
        "dave drives the unfinished rollback of incident 0-1 (attempt 4)");
  Output done = w.watcher->rollbackFinished(
      {std::get<RollbackAction>(driven->actions.front()).request,
       traffic::SwitchOutcome{traffic::SwitchOutcome::Kind::kFlipped, "on blue"},
       {},
       1},
      {t0 + kMinute + 1, MonoTime(t0 + kMinute + 1)});
  CHECK(describe(done.actions) == std::vector<std::string>{"notify rollback_done 0-1"});
  CHECK(policy::toString(w.watcher->escalator().incident()->state) == "rolled_back");
}

TEST_CASE("a rollback decided before a restart and not known done is carried out again") {
  World before;
  TickOutput decided = runUntilRollback(before);
  // The process dies while the switch runs; the state file holds the escalator's snapshot.
  const std::string snapshot = before.watcher->escalator().snapshot();

  World after;
  auto ruleSet = rules::load(kRules, "test.yaml");
  REQUIRE(ruleSet.ok());
  auto policy = effectivePolicy(*ruleSet, std::nullopt);
  REQUIRE(policy.ok());
  auto restored = makeEscalator(*ruleSet, *policy, 0, snapshot);
  REQUIRE(restored.ok());
  after.watcher.emplace(std::move(ruleSet).value(), std::move(restored).value(),
                        WatchOptions{.statusUrl = "http://agent/status"});
  REQUIRE(after.watcher->rollback().has_value());
  CHECK(after.watcher->rollback()->outcome == "resumed");

  // The first tick after the restart (monotonic time starts over) carries it out; no second
  // rollback_started goes out.
  const TimestampMs t = decided.at + 3 * kSecond;
  after.scrape(t, 4);
  TickOutput first = after.watcher->tick(after.storage, {t, MonoTime(7)});
  CHECK(describe(first.actions) == std::vector<std::string>{"rollback 0-1 attempt 1 by agent"});
  CHECK(first.notes.front().text ==
        "resuming the rollback of incident 0-1 decided before a restart (attempt 1)");
  const auto& request = std::get<RollbackAction>(first.actions.front()).request;
  CHECK(request.decidedAt == decided.at);

  // The flip had landed before the crash: the switch answers "already on blue".
  Output done = after.watcher->rollbackFinished(
      {request,
       traffic::SwitchOutcome{traffic::SwitchOutcome::Kind::kAlreadyBlue, "on blue"},
       {},
       1},
      {t + 50, MonoTime(57)});
  CHECK(describe(done.actions) == std::vector<std::string>{"notify rollback_done 0-1"});
  CHECK(policy::toString(after.watcher->escalator().incident()->state) == "rolled_back");
  CHECK(after.watcher->tick(after.storage, {t + kSecond, MonoTime(1007)}).actions.empty());
}

TEST_CASE("a tick before the last one counts as the last one") {
  World w;
  w.scrape(10 * kSecond, 0);
  CHECK(w.tickAt(10 * kSecond).at == 10 * kSecond);
  CHECK(w.tickAt(5 * kSecond).at == 10 * kSecond);
  CHECK(w.watcher->lastTick() == 10 * kSecond);
}

}  // namespace nova::watch
