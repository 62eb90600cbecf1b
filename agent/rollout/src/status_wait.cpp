// `novactl status --wait`: when the wait is over (pure), and the polling loop.
#include "nova/rollout/status_wait.h"

#include <algorithm>
#include <array>

#include "nova/core/rfc3339.h"

namespace nova::rollout {
namespace {

constexpr std::array<WaitFor, 4> kTargets = {WaitFor::kDone, WaitFor::kSucceeded,
                                             WaitFor::kSwitched, WaitFor::kRolledBack};

std::string where(const LiveState& live) {
  return "traffic is on " + std::string(trafficSideName(live.traffic)) +
         (live.trafficDetail.empty() ? "" : " (" + live.trafficDetail + ")");
}

// Where the rollout settled: an end or a stop, with its outcome; nullopt while it may still
// move on by itself (a run holds the lease, or a re-run is needed to go on).
struct Settled {
  Phase phase;
  Outcome outcome;
  std::string reason;
};

std::optional<Settled> settled(const Record& r, const LiveState& live, TimestampMs now,
                               bool leaseExpired, const PhaseBounds& bounds) {
  if (isFinished(r.phase)) {
    // The record's end, checked against the live traffic as a re-run would check it.
    const NextStep again = nextStep(r, r.rolloutId, r.version, live, now, bounds);
    const Phase phase = again.outcome == Outcome::kRolledBack    ? Phase::kRolledBack
                        : again.outcome == Outcome::kNeedsPerson ? Phase::kNeedsPerson
                                                                 : r.phase;
    return Settled{phase, again.outcome, again.reason};
  }
  if (isStopped(r.phase)) {
    return Settled{r.phase, *outcomeOf(r.phase),
                   "rollout " + r.rolloutId + " stopped in " +
                       std::string(phaseName(r.effectivePhase())) + " (" +
                       std::string(phaseName(r.phase)) + "); " + where(live)};
  }
  if (!leaseExpired) {
    return std::nullopt;
  }
  const NextStep next = nextStep(r, r.rolloutId, r.version, live, now, bounds);
  if (next.kind == NextStep::Kind::kFinish || next.kind == NextStep::Kind::kStop) {
    return Settled{next.phase, next.outcome, "no run holds the lease; " + next.reason};
  }
  return std::nullopt;
}

std::string running(const Record& r, const LiveState& live, bool leaseExpired) {
  std::string text = "rollout " + r.rolloutId + " of " + r.version + " in " +
                     std::string(phaseName(r.phase)) + "; " + where(live);
  if (leaseExpired) {
    text += "; no run holds the lease: re-run `novactl rollout` with --rollout-id " + r.rolloutId;
  }
  return text;
}

// Two observations that would print the same progress line.
bool sameState(const StatusObservation& a, const StatusObservation& b) {
  const auto key = [](const StatusObservation& o) {
    return o.record
               ? std::to_string(o.record->revision) + "/" + std::to_string(o.record->steps.size()) +
                     "/" + std::string(phaseName(o.record->phase))
               : std::string("-");
  };
  return key(a) == key(b) && a.live.traffic == b.live.traffic &&
         a.live.agent.state == b.live.agent.state && a.lease.has_value() == b.lease.has_value();
}

}  // namespace

std::string_view waitForName(WaitFor target) {
  switch (target) {
    case WaitFor::kDone:
      return "done";
    case WaitFor::kSucceeded:
      return "succeeded";
    case WaitFor::kSwitched:
      return "switched";
    case WaitFor::kRolledBack:
      break;
  }
  return "rolled_back";
}

std::optional<WaitFor> parseWaitFor(std::string_view name) {
  for (WaitFor target : kTargets) {
    if (waitForName(target) == name) {
      return target;
    }
  }
  return std::nullopt;
}

std::string waitForChoices() {
  std::string out;
  for (WaitFor target : kTargets) {
    out += (out.empty() ? "" : "|") + std::string(waitForName(target));
  }
  return out;
}

WaitVerdict judgeWait(WaitFor target, std::string_view rolloutId, const StatusObservation& seen,
                      bool leaseExpired, const PhaseBounds& bounds) {
  if (!seen.record || (!rolloutId.empty() && seen.record->rolloutId != rolloutId)) {
    std::string holds = seen.record ? "the record holds rollout " + seen.record->rolloutId + " (" +
                                          std::string(phaseName(seen.record->phase)) + ")"
                                    : std::string("no rollout record yet");
    return {false, Outcome::kSucceeded,
            (rolloutId.empty() ? "" : "rollout " + std::string(rolloutId) + " has not started; ") +
                holds + "; " + where(seen.live)};
  }
  const Record& r = *seen.record;
  const std::optional<Settled> end = settled(r, seen.live, seen.now, leaseExpired, bounds);
  switch (target) {
    case WaitFor::kDone:
    case WaitFor::kSucceeded:
      if (end) {
        return {true, end->outcome, end->reason};
      }
      break;
    case WaitFor::kSwitched:
      if (end) {
        return {true, end->outcome, end->reason};
      }
      if (r.switchedAt && seen.live.traffic == TrafficSide::kGreen) {
        return {true, Outcome::kSucceeded,
                "rollout " + r.rolloutId + " switched at " +
                    formatRfc3339(*r.switchedAt, SubSecond::kNone) + "; " + where(seen.live)};
      }
      break;
    case WaitFor::kRolledBack:
      if (end &&
          (end->outcome == Outcome::kRolledBack || end->outcome == Outcome::kFailedBeforeSwitch)) {
        return {true, end->outcome, end->reason};
      }
      if (end) {
        return {false, Outcome::kSucceeded, end->reason + "; waiting for a rollback"};
      }
      break;
  }
  return {false, Outcome::kSucceeded, running(r, seen.live, leaseExpired)};
}

WaitResult waitForRollout(const WaitOptions& options, const ObserveRollout& observe,
                          StopSource& stop, Random& random, const OnWaitChange& onChange) {
  const Clock& clock = stop.clock();
  const MonoTime began = clock.monoNow();
  const MonoTime deadline = began + std::max<DurationMs>(options.timeout, 1);
  WaitResult result;
  std::optional<LeaseObservation> lease;
  std::optional<WaitVerdict> lastVerdict;
  std::string lastError;
  int quiet = 0;  // polls since the observation last changed
  for (;;) {
    if (stop.stopRequested()) {
      result.outcome = Outcome::kInterrupted;
      result.message = "stopped (" + stop.reason() + ") while waiting";
      break;
    }
    ++result.polls;
    auto seen = observe();
    const MonoTime now = clock.monoNow();
    if (seen.ok()) {
      lease = observeLease(lease, seen->lease, now);
      const WaitVerdict verdict = judgeWait(options.target, options.rolloutId, *seen,
                                            leaseExpired(*lease, now), options.bounds);
      const bool changed = !result.last || !sameState(*result.last, *seen) || !lastVerdict ||
                           lastVerdict->reason != verdict.reason;
      quiet = changed ? 0 : quiet + 1;
      result.last = std::move(*seen);
      if (changed && onChange) {
        onChange(*result.last, verdict);
      }
      lastVerdict = verdict;
      lastError.clear();
      if (verdict.reached) {
        result.outcome = verdict.outcome;
        result.message = verdict.reason;
        break;
      }
    } else {
      ++result.failedReads;
      ++quiet;
      lastError = seen.error().message;
    }
    if (now >= deadline) {
      result.outcome = Outcome::kTimedOut;
      result.message =
          "timed out after " + formatDuration(now - began) + " waiting for " +
          std::string(waitForName(options.target)) + "; " +
          (lastVerdict ? lastVerdict->reason : std::string("where traffic is is unknown")) +
          (lastError.empty() ? "" : "; the last read failed: " + lastError);
      break;
    }
    const DurationMs pause = options.backoff.delay(quiet + 1, random.uniform());
    stop.waitUntil(std::min(now + std::max<DurationMs>(pause, 1), deadline));
  }
  result.waited = clock.monoNow() - began;
  return result;
}

}  // namespace nova::rollout
