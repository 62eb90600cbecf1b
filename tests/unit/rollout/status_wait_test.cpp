#include "nova/rollout/status_wait.h"

#include <doctest/doctest.h>

#include "clock_driver.h"
#include "nova/core/clock.h"
#include "nova/core/random.h"

namespace nova::rollout {
namespace {

constexpr TimestampMs kStart = 1'796'263'200'000;  // 2026-12-03T02:00:00Z
constexpr TimestampMs kSwitched = kStart + 20 * kMinute;

Record recordIn(Phase phase, std::string id = "r-1") {
  Record r;
  r.rolloutId = std::move(id);
  r.version = "v1.2.4";
  r.phase = phase;
  r.startedAt = kStart;
  if (!isBeforeSwitch(phase) && phase != Phase::kFailedBeforeSwitch && phase != Phase::kSwitch) {
    r.switchedAt = kSwitched;
  }
  return r;
}

StatusObservation seen(std::optional<Record> record, TrafficSide side,
                       std::optional<std::int64_t> blueReady = 3,
                       AgentVerdict::State agent = AgentVerdict::State::kWatching) {
  StatusObservation o;
  o.record = std::move(record);
  o.live.traffic = side;
  o.live.trafficDetail = "ingress production/api-ingress";
  o.live.blueReady = blueReady;
  o.live.agent.state = agent;
  o.now = kSwitched + 2 * kMinute;
  if (o.record && !isFinished(o.record->phase) && !isStopped(o.record->phase)) {
    o.lease = Lease{o.record->rolloutId, "ci/1/2", "ci", kStart, o.now, 30 * kSecond, 1};
  }
  return o;
}

WaitVerdict judge(WaitFor target, const StatusObservation& o, bool leaseExpired = false,
                  std::string_view id = "r-1") {
  return judgeWait(target, id, o, leaseExpired, PhaseBounds{});
}

TEST_CASE("--for names round-trip; others are refused") {
  for (WaitFor t :
       {WaitFor::kDone, WaitFor::kSucceeded, WaitFor::kSwitched, WaitFor::kRolledBack}) {
    CHECK(parseWaitFor(waitForName(t)) == t);
  }
  CHECK_FALSE(parseWaitFor("finished").has_value());
  CHECK(waitForChoices() == "done|succeeded|switched|rolled_back");
}

TEST_CASE("each end of a rollout ends a wait for done with its outcome's exit code") {
  struct Case {
    Phase phase;
    TrafficSide side;
    int code;
  };
  for (const Case& c : {Case{Phase::kDone, TrafficSide::kGreen, 0},
                        Case{Phase::kFailedBeforeSwitch, TrafficSide::kBlue, 3},
                        Case{Phase::kRolledBack, TrafficSide::kBlue, 4},
                        Case{Phase::kNeedsPerson, TrafficSide::kGreen, 7},
                        Case{Phase::kParked, TrafficSide::kSplit, 8}}) {
    CAPTURE(phaseName(c.phase));
    for (WaitFor target : {WaitFor::kDone, WaitFor::kSucceeded}) {
      const WaitVerdict v = judge(target, seen(recordIn(c.phase), c.side));
      CHECK(v.reached);
      CHECK(exitCode(v.outcome) == c.code);
    }
  }
}

TEST_CASE("a running rollout is waited for while a run holds its lease") {
  for (Phase p : runPhases()) {
    const WaitVerdict v =
        judge(WaitFor::kDone,
              seen(recordIn(p), isBeforeSwitch(p) || p == Phase::kSwitch ? TrafficSide::kBlue
                                                                         : TrafficSide::kGreen));
    CAPTURE(phaseName(p));
    CHECK_FALSE(v.reached);
    CHECK(v.reason.find("in " + std::string(phaseName(p))) != std::string::npos);
  }
}

TEST_CASE("another rollout's record, or none, means ours has not started yet") {
  WaitVerdict v = judge(WaitFor::kDone, seen(recordIn(Phase::kDone, "r-old"), TrafficSide::kGreen));
  CHECK_FALSE(v.reached);
  CHECK(v.reason ==
        "rollout r-1 has not started; the record holds rollout r-old (done); traffic is on green "
        "(ingress production/api-ingress)");
  CHECK_FALSE(judge(WaitFor::kDone, seen(std::nullopt, TrafficSide::kBlue)).reached);
  // Without an id, whatever the record holds is waited for.
  CHECK(judge(WaitFor::kDone, seen(recordIn(Phase::kDone, "r-old"), TrafficSide::kGreen), false, "")
            .reached);
}

TEST_CASE("the record's end is checked against live traffic") {
  // Done, but since then traffic went back to ready blue pods: rolled back.
  WaitVerdict v = judge(WaitFor::kDone, seen(recordIn(Phase::kDone), TrafficSide::kBlue, 3));
  CHECK(v.reached);
  CHECK(v.outcome == Outcome::kRolledBack);
  // Done, but traffic on blue with no pods: a person.
  v = judge(WaitFor::kDone, seen(recordIn(Phase::kDone), TrafficSide::kBlue, 0));
  CHECK(v.outcome == Outcome::kNeedsPerson);
}

TEST_CASE("CI died after the switch and the agent rolled back: the wait reports it") {
  StatusObservation o =
      seen(recordIn(Phase::kMonitor), TrafficSide::kBlue, 3, AgentVerdict::State::kRolledBack);
  // While a run holds the lease, the run records the end.
  CHECK_FALSE(judge(WaitFor::kDone, o).reached);
  const WaitVerdict v = judge(WaitFor::kDone, o, /*leaseExpired=*/true);
  CHECK(v.reached);
  CHECK(v.outcome == Outcome::kRolledBack);
  CHECK(v.reason.rfind("no run holds the lease; traffic is on blue", 0) == 0);
}

TEST_CASE("a dead run in monitoring with green serving waits and says to re-run") {
  const WaitVerdict v =
      judge(WaitFor::kDone, seen(recordIn(Phase::kMonitor), TrafficSide::kGreen), true);
  CHECK_FALSE(v.reached);
  CHECK(v.reason.find("no run holds the lease: re-run `novactl rollout` with --rollout-id r-1") !=
        std::string::npos);
}

TEST_CASE("--for switched: reached once green serves under a switch time") {
  CHECK_FALSE(judge(WaitFor::kSwitched, seen(recordIn(Phase::kSmoke), TrafficSide::kBlue)).reached);
  WaitVerdict v = judge(WaitFor::kSwitched, seen(recordIn(Phase::kMonitor), TrafficSide::kGreen));
  CHECK(v.reached);
  CHECK(v.outcome == Outcome::kSucceeded);
  CHECK(v.reason ==
        "rollout r-1 switched at 2026-12-03T02:20:00Z; traffic is on green (ingress "
        "production/api-ingress)");
  // It can no longer come: the end's code at once.
  v = judge(WaitFor::kSwitched, seen(recordIn(Phase::kFailedBeforeSwitch), TrafficSide::kBlue));
  CHECK(v.reached);
  CHECK(exitCode(v.outcome) == 3);
}

TEST_CASE("--for rolled_back waits through a finished or stopped rollout") {
  CHECK_FALSE(
      judge(WaitFor::kRolledBack, seen(recordIn(Phase::kDone), TrafficSide::kGreen)).reached);
  const WaitVerdict parked =
      judge(WaitFor::kRolledBack, seen(recordIn(Phase::kParked), TrafficSide::kSplit));
  CHECK_FALSE(parked.reached);
  CHECK(parked.reason.find("waiting for a rollback") != std::string::npos);
  WaitVerdict v =
      judge(WaitFor::kRolledBack, seen(recordIn(Phase::kRolledBack), TrafficSide::kBlue));
  CHECK(v.reached);
  CHECK(exitCode(v.outcome) == 4);
  v = judge(WaitFor::kRolledBack, seen(recordIn(Phase::kFailedBeforeSwitch), TrafficSide::kBlue));
  CHECK(v.reached);
  CHECK(exitCode(v.outcome) == 3);
}

// The wait loop on a ManualClock: the observation is a function of simulated time.
struct Waiting {
  ManualClock clock{kStart};
  MonoTime began = clock.monoNow();
  StopSource stop{clock};
  SequenceRandom random{{0.5}};
  int reads = 0;

  DurationMs elapsed() const { return clock.monoNow() - began; }
};

TEST_CASE("the wait follows the rollout to its end and backs off while nothing changes") {
  Waiting w;
  WaitOptions options;
  options.rolloutId = "r-1";
  options.timeout = 30 * kMinute;
  std::vector<std::string> changes;
  test::ClockDriver driver(w.clock, 250);
  const WaitResult r = waitForRollout(
      options,
      [&]() -> Result<StatusObservation> {
        ++w.reads;
        const DurationMs t = w.elapsed();
        if (t < 20 * kSecond) {
          return seen(std::nullopt, TrafficSide::kBlue);
        }
        if (t < 5 * kMinute) {
          StatusObservation o = seen(recordIn(Phase::kMonitor), TrafficSide::kGreen);
          o.lease->renewedAt = kStart + t / (10 * kSecond) * (10 * kSecond);  // renewed
          return o;
        }
        return seen(recordIn(Phase::kDone), TrafficSide::kGreen);
      },
      w.stop, w.random,
      [&](const StatusObservation& o, const WaitVerdict&) {
        changes.push_back(o.record ? std::string(phaseName(o.record->phase)) : "none");
      });
  CHECK(r.outcome == Outcome::kSucceeded);
  CHECK(changes == std::vector<std::string>{"none", "monitor", "done"});
  // Ended within one capped poll (10 s) of the end, not at the bound.
  CHECK(r.waited >= 5 * kMinute);
  CHECK(r.waited <= 5 * kMinute + 10 * kSecond + 250);
  // Backed off: ~300 s at a 10 s cap is about 30 polls, far fewer than one a second.
  CHECK(r.polls == w.reads);
  CHECK(r.polls < 50);
  CHECK(r.polls > 20);
}

TEST_CASE("a timed-out wait exits 6 and says where traffic is; failed reads are retried") {
  Waiting w;
  WaitOptions options;
  options.rolloutId = "r-1";
  options.timeout = 2 * kMinute;
  test::ClockDriver driver(w.clock, 250);
  const WaitResult r = waitForRollout(
      options,
      [&]() -> Result<StatusObservation> {
        if (++w.reads % 3 == 0) {
          return Error(ErrorCode::kTransport, "connection refused");
        }
        return seen(recordIn(Phase::kMonitor), TrafficSide::kGreen);
      },
      w.stop, w.random);
  CHECK(r.outcome == Outcome::kTimedOut);
  CHECK(exitCode(r.outcome) == 6);
  CHECK(r.waited == 2 * kMinute);
  CHECK(r.failedReads > 0);
  CHECK(r.message.rfind("timed out after 2m waiting for done; rollout r-1 of v1.2.4 in monitor; "
                        "traffic is on green (ingress production/api-ingress)",
                        0) == 0);
}

TEST_CASE("a stop request ends the wait at once") {
  Waiting w;
  WaitOptions options;
  options.timeout = 10 * kMinute;
  const WaitResult r = waitForRollout(
      options,
      [&]() -> Result<StatusObservation> {
        w.stop.requestStop("SIGINT");
        return seen(recordIn(Phase::kSmoke), TrafficSide::kBlue);
      },
      w.stop, w.random);
  CHECK(r.outcome == Outcome::kInterrupted);
  CHECK(r.polls == 1);
  CHECK(r.waited == 0);
  CHECK(r.message == "stopped (SIGINT) while waiting");
}

}  // namespace
}  // namespace nova::rollout
