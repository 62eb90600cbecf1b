// Receivers over loopback on simulated time: the wire payloads against local doubles, and
// the fault paths (retries, backoff, Retry-After, pacing, a full queue).
#include <doctest/doctest.h>

#include <ctime>

#include "capture_receiver.h"
#include "doubles.h"
#include "notify_test_support.h"
#include "nova/notify/outbox.h"
#include "nova/notify/webhook_notifier.h"

namespace nova::notify {
namespace {

using test::incident;
using test::ms;
using test::parse;
using testing::CaptureReceiver;

// One simulated clock and a fixed jitter draw (u = 0: each backoff is half its step).
struct Env {
  ManualClock clock{test::kT0 + 1000};
  SequenceRandom random{{0.0}};
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

// An HTTP-date (IMF-fixdate) `ms` after the epoch.
std::string httpDate(TimestampMs ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buffer;
}

}  // namespace

TEST_CASE("Slack: the posted message is JSON Block Kit that the double accepts with 200 ok") {
  Env env;
  auto slack = CaptureReceiver::start(testing::slackDouble(), &env.clock);
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
  const auto stats = receiver->stats();
  CHECK(stats.sent == 1);
  CHECK(stats.dropped == 0);
  CHECK(stats.pending == 0);
  CHECK(stats.nextAttemptInMs == -1);
}

TEST_CASE("Slack: at most one message per second per webhook, later updates coalesced") {
  Env env;
  auto slack = CaptureReceiver::start(testing::slackDouble(), &env.clock);
  auto receiver = make({"slack", {{"webhook_url", slack->url("/hook")}}}, env);
  const MonoTime start = env.clock.monoNow();
  REQUIRE(receiver->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  REQUIRE(slack->waitFor(1));
  REQUIRE(receiver->send(incident(NotificationKind::kRollbackStarted, Severity::kHigh)).ok());
  REQUIRE(receiver->send(incident(NotificationKind::kRollbackDone, Severity::kHigh)).ok());
  // Time has not moved: the second message waits the full second, both updates in it.
  CHECK(test::awaitNextAttempt(*receiver, env.clock) == 1000);
  CHECK(receiver->stats().pending == 2);
  env.clock.advance(999);
  CHECK(test::awaitNextAttempt(*receiver, env.clock) == 1);
  env.clock.advance(1);
  REQUIRE(slack->waitFor(2));
  REQUIRE(receiver->flush(5000));
  const auto requests = slack->requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].at == start);  // the first one is not delayed
  CHECK(requests[1].at - requests[0].at == 1000);
  const auto second = parse(requests[1].body);
  CHECK(second.at("blocks").at(0).at("text").at("text") == "[HIGH] Rollback done, traffic on blue");
  const std::string context(second.at("blocks").at(3).at("elements").at(0).at("text").as_string());
  CHECK(context.find("also since the last message: Rollback started") != std::string::npos);
  CHECK(receiver->stats().sent == 2);
  CHECK(receiver->stats().pending == 0);
}

TEST_CASE("429 waits for Retry-After (seconds or an HTTP-date, capped), then delivers") {
  Env env;
  auto slack = CaptureReceiver::start(testing::slackDouble(), &env.clock);
  const TimestampMs now = env.clock.now();
  slack->script({status(429, "{\"ok\":false}", {{"Retry-After", "3"}}),
                 status(429, "", {{"Retry-After", httpDate(now + 3000 + 5000)}}),
                 status(429, "", {{"Retry-After", "3600"}}), status(429)});
  auto receiver = make(
      {"slack", {{"webhook_url", slack->url("/hook")}, {"min_interval", "0s"}, {"backoff", "1m"}}},
      env);
  REQUIRE(receiver->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  // Each wait is the one the answer asked for, never the 1m backoff; 3600 s is cut to the
  // 5 minutes one answer may stall the queue; no header means one second.
  for (DurationMs expected : {3000, 5000, 300000, 1000}) {
    CAPTURE(expected);
    REQUIRE(test::awaitNextAttempt(*receiver, env.clock) == expected);
    env.clock.advance(expected);
  }
  REQUIRE(slack->waitFor(5));
  REQUIRE(receiver->flush(5000));
  const auto requests = slack->requests();
  REQUIRE(requests.size() == 5);
  CHECK(requests[1].at - requests[0].at == 3000);
  CHECK(requests[2].at - requests[1].at == 5000);
  CHECK(requests[3].at - requests[2].at == 300000);
  CHECK(requests[4].at - requests[3].at == 1000);
  CHECK(requests[4].body == requests[0].body);
  const auto stats = receiver->stats();
  CHECK(stats.retried == 4);
  CHECK(stats.sent == 1);
  CHECK(stats.dropped == 0);
}

TEST_CASE("500s are retried with exponential backoff, then given up and counted as a drop") {
  Env env;
  auto hook = CaptureReceiver::start(testing::jsonOkDouble(), &env.clock);
  hook->script({status(500, "boom"), status(503), status(502)});
  auto receiver = make(
      {"webhook", {{"url", hook->url("/events")}, {"max_attempts", "3"}, {"backoff", "1s"}}}, env);
  REQUIRE(receiver->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  // u = 0 draws the lower half of each step: 500 ms, then 1000 ms.
  for (DurationMs expected : {500, 1000}) {
    CAPTURE(expected);
    REQUIRE(test::awaitNextAttempt(*receiver, env.clock) == expected);
    CHECK(receiver->stats().pending == 1);
    env.clock.advance(expected);
  }
  REQUIRE(hook->waitFor(3));
  REQUIRE(receiver->flush(5000));
  const auto requests = hook->requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[1].at - requests[0].at == 500);
  CHECK(requests[2].at - requests[1].at == 1000);
  const auto stats = receiver->stats();
  CHECK(stats.retried == 2);
  CHECK(stats.dropped == 1);
  CHECK(stats.sent == 0);
  CHECK(stats.pending == 0);
}

TEST_CASE("pending notifications report their age on the clock") {
  Env env;
  auto hook = CaptureReceiver::start(testing::jsonOkDouble(), &env.clock);
  hook->script({status(503)});
  auto receiver = make({"webhook", {{"url", hook->url("/e")}, {"backoff", "10s"}}}, env);
  CHECK(receiver->stats().oldestPendingMs == 0);
  REQUIRE(receiver->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  REQUIRE(test::awaitNextAttempt(*receiver, env.clock) == 5000);
  env.clock.advance(4000);
  CHECK(receiver->stats().oldestPendingMs == 4000);
  CHECK(receiver->stats().nextAttemptInMs == 1000);
  env.clock.advance(1000);
  REQUIRE(hook->waitFor(2));
  REQUIRE(receiver->flush(5000));
  CHECK(receiver->stats().oldestPendingMs == 0);
  CHECK(receiver->stats().sent == 1);
}

TEST_CASE("a timeout and a refused connection are retried, then dropped") {
  // The 200 ms request timeout is a real-socket transport timeout (wall time); the
  // backoff between attempts is simulated. The URLs are secrets: logs show "<redacted>".
  Env slowEnv;
  testing::BlackHole hole;
  auto slow = make(
      {"webhook",
       {{"url", hole.url("/x")}, {"timeout", "200ms"}, {"max_attempts", "2"}, {"backoff", "10ms"}}},
      slowEnv);
  Env refusedEnv;
  const std::string refusedUrl =
      "http://127.0.0.1:" + std::to_string(testing::refusedPort()) + "/x";
  auto refused = make(
      {"webhook", {{"url", refusedUrl}, {"max_attempts", "3"}, {"backoff", "10ms"}}}, refusedEnv);
  test::LogCapture logs;
  REQUIRE(slow->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  REQUIRE(refused->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  REQUIRE(test::drain(*slow, slowEnv.clock));
  REQUIRE(test::drain(*refused, refusedEnv.clock));
  CHECK(slow->stats().retried == 1);
  CHECK(slow->stats().dropped == 1);
  CHECK(refused->stats().retried == 2);
  CHECK(refused->stats().dropped == 1);
  const std::string log = logs.text();
  CHECK(log.find("notifier webhook: dropped incident_opened of incident 1790000000000-1 after 2 "
                 "attempts: POST <redacted>: Timeout was reached") != std::string::npos);
  CHECK(log.find("notifier webhook: dropped incident_opened of incident 1790000000000-1 after 3 "
                 "attempts: POST <redacted>: Couldn't connect to server") != std::string::npos);
}

TEST_CASE("a permanent refusal (PagerDuty 400) is dropped at once, without retries") {
  Env env;
  testing::PagerDutyDouble pd;
  auto server = CaptureReceiver::start(pd.responder(), &env.clock);
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

TEST_CASE("a receiver that never answers never blocks send(); a full queue drops its oldest") {
  // The hung receiver holds each attempt for the 300 ms request timeout (real socket).
  Env env;
  testing::BlackHole hole;
  auto receiver = make(
      {"webhook",
       {{"url", hole.url("/x")}, {"timeout", "300ms"}, {"max_attempts", "1"}, {"queue_size", "8"}}},
      env);
  test::LogCapture logs;
  std::chrono::nanoseconds slowest{0};
  for (int i = 0; i < 50; ++i) {
    const auto n = incident(NotificationKind::kIncidentOpened, Severity::kHigh,
                            "1790000000000-" + std::to_string(i));
    const auto start = std::chrono::steady_clock::now();
    CHECK(receiver->send(n).ok());
    slowest = std::max(slowest, std::chrono::steady_clock::now() - start);
  }
  MESSAGE("slowest send(): " << std::chrono::duration<double, std::micro>(slowest).count()
                             << " us");
  CHECK(slowest < ms(20));
  const auto stats = receiver->stats();
  // Eight wait, at most one is in flight, every other one was pushed out and counted.
  CHECK(stats.dropped >= 50 - 8 - 1);
  CHECK(stats.pending <= 8 + 1);
  CHECK(logs.text().find("notifier webhook: queue full (8 waiting), dropped the oldest: "
                         "incident_opened of incident 1790000000000-") != std::string::npos);
  const auto start = std::chrono::steady_clock::now();
  receiver.reset();  // stop: waits only for the one request in flight
  CHECK(std::chrono::steady_clock::now() - start < ms(2000));
}

TEST_CASE("a full durable outbox keeps the newest notifications for the next start") {
  Env env;
  test::TempDir dir("full-outbox");
  testing::BlackHole hole;
  NotifyDeps deps = env.deps();
  deps.stateDir = dir.path();
  auto made = makeReceiver(
      {"webhook",
       {{"url", hole.url("/x")}, {"timeout", "300ms"}, {"max_attempts", "1"}, {"queue_size", "3"}}},
      deps);
  REQUIRE(made.ok());
  for (int i = 0; i < 10; ++i) {
    REQUIRE((*made)
                ->send(incident(NotificationKind::kIncidentOpened, Severity::kHigh,
                                "1790000000000-" + std::to_string(i)))
                .ok());
  }
  made->reset();
  auto outbox = Outbox::open(dir.file("notify-webhook.outbox"));
  REQUIRE(outbox.ok());
  std::vector<std::string> left;
  for (const auto& entry : (*outbox)->pending()) {
    left.push_back(entry.notification.incidentId);
  }
  // The one in flight was given up (one attempt); of the rest the newest three wait.
  CHECK(left.size() >= 2);
  CHECK(left.size() <= 3);
  CHECK(left.back() == "1790000000000-9");
  CHECK(left[left.size() - 2] == "1790000000000-8");
}

TEST_CASE("the webhook body is the event JSON with a verifiable signature header") {
  Env env;
  auto hook = CaptureReceiver::start(testing::jsonOkDouble(), &env.clock);
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
