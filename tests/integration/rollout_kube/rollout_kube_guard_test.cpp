// Production stays guarded when a process dies after the switch: the agent SIGKILLed while
// monitoring and restarted with the same state file (it arms again for the rollout and
// flips back when green fails; the rollout exits 4); the agent dead when the monitoring
// window ends (blue is not scaled down without its verdict: exit 7, blue warm); a rule
// breaching at the window's end whose `for` has not run out (no incident yet, and still
// not clean: exit 7, blue warm); and `novactl rollout` SIGKILLed right after the forward
// patch with no re-run (the agent, armed from the Ingress's record alone, flips back when
// green fails).
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "kube_site.h"

namespace nova {
namespace {

using namespace kube_site;

TEST_CASE("kube: the agent killed while monitoring, restarted: it re-arms and flips back") {
  // The window outlasts the agent's outage, so its verdict decides.
  KubeSite site("v1.2.5", {.monitor = "10s"});
  auto run = site.novactl("r-agent-kill", "novactl", "v1.2.5");
  REQUIRE_MESSAGE(waitFor([&] { return site.armedFor("r-agent-kill"); }, 30s),
                  run->log() << site.agent->log());
  site.agent->signal(SIGKILL);
  REQUIRE(exitStatus(site.agent->waitExit(10s)) == 128 + SIGKILL);
  std::this_thread::sleep_for(1s);
  INFO(run->log());
  CHECK_FALSE(run->waitExit(0ms).has_value());
  CHECK(site.blueReplicasByKubectl() == "3");

  site.restartAgent();
  REQUIRE_MESSAGE(waitFor([&] { return site.armedFor("r-agent-kill"); }, 30s), site.agent->log());
  // Armed again for the same rollout, from its state file.
  CHECK(site.agent->log().find("armed for rollout r-agent-kill version v1.2.5") !=
        std::string::npos);
  CHECK(site.agent->log().find("restored state") != std::string::npos);
  site.greenFaults(R"({"health_down": true})");
  const int code = exitStatus(run->waitExit(60s));
  INFO(site.agent->log());
  CHECK(code == 4);
  CHECK(run->log().find("the agent rolled back") != std::string::npos);
  CHECK(site.backendByKubectl() == kBlueService);
  CHECK(site.api.backendPatches(kGreenService) == 1);
  CHECK(site.api.backendPatches(kBlueService) == 1);
  CHECK(site.blueReplicasByKubectl() == "3");
}

TEST_CASE("kube: the window ends with the agent dead: blue is never scaled down (exit 7)") {
  KubeSite site("v1.2.5", {.monitor = "1s", .mediumMaxWait = "2s"});
  auto run = site.novactl("r-agent-dead", "novactl", "v1.2.5");
  REQUIRE_MESSAGE(waitFor([&] { return site.armedFor("r-agent-dead"); }, 30s),
                  run->log() << site.agent->log());
  site.agent->signal(SIGKILL);
  REQUIRE(exitStatus(site.agent->waitExit(10s)) == 128 + SIGKILL);
  const int code = exitStatus(run->waitExit(30s));
  INFO(run->log());
  CHECK(code == 7);
  CHECK(run->log().find("blue is never scaled down without the agent's verdict") !=
        std::string::npos);
  CHECK(site.blueReplicasByKubectl() == "3");
  CHECK(site.backendByKubectl() == kGreenService);
  CHECK(site.status().at_pointer("/record/phase") == "needs-person");
}

TEST_CASE("kube: a rule breaching when the window ends, its `for` not run out: blue stays warm") {
  // api_down needs an hour of failing health to fire, so green's failure opens no incident
  // before the window ends: the agent's /status has the rule breaching and nothing else.
  KubeSite site("v1.2.5", {.monitor = "5s", .mediumMaxWait = "2s", .apiDownFor = "1h"});
  auto run = site.novactl("r-pending", "novactl", "v1.2.5");
  REQUIRE_MESSAGE(waitFor([&] { return site.armedFor("r-pending"); }, 30s),
                  run->log() << site.agent->log());
  site.greenFaults(R"({"health_down": true})");
  const int code = exitStatus(run->waitExit(60s));
  INFO(run->log());
  INFO(site.agent->log());
  CHECK(code == 7);
  CHECK(run->log().find("breaching now: api_down") != std::string::npos);
  CHECK(run->log().find("blue is never scaled down while a rule breaches") != std::string::npos);
  CHECK(site.blueReplicasByKubectl() == "3");
  CHECK(site.backendByKubectl() == kGreenService);
  CHECK(site.status().at_pointer("/record/phase") == "needs-person");
}

TEST_CASE("kube: CI dies right after the switch: the agent, armed from the record, flips back") {
  KubeSite site("v1.2.5", {.monitor = "30s"});
  auto run = site.novactl("r-ci-dies", "novactl", "v1.2.5");
  const auto until = Steady::now() + 30s;
  while (site.api.backendPatches(kGreenService) == 0 && Steady::now() < until) {
    std::this_thread::sleep_for(5ms);
  }
  run->signal(SIGKILL);
  REQUIRE(exitStatus(run->waitExit(10s)) == 128 + SIGKILL);
  INFO(run->log());
  REQUIRE(site.api.backendPatches(kGreenService) == 1);
  const std::string killedIn = lastPhase(site.dir / "novactl.events.jsonl");
  CHECK(site.backendByKubectl() == kGreenService);

  // No novactl runs from here: the agent alone guards green.
  REQUIRE_MESSAGE(waitFor([&] { return site.armedFor("r-ci-dies"); }, 30s), site.agent->log());
  const auto fault = Steady::now();
  site.greenFaults(R"({"health_down": true})");
  REQUIRE_MESSAGE(waitFor([&] { return site.api.backendPatches(kBlueService) >= 1; }, 30s),
                  site.agent->log());
  const auto onBlue = Steady::now();
  CHECK(site.backendByKubectl() == kBlueService);
  CHECK(site.api.backendPatches(kBlueService) == 1);
  CHECK(site.blueReplicasByKubectl() == "3");
  MESSAGE("kube CI killed in "
          << killedIn << " right after the forward patch; fault-to-blue "
          << std::chrono::duration_cast<std::chrono::milliseconds>(onBlue - fault).count()
          << " ms");
}

}  // namespace
}  // namespace nova
