#include "nova/daemon/controller.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "fakes.h"
#include "nova/watch/policy_setup.h"

namespace nova::daemon {
namespace {

using policy::Action;
using policy::EventKind;

constexpr std::string_view kRules = R"(
policy:
  high: {action: page, investigate: 30s, then: rollback}
rules:
  - name: error_rate_high
    expr: sum(rate(errors_total[1m])) / sum(rate(requests_total[1m]))
    threshold: "> 0.05"
    for: 1m
    severity: high
    summary: "error rate {{ $value }}"
)";

// The loop's world with simulated time: a store fed by the test, the controller, the
// action queue drained synchronously through recording fakes.
struct Harness {
  explicit Harness(std::size_t queueCapacity = 64) : queue(queueCapacity, clock) {
    auto ruleSet = rules::load(kRules, "test.yaml");
    REQUIRE(ruleSet.ok());
    auto policy = watch::effectivePolicy(*ruleSet, std::nullopt);
    REQUIRE(policy.ok());
    auto escalator = watch::makeEscalator(*ruleSet, *policy, 0, std::nullopt);
    REQUIRE(escalator.ok());
    ControllerOptions options;
    options.watch.statusUrl = "http://agent/status";
    controller.emplace(std::move(ruleSet).value(), std::move(escalator).value(), storage, clock,
                       queue, metrics, options);
  }

  // One scrape's worth of counters: `requests` more requests, `errors` of them failed.
  void scrape(double requests, double errors) {
    requestsTotal += requests;
    errorsTotal += errors;
    storage.append(*storage.getOrCreate({{"__name__", "requests_total"}}), clock.now(),
                   requestsTotal);
    storage.append(*storage.getOrCreate({{"__name__", "errors_total"}}), clock.now(), errorsTotal);
  }

  // Moves wall and monotonic time together to `t` (ms): the controller's time line follows
  // the monotonic clock, so stepping the wall alone would not move it.
  void moveTo(TimestampMs t) { clock.advance(t - clock.now()); }

  // Runs the worker's side: every queued item through the executor, reports back.
  void drain() {
    ActionExecutor executor(sw, notifier, &metrics, clock);
    while (auto item = queue.tryPop()) {
      if (auto report = executor.run(*item)) {
        controller->rollbackFinished(*report);
      }
    }
  }

  ManualClock clock{0};
  tsdb::Storage storage;
  AgentMetrics metrics{"test"};
  ActionQueue queue;
  testing::RecordingSwitch sw;
  std::vector<notify::Notification> sent;
  testing::RecordingNotifier notifier{sent};
  std::optional<Controller> controller;
  double requestsTotal = 0;
  double errorsTotal = 0;
};

std::vector<std::string> kinds(const std::vector<notify::Notification>& sent) {
  std::vector<std::string> out;
  for (const auto& n : sent) {
    out.emplace_back(notify::toString(n.kind));
  }
  return out;
}

}  // namespace

TEST_CASE("10% errors: pending, firing after `for`, page, rollback after the investigation") {
  Harness h;
  std::optional<TimestampMs> pendingAt, pagedAt, rollbackAt;
  for (int second = 0; second <= 120; ++second) {
    h.moveTo(second * kSecond);
    h.scrape(20, 2);
    auto decision = h.controller->tick();
    for (const auto& e : decision.events) {
      if (e.kind == EventKind::kRulePending && e.rule == "error_rate_high" && !pendingAt) {
        pendingAt = e.at;
      }
    }
    if (decision.action == Action::kPage) {
      pagedAt = h.clock.now();
    }
    if (decision.action == Action::kRollback) {
      rollbackAt = h.clock.now();
    }
    h.drain();
  }
  REQUIRE(pendingAt);
  REQUIRE(pagedAt);
  REQUIRE(rollbackAt);
  CHECK(*pendingAt <= 2 * kSecond);
  CHECK(*pagedAt == *pendingAt + kMinute);
  CHECK(*rollbackAt == *pagedAt + 30 * kSecond);

  REQUIRE(h.sw.requests.size() == 1);
  CHECK(h.sw.requests[0].who == "agent");
  CHECK(h.sw.requests[0].decidedAt == *rollbackAt);
  CHECK(h.sw.requests[0].incidentId == "0-1");
  CHECK(kinds(h.sent) ==
        std::vector<std::string>{"incident_opened", "rollback_started", "rollback_done"});
  CHECK(h.sent[0].action == "page");
  CHECK(h.sent[0].incidentId == "0-1");
  REQUIRE(h.sent[0].rules.size() == 1);
  CHECK(h.sent[0].rules[0].value == doctest::Approx(0.1));
  CHECK(policy::toString(h.controller->escalator().incident()->state) == "rolled_back");

  const std::string status = h.controller->statusJson();
  CHECK(status.find(R"("state":"rolled_back")") != std::string::npos);
  CHECK(status.find(R"("outcome":"flipped")") != std::string::npos);
  CHECK(status.find(R"("kind":"rollback_decided")") != std::string::npos);
  const std::string metrics = h.metrics.serialize();
  CHECK(metrics.find(R"(nova_agent_rollbacks_total{outcome="flipped"} 1)") != std::string::npos);
  CHECK(metrics.find(R"(nova_agent_decisions_total{action="rollback"} 1)") != std::string::npos);
  CHECK(metrics.find("nova_agent_severity 3") != std::string::npos);
}

TEST_CASE("clean traffic decides nothing; no data is unknown, not good news") {
  Harness h;
  for (int second = 0; second <= 30; ++second) {
    h.moveTo(second * kSecond);
    h.scrape(20, 0);
    CHECK(policy::toString(h.controller->tick().action) == "none");
  }
  CHECK(h.sent.empty());
  CHECK(h.controller->statusJson().find(R"("state":"ok")") != std::string::npos);

  Harness empty;
  empty.controller->tick();
  CHECK(empty.controller->statusJson().find(R"("state":"unknown")") != std::string::npos);
}

TEST_CASE("an impossible flip sends a critical notification; an error is retried, then gives up") {
  Harness h;
  h.sw.outcome = {traffic::SwitchOutcome::Kind::kImpossible, "blue has no ready pods"};
  auto reply = h.controller->command({Command::Kind::kRollback, 0, "alice", "bad deploy"});
  CHECK(reply.status == 200);
  CHECK(reply.body.find(R"("action":"rollback")") != std::string::npos);
  h.drain();
  REQUIRE(h.sw.requests.size() == 1);
  CHECK(h.sw.requests[0].who == "alice");
  REQUIRE(h.sent.size() == 2);
  CHECK(notify::toString(h.sent[1].kind) == "rollback_impossible");
  CHECK(toString(h.sent[1].severity) == "critical");
  CHECK(h.sent[1].reason.find("blue has no ready pods") != std::string::npos);

  Harness e;
  e.sw.error = "connection refused";
  REQUIRE(e.controller->command({Command::Kind::kRollback, 0, "bob", "x"}).status == 200);
  e.drain();
  CHECK(e.sw.requests.size() == 1);
  e.clock.advance(4 * kSecond);
  e.controller->tick();
  e.drain();
  CHECK(e.sw.requests.size() == 1);  // the retry waits 5 s
  for (int i = 0; i < 2; ++i) {
    e.clock.advance(5 * kSecond);
    e.controller->tick();
    e.drain();
  }
  CHECK(e.sw.requests.size() == 3);
  CHECK(notify::toString(e.sent.back().kind) == "rollback_impossible");
  CHECK(e.sent.back().reason.find("after 3 attempts") != std::string::npos);
}

TEST_CASE("hold and release are commands; refusals are 409, invalid commands 400") {
  Harness h;
  auto hold = h.controller->command({Command::Kind::kHold, 10 * kMinute, "carol", "freeze"});
  CHECK(hold.status == 200);
  CHECK(h.controller->statusJson().find(R"("who":"carol")") != std::string::npos);
  CHECK(h.controller->command({Command::Kind::kRelease, 0, "carol", ""}).status == 200);
  auto again = h.controller->command({Command::Kind::kRelease, 0, "carol", ""});
  CHECK(again.status == 409);
  CHECK(again.body == R"({"ok":false,"error":"release: no hold is active"})");
  auto instant = h.controller->command({Command::Kind::kHold, 0, "carol", ""});
  CHECK(instant.status == 400);
  CHECK(instant.body.find("is not in the future") != std::string::npos);
  h.drain();
  CHECK(kinds(h.sent) == std::vector<std::string>{"hold", "release"});
}

TEST_CASE("dashboard inputs: rules as judged, the incident's next step, commands, traffic") {
  Harness h;
  for (int second = 0; second <= 70; ++second) {
    h.moveTo(second * kSecond);
    h.scrape(20, 2);
    h.controller->tick();
    h.drain();
  }
  auto in = h.controller->dashboardInputs(h.clock.now());
  CHECK(in.now == 70 * kSecond);
  REQUIRE(in.rules.size() == 1);
  CHECK(in.rules[0].name == "error_rate_high");
  CHECK(dashboard::ruleStateName(in.rules[0].state) == "breaching");
  CHECK(in.rules[0].value == doctest::Approx(0.1));
  REQUIRE(in.incident);
  REQUIRE(in.nextStep);
  CHECK(policy::toString(in.nextStep->action) == "rollback");
  CHECK(in.traffic.backend == "green");
  CHECK(in.traffic.switchedAt == 0);
  CHECK(in.commands.empty());

  CHECK(h.controller->command({Command::Kind::kRelease, 0, "dave", ""}).status == 409);
  CHECK(h.controller->command({Command::Kind::kRollback, 0, "dave", "bad errors"}).status == 200);
  h.drain();
  in = h.controller->dashboardInputs(h.clock.now());
  REQUIRE(in.commands.size() == 2);
  CHECK(in.commands[0].command == "release");
  CHECK_FALSE(in.commands[0].accepted);
  CHECK(in.commands[0].detail == "release: no hold is active");
  CHECK(in.commands[1].command == "rollback");
  CHECK(in.commands[1].who == "dave");
  CHECK(in.commands[1].accepted);
  CHECK(in.traffic.backend == "blue");
  CHECK(std::any_of(in.markers.begin(), in.markers.end(), [](const dashboard::Marker& m) {
    return m.kind == dashboard::Marker::Kind::kRolledBack;
  }));
}

TEST_CASE("a full queue drops notifications, never the rollback") {
  Harness h(1);
  REQUIRE(h.controller->command({Command::Kind::kHold, kMinute, "a", "x"}).status == 200);
  REQUIRE(h.controller->command({Command::Kind::kRelease, 0, "a", ""}).status == 200);
  CHECK(h.queue.dropped() == 1);
  REQUIRE(h.controller->command({Command::Kind::kRollback, 0, "a", "x"}).status == 200);
  auto first = h.queue.tryPop();
  REQUIRE(first);
  CHECK(std::holds_alternative<watch::RollbackAction>(*first));
  CHECK(h.metrics.serialize().find("nova_agent_notifications_dropped_total 2") !=
        std::string::npos);
}

TEST_CASE("rules are replaced on reload and the escalator keeps its state") {
  Harness h;
  REQUIRE(h.controller->command({Command::Kind::kHold, kMinute, "a", "x"}).status == 200);
  auto more = rules::load(R"(
rules:
  - name: error_rate_high
    expr: sum(rate(errors_total[1m])) / sum(rate(requests_total[1m]))
    threshold: "> 0.5"
    severity: high
  - name: api_down
    expr: min(up)
    threshold: "< 1"
    severity: critical
)",
                          "new.yaml");
  REQUIRE(more.ok());
  CHECK(h.controller->replaceRules(std::move(more).value(), std::nullopt).ok());
  CHECK(h.controller->escalator().activeHold().has_value());
  h.controller->tick();
  CHECK(h.controller->statusJson().find(R"("name":"api_down")") != std::string::npos);
}

}  // namespace nova::daemon
