// Two agents beside one green, one Lease: the leader acts, the follower evaluates the same
// rollout in shadow with a warm state, takes over the same incident without paging or
// flipping twice, and an agent that stops leading drops what it queued. On a ManualClock.
#include <doctest/doctest.h>

#include <algorithm>

#include "fakes.h"
#include "nova/daemon/controller.h"
#include "nova/watch/policy_setup.h"
#include "rollout_sighting.h"

namespace nova::daemon {
namespace {

using testing::kApiDownRules;

constexpr TimestampMs kStart = 1'000'000;

// One agent: its store, queue, switch and notifier; `leads` is what its elector answers.
struct Agent {
  explicit Agent(const Clock& clock) : queue(64, clock), clock_(clock) {
    auto ruleSet = rules::load(kApiDownRules, "test.yaml");
    REQUIRE(ruleSet.ok());
    auto policy = watch::effectivePolicy(*ruleSet, std::nullopt);
    REQUIRE(policy.ok());
    auto escalator = watch::makeEscalator(*ruleSet, *policy, kStart, std::nullopt);
    REQUIRE(escalator.ok());
    ControllerOptions options;
    options.arming = ArmingMode::kRecord;
    options.leading = [this] { return leads; };
    controller.emplace(std::move(ruleSet).value(), std::move(escalator).value(), storage, clock,
                       queue, metrics, options);
    controller->sighted(testing::liveSighting("r1", kStart));
    REQUIRE(controller->armedFor());
  }

  // A probe result at the clock's now, a tick, and the queue carried out.
  void tick(bool healthy) {
    storage.append(*storage.getOrCreate({{"__name__", "nova_agent_health_up"}}), clock_.now(),
                   healthy ? 1 : 0);
    controller->tick();
    ActionExecutor executor(sw, notifier, &metrics, clock_);
    while (auto item = queue.tryPop()) {
      if (auto report = executor.run(*item)) {
        controller->rollbackFinished(*report);
      }
    }
  }

  std::string incidentId() const {
    const auto incident = controller->escalator().incident();
    return incident ? incident->id : "";
  }

  bool leads = false;
  tsdb::Storage storage;
  AgentMetrics metrics{"test"};
  ActionQueue queue;
  testing::RecordingSwitch sw;
  std::vector<notify::Notification> sent;
  testing::RecordingNotifier notifier{sent};
  std::optional<Controller> controller;

 private:
  const Clock& clock_;
};

std::vector<std::string> kinds(const std::vector<notify::Notification>& sent) {
  std::vector<std::string> out;
  out.reserve(sent.size());
  for (const auto& n : sent) {
    out.emplace_back(notify::toString(n.kind));
  }
  return out;
}

// `seconds` of probes on both agents, a leading, b following.
void runBoth(ManualClock& clock, Agent& a, Agent& b, int seconds, bool healthy) {
  a.leads = true;
  for (int i = 0; i < seconds; ++i) {
    clock.advance(kSecond);
    a.tick(healthy);
    b.tick(healthy);
  }
}

}  // namespace

TEST_CASE("leadership: the follower judges the same incident in shadow and acts on nothing") {
  ManualClock clock(kStart);
  Agent a(clock);
  Agent b(clock);
  runBoth(clock, a, b, 5, false);
  REQUIRE(a.sw.requests.size() == 1);
  CHECK_FALSE(a.sent.empty());
  CHECK(b.sw.requests.empty());
  CHECK(b.sent.empty());
  // The same incident on both: its id comes from the rollout's switch time, not the process.
  CHECK_FALSE(a.incidentId().empty());
  CHECK(a.incidentId() == b.incidentId());
  // The follower keeps its decided rollback (warm for a takeover) instead of starting over.
  CHECK(b.controller->escalator().rollbackDecided());
  CHECK(b.metrics.serialize().find("nova_agent_shadow_actions_total{kind=\"rollback\"} 1") !=
        std::string::npos);
}

TEST_CASE("leadership: a takeover mid-incident neither pages twice nor flips again") {
  ManualClock clock(kStart);
  Agent a(clock);
  Agent b(clock);
  runBoth(clock, a, b, 5, false);
  REQUIRE(a.sw.requests.size() == 1);
  const std::vector<std::string> aSent = kinds(a.sent);
  // a dies; b's elector takes the Lease. Its escalator decided the rollback in shadow: it
  // drives the switch once more, and the switch's compare-and-swap finds blue already.
  b.sw.outcome = {traffic::SwitchOutcome::Kind::kAlreadyBlue, "already on blue"};
  b.leads = true;
  for (int i = 0; i < 3; ++i) {
    clock.advance(kSecond);
    b.tick(false);
  }
  REQUIRE(b.sw.requests.size() == 1);
  CHECK(b.sw.requests[0].incidentId == a.incidentId());
  CHECK(policy::toString(b.controller->escalator().incident()->state) ==
        std::string_view("rolled_back"));
  // No page again: what b sends, if anything, is only the rollback's outcome.
  for (const auto& n : b.sent) {
    CAPTURE(notify::toString(n.kind));
    CHECK(n.incidentId == a.incidentId());
    const bool page = n.kind == notify::NotificationKind::kIncidentOpened ||
                      n.kind == notify::NotificationKind::kRollbackStarted;
    CHECK_FALSE(page);
  }
  // The rollback's outcome (rollback_done) is sent under the same incident id: receivers'
  // dedup keys (PagerDuty dedup_key, Alertmanager's labels) make it the same alert.
  CHECK(kinds(b.sent) == std::vector<std::string>{"rollback_done"});
  CHECK(std::find(aSent.begin(), aSent.end(), "rollback_started") != aSent.end());
}

TEST_CASE("leadership: a new leader before any fault acts alone from then on") {
  ManualClock clock(kStart);
  Agent a(clock);
  Agent b(clock);
  runBoth(clock, a, b, 3, true);
  a.leads = false;  // killed: it ticks no more
  b.leads = true;
  for (int i = 0; i < 5; ++i) {
    clock.advance(kSecond);
    b.tick(false);
  }
  CHECK(a.sw.requests.empty());
  CHECK(a.sent.empty());
  REQUIRE(b.sw.requests.size() == 1);
  CHECK_FALSE(b.sent.empty());
}

TEST_CASE("leadership: stepping down drops what is queued and refuses commands") {
  ManualClock clock(kStart);
  Agent a(clock);
  a.leads = true;
  for (int i = 0; i < 2; ++i) {
    clock.advance(kSecond);
    a.tick(false);
  }
  // The fault's tick queues the rollback and its notifications; the lease is lost before
  // the worker takes them.
  clock.advance(kSecond);
  a.storage.append(*a.storage.getOrCreate({{"__name__", "nova_agent_health_up"}}), clock.now(), 0);
  a.controller->tick();
  REQUIRE(a.queue.size() > 0);
  a.leads = false;
  clock.advance(kSecond);
  a.tick(false);
  CHECK(a.queue.size() == 0);
  CHECK(a.sw.requests.empty());
  CHECK(a.sent.empty());
  watch::Command hold;
  hold.kind = watch::Command::Kind::kHold;
  hold.holdFor = kMinute;
  hold.who = "alice";
  const CommandReply reply = a.controller->command(hold);
  CHECK(reply.status == 409);
  CHECK(reply.body.find("follows in shadow") != std::string::npos);
  // Leading again: commands reach the escalator, and the rollback it decided before (whose
  // actions were dropped) is carried out at the next tick.
  a.leads = true;
  CHECK(a.controller->command(hold).body.find("follows in shadow") == std::string::npos);
  clock.advance(kSecond);
  a.tick(false);
  CHECK(a.sw.requests.size() == 1);
}

}  // namespace nova::daemon
