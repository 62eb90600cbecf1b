#include "nova/rollout/exit_code.h"

#include <doctest/doctest.h>

#include <csignal>
#include <set>

#include "nova/rollout/phase.h"

namespace nova::rollout {
namespace {

TEST_CASE("every outcome has its own exit code and name") {
  std::set<int> codes;
  std::set<std::string_view> names;
  for (Outcome outcome : allOutcomes()) {
    CHECK(codes.insert(exitCode(outcome)).second);
    CHECK(names.insert(outcomeName(outcome)).second);
    CHECK(parseOutcome(outcomeName(outcome)) == outcome);
    CHECK_FALSE(outcomeMeaning(outcome).empty());
  }
  CHECK(codes.size() == 10);
  CHECK(exitCode(Outcome::kSucceeded) == 0);
  CHECK(exitCode(Outcome::kError) == 1);
  CHECK(exitCode(Outcome::kUsage) == 2);
  CHECK(exitCode(Outcome::kFailedBeforeSwitch) == 3);
  CHECK(exitCode(Outcome::kRolledBack) == 4);
  CHECK(exitCode(Outcome::kRefused) == 5);
  CHECK(exitCode(Outcome::kTimedOut) == 6);
  CHECK(exitCode(Outcome::kNeedsPerson) == 7);
  CHECK(exitCode(Outcome::kParked) == 8);
  CHECK(exitCode(Outcome::kInterrupted) == 130);
  CHECK(interruptedExitCode(SIGTERM) == 143);
  CHECK_FALSE(parseOutcome("ok"));
}

TEST_CASE("the exit-code table for --help lists every outcome in order") {
  CHECK(exitCodeTable() ==
        "Exit codes:\n"
        "    0  succeeded             done; for rollout: green serves all traffic\n"
        "    1  error                 unexpected failure; where traffic is was not established "
        "(run novactl status)\n"
        "    2  usage                 bad flags or configuration; nothing was done\n"
        "    3  failed_before_switch  stopped before the traffic switch; production untouched\n"
        "    4  rolled_back           traffic is back on blue, verified\n"
        "    5  refused               refused by the deployment window or another rollout's "
        "lease; nothing was done\n"
        "    6  timed_out             a time bound ran out; the output says where traffic is, "
        "the agent keeps guarding green\n"
        "    7  needs_person          a person must decide; blue is kept warm and nothing is "
        "scaled down\n"
        "    8  parked                stopped on purpose for a person: a staged rollback parked "
        "at its weight\n"
        "  130  interrupted           SIGINT/SIGTERM (143 after SIGTERM); stopped at a step "
        "boundary, re-run to resume\n");
}

TEST_CASE("phases have stable names and end in the matching outcome") {
  for (Phase phase : allPhases()) {
    CHECK(parsePhase(phaseName(phase)) == phase);
  }
  CHECK(phaseName(Phase::kPreflight) == "pre-flight");
  CHECK(runPhases().size() == 7);
  CHECK(nextRunPhase(Phase::kSmoke) == Phase::kSwitch);
  CHECK(nextRunPhase(Phase::kCleanupBlue) == Phase::kDone);
  CHECK_FALSE(nextRunPhase(Phase::kDone));
  CHECK(outcomeOf(Phase::kDone) == Outcome::kSucceeded);
  CHECK(outcomeOf(Phase::kRolledBack) == Outcome::kRolledBack);
  CHECK(outcomeOf(Phase::kFailedBeforeSwitch) == Outcome::kFailedBeforeSwitch);
  CHECK(outcomeOf(Phase::kNeedsPerson) == Outcome::kNeedsPerson);
  CHECK(outcomeOf(Phase::kParked) == Outcome::kParked);
  CHECK_FALSE(outcomeOf(Phase::kMonitor));
  CHECK(isFinished(Phase::kFailedBeforeSwitch));
  CHECK_FALSE(isFinished(Phase::kNeedsPerson));
  CHECK(isStopped(Phase::kParked));
  CHECK(isBeforeSwitch(Phase::kSmoke));
  CHECK_FALSE(isBeforeSwitch(Phase::kSwitch));
}

TEST_CASE("phase deadlines: the phase's bound or the overall one, whichever comes first") {
  const PhaseBounds bounds;
  const MonoTime start(1'000'000);
  const Deadline preflight = phaseDeadline(Phase::kSnapshot, start, start, bounds);
  CHECK(preflight.at == start + 10 * kMinute);
  CHECK_FALSE(preflight.overall);
  CHECK(phaseDeadline(Phase::kSmoke, start + 5 * kMinute, start, bounds).at ==
        start + 20 * kMinute);
  // 50 minutes in, the monitor phase's 40 minutes would end after the overall hour.
  const Deadline monitor = phaseDeadline(Phase::kMonitor, start + 50 * kMinute, start, bounds);
  CHECK(monitor.overall);
  CHECK(monitor.at == start + 60 * kMinute);
  PhaseBounds unbounded;
  unbounded.overall = 0;
  CHECK_FALSE(phaseDeadline(Phase::kMonitor, start + 50 * kMinute, start, unbounded).overall);
  CHECK(phaseBound(Phase::kSwitch, bounds) == 5 * kMinute);
  CHECK(phaseBound(Phase::kCleanupBlue, bounds) == 5 * kMinute);
  CHECK(phaseBound(Phase::kDeployGreen, bounds) == 15 * kMinute);
  CHECK(phaseBound(Phase::kDone, bounds) == 0);
}

TEST_CASE("the monitoring window is anchored to the recorded switch time") {
  const MonitorWindow window = monitorWindow(1'700'000'000'000, PhaseBounds{});
  CHECK(window.ends == 1'700'000'000'000 + 10 * kMinute);
  CHECK(window.waitEnds == 1'700'000'000'000 + 40 * kMinute);
}

}  // namespace
}  // namespace nova::rollout
