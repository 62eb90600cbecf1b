#include <doctest/doctest.h>

#include "notify_test_support.h"
#include "nova/notify/alertmanager_notifier.h"
#include "nova/notify/event_json.h"
#include "nova/notify/pagerduty_notifier.h"
#include "nova/notify/slack_notifier.h"
#include "nova/notify/webhook_notifier.h"

namespace nova::notify {

using test::incident;
using test::parse;

TEST_CASE("mrkdwn escaping replaces exactly &, < and >, & first") {
  CHECK(escapeMrkdwn("a < b && c > d 'q' \"x\"") == "a &lt; b &amp;&amp; c &gt; d 'q' \"x\"");
  CHECK(escapeMrkdwn("&lt;") == "&amp;lt;");
}

TEST_CASE("Slack payload: header, fields, reason, link to /status and a fallback text") {
  auto n = incident(NotificationKind::kRollbackStarted, Severity::kHigh);
  n.reason = "errors <5xx> & timeouts > 5%";
  const auto body = parse(slackPayload({n})).as_object();
  CHECK(body.at("text") == "[HIGH] Rollback started: errors &lt;5xx&gt; &amp; timeouts &gt; 5%");
  const auto& blocks = body.at("blocks").as_array();
  REQUIRE(blocks.size() == 4);
  CHECK(blocks[0].at("type") == "header");
  CHECK(blocks[0].at("text").at("type") == "plain_text");
  CHECK(blocks[0].at("text").at("text") == "[HIGH] Rollback started");
  const auto& fields = blocks[1].at("fields").as_array();
  REQUIRE(fields.size() == 5);
  CHECK(fields[0].at("text") == "*Severity*\nhigh");
  CHECK(fields[1].at("text") == "*Action taken*\nrollback");
  CHECK(fields[2].at("text") == "*Incident*\n1790000000000-1");
  CHECK(fields[3].at("text") == "*Rule*\n`error_rate_high`");
  CHECK(fields[4].at("text") == "*Value*\n0.072 (threshold 0.05)");
  for (const auto& f : fields) {
    CHECK(f.at("type") == "mrkdwn");
  }
  CHECK(blocks[2].at("text").at("text") ==
        "errors &lt;5xx&gt; &amp; timeouts &gt; 5%\n• error_rate_high: error rate 7.2% on green");
  CHECK(blocks[3].at("type") == "context");
  CHECK(blocks[3].at("elements").at(0).at("text") ==
        "<http://127.0.0.1:9464/status|Agent status (/status)> · at 2026-09-21T14:13:20.000Z");
}

TEST_CASE("Slack payload keeps Block Kit limits and names coalesced updates") {
  auto n = incident(NotificationKind::kSeverityChanged, Severity::kCritical);
  n.rules.clear();
  for (int i = 0; i < 12; ++i) {
    n.rules.push_back({"rule_" + std::to_string(i), 1.0 * i, "", std::nan("")});
  }
  auto first = incident(NotificationKind::kIncidentOpened, Severity::kHigh);
  const auto body = parse(slackPayload({first, n})).as_object();
  const auto& blocks = body.at("blocks").as_array();
  CHECK(blocks[1].at("fields").as_array().size() <= 10);
  CHECK(blocks[1].at("fields").at(4).at("text") == "*Value*\n0");  // no threshold shown
  const std::string context(blocks[3].at("elements").at(0).at("text").as_string());
  CHECK(context.find("also since the last message: Incident opened") != std::string::npos);
  n.reason = std::string(200, 'x');
  n.kind = NotificationKind::kRollbackImpossible;
  const auto header = parse(slackPayload({n})).at("blocks").at(0).at("text").at("text");
  CHECK(header == "[CRITICAL] Rollback impossible, act now");
}

TEST_CASE("PagerDuty trigger: dedup_key is the incident id, fields within the limits") {
  auto n = incident(NotificationKind::kIncidentOpened, Severity::kCritical);
  n.reason = std::string(2000, 'r');
  PagerDutyOptions options;
  options.source = "user-service.production";
  options.component = "user-service";
  options.group = "production";
  const Secret key("0123456789abcdef0123456789abcdef");
  const auto event = parse(pagerDutyPayload(n, options, key)).as_object();
  CHECK(event.at("routing_key") == "0123456789abcdef0123456789abcdef");
  CHECK(event.at("event_action") == "trigger");
  CHECK(event.at("dedup_key") == "1790000000000-1");
  CHECK(event.at("client") == "nova-agent");
  CHECK(event.at("client_url") == "http://127.0.0.1:9464/status");
  CHECK(event.at("links").at(0).at("href") == "http://127.0.0.1:9464/status");
  const auto& p = event.at("payload").as_object();
  const std::string summary(p.at("summary").as_string());
  CHECK(summary.rfind("[critical] Incident opened: rrr", 0) == 0);
  CHECK(summary.size() == 1023 + std::string("\u2026").size());  // 1024 characters
  CHECK(p.at("source") == "user-service.production");
  CHECK(p.at("severity") == "critical");
  CHECK(p.at("timestamp") == "2026-09-21T14:13:20.000Z");
  CHECK(p.at("component") == "user-service");
  CHECK(p.at("group") == "production");
  CHECK(p.at("class") == "incident_opened");
  CHECK(p.at("custom_details").at("rules").at(0).at("threshold") == 0.05);
  CHECK(p.at("custom_details").at("incident_id") == "1790000000000-1");
}

TEST_CASE("PagerDuty resolve carries only routing_key, event_action and dedup_key") {
  const auto n = incident(NotificationKind::kIncidentResolved, Severity::kHigh);
  const auto event = parse(pagerDutyPayload(n, {}, Secret("k"))).as_object();
  CHECK(event.size() == 3);
  CHECK(event.at("event_action") == "resolve");
  CHECK(event.at("dedup_key") == "1790000000000-1");
  CHECK(pagerDutySeverity(Severity::kHigh) == "error");
  CHECK(pagerDutySeverity(Severity::kMedium) == "warning");
  CHECK(pagerDutySeverity(Severity::kLow) == "info");
}

TEST_CASE("PagerDuty events stay under 512000 bytes") {
  auto n = incident(NotificationKind::kIncidentOpened, Severity::kCritical);
  for (int i = 0; i < 3000; ++i) {
    n.rules.push_back({"rule", 1, std::string(200, 's'), 1});
  }
  const auto body = pagerDutyPayload(n, {}, Secret("k"));
  CHECK(body.size() < 512000);
  CHECK(parse(body).at("payload").at("custom_details").at("rules").as_array().empty());
}

TEST_CASE("Alertmanager payload: an array of alerts with the identity labels and annotations") {
  AlertmanagerOptions options;
  options.service = "user-service";
  options.version = "2.4.1";
  options.namespaceName = "production";
  options.runbookUrl = "https://runbooks.example/nova#production-issues-detected";
  const auto n = incident(NotificationKind::kRollbackStarted, Severity::kHigh);
  const auto body =
      parse(alertmanagerPayload({{n, Severity::kHigh, test::kT0, test::kT0 + 240000}}, options));
  REQUIRE(body.is_array());
  const auto& alert = body.at(0).as_object();
  const auto& labels = alert.at("labels").as_object();
  CHECK(labels.size() == 7);
  CHECK(labels.at("alertname") == "NovaRolloutIncident");
  CHECK(labels.at("severity") == "high");
  CHECK(labels.at("service") == "user-service");
  CHECK(labels.at("version") == "2.4.1");
  CHECK(labels.at("color") == "green");
  CHECK(labels.at("namespace") == "production");
  CHECK(labels.at("incident_id") == "1790000000000-1");
  const auto& a = alert.at("annotations").as_object();
  CHECK(a.at("summary") == "user-service: Rollback started");
  CHECK(a.at("description") == "error rate 7.2% over 5m exceeds 5%");
  CHECK(a.at("runbook") == "https://runbooks.example/nova#production-issues-detected");
  CHECK(a.at("status_url") == "http://127.0.0.1:9464/status");
  CHECK(a.at("rules") == "error_rate_high=0.072 (threshold 0.05)");
  CHECK(alert.at("startsAt") == "2026-09-21T14:13:20.000Z");
  CHECK(alert.at("endsAt") == "2026-09-21T14:17:20.000Z");
  CHECK(alert.at("generatorURL") == "http://127.0.0.1:9464/status");
}

TEST_CASE("the webhook event round-trips and its HMAC-SHA256 signature is verifiable") {
  auto n = incident(NotificationKind::kRollbackDone, Severity::kCritical);
  n.rules.push_back({"api_down", std::nan(""), "", std::nan("")});
  const std::string body = eventJson(n);
  const auto o = parse(body).as_object();
  CHECK(o.at("kind") == "rollback_done");
  CHECK(o.at("severity") == "critical");
  CHECK(o.at("incident_id") == "1790000000000-1");
  CHECK(o.at("rules").at(1).at("value").is_null());
  CHECK(o.at("at") == "2026-09-21T14:13:20.000Z");
  auto back = parseEventJson(body);
  REQUIRE(back.ok());
  CHECK(back->reason == n.reason);
  CHECK(back->rules.size() == 2);
  CHECK(back->rules[0].threshold == 0.05);
  CHECK(std::isnan(back->rules[1].value));
  // RFC 4231 test case 2.
  CHECK(webhookSignature(Secret("Jefe"), "what do ya want for nothing?") ==
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace nova::notify
