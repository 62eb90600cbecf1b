// Every error the promql module returns carries a code, and each error site keeps one golden
// message: parse and type errors are invalid input with line:column, constructs outside the
// local engine are refused, data that cannot give a valid result is invalid input, and the
// per-query sample limit is a refusal naming the limit.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "eval_fixture.h"
#include "nova/promql/parser.h"
#include "nova/promql/series_notation.h"

namespace nova::promql {
namespace {

using testing::Fixture;
constexpr DurationMs kMin = kMinute;

// The error of `query` evaluated at `t` over the fixture's store.
Error evalError(Fixture& f, std::string_view query, TimestampMs t = 0) {
  CAPTURE(query);
  auto r = f.query(query, t);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

TEST_CASE("parse errors: invalid input with line:column") {
  auto syntax = parse("sum(rate(x[5m])\n  by (job)");
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.error().code == ErrorCode::kInvalidInput);
  CHECK(syntax.error().toString() == "2:3: unexpected <by>, expected \",\" or \")\"");
  CHECK(syntax.error().toError().code == ErrorCode::kInvalidInput);
  CHECK(syntax.error().toError().message == syntax.error().toString());

  auto type = parse("rate(x)");
  REQUIRE_FALSE(type.ok());
  CHECK(type.error().code == ErrorCode::kInvalidInput);
  CHECK(type.error().toString() ==
        "1:6: expected type range vector in call to function \"rate\", got instant vector");
}

TEST_CASE("parse errors: constructs outside the local engine are refused") {
  auto local = parse("limitk(2, x)");
  REQUIRE_FALSE(local.ok());
  CHECK(local.error().code == ErrorCode::kRefused);
  CHECK(local.error().toString() ==
        "1:1: aggregation \"limitk\" is not supported by the local engine; use source: "
        "prometheus");
  auto duration = parse("rate(x[1m+1m])");
  REQUIRE_FALSE(duration.ok());
  CHECK(duration.error().code == ErrorCode::kRefused);
  CHECK(duration.error().toString() ==
        "1:8: duration expression is not supported by the local engine; use source: prometheus");
}

TEST_CASE("selector, matcher and series notation errors are invalid input") {
  auto selector = parseSelector("up{job=~\"(\"}");
  REQUIRE_FALSE(selector.ok());
  CHECK(selector.error().code == ErrorCode::kInvalidInput);
  CHECK(selector.error().message == "1:4: error parsing regexp: missing ): (");

  auto matcher = Matcher::create(MatchOp::kRegexMatch, "job", "a[");
  REQUIRE_FALSE(matcher.ok());
  CHECK(matcher.error().code == ErrorCode::kInvalidInput);
  CHECK(matcher.error().message == "error parsing regexp: missing ]: [");

  auto line = parseSeriesLine("up{job=} 1");
  REQUIRE_FALSE(line.ok());
  CHECK(line.error().code == ErrorCode::kInvalidInput);
  CHECK(line.error().message == "column 8: expected a quoted label value");
}

TEST_CASE("evaluation errors about the data are invalid input") {
  Fixture f;
  f.load(kMin, {R"(a{job="x", i="1"} 1)", R"(a{job="x", i="2"} 2)", R"(b{job="x"} 3)",
                R"(c{job="x", code="1"} 4)", R"(d{job="x"} 5)"});

  const Error clash = evalError(f, R"(-{__name__=~"b|d"})");
  CHECK(clash.code == ErrorCode::kInvalidInput);
  CHECK(clash.message == "vector cannot contain metrics with the same labelset");

  const Error duplicate = evalError(f, "b / on(job) a");
  CHECK(duplicate.code == ErrorCode::kInvalidInput);
  CHECK(duplicate.message ==
        "found duplicate series for the match group {job=\"x\"} on the right hand-side of the "
        "operation: [{__name__=\"a\", i=\"1\", job=\"x\"}, {__name__=\"a\", i=\"2\", "
        "job=\"x\"}];many-to-many matching not allowed: matching labels must be unique on one "
        "side");

  const Error oneToOne = evalError(f, "a / on(job) b");
  CHECK(oneToOne.code == ErrorCode::kInvalidInput);
  CHECK(oneToOne.message ==
        "multiple matches for labels: many-to-one matching must be explicit "
        "(group_left/group_right)");

  const Error grouped = evalError(f, R"({__name__=~"b|d"} / on(job) group_left c)");
  CHECK(grouped.code == ErrorCode::kInvalidInput);
  CHECK(grouped.message ==
        "multiple matches for labels: grouping labels must ensure unique matches");

  const Error nanParam = evalError(f, "topk(NaN, a)");
  CHECK(nanParam.code == ErrorCode::kInvalidInput);
  CHECK(nanParam.message == "Parameter value is NaN");

  const Error regex = evalError(f, R"(label_replace(a, "dst", "$1", "i", "(.*"))");
  CHECK(regex.code == ErrorCode::kInvalidInput);
  CHECK(regex.message == "invalid regular expression in label_replace(): (.*");

  const Error replaceDst = evalError(f, "label_replace(a, \"\\xff\", \"\", \"i\", \"(.*)\")");
  CHECK(replaceDst.code == ErrorCode::kInvalidInput);
  CHECK(replaceDst.message == "invalid destination label name in label_replace(): \xff");

  const Error joinDst = evalError(f, "label_join(a, \"\\xff\", \",\", \"i\")");
  CHECK(joinDst.code == ErrorCode::kInvalidInput);
  CHECK(joinDst.message == "invalid destination label name in label_join(): \xff");
}

TEST_CASE("range query arguments are invalid input") {
  Fixture f;
  const Expr& up = f.parsed("up");
  auto step = f.engine.range(up, f.storage, 0, kMin, 0);
  REQUIRE_FALSE(step.ok());
  CHECK(step.error().code == ErrorCode::kInvalidInput);
  CHECK(step.error().message == "zero or negative query resolution step widths are not accepted");
  auto order = f.engine.range(up, f.storage, kMin, 0, kSecond);
  REQUIRE_FALSE(order.ok());
  CHECK(order.error().code == ErrorCode::kInvalidInput);
  CHECK(order.error().message == "end timestamp must not be before start time");
  auto type = f.engine.range(f.parsed("up[5m]"), f.storage, 0, kMin, kSecond);
  REQUIRE_FALSE(type.ok());
  CHECK(type.error().code == ErrorCode::kInvalidInput);
  CHECK(type.error().message ==
        "invalid expression type \"range vector\" for range query, must be Scalar or instant "
        "Vector");
}

TEST_CASE("the sample limit is a refusal that names the limit") {
  Fixture f;
  f.load(kSecond, {"m 0+1x100"});
  Engine small(EngineOptions{.maxSamples = 10});
  auto r = small.instant(f.parsed("sum_over_time(m[1m])"), f.storage, 100 * kSecond);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kRefused);
  CHECK(r.error().message ==
        "query processing would load too many samples into memory in query execution (the "
        "limit is 10 samples per query)");
}

TEST_CASE("what the local engine does not evaluate is refused at evaluation too") {
  Fixture f;
  f.load(kMin, {"a 1"});
  const Error aggregation = evalError(f, "limitk(1, a)");
  CHECK(aggregation.code == ErrorCode::kRefused);
  CHECK(aggregation.message == "aggregation limitk is not supported by the local engine");
  const Error function = evalError(f, "ts_of_max_over_time(a[1m])");
  CHECK(function.code == ErrorCode::kRefused);
  CHECK(function.message == "function ts_of_max_over_time is not supported by the local engine");
}

}  // namespace
}  // namespace nova::promql
