// The evaluation cache returns exactly what an uncached evaluation returns: same labels
// (including where the metric name is dropped), same values bit for bit, same errors.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nova/promql/engine.h"
#include "nova/promql/parser.h"
#include "nova/promql/series_notation.h"
#include "nova/tsdb/storage.h"

namespace nova::promql {
namespace {

// "labels=value" lines of a result, with values printed exactly; NaNs print alike.
std::vector<std::string> dump(const Result<Value>& result) {
  if (!result.ok()) {
    return {"error: " + result.error().message};
  }
  std::vector<std::string> out;
  auto number = [](double v) {
    return std::isnan(v) ? std::string("NaN") : std::to_string(std::bit_cast<std::uint64_t>(v));
  };
  if (const auto* s = std::get_if<Scalar>(&*result)) {
    out.push_back("scalar " + number(s->v) + " @" + std::to_string(s->t));
  } else if (const auto* v = std::get_if<Vector>(&*result)) {
    for (const auto& e : *v) {
      out.push_back(e.labels.toString() + "=" + number(e.v) + " @" + std::to_string(e.t));
    }
  } else if (const auto* m = std::get_if<Matrix>(&*result)) {
    for (const auto& series : *m) {
      std::string line = series.labels.toString() + " =";
      for (const auto& p : series.points) {
        line += " " + number(p.v) + "@" + std::to_string(p.t);
      }
      out.push_back(line);
    }
  } else {
    out.push_back("string " + std::get<String>(*result).v);
  }
  return out;
}

struct Fixture {
  tsdb::Storage storage{tsdb::Limits{.retention = 0}};
  Engine engine;
  std::vector<std::unique_ptr<Expr>> exprs;

  Fixture() {
    for (std::string_view line : {
             R"(req_total{job="api",code="200"} 0+10x60)",
             R"(req_total{job="api",code="500"} 0+1x30 stale 0+2x28)",
             R"(req_total{job="web",code="200"} 0+5x60)",
             R"(err_total{job="api"} 0+1x60)",
             R"(conns{pod="a"} 10 20 30 25 20 _ 15 10x50)",
             R"(conns{pod="b"} 5+1x60)",
             R"(lat_bucket{le="0.1"} 0+3x60)",
             R"(lat_bucket{le="0.5"} 0+8x60)",
             R"(lat_bucket{le="+Inf"} 0+10x60)",
             R"(up{job="api"} 1x30 0x30)",
         }) {
      auto parsed = parseSeriesLine(line);
      REQUIRE_MESSAGE(parsed.ok(), line);
      auto id = storage.getOrCreate(parsed->labels);
      REQUIRE(id.has_value());
      for (std::size_t i = 0; i < parsed->values.size(); ++i) {
        if (parsed->values[i]) {
          storage.append(*id, static_cast<TimestampMs>(i) * 10 * kSecond, *parsed->values[i]);
        }
      }
    }
  }

  const Expr& parsed(std::string_view text) {
    auto result = parse(text, ParseOptions{.allowOutsideSubset = true});
    REQUIRE_MESSAGE(result.ok(), text);
    exprs.push_back(result.release());
    return *exprs.back();
  }
};

// Each expression twice (a second parse, so the cache must match by text, not by node).
const std::vector<std::string_view> kTricky = {
    "req_total",
    "-req_total",
    "req_total * 2",
    "req_total > 100",
    "req_total > bool 100",
    "rate(req_total[1m])",
    "sum(rate(req_total[1m]))",
    "sum by (job) (rate(req_total[1m]))",
    "rate(req_total[1m]) / on (job) group_left sum by (job) (rate(req_total[1m]))",
    "(sum(rate(err_total[1m])) or vector(0)) / sum(rate(req_total[1m]))",
    "(sum(rate(missing_total[1m])) or vector(0)) / sum(rate(req_total[1m]))",
    "sum(rate(req_total[1m])) >= bool 0.5",
    "sum(rate(req_total[1m])) >= 0.5",
    "rate(req_total[1m]) > 0.2",
    "rate(req_total[1m]) > 0.2 or rate(err_total[1m])",
    "rate(req_total[1m]) unless on (code) rate(err_total[1m])",
    "abs(-req_total)",
    "abs(-req_total) * on (job, code) group_left req_total",
    "label_replace(rate(req_total[1m]), \"x\", \"$1\", \"job\", \"(.*)\")",
    "max_over_time(conns[10m])",
    "1 - sum(conns) / sum(max_over_time(conns[1m]))",
    "histogram_quantile(0.95, sum by (le) (rate(lat_bucket[1m])))",
    "min(up) < 1",
    "scalar(sum(up)) * 2",
    "time()",
    "vector(time())",
    "timestamp(req_total)",
    "req_total offset 1m - req_total",
    "rate(req_total[1m]) + rate(req_total[1m])",
    "req_total[1m]",
    "rate(req_total[1m]) + on (code) rate(req_total[1m])",
};

TEST_CASE("cached and uncached instant queries agree on tricky expressions") {
  Fixture f;
  EvalCache cache;
  for (TimestampMs t : {300 * kSecond, 301 * kSecond, 590 * kSecond}) {
    for (int pass = 0; pass < 2; ++pass) {
      for (std::string_view text : kTricky) {
        const Expr& expr = f.parsed(text);
        const auto plain = dump(f.engine.instant(expr, f.storage, t));
        const auto cached = dump(f.engine.instant(expr, f.storage, t, cache));
        CHECK_MESSAGE(cached == plain, text, " at ", t, " pass ", pass);
      }
    }
  }
  CHECK(cache.hits() > kTricky.size());
}

TEST_CASE("the name dropped by a remembered node stays dropped on a hit") {
  Fixture f;
  EvalCache cache;
  const Expr& inner = f.parsed("rate(req_total[1m])");
  const Expr& outer = f.parsed("rate(req_total[1m]) > 0");
  const auto first = dump(f.engine.instant(inner, f.storage, 300 * kSecond, cache));
  const auto hit = dump(f.engine.instant(outer, f.storage, 300 * kSecond, cache));
  CHECK(cache.hits() == 1);
  CHECK(hit == dump(f.engine.instant(outer, f.storage, 300 * kSecond)));
  REQUIRE(hit.size() == 3);
  for (const auto& line : hit) {
    CHECK(line.find("req_total") == std::string::npos);
  }
  CHECK(first == hit);
}

TEST_CASE("a different time never hits") {
  Fixture f;
  EvalCache cache;
  const Expr& expr = f.parsed("sum(rate(req_total[1m]))");
  const auto at300 = dump(f.engine.instant(expr, f.storage, 300 * kSecond, cache));
  const auto at500 = dump(f.engine.instant(expr, f.storage, 500 * kSecond, cache));
  CHECK(cache.hits() == 0);
  CHECK(at500 == dump(f.engine.instant(expr, f.storage, 500 * kSecond)));
  CHECK(at300 != at500);
  CHECK(dump(f.engine.instant(expr, f.storage, 300 * kSecond, cache)) == at300);
  CHECK(cache.hits() == 1);
}

TEST_CASE("another storage or engine options start afresh; clear forgets") {
  Fixture f;
  Fixture g;
  EvalCache cache;
  const Expr& expr = f.parsed("sum(req_total)");
  (void)f.engine.instant(expr, f.storage, 300 * kSecond, cache);
  REQUIRE(cache.entries() == 1);
  (void)f.engine.instant(expr, g.storage, 300 * kSecond, cache);
  CHECK(cache.hits() == 0);
  const Engine shortLookback(EngineOptions{.lookbackDelta = kSecond});
  const auto shortResult = dump(shortLookback.instant(expr, g.storage, 305 * kSecond, cache));
  CHECK(shortResult == dump(shortLookback.instant(expr, g.storage, 305 * kSecond)));
  CHECK(cache.hits() == 0);
  cache.clear();
  CHECK(cache.entries() == 0);
}

}  // namespace
}  // namespace nova::promql
