#include "nova/rollout/phase.h"

#include <algorithm>
#include <array>

namespace nova::rollout {
namespace {

struct PhaseRow {
  Phase phase;
  std::string_view name;
};

constexpr std::array<PhaseRow, 12> kPhases{{
    {Phase::kPreflight, "pre-flight"},
    {Phase::kSnapshot, "snapshot"},
    {Phase::kDeployGreen, "deploy-green"},
    {Phase::kSmoke, "smoke"},
    {Phase::kSwitch, "switch"},
    {Phase::kMonitor, "monitor"},
    {Phase::kCleanupBlue, "cleanup-blue"},
    {Phase::kDone, "done"},
    {Phase::kRolledBack, "rolled-back"},
    {Phase::kFailedBeforeSwitch, "failed-before-switch"},
    {Phase::kNeedsPerson, "needs-person"},
    {Phase::kParked, "parked"},
}};

constexpr std::array<Phase, 12> kAll{Phase::kPreflight,   Phase::kSnapshot,
                                     Phase::kDeployGreen, Phase::kSmoke,
                                     Phase::kSwitch,      Phase::kMonitor,
                                     Phase::kCleanupBlue, Phase::kDone,
                                     Phase::kRolledBack,  Phase::kFailedBeforeSwitch,
                                     Phase::kNeedsPerson, Phase::kParked};

constexpr std::size_t kRunCount = 7;

}  // namespace

std::string_view phaseName(Phase phase) {
  for (const PhaseRow& row : kPhases) {
    if (row.phase == phase) {
      return row.name;
    }
  }
  return "unknown";
}

std::optional<Phase> parsePhase(std::string_view name) {
  for (const PhaseRow& row : kPhases) {
    if (row.name == name) {
      return row.phase;
    }
  }
  return std::nullopt;
}

std::span<const Phase> allPhases() {
  return kAll;
}

std::span<const Phase> runPhases() {
  return std::span<const Phase>(kAll).first(kRunCount);
}

bool isFinished(Phase phase) {
  return phase == Phase::kDone || phase == Phase::kRolledBack ||
         phase == Phase::kFailedBeforeSwitch;
}

bool isStopped(Phase phase) {
  return phase == Phase::kNeedsPerson || phase == Phase::kParked;
}

bool isBeforeSwitch(Phase phase) {
  return phase == Phase::kPreflight || phase == Phase::kSnapshot || phase == Phase::kDeployGreen ||
         phase == Phase::kSmoke;
}

std::optional<Phase> nextRunPhase(Phase phase) {
  const auto run = runPhases();
  const auto it = std::find(run.begin(), run.end(), phase);
  if (it == run.end()) {
    return std::nullopt;
  }
  return it + 1 == run.end() ? Phase::kDone : *(it + 1);
}

std::optional<Outcome> outcomeOf(Phase phase) {
  switch (phase) {
    case Phase::kDone:
      return Outcome::kSucceeded;
    case Phase::kRolledBack:
      return Outcome::kRolledBack;
    case Phase::kFailedBeforeSwitch:
      return Outcome::kFailedBeforeSwitch;
    case Phase::kNeedsPerson:
      return Outcome::kNeedsPerson;
    case Phase::kParked:
      return Outcome::kParked;
    default:
      return std::nullopt;
  }
}

DurationMs phaseBound(Phase phase, const PhaseBounds& bounds) {
  switch (phase) {
    case Phase::kPreflight:
    case Phase::kSnapshot:
      return bounds.preflight;
    case Phase::kDeployGreen:
    case Phase::kSmoke:
      return bounds.green;
    case Phase::kSwitch:
      return bounds.switchTraffic;
    case Phase::kMonitor:
      return bounds.monitor + bounds.mediumMaxWait;
    case Phase::kCleanupBlue:
      return bounds.blue;
    default:
      return 0;
  }
}

Deadline phaseDeadline(Phase phase, MonoTime phaseStarted, MonoTime runStarted,
                       const PhaseBounds& bounds) {
  const MonoTime own = phaseStarted + phaseBound(phase, bounds);
  if (bounds.overall > 0 && runStarted + bounds.overall < own) {
    return Deadline{runStarted + bounds.overall, true};
  }
  return Deadline{own, false};
}

MonitorWindow monitorWindow(TimestampMs switchedAt, const PhaseBounds& bounds) {
  MonitorWindow window;
  window.switchedAt = switchedAt;
  window.ends = switchedAt + bounds.monitor;
  window.waitEnds = window.ends + bounds.mediumMaxWait;
  return window;
}

}  // namespace nova::rollout
