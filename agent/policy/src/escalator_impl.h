#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "nova/policy/escalator.h"

namespace nova::policy {
namespace detail {

/// The snapshot schema version written and accepted.
inline constexpr std::int64_t kSnapshotVersion = 1;

enum class Phase { kOk, kPending, kFiring };

/// One rule's `for` state machine.
struct RuleTrack {
  RuleSpec spec;
  Phase phase = Phase::kOk;
  /// Pending: when the rule stopped being clear. Firing: when it fired.
  TimestampMs since = 0;
  /// The severity the latest non-clear observation counts at.
  Severity severity = Severity::kNone;
  double value = 0;
  std::string summary;
  /// RuleObservation::failedSource of the latest observation.
  std::string failedSource;
};

/// One severity an incident has reached, and its investigation window.
struct Level {
  Severity severity = Severity::kNone;
  TimestampMs engagedAt = 0;
  /// The non-rollback `afterInvestigation` action was taken.
  bool afterDone = false;
  /// The window ended with the breach gone and an event said so.
  bool endedNoted = false;
};

struct OpenIncident {
  std::string id;
  TimestampMs startedAt = 0;
  Severity peak = Severity::kNone;
  std::optional<TimestampMs> clearSince;
  bool paged = false;
  /// A rollback was suppressed by the expired window and an event said so.
  bool windowNoted = false;
  /// A CRITICAL rollback was suppressed by the expired window, announced and paged.
  bool windowCriticalNoted = false;
  std::optional<TimestampMs> rollbackAt;
  bool rolledBack = false;
  std::vector<std::string> members;
  std::vector<Level> levels;
};

struct HoldState {
  Hold hold;
  /// A rollback was suppressed by this hold and an event said so.
  bool suppressedNoted = false;
  /// A CRITICAL rollback was suppressed by this hold, announced and paged.
  bool criticalNoted = false;
};

/// The output of one call being assembled.
struct Tick {
  TimestampMs now = 0;
  Decision decision;
  /// The final view of an incident that resolved during this tick.
  std::optional<Incident> resolved;
};

/// ISO 8601 UTC, e.g. "2026-11-27T03:33:04Z" (".250Z" when there are milliseconds).
std::string formatTime(TimestampMs t);
/// Shortest round-trip-ish form ("0.07", "NaN").
std::string formatValue(double v);

}  // namespace detail

struct Escalator::Impl {
  PolicyConfig config;
  TimestampMs switchedAt = 0;
  std::vector<detail::RuleTrack> rules;
  std::unordered_map<std::string, std::size_t> ruleIndex;
  std::optional<TimestampMs> lastNow;
  std::uint64_t incidents = 0;
  bool windowNoted = false;
  std::optional<TimestampMs> lastResolvedAt;
  bool rollbackDecided = false;
  std::optional<detail::HoldState> hold;
  std::optional<detail::OpenIncident> incident;

  Impl(PolicyConfig cfg, std::vector<RuleSpec> specs, TimestampMs switched);

  /// Clamps `now` so time never goes backwards, and records it.
  detail::Tick begin(TimestampMs now);
  /// Attaches the incident view to the decision.
  Decision finish(detail::Tick& tick) const;

  // rule_tracker.cpp
  void updateRules(std::span<const RuleObservation> observations, detail::Tick& tick);
  /// The highest severity among firing rules that are acted upon; kNone when none.
  Severity currentSeverity() const;
  /// "name=value, ..." of firing rules at `minimum` or above; a rule unknown because its
  /// measurement source failed reads "name=unknown (measurement source \"s\" failed, not
  /// green)".
  std::string firingList(Severity minimum) const;

  // incident_logic.cpp
  void updateIncident(detail::Tick& tick);
  void openIncident(detail::Tick& tick, Severity current);
  void perform(detail::Tick& tick, Action action, const std::string& why);
  /// A rollback is due at `severity`: decided, or suppressed by the window or a hold
  /// covering `severity`, or decided over a hold that does not cover it.
  void tryRollback(detail::Tick& tick, Severity severity, const std::string& why);
  /// Announces a rollback the window or a hold suppressed, once: `noted` for any severity,
  /// `criticalNoted` once more for a CRITICAL. True when announced now.
  bool noteSuppressed(detail::Tick& tick, Severity severity, bool& noted, bool& criticalNoted,
                      const std::string& detail);
  /// Pages regardless of an earlier page and of the cool-down.
  void pageNow(detail::Tick& tick, const std::string& why);
  void decideRollback(detail::Tick& tick, EventKind kind, const std::string& why);

  // escalator.cpp
  void expireHold(detail::Tick& tick);
  void noteWindow(detail::Tick& tick);
  TimestampMs windowEnd() const { return switchedAt + config.rollbackWindow; }
  Incident view(TimestampMs now) const;

  static void emit(detail::Tick& tick, EventKind kind, std::string rule, std::string detail);
  /// Makes `action` the decision's action when it is stronger than the one so far.
  static void raise(detail::Tick& tick, Action action, const std::string& reason);
};

}  // namespace nova::policy
