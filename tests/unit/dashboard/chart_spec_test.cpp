#include "nova/dashboard/chart_spec.h"

#include <doctest/doctest.h>

#include "rule_fixture.h"

namespace nova::dashboard {
namespace {

const ChartSpec& byId(const std::vector<ChartSpec>& specs, const std::string& id) {
  for (const ChartSpec& s : specs) {
    if (s.id == id) {
      return s;
    }
  }
  FAIL("no chart " << id);
  return specs.front();
}

}  // namespace

TEST_CASE("the group label is added to every aggregation and on(), removed from without()") {
  auto check = [](const char* query, const char* want) {
    auto grouped = withGroupLabel(query, "pod");
    REQUIRE(grouped.ok());
    CHECK(promql::toString(**grouped) == want);
  };
  check("histogram_quantile(0.95, sum by (le) (rate(x_bucket[1m])))",
        "histogram_quantile(0.95, sum by (le, pod) (rate(x_bucket[1m])))");
  check("(sum(rate(e[1m])) or vector(0)) / sum(rate(r[1m]))",
        "(sum by (pod) (rate(e[1m])) or vector(0)) / sum by (pod) (rate(r[1m]))");
  check("sum without (pod, route) (x)", "sum without (route) (x)");
  check("sum(a) / on () sum(b)", "sum by (pod) (a) / on (pod) sum by (pod) (b)");
  check("x", "x");
  auto bad = withGroupLabel("sum(", "pod");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK(bad.error().message.starts_with("1:5: "));
}

TEST_CASE(
    "the default rules bind the runbook's four charts: the runbook's quantities, their rules "
    "shaded") {
  const auto specs = chartSpecs(test::defaultRules());
  REQUIRE(specs.ok());
  REQUIRE(specs->size() == 4);

  // latency_p95 judges the share within 200 ms; the chart shows p95 in seconds against
  // 200 ms (its annotations) and shades where the share is under 95 %.
  const ChartSpec& latency = byId(*specs, "latency");
  CHECK(latency.rule == "latency_p95");
  CHECK(latency.title == "API response time (p95)");
  CHECK(latency.caption == "runbook: p95 below 200 ms");
  CHECK(latency.unit == Unit::kSeconds);
  CHECK(latency.worse == Worse::kHigher);
  REQUIRE(latency.threshold);
  CHECK(formatThreshold(*latency.threshold, latency.unit) == "> 200 ms");
  CHECK(promql::toString(*latency.parsedQuery) ==
        "histogram_quantile(0.95, sum by (le) "
        "(rate(nova_http_request_duration_seconds_bucket[1m])))");
  CHECK(promql::toString(*latency.parsedPerTarget) ==
        "histogram_quantile(0.95, sum by (le, pod) "
        "(rate(nova_http_request_duration_seconds_bucket[1m])))");
  REQUIRE(latency.breachExpr != nullptr);
  CHECK(promql::toString(*latency.breachExpr).find("le=\"0.2\"") != std::string::npos);
  CHECK(latency.breachGuard != nullptr);
  CHECK(latency.breachThreshold.toString() == "< 0.95");
  CHECK(latency.thresholdQuery.empty());

  // error_rate_slo's expression is the error rate itself: plotted against its threshold.
  const ChartSpec& errors = byId(*specs, "errors");
  CHECK(errors.rule == "error_rate_slo");
  CHECK(errors.title == "Error rate");
  CHECK(errors.unit == Unit::kRatio);
  CHECK(errors.query == test::defaultRules().find("error_rate_slo")->expr);
  REQUIRE(errors.threshold);
  CHECK(formatThreshold(*errors.threshold, errors.unit) == "> 0.1 %");
  CHECK(
      promql::toString(*errors.parsedPerTarget).find("sum by (pod) (rate(nova_http_errors_total") !=
      std::string::npos);

  // The connections, with the level 20 % under the 2 minutes' low before the last 30 s.
  const ChartSpec& ws = byId(*specs, "websockets");
  CHECK(ws.rule == "websocket_sudden_drop");
  CHECK_FALSE(ws.threshold);
  CHECK(ws.unit == Unit::kCount);
  CHECK(ws.worse == Worse::kLower);
  CHECK(ws.query == "sum(nova_streaming_websocket_connections)");
  CHECK(ws.thresholdQuery ==
        "0.8 * sum(min_over_time(nova_streaming_websocket_connections[2m] offset 30s))");
  CHECK(ws.parsedThresholdQuery != nullptr);
  CHECK(ws.breachThreshold.toString() == "< 0.8");

  const ChartSpec& db = byId(*specs, "db");
  CHECK(db.rule == "db_query_p95");
  CHECK(db.unit == Unit::kSeconds);
  REQUIRE(db.threshold);
  CHECK(formatThreshold(*db.threshold, db.unit) == "> 100 ms");
  CHECK(promql::toString(*db.parsedPerTarget) ==
        "histogram_quantile(0.95, sum by (le, pod) (rate(pg_query_duration_seconds_bucket[1m])))");
  CHECK(promql::toString(*db.breachExpr).find("le=\"0.1\"") != std::string::npos);
}

TEST_CASE("a share without dashboard annotations is charted as a ratio against its own threshold") {
  // The default latency, DB and WebSocket rules as a user writes them without annotations:
  // one with a plain summary (the share is told by its expression), one saying percent.
  const auto specs = chartSpecs(test::loadRules(R"(rules:
  - name: latency_p95
    expr: round(sum(rate(nova_http_request_duration_seconds_bucket{le="0.2"}[1m])) / sum(rate(nova_http_request_duration_seconds_count[1m])), 1e-6)
    threshold: "< 0.95"
    severity: medium
  - name: db_query_p95
    expr: sum(rate(pg_query_duration_seconds_bucket{le="0.1"}[1m])) / sum(rate(pg_query_duration_seconds_count[1m]))
    threshold: "< 0.9"
    severity: medium
    summary: "{{ $value | humanizePercentage }} within 100ms"
  - name: websocket_sudden_drop
    expr: sum(nova_streaming_websocket_connections) / sum(min_over_time(nova_streaming_websocket_connections[2m] offset 30s))
    threshold: "< 0.8"
    severity: high
)"));
  REQUIRE(specs.ok());
  const ChartSpec& latency = byId(*specs, "latency");
  CHECK(latency.unit == Unit::kRatio);
  CHECK(latency.title == "API response time: latency_p95");
  CHECK(latency.caption == "rule latency_p95: breaches < 95 % (runbook: p95 below 200 ms)");
  REQUIRE(latency.threshold);
  CHECK(latency.threshold->toString() == "< 0.95");
  CHECK(latency.worse == Worse::kLower);
  CHECK(promql::toString(*latency.parsedPerTarget)
            .starts_with("round(sum by (pod) (rate(nova_http_request_duration_seconds_bucket{"));
  const ChartSpec& db = byId(*specs, "db");
  CHECK(db.unit == Unit::kRatio);
  CHECK(db.caption == "rule db_query_p95: breaches < 90 % (runbook: p95 below 100 ms)");
  CHECK(db.threshold->value == 0.9);
  const ChartSpec& ws = byId(*specs, "websockets");
  CHECK(ws.unit == Unit::kRatio);
  CHECK(ws.title == "WebSocket connections: websocket_sudden_drop");
  CHECK(ws.threshold->toString() == "< 0.8");
  CHECK(ws.thresholdQuery.empty());
  CHECK(ws.worse == Worse::kLower);
  // The error-rate chart is a ratio already: its runbook title stays.
  CHECK(byId(*specs, "errors").title == "Error rate");
}

TEST_CASE("without its rules a chart keeps the runbook's query and threshold, unshaded") {
  const auto specs = chartSpecs(test::loadRules("rules: []\n"));
  REQUIRE(specs.ok());
  const ChartSpec& latency = byId(*specs, "latency");
  CHECK(latency.rule.empty());
  CHECK(latency.breachExpr == nullptr);
  CHECK(latency.threshold->value == 0.2);
  CHECK(byId(*specs, "websockets").thresholdQuery.empty());
}

TEST_CASE("annotations bind rules, replace queries, set units and thresholds, and add charts") {
  const auto set = test::loadRules(R"(rules:
  - name: slow
    expr: histogram_quantile(0.99, sum by (le) (rate(nova_http_request_duration_seconds_bucket[1m])))
    threshold: "> 0.5"
    severity: medium
    annotations:
      dashboard_chart: latency
      dashboard_group_by: instance
  - name: lag
    expr: round(max(kafka_lag_seconds) / max(kafka_lag_budget_seconds), 0.01)
    threshold: "> 1"
    severity: low
    annotations:
      dashboard_chart: lag
      dashboard_query: max(kafka_lag_seconds)
      dashboard_unit: seconds
      dashboard_threshold: "> 30"
      dashboard_title: Consumer lag
  - name: queue
    expr: max(queue_depth)
    threshold: "<= 10"
    severity: low
    annotations: {dashboard_chart: queue, dashboard_query: sum(queue_depth)}
  - name: latency_p95
    expr: histogram_quantile(0.95, sum by (le) (rate(nova_http_request_duration_seconds_bucket[1m])))
    threshold: "> 0.3"
    severity: low
    annotations: {dashboard_chart: p95}
)");
  const auto specs = chartSpecs(set);
  REQUIRE(specs.ok());
  REQUIRE(specs->size() == 7);
  // A p95 rule on the latency chart: its expression and threshold, in seconds.
  const ChartSpec& latency = byId(*specs, "latency");
  CHECK(latency.rule == "slow");
  CHECK(latency.unit == Unit::kSeconds);
  CHECK(latency.title == "API response time (p95)");
  CHECK(latency.threshold->toString() == "> 0.5");
  CHECK(latency.groupLabel == "instance");
  CHECK(promql::toString(*latency.parsedPerTarget).find("sum by (le, instance)") !=
        std::string::npos);
  CHECK(latency.query.find("0.99") != std::string::npos);
  // The query and threshold of the annotations, not the rule's ratio and its "> 1".
  const ChartSpec& lag = byId(*specs, "lag");
  CHECK(lag.title == "Consumer lag");
  CHECK(lag.caption == "rule lag: breaches > 100 %");
  CHECK(lag.query == "max(kafka_lag_seconds)");
  CHECK(lag.unit == Unit::kSeconds);
  CHECK(lag.worse == Worse::kHigher);
  CHECK(formatThreshold(*lag.threshold, lag.unit) == "> 30 s");
  REQUIRE(lag.breachExpr != nullptr);
  CHECK(lag.breachThreshold.toString() == "> 1");
  // A query of its own and no threshold for it: no line, a plain number.
  const ChartSpec& queue = byId(*specs, "queue");
  CHECK(queue.query == "sum(queue_depth)");
  CHECK_FALSE(queue.threshold);
  CHECK(queue.unit == Unit::kNone);
  CHECK(queue.worse == Worse::kLower);
  // latency_p95 placed on a chart of its own leaves the latency chart to "slow" alone.
  CHECK(byId(*specs, "p95").threshold->value == 0.3);
}

TEST_CASE("bad dashboard annotations are refused with the rule and the annotation named") {
  const auto badQuery = chartSpecs(test::loadRules(R"y(rules:
  - name: r
    expr: up
    threshold: "< 1"
    severity: low
    annotations: {dashboard_chart: up, dashboard_query: "rate(up)"}
)y"));
  REQUIRE_FALSE(badQuery.ok());
  CHECK(badQuery.error().code == ErrorCode::kInvalidInput);
  CHECK(badQuery.error().message ==
        "rule r: annotation dashboard_query: 1:6: expected type range vector in call to "
        "function \"rate\", got instant vector");
  const auto twice = chartSpecs(test::loadRules(R"(rules:
  - {name: a, expr: up, threshold: "< 1", severity: low, annotations: {dashboard_chart: db}}
  - {name: b, expr: up, threshold: "< 1", severity: low, annotations: {dashboard_chart: db}}
)"));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == ErrorCode::kInvalidInput);
  CHECK(twice.error().message ==
        "rule b: annotation dashboard_chart: chart \"db\" is already bound to rule a");

  auto refused = [](const std::string& annotations) {
    const auto specs = chartSpecs(
        test::loadRules("rules:\n  - {name: r, expr: up, threshold: \"< 1\", severity: low,\n"
                        "     annotations: {" +
                        annotations + "}}\n"));
    REQUIRE_FALSE(specs.ok());
    CHECK(specs.error().code == ErrorCode::kInvalidInput);
    return specs.error().message;
  };
  CHECK(refused("dashboard_treshold: \"> 1\"") ==
        "rule r: annotation dashboard_treshold: unknown dashboard annotation (expected "
        "dashboard_chart, dashboard_query, dashboard_group_by, dashboard_threshold, "
        "dashboard_threshold_query, dashboard_unit, dashboard_title)");
  CHECK(refused("dashboard_threshold: \"> fast\"") ==
        "rule r: annotation dashboard_threshold: threshold value must be a number, got \"fast\"");
  CHECK(refused("dashboard_threshold: \"0.2\"")
            .starts_with("rule r: annotation dashboard_threshold: threshold needs a comparison"));
  CHECK(refused("dashboard_unit: ms") ==
        "rule r: annotation dashboard_unit: unknown unit \"ms\" (expected seconds, ratio, count "
        "or none)");
  CHECK(refused("dashboard_threshold: \"> 1\", dashboard_threshold_query: up") ==
        "rule r: annotation dashboard_threshold: a chart has one threshold: give this or "
        "dashboard_threshold_query, not both");
  CHECK(refused("dashboard_chart: x, dashboard_threshold_query: \"rate(up)\"")
            .starts_with("rule r: annotation dashboard_threshold_query: 1:6: expected type range"));

  const auto remote = chartSpecs(test::loadRules(R"(rules:
  - {name: p, expr: up, threshold: "< 1", severity: low, source: prometheus,
     annotations: {dashboard_chart: remote}}
)"));
  REQUIRE_FALSE(remote.ok());
  CHECK(remote.error().message ==
        "rule p: annotation dashboard_chart: the rule is evaluated by Prometheus, its series "
        "are not in the agent's store: chart it with dashboard_query");
}

}  // namespace nova::dashboard
