#include "nova/scrape/prober.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "nova/http/server.h"

namespace nova::scrape {
namespace {

// A target whose answers the test changes between polls.
struct FakeTarget {
  std::mutex mutex;
  http::ServerResponse health{200, "application/json", {}, R"({"status":"healthy"})"};
  http::ServerResponse metrics{200, "text/plain", {}, "requests_total{code=\"200\"} 7\n"};
  std::unique_ptr<http::Server> server;

  FakeTarget() {
    auto started = http::Server::start({}, [this](const http::ServerRequest& request) {
      std::lock_guard lock(mutex);
      return request.path == "/health" ? health : metrics;
    });
    REQUIRE(started.ok());
    server = std::move(started).value();
  }
  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + std::string(path);
  }
  TargetConfig config() const {
    TargetConfig c;
    c.healthUrl = url("/health");
    c.metricsUrl = url("/metrics");
    c.labels = Labels{{"job", "green"}};
    return c;
  }
};

// Polls until one event of each enabled kind completed (or 5 s passed).
std::vector<ProbeEvent> pollRound(Prober& prober, std::size_t want) {
  std::vector<ProbeEvent> events;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (events.size() < want && std::chrono::steady_clock::now() < deadline) {
    for (auto& e : prober.poll(50)) {
      events.push_back(std::move(e));
    }
  }
  return events;
}

const ProbeEvent* find(const std::vector<ProbeEvent>& events, ProbeEvent::Kind kind) {
  for (const auto& e : events) {
    if (e.kind == kind) {
      return &e;
    }
  }
  return nullptr;
}

double latest(const tsdb::Storage& storage, const Labels& labels) {
  auto id = storage.find(labels);
  REQUIRE(id.has_value());
  auto samples = storage.samples(*id);
  REQUIRE_FALSE(samples.empty());
  return samples.back().v;
}

}  // namespace

TEST_CASE("a healthy target: health 1, scraped series and up/duration/samples written") {
  FakeTarget target;
  tsdb::Storage storage;
  SystemClock clock;
  Prober prober(target.config(), storage, clock);
  auto events = pollRound(prober, 2);
  const auto* health = find(events, ProbeEvent::Kind::kHealth);
  const auto* scrape = find(events, ProbeEvent::Kind::kScrape);
  REQUIRE(health != nullptr);
  REQUIRE(scrape != nullptr);
  CHECK(health->ok);
  CHECK(health->error.empty());
  CHECK(scrape->ok);
  CHECK(scrape->samples == 1);
  CHECK(scrape->httpStatus == 200);
  CHECK(latest(storage, {{"__name__", "nova_agent_health_up"}, {"job", "green"}}) == 1.0);
  CHECK(latest(storage, {{"__name__", "up"}, {"job", "green"}}) == 1.0);
  CHECK(latest(storage, {{"__name__", "scrape_samples_scraped"}, {"job", "green"}}) == 1.0);
  CHECK(latest(storage, {{"__name__", "requests_total"}, {"code", "200"}, {"job", "green"}}) ==
        7.0);
  CHECK(prober.counters().healthOk == 1);
  CHECK(prober.counters().scrapesOk == 1);
  CHECK(prober.nextDue() > scrape->at);
}

TEST_CASE("every unhealthy answer fails: 5xx, wrong status, garbage, bad exposition") {
  FakeTarget target;
  tsdb::Storage storage;
  SystemClock clock;
  auto config = target.config();
  config.healthInterval = 10;
  config.metricsInterval = 10;
  Prober prober(config, storage, clock);
  REQUIRE(pollRound(prober, 2).size() >= 2);

  {
    std::lock_guard lock(target.mutex);
    target.health = {200, "application/json", {}, R"({"status":"degraded"})"};
    target.metrics = {200, "text/plain", {}, "requests_total{code=\"200\" 7\n"};
  }
  auto events = pollRound(prober, 6);
  const ProbeEvent* health = nullptr;
  const ProbeEvent* scrape = nullptr;
  for (const auto& e : events) {
    (e.kind == ProbeEvent::Kind::kHealth ? health : scrape) = &e;
  }
  REQUIRE(health != nullptr);
  REQUIRE(scrape != nullptr);
  CHECK_FALSE(health->ok);
  CHECK(health->error.find("degraded") != std::string::npos);
  CHECK_FALSE(scrape->ok);
  CHECK(scrape->error.find("1:") != std::string::npos);
  CHECK(latest(storage, {{"__name__", "nova_agent_health_up"}, {"job", "green"}}) == 0.0);
  CHECK(latest(storage, {{"__name__", "up"}, {"job", "green"}}) == 0.0);
  // The series of the last good scrape went stale when the scrape failed.
  CHECK(isStaleNaN(
      latest(storage, {{"__name__", "requests_total"}, {"code", "200"}, {"job", "green"}})));

  {
    std::lock_guard lock(target.mutex);
    target.health = {503, "application/json", {}, R"({"status":"healthy"})"};
    target.metrics = {500, "text/plain", {}, ""};
  }
  events = pollRound(prober, 6);
  REQUIRE_FALSE(events.empty());
  CHECK_FALSE(events.back().ok);
  CHECK(prober.counters().healthFailed >= 1);
  CHECK(prober.counters().scrapesFailed >= 1);
}

TEST_CASE("an unreachable target fails both kinds; an oversized body fails the scrape") {
  TargetConfig config;
  {
    FakeTarget target;
    config = target.config();
  }  // the server is gone: connection refused
  tsdb::Storage storage;
  SystemClock clock;
  Prober prober(config, storage, clock);
  auto events = pollRound(prober, 2);
  REQUIRE(events.size() == 2);
  CHECK_FALSE(events[0].ok);
  CHECK_FALSE(events[1].ok);
  CHECK(events[0].httpStatus == 0);

  FakeTarget big;
  {
    std::lock_guard lock(big.mutex);
    big.metrics.body = std::string(4096, '#');
  }
  auto bigConfig = big.config();
  bigConfig.maxBodyBytes = 1024;
  bigConfig.healthUrl.clear();
  tsdb::Storage bigStorage;
  Prober bigProber(bigConfig, bigStorage, clock);
  auto bigEvents = pollRound(bigProber, 1);
  REQUIRE(bigEvents.size() == 1);
  CHECK(toString(bigEvents[0].kind) == std::string_view("scrape"));
  CHECK(bigEvents[0].error.find("exceeds 1024 bytes") != std::string::npos);
}

TEST_CASE("a backward wall-clock step neither stops probing nor stamps samples back in time") {
  FakeTarget target;
  tsdb::Storage storage;
  ManualClock clock(1'800'000'000'000);
  Prober prober(target.config(), storage, clock);
  auto first = pollRound(prober, 2);
  const auto* scrape = find(first, ProbeEvent::Kind::kScrape);
  REQUIRE(scrape != nullptr);
  CHECK(scrape->at == 1'800'000'000'000);

  clock.setWall(1'800'000'000'000 - kHour);  // NTP steps the wall clock back an hour
  clock.advance(kSecond);
  auto second = pollRound(prober, 2);
  const auto* next = find(second, ProbeEvent::Kind::kScrape);
  REQUIRE(next != nullptr);  // due a second later on the monotonic clock, not in an hour
  CHECK(next->at == 1'800'000'000'000 + kSecond);
  auto id = storage.find({{"__name__", "requests_total"}, {"code", "200"}, {"job", "green"}});
  REQUIRE(id.has_value());
  REQUIRE(storage.samples(*id).size() == 2);
  CHECK(storage.samples(*id).back().t == 1'800'000'000'000 + kSecond);
}

// The body's buffer is kept between scrapes: each scrape must see exactly its own body,
// whether it is larger than the last (the buffer grows), much smaller (it shrinks) or over
// the bound (refused, and the next good body is read whole again).
TEST_CASE("scrapes of growing, shrinking and oversized bodies each ingest exactly their body") {
  FakeTarget target;
  const auto body = [](int series, int value) {
    std::string text;
    for (int i = 0; i < series; ++i) {
      text += "big_metric{shard=\"" + std::to_string(i) + "\",pad=\"" + std::string(40, 'x') +
              "\"} " + std::to_string(value) + "\n";
    }
    return text;
  };
  const auto setBody = [&](std::string text) {
    std::lock_guard lock(target.mutex);
    target.metrics.body = std::move(text);
  };
  auto config = target.config();
  config.healthUrl.clear();
  config.maxBodyBytes = 400'000;
  tsdb::Storage storage;
  ManualClock clock(1'800'000'000'000);
  Prober prober(config, storage, clock);
  const auto value = [&](int shard) {
    return latest(storage, {{"__name__", "big_metric"},
                            {"shard", std::to_string(shard)},
                            {"pad", std::string(40, 'x')},
                            {"job", "green"}});
  };
  struct Step {
    int series;
    int value;
    bool ok;
  };
  // ~75 bytes a line: 100 lines fit the first buffer, 4000 lines are ~300 kB, 6000 too many.
  for (const Step step : {Step{100, 1, true}, Step{4000, 2, true}, Step{10, 3, true},
                          Step{4000, 4, true}, Step{6000, 5, false}, Step{3000, 6, true}}) {
    CAPTURE(step.series);
    setBody(body(step.series, step.value));
    auto events = pollRound(prober, 1);
    REQUIRE(events.size() == 1);
    CHECK(events[0].ok == step.ok);
    if (!step.ok) {
      CHECK(events[0].error.find("response body exceeds 400000 bytes") != std::string::npos);
    } else {
      CHECK(events[0].samples == static_cast<std::size_t>(step.series));
      CHECK(value(0) == step.value);
      CHECK(value(step.series - 1) == step.value);
    }
    clock.advance(kSecond);
  }
}

}  // namespace nova::scrape
