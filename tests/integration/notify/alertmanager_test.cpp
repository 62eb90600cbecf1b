// The Alertmanager receiver against a real Alertmanager 0.25 on loopback.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "alertmanager_process.h"
#include "nova/http/client.h"
#include "nova/http/url.h"
#include "nova/notify/receiver.h"

namespace nova::notify {
namespace {

Notification update(NotificationKind kind, TimestampMs at) {
  Notification n;
  n.kind = kind;
  n.severity = Severity::kCritical;
  n.incidentId = std::to_string(at) + "-1";
  n.action = "rollback";
  n.reason = "api_down: /health failing on green for 60s";
  n.rules = {{"api_down", 0, "health probe failing", 1}};
  n.statusUrl = "http://127.0.0.1:9464/status";
  n.at = at;
  return n;
}

// The alerts Alertmanager lists for this incident (resolved ones are never listed).
boost::json::array listed(const std::string& base, const std::string& incidentId) {
  http::Client client;
  http::Request get;
  auto url = http::Url::parse(base);
  REQUIRE(url.ok());
  get.url = url->withSegments({"api", "v2", "alerts"})
                .withParam("filter", "incident_id=\"" + incidentId + "\"")
                .str();
  auto response = client.perform(get);
  REQUIRE_MESSAGE(response.ok(), (response.ok() ? "" : response.error().message));
  REQUIRE(response->status == 200);
  return boost::json::parse(response->body).as_array();
}

}  // namespace

TEST_CASE("integration: alertmanager lists the pushed alert, then shows it resolved") {
  // A missing Alertmanager fails the test (start() throws): CI installs it.
  auto am = testing::AlertmanagerProcess::start();
  REQUIRE_MESSAGE(am.ok(), (am.ok() ? "" : am.error().message));
  const std::string base = (*am)->url();

  auto receiver = makeReceiver({"alertmanager",
                                {{"url", base},
                                 {"service", "user-service"},
                                 {"version", "2.4.1"},
                                 {"namespace", "production"},
                                 {"runbook_url", "https://runbooks.example/nova"}}});
  REQUIRE(receiver.ok());
  const TimestampMs detected = SystemClock().now() - 30 * kSecond;
  const auto opened = update(NotificationKind::kIncidentOpened, detected);
  REQUIRE((*receiver)->send(opened).ok());
  REQUIRE((*receiver)->flush(10000));
  CHECK((*receiver)->stats().sent == 1);
  CHECK((*receiver)->stats().dropped == 0);

  auto alerts = listed(base, opened.incidentId);
  REQUIRE_MESSAGE(alerts.size() == 1, (*am)->log());
  const auto& alert = alerts[0].as_object();
  const auto& labels = alert.at("labels").as_object();
  CHECK(labels.at("alertname") == "NovaRolloutIncident");
  CHECK(labels.at("severity") == "critical");
  CHECK(labels.at("service") == "user-service");
  CHECK(labels.at("version") == "2.4.1");
  CHECK(labels.at("color") == "green");
  CHECK(labels.at("namespace") == "production");
  CHECK(alert.at("annotations").at("runbook") == "https://runbooks.example/nova");
  CHECK(alert.at("annotations").at("status_url") == "http://127.0.0.1:9464/status");
  CHECK(alert.at("status").at("state") == "active");
  CHECK(alert.at("generatorURL") == "http://127.0.0.1:9464/status");
  const boost::json::value fingerprint = alert.at("fingerprint");

  // A re-send (as every minute) updates the same alert, not a second one.
  (*receiver)->tick(SystemClock().now() + 2 * kMinute);
  REQUIRE((*receiver)->flush(10000));
  CHECK((*receiver)->stats().sent == 2);
  alerts = listed(base, opened.incidentId);
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].at("fingerprint") == fingerprint);

  REQUIRE((*receiver)->send(update(NotificationKind::kIncidentResolved, detected)).ok());
  REQUIRE((*receiver)->flush(10000));
  CHECK((*receiver)->stats().sent == 3);
  CHECK((*receiver)->stats().dropped == 0);
  // Alertmanager hides alerts whose endsAt has passed: resolved means no longer listed.
  CHECK(listed(base, opened.incidentId).empty());
}

}  // namespace nova::notify
