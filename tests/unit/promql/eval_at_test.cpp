// The `@` modifier: a selector pinned to a time reads there whatever the evaluation time;
// `@ start()` and `@ end()` are the range query's first and last step (an instant query's
// time).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "eval_fixture.h"

namespace nova::promql {
namespace {

using testing::Fixture;
using Strings = std::vector<std::string>;

TEST_CASE("@ pins instant and range selectors, offset applies after it") {
  Fixture f;
  f.load(kMinute, {"m 0+1x20"});
  CHECK(f.single("m @ 300", 0, "m") == 5);
  CHECK(f.single("m @ 300", 20 * kMinute, "m") == 5);
  CHECK(f.single("m @ 300 offset 2m", 20 * kMinute, "m") == 3);
  CHECK(f.single("m offset 2m @ 300", 20 * kMinute, "m") == 3);
  CHECK(f.single("sum_over_time(m[2m] @ 300)", 20 * kMinute, "{}") == 4 + 5);
  // The sample's own time, not the evaluation time.
  CHECK(f.single("timestamp(m @ 300.5)", 0, "{}") == 300);
  CHECK(f.single("absent_over_time(nothing[1m] @ 300)", 0, "{}") == 1);
  CHECK(f.vector("absent_over_time(m[1m] @ 300)", 0).empty());
  // Negative times are times like any other.
  CHECK(f.vector("m @ -60", 20 * kMinute).empty());
}

TEST_CASE("@ start() and @ end() follow the query's window") {
  Fixture f;
  f.load(kMinute, {"m 0+1x20"});
  CHECK(f.single("m @ end()", 7 * kMinute, "m") == 7);
  auto r = f.engine.range(f.parsed("m @ start() + m @ end()"), f.storage, 2 * kMinute, 6 * kMinute,
                          2 * kMinute);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  REQUIRE((*r)[0].points.size() == 3);
  for (const Sample& p : (*r)[0].points) {
    CHECK(p.v == 2 + 6);
  }
  auto moving =
      f.engine.range(f.parsed("m - m @ start()"), f.storage, 2 * kMinute, 6 * kMinute, 2 * kMinute);
  REQUIRE(moving.ok());
  REQUIRE((*moving)[0].points.size() == 3);
  CHECK((*moving)[0].points[2].v == 4);
}

}  // namespace
}  // namespace nova::promql
