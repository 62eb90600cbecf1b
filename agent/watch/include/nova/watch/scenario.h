#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/core/severity.h"
#include "nova/core/time.h"
#include "nova/notify/notifier.h"
#include "nova/policy/escalator.h"
#include "nova/promql/series_notation.h"
#include "nova/watch/baseline.h"
#include "nova/watch/watcher.h"

namespace nova::watch {

/// A person's command at a moment of a scenario.
struct ScenarioCommand {
  TimestampMs at = 0;
  /// For a hold, `holdFor` counts from `at`.
  Command command;
  /// The line of the entry in the scenario file, for failure messages.
  int line = 0;
};

/// A notification that must be sent at a tick; unset fields match anything.
struct NotificationMatch {
  std::optional<notify::NotificationKind> kind;
  /// The dedup key: the incident id ("0-1"); empty for hold/release outside an incident.
  std::optional<std::string> key;
  /// A receiver the router must have given it to ("log", "pagerduty", "slack:deploys").
  std::optional<std::string> receiver;
};

/// What must be true at one tick. Unset fields are not checked.
struct Expectation {
  TimestampMs at = 0;
  /// The incident's severity (highest reached); kNone: no incident.
  std::optional<Severity> severity;
  /// The action taken at this tick (kNone: nothing new).
  std::optional<policy::Action> action;
  std::optional<policy::IncidentState> state;
  /// Events that must happen at this tick (others may happen too).
  std::vector<policy::EventKind> events;
  /// The incident id, e.g. "0-1".
  std::optional<std::string> incident;
  /// Rules that must be firing in the incident at this tick.
  std::vector<std::string> firing;
  /// Notifications that must be sent at this tick (others may be sent too).
  std::vector<NotificationMatch> notifications;
  /// The outcome of the rollback attempt at this tick ("flipped", "already_blue",
  /// "impossible", "error"), or "none" when there must be no attempt.
  std::optional<std::string> rollback;
  /// The line of the entry in the scenario file, for failure messages.
  int line = 0;
};

/// One action the run must take.
struct ExpectedAction {
  TimestampMs at = 0;
  policy::Action action = policy::Action::kNone;
  friend bool operator==(const ExpectedAction&, const ExpectedAction&) = default;
};

/// One notification the run must send, with the receivers it must reach (in the order of
/// the scenario's `receivers:`).
struct ExpectedNotification {
  TimestampMs at = 0;
  notify::NotificationKind kind = notify::NotificationKind::kIncidentOpened;
  std::string key;
  std::vector<std::string> receivers;
  friend bool operator==(const ExpectedNotification&, const ExpectedNotification&) = default;
};

/// One rollback attempt the run must make, and its outcome.
struct ExpectedRollback {
  TimestampMs at = 0;
  /// "flipped", "already_blue", "impossible" or "error".
  std::string outcome;
  friend bool operator==(const ExpectedRollback&, const ExpectedRollback&) = default;
};

/// A `novactl rules test` scenario: input series replayed at a scrape interval through the
/// rules and the escalator, with expectations. Times are ms from the first sample (t = 0).
struct Scenario {
  std::string description;
  /// Rule files relative to the scenario's folder (default ../../rules/default.yaml).
  std::vector<std::string> ruleFiles;
  /// Sample i of every series is scraped at i * interval; rules are evaluated at each scrape.
  DurationMs interval = 10 * kSecond;
  /// When traffic moved to green: the escalator starts here and the rollback window counts
  /// from here.
  TimestampMs trafficSwitch = 0;
  /// The last tick; defaults to the longest series' last sample.
  TimestampMs end = 0;
  std::vector<promql::SeriesLine> series;
  /// Blue's series (`blue_series:`), scraped at the same interval into a store of their own
  /// that no rule reads: the baseline is frozen from them at `trafficSwitch`, as the agent
  /// freezes it from its scrapes of blue. Empty: blue is not configured.
  std::vector<promql::SeriesLine> blueSeries;
  /// The agent config's `baseline:` settings (window, keep).
  BaselineOptions baseline;
  /// The scenario's `policy:` section, applied over the rule files' policy.
  std::optional<std::string> policyOverrides;
  std::vector<ScenarioCommand> commands;
  /// Who gets the notifications: each entry routes like the agent's notifier of its type
  /// (`type`, and `name`, `severities`, `kinds` as in the agent's `notifiers:`) and records
  /// instead of sending. Default: one `log` receiver, the agent's default.
  std::vector<notify::NotifierConfig> receivers{notify::NotifierConfig{}};
  /// The dry-run switch fails this many rollback attempts (a transient error) before it
  /// flips, so the watcher's retries show.
  int switchFailures = 0;
  std::vector<Expectation> expectations;
  /// When set, exactly these actions (time, action) must be taken, no others.
  std::optional<std::vector<ExpectedAction>> expectedActions;
  /// When set, exactly these notifications must be sent, in this order, no others.
  std::optional<std::vector<ExpectedNotification>> expectedNotifications;
  /// When set, exactly these rollback attempts must be made, no others.
  std::optional<std::vector<ExpectedRollback>> expectedRollbacks;
};

/// The name of the receiver a `receivers:` entry gives: its type, or "type:name" when it
/// has a name ("slack:deploys"), as the agent's router names its receivers.
std::string receiverName(const notify::NotifierConfig& config);

/// The text of an entry of `expect_actions`, `expect_notifications` and `expect_rollbacks`,
/// as scenario files write them: "7m40s rollback"; "2m40s incident_opened 0-1 -> log,
/// pagerduty" ("-" for an empty key, "none" for no receiver); "7m40s error".
std::string entryText(const ExpectedAction& entry);
std::string entryText(const ExpectedNotification& entry);
std::string entryText(const ExpectedRollback& entry);

}  // namespace nova::watch
