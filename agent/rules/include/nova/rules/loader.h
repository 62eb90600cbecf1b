#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/policy/config.h"
#include "nova/rules/recording.h"
#include "nova/rules/rule.h"

namespace nova::rules {

namespace detail {
class RoundMemory;
}

/// The rules of one file (or several merged) and the escalation policy they run under.
struct RuleSet {
  std::vector<Rule> rules;
  /// Prometheus recording rules, recorded in this order before `rules` are evaluated.
  std::vector<RecordingRule> recordings;
  /// What evaluation rounds remember from one call of evaluateRules to the next: recorded
  /// series, keep_firing_for, which guards have had data, series lists and running windows
  /// (Evaluation::kIncremental). Set by the loader for every set; shared by copies of the
  /// set, which therefore evaluate as one (from one thread at a time, in time order). Null
  /// for sets built by hand, which evaluate from scratch and remember nothing.
  std::shared_ptr<detail::RoundMemory> memory;
  /// The file's `policy:` section over the defaults of policy::PolicyConfig (the seed's tree).
  policy::PolicyConfig policy;
  /// True when the file had a `policy:` section.
  bool hasPolicy = false;

  /// The rule called `name`, or null.
  const Rule* find(std::string_view name) const;
};

/// The most rules (alerting and recording) one file may hold; the rule past it is an error
/// and loading stops there. Far above any real runbook, far below what costs memory.
inline constexpr std::size_t kMaxRulesPerFile = 1000;

/// One problem in a rule file, at a 1-based line and column.
struct Diagnostic {
  std::string file;
  int line = 1;
  int column = 1;
  std::string message;

  /// "file:line:col: message".
  std::string toString() const;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// Everything a load found: the rules when there was no problem, and every problem.
struct LoadReport {
  std::optional<RuleSet> ruleSet;
  /// Sorted by line and column; empty exactly when ruleSet is set.
  std::vector<Diagnostic> diagnostics;
  /// What was loaded with a difference worth knowing but is not an error: a Prometheus
  /// group's `interval` (the agent evaluates at its own tick), an alert left out because
  /// its severity is `none`, a template part the agent does not expand. Sorted by place.
  std::vector<Diagnostic> notes;

  bool ok() const { return ruleSet.has_value(); }
};

/// Parses and validates a rule file's text in one pass, reporting every problem: malformed
/// YAML, unknown keys (with a did-you-mean hint), missing required fields, bad durations,
/// unknown severities, actions, threshold operators or sources, thresholds that are not
/// numbers, duplicate rule names, PromQL syntax and type errors (the column mapped into the
/// file, also inside quoted and block scalars), expressions that do not give an instant
/// vector or a scalar, summary templates with unknown variables, text (names, labels,
/// summaries, expressions) that is not UTF-8 or holds a NUL, more than kMaxRulesPerFile
/// rules, and YAML nested deeper than the parser's guard ("nested too deeply"). `fileName` is only
/// used in messages. Pure: no I/O; never throws.
///
/// The format is told from the document's shape: a mapping with `groups:` (and no
/// `rules:`) is a Prometheus rule file, a document of `kind: PrometheusRule` a Prometheus
/// Operator resource (its `spec.groups`; several such documents may follow each other);
/// Argo Rollouts and Flagger analysis resources are refused with a pointer to
/// `novactl rules import`; anything else is the agent's own format. How Prometheus rules
/// become agent rules is described in prometheus_rules.h.
LoadReport loadDetailed(std::string_view yamlText, std::string_view fileName);

/// As loadDetailed; the error's message lists every diagnostic, one "file:line:col: ..."
/// per line.
Result<RuleSet> load(std::string_view yamlText, std::string_view fileName);

/// Applies a `policy:` section (YAML text: the agent configuration's or a scenario's) over
/// `config`, then validates the result. Fields not given keep their values.
Status applyPolicyOverrides(policy::PolicyConfig& config, std::string_view policyYaml);

/// Appends `more`'s rules and recording rules to `into`. The policy is taken from the first
/// set that has one. Fails when a rule name appears twice ("duplicate rule name \"x\"").
Status merge(RuleSet& into, RuleSet more);

}  // namespace nova::rules
