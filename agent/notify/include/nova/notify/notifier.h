#pragma once

#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/severity.h"
#include "nova/core/time.h"

namespace nova::notify {

/// What a notification is about.
enum class NotificationKind {
  kIncidentOpened,      ///< The first firing rule opened an incident.
  kSeverityChanged,     ///< The incident reached a higher severity.
  kRollbackStarted,     ///< A rollback was decided and is being carried out.
  kRollbackDone,        ///< Traffic is on blue.
  kRollbackImpossible,  ///< The switch refused or failed: a person must act now.
  kEscalated,           ///< An investigation window ended still breaching (e.g. page).
  kIncidentResolved,    ///< The incident is over.
  kHold,                ///< A person suspended automatic rollback.
  kRelease,             ///< The hold ended.
  // What `novactl rollout` tells the team channel about a rollout (incidentId is the
  // rollout id; the dedup key is the rollout id and the kind).
  kRolloutStarted,             ///< A rollout started (its first run).
  kRolloutWindowOverride,      ///< Started outside the deployment window, with the reason.
  kRolloutSwitched,            ///< Traffic moved to green; the agent guards it.
  kRolloutSucceeded,           ///< Green serves all traffic, blue is down (runbook Phase 4).
  kRolloutFailedBeforeSwitch,  ///< Stopped before the switch; production untouched.
  kRolloutRolledBack,          ///< Traffic is back on blue.
  kRolloutNeedsPerson,         ///< Stopped for a person; blue stays warm.
  // What `novactl rollback --option db` tells the team channel when it is done (the
  // rollback's other news uses kRollbackStarted, kRollbackDone, kRollbackImpossible and
  // kRolloutNeedsPerson).
  kDatabaseRestored,  ///< The database was restored from the rollout's snapshot.
};

/// "incident_opened", "severity_changed", "rollback_started", "rollback_done",
/// "rollback_impossible", "escalated", "incident_resolved", "hold", "release", and the
/// rollout's: "rollout_started", "rollout_window_override", "rollout_switched",
/// "rollout_succeeded", "rollout_failed_before_switch", "rollout_rolled_back",
/// "rollout_needs_person", and "database_restored".
std::string_view toString(NotificationKind kind);

/// One rule behind a notification.
struct NotifiedRule {
  std::string name;
  double value = 0;
  std::string summary;
  /// The value the rule compares against, NaN when the rule has no single threshold.
  double threshold = std::numeric_limits<double>::quiet_NaN();
};

/// One message to people. Receivers deduplicate and group by `incidentId`.
struct Notification {
  NotificationKind kind = NotificationKind::kIncidentOpened;
  Severity severity = Severity::kNone;
  /// The stable dedup key ("<switchedAt>-<n>"); empty only for hold/release outside an
  /// incident.
  std::string incidentId;
  /// The escalator's action for this message: "notify", "page" or "rollback".
  std::string action;
  /// Why, in one sentence.
  std::string reason;
  std::vector<NotifiedRule> rules;
  /// Where a person sees the agent's state ("http://host:9464/status"); may be empty.
  std::string statusUrl;
  TimestampMs at = 0;
};

/// Delivers notifications somewhere. The agent calls send() from its action worker thread
/// only, one call at a time; it may block, bounded by the implementation's own timeouts.
class Notifier {
 public:
  virtual ~Notifier() = default;
  /// Delivers one notification. Errors name the receiver and the reason; the caller logs
  /// and counts them and carries on.
  virtual Status send(const Notification& notification) = 0;
  /// A short name for logs and metrics ("log", "slack:#deploys").
  virtual std::string name() const = 0;
};

using NotifierPtr = std::unique_ptr<Notifier>;

/// One entry of the `notifiers:` list of the agent configuration.
struct NotifierConfig {
  /// "log", "slack", "pagerduty", "alertmanager" or "webhook" (see notifierTypes()).
  std::string type = "log";
  /// Type-specific settings, as strings; each implementation validates its own.
  std::map<std::string, std::string> settings;
};

/// Builds the notifier named by `config.type`. Errors name an unknown type (with a
/// did-you-mean hint) or a setting the implementation refused.
Result<NotifierPtr> makeNotifier(const NotifierConfig& config);

/// The types makeNotifier accepts.
std::span<const std::string_view> notifierTypes();

}  // namespace nova::notify
