// A full run with recognisable fake secrets: none may appear in logs or error strings.
#include <doctest/doctest.h>

#include "capture_receiver.h"
#include "doubles.h"
#include "notify_test_support.h"
#include "nova/notify/router.h"

namespace nova::notify {
namespace {

using test::incident;
using testing::CaptureReceiver;

constexpr const char* kRoutingKey = "LEAKCANARYROUTINGKEY000000000001";  // 32 characters
constexpr const char* kSlackToken = "LEAKCANARYSLACKTOKEN";
constexpr const char* kHookToken = "LEAKCANARYHOOKTOKEN";
constexpr const char* kHmacKey = "LEAKCANARYHMACKEY";

}  // namespace

TEST_CASE("no secret reaches a log line, an error or the counters") {
  test::LogCapture logs;
  std::string errors;
  testing::PagerDutyDouble pdDouble;
  auto pd = CaptureReceiver::start(pdDouble.responder());
  auto slack = CaptureReceiver::start(testing::slackDouble());
  // A failing peer that echoes the token of its URL back in the error body.
  auto echo = CaptureReceiver::start([](const testing::Captured&) {
    http::ServerResponse r;
    r.status = 500;
    r.body = std::string("rollup_error for ") + kHookToken;
    return r;
  });
  const std::string refused = "http://127.0.0.1:" + std::to_string(testing::refusedPort());
  // Secrets arrive through the environment, a literal value and a file-like source.
  ManualClock clock(test::kT0);
  SequenceRandom random({0.5});
  NotifyDeps deps;
  deps.clock = &clock;
  deps.random = &random;
  deps.secrets.getenv = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "PD_KEY") {
      return kRoutingKey;
    }
    if (name == "SLACK_URL") {
      return slack->url("/services/T1/B1/") + kSlackToken;
    }
    return std::nullopt;
  };
  deps.secrets.readFile = [](const std::string&) -> Result<std::string> {
    return std::string(kHmacKey) + "\n";
  };
  std::vector<NotifierConfig> configs{
      {"pagerduty", {{"routing_key_env", "PD_KEY"}, {"url", pd->url("/v2/enqueue")}}},
      {"slack", {{"webhook_url_env", "SLACK_URL"}, {"min_interval", "0s"}}},
      // A dead webhook: every attempt fails with an error naming the URL.
      {"webhook",
       {{"url", refused + "/hooks/" + kHookToken},
        {"hmac_secret_file", "/k"},
        {"max_attempts", "2"},
        {"backoff", "10ms"}}},
      {"webhook",
       {{"name", "slack-down"},
        {"url", echo->url("/x/") + kHookToken},
        {"max_attempts", "2"},
        {"backoff", "10ms"}}},
      {"log", {}}};
  {
    auto router = Router::fromConfigs(configs, deps);
    REQUIRE(router.ok());
    for (auto kind : {NotificationKind::kIncidentOpened, NotificationKind::kRollbackStarted,
                      NotificationKind::kRollbackDone, NotificationKind::kIncidentResolved}) {
      if (auto sent = (*router)->send(incident(kind, Severity::kCritical)); !sent.ok()) {
        errors += sent.error().message + "\n";
      }
    }
    // Four delivery threads (the log receiver has none); the dead webhooks retry.
    REQUIRE(test::drain(
        [&] {
          std::vector<DeliveryStats> all;
          for (const auto& [name, stats] : (*router)->stats()) {
            all.push_back(stats);
          }
          return all;
        },
        4, clock));
    for (const auto& [name, stats] : (*router)->stats()) {
      errors += name + " sent=" + std::to_string(stats.sent) + "\n";
    }
    CHECK(pdDouble.pages() == 1);
  }
  // Error paths of the factory too.
  for (const NotifierConfig& bad :
       {NotifierConfig{"slack", {{"webhook_url", std::string("gopher://") + kSlackToken}}},
        NotifierConfig{"pagerduty", {{"routing_key", kRoutingKey}, {"url", "x"}}},
        NotifierConfig{"webhook",
                       {{"url", std::string("http://h/") + kHookToken}, {"max_atempts", "2"}}}}) {
    auto made = makeReceiver(bad, deps);
    REQUIRE_FALSE(made.ok());
    errors += made.error().message + "\n";
  }
  const std::string log = logs.text();
  MESSAGE("captured " << log.size() << " bytes of log, " << errors.size() << " of errors");
  CHECK(log.find("dropped") != std::string::npos);  // the failures were logged
  CHECK(log.find("<redacted>") != std::string::npos);
  for (const char* secret : {kRoutingKey, kSlackToken, kHookToken, kHmacKey}) {
    CAPTURE(std::string(secret));
    CHECK_MESSAGE(
        log.find(secret) == std::string::npos,
        log.substr(log.find(secret) < log.size() ? log.rfind('\n', log.find(secret)) + 1 : 0, 300));
    CHECK(errors.find(secret) == std::string::npos);
  }
}

}  // namespace nova::notify
