// Evaluator tests for the calendar functions, sort and sort_desc, the label functions'
// checks, and predict_linear under `@`.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "eval_fixture.h"

namespace nova::promql {
namespace {

using testing::Fixture;
using Strings = std::vector<std::string>;

// The scalar value of a one-element vector without labels.
double dateOf(Fixture& f, std::string_view query, TimestampMs t = 0) {
  return f.single(query, t, "{}");
}

TEST_CASE("calendar functions read UTC dates of values or of the evaluation time") {
  Fixture f;
  // 2006-01-02 22:04:05 UTC, a Monday.
  CHECK(dateOf(f, "year(vector(1136239445))") == 2006);
  CHECK(dateOf(f, "month(vector(1136239445))") == 1);
  CHECK(dateOf(f, "day_of_month(vector(1136239445))") == 2);
  CHECK(dateOf(f, "day_of_year(vector(1136239445))") == 2);
  CHECK(dateOf(f, "day_of_week(vector(1136239445))") == 1);
  CHECK(dateOf(f, "hour(vector(1136239445))") == 22);
  CHECK(dateOf(f, "minute(vector(1136239445))") == 4);
  // Leap years: 2016-02-29, the 366th day of 2016, February of 2016 and 2017, and 1900.
  CHECK(dateOf(f, "day_of_month(vector(1456790399))") == 29);
  CHECK(dateOf(f, "day_of_year(vector(1483191420))") == 366);
  CHECK(dateOf(f, "days_in_month(vector(1454284800))") == 29);
  CHECK(dateOf(f, "days_in_month(vector(1485907200))") == 28);
  CHECK(dateOf(f, "days_in_month(vector(-2206310400))") == 28);
  // Before 1970 days count back correctly; fractions are cut toward zero as Go does.
  CHECK(dateOf(f, "year(vector(-1))") == 1969);
  CHECK(dateOf(f, "day_of_week(vector(-1))") == 3);
  CHECK(dateOf(f, "hour(vector(-1.9))") == 23);
  // Without an argument: the evaluation time.
  CHECK(dateOf(f, "year()", 0) == 1970);
  CHECK(dateOf(f, "minute()", 90 * kMinute) == 30);
  CHECK(dateOf(f, "hour()", 90 * kMinute) == 1);
}

TEST_CASE("calendar functions drop the metric name") {
  Fixture f;
  f.load(kMinute, {R"(ts{job="a"} 1136239445)"});
  CHECK(f.single("year(ts)", 0, R"({job="a"})") == 2006);
}

TEST_CASE("sort and sort_desc order by value with NaN last and keep names") {
  Fixture f;
  f.load(kMinute, {R"(m{i="1"} 3)", R"(m{i="2"} NaN)", R"(m{i="3"} 1)", R"(m{i="4"} 2)"});
  auto order = [&](std::string_view query) {
    Strings out;
    for (const VectorSample& s : f.vector(query, 0)) {
      out.push_back(s.labels.toString());
    }
    return out;
  };
  CHECK(order("sort(m)") == Strings{R"(m{i="3"})", R"(m{i="4"})", R"(m{i="1"})", R"(m{i="2"})"});
  CHECK(order("sort_desc(m)") ==
        Strings{R"(m{i="1"})", R"(m{i="4"})", R"(m{i="3"})", R"(m{i="2"})"});
  Annotations none;
  REQUIRE(f.engine.instant(f.parsed("sort(m)"), f.storage, 0, &none).ok());
  CHECK(none.empty());
  Annotations warned;
  REQUIRE(f.engine.range(f.parsed("sort(m)"), f.storage, 0, kMinute, kMinute, &warned).ok());
  REQUIRE(warned.size() == 1);
  CHECK(warned[0].toString("sort(m)") ==
        "PromQL warning: sort is ineffective for range queries since results are always ordered "
        "by labels (1:1)");
}

TEST_CASE("label_replace and label_join refuse duplicate label sets and bad names") {
  Fixture f;
  f.load(kMinute, {R"(m{a="1", b="x"} 1)", R"(m{a="2", b="x"} 2)"});
  auto dup = f.query(R"(label_replace(m, "a", "", "", ""))", 0);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code == ErrorCode::kInvalidInput);
  CHECK(dup.error().message == "vector cannot contain metrics with the same labelset");
  // Inside an aggregation too: the clash is an error where it happens.
  REQUIRE_FALSE(f.query(R"(sum(label_join(m, "a", "", "b")))", 0).ok());
  auto source = f.query("label_join(m, \"j\", \"\", \"\\xff\")", 0);
  REQUIRE_FALSE(source.ok());
  CHECK(source.error().code == ErrorCode::kInvalidInput);
  CHECK(source.error().message == "invalid source label name in label_join(): \xff");
}

TEST_CASE("predict_linear extrapolates from the evaluation time, also under @") {
  Fixture f;
  f.load(kMinute, {"g 0 60 120 180 240"});
  // The regression over the fixed window (0, 4m] has slope 1/s and value 240 at 4m; it is
  // read an hour after the evaluation time, wherever the window was taken.
  CHECK(f.single("predict_linear(g[5m] @ 240, 3600)", 10 * kMinute, "{}") ==
        doctest::Approx(600 + 3600));
}

}  // namespace
}  // namespace nova::promql
