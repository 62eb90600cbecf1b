#include "nova/dashboard/views.h"

#include <doctest/doctest.h>

#include <cmath>

#include "rule_fixture.h"

namespace nova::dashboard {
namespace {

using policy::EventKind;
using State = policy::RuleObservation::State;

rules::RuleEvaluation evaluation(std::string rule, State state, double value,
                                 std::string reason = "") {
  rules::RuleEvaluation e;
  e.observation = {std::move(rule), state, value, "summary"};
  e.reason = std::move(reason);
  return e;
}

constexpr TimestampMs kT0 = 1'700'000'000'000;

}  // namespace

TEST_CASE("rule views tell ok, not enough traffic, pending, breaching and no data apart") {
  const auto set = test::defaultRules();
  const std::vector<rules::RuleEvaluation> evaluations{
      evaluation("latency_p95", State::kBreaching, 0.912),
      evaluation("error_rate_high", State::kBreaching, 0.08),
      evaluation("error_rate_slo", State::kOk, 0.0, "guard false: not enough traffic to judge"),
      evaluation("db_query_p95", State::kUnknown, std::nan(""), "no data"),
      evaluation("api_down", State::kOk, 1),
      evaluation("websocket_sudden_drop", State::kOk, std::nan(""),
                 "guard has had no data yet: not enough traffic to judge"),
  };
  const std::vector<policy::TimelineEvent> timeline{
      {kT0, EventKind::kRulePending, "error_rate_high", ""},
      {kT0 + 1000, EventKind::kRulePending, "latency_p95", ""},
      {kT0 + 60'000, EventKind::kRuleFiring, "error_rate_high", ""},
  };
  const auto views = ruleViews(set, evaluations, timeline);
  REQUIRE(views.size() == set.rules.size());
  auto find = [&](const std::string& name) {
    for (const RuleView& v : views) {
      if (v.name == name) {
        return v;
      }
    }
    FAIL("no view " << name);
    return views.front();
  };
  CHECK(find("latency_p95").state == RuleState::kPending);
  CHECK(find("latency_p95").since == kT0 + 1000);
  // Its value is the share of requests within 200 ms, and reads as one.
  CHECK(find("latency_p95").unit == Unit::kRatio);
  CHECK(formatValue(find("latency_p95").value, find("latency_p95").unit) == "91.2 %");
  CHECK(formatThreshold(find("latency_p95").threshold, find("latency_p95").unit) == "< 95 %");
  CHECK(find("error_rate_high").state == RuleState::kBreaching);
  CHECK(find("error_rate_high").since == kT0 + 60'000);
  CHECK(find("error_rate_high").unit == Unit::kRatio);
  CHECK(find("error_rate_slo").state == RuleState::kNotEnoughTraffic);
  CHECK(find("db_query_p95").state == RuleState::kNoData);
  CHECK(find("db_query_p95").reason == "no data");
  CHECK(find("api_down").state == RuleState::kOk);
  CHECK(find("websocket_sudden_drop").state == RuleState::kNotEnoughTraffic);
  CHECK(find("data_loss").state == RuleState::kNoData);
  CHECK(find("data_loss").reason == "not evaluated yet");
  CHECK(ruleStateName(RuleState::kNotEnoughTraffic) == "not_enough_traffic");
}

TEST_CASE("units read as people read them") {
  CHECK(formatValue(0.2, Unit::kSeconds) == "200 ms");
  CHECK(formatValue(1.25, Unit::kSeconds) == "1.25 s");
  CHECK(formatValue(0.001, Unit::kRatio) == "0.1 %");
  CHECK(formatValue(0.0734, Unit::kRatio) == "7.34 %");
  CHECK(formatValue(120, Unit::kCount) == "120");
  CHECK(formatValue(123456, Unit::kNone) == "123456");
  CHECK(formatValue(std::nan(""), Unit::kSeconds) == "no value");
  CHECK(formatThreshold({rules::ThresholdOp::kGreater, 0.1}, Unit::kSeconds) == "> 100 ms");
  CHECK(parseUnitName("seconds") == Unit::kSeconds);
  CHECK(parseUnitName("none") == Unit::kNone);
  CHECK_FALSE(parseUnitName("ms"));
  CHECK_FALSE(parseUnitName(""));
}

TEST_CASE("a rule's unit: its summary's, else a ratio where its expression divides two series") {
  const auto set = test::loadRules(R"(rules:
  - {name: share, expr: 'round(sum(rate(x_bucket{le="0.2"}[1m])) / sum(rate(x_count[1m])), 1e-6)',
     threshold: "< 0.95", severity: low}
  - {name: complement, expr: '1 - (sum(a) / sum(b))', threshold: "> 0.2", severity: low}
  - {name: clamped, expr: 'clamp_max(sum(a) / on() sum(b), 1)', threshold: "> 0.2", severity: low}
  - {name: mean, expr: 'sum(rate(x_sum[1m])) / sum(rate(x_count[1m]))', threshold: "> 0.2",
     severity: low}
  - {name: halved, expr: 'sum(a) / 2', threshold: "> 0.2", severity: low}
  - {name: p95, expr: 'histogram_quantile(0.95, sum by (le) (rate(x_bucket[1m])))',
     threshold: "> 0.2", severity: low}
  - {name: told, expr: 'sum(a) / sum(b)', threshold: "> 0.2", severity: low,
     summary: "{{ $value | humanizeDuration }} per item"}
  - {name: counted, expr: sum(a), threshold: "> 0.2", severity: low,
     summary: "{{ $value | humanizePercentage }}"}
)");
  auto unit = [&](const char* name) { return unitOfRule(*set.find(name)); };
  CHECK(unit("share") == Unit::kRatio);
  CHECK(unit("complement") == Unit::kRatio);
  CHECK(unit("clamped") == Unit::kRatio);
  CHECK(unit("mean") == Unit::kNone);
  CHECK(unit("halved") == Unit::kNone);
  CHECK(unit("p95") == Unit::kNone);
  CHECK(unit("told") == Unit::kSeconds);
  CHECK(unit("counted") == Unit::kRatio);
  const auto defaults = test::defaultRules();
  CHECK(unitOfRule(*defaults.find("latency_p95")) == Unit::kRatio);
  CHECK(unitOfRule(*defaults.find("websocket_sudden_drop")) == Unit::kRatio);
  CHECK(unitOfRule(*defaults.find("api_down")) == Unit::kNone);
}

TEST_CASE("next step: HIGH rolls back 5m after it was reached, unless it recovers") {
  policy::PolicyConfig config;
  policy::Incident incident;
  incident.id = "1-1";
  incident.severity = Severity::kHigh;
  incident.current = Severity::kHigh;
  incident.state = policy::IncidentState::kInvestigating;
  incident.startedAt = kT0;
  const std::vector<policy::TimelineEvent> timeline{
      {kT0, EventKind::kIncidentOpened, "", "1-1 at medium: latency_p95=0.3"},
      {kT0 + 40'000, EventKind::kSeverityChanged, "", "medium -> high"},
  };
  const TimestampMs windowEnd = kT0 + 2 * kHour;
  const TimestampMs now = kT0 + 2 * kMinute;

  auto step = nextStep(config, incident, timeline, std::nullopt, windowEnd, now);
  REQUIRE(step);
  CHECK(policy::toString(step->action) == "rollback");
  CHECK(step->dueAt == kT0 + 40'000 + 5 * kMinute);
  CHECK(step->condition == "unless it recovers");

  SUBCASE("back at medium: the page after 30m from the start") {
    incident.current = Severity::kMedium;
    step = nextStep(config, incident, timeline, std::nullopt, windowEnd, now);
    REQUIRE(step);
    CHECK(policy::toString(step->action) == "page");
    CHECK(step->dueAt == kT0 + 30 * kMinute);
  }
  SUBCASE("a hold past the due time is named") {
    policy::Hold hold{"alice", "looking", now, kT0 + 20 * kMinute};
    step = nextStep(config, incident, timeline, hold, windowEnd, now);
    REQUIRE(step);
    CHECK(policy::toString(step->action) == "rollback");
    CHECK(step->condition == "held by alice until 2023-11-14T22:33:20Z: no automatic rollback");
  }
  SUBCASE("after the rollback window a person decides") {
    step = nextStep(config, incident, timeline, std::nullopt, kT0 + 3 * kMinute, now);
    REQUIRE(step);
    CHECK(policy::toString(step->action) == "page");
  }
  SUBCASE("without its events the severities count from the start") {
    step = nextStep(config, incident, {}, std::nullopt, windowEnd, now);
    REQUIRE(step);
    CHECK(step->dueAt == kT0 + 5 * kMinute);
  }
  SUBCASE("a due rollback stays due, now") {
    step = nextStep(config, incident, timeline, std::nullopt, windowEnd, kT0 + 10 * kMinute);
    REQUIRE(step);
    CHECK(step->dueAt == kT0 + 10 * kMinute);
  }
  SUBCASE("rolling back, rolled back, recovering") {
    incident.state = policy::IncidentState::kRollingBack;
    step = nextStep(config, incident, timeline, std::nullopt, windowEnd, now);
    REQUIRE(step);
    CHECK(step->dueAt == now);
    incident.state = policy::IncidentState::kRolledBack;
    CHECK_FALSE(nextStep(config, incident, timeline, std::nullopt, windowEnd, now));
    incident.state = policy::IncidentState::kRecovering;
    std::vector<policy::TimelineEvent> cleared = timeline;
    cleared.push_back({now, EventKind::kRuleCleared, "latency_p95", ""});
    step = nextStep(config, incident, cleared, std::nullopt, windowEnd, now);
    REQUIRE(step);
    CHECK(step->dueAt == now + 5 * kMinute);
    CHECK(step->condition == "resolves after 5m clear");
  }
}

TEST_CASE("next step: LOW has nothing scheduled") {
  policy::Incident incident;
  incident.id = "1-1";
  incident.severity = Severity::kLow;
  incident.current = Severity::kLow;
  incident.startedAt = kT0;
  CHECK_FALSE(nextStep({}, incident, {}, std::nullopt, kT0 + kHour, kT0 + kMinute));
}

}  // namespace nova::dashboard
