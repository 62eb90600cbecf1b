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

TEST_CASE("the default rules bind the runbook's four charts") {
  const auto specs = chartSpecs(test::defaultRules());
  REQUIRE(specs.ok());
  REQUIRE(specs->size() == 4);
  const ChartSpec& latency = byId(*specs, "latency");
  CHECK(latency.rule == "latency_p95");
  CHECK(latency.unit == Unit::kSeconds);
  REQUIRE(latency.threshold);
  CHECK(latency.threshold->value == 0.2);
  CHECK(latency.breachExpr != nullptr);
  CHECK(latency.breachGuard != nullptr);
  CHECK(promql::toString(*latency.parsedPerTarget).find("sum by (le, pod)") != std::string::npos);
  const ChartSpec& errors = byId(*specs, "errors");
  CHECK(errors.rule == "error_rate_slo");
  CHECK(errors.threshold->value == 0.001);
  CHECK(errors.unit == Unit::kRatio);
  const ChartSpec& ws = byId(*specs, "websockets");
  CHECK(ws.rule == "websocket_sudden_drop");
  CHECK_FALSE(ws.threshold);
  CHECK(ws.worse == Worse::kLower);
  CHECK(ws.query == "sum(nova_streaming_websocket_connections)");
  CHECK(ws.thresholdQuery ==
        "(1 - 0.2) * sum(max_over_time(nova_streaming_websocket_connections[1m]))");
  CHECK(ws.parsedThresholdQuery != nullptr);
  const ChartSpec& db = byId(*specs, "db");
  CHECK(db.rule == "db_query_p95");
  CHECK(db.threshold->value == 0.1);
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

TEST_CASE("annotations bind rules, replace queries and add charts") {
  const auto set = test::loadRules(R"(rules:
  - name: slow
    expr: histogram_quantile(0.99, sum by (le) (rate(nova_http_request_duration_seconds_bucket[1m])))
    threshold: "> 0.5"
    severity: medium
    annotations:
      dashboard_chart: latency
      dashboard_group_by: instance
  - name: lag
    expr: max(kafka_lag)
    threshold: "< 10"
    severity: low
    summary: "{{ $value | humanizeDuration }}"
    annotations:
      dashboard_chart: lag
      dashboard_query: max(kafka_lag) * 2
      dashboard_title: Consumer lag
)");
  const auto specs = chartSpecs(set);
  REQUIRE(specs.ok());
  REQUIRE(specs->size() == 5);
  const ChartSpec& latency = byId(*specs, "latency");
  CHECK(latency.rule == "slow");
  CHECK(latency.threshold->value == 0.5);
  CHECK(latency.groupLabel == "instance");
  CHECK(latency.query.find("0.99") != std::string::npos);
  const ChartSpec& lag = byId(*specs, "lag");
  CHECK(lag.title == "Consumer lag");
  CHECK(lag.query == "max(kafka_lag) * 2");
  CHECK(lag.unit == Unit::kSeconds);
  CHECK(lag.worse == Worse::kLower);
  CHECK(lag.threshold->value == 10);
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
}

}  // namespace nova::dashboard
