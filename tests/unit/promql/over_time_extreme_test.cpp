// max_over_time and min_over_time follow Prometheus's loop exactly: NaN loses against any
// number, an all-NaN window gives NaN, and of +0 and -0 the first one seen wins.
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
#include "nova/tsdb/storage.h"

namespace nova::promql {
namespace {

// The single value of `fn(x[10m])` over `values` sampled every second, ending at the query.
double extreme(std::string_view fn, const std::vector<double>& values) {
  tsdb::Storage storage{tsdb::Limits{.retention = 0}};
  auto id = storage.getOrCreate(Labels{{"__name__", "x"}});
  REQUIRE(id.has_value());
  for (std::size_t i = 0; i < values.size(); ++i) {
    storage.append(*id, static_cast<TimestampMs>(i) * kSecond, values[i]);
  }
  auto parsed = parse(std::string(fn) + "(x[10m])");
  REQUIRE(parsed.ok());
  const auto expr = parsed.release();
  const auto t = static_cast<TimestampMs>(values.size() - 1) * kSecond;
  auto result = Engine{}.instant(*expr, storage, t);
  REQUIRE(result.ok());
  const auto& vec = std::get<Vector>(*result);
  REQUIRE(vec.size() == 1);
  return vec[0].v;
}

std::uint64_t bits(double v) {
  return std::bit_cast<std::uint64_t>(v);
}

TEST_CASE("max and min over time across lanes, NaNs and signed zeros") {
  const double nan = std::nan("");
  std::vector<double> ramp;
  for (int i = 0; i < 37; ++i) {
    ramp.push_back(static_cast<double>((i * 7) % 37));
  }
  CHECK(extreme("max_over_time", ramp) == 36);
  CHECK(extreme("min_over_time", ramp) == 0);
  CHECK(extreme("max_over_time", {nan, nan, 3, nan, 5, 1, 2, 4, 0, 5}) == 5);
  CHECK(extreme("min_over_time", {nan, 3, nan, -5, 1, 2, 4, 0, 5, -4}) == -5);
  CHECK(std::isnan(extreme("max_over_time", {nan, nan, nan, nan, nan, nan})));
  // +0 and -0 compare equal: the first one stays, whatever lane it falls in.
  CHECK(bits(extreme("max_over_time", {-1, -0.0, -2, 0.0, -3, 0.0, -1, -0.0})) == bits(-0.0));
  CHECK(bits(extreme("max_over_time", {-1, -2, -3, -4, -5, 0.0, -0.0, -1})) == bits(0.0));
  CHECK(bits(extreme("min_over_time", {1, 2, 3, 0.0, -0.0, 4, 5, 6, 7})) == bits(0.0));
  CHECK(extreme("max_over_time", {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY}) ==
        -INFINITY);
  CHECK(extreme("max_over_time", {1, 2, 3, 4, 5, 6, 7, 8, 9, INFINITY, 1}) == INFINITY);
}

}  // namespace
}  // namespace nova::promql
