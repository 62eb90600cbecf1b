// The local engine's subset: everything outside it parses (so errors stay precise) but is
// refused unless the caller allows it.
#include <doctest/doctest.h>

#include <string_view>

#include "nova/promql/parser.h"

namespace {

using nova::promql::parse;
using nova::promql::ParseOptions;

struct Refused {
  std::string_view input;
  std::string_view error;
};

constexpr Refused kRefused[] = {
    {"max_over_time(limitk(1, x)[5m:1m])",
     "1:15: aggregation \"limitk\" is not supported by the local engine; use source: prometheus"},
    {"double_exponential_smoothing(x[5m], 0.5, 0.5)",
     "1:1: function \"double_exponential_smoothing\" is not supported by the local engine; use "
     "source: prometheus"},
    {"sum(sort_by_label(x, \"a\"))",
     "1:5: function \"sort_by_label\" is not supported by the local engine; use source: "
     "prometheus"},
    {"limitk(5, x)",
     "1:1: aggregation \"limitk\" is not supported by the local engine; use source: prometheus"},
    {"1 + limit_ratio(0.5, x)",
     "1:5: aggregation \"limit_ratio\" is not supported by the local engine; use source: "
     "prometheus"},
    // Prometheus's experimental syntax: recognised, then left to Prometheus.
    {"increase(x[1m] anchored)",
     "1:16: `anchored` modifier is not supported by the local engine; use source: prometheus"},
    {"rate(x[10s] smoothed)",
     "1:13: `smoothed` modifier is not supported by the local engine; use source: prometheus"},
    {"x offset -100 smoothed + 0",
     "1:15: `smoothed` modifier is not supported by the local engine; use source: prometheus"},
    {"a + fill(0) b",
     "1:5: fill modifier is not supported by the local engine; use source: prometheus"},
    {"a * on(i) group_right fill_left(1) b",
     "1:23: fill modifier is not supported by the local engine; use source: prometheus"},
    {"a != bool fill_left(5) fill_right(-Inf) b",
     "1:11: fill modifier is not supported by the local engine; use source: prometheus"},
    {"changes(x[26m+4m])",
     "1:11: duration expression is not supported by the local engine; use source: prometheus"},
    {"count_over_time(x[max_of(min_of(step()+1,1h),1ms)])",
     "1:19: duration expression is not supported by the local engine; use source: prometheus"},
    {"x offset -min_of(step(), 1s)^0",
     "1:10: duration expression is not supported by the local engine; use source: prometheus"},
    {"sum_over_time(x[1m] offset (20 * 8000ms))",
     "1:28: duration expression is not supported by the local engine; use source: prometheus"},
    // The first unsupported construct in the text is named.
    {"limitk(1, x) + rate(x[1m] anchored)",
     "1:1: aggregation \"limitk\" is not supported by the local engine; use source: prometheus"},
    {"rate(x[1m] anchored) + limitk(1, x)",
     "1:12: `anchored` modifier is not supported by the local engine; use source: prometheus"},
};

constexpr std::string_view kAccepted[] = {
    "sum by (job) (rate(http_requests_total{status=~\"5..\"}[5m])) / sum by (job) "
    "(rate(http_requests_total[5m])) > 0.05",
    "histogram_quantile(0.99, sum by (le) (rate(latency_bucket[5m])))",
    "irate(x[1m]) + increase(x[1h]) - delta(g[5m]) * idelta(g[5m]) / deriv(g[10m])",
    "abs(clamp(x, 0, 1)) + clamp_min(x, 0) + clamp_max(x, 1)",
    "absent(up{job=\"api\"})",
    "avg(x) + min(x) + max(x) + count(x) + group(x)",
    "x and y or z unless w",
    "a atan2 b",
    "time() - timestamp(x) > bool 60",
    "ceil(x) + floor(x) + round(x, 5) + sqrt(x) + exp(x) + ln(x) + log2(x) + log10(x) + sgn(x)",
    "vector(scalar(x))",
    "absent_over_time(x[5m]) + avg_over_time(x[5m]) + min_over_time(x[5m])",
    "max_over_time(x[5m]) + sum_over_time(x[5m]) + count_over_time(x[5m])",
    "last_over_time(x[5m]) + present_over_time(x[5m])",
    "quantile_over_time(0.9, x[5m])",
    "x offset 5m",
    "stddev(x) + stdvar(x) + stddev_over_time(x[5m]) + stdvar_over_time(x[5m])",
    "changes(x[5m]) + resets(x[5m])",
    "x + fill",
    "fill + fill_left",
    "rate(x[90]) + rate(x[1m30s])",
    "anchored + smoothed",
    "sin(x) + cos(x) + tan(x) + asin(x) + acos(x) + atan(x) + deg(x) + rad(x) * pi()",
    "sinh(x) + cosh(x) + tanh(x) + asinh(x) + acosh(x) + atanh(x)",
    "predict_linear(x[5m], 60) + quantile_over_time(0.9, x[5m])",
    "sort(label_replace(x, \"a\", \"$1\", \"b\", \"(.*)\")) + sort_desc(label_join(x, \"a\", "
    "\",\", \"b\", \"c\"))",
    "topk(3, x) + bottomk by (a) (1, x) + quantile without (b) (0.9, x)",
    "count_values(\"v\", x)",
    "x @ 100 + x @ end() + rate(x[5m] @ start()) + x offset 1m @ 1e3",
    "sum(rate(x[5m])) + max_over_time(rate(x[1m])[5m:]) + last_over_time(x[5m:1m] @ 100 offset 1m)",
    "min_over_time(max_over_time(x[5m:1m])[10m:2m]) + absent_over_time(x[5m:])",
    "day_of_month() + day_of_week(x) + day_of_year() + days_in_month() + hour() + minute() + "
    "month() + year(x)",
};

}  // namespace

TEST_CASE("subset: constructs outside the local engine are refused by default") {
  for (const Refused& r : kRefused) {
    CAPTURE(r.input);
    auto local = parse(r.input);
    REQUIRE_FALSE(local.ok());
    CHECK(local.error().toString() == r.error);
    ParseOptions options;
    options.allowOutsideSubset = true;
    auto full = parse(r.input, options);
    CHECK_MESSAGE(full.ok(), full.error().toString());
  }
}

TEST_CASE("subset: the supported functions, aggregations and operators parse locally") {
  for (std::string_view q : kAccepted) {
    CAPTURE(q);
    auto result = parse(q);
    CHECK_MESSAGE(result.ok(), result.error().toString());
  }
}

TEST_CASE("subset: syntax and type errors take precedence over the subset") {
  auto result = parse("predict_linear(x, 60)");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message ==
        "expected type range vector in call to function \"predict_linear\", got instant vector");
}

TEST_CASE("subset: the support queries agree with the parser") {
  using nova::promql::isAggregationSupportedLocally;
  using nova::promql::isFunctionSupportedLocally;
  CHECK(isFunctionSupportedLocally("rate"));
  CHECK(isFunctionSupportedLocally("histogram_quantile"));
  CHECK(isFunctionSupportedLocally("last_over_time"));
  CHECK(isFunctionSupportedLocally("predict_linear"));
  CHECK(isFunctionSupportedLocally("label_replace"));
  CHECK_FALSE(isFunctionSupportedLocally("mad_over_time"));
  CHECK_FALSE(isFunctionSupportedLocally("info"));
  CHECK_FALSE(isFunctionSupportedLocally("no_such_function"));
  CHECK_FALSE(isFunctionSupportedLocally("RATE"));
  CHECK(isAggregationSupportedLocally(nova::promql::AggregateOp::kSum));
  CHECK(isAggregationSupportedLocally(nova::promql::AggregateOp::kGroup));
  CHECK(isAggregationSupportedLocally(nova::promql::AggregateOp::kTopk));
  CHECK(isAggregationSupportedLocally(nova::promql::AggregateOp::kCountValues));
  CHECK_FALSE(isAggregationSupportedLocally(nova::promql::AggregateOp::kLimitk));
  CHECK_FALSE(isAggregationSupportedLocally(nova::promql::AggregateOp::kLimitRatio));
}
