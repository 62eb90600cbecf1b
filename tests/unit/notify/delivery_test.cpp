// Receivers over loopback: the wire payloads against local doubles, and the fault paths.
#include <doctest/doctest.h>

#include "capture_receiver.h"
#include "doubles.h"
#include "notify_test_support.h"
#include "nova/notify/webhook_notifier.h"

namespace nova::notify {
namespace {

using test::incident;
using test::ms;
using test::parse;
using testing::CaptureReceiver;

constexpr const char* kRoutingKey = "R0UT1NG0KEY0FAKE0123456789abcdef";  // 32 characters

struct Env {
  test::AtomicClock clock{test::kT0 + 1000};
  test::FixedRandom random{0.0};
  NotifyDeps deps() {
    NotifyDeps d;
    d.clock = &clock;
    d.random = &random;
    return d;
  }
};

ReceiverPtr make(const NotifierConfig& config, Env& env) {
  auto made = makeReceiver(config, env.deps());
  REQUIRE_MESSAGE(made.ok(), (made.ok() ? "" : made.error().message));
  return std::move(*made);
}

http::ServerResponse status(int code, std::string body = "", http::Headers headers = {}) {
  http::ServerResponse r;
  r.status = code;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST_CASE("Slack: the posted message is JSON Block Kit that the double accepts with 200 ok") {
  Env env;
  auto slack = CaptureReceiver::start(testing::slackDouble());
  auto receiver = make({"slack", {{"webhook_url", slack->url("/services/T000/B000/XXXX")}}}, env);
  REQUIRE(receiver->send(incident(NotificationKind::kIncidentOpened, Severity::kMedium)).ok());
  REQUIRE(receiver->flush(5000));
  const auto requests = slack->requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].path == "/services/T000/B000/XXXX");
  CHECK(*requests[0].header("Content-Type") == "application/json");
  const auto body = parse(requests[0].body);
  CHECK(body.at("blocks").at(0).at("text").at("text") == "[MEDIUM] Incident opened");
  CHECK(receiver->stats().sent == 1);
  CHECK(receiver->stats().dropped == 0);
}

TEST_CASE("Slack: at most one message per second per webhook, later updates coalesced") {
  Env env;
  auto slack = CaptureReceiver::start(testing::slackDouble());
  auto receiver = make({"slack", {{"webhook_url", slack->url("/hook")}}}, env);
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(receiver->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  REQUIRE(slack->waitFor(1, ms(3000)));
  REQUIRE(receiver->send(incident(NotificationKind::kRollbackStarted, Severity::kHigh)).ok());
  REQUIRE(receiver->send(incident(NotificationKind::kRollbackDone, Severity::kHigh)).ok());
  REQUIRE(receiver->flush(5000));
  const auto requests = slack->requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].at - requests[0].at >= ms(950));
  CHECK(requests[0].at - t0 < ms(900));  // the first one is not delayed
  const auto second = parse(requests[1].body);
  CHECK(second.at("blocks").at(0).at("text").at("text") == "[HIGH] Rollback done, traffic on blue");
  const std::string context(second.at("blocks").at(3).at("elements").at(0).at("text").as_string());
  CHECK(context.find("also since the last message: Rollback started") != std::string::npos);
  CHECK(receiver->stats().sent == 2);
}

TEST_CASE("Slack: 429 waits for Retry-After, then delivers") {
  Env env;
  auto slack = CaptureReceiver::start(testing::slackDouble());
  slack->script({status(429, "{\"ok\":false}", {{"Retry-After", "1"}})});
  auto receiver =
      make({"slack", {{"webhook_url", slack->url("/hook")}, {"min_interval", "0s"}}}, env);
  REQUIRE(receiver->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  REQUIRE(receiver->flush(5000));
  const auto requests = slack->requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].at - requests[0].at >= ms(950));
  CHECK(requests[1].body == requests[0].body);
  const auto stats = receiver->stats();
  CHECK(stats.retried == 1);
  CHECK(stats.sent == 1);
  CHECK(stats.dropped == 0);
}

TEST_CASE("500s are retried with backoff, then given up and counted as a drop") {
  Env env;
  auto hook = CaptureReceiver::start(testing::jsonOkDouble());
  hook->script({status(500, "boom"), status(503), status(502)});
  auto receiver =
      make({"webhook", {{"url", hook->url("/events")}, {"max_attempts", "3"}, {"backoff", "20ms"}}},
           env);
  REQUIRE(receiver->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  REQUIRE(receiver->flush(5000));
  const auto requests = hook->requests();
  REQUIRE(requests.size() == 3);
  // FixedRandom(0) draws the lower half of each step: 10 ms, then 20 ms.
  CHECK(requests[1].at - requests[0].at >= ms(10));
  CHECK(requests[2].at - requests[1].at >= ms(20));
  const auto stats = receiver->stats();
  CHECK(stats.retried == 2);
  CHECK(stats.dropped == 1);
  CHECK(stats.sent == 0);
}

TEST_CASE("a timeout and a refused connection are retried, then dropped") {
  Env env;
  testing::BlackHole hole;
  auto slow = make(
      {"webhook",
       {{"url", hole.url("/x")}, {"timeout", "200ms"}, {"max_attempts", "2"}, {"backoff", "10ms"}}},
      env);
  const std::string refusedUrl =
      "http://127.0.0.1:" + std::to_string(testing::refusedPort()) + "/x";
  auto refused =
      make({"webhook", {{"url", refusedUrl}, {"max_attempts", "3"}, {"backoff", "10ms"}}}, env);
  REQUIRE(slow->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  REQUIRE(refused->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  REQUIRE(slow->flush(5000));
  REQUIRE(refused->flush(5000));
  CHECK(slow->stats().retried == 1);
  CHECK(slow->stats().dropped == 1);
  CHECK(refused->stats().retried == 2);
  CHECK(refused->stats().dropped == 1);
}

TEST_CASE("a permanent refusal (PagerDuty 400) is dropped at once, without retries") {
  Env env;
  testing::PagerDutyDouble pd;
  auto server = CaptureReceiver::start(pd.responder());
  auto receiver = make({"pagerduty",
                        {{"routing_key", "too-short-key"},
                         {"url", server->url("/v2/enqueue")},
                         {"backoff", "10ms"}}},
                       env);
  REQUIRE(receiver->send(incident(NotificationKind::kIncidentOpened, Severity::kCritical)).ok());
  REQUIRE(receiver->flush(5000));
  CHECK(server->count() == 1);
  CHECK(receiver->stats().dropped == 1);
  CHECK(receiver->stats().retried == 0);
  CHECK(pd.pages() == 0);
}

TEST_CASE("a receiver that never answers never blocks send(); a full queue drops and says so") {
  Env env;
  testing::BlackHole hole;
  auto receiver = make(
      {"webhook",
       {{"url", hole.url("/x")}, {"timeout", "300ms"}, {"max_attempts", "1"}, {"queue_size", "8"}}},
      env);
  std::chrono::nanoseconds slowest{0};
  int refused = 0;
  for (int i = 0; i < 50; ++i) {
    const auto n = incident(NotificationKind::kIncidentOpened, Severity::kHigh,
                            "1790000000000-" + std::to_string(i));
    const auto start = std::chrono::steady_clock::now();
    refused += receiver->send(n).ok() ? 0 : 1;
    slowest = std::max(slowest, std::chrono::steady_clock::now() - start);
  }
  MESSAGE("slowest send(): " << std::chrono::duration<double, std::micro>(slowest).count()
                             << " us");
  CHECK(slowest < ms(20));
  CHECK(refused >= 50 - 8 - 1);  // at most one in flight and eight waiting
  CHECK(receiver->stats().dropped == static_cast<std::uint64_t>(refused));
  const auto start = std::chrono::steady_clock::now();
  receiver.reset();  // stop: waits only for the one request in flight
  CHECK(std::chrono::steady_clock::now() - start < ms(2000));
}

TEST_CASE("the webhook body is the event JSON with a verifiable signature header") {
  Env env;
  auto hook = CaptureReceiver::start(testing::jsonOkDouble());
  auto receiver = make({"webhook",
                        {{"url", hook->url("/nova")},
                         {"hmac_secret", "s3cr3t-hmac-key"},
                         {"signature_header", "X-Signature"}}},
                       env);
  REQUIRE(receiver->send(incident(NotificationKind::kHold, Severity::kNone, "")).ok());
  REQUIRE(receiver->flush(5000));
  const auto requests = hook->requests();
  REQUIRE(requests.size() == 1);
  const auto& r = requests[0];
  REQUIRE(r.header("X-Signature") != nullptr);
  CHECK(*r.header("X-Signature") == webhookSignature(Secret("s3cr3t-hmac-key"), r.body));
  CHECK(*r.header("X-Signature") != webhookSignature(Secret("other-key"), r.body));
  CHECK(parse(r.body).at("kind") == "hold");
}

}  // namespace nova::notify
