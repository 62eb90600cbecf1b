// The daemon's view of rules the target's buckets cannot show: logged and counted once
// when a finding appears, shown per rule, gone when the buckets change.
#include "nova/daemon/bucket_warnings.h"

#include <doctest/doctest.h>

#include "nova/daemon/metrics.h"

namespace nova::daemon {
namespace {

constexpr const char* kRules =
    "rules:\n"
    "  - name: db_p95\n"
    "    expr: histogram_quantile(0.95, sum by (le) (rate(db_seconds_bucket[1m])))\n"
    "    threshold: \"> 0.1\"\n"
    "    severity: medium\n"
    "  - name: errors\n"
    "    expr: up\n"
    "    threshold: \"< 1\"\n"
    "    severity: low\n";

void addBuckets(tsdb::Storage& storage, std::initializer_list<const char*> les) {
  for (const char* le : les) {
    REQUIRE(storage.getOrCreate(Labels{{"__name__", "db_seconds_bucket"}, {"le", le}}));
  }
}

std::size_t countOf(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

TEST_CASE("a quantile rule over the top finite bucket: found once, counted once, then gone") {
  auto set = rules::load(kRules, "r.yaml");
  REQUIRE(set.ok());
  AgentMetrics metrics("test");
  tsdb::Storage storage;
  addBuckets(storage, {"0.05", "0.1", "+Inf"});
  BucketWarnings warnings(10 * kSecond);
  warnings.update(*set, storage, 1'000, metrics);
  REQUIRE(warnings.forRule("db_p95").size() == 1);
  CHECK((warnings.forRule("db_p95")[0].kind == rules::BucketFinding::Kind::kUnreachable));
  CHECK(warnings.forRule("errors").empty());
  const std::string counted =
      "nova_agent_rule_bucket_warnings_total{kind=\"unreachable\",rule=\"db_p95\"} 1";
  CHECK(countOf(metrics.serialize(), counted) == 1);
  // Checked again later: the same finding is not counted again.
  warnings.update(*set, storage, 20'000, metrics);
  CHECK(countOf(metrics.serialize(), counted) == 1);
  // A bucket above the threshold appears: the finding goes; before the interval it stays.
  addBuckets(storage, {"0.25"});
  warnings.update(*set, storage, 25'000, metrics);
  CHECK(warnings.forRule("db_p95").size() == 1);
  warnings.update(*set, storage, 30'000, metrics);
  CHECK(warnings.forRule("db_p95").empty());
  // A reload checks at once.
  tsdb::Storage coarse;
  addBuckets(coarse, {"0.05", "+Inf"});
  warnings.update(*set, coarse, 30'001, metrics, true);
  CHECK(warnings.forRule("db_p95").size() == 1);
  CHECK(countOf(metrics.serialize(), counted.substr(0, counted.size() - 1) + "2") == 1);
}

}  // namespace
}  // namespace nova::daemon
