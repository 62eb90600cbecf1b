#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "nova/core/backoff.h"
#include "nova/core/random.h"
#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/rollout/exit_code.h"
#include "nova/rollout/lease.h"
#include "nova/rollout/phase.h"
#include "nova/rollout/record.h"
#include "nova/rollout/resume.h"
#include "nova/rollout/stop.h"

namespace nova::rollout {

/// What `novactl status --wait --for X` waits for. Whatever is asked, a state from which
/// the asked one can no longer come ends the wait at once with that state's outcome: a CI
/// job never sits out its timeout on a rollout that already stopped (kubectl argo rollouts
/// status waits on a paused rollout until its timeout, argoproj/argo-rollouts#1389).
enum class WaitFor {
  /// The rollout ended (done, rolled back, failed before the switch) or stopped for a
  /// person (needs a person, parked): exits with that outcome's code.
  kDone,
  /// As kDone; reads better in CI, where exit 0 means it succeeded.
  kSucceeded,
  /// Traffic moved to green (the record has its switch time and green serves): exit 0.
  /// An end before that exits with the end's code (3 when it failed before the switch).
  kSwitched,
  /// Traffic is back on blue: exit 4 (rolled back). Waits through a finished or stopped
  /// rollout, since `novactl rollback` or the agent may still roll it back; a rollout that
  /// failed before the switch has nothing to roll back (exit 3).
  kRolledBack,
};

/// "done", "succeeded", "switched", "rolled_back".
std::string_view waitForName(WaitFor target);
std::optional<WaitFor> parseWaitFor(std::string_view name);
/// "done|succeeded|switched|rolled_back", for --help and errors.
std::string waitForChoices();

/// One look at the rollout, as `novactl status` shows it.
struct StatusObservation {
  std::optional<Record> record;
  std::optional<Lease> lease;
  /// Traffic (read live), blue's ready pods and the agent's verdict.
  LiveState live;
  /// Wall time of the read.
  TimestampMs now = 0;
};

/// Whether the wait is over.
struct WaitVerdict {
  bool reached = false;
  /// With `reached`: the outcome whose exit code the command returns.
  Outcome outcome = Outcome::kSucceeded;
  /// Where the rollout is, in one sentence (both when reached and while waiting).
  std::string reason;
};

/// Judges one observation. Pure. `rolloutId` "" waits for whatever rollout the record
/// holds; otherwise a record of another rollout (or none) means this one has not started
/// yet. A record in a run phase is the running rollout's to finish while its lease lives
/// (`leaseExpired` false); once no run holds it, the wait judges the live state as a
/// resumed run would (nextStep): traffic back on blue after the switch is rolled back, a
/// contradiction needs a person, anything else waits for a re-run.
WaitVerdict judgeWait(WaitFor target, std::string_view rolloutId, const StatusObservation& seen,
                      bool leaseExpired, const PhaseBounds& bounds);

/// How the wait polls and how long it may take.
struct WaitOptions {
  WaitFor target = WaitFor::kDone;
  std::string rolloutId;
  /// > 0: the wait's bound (monotonic).
  DurationMs timeout = 60 * kMinute;
  /// Between polls: capped exponential with jitter, starting over whenever the observation
  /// changes (a new phase, a step, traffic moving), so a busy rollout is followed closely
  /// and an idle one costs little.
  Backoff backoff{kSecond, 10 * kSecond};
  PhaseBounds bounds;
};

/// How the wait ended.
struct WaitResult {
  /// The reached verdict's outcome, kTimedOut when the bound ran out, kInterrupted on a
  /// stop request.
  Outcome outcome = Outcome::kTimedOut;
  /// Says where traffic is on a time-out.
  std::string message;
  /// The last successful observation; nullopt when none succeeded.
  std::optional<StatusObservation> last;
  int polls = 0;
  /// Reads that failed (each retried until the bound).
  int failedReads = 0;
  DurationMs waited = 0;
};

/// Reads the rollout once; errors are retried until the bound.
using ObserveRollout = std::function<Result<StatusObservation>()>;
/// Called after each poll whose observation or verdict differs from the last one.
using OnWaitChange = std::function<void(const StatusObservation&, const WaitVerdict&)>;

/// Polls `observe` until judgeWait() says reached, the bound runs out or `stop` is asked to
/// stop. Waits only on `stop` (its clock), so a test drives it with a ManualClock and
/// SIGINT ends it at once. Not thread-safe; `random` jitters the polls.
WaitResult waitForRollout(const WaitOptions& options, const ObserveRollout& observe,
                          StopSource& stop, Random& random, const OnWaitChange& onChange = {});

}  // namespace nova::rollout
