#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/severity.h"
#include "nova/core/time.h"
#include "nova/dashboard/units.h"
#include "nova/policy/config.h"
#include "nova/policy/escalator.h"
#include "nova/policy/incident.h"
#include "nova/policy/timeline.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"

namespace nova::dashboard {

/// A rule as a person reads it on the dashboard.
enum class RuleState {
  kOk,                ///< Judged and within its threshold.
  kNotEnoughTraffic,  ///< Its guard is false: too little traffic to judge.
  kPending,           ///< Past its threshold, its `for` still running.
  kBreaching,         ///< Past its threshold for its whole `for`: it counts.
  kNoData,            ///< No data (counts as the policy's unknown cost).
};

/// "ok", "not_enough_traffic", "pending", "breaching", "no_data".
std::string_view ruleStateName(RuleState state);

struct RuleView {
  std::string name;
  Severity severity = Severity::kLow;
  RuleState state = RuleState::kOk;
  /// The rule's value (NaN when it has none) and the unit it reads in.
  double value = 0;
  Unit unit = Unit::kNone;
  rules::Threshold threshold;
  DurationMs forDuration = 0;
  /// Pending or breaching: since when (the rule's latest pending or firing event).
  std::optional<TimestampMs> since;
  std::string summary;
  /// Why it has no data or was not judged; empty otherwise.
  std::string reason;
};

/// The rules in the set's order, joined with this tick's evaluations (matched by name; a
/// rule without one has no data) and the timeline, whose latest pending / firing / cleared
/// event per rule tells a pending rule from a breaching one. A breaching rule with no such
/// event is pending while it has a `for`, breaching without one. The unit is the rule's
/// (unitOfRule). Pure.
std::vector<RuleView> ruleViews(const rules::RuleSet& ruleSet,
                                std::span<const rules::RuleEvaluation> evaluations,
                                std::span<const policy::TimelineEvent> timeline);

/// What the escalation tree does next about the incident, and when.
struct NextStep {
  policy::Action action = policy::Action::kNone;
  /// When it is due (ms); nullopt when nothing is scheduled.
  std::optional<TimestampMs> dueAt;
  /// The condition a person reads after the countdown: "unless it recovers", "held by
  /// alice until 03:42:10Z: no automatic rollback", "after 5m clear".
  std::string condition;
};

/// The incident's next step under `config`:
/// - rolling back: the rollback, due now; rolled back or resolved: nothing;
/// - recovering: the resolve, `recovery` after the latest rule_cleared event;
/// - otherwise the strongest follow-up of an investigation window still running at a
///   severity the incident breaches at now (HIGH: rollback 5m after it was reached;
///   MEDIUM: page after 30m), "unless it recovers". A rollback due after the rollback
///   window pages instead; an active hold is named in the condition.
/// When each severity was reached comes from the incident's incident_opened ("<id> at
/// <severity>...") and severity_changed ("<from> -> <to>") events; without them, from the
/// incident's start. nullopt when nothing is scheduled. Pure.
std::optional<NextStep> nextStep(const policy::PolicyConfig& config,
                                 const policy::Incident& incident,
                                 std::span<const policy::TimelineEvent> timeline,
                                 const std::optional<policy::Hold>& hold,
                                 TimestampMs rollbackWindowEndsAt, TimestampMs now);

/// Where user traffic is.
struct TrafficView {
  /// "green", "blue" or "unknown".
  std::string backend = "unknown";
  /// The object and field that decide, for people.
  std::string detail;
  /// When traffic was switched to green for this rollout (ms), when known.
  std::optional<TimestampMs> switchedAt;
};

/// The rollout the agent watches.
struct RolloutView {
  std::string id;
  std::string version;
  /// The previous version, on blue.
  std::string blueVersion;
  std::string phase;
};

/// A person's command through the API, and what came of it.
struct CommandRecord {
  TimestampMs at = 0;
  std::string who;
  /// "hold", "release", "rollback".
  std::string command;
  bool accepted = false;
  /// The decision's reason, or why it was refused.
  std::string detail;
};

}  // namespace nova::dashboard
