#pragma once
// The rollout engine's test bed: the fake API server (on the test's ManualClock) with the
// Ingress and blue's Deployment, a stand-in agent answering /status, and a run() that
// drives the engine with a ClockDriver. Shared by the engine's test files.
#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <mutex>

#include "clock_driver.h"
#include "kube_seed.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/http/server.h"
#include "nova/rollout/engine.h"
#include "nova/traffic/switch.h"

namespace nova::rollout::test {

namespace json = boost::json;

constexpr TimestampMs kThursday0200 = 1'796'263'200'000;  // 2026-12-03T02:00:00Z
constexpr std::string_view kBackend = "/spec/rules/0/http/paths/0/backend/service/name";

constexpr std::string_view kIngress = kSeedIngress;
constexpr std::string_view kBlue = kSeedBlue;

constexpr std::string_view kWatching =
    R"({"ready": true, "rules": [{"name": "error_rate", "value": 0.001}], "incident": null,
        "hold": null, "rollback": null})";

// The agent's /status as the test sets it; `onStatus` runs at each request until it
// returns true (it acted), as the agent acting on green would.
struct FakeAgent {
  FakeAgent() {
    auto started = http::Server::start({}, [this](const http::ServerRequest&) {
      std::function<bool()> act;
      {
        std::lock_guard lock(mutex);
        act = onStatus;
      }
      if (act && act()) {
        std::lock_guard lock(mutex);
        onStatus = nullptr;
      }
      http::ServerResponse r;
      {
        std::lock_guard lock(mutex);
        r.body = status;
      }
      r.contentType = "application/json";
      return r;
    });
    REQUIRE(started.ok());
    server = std::move(*started);
  }
  ~FakeAgent() { server->stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }

  std::mutex mutex;
  std::string status{kWatching};
  std::function<bool()> onStatus;
  std::unique_ptr<http::Server> server;
};

struct Fixture {
  Fixture() {
    fake_kube::Options options;
    options.clock = &clock;
    auto started = fake_kube::FakeKube::start(options);
    REQUIRE(started.ok());
    api = std::move(*started);
    REQUIRE(api->seed(kIngress).ok());
    REQUIRE(api->seed(kBlue).ok());
    reportDir = std::filesystem::temp_directory_path() /
                ("nova-engine-test-" + std::to_string(::getpid()) + "-" + std::to_string(++runs));
    config.switchSpec.type = "kubernetes-ingress";
    config.switchSpec.settings = {{"server", api->url()},
                                  {"namespace", "production"},
                                  {"ingress", "api-ingress"},
                                  {"blue_service", "user-service-blue"},
                                  {"green_service", "user-service-green"},
                                  {"attempts", "1"}};
    config.switchSpec.publicUrl = "";
    config.deploy.hook.argv = {"true"};
    config.smoke.health = false;
    config.smoke.metrics = false;
    config.blue.ns = "production";
    config.blue.deployment = "user-service-blue";
    config.blue.scaleDownDelay = 5 * kSecond;
    config.monitor.agentUrl = agent.url();
    config.bounds.monitor = kMinute;
    config.bounds.mediumMaxWait = 2 * kMinute;
    config.reportDir = reportDir.string();
    auto made = makeTrafficObject(config.switchSpec, config.blue, clock, random);
    REQUIRE(made.ok());
    traffic = std::move(*made);
    auto sw =
        traffic::makeSwitch({config.switchSpec.type, config.switchSpec.settings}, clock, random);
    REQUIRE(sw.ok());
    flip = std::move(*sw);
  }
  ~Fixture() {
    std::error_code ec;
    std::filesystem::remove_all(reportDir, ec);
  }

  EngineResult run(const std::string& id, const std::string& instance,
                   std::function<void(const EngineEvent&)> onEvent = {}) {
    StopSource stop(clock);
    HookRunner hooks(stop);
    http::Client client;
    auto window = Window::create(WindowConfig{});
    REQUIRE(window.ok());
    EngineParts parts{*traffic,
                      [this](const std::string& reason) -> Result<std::string> {
                        auto out = flip->rollback({"rollout", reason, "novactl", clock.now()});
                        if (!out.ok()) {
                          return out.error();
                        }
                        return out->detail;
                      },
                      client,
                      hooks,
                      stop,
                      clock,
                      *window};
    Engine engine(config, parts, [&](const EngineEvent& e) {
      events.push_back(e);
      if (onEvent) {
        onEvent(e);
      }
      if (stopAt && e.step == *stopAt) {
        stop.requestStop("SIGTERM");
      }
    });
    EngineOptions options;
    options.rolloutId = id;
    options.version = "v1.2.4";
    options.instance = instance;
    options.who = "ci";
    options.skipChecks = skips;
    ClockDriver driver(clock, kSecond);
    return engine.run(options);
  }

  std::string backend() {
    auto object = api->object("ingresses", "production", "api-ingress");
    REQUIRE(object);
    return std::string(object->at_pointer(kBackend).as_string());
  }
  std::int64_t blueReplicas() {
    auto object = api->object("deployments", "production", "user-service-blue");
    REQUIRE(object);
    return object->at_pointer("/spec/replicas").as_int64();
  }
  int forwardPatches() {
    int n = 0;
    for (const auto& r : api->requests()) {
      if (r.method == "PATCH" &&
          r.body.find("\"value\":\"user-service-green\"") != std::string::npos &&
          r.body.find("replace") != std::string::npos) {
        ++n;
      }
    }
    return n;
  }

  inline static int runs = 0;
  ManualClock clock{kThursday0200};
  SequenceRandom random;
  std::unique_ptr<fake_kube::FakeKube> api;
  FakeAgent agent;
  RolloutConfig config;
  std::filesystem::path reportDir;
  std::unique_ptr<TrafficObject> traffic;
  traffic::SwitchPtr flip;
  std::vector<EngineEvent> events;
  std::optional<std::string> stopAt;
  std::map<std::string, std::string> skips;
};

}  // namespace nova::rollout::test
