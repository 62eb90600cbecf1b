#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/core/severity.h"
#include "nova/core/time.h"
#include "nova/policy/escalator.h"
#include "nova/promql/series_notation.h"
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
  /// The line of the entry in the scenario file, for failure messages.
  int line = 0;
};

/// One action the run must take.
struct ExpectedAction {
  TimestampMs at = 0;
  policy::Action action = policy::Action::kNone;
  friend bool operator==(const ExpectedAction&, const ExpectedAction&) = default;
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
  /// The scenario's `policy:` section, applied over the rule files' policy.
  std::optional<std::string> policyOverrides;
  std::vector<ScenarioCommand> commands;
  std::vector<Expectation> expectations;
  /// When set, exactly these actions (time, action) must be taken, no others.
  std::optional<std::vector<ExpectedAction>> expectedActions;
};

}  // namespace nova::watch
