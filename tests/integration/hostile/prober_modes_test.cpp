// Every hostile mode, as health URL and as metrics URL of a real scrape::Prober: each must
// be a failed probe and a failed scrape, say why, and finish within its timeout.
#include <doctest/doctest.h>

#include <list>
#include <string>

#include "nova/hostile/peer.h"
#include "probe_run.h"

namespace nova::hostile::test {
namespace {

// What the error must mention, per mode; the same for probe and scrape unless two differ.
struct Expectation {
  Mode mode;
  const char* health;
  const char* scrape;
  bool https = false;
};

const Expectation kExpectations[] = {
    {Mode::kSlowHeaders, "Timeout was reached", "Timeout was reached"},
    {Mode::kSlowBody, "Timeout was reached", "Timeout was reached"},
    {Mode::kHugeBody, "response body exceeds 16777216 bytes",
     "response body exceeds 16777216 bytes"},
    {Mode::kHugeBodyDeclared, "response body exceeds 16777216 bytes",
     "response body exceeds 16777216 bytes"},
    {Mode::kRandomBytes, "HTTP/0.9", "HTTP/0.9"},
    {Mode::kResetMidBody, "Connection reset by peer", "Connection reset by peer"},
    {Mode::kRedirectLoop, "HTTP status 302, want 200", "HTTP status 302, want 200"},
    {Mode::kTlsSelfSigned, "self-signed certificate", "self-signed certificate", true},
    {Mode::kLongLine, "body is not JSON", "invalid exposition at 1:"},
    {Mode::kOneInvalidLine, "body is not JSON", "invalid exposition at 7:"},
    {Mode::kUnhealthyJson, "status \"unhealthy\", want \"healthy\"", "invalid exposition at 1:"},
    {Mode::kGarbageJson, "body is not JSON", "invalid exposition at 1:"},
    {Mode::kServerError, "HTTP status 500, want 200", "HTTP status 500, want 200"},
    {Mode::kEndlessChunked, "Timeout was reached", "Timeout was reached"},
};

struct Case {
  const Expectation* expect;
  Peer peer;
  ProbeRun run;
  explicit Case(const Expectation& e)
      : expect(&e),
        peer(e.mode),
        run(hostileTarget(peer.url("/health", e.https), peer.url("/metrics", e.https))) {}
};

void checkFailed(const ProbeRun& run, const char* healthWant, const char* scrapeWant) {
  REQUIRE(run.health());
  REQUIRE(run.scrape());
  const auto& health = *run.health();
  const auto& scrape = *run.scrape();
  INFO("health error: " << health.error);
  INFO("scrape error: " << scrape.error);
  CHECK_FALSE(health.ok);
  CHECK_FALSE(scrape.ok);
  CHECK(health.error.find(healthWant) != std::string::npos);
  CHECK(scrape.error.find(scrapeWant) != std::string::npos);
  CHECK(health.duration <= kHealthTimeout + kSlack);
  CHECK(scrape.duration <= kMetricsTimeout + kSlack);
  CHECK(scrape.samples == 0);
  CHECK(run.latest("up") == 0.0);
  CHECK(run.latest("nova_agent_health_up") == 0.0);
  CHECK(run.latest("scrape_samples_scraped") == 0.0);
  CHECK(run.prober().counters().healthFailed == 1);
  CHECK(run.prober().counters().scrapesFailed == 1);
  CHECK(run.prober().counters().healthOk == 0);
  CHECK(run.prober().counters().scrapesOk == 0);
}

}  // namespace

TEST_CASE("the healthy control passes both probe and scrape, so the checks below can fail") {
  Peer peer(Mode::kHealthy);
  ProbeRun run(hostileTarget(peer.url("/health"), peer.url("/metrics")));
  run.runUntilDone(kMetricsTimeout + kSlack);
  REQUIRE(run.done());
  CHECK(run.health()->ok);
  CHECK(run.scrape()->ok);
  CHECK(run.scrape()->samples == 5);
  CHECK(run.latest("up") == 1.0);
  CHECK(run.latest("nova_agent_health_up") == 1.0);
  CHECK(run.latest("nova_streaming_active_streams") == 3.0);
}

TEST_CASE("every hostile mode fails the health probe and the scrape, in time, saying why") {
  // All modes at once, each against its own peer: the slow ones overlap instead of adding up.
  std::list<Case> cases;
  for (const auto& expect : kExpectations) {
    cases.emplace_back(expect);
  }
  const TimestampMs start = SystemClock().now();
  bool pending = true;
  while (pending && SystemClock().now() - start < kMetricsTimeout + 2 * kSlack) {
    pending = false;
    for (auto& c : cases) {
      if (!c.run.done()) {
        c.run.poll(2);
        pending = pending || !c.run.done();
      }
    }
  }
  for (auto& c : cases) {
    c.peer.stop();
    INFO("mode: " << toString(c.expect->mode));
    MESSAGE(toString(c.expect->mode)
            << " | " << c.run.health()->duration << " ms | " << c.run.health()->error << " | "
            << c.run.scrape()->duration << " ms | " << c.run.scrape()->error);
    checkFailed(c.run, c.expect->health, c.expect->scrape);
  }
}

TEST_CASE("the self-signed peer fails only for want of trust") {
  Peer peer(Mode::kTlsSelfSigned);
  SUBCASE("verification off: the same peer passes") {
    auto config = hostileTarget(peer.url("/health", true), peer.url("/metrics", true));
    config.verifyTls = false;
    ProbeRun run(config);
    run.runUntilDone(kMetricsTimeout + kSlack);
    REQUIRE(run.done());
    CHECK(run.health()->ok);
    CHECK(run.scrape()->ok);
  }
  SUBCASE("verification on, system store: both fail on the certificate") {
    ProbeRun run(hostileTarget(peer.url("/health", true), peer.url("/metrics", true)));
    run.runUntilDone(kMetricsTimeout + kSlack);
    checkFailed(run, "self-signed certificate", "self-signed certificate");
  }
}

TEST_CASE("a plain HTTP peer behind an https URL fails the TLS handshake") {
  Peer peer(Mode::kHealthy);
  ProbeRun run(hostileTarget(peer.url("/health", true), peer.url("/metrics", true)));
  run.runUntilDone(kMetricsTimeout + kSlack);
  checkFailed(run, "SSL", "SSL");
}

TEST_CASE("a refused connection fails both") {
  std::string health;
  std::string metrics;
  {
    Peer peer(Mode::kHealthy);
    health = peer.url("/health");
    metrics = peer.url("/metrics");
  }
  ProbeRun run(hostileTarget(health, metrics));
  run.runUntilDone(kMetricsTimeout + kSlack);
  checkFailed(run, "Couldn't connect", "Couldn't connect");
}

}  // namespace nova::hostile::test
