#include <doctest/doctest.h>

#include "test_util.h"

namespace nova::rules {
namespace {

using test::problems;

const std::string kRules = "rules:\n  - {name: r, expr: up, threshold: \"< 1\", severity: low}\n";

TEST_CASE("policy fields fill PolicyConfig over the defaults") {
  const std::string yaml = kRules +
                           "policy:\n"
                           "  high: {action: notify, investigate: 2m, then: page}\n"
                           "  low: {action: monitor}\n"
                           "  unknown: own\n"
                           "  rollback_window: 1h\n"
                           "  recovery: 30s\n"
                           "  cool_down: 0s\n";
  const LoadReport report = loadDetailed(yaml, "f");
  REQUIRE(report.ok());
  const policy::PolicyConfig& p = report.ruleSet->policy;
  CHECK((p.high ==
         policy::SeverityPolicy{policy::Action::kNotify, 2 * kMinute, policy::Action::kPage}));
  CHECK((p.low.action == policy::Action::kMonitor));
  CHECK((p.critical == policy::PolicyConfig{}.critical));
  CHECK((p.unknown.kind == policy::UnknownCost::Kind::kOwnSeverity));
  CHECK(p.rollbackWindow == kHour);
  CHECK(p.recovery == 30 * kSecond);
  CHECK(p.coolDown == 0);
}

TEST_CASE("a file without policy gets the seed's tree") {
  const LoadReport report = loadDetailed(kRules, "f");
  REQUIRE(report.ok());
  CHECK_FALSE(report.ruleSet->hasPolicy);
  CHECK((report.ruleSet->policy == policy::PolicyConfig{}));
}

TEST_CASE("policy mistakes are all reported") {
  const std::string yaml = kRules +
                           "policy:\n"
                           "  high: {action: pag, investigate: 5 m}\n"
                           "  medium: {action: notify, investgate: 30m}\n"
                           "  unknown: maybe\n"
                           "  rollback_windw: 2h\n"
                           "  low: {action: notify, investigate: 1m}\n"
                           "  critical: {action: rollback, investigate: 1m, then: monitor}\n";
  CHECK(problems(yaml) ==
        std::vector<std::string>{
            "4:18: policy.high.action: unknown action \"pag\"; did you mean page?",
            "4:36: policy.high.investigate: invalid duration \"5 m\": expected a unit (y, w, d, "
            "h, m, s, ms)",
            "5:28: unknown key \"investgate\" in policy.medium; did you mean investigate?",
            "6:12: policy.unknown: unknown cost \"maybe\" (expected ok, own, low, medium, high, "
            "critical)",
            "7:3: unknown key \"rollback_windw\" in policy; did you mean rollback_window?",
            "8:38: policy.low.investigate needs `then:` (the action when still breaching after "
            "it)",
            "9:55: policy.critical.then: monitor would do nothing; use notify, page or rollback",
        });
}

TEST_CASE("merge keeps the first policy and refuses duplicate names") {
  RuleSet a = load(kRules, "a").value();
  RuleSet b = load(
                  "rules:\n  - {name: s, expr: up, threshold: \"< 1\", severity: low}\n"
                  "policy: {recovery: 1m}\n",
                  "b")
                  .value();
  REQUIRE(merge(a, std::move(b)).ok());
  CHECK(a.rules.size() == 2);
  CHECK(a.hasPolicy);
  CHECK(a.policy.recovery == kMinute);
  const Status dup = merge(a, load(kRules, "c").value());
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().message == "duplicate rule name \"r\"");
}

}  // namespace
}  // namespace nova::rules
