#include "at_variants.h"

#include <doctest/doctest.h>

#include <vector>

using namespace nova::conformance;
using nova::TimestampMs;

TEST_CASE("@ goes on every selector and subquery without one, not inside subqueries") {
  auto v = atVariants("sum(rate(x[5m])) + y @ 50 + max_over_time(z[5m:1m])", 100'000);
  REQUIRE(v);
  CHECK(v->expr == "sum(rate(x[5m] @ 100.000)) + y @ 50.000 + max_over_time(z[5m:1m] @ 100.000)");
  CHECK(v->times == std::vector<TimestampMs>{-1'000'000, 0, 20'000, 100'000, 1'000'000});
  auto zero = atVariants("x offset 1m", 0);
  REQUIRE(zero);
  CHECK(zero->expr == "x @ 0.000 offset 1m");
  CHECK(zero->times == std::vector<TimestampMs>{-1000, 0, 1000});
}

TEST_CASE("time-dependent functions skip the check, except inside a subquery") {
  CHECK_FALSE(atVariants("time() - x", 1000));
  CHECK_FALSE(atVariants("timestamp(x)", 1000));
  CHECK_FALSE(atVariants("predict_linear(x[5m], 60)", 1000));
  CHECK_FALSE(atVariants("year()", 1000));
  auto inside = atVariants("max_over_time(timestamp(x)[5m:1m])", 1000);
  REQUIRE(inside);
  CHECK(inside->expr == "max_over_time(timestamp(x)[5m:1m] @ 1.000)");
  CHECK_FALSE(atVariants("sum(", 1000));
}
