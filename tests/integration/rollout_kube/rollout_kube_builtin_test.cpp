// The built-in cluster pre-flight checks and the built-in deploy with the real novactl: it
// checks production-green (namespace, ConfigMap, Secret, pods, nodes), skips the command
// check named by --skip-check with its reason, sets green's image through the API and waits
// for the fake controller's rollout; the real kubectl reads the image back. Killed with
// SIGKILL while green rolls out, a re-run with the same id does not patch the image again.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <csignal>
#include <string>

#include "kube_site.h"

namespace nova {
namespace {

using namespace kube_site;

std::string stepsOf(const json::value& status) {
  std::string out;
  for (const auto& s : status.at_pointer("/record/steps").as_array()) {
    out += std::string(s.at("step").as_string()) + "=" + std::string(s.at("result").as_string()) +
           "\n";
  }
  return out;
}

TEST_CASE("kube: built-in pre-flight and deploy: green's image set, read back by kubectl") {
  KubeSite site("v1.2.4", {.monitor = "1s", .builtIn = true});
  auto image = [&site] {
    auto r = site.kubectl(
        "get deployment user-service-green -n production-green -o "
        "jsonpath='{.spec.template.spec.containers[0].image}'");
    REQUIRE_MESSAGE(r.status == 0, r.output);
    return r.output;
  };
  REQUIRE(image() == "nova/user-service:v1.2.3");
  // kubectl reads what the checks read.
  CHECK(site.kubectl("get namespace production-green -o jsonpath='{.status.phase}'").output ==
        "Active");
  CHECK(site.kubectl("get nodes -l node-role.kubernetes.io/worker -o name").output ==
        "node/worker-a\nnode/worker-b\n");

  const std::string config = (site.dir / "rollout.yaml").string();
  auto rollout = site.novactlWith(
      {"rollout", "-f", config, "--version", "v1.2.4", "--rollout-id", "r-built-in",
       "--window-override", "the tests run at any hour", "--skip-check", "db-connections",
       "--reason", "the replica is being rebuilt; connections checked by hand", "-o", "json"},
      "built-in");
  const int code = exitStatus(rollout->waitExit(60s));
  INFO("rollout: " << rollout->log());
  REQUIRE(code == 0);
  CHECK(image() == "nova/user-service:v1.2.4");
  CHECK(site.backendByKubectl() == "user-service-green");

  const json::value status = site.status();
  const std::string steps = stepsOf(status);
  INFO(steps);
  for (const char* ok : {"green-namespace=ok", "configmaps=ok", "secrets=ok", "pods-healthy=ok",
                         "nodes-ready=ok", "db-connections=skipped", "deploy=ok"}) {
    CHECK_MESSAGE(steps.find(ok) != std::string::npos, ok);
  }
  // The skip's reason and who ran it are in the record; the Secret's data is nowhere.
  const std::string record = json::serialize(status.at("record"));
  CHECK(record.find("the replica is being rebuilt; connections checked by hand") !=
        std::string::npos);
  CHECK(record.find("c2VlZC1zZWNyZXQ") == std::string::npos);
  CHECK(rollout->log().find("c2VlZC1zZWNyZXQ") == std::string::npos);
  auto text = site.novactlWith({"status", "-f", config}, "status-text");
  CHECK(exitStatus(text->waitExit(20s)) == 0);
  CHECK(text->log().find("skipped check db-connections: skipped by ") != std::string::npos);

  // The image was set by exactly one patch of green's Deployment.
  const std::string writes = site.api.writes();
  const std::string patch =
      "PATCH /apis/apps/v1/namespaces/production-green/deployments/user-service-green 200";
  const auto first = writes.find(patch);
  CHECK(first != std::string::npos);
  CHECK(writes.find(patch, first + 1) == std::string::npos);
}

TEST_CASE("kube: SIGKILL while green rolls out; the re-run waits without a second image patch") {
  // The controller takes 4 s: the first run is killed while it waits.
  KubeSite site("v1.2.4", {.monitor = "1s", .builtIn = true, .readyDelayMs = 4000});
  const std::string patch =
      "PATCH /apis/apps/v1/namespaces/production-green/deployments/user-service-green 200";
  auto count = [&site, &patch] {
    const std::string writes = site.api.writes();
    int n = 0;
    for (auto at = writes.find(patch); at != std::string::npos; at = writes.find(patch, at + 1)) {
      ++n;
    }
    return n;
  };
  auto first = site.novactl("r-built-in-kill", "run-1", "v1.2.4");
  REQUIRE_MESSAGE(waitFor([&] { return count() == 1; }, 30s), first->log());
  first->signal(SIGKILL);
  REQUIRE(exitStatus(first->waitExit(10s)) == 128 + SIGKILL);
  CHECK(lastPhase(site.dir / "run-1.events.jsonl") == "deploy-green");

  auto second = site.novactl("r-built-in-kill", "run-2", "v1.2.4");
  const int code = exitStatus(second->waitExit(60s));
  INFO("run-2: " << second->log());
  CHECK(code == 0);
  CHECK(count() == 1);
  CHECK(second->log().find("(image was already set)") != std::string::npos);
  auto r = site.kubectl(
      "get deployment user-service-green -n production-green -o "
      "jsonpath='{.spec.template.spec.containers[0].image}'");
  CHECK(r.output == "nova/user-service:v1.2.4");
}

}  // namespace
}  // namespace nova
