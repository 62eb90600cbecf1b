// Prometheus's warnings and infos: produced where Prometheus produces them, with its wording
// and the position of the subexpression they are about, each message once per query, and only
// when the caller asks for them.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "eval_fixture.h"

namespace nova::promql {
namespace {

using testing::Fixture;
using Strings = std::vector<std::string>;

// The rendered annotations of `query` at `t`, in the order first produced.
Strings annotationsOf(Fixture& f, std::string_view query, TimestampMs t) {
  Annotations annotations;
  auto result = f.engine.instant(f.parsed(query), f.storage, t, &annotations);
  REQUIRE_MESSAGE(result.ok(), result.error().message);
  Strings out;
  for (const Annotation& a : annotations) {
    out.push_back(a.toString(query));
  }
  return out;
}

TEST_CASE("rate and increase over a metric not named like a counter: one info per name") {
  Fixture f;
  f.load(kMinute,
         {R"(gauge{i="1"} 0+1x10)", R"(gauge{i="2"} 0+1x10)", "req_total 0+1x10", "other 0+1x10"});
  CHECK(annotationsOf(f, "rate(gauge[5m])", 10 * kMinute) ==
        Strings{"PromQL info: metric might not be a counter, name does not end in "
                "_total/_sum/_count/_bucket: \"gauge\" (1:6)"});
  CHECK(annotationsOf(f, "sum(increase({__name__=~\"gauge|other|req_total\"}[5m]))", 10 * kMinute)
            .size() == 2);
  CHECK(annotationsOf(f, "rate(req_total[5m])", 10 * kMinute).empty());
  CHECK(annotationsOf(f, "irate(gauge[5m]) + delta(gauge[5m])", 10 * kMinute).empty());
  // No info without a result: one sample is not enough for a rate.
  CHECK(annotationsOf(f, "rate(gauge[1m])", 0).empty());
}

TEST_CASE("quantiles outside [0, 1] are warned about, numbers written as Go writes them") {
  Fixture f;
  f.load(kMinute, {"x 1 2 3"});
  CHECK(annotationsOf(f, "quantile(2, x)", 2 * kMinute) ==
        Strings{"PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)"});
  CHECK(annotationsOf(f, "quantile_over_time(-0.00001, x[5m])", 2 * kMinute) ==
        Strings{"PromQL warning: quantile value should be between 0 and 1, got -1e-05 (1:20)"});
  CHECK(annotationsOf(f, "quantile_over_time(1e6, x[5m])", 2 * kMinute) ==
        Strings{"PromQL warning: quantile value should be between 0 and 1, got 1e+06 (1:20)"});
  CHECK(annotationsOf(f, "histogram_quantile(NaN, nothing)", 0) ==
        Strings{"PromQL warning: quantile value should be between 0 and 1, got NaN (1:20)"});
  CHECK(annotationsOf(f, "quantile((0.5), x)", 0).empty());
}

TEST_CASE("histogram_quantile: malformed le and repaired buckets") {
  Fixture f;
  f.load(kMinute, {R"(h_bucket{le="1"} 5 5)", R"(h_bucket{le="2"} 4 4)",
                   R"(h_bucket{le="+Inf"} 6 6)", R"(h_bucket{le="x"} 1 1)"});
  CHECK(annotationsOf(f, "histogram_quantile(0.5, h_bucket)", kMinute) ==
        Strings{"PromQL warning: bucket label \"le\" is missing or has a malformed value of \"x\" "
                "for metric name \"h_bucket\" (1:25)",
                "PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see "
                "https://prometheus.io/docs/prometheus/latest/querying/functions/"
                "#histogram_quantile) for metric name \"h_bucket\", from buckets 2 to 2, with a "
                "max diff of 1, over 1 samples from 1970-01-01T00:01:00Z to "
                "1970-01-01T00:01:00Z (1:25)"});
  // Bounds and drops are written as Go's %g and %.2g write them.
  f.load(kMinute, {R"(g_bucket{le="1e-05"} 200)", R"(g_bucket{le="1234567"} 77)",
                   R"(g_bucket{le="+Inf"} 300)"});
  const Strings repaired = annotationsOf(f, "histogram_quantile(0.5, g_bucket)", 0);
  REQUIRE(repaired.size() == 1);
  CHECK(
      repaired[0].find("from buckets 1.234567e+06 to 1.234567e+06, with a max diff of 1.2e+02,") !=
      std::string::npos);
  // A range query merges the repairs of its steps into one info.
  Annotations merged;
  const std::string query = "histogram_quantile(0.5, h_bucket{le!=\"x\"})";
  REQUIRE(f.engine.range(f.parsed(query), f.storage, 0, kMinute, kMinute, &merged).ok());
  REQUIRE(merged.size() == 1);
  CHECK(merged[0].toString(query).find(
            "over 2 samples from 1970-01-01T00:00:00Z to 1970-01-01T00:01:00Z (1:25)") !=
        std::string::npos);
}

TEST_CASE("annotations are made only on request, and a cached result keeps them right") {
  Fixture f;
  f.load(kMinute, {"gauge 0+1x10", "req_total 0+1x10"});
  REQUIRE(f.engine.instant(f.parsed("rate(gauge[5m])"), f.storage, 10 * kMinute).ok());
  EvalCache cache;
  CHECK(annotationsOf(f, "rate(gauge[5m]) > 0", 10 * kMinute) ==
        Strings{"PromQL info: metric might not be a counter, name does not end in "
                "_total/_sum/_count/_bucket: \"gauge\" (1:6)"});
  // The same subexpression elsewhere in another query: its annotation points there.
  for (std::string_view query : {"rate(gauge[5m]) > 0", "2 * rate(gauge[5m])"}) {
    Annotations annotations;
    REQUIRE(f.engine.instant(f.parsed(query), f.storage, 10 * kMinute, cache, &annotations).ok());
    REQUIRE(annotations.size() == 1);
    CHECK(annotations[0].pos.start == static_cast<int>(query.find("gauge")));
  }
  CHECK(cache.hits() == 0);
  // Results without annotations are reused as before.
  for (int i = 0; i < 2; ++i) {
    Annotations none;
    REQUIRE(
        f.engine
            .instant(f.parsed("sum(rate(req_total[5m]))"), f.storage, 10 * kMinute, cache, &none)
            .ok());
    CHECK(none.empty());
  }
  CHECK(cache.hits() == 1);
}

TEST_CASE("positions count lines and columns in the query text") {
  Fixture f;
  f.load(kMinute, {"gauge 0+1x10"});
  CHECK(annotationsOf(f, "sum(\n  rate(gauge[5m])\n)", 10 * kMinute) ==
        Strings{"PromQL info: metric might not be a counter, name does not end in "
                "_total/_sum/_count/_bucket: \"gauge\" (2:8)"});
}

}  // namespace
}  // namespace nova::promql
