// The target pool over real loopback HTTP servers: one prober per target with its own
// labels, stale markers for a removed target, the target limit, the per-target series limit.
#include "nova/scrape/target_pool.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>

#include "nova/core/sample.h"
#include "nova/http/server.h"

namespace nova::scrape {
namespace {

// A pod: /health and /metrics on a loopback port of its own.
struct Pod {
  std::mutex mutex;
  std::string metrics = "requests_total{code=\"200\"} 7\n";
  std::unique_ptr<http::Server> server;

  Pod() {
    auto started = http::Server::start({}, [this](const http::ServerRequest& request) {
      std::lock_guard lock(mutex);
      if (request.path == "/health") {
        return http::ServerResponse{200, "application/json", {}, R"({"status":"healthy"})"};
      }
      return http::ServerResponse{200, "text/plain", {}, metrics};
    });
    REQUIRE(started.ok());
    server = std::move(started).value();
  }
  DiscoveredTarget target(const std::string& pod) const {
    const std::string instance = "127.0.0.1:" + std::to_string(server->port());
    return {instance, Labels{{"instance", instance}, {"job", "green"}, {"pod", pod}}};
  }
};

// Polls until `want` scrapes and `want` health probes completed (or 5 s passed).
std::vector<ProbeEvent> pollRound(TargetPool& pool, std::size_t want) {
  std::vector<ProbeEvent> events;
  std::size_t scrapes = 0;
  std::size_t probes = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while ((scrapes < want || probes < want) && std::chrono::steady_clock::now() < deadline) {
    for (auto& e : pool.poll(50)) {
      ++(e.kind == ProbeEvent::Kind::kScrape ? scrapes : probes);
      events.push_back(std::move(e));
    }
  }
  return events;
}

std::vector<Sample> samplesOf(const tsdb::Storage& storage, const Labels& labels) {
  auto id = storage.find(labels);
  REQUIRE(id.has_value());
  auto samples = storage.samples(*id);
  return {samples.begin(), samples.end()};
}

TargetConfig base() {
  TargetConfig c;
  c.healthInterval = 50;
  c.metricsInterval = 50;
  return c;
}

}  // namespace

TEST_CASE("each target is scraped with its own labels; a removed one's series go stale") {
  Pod a;
  Pod b;
  {
    std::lock_guard lock(b.mutex);
    b.metrics = "requests_total{code=\"200\"} 3\n";
  }
  tsdb::Storage storage;
  SystemClock clock;
  Timeline timeline(clock);
  TargetPool pool(base(), PoolOptions{}, storage, timeline);
  auto synced = pool.sync({a.target("green-a"), b.target("green-b")});
  CHECK(synced.added.size() == 2);
  auto events = pollRound(pool, 2);
  std::set<std::string> seen;
  for (const auto& e : events) {
    CHECK(e.ok);
    seen.insert(e.instance);
  }
  CHECK(seen.size() == 2);
  const Labels requestsA =
      a.target("green-a").labels.with(kMetricNameLabel, "requests_total").with("code", "200");
  const Labels requestsB =
      b.target("green-b").labels.with(kMetricNameLabel, "requests_total").with("code", "200");
  // Two pods' counters are two series, never one interleaved.
  CHECK(samplesOf(storage, requestsA).back().v == 7);
  CHECK(samplesOf(storage, requestsB).back().v == 3);
  CHECK(samplesOf(storage, b.target("green-b").labels.with(kMetricNameLabel, "up")).back().v == 1);
  CHECK(
      samplesOf(storage, b.target("green-b").labels.with(kMetricNameLabel, "nova_agent_health_up"))
          .back()
          .v == 1);

  auto removed = pool.sync({a.target("green-a")});
  CHECK(removed.removed == std::vector<std::string>{b.target("green-b").instance});
  CHECK(pool.size() == 1);
  for (const auto& name :
       {"requests_total", "up", "nova_agent_health_up", "scrape_duration_seconds"}) {
    Labels labels = b.target("green-b").labels.with(kMetricNameLabel, name);
    if (std::string_view(name) == "requests_total") {
      labels = requestsB;
    }
    CAPTURE(name);
    CHECK(isStaleNaN(samplesOf(storage, labels).back().v));
  }
  CHECK_FALSE(isStaleNaN(samplesOf(storage, requestsA).back().v));
  auto status = pool.status();
  REQUIRE(status.size() == 1);
  CHECK(status[0].pod == "green-a");
  CHECK(status[0].up);
  CHECK(status[0].healthy == true);
  CHECK(status[0].series == 1);
  CHECK(pool.counters().removed == 1);
}

TEST_CASE("targets beyond the limit are refused; a per-target series limit drops extra series") {
  Pod a;
  Pod b;
  Pod c;
  for (Pod* pod : {&a, &b, &c}) {
    std::lock_guard lock(pod->mutex);
    pod->metrics = "x_total{i=\"1\"} 1\nx_total{i=\"2\"} 1\nx_total{i=\"3\"} 1\n";
  }
  tsdb::Storage storage;
  SystemClock clock;
  Timeline timeline(clock);
  TargetConfig config = base();
  config.maxSeries = 2;
  PoolOptions options;
  options.maxTargets = 2;
  TargetPool pool(config, options, storage, timeline);
  std::vector<DiscoveredTarget> all{a.target("a"), b.target("b"), c.target("c")};
  std::sort(all.begin(), all.end(),
            [](const auto& x, const auto& y) { return x.instance < y.instance; });
  auto synced = pool.sync(all);
  CHECK(synced.added.size() == 2);
  REQUIRE(synced.refused.size() == 1);
  CHECK(synced.refused[0] == all[2].instance);
  CHECK(pool.counters().refused == 1);
  pollRound(pool, 2);
  // Only two of each kept target's three series are stored.
  std::size_t stored = 0;
  for (const auto& i : {"1", "2", "3"}) {
    stored += storage.find(all[0].labels.with(kMetricNameLabel, "x_total").with("i", i)) ? 1 : 0;
  }
  CHECK(stored == 2);
  CHECK(pool.scrapeStats().cacheOverflows >= 2);
}

}  // namespace nova::scrape
