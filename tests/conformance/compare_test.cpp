#include "compare.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "nova/core/sample.h"
#include "script_testing.h"

using namespace nova::conformance;
using namespace nova::conformance::testing;
using nova::Labels;
namespace promql = nova::promql;

namespace {

const Labels kA{{"__name__", "m"}, {"a", "1"}};
const Labels kB{{"__name__", "m"}, {"a", "2"}};

}  // namespace

TEST_CASE("almostEqual follows upstream") {
  const double inf = std::numeric_limits<double>::infinity();
  const double stale = nova::staleNaN();
  struct Case {
    double a;
    double b;
    bool want;
  };
  const Case cases[] = {
      {1, 1, true},         {1, 1 + 1e-9, true},
      {1, 1 + 1e-5, false}, {1e300, 1e300 * (1 + 1e-7), true},
      {0, 0, true},         {0, -0.0, true},
      {0, 1e-300, false},   {1e-320, 2e-320, true},  // both subnormal: the absolute bound applies
      {NAN, NAN, true},     {NAN, 1, false},
      {stale, stale, true}, {stale, NAN, false},
      {NAN, stale, false},  {inf, inf, true},
      {inf, -inf, false},   {inf, 1e308, false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.a);
    CAPTURE(c.b);
    CHECK(almostEqual(c.a, c.b) == c.want);
    CHECK(almostEqual(c.b, c.a) == c.want);
  }
}

TEST_CASE("instant vectors match by label set, in any order unless ordered") {
  const EvalCommand ev = mustEval("eval instant at 0 m\n  m{a=\"1\"} 1\n  m{a=\"2\"} NaN\n");
  const Grid grid{0, std::nullopt, 0};
  CHECK_FALSE(compareResult(ev, promql::Vector{{kB, 0, NAN}, {kA, 0, 1}}, grid));
  CHECK(compareResult(ev, promql::Vector{{kA, 0, 1}}, grid)->find("not found") !=
        std::string::npos);
  CHECK(compareResult(ev, promql::Vector{{kA, 0, 1.1}, {kB, 0, NAN}}, grid));
  CHECK(compareResult(ev, promql::Vector{{kA, 0, 1}, {kB, 0, nova::staleNaN()}}, grid));
  CHECK(compareResult(ev, promql::Vector{{kA, 0, 1}, {kB, 0, NAN}, {Labels{}, 0, 1}}, grid));
  CHECK(compareResult(ev, promql::Scalar{0, 1}, grid));

  const EvalCommand ordered =
      mustEval("eval instant at 0 m\n  expect ordered\n  m{a=\"1\"} 1\n  m{a=\"2\"} 2\n");
  CHECK_FALSE(compareResult(ordered, promql::Vector{{kA, 0, 1}, {kB, 0, 2}}, grid));
  CHECK(compareResult(ordered, promql::Vector{{kB, 0, 2}, {kA, 0, 1}}, grid));
}

TEST_CASE("scalars, strings and empty results") {
  const Grid grid{0, std::nullopt, 0};
  const EvalCommand scalar = mustEval("eval instant at 0 1\n  1\n");
  CHECK_FALSE(compareResult(scalar, promql::Scalar{0, 1}, grid));
  CHECK(compareResult(scalar, promql::Scalar{0, 2}, grid));
  CHECK(compareResult(scalar, promql::Vector{{Labels{}, 0, 1}}, grid));

  const EvalCommand empty = mustEval("eval instant at 0 m\n");
  CHECK_FALSE(compareResult(empty, promql::Vector{}, grid));
  CHECK_FALSE(compareResult(empty, promql::Matrix{}, grid));
  CHECK(compareResult(empty, promql::Vector{{kA, 0, 1}}, grid));

  const EvalCommand str = mustEval("eval instant at 0 \"x\"\n  expect string \"x\"\n");
  CHECK_FALSE(compareResult(str, promql::String{0, "x"}, grid));
  CHECK(compareResult(str, promql::String{0, "y"}, grid));
  CHECK(compareResult(str, promql::Vector{}, grid));
}

TEST_CASE("matrices compare timestamps, omitted points and order") {
  const EvalCommand ev =
      mustEval("eval range from 0 to 2m step 1m m\n  m{a=\"1\"} 1 _ 3\n  m{a=\"2\"} 5\n");
  const Grid grid{0, 2 * nova::kMinute, nova::kMinute};
  const promql::Series a{kA, {{0, 1}, {120'000, 3}}};
  const promql::Series b{kB, {{0, 5}}};
  CHECK_FALSE(compareResult(ev, promql::Matrix{a, b}, grid));
  CHECK(compareResult(ev, promql::Matrix{b, a}, grid)->find("not sorted") != std::string::npos);
  CHECK(compareResult(ev, promql::Matrix{promql::Series{kA, {{0, 1}, {60'000, 3}}}, b}, grid));
  CHECK(compareResult(ev, promql::Matrix{promql::Series{kA, {{0, 1}}}, b}, grid));
  CHECK(compareResult(ev, promql::Matrix{a}, grid));

  // Positions past the end of the range cannot be met.
  const Grid shorter{0, nova::kMinute, nova::kMinute};
  CHECK(compareResult(ev, promql::Matrix{a, b}, shorter)->find("more than") != std::string::npos);
}

TEST_CASE("formatValue is short and names the special values") {
  CHECK(formatValue(0.1) == "0.1");
  CHECK(formatValue(-2) == "-2");
  CHECK(formatValue(NAN) == "NaN");
  CHECK(formatValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(formatValue(nova::staleNaN()) == "stale");
}
