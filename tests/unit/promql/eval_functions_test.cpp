// Evaluator tests for functions: rate family, deriv, *_over_time, math, histogram_quantile,
// absent, with data loaded in the promqltest series notation.
#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <string_view>

#include "eval_fixture.h"

namespace nova::promql {
namespace {

using testing::Fixture;

constexpr TimestampMs kMin = kMinute;

TEST_CASE("rate and increase extrapolate to the window like Prometheus") {
  Fixture f;
  f.load(5 * kMin, {R"(http_requests_total{job="api"} 0+10x10)"});
  // 50m window ending on the last sample at 50m: samples 0..50m, first at the left edge
  // which is excluded, so 5..50m (10 samples, 45m) extrapolated to 50m.
  CHECK(f.single("increase(http_requests_total[50m])", 50 * kMin, R"({job="api"})") ==
        doctest::Approx(100));
  CHECK(f.single("rate(http_requests_total[50m])", 50 * kMin, R"({job="api"})") ==
        doctest::Approx(100.0 / 3000));
}

TEST_CASE("rate handles counter resets and needs two samples") {
  Fixture f;
  f.load(kMin, {"c 10 20 5 15", "single 1"});
  // 20 -> 5 is a reset: increase 10 + 5 + 10 = 25 over 3m, extrapolated by the full 60s
  // to the window start (the zero point, 72s back, is further) and not at the end.
  const double v = f.single("increase(c[4m])", 3 * kMin, "{}");
  CHECK(v == doctest::Approx(25.0 * 240 / 180));
  CHECK(f.vector("rate(single[5m])", 0).empty());
}

TEST_CASE("rate does not extrapolate a counter below zero") {
  Fixture f;
  f.load(kMin, {"z 1 2 3 4 5"});
  // Window (-1m, 4m]: the start gap (60s) is within 1.1 x the spacing, so it would be
  // extrapolated fully; the zero point (1/4 of 240s back) is not closer.
  const double v = f.single("increase(z[5m])", 4 * kMin, "{}");
  CHECK(v == doctest::Approx(4.0 * (240 + 60) / 240));
}

TEST_CASE("irate and idelta use the last two samples") {
  Fixture f;
  f.load(kMin, {"c 0 10 30 6"});
  CHECK(f.single("irate(c[5m])", 2 * kMin, "{}") == doctest::Approx(20.0 / 60));
  // Counter reset: the last value counts as the increase.
  CHECK(f.single("irate(c[5m])", 3 * kMin, "{}") == doctest::Approx(6.0 / 60));
  CHECK(f.single("idelta(c[5m])", 3 * kMin, "{}") == doctest::Approx(-24));
}

TEST_CASE("delta and deriv on a gauge") {
  Fixture f;
  f.load(kMin, {"g 0 2 4 6 8"});
  CHECK(f.single("deriv(g[10m])", 4 * kMin, "{}") == doctest::Approx(2.0 / 60));
  // The window (0, 4m] excludes the sample at 0: 6 over 180s, extrapolated to 240s.
  CHECK(f.single("delta(g[4m])", 4 * kMin, "{}") == doctest::Approx(6.0 * 240 / 180));
  f.load(kMin, {"flat 3 3 3"});
  CHECK(f.single("deriv(flat[5m])", 2 * kMin, "{}") == 0.0);
}

TEST_CASE("predict_linear and quantile_over_time take a scalar parameter") {
  Fixture f;
  f.load(kMin, {"g 0 60 120 180 240"});
  // Slope 1/s; an hour past the evaluation time at 4m.
  CHECK(f.single("predict_linear(g[10m], 3600)", 4 * kMin, "{}") == doctest::Approx(3840));
  CHECK(f.single("quantile_over_time(0.5, g[10m])", 4 * kMin, "{}") == 120);
  CHECK(f.single("quantile_over_time(0.25, g[10m])", 4 * kMin, "{}") == 60);
}

TEST_CASE("over_time functions skip stale markers and keep the name only for last") {
  Fixture f;
  f.load(10 * kSecond, {"m 1 4 stale 7"});
  CHECK(f.single("count_over_time(m[1m])", 30 * kSecond, "{}") == 3);
  CHECK(f.single("sum_over_time(m[1m])", 30 * kSecond, "{}") == 12);
  CHECK(f.single("avg_over_time(m[1m])", 30 * kSecond, "{}") == 4);
  CHECK(f.single("min_over_time(m[1m])", 30 * kSecond, "{}") == 1);
  CHECK(f.single("max_over_time(m[1m])", 30 * kSecond, "{}") == 7);
  CHECK(f.single("last_over_time(m[1m])", 30 * kSecond, "m") == 7);
  CHECK(f.single("present_over_time(m[1m])", 30 * kSecond, "{}") == 1);
  CHECK(f.vector("count_over_time(m[5s])", 20 * kSecond).empty());
}

TEST_CASE("math functions, clamp with NaN, round to nearest") {
  Fixture f;
  f.load(kMin, {R"(v{i="a"} -2.5)", R"(v{i="b"} NaN)"});
  CHECK(f.single(R"(abs(v{i="a"}))", 0, R"({i="a"})") == 2.5);
  CHECK(f.single(R"(ceil(v{i="a"}))", 0, R"({i="a"})") == -2);
  CHECK(f.single(R"(floor(v{i="a"}))", 0, R"({i="a"})") == -3);
  CHECK(f.single(R"(round(v{i="a"}))", 0, R"({i="a"})") == -2);
  CHECK(f.single(R"(round(v{i="a"}, 2))", 0, R"({i="a"})") == -2);
  CHECK(f.single(R"(sgn(v{i="a"}))", 0, R"({i="a"})") == -1);
  CHECK(f.single(R"(clamp(v{i="a"}, 0, 1))", 0, R"({i="a"})") == 0);
  CHECK(std::isnan(f.single(R"(clamp_min(v{i="b"}, 0))", 0, R"({i="b"})")));
  CHECK(f.vector("clamp(v, 2, 1)", 0).empty());
}

TEST_CASE("histogram_quantile interpolates, repairs monotonicity and handles edges") {
  Fixture f;
  f.load(kMin, {R"(h_bucket{le="1"} 10)", R"(h_bucket{le="2"} 30)", R"(h_bucket{le="4"} 20)",
                R"(h_bucket{le="+Inf"} 40)"});
  // le=4 is below le=2 and is raised to 30: rank 20 falls in (1, 2].
  CHECK(f.single("histogram_quantile(0.5, h_bucket)", 0, "{}") == doctest::Approx(1.5));
  // Rank 36 lands in +Inf: the highest finite bound is returned.
  CHECK(f.single("histogram_quantile(0.9, h_bucket)", 0, "{}") == 4);
  CHECK(f.single("histogram_quantile(0, h_bucket)", 0, "{}") == 0);
  CHECK(f.single("histogram_quantile(-1, h_bucket)", 0, "{}") == -INFINITY);
  CHECK(f.single("histogram_quantile(2, h_bucket)", 0, "{}") == INFINITY);
  CHECK(std::isnan(f.single("histogram_quantile(NaN, h_bucket)", 0, "{}")));

  f.load(kMin, {R"(noinf_bucket{le="1"} 10)", R"(noinf_bucket{le="2"} 30)"});
  CHECK(std::isnan(f.single("histogram_quantile(0.5, noinf_bucket)", 0, "{}")));
}

TEST_CASE("histogram_quantile groups by labels other than le") {
  Fixture f;
  f.load(kMin, {R"(h_bucket{i="a", le="1"} 1)", R"(h_bucket{i="a", le="+Inf"} 2)",
                R"(h_bucket{i="b", le="1"} 0)", R"(h_bucket{i="b", le="+Inf"} 0)"});
  const Vector v = f.vector("histogram_quantile(0.5, h_bucket)", 0);
  REQUIRE(v.size() == 2);
  for (const auto& s : v) {
    if (s.labels.get("i") == "a") {
      CHECK(s.v == 1);
    } else {
      CHECK(std::isnan(s.v));  // no observations
    }
  }
}

TEST_CASE("absent takes labels from single equality matchers") {
  Fixture f;
  f.load(kMin, {"present 1"});
  CHECK(f.vector("absent(present)", 0).empty());
  CHECK(f.single(R"(absent(missing{job="a", x=~"y", dup="1", dup="2"}))", 0, R"({job="a"})") == 1);
  CHECK(f.single("absent(sum(missing))", 0, "{}") == 1);
  CHECK(f.single(R"(absent_over_time(missing{job="a"}[5m]))", 0, R"({job="a"})") == 1);
}

TEST_CASE("label_replace and label_join rewrite labels; writing __name__ keeps it") {
  Fixture f;
  f.load(kMin, {R"(m_total{src="a-b"} 0+60x10)"});
  CHECK(f.single(R"q(label_replace(m_total, "dst", "x-$1-${2}", "src", "(.)-(.)"))q", 0,
                 R"(m_total{dst="x-a-b", src="a-b"})") == 0);
  // No match leaves the element as it is.
  CHECK(f.single(R"(label_replace(m_total, "dst", "$1", "src", "zzz"))", 0,
                 R"(m_total{src="a-b"})") == 0);
  CHECK(f.single(R"q(label_replace(rate(m_total[5m]), "__name__", "r_$1", "__name__", "(.+)"))q",
                 10 * kMin, R"(r_m_total{src="a-b"})") == doctest::Approx(1));
  CHECK(f.single(R"(label_join(m_total, "j", "/", "src", "__name__"))", 0,
                 R"(m_total{j="a-b/m_total", src="a-b"})") == 0);
  REQUIRE_FALSE(f.query(R"q(label_replace(m_total, "dst", "", "src", "("))q", 0).ok());
}

TEST_CASE("time, vector, scalar and timestamp") {
  Fixture f;
  f.load(kMin, {"m 5 _ _"});
  auto t = f.query("time()", 2 * kMin);
  REQUIRE(t.ok());
  CHECK(std::get<Scalar>(*t).v == 120);
  CHECK(f.single("vector(3)", 0, "{}") == 3);
  CHECK(f.single("timestamp(m)", 2 * kMin, "{}") == 0);  // the sample's own time
  auto s = f.query("scalar(m)", 0);
  REQUIRE(s.ok());
  CHECK(std::get<Scalar>(*s).v == 5);
  auto none = f.query("scalar(nothing)", 0);
  REQUIRE(none.ok());
  CHECK(std::isnan(std::get<Scalar>(*none).v));
}

}  // namespace
}  // namespace nova::promql
