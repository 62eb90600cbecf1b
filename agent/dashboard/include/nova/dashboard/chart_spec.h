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

  /// A constant threshold line of the plotted quantity, in `unit`.
  std::optional<rules::Threshold> threshold;
  /// A moving threshold line (WebSockets: the level below which a drop breaches); empty
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
/// The runbook's charts, each bound to the rule of that name unless a rule's
/// `dashboard_chart` claims the chart (or puts that rule elsewhere):
/// - "latency": p95 of nova_http_request_duration_seconds over 1m in seconds, rule
///   latency_p95, runbook threshold > 200 ms;
/// - "errors": errors / requests over 1m as a ratio, rule error_rate_slo, > 0.1 %;
/// - "websockets": sum(nova_streaming_websocket_connections), rule websocket_sudden_drop,
///   no threshold of its own;
/// - "db": p95 of pg_query_duration_seconds over 1m in seconds, rule db_query_p95, > 100 ms.
/// With no rule bound a chart plots that quantity against that threshold, unshaded. A bound
/// rule's breach periods are shaded (its expression, guard and threshold, when the agent
/// evaluates it), and what is plotted is, in this order:
/// - its `dashboard_query`, in the chart's unit, against the `dashboard_threshold` or
///   `dashboard_threshold_query` it gives (none otherwise: the rule's threshold is in the
///   terms of the rule's expression);
/// - else its own expression against its own threshold. Where the rule's unit
///   (unitOfRule) differs from the chart's, a share of requests within 200 ms on the
///   latency chart, it is charted in its own unit under the title "<topic>: <rule>" and
///   the caption "rule <rule>: breaches < 95 % (<runbook caption>)", never as a p95;
/// - a rule that Prometheus evaluates leaves the runbook's quantity plotted.
/// Every chart groups per target by the label "pod".
///
/// A chart of a rule outside the four ("dashboard_chart: lag") is titled with the rule's
/// name, captioned "rule <rule>: breaches <threshold in its unit>", and plots the rule's
/// expression in its unit against its threshold, or its dashboard_query as above (a plain
/// number unless `dashboard_unit` says otherwise).
///
/// A rule's annotations:
/// - `dashboard_chart: <id>`: binds the rule to that chart (one of the four, or a new one);
/// - `dashboard_query`: PromQL plotted instead of the rule's expression;
/// - `dashboard_threshold`: a constant threshold line, written as a rule's ("> 0.2");
/// - `dashboard_threshold_query`: PromQL for a moving threshold line (one of the two);
/// - `dashboard_unit`: seconds, ratio, count or none: what the plotted values measure;
/// - `dashboard_group_by`: the label that tells targets apart;
/// - `dashboard_title`: the chart's title.
/// The threshold line sets which way the chart goes bad (Worse): `<` and `<=` lower.
/// Errors (kInvalidInput) name the rule and annotation: an unknown `dashboard_*` key, a
/// threshold or unit that does not parse, both kinds of threshold, a query that does not
/// parse or is outside the local engine's subset, two rules bound to one chart, a chart of
/// a rule that Prometheus evaluates without a dashboard_query.
Result<std::vector<ChartSpec>> chartSpecs(const rules::RuleSet& ruleSet);

/// `query` with `label` added to every aggregation's `by (...)` (removed from a
/// `without (...)`) and to every `on (...)` vector matching (removed from `ignoring`), so
/// the expression gives one series per value of `label` where it gave one in total.
/// Errors (kInvalidInput) when `query` does not parse; the message has line:column.
Result<promql::ExprPtr> withGroupLabel(std::string_view query, const std::string& label);

}  // namespace nova::dashboard
