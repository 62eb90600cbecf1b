#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "nova/core/time.h"
#include "nova/rollout/exit_code.h"

namespace nova::rollout {

/// The runbook's phases as the rollout record names them. The first seven run in order;
/// the others are where a rollout ends or stops.
enum class Phase {
  kPreflight,           ///< Phase 1: checks, listed and all run.
  kSnapshot,            ///< Step 1.2: the database snapshot hook.
  kDeployGreen,         ///< Phase 2: green deployed (hook or built in) and ready.
  kSmoke,               ///< Steps 2.2-2.4: smoke tests against green.
  kSwitch,              ///< Phase 3: the one patch to green, then the public check.
  kMonitor,             ///< Step 3.4: the agent judges green; anchored to the switch time.
  kCleanupBlue,         ///< Phase 4: blue saved, recorded, scaled to 0.
  kDone,                ///< Finished: green serves all traffic, blue is down.
  kRolledBack,          ///< Finished: traffic went back to blue.
  kFailedBeforeSwitch,  ///< Finished: stopped before the switch, production untouched.
  kNeedsPerson,         ///< Stopped: a person must decide (resumable with the same id).
  kParked,              ///< Stopped on purpose: a hold or a staged rollback (resumable).
};

/// "pre-flight", "snapshot", "deploy-green", "smoke", "switch", "monitor", "cleanup-blue",
/// "done", "rolled-back", "failed-before-switch", "needs-person", "parked".
std::string_view phaseName(Phase phase);

/// The phase named `name` as phaseName() writes it.
std::optional<Phase> parsePhase(std::string_view name);

/// Every phase, in the order above.
std::span<const Phase> allPhases();

/// The seven phases a rollout runs through, in order.
std::span<const Phase> runPhases();

/// True for kDone, kRolledBack and kFailedBeforeSwitch: nothing is left to do, the lease
/// may go to another rollout without a take-over.
bool isFinished(Phase phase);

/// True for kNeedsPerson and kParked: stopped with work left, resumable.
bool isStopped(Phase phase);

/// True for the phases before traffic moves (pre-flight to smoke).
bool isBeforeSwitch(Phase phase);

/// The phase after `phase` in runPhases(); kDone after kCleanupBlue; nullopt for the end
/// and stop phases.
std::optional<Phase> nextRunPhase(Phase phase);

/// The outcome a rollout that ends or stops in `phase` reports: kDone -> kSucceeded,
/// kRolledBack -> kRolledBack, kFailedBeforeSwitch -> kFailedBeforeSwitch, kNeedsPerson ->
/// kNeedsPerson, kParked -> kParked; nullopt for the run phases.
std::optional<Outcome> outcomeOf(Phase phase);

/// The runbook's time bounds, per phase group, and one overall bound for the whole run.
/// A bound counts from when this run entered the group, so a resumed run gets the group's
/// bound again; the monitoring window alone is anchored to the recorded switch time.
struct PhaseBounds {
  DurationMs preflight = 10 * kMinute;     ///< Pre-flight and the snapshot (runbook Phase 1).
  DurationMs green = 15 * kMinute;         ///< Deploy green and smoke tests (Phase 2).
  DurationMs switchTraffic = 5 * kMinute;  ///< The switch and its public check (3.1-3.3).
  DurationMs monitor = 10 * kMinute;       ///< The monitoring window after the switch (3.4).
  /// How long a MEDIUM incident (or an agent without a verdict) may keep the rollout waiting
  /// after the monitoring window before it stops for a person.
  DurationMs mediumMaxWait = 30 * kMinute;
  DurationMs blue = 5 * kMinute;  ///< Clean up blue (Phase 4).
  /// The whole run; 0 for none. Keep it below the CI runner's own kill.
  DurationMs overall = 60 * kMinute;
};

/// The bound of the group `phase` belongs to (kMonitor: monitor + mediumMaxWait); 0 for the
/// end and stop phases.
DurationMs phaseBound(Phase phase, const PhaseBounds& bounds);

/// Which bound ran out first.
struct Deadline {
  MonoTime at;
  /// True when the overall bound, not the phase's, sets `at`.
  bool overall = false;
};

/// When the run must stop working on `phase`: the phase's bound from `phaseStarted`, or the
/// overall bound from `runStarted`, whichever comes first. Monotonic times of this run.
/// (The monitoring phase waits by monitorWindow() instead; its bound here is a backstop.)
Deadline phaseDeadline(Phase phase, MonoTime phaseStarted, MonoTime runStarted,
                       const PhaseBounds& bounds);

/// The monitoring window, anchored to the recorded switch time (wall clock, so a resumed
/// run in another process neither restarts nor shortens it).
struct MonitorWindow {
  TimestampMs switchedAt = 0;
  /// End of the monitoring window: switchedAt + bounds.monitor.
  TimestampMs ends = 0;
  /// End of the extra wait for a MEDIUM incident or a missing verdict.
  TimestampMs waitEnds = 0;
};

MonitorWindow monitorWindow(TimestampMs switchedAt, const PhaseBounds& bounds);

}  // namespace nova::rollout
