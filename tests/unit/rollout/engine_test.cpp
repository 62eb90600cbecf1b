// The rollout engine end to end on a simulated clock: the fake API server holds the
// Ingress and blue's Deployment, a stand-in agent answers /status, hooks are real
// processes. Every wait of the engine runs on the ManualClock the driver moves.
#include "nova/rollout/engine.h"

#include <doctest/doctest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "clock_driver.h"
#include "kube_seed.h"
#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/http/server.h"
#include "nova/rollout/commands.h"
#include "nova/traffic/switch.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

constexpr TimestampMs kThursday0200 = 1'796'263'200'000;  // 2026-12-03T02:00:00Z
constexpr std::string_view kBackend = "/spec/rules/0/http/paths/0/backend/service/name";

constexpr std::string_view kIngress = test::kSeedIngress;
constexpr std::string_view kBlue = test::kSeedBlue;

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
    test::ClockDriver driver(clock, kSecond);
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
};

TEST_CASE("a clean rollout switches once, monitors the window and scales blue down") {
  Fixture f;
  const EngineResult result = f.run("r1", "run-1");
  INFO(result.message);
  CHECK(result.outcome == Outcome::kSucceeded);
  CHECK(f.backend() == "user-service-green");
  CHECK(f.blueReplicas() == 0);
  CHECK(f.forwardPatches() == 1);
  REQUIRE(result.record);
  CHECK(result.record->phase == Phase::kDone);
  REQUIRE(result.record->blue);
  CHECK(result.record->blue->replicas == 3);
  CHECK(result.record->blue->image == "nova/user-service:v1.2.3");
  REQUIRE(result.record->switchedAt);
  // The monitoring window is the configured minute from the recorded switch time.
  CHECK(f.clock.now() >= *result.record->switchedAt + kMinute);
  bool monitored = false;
  for (const auto& e : f.events) {
    monitored = monitored || e.phase == "monitor";
  }
  CHECK(monitored);
}

TEST_CASE("the agent rolls back while monitoring: rolled back, with a report") {
  Fixture f;
  SequenceRandom agentRandom;
  f.agent.onStatus = [&f, &agentRandom] {
    // What the agent's switch does once green is live: traffic back on blue.
    auto sw = traffic::makeSwitch({f.config.switchSpec.type, f.config.switchSpec.settings}, f.clock,
                                  agentRandom);
    auto flipped = (*sw)->rollback({"inc-1", "error rate", "agent", f.clock.now()});
    if (!flipped.ok() || flipped->kind != traffic::SwitchOutcome::Kind::kFlipped) {
      return false;
    }
    std::lock_guard lock(f.agent.mutex);
    f.agent.status =
        R"({"ready": true, "rules": [], "hold": null,
            "rollback": {"incident": "inc-1", "outcome": "flipped", "detail": "to blue"}})";
    return true;
  };
  const EngineResult result = f.run("r1", "run-1");
  INFO(result.message);
  CHECK(result.outcome == Outcome::kRolledBack);
  CHECK(f.backend() == "user-service-blue");
  CHECK(f.blueReplicas() == 3);
  REQUIRE(result.record);
  CHECK(result.record->phase == Phase::kRolledBack);
  REQUIRE_FALSE(result.reportPath.empty());
  auto report = readFile(result.reportPath, 1 << 20);
  REQUIRE(report.ok());
  CHECK(report->find("Deployment Rollback Incident Report") != std::string::npos);
}

TEST_CASE("stopped while monitoring, a re-run with the same id resumes without a second switch") {
  Fixture f;
  f.stopAt = "monitor";
  const EngineResult first = f.run("r1", "run-1");
  INFO(first.message);
  CHECK(first.outcome == Outcome::kInterrupted);
  CHECK(f.backend() == "user-service-green");
  CHECK(f.blueReplicas() == 3);

  // Another rollout id is refused while r1 is unfinished.
  const EngineResult other = f.run("r2", "run-2");
  CHECK(other.outcome == Outcome::kRefused);
  CHECK(other.message.find("r1") != std::string::npos);

  f.stopAt.reset();
  const EngineResult second = f.run("r1", "run-3");
  INFO(second.message);
  CHECK(second.outcome == Outcome::kSucceeded);
  CHECK(f.forwardPatches() == 1);
  CHECK(f.blueReplicas() == 0);
}

TEST_CASE("a failed deploy hook ends before the switch with production untouched") {
  Fixture f;
  f.config.deploy.hook.argv = {"false"};
  const EngineResult result = f.run("r1", "run-1");
  CHECK(result.outcome == Outcome::kFailedBeforeSwitch);
  CHECK(f.backend() == "user-service-blue");
  CHECK(f.forwardPatches() == 0);
  REQUIRE(result.record);
  CHECK(result.record->phase == Phase::kFailedBeforeSwitch);
  // A finished rollout lets the next one in without a take-over.
  f.config.deploy.hook.argv = {"true"};
  CHECK(f.run("r2", "run-2").outcome == Outcome::kSucceeded);
}

TEST_CASE("outside the window a fresh start is refused before the lease, writing nothing") {
  Fixture f;
  // Stopped while monitoring on Thursday; the run resumes on Saturday.
  f.stopAt = "monitor";
  REQUIRE(f.run("r1", "run-1").outcome == Outcome::kInterrupted);
  f.clock.setWall(kThursday0200 + 48 * kHour);
  const auto writes = [&f] {
    int n = 0;
    for (const auto& r : f.api->requests()) {
      n += r.method == "GET" ? 0 : 1;
    }
    return n;
  };

  // A rollout past the switch is not held by the window: it finishes.
  f.stopAt.reset();
  const EngineResult resumed = f.run("r1", "run-2");
  INFO(resumed.message);
  CHECK(resumed.outcome == Outcome::kSucceeded);

  // A new rollout is refused without taking the lease.
  const int before = writes();
  const EngineResult refused = f.run("r2", "run-3");
  CHECK(refused.outcome == Outcome::kRefused);
  CHECK(refused.message ==
        "deployment window: Saturday is not a deployment day; the next window opens Tue "
        "2026-12-08 02:00 UTC (in 2d23h59m)");
  CHECK(writes() == before);
  CHECK(f.backend() == "user-service-green");
}

TEST_CASE("an agent that cannot be reached never lets blue be scaled down") {
  Fixture f;
  f.config.monitor.agentUrl = "http://127.0.0.1:1";
  const EngineResult result = f.run("r1", "run-1");
  INFO(result.message);
  // pre-flight lists the unreachable agent and stops before the switch
  CHECK(result.outcome == Outcome::kFailedBeforeSwitch);
  CHECK(f.blueReplicas() == 3);
}

TEST_CASE("novactl rollback after phase 4: blue back to its recorded replicas, then the flip") {
  Fixture f;
  REQUIRE(f.run("r1", "run-1").outcome == Outcome::kSucceeded);
  REQUIRE(f.blueReplicas() == 0);
  std::filesystem::create_directories(f.reportDir);
  const std::string config = (f.reportDir / "rollout.yaml").string();
  {
    std::ofstream yaml(config);
    yaml << "switch:\n  type: kubernetes-ingress\n  server: " << f.api->url()
         << "\n  namespace: production\n  ingress: api-ingress\n"
            "  blue_service: user-service-blue\n  green_service: user-service-green\n"
            "deploy:\n  hook: {command: [\"true\"]}\n"
            "smoke: {base_url: \"http://127.0.0.1:1\"}\n"
            "blue: {namespace: production, deployment: user-service-blue}\n"
            "monitor: {agent_url: \"http://127.0.0.1:1\"}\n"
            "report_dir: "
         << f.reportDir.string() << "\n";
  }
  f.api->clearRequests();
  std::ostringstream out;
  std::ostringstream err;
  RollbackArgs args;
  args.configFile = config;
  args.reason = "support tickets";
  const int code = runRollback(args, out, err);
  INFO(err.str());
  CHECK(code == 0);
  CHECK(f.backend() == "user-service-blue");
  CHECK(f.blueReplicas() == 3);
  // Blue is scaled up before traffic moves: the scale patch comes before the Ingress patch.
  int scaleAt = -1;
  int flipAt = -1;
  int i = 0;
  for (const auto& r : f.api->requests()) {
    if (r.method == "PATCH" && r.path.find("/scale") != std::string::npos && scaleAt < 0) {
      scaleAt = i;
    }
    if (r.method == "PATCH" && r.body.find("\"user-service-blue\"") != std::string::npos &&
        r.path.find("ingresses") != std::string::npos) {
      flipAt = i;
    }
    ++i;
  }
  CHECK(scaleAt >= 0);
  CHECK(flipAt > scaleAt);
  auto record = f.traffic->read();
  REQUIRE(record.ok());
  CHECK(record->record->phase == Phase::kRolledBack);
  CHECK_FALSE(record->lease.has_value());
  CHECK(readFile((f.reportDir / "r1-rollback-report.md").string(), 1 << 20)
            ->find("support tickets") != std::string::npos);
}

}  // namespace
}  // namespace nova::rollout
