// The rollout engine end to end on a simulated clock: the fake API server holds the
// Ingress and blue's Deployment, a stand-in agent answers /status, hooks are real
// processes. Every wait of the engine runs on the ManualClock the driver moves.
#include "nova/rollout/engine.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "engine_fixture.h"
#include "nova/core/files.h"
#include "nova/rollout/commands.h"

namespace nova::rollout {
namespace {

using test::Fixture;
using test::kThursday0200;

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
