// The agent's arming from the rollout record, on a simulated clock: shadow acts on nothing,
// arming anchors the rollback window to the recorded switch time, a restart keeps the
// state of the same rollout and discards another's.
#include "nova/daemon/arming.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "fakes.h"
#include "nova/core/files.h"
#include "nova/daemon/controller.h"
#include "nova/daemon/journal.h"
#include "nova/daemon/stored_state.h"
#include "nova/testing/temp_dir.h"
#include "nova/watch/policy_setup.h"
#include "record_watcher.h"
#include "rollout_sighting.h"

namespace nova::daemon {
namespace {

using Kind = ArmingDecision::Kind;

using testing::kApiDownRules;

constexpr TimestampMs kStart = 1'000'000;

RolloutSighting live(const std::string& id, TimestampMs switchedAt) {
  return testing::liveSighting(id, switchedAt);
}

RolloutSighting beforeSwitch(const std::string& id) {
  RolloutSighting s;
  s.rolloutId = id;
  s.version = "v1.2.4";
  s.phase = "deploy-green";
  s.detail = "traffic on blue";
  return s;
}

struct Harness {
  explicit Harness(ArmingMode mode, std::optional<StoredState> restored = std::nullopt,
                   Journal* journal = nullptr)
      : queue(64, clock) {
    auto ruleSet = rules::load(kApiDownRules, "test.yaml");
    REQUIRE(ruleSet.ok());
    auto policy = watch::effectivePolicy(*ruleSet, std::nullopt);
    REQUIRE(policy.ok());
    auto escalator = watch::makeEscalator(*ruleSet, *policy, kStart, std::nullopt);
    REQUIRE(escalator.ok());
    ControllerOptions options;
    options.arming = mode;
    options.restored = std::move(restored);
    options.journal = journal;
    controller.emplace(std::move(ruleSet).value(), std::move(escalator).value(), storage, clock,
                       queue, metrics, options);
  }

  // One health probe per second for `seconds`, each followed by a tick; the queue drained.
  void run(int seconds, bool healthy) {
    for (int i = 0; i < seconds; ++i) {
      clock.advance(kSecond);
      storage.append(*storage.getOrCreate({{"__name__", "nova_agent_health_up"}}), clock.now(),
                     healthy ? 1 : 0);
      controller->tick();
      drain();
    }
  }

  void drain() {
    ActionExecutor executor(sw, notifier, &metrics, clock);
    while (auto item = queue.tryPop()) {
      if (auto report = executor.run(*item)) {
        controller->rollbackFinished(*report);
      }
    }
  }

  ManualClock clock{kStart};
  tsdb::Storage storage;
  AgentMetrics metrics{"test"};
  ActionQueue queue;
  testing::RecordingSwitch sw;
  std::vector<notify::Notification> sent;
  testing::RecordingNotifier notifier{sent};
  std::optional<Controller> controller;
};

// The state of an agent armed for `id` that rolled back (or only decided to).
StoredState stateAfterRollback(const std::string& id, bool completed) {
  Harness h(ArmingMode::kRecord);
  h.controller->sighted(live(id, kStart));
  if (!completed) {
    h.sw.error = "nginx reload hung";
  }
  h.run(5, false);
  auto state = h.controller->persistentState();
  REQUIRE(state);
  auto decoded = decodeStoredState(*state);
  REQUIRE(decoded.ok());
  return *decoded;
}

}  // namespace

TEST_CASE("decideArming: green live arms; before the switch and on blue stay or disarm") {
  ArmingInputs in;
  in.mode = ArmingMode::kRecord;
  in.unrecordedSwitchedAt = kStart;

  auto d = decideArming(in, live("r1", 5000));
  CHECK(d.kind == Kind::kArm);
  CHECK(d.target == ArmedFor{"r1", "v1.2.4", 5000});
  CHECK(d.reason == "green is live under rollout r1 of v1.2.4 in phase monitor; traffic on green");

  CHECK(decideArming(in, beforeSwitch("r1")).kind == Kind::kStay);
  CHECK(decideArming(in, RolloutSighting{}).kind == Kind::kStay);  // no record: shadow

  in.armed = ArmedFor{"r1", "v1.2.4", 5000};
  CHECK(decideArming(in, live("r1", 5000)).kind == Kind::kStay);
  CHECK(decideArming(in, live("r2", 9000)).target.rolloutId == "r2");
  auto back = beforeSwitch("r1");
  back.phase = "rolled-back";
  CHECK(decideArming(in, back).kind == Kind::kDisarm);
  CHECK(decideArming(in, beforeSwitch("r2")).kind == Kind::kDisarm);
  // After its rollback was decided the agent stays armed for it: the flip is finished and
  // its outcome stays visible; a new rollout's switch arms for that one.
  in.rollbackDecided = true;
  CHECK(decideArming(in, back).kind == Kind::kStay);
  CHECK(decideArming(in, live("r2", 9000)).kind == Kind::kArm);
  // A failed read changes nothing.
  in.rollbackDecided = false;
  RolloutSighting failed;
  failed.readOk = false;
  CHECK(decideArming(in, failed).kind == Kind::kStay);
}

TEST_CASE("decideArming: auto guards an object without a rollout; a restored rollback arms") {
  ArmingInputs in;
  in.mode = ArmingMode::kAuto;
  in.unrecordedSwitchedAt = kStart;
  auto d = decideArming(in, RolloutSighting{});
  CHECK(d.kind == Kind::kArm);
  CHECK(d.target == ArmedFor{"", "", kStart});
  // A rollout starts (a lease, then a record before the switch): back to shadow.
  in.armed = d.target;
  CHECK(decideArming(in, RolloutSighting{}).kind == Kind::kStay);
  CHECK(decideArming(in, beforeSwitch("r1")).kind == Kind::kDisarm);

  ArmingInputs restarted;
  restarted.mode = ArmingMode::kRecord;
  restarted.restoredFor = "r1";
  restarted.restoredRollbackUnfinished = true;
  auto onBlue = beforeSwitch("r1");
  onBlue.phase = "monitor";
  onBlue.switchedAt = 7000;
  auto resumed = decideArming(restarted, onBlue);
  CHECK(resumed.kind == Kind::kArm);
  CHECK(resumed.target.rolloutId == "r1");
  CHECK(decideArming(restarted, beforeSwitch("r2")).kind == Kind::kStay);
  ArmingInputs always;
  always.mode = ArmingMode::kAlways;
  CHECK(decideArming(always, live("r1", 1)).kind == Kind::kStay);
}

TEST_CASE("shadow: green failing at start-up decides nothing that is carried out") {
  Harness h(ArmingMode::kRecord);
  h.controller->sighted(beforeSwitch("r1"));
  REQUIRE_FALSE(h.controller->armedFor());
  h.run(10, false);  // api_down fires after 2 s: a CRITICAL rollback, in shadow
  CHECK(h.sw.requests.empty());
  CHECK(h.sent.empty());
  CHECK(h.controller->persistentState() == std::nullopt);
  const std::string metrics = h.metrics.serialize();
  CHECK(metrics.find("nova_agent_shadow_actions_total{kind=\"rollback\"}") != std::string::npos);
  CHECK(metrics.find("nova_agent_armed 0") != std::string::npos);
  const std::string status = h.controller->statusJson();
  CHECK(status.find("\"armed\":false") != std::string::npos);
  CHECK(status.find("\"mode\":\"record\"") != std::string::npos);
}

TEST_CASE(
    "arming anchors the rollback window to the recorded switch time; then a fault rolls back") {
  Harness h(ArmingMode::kRecord);
  h.run(5, false);  // a shadow incident, started over after its "rollback"
  const TimestampMs switchedAt = h.clock.now() - 3 * kSecond;
  auto d = h.controller->sighted(live("r1", switchedAt));
  REQUIRE(d.kind == Kind::kArm);
  REQUIRE(h.controller->armedFor());
  CHECK(*h.controller->armedFor() == ArmedFor{"r1", "v1.2.4", switchedAt});
  CHECK(h.controller->escalator().trafficSwitchedAt() == switchedAt);
  CHECK(h.controller->escalator().rollbackWindowEndsAt() ==
        switchedAt + h.controller->escalator().config().rollbackWindow);
  CHECK_FALSE(h.controller->escalator().incident());  // the shadow's incident is not kept
  const std::string status = h.controller->statusJson();
  CHECK(status.find("\"armed\":true,\"rollout_id\":\"r1\",\"version\":\"v1.2.4\"") !=
        std::string::npos);
  h.run(2, true);
  CHECK(h.sw.requests.empty());
  h.run(4, false);
  REQUIRE(h.sw.requests.size() == 1);
  CHECK(h.metrics.serialize().find("nova_agent_armed 1") != std::string::npos);
}

TEST_CASE("after its rollback the agent stays armed for it; the next rollout gets a fresh state") {
  Harness h(ArmingMode::kRecord);
  h.controller->sighted(live("r1", kStart));
  h.run(5, false);
  REQUIRE(h.sw.requests.size() == 1);
  auto back = beforeSwitch("r1");
  back.phase = "rolled-back";
  CHECK(h.controller->sighted(back).kind == Kind::kStay);
  CHECK(h.controller->statusJson().find("\"armed\":true,\"rollout_id\":\"r1\"") !=
        std::string::npos);
  CHECK(policy::toString(h.controller->escalator().incident()->state) ==
        std::string_view("rolled_back"));
  // A new rollout before its switch: shadow, the rolled-back state still shown.
  CHECK(h.controller->sighted(beforeSwitch("r2")).kind == Kind::kStay);
  h.controller->sighted(live("r2", h.clock.now()));
  CHECK(h.controller->armedFor()->rolloutId == "r2");
  CHECK_FALSE(h.controller->escalator().incident());
}

TEST_CASE("restart: the same rollout's state is kept, another's discarded") {
  const StoredState r1 = stateAfterRollback("r1", true);
  CHECK(r1.rolloutId == "r1");
  {
    Harness h(ArmingMode::kRecord, r1);
    h.controller->sighted(live("r1", kStart));
    REQUIRE(h.controller->escalator().incident());
    CHECK(policy::toString(h.controller->escalator().incident()->state) ==
          std::string_view("rolled_back"));
    CHECK(h.controller->escalator().rollbackDecided());
  }
  {
    Harness h(ArmingMode::kRecord, r1);
    h.controller->sighted(live("r2", kStart + kMinute));
    CHECK_FALSE(h.controller->escalator().incident());
    CHECK_FALSE(h.controller->escalator().rollbackDecided());
    CHECK(h.controller->escalator().trafficSwitchedAt() == kStart + kMinute);
    // Its own rollback still happens: the discarded state did not use it up.
    h.run(5, false);
    CHECK(h.sw.requests.size() == 1);
  }
}

TEST_CASE("restart mid-flip: the restored rollback is finished though the object shows blue") {
  const StoredState r1 = stateAfterRollback("r1", false);
  Harness h(ArmingMode::kRecord, r1);
  auto onBlue = beforeSwitch("r1");
  onBlue.phase = "monitor";
  onBlue.switchedAt = kStart;
  CHECK(h.controller->sighted(onBlue).kind == Kind::kArm);
  h.run(1, false);
  REQUIRE(h.sw.requests.size() == 1);
  CHECK(policy::toString(h.controller->escalator().incident()->state) ==
        std::string_view("rolled_back"));
  CHECK(h.controller->armedFor()->rolloutId == "r1");
}

TEST_CASE("a person moves traffic back to blue: the agent disarms, its state stays shown") {
  Harness h(ArmingMode::kRecord);
  h.controller->sighted(live("r1", kStart));
  h.run(3, true);
  auto back = beforeSwitch("r1");
  back.phase = "rolled-back";
  back.switchedAt = kStart;
  CHECK(h.controller->sighted(back).kind == Kind::kDisarm);
  CHECK_FALSE(h.controller->armedFor());
  h.run(10, false);  // green fails after the rollback: nothing is done about it
  CHECK(h.sw.requests.empty());
  CHECK(h.sent.empty());
}

TEST_CASE("the journal: events of the armed rollout, survives a restart, rotates") {
  const nova::testing::TempDir dir("nova-journal");
  Journal journal(dir.file("state.json.journal.jsonl"));
  std::string incident;
  {
    Harness h(ArmingMode::kRecord, std::nullopt, &journal);
    h.run(3, false);  // shadow
    h.controller->sighted(live("r1", h.clock.now()));
    h.run(5, false);
    incident = h.controller->escalator().incident()->id;
  }
  auto entries = journal.readAll();
  REQUIRE(entries.ok());
  std::vector<std::string> kinds;
  for (const auto& e : *entries) {
    if (!e.shadow) {
      kinds.push_back(e.kind);
    }
  }
  CHECK(kinds == std::vector<std::string>{"armed", "rule_pending", "rule_firing", "incident_opened",
                                          "rollback_decided", "traffic_on_blue",
                                          "rollback_completed"});
  CHECK(std::any_of(entries->begin(), entries->end(), [](const JournalEntry& e) {
    return e.shadow && e.kind == "shadow_action" && e.detail.starts_with("would roll back");
  }));

  // Rotation: past maxBytes the file becomes .1, and both are read.
  Journal small(dir.file("small.jsonl"), 200);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(small.append({i, "r1", "page", "", "", std::string(100, 'x'), false}).ok());
  }
  CHECK(std::filesystem::exists(dir.file("small.jsonl.1")));
  auto all = small.readAll();
  REQUIRE(all.ok());
  CHECK(all->size() >= 2);
  CHECK(all->back().at == 4);
}

TEST_CASE("a restart gets the restored incident's timeline back from the journal") {
  const nova::testing::TempDir dir("nova-journal");
  Journal journal(dir.file("state.json.journal.jsonl"));
  std::optional<std::string> state;
  {
    Harness h(ArmingMode::kRecord, std::nullopt, &journal);
    h.controller->sighted(live("r1", kStart));
    h.run(5, false);
    state = h.controller->persistentState();
  }
  REQUIRE(state);
  Harness h(ArmingMode::kRecord, *decodeStoredState(*state), &journal);
  h.controller->sighted(live("r1", kStart));
  const std::string status = h.controller->statusJson();
  CHECK(status.find("\"kind\":\"rollback_decided\"") != std::string::npos);
  CHECK(status.find("\"kind\":\"incident_opened\"") != std::string::npos);
}

TEST_CASE("the state file: tagged with the rollout id; a bare snapshot reads as no record") {
  const StoredState s{"r1", "v1.2.4", R"({"version":1})"};
  auto back = decodeStoredState(encodeStoredState(s));
  REQUIRE(back.ok());
  CHECK(*back == s);
  auto bare = decodeStoredState(R"({"version":1,"switchedAt":5})");
  REQUIRE(bare.ok());
  CHECK(bare->rolloutId.empty());
  CHECK(bare->escalator == R"({"version":1,"switchedAt":5})");
  auto wrong = decodeStoredState(R"({"format":"other"})");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == ErrorCode::kInvalidInput);
  CHECK(wrong.error().message == "state file: format: expected \"nova-agent-state/1\"");
  CHECK(decodeStoredState("[]").error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("sightingOf: green is live only past the switch with the object on green") {
  rollout::TrafficRead read;
  read.side = rollout::TrafficSide::kGreen;
  read.detail = "server 127.0.0.1:2";
  rollout::Record record;
  record.rolloutId = "r1";
  record.version = "v1.2.4";
  record.phase = rollout::Phase::kSwitch;
  record.switchedAt = 5000;
  read.record = record;
  auto s = detail::sightingOf(read);
  CHECK(s.greenLive);  // CI died right after the switch: still green's guard
  CHECK(s.rolloutId == "r1");
  CHECK(s.switchedAt == 5000);
  CHECK(s.detail == "traffic on green (server 127.0.0.1:2)");

  read.side = rollout::TrafficSide::kBlue;
  CHECK_FALSE(detail::sightingOf(read).greenLive);
  read.side = rollout::TrafficSide::kGreen;
  read.record->phase = rollout::Phase::kRolledBack;
  CHECK_FALSE(detail::sightingOf(read).greenLive);
  read.record->phase = rollout::Phase::kSmoke;
  read.record->switchedAt.reset();
  CHECK_FALSE(detail::sightingOf(read).greenLive);

  read.record.reset();
  read.lease = rollout::Lease{};
  read.lease->holder = "r2";
  CHECK(detail::sightingOf(read).rolloutId == "r2");
  auto failed = detail::sightingOf(Error(ErrorCode::kTransport, "connection refused"));
  CHECK_FALSE(failed.readOk);
  CHECK(failed.detail == "connection refused");
}

}  // namespace nova::daemon
