#include "subset.h"

#include <doctest/doctest.h>

#include "nova/promql/parser.h"

using namespace nova::conformance;
using nova::Labels;

namespace {

nova::promql::ExprPtr mustParse(const std::string& text) {
  nova::promql::ParseResult parsed =
      nova::promql::parse(text, nova::promql::ParseOptions{.allowOutsideSubset = true});
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().toString()));
  return parsed.release();
}

}  // namespace

TEST_CASE("special series are reached through any selector that matches them") {
  SpecialSeries special;
  special.add(SpecialSeries::Kind::kNativeHistogram, Labels{{"__name__", "h"}, {"job", "a"}});
  struct Case {
    const char* expr;
    bool reached;
  };
  const Case cases[] = {
      {"h", true},
      {"rate(h[5m])", true},
      {"sum by (job) (h{job=\"a\"}) + 1", true},
      {"h{job=\"b\"}", false},
      {"{job=~\"a|c\"}", true},
      {"{__name__=~\"h.*\"}", true},
      {"hx + other", false},
      {"-(abs(h offset 1m))", true},
  };
  for (const Case& c : cases) {
    const std::string text = c.expr;
    CAPTURE(text);
    CHECK(special.reachedBy(*mustParse(text)).has_value() == c.reached);
  }
  special.clear();
  CHECK_FALSE(special.reachedBy(*mustParse("h")).has_value());
}

TEST_CASE("the text fallback looks for whole metric names and __name__") {
  SpecialSeries special;
  special.add(SpecialSeries::Kind::kStartTimestamps, Labels{{"__name__", "h"}});
  CHECK(special.reachedByText("rate(h[1m] anchored)"));
  CHECK_FALSE(special.reachedByText("rate(hh[1m] anchored)"));
  CHECK(special.reachedByText("{__name__=~\"x\"} smoothed"));
}
