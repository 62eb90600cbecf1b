#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/core/severity.h"
#include "nova/core/time.h"

namespace nova::policy {

/// What the agent does about an incident, weakest first. A stronger action implies the
/// weaker ones: the shell that runs a page also posts to the notification channel, and a
/// rollback is announced and paged by the shell that performs it.
enum class Action {
  kNone = 0,  ///< Nothing. As a severity's action: firing rules of that severity are ignored.
  kMonitor,   ///< Track the incident on /status and in the journal, tell nobody.
  kNotify,    ///< Post to the team channel (Slack, webhook).
  kPage,      ///< Page the on-call engineer (PagerDuty, Alertmanager).
  kRollback,  ///< Flip traffic back to blue.
};

/// "none", "monitor", "notify", "page", "rollback".
std::string_view toString(Action action);
/// Parses the names above; nullopt for anything else (case-sensitive).
std::optional<Action> parseAction(std::string_view text);
/// The accepted names, weakest first, for "did you mean ...?" hints.
std::span<const std::string_view> actionNames();

/// What the escalation tree does for one severity.
///
/// When an incident first reaches this severity the agent takes `action` at once. If
/// `afterInvestigation` is not kNone, an investigation window of `investigate` starts at
/// that moment; once it has passed, the agent takes `afterInvestigation` at the first tick
/// where the incident is still breaching at this severity or above (still, or again within
/// the same incident). If it is not, an `investigation_ended` event says so and nothing
/// happens unless the breach returns within the incident.
struct SeverityPolicy {
  Action action = Action::kNone;
  /// How long to wait while still breaching before `afterInvestigation` (ms; 0 = at once).
  DurationMs investigate = 0;
  Action afterInvestigation = Action::kNone;

  /// True when rules of this severity are not acted upon at all.
  bool ignored() const { return action == Action::kNone && afterInvestigation == Action::kNone; }
  friend bool operator==(const SeverityPolicy&, const SeverityPolicy&) = default;
};

/// What a rule without data (its observation is `unknown`) counts as. No data is not good
/// news, so the default treats it as a medium breach: the team is told, nothing flips.
struct UnknownCost {
  enum class Kind {
    kOk,            ///< Unknown counts as clear.
    kOwnSeverity,   ///< Unknown counts as a breach at the rule's own severity.
    kFixedSeverity  ///< Unknown counts as a breach at `severity`.
  };
  Kind kind = Kind::kFixedSeverity;
  Severity severity = Severity::kMedium;

  friend bool operator==(const UnknownCost&, const UnknownCost&) = default;
};

/// "ok", "own", or a severity name ("low" ... "critical").
std::string toString(const UnknownCost& cost);
/// Parses the forms above; nullopt for anything else.
std::optional<UnknownCost> parseUnknownCost(std::string_view text);

/// The escalation policy. The defaults are the seed's escalation tree (production
/// deployment guide, "Emergency Procedures") and its 2h rollback window ("Deployment
/// Window"); recovery and cool-down are not in the seed and are our choice.
struct PolicyConfig {
  /// CRITICAL (API down, data loss): immediate rollback.
  SeverityPolicy critical{Action::kRollback, 0, Action::kNone};
  /// HIGH (errors > 5%, WebSocket failures): page, investigate 5m, roll back if still breaching.
  SeverityPolicy high{Action::kPage, 5 * kMinute, Action::kRollback};
  /// MEDIUM (errors 1-5%, degradation): notify, keep watching 30m; still breaching after
  /// 30m means a person must look, so it pages (it never rolls back by itself).
  SeverityPolicy medium{Action::kNotify, 30 * kMinute, Action::kPage};
  /// LOW (errors < 1%, warnings): notify once per incident, then monitor.
  SeverityPolicy low{Action::kNotify, 0, Action::kNone};
  UnknownCost unknown;
  /// After the traffic switch plus this, the agent never rolls back by itself (ms).
  DurationMs rollbackWindow = 2 * kHour;
  /// An incident resolves once no rule has fired for this long (ms); a rule that fires
  /// again sooner belongs to the same incident.
  DurationMs recovery = 5 * kMinute;
  /// After an incident resolves, pages are sent as notifications for this long (ms).
  /// Rollbacks are never held back by the cool-down.
  DurationMs coolDown = 10 * kMinute;

  /// The policy for `severity`; kNone maps to an ignored policy.
  const SeverityPolicy& forSeverity(Severity severity) const;

  friend bool operator==(const PolicyConfig&, const PolicyConfig&) = default;
};

/// Checks the config: durations not negative, `afterInvestigation` not kMonitor (it would
/// do nothing), and `investigate` > 0 only with an `afterInvestigation`. Reports the first
/// problem; the message names the field, e.g. "policy.high.investigate: must not be negative".
Status validate(const PolicyConfig& config);

}  // namespace nova::policy
