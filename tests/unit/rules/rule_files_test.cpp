#include "nova/rules/rule_files.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "nova/policy/config.h"

namespace nova::rules {
namespace {

constexpr const char* kErrors = R"(rules:
  - name: errors
    expr: sum(rate(errors_total[1m]))
    threshold: "> 1"
    severity: high
)";
constexpr const char* kLatency = R"(policy: {recovery: 1m}
rules:
  - name: latency
    expr: max(latency_seconds)
    threshold: "> 0.2"
    severity: medium
)";

// Files from a map; a missing one is kNotFound, as core's readFile says it.
FileReader files(std::map<std::string, std::string> texts) {
  return [texts = std::move(texts)](const std::string& path) -> Result<std::string> {
    auto it = texts.find(path);
    if (it == texts.end()) {
      return Error(ErrorCode::kNotFound, "cannot open " + path + ": No such file or directory");
    }
    return it->second;
  };
}

}  // namespace

TEST_CASE("rule files load and merge in order; the first file with a policy gives it") {
  const std::vector<std::string> paths{"a.yaml", "b.yaml"};
  auto set = loadRuleFiles(paths, files({{"a.yaml", kErrors}, {"b.yaml", kLatency}}));
  REQUIRE(set.ok());
  REQUIRE(set->rules.size() == 2);
  CHECK(set->rules[0].name == "errors");
  CHECK(set->rules[1].name == "latency");
  CHECK(set->hasPolicy);
  CHECK(set->policy.recovery == kMinute);
}

TEST_CASE("every problem of every file, one per line; the code is the first problem's") {
  const std::vector<std::string> paths{"gone.yaml", "a.yaml", "bad.yaml", "again.yaml"};
  auto set = loadRuleFiles(
      paths,
      files({{"a.yaml", kErrors}, {"bad.yaml", "rules:\n  - name: x\n"}, {"again.yaml", kErrors}}));
  REQUIRE_FALSE(set.ok());
  CHECK(set.error().code == ErrorCode::kNotFound);
  CHECK(set.error().message ==
        "cannot open gone.yaml: No such file or directory\n"
        "bad.yaml:2:5: rule: missing required field expr\n"
        "bad.yaml:2:5: rule: missing required field threshold\n"
        "bad.yaml:2:5: rule: missing required field severity\n"
        "again.yaml: duplicate rule name \"errors\"");

  const std::vector<std::string> invalid{"bad.yaml"};
  auto problem = loadRuleFiles(invalid, files({{"bad.yaml", "rules: 5\n"}}));
  REQUIRE_FALSE(problem.ok());
  CHECK(problem.error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("load, merge and policy overrides fail with kInvalidInput") {
  auto loaded = load("rules:\n  - name: x\n    expr: up\n", "f.yaml");
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == ErrorCode::kInvalidInput);
  CHECK(loaded.error().message ==
        "f.yaml:2:5: rule: missing required field threshold\n"
        "f.yaml:2:5: rule: missing required field severity");

  auto first = load(kErrors, "a.yaml");
  auto second = load(kErrors, "b.yaml");
  REQUIRE((first.ok() && second.ok()));
  Status merged = merge(*first, std::move(second).value());
  REQUIRE_FALSE(merged.ok());
  CHECK(merged.error().code == ErrorCode::kInvalidInput);
  CHECK(merged.error().message == "duplicate rule name \"errors\"");

  policy::PolicyConfig config;
  Status bad = applyPolicyOverrides(config, "recovery: soon\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK(bad.error().message ==
        "policy:1:11: policy.recovery: invalid duration \"soon\": expected a number");
  Status broken = applyPolicyOverrides(config, "[");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().code == ErrorCode::kInvalidInput);
  Status invalid = applyPolicyOverrides(config, "low: {investigate: 1m}\n");
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.error().code == ErrorCode::kInvalidInput);
}

}  // namespace nova::rules
