#include "nova/rules/selected_names.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace {

nova::rules::RuleSet loadRules(const std::string& yaml) {
  auto loaded = nova::rules::load(yaml, "test.yaml");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  return std::move(loaded).value();
}

std::string rule(const std::string& name, const std::string& expr) {
  return "  - name: " + name + "\n    expr: '" + expr +
         "'\n    threshold: \"> 1\"\n    severity: low\n    summary: s\n";
}

}  // namespace

TEST_CASE("the names every selector of expressions and guards can reach") {
  const auto ruleSet =
      loadRules("rules:\n" + rule("a", "sum(rate(req_total[1m])) / sum(rate(err_total[1m]))") +
                rule("b", "histogram_quantile(0.9, sum by (le) (rate(lat_bucket[1m])))") +
                "    guard: 'sum(rate(lat_count[1m])) >= bool 1'\n" +
                rule("c", "min({__name__=\"up\", job=\"x\"}) or vector(0)"));
  const auto names = nova::rules::selectedMetricNames(ruleSet);
  REQUIRE(names.has_value());
  CHECK(*names ==
        std::vector<std::string>{"err_total", "lat_bucket", "lat_count", "req_total", "up"});
}

TEST_CASE("a selector without a fixed name means every series must be kept") {
  const auto ruleSet = loadRules("rules:\n" + rule("a", "sum(rate(req_total[1m])) > 0") +
                                 rule("b", "count({job=\"x\"})"));
  CHECK_FALSE(nova::rules::selectedMetricNames(ruleSet).has_value());
}

TEST_CASE("the default rules select a short, fixed list") {
  std::ifstream in(std::string(NOVA_SOURCE_DIR) + "/rules/default.yaml");
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  auto loaded = nova::rules::load(text, "rules/default.yaml");
  REQUIRE(loaded.ok());
  const auto names = nova::rules::selectedMetricNames(*loaded);
  REQUIRE(names.has_value());
  CHECK(std::find(names->begin(), names->end(), "nova_http_requests_total") != names->end());
  CHECK(names->size() < 20);
}
