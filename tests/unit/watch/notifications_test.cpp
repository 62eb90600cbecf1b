#include "nova/watch/notifications.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace nova::watch {
namespace {

using policy::Action;
using policy::EventKind;

policy::Decision decision(Action action, std::vector<EventKind> kinds) {
  policy::Decision d;
  d.action = action;
  d.reason = "why";
  for (EventKind kind : kinds) {
    d.events.push_back({1000, kind, "", std::string(policy::toString(kind)) + " detail"});
  }
  policy::Incident incident;
  incident.id = "0-1";
  incident.severity = Severity::kHigh;
  incident.rules = {{"a", Severity::kHigh, true, 0.2, "a is high"},
                    {"b", Severity::kLow, false, 0.01, "b is fine"}};
  d.incident = incident;
  return d;
}

std::vector<std::string> kinds(const std::vector<notify::Notification>& sent) {
  std::vector<std::string> out;
  for (const auto& n : sent) {
    out.emplace_back(notify::toString(n.kind));
  }
  return out;
}

}  // namespace

TEST_CASE("each action and each notable event gives one notification, keyed by incident") {
  auto page = notificationsFor(decision(Action::kPage, {EventKind::kIncidentOpened}), "u", 7);
  REQUIRE(page.size() == 1);
  CHECK(kinds(page) == std::vector<std::string>{"incident_opened"});
  CHECK(page[0].incidentId == "0-1");
  CHECK(page[0].action == "page");
  CHECK(page[0].at == 7);
  CHECK(page[0].statusUrl == "u");
  REQUIRE(page[0].rules.size() == 1);  // only the firing rule
  CHECK(page[0].rules[0].name == "a");

  CHECK(kinds(notificationsFor(decision(Action::kNotify, {EventKind::kSeverityChanged}), "", 0)) ==
        std::vector<std::string>{"severity_changed"});
  CHECK(kinds(notificationsFor(decision(Action::kPage, {}), "", 0)) ==
        std::vector<std::string>{"escalated"});
  CHECK(kinds(notificationsFor(
            decision(Action::kRollback, {EventKind::kRollbackDecided, EventKind::kHold}), "", 0)) ==
        std::vector<std::string>{"rollback_started", "hold"});
  auto done = notificationsFor(decision(Action::kNone, {EventKind::kRollbackCompleted}), "", 0);
  CHECK(kinds(done) == std::vector<std::string>{"rollback_done"});
  CHECK(done[0].reason == "rollback_completed detail");
  CHECK(done[0].action == "notify");
  CHECK(notificationsFor(decision(Action::kMonitor, {EventKind::kRulePending}), "", 0).empty());
}

TEST_CASE("a rollback that cannot be done pages as critical") {
  const auto n = rollbackImpossible({"0-1", "errors", "agent", 5}, "blue is gone", "u", 9);
  CHECK(notify::toString(n.kind) == "rollback_impossible");
  CHECK((n.severity == Severity::kCritical));
  CHECK(n.incidentId == "0-1");
  CHECK(n.action == "page");
  CHECK(n.reason == "blue is gone");
  CHECK(n.at == 9);
}

}  // namespace nova::watch
