#pragma once

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/kube/client.h"

namespace nova::kube::test {

/// The seed's production namespace (api-ingress on green, blue scaled to 0).
inline std::string productionSeed() {
  auto text = readFile(
      std::string(NOVA_SOURCE_DIR) + "/tests/integration/kube/data/production.yaml", 1 << 20);
  REQUIRE(text.ok());
  return *text;
}

/// Captures spdlog output for the lifetime of the object; lines() returns what was logged.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
    spdlog::set_level(spdlog::level::debug);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const { return stream_.str(); }
  bool contains(const std::string& part) const { return text().find(part) != std::string::npos; }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

/// Every "retrying in N ms" the client logged, in order: the waits it chose.
inline std::vector<DurationMs> retryWaits(const LogCapture& log) {
  std::vector<DurationMs> waits;
  const std::string text = log.text();
  const std::string marker = "retrying in ";
  for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    waits.push_back(std::stoll(text.substr(at + marker.size())));
  }
  return waits;
}

/// A fake API server seeded with production, accepting token "T", and clients for it. The
/// server and the clients share one ManualClock: nothing waits in real time, and a test
/// moves time with passWaits() (or clock.advance() for the server's controller alone).
struct FakeCluster {
  explicit FakeCluster(fake_kube::Options options = defaultOptions()) {
    if (options.clock == nullptr) {
      options.clock = &clock;
    }
    auto started = fake_kube::FakeKube::start(std::move(options));
    REQUIRE(started.ok());
    server = std::move(*started);
    REQUIRE(server->seed(productionSeed()).ok());
  }

  static fake_kube::Options defaultOptions() {
    fake_kube::Options options;
    options.tokens = {"T"};
    return options;
  }

  ClusterConfig config(std::string token = "T") const {
    ClusterConfig c;
    c.server = server->url();
    c.token = std::move(token);
    c.defaultNamespace = "production";
    return c;
  }

  ClientOptions options() const {
    ClientOptions o;
    o.timeout = 2 * kSecond;
    return o;
  }

  std::unique_ptr<Client> client(std::string token = "T") {
    return std::make_unique<Client>(config(std::move(token)), clock, random, options());
  }

  /// Lets the waits of code running on another thread pass, one at a time: for each entry,
  /// waits until `sleepers` threads sleep on the clock, advances it by that much, then waits
  /// until the next request reaches the server (the sleeper has woken and acted), so the next
  /// advance cannot land on the same sleep. Fails the test instead of hanging.
  void passWaits(const std::vector<DurationMs>& waits, std::size_t sleepers = 1) {
    for (DurationMs wait : waits) {
      REQUIRE(clock.awaitWaiters(sleepers));
      const std::size_t before = server->arrivalCount();
      clock.advance(wait);
      REQUIRE(server->awaitArrivals(before + 1));
    }
  }

  std::string ingressService(const std::string& name = "api-ingress") const {
    auto object = server->object("ingresses", "production", name);
    REQUIRE(object.has_value());
    return std::string(
        object->at_pointer("/spec/rules/0/http/paths/0/backend/service/name").as_string());
  }

  /// Declared before the server, which waits on it and must go first.
  ManualClock clock{1764218376000};
  /// 0.5 makes every jittered backoff exactly three quarters of its ceiling.
  SequenceRandom random{{0.5}};
  std::unique_ptr<fake_kube::FakeKube> server;
};

/// Runs `work` on its own thread; the caller drives the clock meanwhile and then get()s it.
template <typename Work>
auto onThread(Work work) {
  return std::async(std::launch::async, std::move(work));
}

}  // namespace nova::kube::test
