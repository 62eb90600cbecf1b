// Evaluator tests for selectors, staleness, operators, matching, aggregation, name removal
// and range queries.
#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <string_view>

#include "eval_fixture.h"

namespace nova::promql {
namespace {

using testing::Fixture;

using Strings = std::vector<std::string>;
constexpr TimestampMs kMin = kMinute;

TEST_CASE("instant selector: lookback excludes exactly t-5m, stale markers hide series") {
  Fixture f;
  f.load(10 * kSecond, {"metric 0 1 stale 2"});
  CHECK(f.dump("metric", 10 * kSecond) == Strings{"metric=1"});
  CHECK(f.dump("metric", 20 * kSecond).empty());
  CHECK(f.dump("metric", 30 * kSecond) == Strings{"metric=2"});
  CHECK(f.dump("metric", 30 * kSecond + 5 * kMin - 1) == Strings{"metric=2"});
  CHECK(f.dump("metric", 30 * kSecond + 5 * kMin).empty());
  CHECK(f.dump("metric offset 30s", 40 * kSecond) == Strings{"metric=1"});
  CHECK(f.dump("metric offset -10s", 0) == Strings{"metric=1"});
}

TEST_CASE("lookups find the right samples in irregularly spaced data") {
  Fixture f;
  auto id = f.storage.getOrCreate(Labels{{"__name__", "irr"}});
  REQUIRE(id.has_value());
  const std::vector<TimestampMs> times{0, 1000, 2000, 3000, 100'000, 101'000, 250'000, 500'000};
  for (std::size_t i = 0; i < times.size(); ++i) {
    f.storage.append(*id, times[i], static_cast<double>(i));
  }
  // Every instant between and on the samples sees the newest sample at or before it.
  for (TimestampMs t = 0; t <= 600'000; t += 500) {
    std::size_t expected = 0;
    while (expected + 1 < times.size() && times[expected + 1] <= t) {
      ++expected;
    }
    const Vector v = f.vector("irr", t);
    if (t - times[expected] >= 5 * kMin) {
      CHECK(v.empty());
      continue;
    }
    REQUIRE(v.size() == 1);
    CHECK(v[0].v == static_cast<double>(expected));
  }
  // Windows are left-open: (t - range, t].
  CHECK(f.dump("count_over_time(irr[100s])", 101'000) == Strings{"{}=4"});
  CHECK(f.dump("count_over_time(irr[101s])", 101'000) == Strings{"{}=5"});
  CHECK(f.dump("count_over_time(irr[1ms])", 250'000) == Strings{"{}=1"});
}

TEST_CASE("matchers select series; regular expressions are anchored") {
  Fixture f;
  f.load(kMin, {R"(x{job="api-server", g="canary"} 1)", R"(x{job="db", g="production"} 2)"});
  CHECK(f.dump(R"(x{job=~"api.*"})", 0) == Strings{R"(x{g="canary", job="api-server"}=1)"});
  CHECK(f.dump(R"(x{job=~"api"})", 0).empty());
  CHECK(f.dump(R"(x{g!="canary"})", 0) == Strings{R"(x{g="production", job="db"}=2)"});
  CHECK(f.dump(R"({__name__=~"x", job!~"api.+"})", 0) ==
        Strings{R"(x{g="production", job="db"}=2)"});
}

TEST_CASE("a bare range selector returns raw samples without stale markers") {
  Fixture f;
  f.load(10 * kSecond, {"m 1 stale 3"});
  auto r = f.query("m[30s]", 20 * kSecond);
  REQUIRE(r.ok());
  const auto& m = std::get<Matrix>(*r);
  REQUIRE(m.size() == 1);
  REQUIRE(m[0].points.size() == 2);
  CHECK(m[0].points[0].t == 0);
  CHECK(m[0].points[1].v == 3);
}

TEST_CASE("arithmetic and comparisons between vectors and scalars") {
  Fixture f;
  f.load(kMin, {R"(a{i="1"} 10)", R"(a{i="2"} NaN)"});
  CHECK(f.dump("a * 2", 0) == Strings{R"({i="1"}=20)", R"({i="2"}=nan)"});
  CHECK(f.dump("a > 5", 0) == Strings{R"(a{i="1"}=10)"});
  CHECK(f.dump("5 < a", 0) == Strings{R"(a{i="1"}=10)"});
  // NaN compares false, also with bool.
  CHECK(f.dump("a > bool 5", 0) == Strings{R"({i="1"}=1)", R"({i="2"}=0)"});
  CHECK(f.dump("a == NaN", 0).empty());
  CHECK(f.dump("-a", 0) == Strings{R"({i="1"}=-10)", R"({i="2"}=nan)"});
  auto s = f.query("2 ^ 10 % 7", 0);
  REQUIRE(s.ok());
  CHECK(std::get<Scalar>(*s).v == 1024 % 7);
  auto c = f.query("1 < bool 2", 0);
  REQUIRE(c.ok());
  CHECK(std::get<Scalar>(*c).v == 1);
}

TEST_CASE("vector matching: one-to-one, on, ignoring, group_left") {
  Fixture f;
  f.load(kMin,
         {R"(req{job="a", inst="1", code="200"} 10)", R"(req{job="a", inst="1", code="500"} 2)",
          R"(lim{job="a", inst="1"} 4)", R"(lim{job="b", inst="1"} 5)"});
  CHECK(f.dump(R"(req{code="500"} / ignoring(code) lim)", 0) ==
        Strings{R"({inst="1", job="a"}=0.5)"});
  CHECK(f.dump(R"(req{code="500"} / on(job) lim)", 0) == Strings{R"({job="a"}=0.5)"});
  CHECK(
      f.dump("req / ignoring(code) group_left lim", 0) ==
      Strings{R"({code="200", inst="1", job="a"}=2.5)", R"({code="500", inst="1", job="a"}=0.5)"});
  auto many = f.query("req / ignoring(code) lim", 0);
  REQUIRE_FALSE(many.ok());
  CHECK(many.error().message.find("many-to-one matching must be explicit") != std::string::npos);
  auto dup = f.query("lim / on(inst) req", 0);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().message.find("found duplicate series for the match group {inst=\"1\"} on "
                                 "the right hand-side") == 0);
  CHECK(f.dump("req > bool on(job, inst) group_left lim", 0) ==
        Strings{R"({code="200", inst="1", job="a"}=1)", R"({code="500", inst="1", job="a"}=0)"});
}

TEST_CASE("set operators") {
  Fixture f;
  f.load(kMin, {R"(x{i="1"} 1)", R"(x{i="2"} 2)", R"(y{i="2"} 20)", R"(y{i="3"} 30)"});
  CHECK(f.dump("x and y", 0) == Strings{R"(x{i="2"}=2)"});
  CHECK(f.dump("x unless y", 0) == Strings{R"(x{i="1"}=1)"});
  CHECK(f.dump("x or y", 0) == Strings{R"(x{i="1"}=1)", R"(x{i="2"}=2)", R"(y{i="3"}=30)"});
  CHECK(f.dump("x and on() y", 0) == Strings{R"(x{i="1"}=1)", R"(x{i="2"}=2)"});
}

TEST_CASE("aggregations with by and without, NaN and Inf rules") {
  Fixture f;
  f.load(kMin, {R"(m{job="a", i="1"} 1)", R"(m{job="a", i="2"} 3)", R"(m{job="b", i="1"} NaN)",
                R"(m{job="b", i="2"} 5)"});
  CHECK(f.dump("sum by (job) (m)", 0) == Strings{R"({job="a"}=4)", R"({job="b"}=nan)"});
  CHECK(f.dump("avg without (i) (m)", 0) == Strings{R"({job="a"}=2)", R"({job="b"}=nan)"});
  CHECK(f.dump("max by (job) (m)", 0) == Strings{R"({job="a"}=3)", R"({job="b"}=5)"});
  CHECK(f.dump("min by (job) (m)", 0) == Strings{R"({job="a"}=1)", R"({job="b"}=5)"});
  CHECK(f.dump("count(m)", 0) == Strings{"{}=4"});
  CHECK(f.dump("group by (i) (m)", 0) == Strings{R"({i="1"}=1)", R"({i="2"}=1)"});
  f.load(kMin, {R"(big{k="1"} 1e308)", R"(big{k="2"} 1e308)", R"(infs{k="1"} Inf)",
                R"(infs{k="2"} -Inf)"});
  CHECK(f.dump("avg(big)", 0) == Strings{"{}=1e+308"});  // no overflow to Inf
  CHECK(f.dump("stddev(m)", 0) == Strings{"{}=nan"});
  CHECK(f.dump(R"(stdvar(m{job="a"}))", 0) == Strings{"{}=1"});
  CHECK(f.dump("sum(infs)", 0) == Strings{"{}=nan"});
}

TEST_CASE("topk, bottomk and quantile") {
  Fixture f;
  f.load(kMin, {R"(m{g="a", i="1"} 1)", R"(m{g="a", i="2"} NaN)", R"(m{g="a", i="3"} 3)",
                R"(m{g="b", i="1"} 10)"});
  const Vector top = f.vector("topk by (g) (1, m)", 0);
  REQUIRE(top.size() == 2);
  CHECK(top[0].labels.toString() == R"(m{g="a", i="3"})");
  CHECK(top[1].labels.toString() == R"(m{g="b", i="1"})");
  CHECK(f.dump("bottomk(2, m)", 0) == Strings{R"(m{g="a", i="1"}=1)", R"(m{g="a", i="3"}=3)"});
  CHECK(f.dump("topk(0, m)", 0).empty());
  REQUIRE_FALSE(f.query("topk(NaN, m)", 0).ok());
  CHECK(f.dump(R"(quantile(0.5, m{i!="2"}))", 0) == Strings{"{}=3"});
  CHECK(f.dump(R"(quantile by (g) (0.25, m{i!="2"}))", 0) ==
        Strings{R"({g="a"}=1.5)", R"({g="b"}=10)"});
  auto huge = f.query("topk(Inf, m)", 0);
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().code == ErrorCode::kInvalidInput);
  CHECK(huge.error().message == "Scalar value +Inf overflows int64");
}

TEST_CASE("count_values counts elements per value, written as Go writes floats") {
  Fixture f;
  f.load(kMin, {R"(v{g="a", i="1"} 6)", R"(v{g="a", i="2"} 6)", R"(v{g="b", i="1"} 0.1)",
                R"(v{g="b", i="2"} 1e21)"});
  CHECK(f.dump(R"(count_values("ver", v))", 0) ==
        Strings{R"({ver="0.1"}=1)", R"({ver="1000000000000000000000"}=1)", R"({ver="6"}=2)"});
  CHECK(f.dump(R"(count_values by (g) ("ver", v))", 0) ==
        Strings{R"({g="a", ver="6"}=2)", R"({g="b", ver="0.1"}=1)",
                R"({g="b", ver="1000000000000000000000"}=1)"});
  // Without: every other label stays, the name goes; the value may overwrite a label.
  CHECK(f.dump(R"(count_values without (i) ("g", v))", 0) ==
        Strings{R"({g="0.1"}=1)", R"({g="1000000000000000000000"}=1)", R"({g="6"}=2)"});
  auto bad = f.query("count_values(\"a\\xc5z\", v)", 0);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK(bad.error().message == "invalid label name \"a\\xc5z\"");
}

TEST_CASE("delayed name removal") {
  Fixture f;
  f.load(kMin, {R"(a_total{env="1"} 0+1x10)", R"(b_total{env="1"} 0+2x10)"});
  CHECK(f.dump(R"(sum by (__name__) (a_total))", 10 * kMin) == Strings{"a_total=10"});
  CHECK(f.dump(R"(sum by (env) (rate({env="1"}[5m])))", 10 * kMin) == Strings{R"({env="1"}=0.05)"});
  auto clash = f.query(R"(sum by (__name__) (rate({env="1"}[5m])))", 10 * kMin);
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().message == "vector cannot contain metrics with the same labelset");
  REQUIRE_FALSE(f.query(R"(-{env="1"})", 0).ok());
}

TEST_CASE("range queries evaluate each step and merge series after name removal") {
  Fixture f;
  f.load(10 * kMin, {"metric_a 1 _", "metric_b 3 4"});
  auto r = f.engine.range(f.parsed("-metric_a or -metric_b"), f.storage, 0, 20 * kMin, 10 * kMin);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].labels.empty());
  REQUIRE((*r)[0].points.size() == 2);
  CHECK((*r)[0].points[0].v == -1);
  CHECK((*r)[0].points[1].v == -4);
  auto scalar = f.engine.range(f.parsed("time()"), f.storage, 0, 2 * kMin, kMin);
  REQUIRE(scalar.ok());
  REQUIRE(scalar->size() == 1);
  CHECK((*scalar)[0].points.size() == 3);
  CHECK((*scalar)[0].points[2].v == 120);
}

TEST_CASE("a range query fails when names are dropped into a clash at one step") {
  Fixture f;
  f.load(kMin, {R"(x{job="api"} 1 1)", R"(y{job="api"} 2 _)"});
  auto r = f.engine.range(f.parsed(R"(-{job="api"})"), f.storage, 0, kMin, kMin);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "vector cannot contain metrics with the same labelset");
}

}  // namespace
}  // namespace nova::promql
