#include "nova/notify/router.h"

#include <doctest/doctest.h>

#include <thread>

#include "capture_receiver.h"
#include "doubles.h"
#include "notify_test_support.h"
#include "nova/traffic/dry_run_switch.h"

namespace nova::notify {
namespace {

using test::incident;
using test::ms;
using testing::CaptureReceiver;

constexpr const char* kRoutingKey = "R0UT1NG0KEY0FAKE0123456789abcdef";

std::vector<NotifierConfig> fourReceivers(const std::string& base) {
  return {{"pagerduty", {{"routing_key", kRoutingKey}, {"url", base + "/pd"}}},
          {"alertmanager", {{"url", base}}},
          {"slack", {{"webhook_url", base + "/slack"}, {"min_interval", "0s"}}},
          {"webhook", {{"url", base + "/hook"}, {"severities", "critical"}}}};
}

}  // namespace

TEST_CASE("Router: critical and high page and post to Slack, medium and low post only") {
  auto sink = CaptureReceiver::start(testing::jsonOkDouble());
  auto router = Router::fromConfigs(fourReceivers(sink->url("")));
  REQUIRE(router.ok());
  using V = std::vector<std::string>;
  CHECK((*router)->route(incident(NotificationKind::kIncidentOpened, Severity::kCritical)) ==
        V{"pagerduty", "alertmanager", "slack", "webhook"});
  CHECK((*router)->route(incident(NotificationKind::kIncidentOpened, Severity::kHigh)) ==
        V{"pagerduty", "alertmanager", "slack"});
  CHECK((*router)->route(incident(NotificationKind::kIncidentOpened, Severity::kMedium)) ==
        V{"slack"});
  CHECK((*router)->route(incident(NotificationKind::kRollbackDone, Severity::kLow)) == V{"slack"});
  Notification hold;
  hold.kind = NotificationKind::kHold;
  CHECK((*router)->route(hold) == V{"slack"});
  // A resolution reaches the pagers whatever its severity; they send it only if they paged.
  CHECK((*router)->route(incident(NotificationKind::kIncidentResolved, Severity::kLow)) ==
        V{"pagerduty", "alertmanager", "slack"});
}

TEST_CASE("Router: one send fans out and the counters are readable per receiver") {
  ManualClock clock(test::kT0);
  NotifyDeps deps;
  deps.clock = &clock;
  auto sink = CaptureReceiver::start(testing::jsonOkDouble(), &clock);
  auto router = Router::fromConfigs(fourReceivers(sink->url("")), deps);
  REQUIRE(router.ok());
  REQUIRE((*router)->send(incident(NotificationKind::kIncidentOpened, Severity::kCritical)).ok());
  REQUIRE((*router)->flush(5000));
  // The PagerDuty double here is a plain 200, not the 202 PagerDuty answers: refused.
  const auto stats = (*router)->stats();
  REQUIRE(stats.size() == 4);
  CHECK(stats[0].first == "pagerduty");
  CHECK(stats[0].second.dropped == 1);
  CHECK(stats[1].second.sent == 1);
  CHECK(stats[2].second.sent == 1);
  CHECK(stats[3].second.sent == 1);
  CHECK(sink->count() == 4);
}

TEST_CASE("Router::flush is bounded on the injected clock") {
  ManualClock clock(test::kT0);
  SequenceRandom random({0.0});
  NotifyDeps deps;
  deps.clock = &clock;
  deps.random = &random;
  auto hook = CaptureReceiver::start(testing::jsonOkDouble(), &clock);
  hook->script({http::ServerResponse{503, "text/plain", {}, ""}});
  auto router = Router::fromConfigs(
      std::vector<NotifierConfig>{{"webhook", {{"url", hook->url("/e")}, {"backoff", "10s"}}}},
      deps);
  REQUIRE(router.ok());
  REQUIRE((*router)->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  REQUIRE(hook->waitFor(1));
  // The delivery thread now waits 5 s of the clock for its retry.
  while ((*router)->stats()[0].second.nextAttemptInMs <= 0) {
    REQUIRE(clock.awaitWaiters(1));
  }
  bool idle = true;
  std::thread flusher([&] { idle = (*router)->flush(1000); });
  REQUIRE(clock.awaitWaiters(2));  // the retry and the flush
  clock.advance(1000);
  flusher.join();
  CHECK_FALSE(idle);
  clock.advance(4000);
  REQUIRE(hook->waitFor(2));
  CHECK((*router)->flush(1000));
  CHECK((*router)->stats()[0].second.sent == 1);
}

TEST_CASE("Router: two receivers of one type need distinct names") {
  auto twice = Router::fromConfigs(std::vector<NotifierConfig>{
      {"slack", {{"webhook_url", "https://a/1"}}}, {"slack", {{"webhook_url", "https://a/2"}}}});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message.find("notifiers.1: a second receiver named \"slack\"") == 0);
  auto bad = Router::fromConfigs(std::vector<NotifierConfig>{{"log", {}}, {"slak", {}}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("notifiers.1: notifier: unknown type \"slak\"") == 0);
}

TEST_CASE("a receiver that never answers does not delay a rollback (dry-run switch)") {
  testing::BlackHole hole;
  auto router = Router::fromConfigs(std::vector<NotifierConfig>{
      {"pagerduty", {{"routing_key", kRoutingKey}, {"url", hole.url("/pd")}, {"timeout", "1s"}}},
      {"slack", {{"webhook_url", hole.url("/slack")}, {"timeout", "1s"}}}});
  REQUIRE(router.ok());
  traffic::DryRunSwitch flip("ingress production/user-service");
  const auto start = std::chrono::steady_clock::now();
  REQUIRE((*router)->send(incident(NotificationKind::kIncidentOpened, Severity::kCritical)).ok());
  auto outcome = flip.rollback({"1790000000000-1", "api down", "agent", test::kT0});
  REQUIRE(outcome.ok());
  REQUIRE((*router)->send(incident(NotificationKind::kRollbackStarted, Severity::kCritical)).ok());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  MESSAGE("notify + rollback + notify took "
          << std::chrono::duration<double, std::milli>(elapsed).count() << " ms");
  CHECK(toString(outcome->kind) == std::string("flipped"));
  CHECK(elapsed < ms(50));
  CHECK(flip.requests().size() == 1);
}

}  // namespace nova::notify

namespace nova::notify {

TEST_CASE("a router stops its receivers at once: shutdown waits one request timeout") {
  // Real-socket transport timeouts (500 ms, wall time): every receiver has an attempt in
  // flight to a peer that never answers. Stopped one after the other, each would start its
  // next attempt while the one before it is joined, and shutdown would take their sum.
  testing::BlackHole hole;
  std::vector<NotifierConfig> configs;
  for (const char* name : {"a", "b", "c"}) {
    configs.push_back({"webhook",
                       {{"name", name},
                        {"url", hole.url("/x")},
                        {"timeout", "500ms"},
                        {"backoff", "1ms"},
                        {"max_attempts", "10"}}});
  }
  auto router = Router::fromConfigs(configs);
  REQUIRE(router.ok());
  REQUIRE((*router)->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  const auto start = std::chrono::steady_clock::now();
  router->reset();
  const auto took = std::chrono::steady_clock::now() - start;
  MESSAGE("shutdown took " << std::chrono::duration<double, std::milli>(took).count() << " ms");
  CHECK(took < ms(900));
}

}  // namespace nova::notify
