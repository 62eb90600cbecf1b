#include "nova/policy/config.h"

#include <doctest/doctest.h>

#include <string>

#include "nova/policy/incident.h"
#include "nova/policy/timeline.h"

using namespace nova;
using namespace nova::policy;

// doctest finds nova's toString(enum) by ADL and cannot print a string_view, so enum
// values are compared through their names.
namespace {
std::string str(Action a) {
  return std::string(toString(a));
}
std::string str(std::optional<Action> a) {
  return a ? str(*a) : "(none)";
}
}  // namespace

TEST_CASE("actions print and parse by name") {
  for (Action action :
       {Action::kNone, Action::kMonitor, Action::kNotify, Action::kPage, Action::kRollback}) {
    CHECK(str(parseAction(toString(action))) == str(action));
  }
  CHECK(str(Action::kRollback) == "rollback");
  CHECK(str(parseAction("page")) == "page");
  CHECK_FALSE(parseAction("Rollback").has_value());
  CHECK_FALSE(parseAction("").has_value());
  REQUIRE(actionNames().size() == 5);
  CHECK(std::string(actionNames()[4]) == "rollback");
  CHECK((Action::kRollback > Action::kPage));
  CHECK((Action::kPage > Action::kNotify));
}

TEST_CASE("unknown cost parses ok, own and severity names") {
  REQUIRE(parseUnknownCost("ok").has_value());
  CHECK(parseUnknownCost("ok")->kind == UnknownCost::Kind::kOk);
  CHECK(parseUnknownCost("own")->kind == UnknownCost::Kind::kOwnSeverity);
  const auto high = parseUnknownCost("high");
  REQUIRE(high.has_value());
  CHECK(high->kind == UnknownCost::Kind::kFixedSeverity);
  CHECK((high->severity == Severity::kHigh));
  CHECK_FALSE(parseUnknownCost("none").has_value());
  CHECK_FALSE(parseUnknownCost("bad").has_value());
  for (const char* text : {"ok", "own", "low", "medium", "high", "critical"}) {
    CAPTURE(text);
    CHECK(toString(*parseUnknownCost(text)) == text);
  }
}

TEST_CASE("the default config is the seed's escalation tree") {
  const PolicyConfig config;
  CHECK(str(config.critical.action) == "rollback");
  CHECK(config.critical.investigate == 0);
  CHECK(str(config.high.action) == "page");
  CHECK(config.high.investigate == 5 * kMinute);
  CHECK(str(config.high.afterInvestigation) == "rollback");
  CHECK(str(config.medium.action) == "notify");
  CHECK(config.medium.investigate == 30 * kMinute);
  CHECK(str(config.medium.afterInvestigation) == "page");
  CHECK(str(config.low.action) == "notify");
  CHECK(str(config.low.afterInvestigation) == "none");
  CHECK(config.rollbackWindow == 2 * kHour);
  CHECK(toString(config.unknown) == "medium");
  CHECK(validate(config).ok());
  CHECK(&config.forSeverity(Severity::kHigh) == &config.high);
  CHECK(config.forSeverity(Severity::kNone).ignored());
}

TEST_CASE("validate names the bad field") {
  const auto messageOf = [](const PolicyConfig& config) {
    const Status status = validate(config);
    if (status.ok()) {
      return std::string("ok");
    }
    CHECK(status.error().code == nova::ErrorCode::kInvalidInput);
    return status.error().message;
  };
  PolicyConfig config;
  config.high.investigate = -1;
  CHECK(messageOf(config) == "policy.high.investigate: must not be negative");
  config = {};
  config.medium.afterInvestigation = Action::kMonitor;
  CHECK(messageOf(config) ==
        "policy.medium.afterInvestigation: \"monitor\" after an investigation does nothing; use "
        "notify, page, rollback or none");
  config = {};
  config.low.investigate = kMinute;
  CHECK(messageOf(config) ==
        "policy.low.investigate: an investigation window needs an afterInvestigation action");
  config = {};
  config.recovery = -5;
  CHECK(messageOf(config) == "policy.recovery: must not be negative");
  config = {};
  config.unknown = {UnknownCost::Kind::kFixedSeverity, Severity::kNone};
  CHECK(messageOf(config) ==
        "policy.unknown: a fixed cost needs a severity (low, medium, high, critical)");
}

TEST_CASE("event kinds and incident states print and parse by name") {
  REQUIRE(eventKindNames().size() == 16);
  for (std::size_t i = 0; i < eventKindNames().size(); ++i) {
    const auto kind = static_cast<EventKind>(i);
    CHECK(std::string(toString(kind)) == std::string(eventKindNames()[i]));
    CHECK((parseEventKind(toString(kind)) == kind));
  }
  CHECK(std::string(toString(EventKind::kWindowExpired)) == "window_expired");
  CHECK_FALSE(parseEventKind("rollback").has_value());
  REQUIRE(incidentStateNames().size() == 6);
  for (std::size_t i = 0; i < incidentStateNames().size(); ++i) {
    const auto state = static_cast<IncidentState>(i);
    CHECK((parseIncidentState(toString(state)) == state));
  }
  CHECK(std::string(toString(IncidentState::kRollingBack)) == "rolling_back");
  CHECK_FALSE(parseIncidentState("closed").has_value());
}
