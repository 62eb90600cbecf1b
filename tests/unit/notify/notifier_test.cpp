#include "nova/notify/notifier.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nova/notify/log_notifier.h"

namespace nova::notify {

TEST_CASE("the log line carries kind, severity, incident key, action, reason and rules") {
  Notification n;
  n.kind = NotificationKind::kRollbackStarted;
  n.severity = Severity::kHigh;
  n.incidentId = "1700000000000-2";
  n.action = "rollback";
  n.reason = "high: still \"breaching\" after 5m";
  n.rules = {{"error_rate_high", 0.1, "error rate 10%"}, {"api_down", std::nan(""), ""}};
  n.statusUrl = "http://127.0.0.1:9464/status";
  const std::string line = formatLogLine(n);
  CHECK(line ==
        "notification kind=rollback_started severity=high incident=1700000000000-2 "
        "action=rollback reason=\"high: still \\\"breaching\\\" after 5m\" "
        "rule=error_rate_high value=0.1 summary=\"error rate 10%\" rule=api_down value=NaN "
        "summary=\"\" status_url=http://127.0.0.1:9464/status");
}

TEST_CASE("a hold outside an incident has placeholders for the missing fields") {
  Notification n;
  n.kind = NotificationKind::kHold;
  n.reason = "ops: deploy freeze";
  CHECK(formatLogLine(n) ==
        "notification kind=hold severity=none incident=- action=- reason=\"ops: deploy freeze\"");
  LogNotifier notifier;
  CHECK(notifier.send(n).ok());
}

TEST_CASE("makeNotifier builds the log notifier and names unknown types") {
  auto log = makeNotifier({"log", {}});
  REQUIRE(log.ok());
  CHECK((*log)->name() == "log");
  auto typo = makeNotifier({"logg", {}});
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().message.find("did you mean \"log\"") != std::string::npos);
  CHECK_FALSE(makeNotifier({"slack", {}}).ok());
  CHECK_FALSE(makeNotifier({"log", {{"url", "x"}}}).ok());
}

TEST_CASE("kind names") {
  CHECK(toString(NotificationKind::kIncidentOpened) == "incident_opened");
  CHECK(toString(NotificationKind::kRollbackImpossible) == "rollback_impossible");
  CHECK(toString(NotificationKind::kEscalated) == "escalated");
  CHECK(toString(NotificationKind::kRelease) == "release");
}

}  // namespace nova::notify
