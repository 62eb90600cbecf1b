#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/result.h"
#include "nova/dashboard/units.h"
#include "nova/promql/ast.h"
#include "nova/rules/loader.h"

namespace nova::dashboard {

/// Which way a chart's series goes bad: downsampling keeps each bucket's worst value, so a
/// breach never disappears from the picture.
enum class Worse { kHigher, kLower };

/// One chart of the dashboard: what is plotted, per target and in aggregate, against which
/// threshold, and which rule's breaches are shaded.
struct ChartSpec {
  /// Stable id: "latency", "errors", "websockets", "db", or a rule's `dashboard_chart`.
  std::string id;
  std::string title;
  /// The runbook's words for the threshold ("< 200 ms"), shown under the title.
  std::string caption;
  Unit unit = Unit::kNone;
  Worse worse = Worse::kHigher;

  /// The plotted aggregate (PromQL text and its tree).
  std::string query;
  std::shared_ptr<const promql::Expr> parsedQuery;
  /// The label that tells targets apart ("pod"), and `query` with it added to every
  /// aggregation (see withGroupLabel): one series per target.
  std::string groupLabel;
  std::shared_ptr<const promql::Expr> parsedPerTarget;

  /// A constant threshold line, when the bound rule's expression is what is plotted.
  std::optional<rules::Threshold> threshold;
  /// A moving threshold line (WebSockets: the level below which a drop breaches); null
  /// when there is none.
  std::string thresholdQuery;
  std::shared_ptr<const promql::Expr> parsedThresholdQuery;

  /// The rule judged on this chart: its expression, guard and threshold mark the breach
  /// periods. Empty when no rule of the set is bound (then nothing is shaded).
  std::string rule;
  std::shared_ptr<const promql::Expr> breachExpr;
  std::shared_ptr<const promql::Expr> breachGuard;
  rules::Threshold breachThreshold;
};

/// The dashboard's charts for `ruleSet`: the runbook's four ("Monitoring and Validation")
/// first, then one per other rule that asks for a chart.
///
/// Defaults, each bound to the default rule of that name when the set has it (its
/// threshold and breaches; its expression is plotted where it measures the runbook's
/// quantity):
/// - "latency": p95 of nova_http_request_duration_seconds over 1m, rule latency_p95, < 200 ms;
/// - "errors": errors / requests over 1m, rule error_rate_slo, < 0.1 %;
/// - "websockets": sum(nova_streaming_websocket_connections), rule websocket_sudden_drop;
///   the moving line is (1 - its threshold) x the 1m peak, where a drop starts to breach;
/// - "db": p95 of pg_query_duration_seconds over 1m, rule db_query_p95, < 100 ms.
/// Every chart groups per target by the label "pod".
///
/// A rule's annotations configure them:
/// - `dashboard_chart: <id>` binds the rule to that chart (one of the four, or a new chart
///   plotting the rule's expression against its threshold);
/// - `dashboard_query`: PromQL plotted instead of the default;
/// - `dashboard_group_by`: the label that tells targets apart;
/// - `dashboard_threshold_query`: PromQL for a moving threshold line;
/// - `dashboard_title`: the chart's title.
/// Errors (kInvalidInput) name the rule and annotation: a query that does not parse or is
/// outside the local engine's subset, two rules bound to one chart.
Result<std::vector<ChartSpec>> chartSpecs(const rules::RuleSet& ruleSet);

/// `query` with `label` added to every aggregation's `by (...)` (removed from a
/// `without (...)`) and to every `on (...)` vector matching (removed from `ignoring`), so
/// the expression gives one series per value of `label` where it gave one in total.
/// Errors (kInvalidInput) when `query` does not parse; the message has line:column.
Result<promql::ExprPtr> withGroupLabel(std::string_view query, const std::string& label);

}  // namespace nova::dashboard
