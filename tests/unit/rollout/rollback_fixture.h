#pragma once
// The rollback tests' world on a simulated clock: the fake API server holds the HTTPRoute
// (or Ingress) and both Deployments with the record a finished rollout leaves, a stand-in
// serves green's /metrics, hooks are real processes. Every wait runs on the ManualClock the
// driver moves.

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <functional>
#include <optional>

#include "clock_driver.h"
#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/http/server.h"
#include "nova/rollout/record_store.h"
#include "nova/rollout/rollback.h"
#include "nova/traffic/kube_object_switch.h"

namespace nova::rollout::rollback_fixture {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr TimestampMs kThursday0200 = 1'796'263'200'000;  // 2026-12-03T02:00:00Z

constexpr std::string_view kRoute = R"({
  "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
  "metadata": {"name": "api-route", "namespace": "production"},
  "spec": {"rules": [{"backendRefs": [
    {"name": "user-service-blue", "port": 8081, "weight": 0},
    {"name": "user-service-green", "port": 8081, "weight": 100}]}]}})";

constexpr std::string_view kIngress = R"({
  "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
  "metadata": {"name": "api-ingress", "namespace": "production"},
  "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix",
    "backend": {"service": {"name": "user-service-green", "port": {"number": 8081}}}}]}}]}})";

inline std::string deployment(std::string_view name, int replicas) {
  const std::string n = std::to_string(replicas);
  return R"({"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": ")" +
         std::string(name) + R"(", "namespace": "production"},
    "spec": {"replicas": )" +
         n + R"(, "template": {"spec": {"containers": [{"name": "app", "image": "x"}]}}},
    "status": {"replicas": )" +
         n + R"(, "readyReplicas": )" + n + "}}";
}

// Green's /metrics: the request and error counters the test moves on.
struct GreenMetrics {
  GreenMetrics() {
    auto started = http::Server::start({}, [this](const http::ServerRequest&) {
      http::ServerResponse r;
      r.contentType = "text/plain; version=0.0.4";
      r.body = "# TYPE nova_http_requests_total counter\nnova_http_requests_total{code=\"200\"} " +
               std::to_string(requests.load()) +
               "\n# TYPE nova_http_errors_total counter\nnova_http_errors_total " +
               std::to_string(errors.load()) + "\n";
      // Each scrape sees green serve more requests, failing `failing` of every 100.
      requests += 100;
      errors += failing.load();
      return r;
    });
    REQUIRE(started.ok());
    server = std::move(*started);
  }
  ~GreenMetrics() { server->stop(); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + "/metrics";
  }
  std::atomic<long> requests{1000};
  std::atomic<long> errors{0};
  std::atomic<long> failing{0};
  std::unique_ptr<http::Server> server;
};

struct Fixture {
  /// `readyDelay`: how long (simulated) a scaled Deployment takes to become ready.
  explicit Fixture(const std::string& type = "gateway-httproute", DurationMs readyDelay = 0) {
    fake_kube::Options options;
    options.clock = &clock;
    options.readyDelay = readyDelay;
    auto started = fake_kube::FakeKube::start(options);
    REQUIRE(started.ok());
    api = std::move(*started);
    REQUIRE(api->seed(type == "gateway-httproute" ? kRoute : kIngress).ok());
    REQUIRE(api->seed(deployment("user-service-blue", 0)).ok());
    REQUIRE(api->seed(deployment("user-service-green", 3)).ok());
    dir = fs::temp_directory_path() /
          ("nova-rollback-test-" + std::to_string(::getpid()) + "-" + std::to_string(++runs));
    fs::create_directories(dir);
    config.switchSpec.type = type;
    config.switchSpec.settings = {{"server", api->url()},
                                  {"namespace", "production"},
                                  {"blue_service", "user-service-blue"},
                                  {"green_service", "user-service-green"},
                                  {"attempts", "1"}};
    config.switchSpec.settings[type == "gateway-httproute" ? "httproute" : "ingress"] =
        type == "gateway-httproute" ? "api-route" : "api-ingress";
    config.blue.ns = "production";
    config.blue.deployment = "user-service-blue";
    config.reportDir = dir.string();
    config.rollback.full.deployment = "user-service-green";
    config.rollback.staged.metricsUrl = green.url();
    config.rollback.staged.watch = 30 * kSecond;
    config.rollback.staged.pollInterval = 5 * kSecond;
    auto made = makeTrafficObject(config.switchSpec, config.blue, clock, random);
    REQUIRE(made.ok());
    traffic = std::move(*made);
    auto sw =
        traffic::makeSwitch({config.switchSpec.type, config.switchSpec.settings}, clock, random);
    REQUIRE(sw.ok());
    flip = std::move(*sw);
    seedRecord();
  }
  ~Fixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  // The record a rollout leaves after Phase 4: blue's 3 replicas recorded and scaled to 0.
  void seedRecord() {
    RecordStore store(*traffic, clock);
    StopSource stop(clock);
    REQUIRE(store.acquire(LeaseRequest{"r1", "ci/1", "ci", std::nullopt, 30 * kSecond}, stop).ok());
    Record r;
    r.rolloutId = "r1";
    r.version = "v1.2.4";
    r.phase = Phase::kDone;
    r.startedAt = clock.now();
    r.switchedAt = clock.now();
    r.snapshotId = "nova-prod-pre-deploy-v1.2.4-r1";
    r.blue = BlueBefore{3, "x"};
    REQUIRE(store.write(r).ok());
    store.release();
    api->clearRequests();
  }

  /// Runs `order` as alice. `onEvent` sees each event until a stop is requested; a stop is
  /// requested (as SIGTERM would) after the event whose detail contains `stopAfter`;
  /// `sink` (the team channel) sees every event.
  RollbackResult run(RollbackOrder order, std::function<void(const RollbackEvent&)> onEvent = {}) {
    StopSource stop(clock);
    HookRunner hooks(stop);
    http::Client client;
    order.who = "alice";
    order.instance = "host/1/abc";
    RollbackParts parts{*traffic, *flip, hooks, stop, clock, client};
    test::ClockDriver driver(clock, kSecond, 10 * kMinute, [&] { return !hooks.running(); });
    return runRollbackOption(config, parts, order, [&](const RollbackEvent& e) {
      lines.push_back(e.line.detail);
      events.push_back(e);
      if (sink) {
        sink(e);
      }
      if (onEvent && !stop.stopRequested()) {
        onEvent(e);
      }
      if (stopAfter && e.line.detail.find(*stopAfter) != std::string::npos) {
        stop.requestStop("SIGTERM");
      }
    });
  }

  json::value object(std::string_view resource, std::string_view name) {
    auto o = api->object(resource, "production", name);
    REQUIRE(o);
    return *o;
  }
  std::int64_t replicas(std::string_view name) {
    return object("deployments", name).at_pointer("/spec/replicas").as_int64();
  }
  std::int64_t greenWeight() {
    return object("httproutes", "api-route")
        .at_pointer("/spec/rules/0/backendRefs/1/weight")
        .as_int64();
  }
  // PATCHes of `path` whose body contains `text`.
  int patches(std::string_view path, std::string_view text = "") {
    int n = 0;
    for (const auto& r : api->requests()) {
      if (r.method == "PATCH" && r.path.find(path) != std::string::npos &&
          r.body.find(text) != std::string::npos) {
        ++n;
      }
    }
    return n;
  }
  bool hasStep(const RollbackResult& result, std::string_view name) {
    if (!result.record) {
      return false;
    }
    for (const auto& s : result.record->steps) {
      if (s.name == name) {
        return true;
      }
    }
    return false;
  }

  inline static int runs = 0;
  ManualClock clock{kThursday0200};
  SequenceRandom random;
  std::unique_ptr<fake_kube::FakeKube> api;
  GreenMetrics green;
  RolloutConfig config;
  fs::path dir;
  std::unique_ptr<TrafficObject> traffic;
  traffic::SwitchPtr flip;
  std::vector<std::string> lines;
  std::vector<RollbackEvent> events;
  std::optional<std::string> stopAfter;
  std::function<void(const RollbackEvent&)> sink;
};

inline std::string textOf(const fs::path& path) {
  auto text = readFile(path.string(), 4096);
  return text.ok() ? *text : "";
}

inline RollbackOrder order(RollbackOption option) {
  RollbackOrder o;
  o.option = option;
  o.reason = "errors after the switch";
  return o;
}

}  // namespace nova::rollout::rollback_fixture
