// Subqueries: the inner expression at the multiples of the step inside (t - range, t],
// moved by offset and @, as a range vector for functions; and the per-query sample limit
// that keeps a long subquery from running without bound.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "eval_fixture.h"

namespace nova::promql {
namespace {

using testing::Fixture;
using Strings = std::vector<std::string>;

// "labels: v@t v@t ..." (times in seconds) for each series of an instant query's matrix.
Strings points(Fixture& f, std::string_view query, TimestampMs t) {
  auto result = f.query(query, t);
  REQUIRE_MESSAGE(result.ok(), result.error().message);
  REQUIRE(std::holds_alternative<Matrix>(*result));
  Strings out;
  for (const Series& s : std::get<Matrix>(*result)) {
    std::string line = s.labels.toString() + ":";
    for (const Sample& p : s.points) {
      line +=
          " " + std::to_string(static_cast<long long>(p.v)) + "@" + std::to_string(p.t / kSecond);
    }
    out.push_back(line);
  }
  return out;
}

TEST_CASE("a subquery evaluates at the multiples of its step inside its window") {
  Fixture f;
  f.load(kMinute, {"m 0+1x20"});
  CHECK(points(f, "m[5m:1m]", 7 * kMinute + 30 * kSecond) ==
        Strings{"m: 3@180 4@240 5@300 6@360 7@420"});
  // The window is left-open: a step on its start is not in it.
  CHECK(points(f, "m[2m:1m]", 5 * kMinute) == Strings{"m: 4@240 5@300"});
  // Without a step: EngineOptions::defaultSubqueryStep (a minute).
  CHECK(points(f, "m[3m:]", 5 * kMinute) == Strings{"m: 3@180 4@240 5@300"});
  CHECK(points(f, "m[90s:30s]", 2 * kMinute) == Strings{"m: 1@60 1@90 2@120"});
  // Offset and @ move the window; the steps stay on the grid.
  CHECK(points(f, "m[2m:1m] offset 90s", 5 * kMinute) == Strings{"m: 2@120 3@180"});
  CHECK(points(f, "m[2m:1m] @ 300", 20 * kMinute) == Strings{"m: 4@240 5@300"});
  CHECK(points(f, "m[2m:1m] @ end() offset 1m", 5 * kMinute) == Strings{"m: 3@180 4@240"});
  // Before time zero the grid goes on.
  CHECK(points(f, "vector(1)[150s:1m]", 0) == Strings{"{}: 1@-120 1@-60 1@0"});
}

TEST_CASE("series whose names a subquery drops into one label set merge") {
  Fixture f;
  f.load(kMinute, {R"(a{k="v"} 1 2 3 stale)", R"(b{k="v"} _ _ _ 4 5)", R"(c{k="v"} _ _ 9 4 5)"});
  CHECK(points(f, R"((-{__name__=~"a|b"})[5m:1m])", 4 * kMinute) ==
        Strings{R"({k="v"}: -1@0 -2@60 -3@120 -4@180 -5@240)"});
  auto clash = f.query(R"((-{__name__=~"a|c"})[5m:1m])", 4 * kMinute);
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().message == "vector cannot contain metrics with the same labelset");
}

TEST_CASE("range functions over subqueries") {
  Fixture f;
  f.load(kMinute, {R"(c_total{i="a"} 0+60x20)", R"(c_total{i="b"} 0+120x20)"});
  CHECK(f.dump("max_over_time(rate(c_total[2m])[5m:1m])", 10 * kMinute) ==
        Strings{R"({i="a"}=1)", R"({i="b"}=2)"});
  // rate over the points a subquery computed, extrapolated to its window.
  CHECK(f.single(R"(rate(c_total{i="a"}[5m:1m]))", 10 * kMinute, R"({i="a"})") ==
        doctest::Approx(1));
  // last_over_time keeps the name, unless the inner expression drops it.
  CHECK(f.dump(R"(last_over_time(c_total{i="a"}[5m:1m]))", 10 * kMinute) ==
        Strings{R"(c_total{i="a"}=600)"});
  CHECK(f.dump(R"(last_over_time((c_total{i="a"} * 2)[5m:1m]))", 10 * kMinute) ==
        Strings{R"({i="a"}=1200)"});
  CHECK(f.dump("count_over_time(count_over_time(c_total[3m:1m])[6m:2m])", 10 * kMinute) ==
        Strings{R"({i="a"}=3)", R"({i="b"}=3)"});
  CHECK(f.dump("absent_over_time(nothing[5m:1m])", 10 * kMinute) == Strings{"{}=1"});
  CHECK(f.dump("absent_over_time(c_total[5m:1m])", 10 * kMinute).empty());
  CHECK(f.dump(R"(quantile_over_time(0.5, c_total{i="b"}[4m:1m]))", 10 * kMinute) ==
        Strings{R"({i="b"}=1020)"});
}

TEST_CASE("a range query over a subquery agrees with instant queries at each step") {
  Fixture f;
  f.load(kMinute, {"c_total 0+1x10 0+10x10"});
  const char* query = "max_over_time(rate(c_total[2m])[4m:30s])";
  auto range = f.engine.range(f.parsed(query), f.storage, 5 * kMinute, 15 * kMinute, kMinute);
  REQUIRE(range.ok());
  REQUIRE(range->size() == 1);
  for (const Sample& p : (*range)[0].points) {
    CAPTURE(p.t);
    CHECK(p.v == f.single(query, p.t, "{}"));
  }
}

TEST_CASE("cached inner results belong to their query's time") {
  Fixture f;
  f.load(kMinute, {"m 0+1x20"});
  // `@ end()` inside the subquery is the query's time, though the inner steps are shared.
  const Expr& query = f.parsed("min_over_time(sum(m @ end())[2m:1m])");
  EvalCache cache;
  for (TimestampMs t : {5 * kMinute, 6 * kMinute}) {
    auto cached = f.engine.instant(query, f.storage, t, cache);
    REQUIRE(cached.ok());
    CHECK(std::get<Vector>(*cached).at(0).v == static_cast<double>(t / kMinute));
  }
}

TEST_CASE("a subquery over a long range at a fine step is refused by the sample limit") {
  Fixture f;
  f.load(kSecond, {"m 0+1x86400"});
  const TimestampMs day = 86400 * kSecond;
  const auto started = std::chrono::steady_clock::now();
  // A day at 1s: 86400 steps reading 300 samples each, far over the default limit.
  auto heavy = f.query("max_over_time(sum_over_time(m[5m])[1d:1s])", day);
  REQUIRE_FALSE(heavy.ok());
  CHECK(heavy.error().code == ErrorCode::kRefused);
  CHECK(heavy.error().message ==
        "query processing would load too many samples into memory in query execution (the "
        "limit is 10000000 samples per query)");
  // A year at 1s is more steps than the limit: refused before any work, even over no data.
  auto empty = f.query("max_over_time(nothing[365d:1s])", day);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == ErrorCode::kRefused);
  // Both stop early (a wall-clock bound, loose enough for a busy machine).
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  // A lower limit set in the options applies the same way.
  Engine small(EngineOptions{.maxSamples = 100});
  auto limited = small.instant(f.parsed("max_over_time(m[1h:1m])"), f.storage, day);
  REQUIRE_FALSE(limited.ok());
  CHECK(limited.error().message.find("the limit is 100 samples per query") != std::string::npos);
  CHECK(small.instant(f.parsed("max_over_time(m[10m:1m])"), f.storage, day).ok());
}

}  // namespace
}  // namespace nova::promql
