// Secrets are redacted by key whatever their source, and a receiver's answer is redacted
// before it is cut.
#include <doctest/doctest.h>

#include "capture_receiver.h"
#include "doubles.h"
#include "notify_test_support.h"
#include "nova/notify/receiver.h"

namespace nova::notify {
namespace {

using test::incident;
using testing::CaptureReceiver;

using Shown = std::map<std::string, std::string>;

}  // namespace

TEST_CASE("secret settings are recognisable for redaction in config dumps") {
  CHECK(isSecretSetting("slack", "webhook_url"));
  CHECK(isSecretSetting("pagerduty", "routing_key"));
  CHECK(isSecretSetting("webhook", "url"));
  CHECK(isSecretSetting("webhook", "hmac_secret"));
  CHECK_FALSE(isSecretSetting("alertmanager", "url"));
  CHECK_FALSE(isSecretSetting("slack", "webhook_url_env"));
}

TEST_CASE("redactedSettings hides every secret by key, whatever its source") {
  // The agent's loader hands notify the value of an inline setting, a --set override and a
  // resolved {file:} or {env:} alike: redaction cannot depend on where it came from.
  const Shown slack = redactedSettings(
      {"slack",
       {{"webhook_url", "https://hooks.slack.com/services/T0001/B0002/XXXXSECRETXXXX"},
        {"name", "deploys"},
        {"severities", "critical, high"}}});
  CHECK(slack == Shown{{"webhook_url", "https://hooks.slack.com/<redacted>"},
                       {"name", "deploys"},
                       {"severities", "critical, high"}});
  CHECK(redactedSettings({"pagerduty",
                          {{"routing_key", "R0UT1NG0KEY0FAKE0123456789abcdef"},
                           {"url", "https://pd-proxy.example/v2/enqueue?token=abc123"}}}) ==
        Shown{{"routing_key", "<redacted>"},
              {"url", "https://pd-proxy.example/v2/enqueue?token=<redacted>"}});
  CHECK(redactedSettings({"webhook",
                          {{"url", "https://user:pw@hooks.example:8443/nova/T0KEN"},
                           {"hmac_secret", "s3cr3t"},
                           {"signature_header", "X-Sig"}}}) ==
        Shown{{"url", "https://hooks.example:8443/<redacted>"},
              {"hmac_secret", "<redacted>"},
              {"signature_header", "X-Sig"}});
  // Where a secret lives is not secret; a URL with credentials in a plain setting is.
  CHECK(redactedSettings({"pagerduty", {{"routing_key_file", "/run/secrets/pd"}}}) ==
        Shown{{"routing_key_file", "/run/secrets/pd"}});
  CHECK(redactedSettings({"slack", {{"webhook_url_env", "SLACK_URL"}}}) ==
        Shown{{"webhook_url_env", "SLACK_URL"}});
  CHECK(redactedSettings({"alertmanager",
                          {{"url", "http://admin:hunter2@am:9093"},
                           {"runbook_url", "https://runbooks.example/nova#prod"}}}) ==
        Shown{{"url", "http://admin:<redacted>@am:9093"},
              {"runbook_url", "https://runbooks.example/nova#<redacted>"}});
  // A secret URL that does not parse, and credential-named keys of any type, show nothing.
  CHECK(redactedSettings({"slack", {{"webhook_url", "hooks.slack.com/services/T/B/X"}}}) ==
        Shown{{"webhook_url", "<redacted>"}});
  CHECK(redactedSettings({"teams", {{"api_token", "t"}, {"Password", "p"}, {"channel", "c"}}}) ==
        Shown{{"api_token", "<redacted>"}, {"Password", "<redacted>"}, {"channel", "c"}});
}

TEST_CASE("a receiver's error answer is redacted before it is cut") {
  // PagerDuty echoing the routing key at the cut: cutting first kept all but its tail.
  constexpr std::string_view kKey = "LEAKCANARYROUTINGKEYQWERTZUIOPAS";
  ManualClock clock(test::kT0);
  NotifyDeps deps;
  deps.clock = &clock;
  test::LogCapture logs;
  auto echo = CaptureReceiver::start([&](const testing::Captured&) {
    http::ServerResponse r;
    r.status = 400;
    r.contentType = "application/json";
    r.body = std::string(180, 'x') + std::string(kKey) + std::string(100, 'y');
    return r;
  });
  auto made = makeReceiver(
      {"pagerduty", {{"routing_key", std::string(kKey)}, {"url", echo->url("/v2/enqueue")}}}, deps);
  REQUIRE(made.ok());
  REQUIRE((*made)->send(incident(NotificationKind::kIncidentOpened, Severity::kCritical)).ok());
  REQUIRE((*made)->flush(5000));
  CHECK((*made)->stats().dropped == 1);
  const std::string log = logs.text();
  CHECK(log.find("refused: HTTP 400: " + std::string(180, 'x') + "<redacted>" +
                 std::string(200 - 180 - 10, 'y') + "...") != std::string::npos);
  for (std::size_t i = 0; i + 6 <= kKey.size(); ++i) {
    CAPTURE(i);
    CHECK(log.find(kKey.substr(i, 6)) == std::string::npos);
  }
}

}  // namespace nova::notify
