#include "nova/rollout/resume.h"

#include <doctest/doctest.h>

#include "nova/core/clock.h"

namespace nova::rollout {
namespace {

constexpr TimestampMs kStart = 1'796'263'200'000;  // 2026-12-03T02:00:00Z
constexpr TimestampMs kSwitched = kStart + 20 * kMinute;

Record recordAt(Phase phase, std::optional<Phase> stoppedIn = {}) {
  Record r;
  r.rolloutId = "r-1";
  r.version = "v1.2.4";
  r.phase = phase;
  r.stoppedIn = stoppedIn;
  r.startedAt = kStart;
  const Phase p = stoppedIn.value_or(phase);
  if (!isBeforeSwitch(p) && p != Phase::kFailedBeforeSwitch && p != Phase::kSwitch) {
    r.switchedAt = kSwitched;
  }
  return r;
}

LiveState live(TrafficSide side, std::optional<std::int64_t> blueReady = 3,
               AgentVerdict::State agent = AgentVerdict::State::kWatching,
               Severity severity = Severity::kNone) {
  LiveState state;
  state.traffic = side;
  state.trafficDetail = "ingress production/api-ingress";
  state.blueReady = blueReady;
  state.agent.state = agent;
  state.agent.severity = severity;
  return state;
}

NextStep decide(const std::optional<Record>& record, const LiveState& state, TimestampMs now,
                std::string_view version = "v1.2.4") {
  return nextStep(record, "r-1", version, state, now, PhaseBounds{});
}

void checkRun(const NextStep& step, Phase phase) {
  CHECK_MESSAGE(step.kind == NextStep::Kind::kRunPhase, step.reason);
  CHECK(step.phase == phase);
}

void checkFinish(const NextStep& step, Phase phase, Outcome outcome,
                 std::optional<Phase> stoppedIn = {}) {
  CHECK_MESSAGE(step.kind == NextStep::Kind::kFinish, step.reason);
  CHECK(step.phase == phase);
  CHECK(step.outcome == outcome);
  CHECK(step.stoppedIn == stoppedIn);
}

TEST_CASE("a new rollout starts at pre-flight, also after another rollout's finished record") {
  checkRun(decide(std::nullopt, live(TrafficSide::kBlue), kStart), Phase::kPreflight);
  Record other = recordAt(Phase::kDone);
  other.rolloutId = "r-0";
  checkRun(decide(other, live(TrafficSide::kGreen), kStart), Phase::kPreflight);
}

TEST_CASE("the same rollout id with another version is a usage error") {
  const NextStep step = decide(recordAt(Phase::kSmoke), live(TrafficSide::kBlue), kStart, "v1.2.5");
  CHECK(step.kind == NextStep::Kind::kStop);
  CHECK(step.outcome == Outcome::kUsage);
  CHECK(step.reason ==
        "rollout r-1 is for v1.2.4, not v1.2.5: a new version needs a new rollout id");
}

TEST_CASE("before the switch a resume repeats the recorded phase, only while blue is live") {
  for (Phase phase :
       {Phase::kPreflight, Phase::kSnapshot, Phase::kDeployGreen, Phase::kSmoke, Phase::kSwitch}) {
    CAPTURE(phaseName(phase));
    checkRun(decide(recordAt(phase), live(TrafficSide::kBlue), kStart), phase);
    const NextStep green = decide(recordAt(phase), live(TrafficSide::kGreen), kStart);
    checkFinish(green, Phase::kNeedsPerson, Outcome::kNeedsPerson, phase);
  }
  CHECK(decide(recordAt(Phase::kDeployGreen), live(TrafficSide::kGreen), kStart).reason ==
        "traffic is on green (ingress production/api-ingress) although rollout r-1 never "
        "switched: changed outside this rollout");
}

TEST_CASE("after the switch patch, a resume verifies it; traffic back on blue is a rollback") {
  Record switched = recordAt(Phase::kSwitch);
  switched.switchedAt = kSwitched;
  const NextStep verify = decide(switched, live(TrafficSide::kGreen), kSwitched + kMinute);
  checkRun(verify, Phase::kSwitch);
  CHECK(verify.reason == "the switch was applied at 2026-12-03T02:20:00Z; verifying it");
  checkFinish(decide(switched, live(TrafficSide::kBlue, 3), kSwitched + kMinute),
              Phase::kRolledBack, Outcome::kRolledBack);
}

TEST_CASE("monitoring waits for the window anchored to the recorded switch time") {
  // A resume three minutes after the switch neither restarts nor shortens the window.
  const NextStep step =
      decide(recordAt(Phase::kMonitor), live(TrafficSide::kGreen), kSwitched + 3 * kMinute);
  CHECK(step.kind == NextStep::Kind::kWait);
  CHECK(step.waitUntil == kSwitched + 10 * kMinute);
  CHECK(step.reason ==
        "monitoring until 2026-12-03T02:30:00Z (7m left); the agent sees no incident");
  // Even without a verdict the window runs on: the agent acts by itself.
  CHECK(decide(recordAt(Phase::kMonitor),
               live(TrafficSide::kGreen, 3, AgentVerdict::State::kUnreachable),
               kSwitched + 3 * kMinute)
            .kind == NextStep::Kind::kWait);
}

TEST_CASE("after the window: clean or LOW cleans up blue; MEDIUM waits, then a person") {
  const TimestampMs end = kSwitched + 10 * kMinute;
  checkRun(decide(recordAt(Phase::kMonitor), live(TrafficSide::kGreen), end), Phase::kCleanupBlue);
  checkRun(
      decide(recordAt(Phase::kMonitor),
             live(TrafficSide::kGreen, 3, AgentVerdict::State::kIncident, Severity::kLow), end),
      Phase::kCleanupBlue);
  const LiveState medium =
      live(TrafficSide::kGreen, 3, AgentVerdict::State::kIncident, Severity::kMedium);
  const NextStep waiting = decide(recordAt(Phase::kMonitor), medium, end);
  CHECK(waiting.kind == NextStep::Kind::kWait);
  CHECK(waiting.waitUntil == end + 30 * kMinute);
  CHECK(waiting.reason ==
        "the monitoring window is over but the agent has a medium incident open; waiting until "
        "2026-12-03T03:00:00Z");
  const NextStep person = decide(recordAt(Phase::kMonitor), medium, end + 30 * kMinute);
  checkFinish(person, Phase::kNeedsPerson, Outcome::kNeedsPerson, Phase::kMonitor);
  CHECK(person.reason ==
        "the agent has a medium incident open after waiting until 2026-12-03T03:00:00Z; blue "
        "stays warm");
}

TEST_CASE("a rule breaching at the window's end, its incident not open yet, keeps blue warm") {
  const TimestampMs end = kSwitched + 10 * kMinute;
  LiveState breaching = live(TrafficSide::kGreen, 3, AgentVerdict::State::kBreaching);
  breaching.agent.detail = "breaching now: error_rate_high";
  const NextStep waiting = decide(recordAt(Phase::kMonitor), breaching, end);
  CHECK(waiting.kind == NextStep::Kind::kWait);
  CHECK(waiting.waitUntil == end + 30 * kMinute);
  CHECK(waiting.reason ==
        "the monitoring window is over but the agent sees a rule past its threshold, its "
        "incident not open yet (breaching now: error_rate_high): blue is never scaled down "
        "while a rule breaches; waiting until 2026-12-03T03:00:00Z");
  // The rule clears: clean-up. It never clears: a person, blue still warm.
  checkRun(decide(recordAt(Phase::kMonitor), live(TrafficSide::kGreen), end + kMinute),
           Phase::kCleanupBlue);
  checkFinish(decide(recordAt(Phase::kMonitor), breaching, end + 30 * kMinute), Phase::kNeedsPerson,
              Outcome::kNeedsPerson, Phase::kMonitor);
}

TEST_CASE("no verdict, no scale-down: an unreachable, unarmed or blind agent stops for a person") {
  const TimestampMs late = kSwitched + 40 * kMinute;
  for (auto state : {AgentVerdict::State::kUnreachable, AgentVerdict::State::kNotArmed,
                     AgentVerdict::State::kNoData}) {
    const LiveState s = live(TrafficSide::kGreen, 3, state);
    CHECK(decide(recordAt(Phase::kMonitor), s, kSwitched + 10 * kMinute).kind ==
          NextStep::Kind::kWait);
    const NextStep step = decide(recordAt(Phase::kMonitor), s, late);
    checkFinish(step, Phase::kNeedsPerson, Outcome::kNeedsPerson, Phase::kMonitor);
    CHECK(step.reason.find("blue is never scaled down without the agent's verdict") !=
          std::string::npos);
  }
}

TEST_CASE("an agent that says it rolled back while traffic stays on green gets a person") {
  const LiveState s = live(TrafficSide::kGreen, 3, AgentVerdict::State::kRolledBack);
  CHECK(decide(recordAt(Phase::kMonitor), s, kSwitched + 12 * kMinute).kind ==
        NextStep::Kind::kWait);
  const NextStep step = decide(recordAt(Phase::kMonitor), s, kSwitched + 40 * kMinute);
  checkFinish(step, Phase::kNeedsPerson, Outcome::kNeedsPerson, Phase::kMonitor);
  CHECK(step.reason ==
        "the agent rolled back but traffic is still on green after waiting until "
        "2026-12-03T03:00:00Z; blue stays warm");
}

TEST_CASE("a rollback by the agent ends the rollout as rolled back, never touching blue") {
  for (Phase phase : {Phase::kMonitor, Phase::kCleanupBlue}) {
    CAPTURE(phaseName(phase));
    const NextStep step =
        decide(recordAt(phase), live(TrafficSide::kBlue, 3), kSwitched + 5 * kMinute);
    checkFinish(step, Phase::kRolledBack, Outcome::kRolledBack);
    CHECK(step.reason ==
          "traffic is on blue (ingress production/api-ingress) with 3 ready blue pods");
    // On blue with nothing to serve it: an outage a person must fix, not a success.
    const NextStep outage =
        decide(recordAt(phase), live(TrafficSide::kBlue, 0), kSwitched + 5 * kMinute);
    checkFinish(outage, Phase::kNeedsPerson, Outcome::kNeedsPerson, phase);
    CHECK(outage.reason.ends_with("but blue has no ready pods: scale blue up now"));
  }
}

TEST_CASE("a hold parks the rollout; a resume after the person is done carries on") {
  const NextStep parked =
      decide(recordAt(Phase::kMonitor), live(TrafficSide::kGreen, 3, AgentVerdict::State::kHold),
             kSwitched + kMinute);
  checkFinish(parked, Phase::kParked, Outcome::kParked, Phase::kMonitor);
  const Record stopped = recordAt(Phase::kParked, Phase::kMonitor);
  checkRun(decide(stopped, live(TrafficSide::kGreen), kSwitched + 12 * kMinute),
           Phase::kCleanupBlue);
  const Record person = recordAt(Phase::kNeedsPerson, Phase::kMonitor);
  checkRun(decide(person, live(TrafficSide::kGreen), kSwitched + 50 * kMinute),
           Phase::kCleanupBlue);
  // A staged rollback left traffic split: still parked.
  checkFinish(decide(stopped, live(TrafficSide::kSplit), kSwitched + kHour), Phase::kParked,
              Outcome::kParked, Phase::kMonitor);
}

TEST_CASE("clean-up resumes while green is live; unknown traffic always needs a person") {
  checkRun(decide(recordAt(Phase::kCleanupBlue), live(TrafficSide::kGreen, 1), kSwitched + kHour),
           Phase::kCleanupBlue);
  for (Phase phase : {Phase::kPreflight, Phase::kMonitor, Phase::kCleanupBlue}) {
    checkFinish(decide(recordAt(phase), live(TrafficSide::kUnknown), kSwitched),
                Phase::kNeedsPerson, Outcome::kNeedsPerson, phase);
  }
}

TEST_CASE("a finished rollout reports its end again and changes nothing") {
  auto stopWith = [](const NextStep& step, Outcome outcome) {
    CHECK_MESSAGE(step.kind == NextStep::Kind::kStop, step.reason);
    CHECK(step.outcome == outcome);
  };
  const TimestampMs later = kSwitched + 2 * kHour;
  stopWith(decide(recordAt(Phase::kDone), live(TrafficSide::kGreen, 0), later),
           Outcome::kSucceeded);
  stopWith(decide(recordAt(Phase::kRolledBack), live(TrafficSide::kBlue), later),
           Outcome::kRolledBack);
  stopWith(decide(recordAt(Phase::kFailedBeforeSwitch), live(TrafficSide::kBlue), later),
           Outcome::kFailedBeforeSwitch);
  // Contradictions are reported, never acted on.
  const NextStep rolledBackOnGreen =
      decide(recordAt(Phase::kRolledBack), live(TrafficSide::kGreen), later);
  stopWith(rolledBackOnGreen, Outcome::kNeedsPerson);
  CHECK(rolledBackOnGreen.reason ==
        "rollout r-1 already ended rolled-back; but traffic is on green (ingress "
        "production/api-ingress)");
  stopWith(decide(recordAt(Phase::kDone), live(TrafficSide::kBlue, 3), later),
           Outcome::kRolledBack);
  stopWith(decide(recordAt(Phase::kDone), live(TrafficSide::kBlue, 0), later),
           Outcome::kNeedsPerson);
}

TEST_CASE("a whole run, decided step by step as the engine will, on a simulated clock") {
  ManualClock clock(kStart);
  std::optional<Record> record;
  LiveState state = live(TrafficSide::kBlue);
  std::vector<Phase> ran;
  for (int guard = 0; guard < 40; ++guard) {
    const NextStep step = nextStep(record, "r-1", "v1.2.4", state, clock.now(), PhaseBounds{});
    if (step.kind == NextStep::Kind::kWait) {
      clock.advance(step.waitUntil - clock.now());
      continue;
    }
    if (step.kind != NextStep::Kind::kRunPhase) {
      FAIL("unexpected end: " << step.reason);
    }
    ran.push_back(step.phase);
    if (!record) {
      record = recordAt(Phase::kPreflight);
    }
    // The phase succeeds: what the engine will write.
    clock.advance(kMinute);
    const Phase next = *nextRunPhase(step.phase);
    if (step.phase == Phase::kSwitch) {
      record->switchedAt = clock.now();
      state.traffic = TrafficSide::kGreen;
    }
    if (next == Phase::kDone) {
      record->phase = Phase::kDone;
      break;
    }
    record->phase = next;
  }
  CHECK(ran == std::vector<Phase>{Phase::kPreflight, Phase::kSnapshot, Phase::kDeployGreen,
                                  Phase::kSmoke, Phase::kSwitch, Phase::kCleanupBlue});
  REQUIRE(record.has_value());
  CHECK(record->phase == Phase::kDone);
  // Monitoring took exactly the window: switch at +5m, clean-up at +15m, done at +16m.
  CHECK(clock.now() == kStart + 16 * kMinute);
}

}  // namespace
}  // namespace nova::rollout
