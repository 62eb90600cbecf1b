// The runbook's four charts, bound to the rules that judge them, and the charts a rule set
// asks for through annotations.

#include "nova/dashboard/chart_spec.h"

#include <algorithm>
#include <array>
#include <map>

#include "nova/promql/parser.h"

namespace nova::dashboard {
namespace {

constexpr const char* kChartKey = "dashboard_chart";
constexpr const char* kQueryKey = "dashboard_query";
constexpr const char* kGroupKey = "dashboard_group_by";
constexpr const char* kThresholdQueryKey = "dashboard_threshold_query";
constexpr const char* kTitleKey = "dashboard_title";
constexpr const char* kDefaultGroupLabel = "pod";

// One of the runbook's charts ("Monitoring and Validation").
struct RunbookChart {
  const char* id;
  const char* title;
  const char* caption;
  Unit unit;
  Worse worse;
  // The default rule judged on the chart.
  const char* rule;
  // Plotted when no rule is bound, or always when `plotsRule` is false.
  const char* query;
  // The bound rule's expression measures the plotted quantity, so it is plotted and its
  // threshold drawn as a line.
  bool plotsRule;
  rules::Threshold threshold;
};

const std::array<RunbookChart, 4> kRunbookCharts{{
    {"latency",
     "API response time (p95)",
     "runbook: p95 below 200 ms",
     Unit::kSeconds,
     Worse::kHigher,
     "latency_p95",
     "histogram_quantile(0.95, sum by (le) "
     "(rate(nova_http_request_duration_seconds_bucket[1m])))",
     true,
     {rules::ThresholdOp::kGreater, 0.2}},
    {"errors",
     "Error rate",
     "runbook: below 0.1 %",
     Unit::kRatio,
     Worse::kHigher,
     "error_rate_slo",
     "(sum(rate(nova_http_errors_total[1m])) or vector(0)) / "
     "sum(rate(nova_http_requests_total[1m]))",
     true,
     {rules::ThresholdOp::kGreater, 0.001}},
    {"websockets",
     "WebSocket connections",
     "runbook: stable, no sudden drops",
     Unit::kCount,
     Worse::kLower,
     "websocket_sudden_drop",
     "sum(nova_streaming_websocket_connections)",
     false,
     {rules::ThresholdOp::kGreater, 0.2}},
    {"db",
     "Database query time (p95)",
     "runbook: p95 below 100 ms",
     Unit::kSeconds,
     Worse::kHigher,
     "db_query_p95",
     "histogram_quantile(0.95, sum by (le) (rate(pg_query_duration_seconds_bucket[1m])))",
     true,
     {rules::ThresholdOp::kGreater, 0.1}},
}};

std::string annotation(const rules::Rule& rule, const char* key) {
  auto it = rule.annotations.find(key);
  return it == rule.annotations.end() ? std::string() : it->second;
}

Error annotationError(const rules::Rule& rule, const char* key, const std::string& message) {
  return Error(ErrorCode::kInvalidInput,
               "rule " + rule.name + ": annotation " + key + ": " + message);
}

Result<std::shared_ptr<const promql::Expr>> parseQuery(const std::string& text) {
  promql::ParseResult parsed = promql::parse(text);
  if (!parsed.ok()) {
    return Error(ErrorCode::kInvalidInput, parsed.error().toString());
  }
  const promql::ValueType type = parsed.expr().type();
  if (type != promql::ValueType::kVector && type != promql::ValueType::kScalar) {
    return Error(ErrorCode::kInvalidInput, "must give an instant vector or a scalar");
  }
  return std::shared_ptr<const promql::Expr>(parsed.release());
}

// Parses the plotted, per-target and moving-threshold queries of a filled-in spec.
Status prepare(ChartSpec& spec, const rules::Rule* rule) {
  auto fail = [&](const char* key, const Error& e) {
    return rule ? annotationError(*rule, key, e.message)
                : Error(ErrorCode::kInternal, "chart " + spec.id + ": " + e.message);
  };
  auto query = parseQuery(spec.query);
  if (!query.ok()) {
    return fail(kQueryKey, query.error());
  }
  spec.parsedQuery = *query;
  auto perTarget = withGroupLabel(spec.query, spec.groupLabel);
  if (!perTarget.ok()) {
    return fail(kQueryKey, perTarget.error());
  }
  spec.parsedPerTarget = std::shared_ptr<const promql::Expr>(std::move(perTarget).value());
  if (!spec.thresholdQuery.empty()) {
    auto line = parseQuery(spec.thresholdQuery);
    if (!line.ok()) {
      return fail(kThresholdQueryKey, line.error());
    }
    spec.parsedThresholdQuery = *line;
  }
  return {};
}

// Binds `rule` to `spec`: its breaches are shaded, its annotations override the defaults.
void bind(ChartSpec& spec, const rules::Rule& rule) {
  spec.rule = rule.name;
  if (rule.source == rules::RuleSource::kScrape) {
    spec.breachExpr = rule.parsedExpr;
    spec.breachGuard = rule.parsedGuard;
    spec.breachThreshold = rule.threshold;
  }
  if (auto title = annotation(rule, kTitleKey); !title.empty()) {
    spec.title = title;
  }
  if (auto group = annotation(rule, kGroupKey); !group.empty()) {
    spec.groupLabel = group;
  }
  if (auto line = annotation(rule, kThresholdQueryKey); !line.empty()) {
    spec.thresholdQuery = line;
  }
}

ChartSpec runbookSpec(const RunbookChart& chart, const rules::Rule* rule) {
  ChartSpec spec;
  spec.id = chart.id;
  spec.title = chart.title;
  spec.caption = chart.caption;
  spec.unit = chart.unit;
  spec.worse = chart.worse;
  spec.groupLabel = kDefaultGroupLabel;
  spec.query = chart.query;
  if (chart.plotsRule) {
    spec.threshold = chart.threshold;
  }
  if (rule == nullptr) {
    return spec;
  }
  const rules::Threshold& t = rule->threshold;
  if (chart.plotsRule) {
    spec.query = rule->expr;
    spec.threshold = t;
  } else if (t.op == rules::ThresholdOp::kGreater || t.op == rules::ThresholdOp::kGreaterEqual) {
    // The drop ratio breaches where connections fall below (1 - threshold) of their 1m peak.
    spec.thresholdQuery = "(1 - " + rules::formatValue(t.value, rules::ValueFormat::kPlain) +
                          ") * sum(max_over_time(nova_streaming_websocket_connections[1m]))";
  }
  bind(spec, *rule);
  if (auto query = annotation(*rule, kQueryKey); !query.empty()) {
    spec.query = query;
  }
  return spec;
}

ChartSpec ruleSpec(const std::string& id, const rules::Rule& rule) {
  ChartSpec spec;
  spec.id = id;
  spec.title = rule.name;
  spec.caption = rule.threshold.toString();
  spec.unit = unitOf(rule.summary);
  const bool lowerIsWorse = rule.threshold.op == rules::ThresholdOp::kLess ||
                            rule.threshold.op == rules::ThresholdOp::kLessEqual;
  spec.worse = lowerIsWorse ? Worse::kLower : Worse::kHigher;
  spec.groupLabel = kDefaultGroupLabel;
  spec.query = rule.expr;
  spec.threshold = rule.threshold;
  bind(spec, rule);
  if (auto query = annotation(rule, kQueryKey); !query.empty()) {
    spec.query = query;
  }
  return spec;
}

}  // namespace

Result<std::vector<ChartSpec>> chartSpecs(const rules::RuleSet& ruleSet) {
  // Which rule each chart id is bound to: annotations first, then the default names.
  std::map<std::string, const rules::Rule*> bound;
  std::vector<std::string> extraIds;
  for (const rules::Rule& rule : ruleSet.rules) {
    const std::string id = annotation(rule, kChartKey);
    if (id.empty()) {
      continue;
    }
    auto [it, inserted] = bound.emplace(id, &rule);
    if (!inserted) {
      return annotationError(rule, kChartKey,
                             "chart \"" + id + "\" is already bound to rule " + it->second->name);
    }
    const bool runbook = std::any_of(kRunbookCharts.begin(), kRunbookCharts.end(),
                                     [&](const RunbookChart& c) { return id == c.id; });
    if (!runbook) {
      extraIds.push_back(id);
    }
  }
  std::vector<ChartSpec> specs;
  for (const RunbookChart& chart : kRunbookCharts) {
    const rules::Rule* rule = bound.count(chart.id) ? bound[chart.id] : ruleSet.find(chart.rule);
    specs.push_back(runbookSpec(chart, rule));
    if (auto prepared = prepare(specs.back(), rule); !prepared.ok()) {
      return prepared.error();
    }
  }
  for (const std::string& id : extraIds) {
    specs.push_back(ruleSpec(id, *bound[id]));
    if (auto prepared = prepare(specs.back(), bound[id]); !prepared.ok()) {
      return prepared.error();
    }
  }
  return specs;
}

}  // namespace nova::dashboard
