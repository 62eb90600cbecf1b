#include "nova/rules/bucket_check.h"

#include <doctest/doctest.h>

#include "nova/core/files.h"

namespace nova::rules {
namespace {

using Kind = BucketFinding::Kind;

Rule ruleOf(const std::string& expr, const std::string& threshold, const std::string& guard = "") {
  std::string text = "rules:\n  - name: r\n    expr: '" + expr + "'\n    threshold: \"" +
                     threshold + "\"\n    severity: medium\n";
  if (!guard.empty()) {
    text += "    guard: '" + guard + "'\n";
  }
  auto set = load(text, "r.yaml");
  REQUIRE_MESSAGE(set.ok(), set.error().message);
  return set->rules.at(0);
}

// A Prometheus alerting rule: the comparison is in the expression.
Rule alertOf(const std::string& expr) {
  auto set = load("groups:\n  - name: g\n    rules:\n      - alert: r\n        expr: '" + expr +
                      "'\n        labels: {severity: warning}\n",
                  "r.yaml");
  REQUIRE_MESSAGE(set.ok(), set.error().message);
  return set->rules.at(0);
}

std::vector<Labels> buckets(const std::string& metric, std::initializer_list<const char*> les,
                            const std::string& handler = "/a") {
  std::vector<Labels> out;
  for (const char* le : les) {
    out.push_back(Labels{{"__name__", metric}, {"handler", handler}, {"le", le}});
  }
  return out;
}

const std::string kQuantile = "histogram_quantile(0.95, sum by (le) (rate(db_seconds_bucket[1m])))";

std::vector<BucketFinding> check(const Rule& rule, const std::vector<Labels>& series) {
  return checkBuckets(rule, series);
}

TEST_CASE("a quantile threshold at or above the highest finite bucket can never fire") {
  const auto series = buckets("db_seconds_bucket", {"0.05", "0.1", "+Inf"});
  // At the top bound: "> 0.1" can never hold.
  auto at = check(ruleOf(kQuantile, "> 0.1"), series);
  REQUIRE(at.size() == 1);
  CHECK((at[0].kind == Kind::kUnreachable));
  CHECK(at[0].rule == "r");
  CHECK(at[0].metric == "db_seconds_bucket");
  CHECK(at[0].message ==
        "histogram_quantile(0.95, db_seconds_bucket) never exceeds 0.1, the highest finite "
        "bucket, so \"> 0.1\" can never fire; judge the share within the bound instead (bucket "
        "le=\"0.1\" over the count), or add buckets above it; buckets: 0.05, 0.1, +Inf");
  // Above it, too.
  CHECK((check(ruleOf(kQuantile, "> 0.25"), series).at(0).kind == Kind::kUnreachable));
  // ">= 0.1" holds when the quantile reaches the top bound: it can fire (on a boundary).
  CHECK(check(ruleOf(kQuantile, ">= 0.1"), series).empty());
  CHECK((check(ruleOf(kQuantile, ">= 0.1000001"), series).at(0).kind == Kind::kUnreachable));
  // Just below the top bound: reachable, but between buckets.
  auto below = check(ruleOf(kQuantile, "> 0.099"), series);
  REQUIRE(below.size() == 1);
  CHECK((below[0].kind == Kind::kInterpolated));
}

TEST_CASE("a threshold on a boundary is exact; between boundaries it is interpolation") {
  const auto series = buckets("db_seconds_bucket", {"0.05", "0.1", "0.25", "+Inf"});
  CHECK(check(ruleOf(kQuantile, "> 0.1"), series).empty());
  CHECK(check(ruleOf(kQuantile, "> 0.05"), series).empty());
  auto between = check(ruleOf(kQuantile, "> 0.2"), series);
  REQUIRE(between.size() == 1);
  CHECK((between[0].kind == Kind::kInterpolated));
  CHECK(between[0].message ==
        "histogram_quantile(0.95, db_seconds_bucket) > 0.2: the threshold lies between the "
        "buckets 0.1 and 0.25, where the quantile is linear interpolation inside a bucket (an "
        "estimate); a bucket boundary at 0.2 makes it exact");
  auto low = check(ruleOf(kQuantile, "> 0.01"), series);
  REQUIRE(low.size() == 1);
  CHECK(low[0].message.find("below the lowest bucket 0.05") != std::string::npos);
  // Past the top bound: the more serious finding alone.
  CHECK((check(ruleOf(kQuantile, "> 0.3"), series).at(0).kind == Kind::kUnreachable));
}

TEST_CASE("the comparison may sit in the expression, on either side, under wrappers") {
  const auto series = buckets("db_seconds_bucket", {"0.05", "0.1", "+Inf"});
  CHECK((check(alertOf(kQuantile + " > 0.1"), series).at(0).kind == Kind::kUnreachable));
  CHECK((check(alertOf("0.1 < " + kQuantile), series).at(0).kind == Kind::kUnreachable));
  CHECK(check(alertOf("0.1 > " + kQuantile), series).empty());
  CHECK((check(ruleOf("round(" + kQuantile + ", 0.001)", "> 0.1"), series).at(0).kind ==
         Kind::kUnreachable));
  CHECK((check(ruleOf("(" + kQuantile + ")", "> 0.2"), series).at(0).kind == Kind::kUnreachable));
  // "<" can fire anywhere: no finding on the top bound.
  CHECK(check(ruleOf(kQuantile, "< 0.1"), series).empty());
}

TEST_CASE("only the series the selector's matchers select count") {
  auto series = buckets("db_seconds_bucket", {"0.05", "0.1", "+Inf"}, "/a");
  const auto wide = buckets("db_seconds_bucket", {"0.05", "0.1", "0.5", "+Inf"}, "/b");
  series.insert(series.end(), wide.begin(), wide.end());
  const std::string narrow =
      "histogram_quantile(0.95, sum by (le) (rate(db_seconds_bucket{handler=\"/a\"}[1m])))";
  CHECK((check(ruleOf(narrow, "> 0.2"), series).at(0).kind == Kind::kUnreachable));
  // Over every handler, 0.5 is a bucket: 0.2 is between 0.1 and 0.5.
  CHECK((check(ruleOf(kQuantile, "> 0.2"), series).at(0).kind == Kind::kInterpolated));
  // A histogram the target does not expose: nothing to compare with.
  CHECK(check(ruleOf(kQuantile, "> 0.2"), buckets("other_bucket", {"0.1", "+Inf"})).empty());
}

TEST_CASE("a bucket share over an le the histogram lacks selects nothing") {
  const auto series = buckets("db_seconds_bucket", {"0.05", "0.1", "0.25", "+Inf"});
  const std::string share =
      "sum(rate(db_seconds_bucket{le=\"0.2\"}[1m])) / sum(rate(db_seconds_count[1m]))";
  auto missing = check(ruleOf(share, "< 0.95"), series);
  REQUIRE(missing.size() == 1);
  CHECK((missing[0].kind == Kind::kNoSuchBucket));
  CHECK(missing[0].message ==
        "db_seconds_bucket has no bucket le=\"0.2\": the selector is empty, so the rule has no "
        "data; its buckets: 0.05, 0.1, 0.25, +Inf");
  const std::string existing =
      "sum(rate(db_seconds_bucket{le=\"0.25\"}[1m])) / sum(rate(db_seconds_count[1m]))";
  CHECK(check(ruleOf(existing, "< 0.95"), series).empty());
  // The share at the top finite bucket has no blind spot: no finding.
  const std::string top =
      "sum(rate(db_seconds_bucket{le=\"0.1\"}[1m])) / sum(rate(db_seconds_count[1m]))";
  CHECK(
      check(ruleOf(top, "< 0.95"), buckets("db_seconds_bucket", {"0.05", "0.1", "+Inf"})).empty());
  // The same number spelled otherwise is another label value.
  auto spelled = check(ruleOf(existing, "< 0.95"),
                       buckets("db_seconds_bucket", {"0.050", "0.100", "0.250", "+Inf"}));
  REQUIRE(spelled.size() == 1);
  CHECK(spelled[0].message.find("(the target spells it \"0.250\"; le matches as text)") !=
        std::string::npos);
  // In the guard too.
  auto guarded = check(ruleOf("sum(rate(db_seconds_count[1m]))", "> 1",
                              "sum(rate(db_seconds_bucket{le=\"0.3\"}[1m])) > bool 0"),
                       series);
  REQUIRE(guarded.size() == 1);
  CHECK((guarded[0].kind == Kind::kNoSuchBucket));
}

TEST_CASE("the default rules read shares at boundaries the demo service exposes") {
  // nova-demo-service's buckets, for requests and database queries alike (prometheus-cpp
  // spells them "0.2", "0.1").
  const std::initializer_list<const char*> les = {
      "0.005", "0.01", "0.025", "0.05", "0.1", "0.2", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"};
  auto series = buckets("nova_http_request_duration_seconds_bucket", les);
  const auto db = buckets("pg_query_duration_seconds_bucket", les);
  series.insert(series.end(), db.begin(), db.end());
  auto text = readFile(std::string(NOVA_SOURCE_DIR) + "/rules/default.yaml", 1 << 20);
  REQUIRE(text.ok());
  auto set = load(*text, "default.yaml");
  REQUIRE(set.ok());
  CHECK(checkBuckets(*set, series).empty());
  // An exporter whose top finite DB bucket is 0.05 has no 0.1: db_query_p95 selects nothing.
  const auto coarse = buckets("pg_query_duration_seconds_bucket", {"0.01", "0.05", "+Inf"});
  const auto findings = checkBuckets(*set, coarse);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].rule == "db_query_p95");
  CHECK((findings[0].kind == Kind::kNoSuchBucket));
  CHECK(isBucketSeries(series[0]));
  CHECK_FALSE(isBucketSeries(Labels{{"__name__", "x_bucket"}}));
  CHECK_FALSE(isBucketSeries(Labels{{"__name__", "x"}, {"le", "1"}}));
}

}  // namespace
}  // namespace nova::rules
