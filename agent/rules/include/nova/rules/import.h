#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "nova/core/severity.h"
#include "nova/rules/rule.h"

namespace nova::rules {

/// Options of `novactl rules import`.
struct ImportOptions {
  /// Values of template placeholders, over those the input gives: an Argo Rollouts
  /// argument (`{{args.NAME}}`) by its NAME; a Flagger query variable (`{{ namespace }}`,
  /// `{{ target }}`, `{{ variables.NAME }}`...) by what stands between the braces.
  std::map<std::string, std::string> args;
  /// The branch of the escalation tree of every imported rule. Both tools roll back when
  /// an analysis fails; in the agent's tree CRITICAL does that at once.
  Severity severity = Severity::kCritical;
  /// Where the imported rules are evaluated: over the agent's own scrapes, or by the
  /// Prometheus-compatible server the queries were written for.
  RuleSource source = RuleSource::kScrape;
};

/// One input file of an import.
struct ImportInput {
  std::string fileName;
  std::string text;
};

/// What an import produced.
struct ImportResult {
  /// A rule file in the agent's format that loads without a problem, a comment before each
  /// rule naming where it came from; empty when nothing could be converted.
  std::string yaml;
  /// One line per finding, "file:line:col: " then "converted ...", "not converted: ..."
  /// (what and why), or "note: ..." (a difference between the source tool's judgement and
  /// the agent's), in input order.
  std::vector<std::string> report;
  std::size_t converted = 0;
  std::size_t notConverted = 0;

  /// Everything found was converted.
  bool complete() const { return notConverted == 0 && converted > 0; }
};

/// Converts analysis resources into agent rules, never guessing: what cannot be converted
/// faithfully is left out and reported with its reason.
///
/// - Argo Rollouts `AnalysisTemplate` / `ClusterAnalysisTemplate` (argoproj.io): each
///   metric with the `prometheus` provider becomes a rule over its `query` (`{{args.x}}`
///   filled from the template's `args` and `options.args`), breaching when a measurement
///   would fail: `successCondition`/`failureCondition` of the shapes `result[0] OP number`
///   (also through asFloat/asInt), `len(result) OP n`, `isNaN(result[0])`, and `&&`, `||`,
///   `!` over them with at most one comparison of the value; what Argo does on no data
///   and on NaN carries over (a guard, or a value that breaches). `for` is
///   `failureLimit` x `interval`. Refused: other providers, range queries, dry-run
///   metrics, `failureLimit: -1`, arguments without a value, conditions of other shapes.
/// - Flagger `MetricTemplate` + `Canary` (flagger.app): each Canary metric referring to a
///   template of the input with a `prometheus` provider (or with an inline `query`) becomes
///   a rule per bound of its `thresholdRange` (or its `threshold`), breaching on no data
///   and on NaN as Flagger fails such a check; the query's variables come from the Canary;
///   `for` is (`analysis.threshold` - 1) x `analysis.interval`. Refused: the built-in
///   metrics (their query depends on the mesh), other providers, unknown templates.
/// Documents of other kinds are reported and skipped. The output is checked by loading it
/// (loadDetailed); a rule the agent would refuse (a query outside the local engine's
/// PromQL with source scrape) is reported as not converted. Pure; never throws.
ImportResult importRules(std::span<const ImportInput> inputs, const ImportOptions& options);

}  // namespace nova::rules
