#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "nova/core/time.h"

namespace nova::policy {

/// What happened, as data: the journal, /status, notifications and incident reports are
/// all built from these.
enum class EventKind {
  kRulePending,         ///< A rule started breaching (or went unknown); its `for` runs.
  kRuleFiring,          ///< A rule has breached for its whole `for`: it counts.
  kRuleCleared,         ///< A pending or firing rule is clear again.
  kIncidentOpened,      ///< The first firing rule opened an incident.
  kSeverityChanged,     ///< The incident reached a higher severity.
  kNotify,              ///< Action: notify (detail says why).
  kPage,                ///< Action: page.
  kRollbackDecided,     ///< Action: roll back automatically.
  kRollbackSuppressed,  ///< A rollback was due but a hold or the rollback window stopped it.
  kRollbackCompleted,   ///< The shell reported the traffic flip done.
  kInvestigationEnded,  ///< An investigation window ended with the breach gone.
  kHold,                ///< A person suspended automatic rollback.
  kRelease,             ///< The hold ended (by a person or at its expiry).
  kForcedRollback,      ///< A person ordered a rollback.
  kIncidentResolved,    ///< No rule fired for the recovery time.
  kWindowExpired,       ///< The rollback window ended; from now on the agent only notifies.
};

/// Snake-case names: "rule_pending", "rule_firing", ..., "window_expired".
std::string_view toString(EventKind kind);
std::optional<EventKind> parseEventKind(std::string_view text);
/// The accepted names, in enum order, for "did you mean ...?" hints.
std::span<const std::string_view> eventKindNames();

struct TimelineEvent {
  TimestampMs at = 0;
  EventKind kind = EventKind::kRulePending;
  /// The rule the event is about; empty for incident-wide events.
  std::string rule;
  /// A sentence for people, e.g. "high: still breaching after 5m investigation".
  std::string detail;

  friend bool operator==(const TimelineEvent&, const TimelineEvent&) = default;
};

/// "<at> <kind> [<rule>] <detail>", one line, for logs and test diffs.
std::string toString(const TimelineEvent& event);

}  // namespace nova::policy
