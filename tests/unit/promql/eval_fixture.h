#pragma once
// A store loaded in promqltest series notation and an engine to query it, shared by the
// evaluator tests.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "nova/promql/engine.h"
#include "nova/promql/parser.h"
#include "nova/promql/series_notation.h"
#include "nova/tsdb/storage.h"

namespace nova::promql::testing {

struct Fixture {
  tsdb::Storage storage{tsdb::Limits{.retention = 0}};
  Engine engine;
  std::vector<ExprPtr> exprs;

  // Value i of each line lands at i * step; `_` leaves a gap.
  void load(DurationMs step, std::initializer_list<std::string_view> lines) {
    for (std::string_view line : lines) {
      auto parsed = parseSeriesLine(line);
      REQUIRE_MESSAGE(parsed.ok(), line);
      auto id = storage.getOrCreate(parsed->labels);
      REQUIRE(id.has_value());
      for (std::size_t i = 0; i < parsed->values.size(); ++i) {
        if (parsed->values[i]) {
          storage.append(*id, static_cast<TimestampMs>(i) * step, *parsed->values[i]);
        }
      }
    }
  }

  // Parsed expressions are kept alive for the fixture's lifetime.
  const Expr& parsed(std::string_view text) {
    auto result = parse(text, ParseOptions{.allowOutsideSubset = true});
    if (!result.ok()) {
      FAIL(result.error().toString());
    }
    exprs.push_back(result.release());
    return *exprs.back();
  }

  Result<Value> query(std::string_view text, TimestampMs t) {
    return engine.instant(parsed(text), storage, t);
  }

  Vector vector(std::string_view text, TimestampMs t) {
    auto result = query(text, t);
    if (!result.ok()) {
      FAIL(result.error().message);
    }
    REQUIRE(std::holds_alternative<Vector>(*result));
    return std::get<Vector>(*result);
  }

  // The single element of the result, whose labels must print as `labels`.
  double single(std::string_view text, TimestampMs t, std::string_view labels) {
    const Vector v = vector(text, t);
    REQUIRE(v.size() == 1);
    CHECK(v[0].labels.toString() == labels);
    return v[0].v;
  }

  // "labels=value" per element, sorted, for compact comparisons.
  std::vector<std::string> dump(std::string_view text, TimestampMs t) {
    std::vector<std::string> out;
    for (const auto& s : vector(text, t)) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", s.v);
      out.push_back(s.labels.toString() + "=" + (std::isnan(s.v) ? "nan" : buf));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

}  // namespace nova::promql::testing
