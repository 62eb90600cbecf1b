#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/severity.h"
#include "nova/core/time.h"
#include "nova/policy/escalator.h"
#include "nova/promql/series_notation.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"

namespace nova::cli {

/// A person's command at a moment of a scenario.
struct ScenarioCommand {
  enum class Kind { kHold, kRelease, kRollback };
  Kind kind = Kind::kHold;
  TimestampMs at = 0;
  /// For kHold: how long the hold lasts from `at` (ms).
  DurationMs holdFor = 0;
  std::string who;
  std::string reason;
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
  /// rules::Rule files relative to the scenario's folder (default ../../rules/default.yaml).
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

/// Everything a scenario parse found.
struct ScenarioLoad {
  std::optional<Scenario> scenario;
  std::vector<rules::Diagnostic> diagnostics;
};

/// Parses and validates a scenario's text, reporting every problem as file:line:col
/// (series notation errors point at their column). Pure; never throws.
ScenarioLoad parseScenario(std::string_view yamlText, std::string_view fileName);

/// One tick of a run: what the rules said and what the escalator decided.
struct TickRecord {
  TimestampMs at = 0;
  std::vector<rules::RuleEvaluation> results;
  /// The tick's decisions merged: commands and step, events in order, strongest action.
  policy::Decision decision;
};

/// The outcome of a run.
struct ScenarioReport {
  std::vector<TickRecord> ticks;
  std::vector<ExpectedAction> actions;
  /// One readable paragraph per failed expectation; empty when the scenario passes.
  std::vector<std::string> failures;
  std::size_t checked = 0;

  bool passed() const { return failures.empty(); }
};

/// Replays `scenario` through `ruleSet` tick by tick with a simulated clock: appends each
/// series' sample into a tsdb::Storage (default retention) through a ScrapeAppender (absent
/// samples go stale as in Prometheus), runs the scenario's commands, evaluates the rules,
/// steps the escalator and, after a rollback decision, reports the flip done at once.
/// Checks every expectation. Pure; never throws.
ScenarioReport runScenario(const Scenario& scenario, const rules::RuleSet& ruleSet);

/// The decision timeline, one line per event and action, times relative to t = 0.
std::string formatTimeline(const ScenarioReport& report);

}  // namespace nova::cli
