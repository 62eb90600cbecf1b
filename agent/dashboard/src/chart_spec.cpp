// The runbook's four charts, bound to the rules that judge them, and the charts a rule set
// asks for through annotations.

#include "nova/dashboard/chart_spec.h"

#include <algorithm>
#include <array>
#include <map>

#include "chart_annotations.h"
#include "nova/promql/parser.h"

namespace nova::dashboard {
namespace {

using detail::ChartAnnotations;

constexpr const char* kDefaultGroupLabel = "pod";

// One of the runbook's charts ("Monitoring and Validation").
struct RunbookChart {
  const char* id;
  // What the chart is about ("API response time"), and its title with the quantity shown.
  const char* topic;
  const char* title;
  const char* caption;
  Unit unit;
  Worse worse;
  // The default rule judged on the chart.
  const char* rule;
  // The runbook's quantity and its threshold, plotted while no rule is bound.
  const char* query;
  std::optional<rules::Threshold> threshold;
};

const std::array<RunbookChart, 4> kRunbookCharts{{
    {"latency", "API response time", "API response time (p95)", "runbook: p95 below 200 ms",
     Unit::kSeconds, Worse::kHigher, "latency_p95",
     "histogram_quantile(0.95, sum by (le) "
     "(rate(nova_http_request_duration_seconds_bucket[1m])))",
     rules::Threshold{rules::ThresholdOp::kGreater, 0.2}},
    {"errors", "Error rate", "Error rate", "runbook: below 0.1 %", Unit::kRatio, Worse::kHigher,
     "error_rate_slo",
     "(sum(rate(nova_http_errors_total[1m])) or vector(0)) / "
     "sum(rate(nova_http_requests_total[1m]))",
     rules::Threshold{rules::ThresholdOp::kGreater, 0.001}},
    {"websockets", "WebSocket connections", "WebSocket connections",
     "runbook: stable, no sudden drops", Unit::kCount, Worse::kLower, "websocket_sudden_drop",
     "sum(nova_streaming_websocket_connections)", std::nullopt},
    {"db", "Database query time", "Database query time (p95)", "runbook: p95 below 100 ms",
     Unit::kSeconds, Worse::kHigher, "db_query_p95",
     "histogram_quantile(0.95, sum by (le) (rate(pg_query_duration_seconds_bucket[1m])))",
     rules::Threshold{rules::ThresholdOp::kGreater, 0.1}},
}};

Worse worseOf(rules::ThresholdOp op) {
  return op == rules::ThresholdOp::kLess || op == rules::ThresholdOp::kLessEqual ? Worse::kLower
                                                                                 : Worse::kHigher;
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
    return rule ? detail::annotationError(*rule, key, e.message)
                : Error(ErrorCode::kInternal, "chart " + spec.id + ": " + e.message);
  };
  auto query = parseQuery(spec.query);
  if (!query.ok()) {
    return fail(detail::kQueryKey, query.error());
  }
  spec.parsedQuery = *query;
  auto perTarget = withGroupLabel(spec.query, spec.groupLabel);
  if (!perTarget.ok()) {
    return fail(detail::kQueryKey, perTarget.error());
  }
  spec.parsedPerTarget = std::shared_ptr<const promql::Expr>(std::move(perTarget).value());
  if (!spec.thresholdQuery.empty()) {
    auto line = parseQuery(spec.thresholdQuery);
    if (!line.ok()) {
      return fail(detail::kThresholdQueryKey, line.error());
    }
    spec.parsedThresholdQuery = *line;
  }
  return {};
}

// The rule's breaches are shaded, whatever the chart plots.
void shadeBreaches(ChartSpec& spec, const rules::Rule& rule) {
  spec.rule = rule.name;
  if (rule.source == rules::RuleSource::kScrape) {
    spec.breachExpr = rule.parsedExpr;
    spec.breachGuard = rule.parsedGuard;
    spec.breachThreshold = rule.threshold;
  }
}

// Plots the rule's own expression against its own threshold.
void plotRule(ChartSpec& spec, const rules::Rule& rule) {
  spec.query = rule.expr;
  spec.threshold = rule.threshold;
  spec.thresholdQuery.clear();
  spec.worse = worseOf(rule.threshold.op);
}

// Plots `dashboard_query`: its threshold, if any, comes from the annotations too, since
// the rule's threshold is in the terms of the rule's expression.
void plotAnnotatedQuery(ChartSpec& spec, const ChartAnnotations& notes) {
  spec.query = notes.query;
  spec.threshold.reset();
  spec.thresholdQuery.clear();
}

// What the annotations say whatever is plotted: title, targets, unit, and a threshold of
// the plotted quantity (constant or moving), which replaces any other.
void applyAnnotations(ChartSpec& spec, const ChartAnnotations& notes) {
  if (!notes.title.empty()) {
    spec.title = notes.title;
  }
  if (!notes.groupBy.empty()) {
    spec.groupLabel = notes.groupBy;
  }
  if (notes.unit) {
    spec.unit = *notes.unit;
  }
  if (notes.threshold) {
    spec.threshold = notes.threshold;
    spec.worse = worseOf(notes.threshold->op);
  }
  if (!notes.thresholdQuery.empty()) {
    spec.threshold.reset();
    spec.thresholdQuery = notes.thresholdQuery;
  }
}

ChartSpec runbookSpec(const RunbookChart& chart, const rules::Rule* rule,
                      const ChartAnnotations& notes) {
  ChartSpec spec;
  spec.id = chart.id;
  spec.title = chart.title;
  spec.caption = chart.caption;
  spec.unit = chart.unit;
  spec.worse = chart.worse;
  spec.groupLabel = kDefaultGroupLabel;
  spec.query = chart.query;
  spec.threshold = chart.threshold;
  if (rule == nullptr) {
    return spec;
  }
  shadeBreaches(spec, *rule);
  if (!notes.query.empty()) {
    plotAnnotatedQuery(spec, notes);
  } else if (rule->source == rules::RuleSource::kScrape) {
    plotRule(spec, *rule);
    const Unit unit = unitOfRule(*rule);
    if (unit != Unit::kNone && unit != chart.unit) {
      // Not the runbook's quantity (a share of requests within 200 ms is no p95): shown as
      // what it is, under a title that does not claim otherwise.
      spec.unit = unit;
      spec.title = std::string(chart.topic) + ": " + rule->name;
      spec.caption = "rule " + rule->name + ": breaches " + formatThreshold(rule->threshold, unit) +
                     " (" + chart.caption + ")";
    }
  }
  // A rule that Prometheus evaluates leaves the runbook's quantity plotted.
  applyAnnotations(spec, notes);
  return spec;
}

Result<ChartSpec> ruleSpec(const std::string& id, const rules::Rule& rule,
                           const ChartAnnotations& notes) {
  ChartSpec spec;
  spec.id = id;
  spec.title = rule.name;
  const Unit unit = unitOfRule(rule);
  spec.caption = "rule " + rule.name + ": breaches " + formatThreshold(rule.threshold, unit);
  spec.groupLabel = kDefaultGroupLabel;
  spec.worse = worseOf(rule.threshold.op);
  shadeBreaches(spec, rule);
  if (!notes.query.empty()) {
    plotAnnotatedQuery(spec, notes);
  } else if (rule.source == rules::RuleSource::kScrape) {
    plotRule(spec, rule);
    spec.unit = unit;
  } else {
    return detail::annotationError(rule, detail::kChartKey,
                                   "the rule is evaluated by Prometheus, its series are not in "
                                   "the agent's store: chart it with " +
                                       std::string(detail::kQueryKey));
  }
  applyAnnotations(spec, notes);
  return spec;
}

struct Binding {
  const rules::Rule* rule = nullptr;
  ChartAnnotations notes;
};

}  // namespace

Result<std::vector<ChartSpec>> chartSpecs(const rules::RuleSet& ruleSet) {
  // Every rule's annotations are checked; which rule each chart id is bound to comes from
  // dashboard_chart first, then the default names.
  std::map<std::string, Binding> bound;
  std::map<std::string_view, ChartAnnotations> notesByRule;
  std::vector<std::string> extraIds;
  for (const rules::Rule& rule : ruleSet.rules) {
    auto notes = detail::readChartAnnotations(rule);
    if (!notes.ok()) {
      return notes.error();
    }
    notesByRule[rule.name] = *notes;
    const std::string& id = notes->chart;
    if (id.empty()) {
      continue;
    }
    auto [it, inserted] = bound.emplace(id, Binding{&rule, *notes});
    if (!inserted) {
      return detail::annotationError(
          rule, detail::kChartKey,
          "chart \"" + id + "\" is already bound to rule " + it->second.rule->name);
    }
    const bool runbook = std::any_of(kRunbookCharts.begin(), kRunbookCharts.end(),
                                     [&](const RunbookChart& c) { return id == c.id; });
    if (!runbook) {
      extraIds.push_back(id);
    }
  }
  std::vector<ChartSpec> specs;
  for (const RunbookChart& chart : kRunbookCharts) {
    Binding binding;
    if (auto it = bound.find(chart.id); it != bound.end()) {
      binding = it->second;
    } else if (const rules::Rule* rule = ruleSet.find(chart.rule);
               rule != nullptr && notesByRule[rule->name].chart.empty()) {
      // Bound by its name, unless its dashboard_chart puts it elsewhere.
      binding = {rule, notesByRule[rule->name]};
    }
    specs.push_back(runbookSpec(chart, binding.rule, binding.notes));
    if (auto prepared = prepare(specs.back(), binding.rule); !prepared.ok()) {
      return prepared.error();
    }
  }
  for (const std::string& id : extraIds) {
    const Binding& binding = bound[id];
    auto spec = ruleSpec(id, *binding.rule, binding.notes);
    if (!spec.ok()) {
      return spec.error();
    }
    specs.push_back(std::move(spec).value());
    if (auto prepared = prepare(specs.back(), binding.rule); !prepared.ok()) {
      return prepared.error();
    }
  }
  return specs;
}

}  // namespace nova::dashboard
