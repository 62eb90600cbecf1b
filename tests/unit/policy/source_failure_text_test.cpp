// The incident text tells a measurement source that cannot answer from green that fails.
#include <doctest/doctest.h>

#include <limits>

#include "harness.h"
#include "nova/policy/escalator.h"

namespace policy_test {
namespace {

using nova::Severity;
using nova::policy::PolicyConfig;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<RuleSpec> rules() {
  return {{"api_down", Severity::kCritical, 0}, {"remote_errors", Severity::kMedium, 0}};
}

TEST_CASE("a rule unknown because its remote source failed: the text blames the source") {
  Escalator escalator(PolicyConfig{}, rules(), kSwitch);
  const RuleObservation sourceDown{
      "remote_errors", kUnknown, std::numeric_limits<double>::quiet_NaN(),
      "unknown: the measurement source failed, not green: remote source \"prometheus\": "
      "unreachable: Connection refused",
      "prometheus"};
  const RuleObservation greenUp{"api_down", kOk, 1, "green /health failing (health_up=1)", ""};
  const std::vector<RuleObservation> tick{greenUp, sourceDown};
  const Decision d = escalator.step(tick, at(0, 10));
  CHECK(str(d.action) == "notify");
  CHECK(d.reason ==
        "medium: remote_errors=unknown (measurement source \"prometheus\" failed, not green)");
  REQUIRE(d.incident.has_value());
  REQUIRE(d.incident->rules.size() == 1);
  CHECK(d.incident->rules[0].failedSource == "prometheus");
  CHECK(contains(d.incident->rules[0].summary, "measurement source failed, not green"));
}

TEST_CASE("green's own probe failing: the text speaks of green, not of a source") {
  Escalator escalator(PolicyConfig{}, rules(), kSwitch);
  const RuleObservation greenDown{"api_down", kBad, 0, "green /health failing (health_up=0)", ""};
  const RuleObservation remoteOk{"remote_errors", kOk, 0, "", ""};
  const std::vector<RuleObservation> tick{greenDown, remoteOk};
  const Decision d = escalator.step(tick, at(0, 10));
  CHECK(str(d.action) == "rollback");
  CHECK(d.reason == "critical: api_down=0");
  REQUIRE(d.incident.has_value());
  CHECK(d.incident->rules[0].failedSource.empty());
  CHECK(d.incident->rules[0].summary == "green /health failing (health_up=0)");
  CHECK_FALSE(contains(d.reason, "measurement source"));
}

TEST_CASE("a source that answers again: the rule's text no longer names it") {
  Escalator escalator(PolicyConfig{}, rules(), kSwitch);
  const RuleObservation greenUp{"api_down", kOk, 1, "", ""};
  const std::vector<RuleObservation> failed{
      greenUp,
      {"remote_errors", kUnknown, std::numeric_limits<double>::quiet_NaN(), "x", "prometheus"}};
  escalator.step(failed, at(0, 10));
  const std::vector<RuleObservation> breaching{greenUp,
                                               {"remote_errors", kBad, 0.03, "error rate 3%", ""}};
  const Decision d = escalator.step(breaching, at(0, 20));
  REQUIRE(d.incident.has_value());
  REQUIRE(d.incident->rules.size() == 1);
  CHECK(d.incident->rules[0].failedSource.empty());
  CHECK(d.incident->rules[0].summary == "error rate 3%");
}

}  // namespace
}  // namespace policy_test
