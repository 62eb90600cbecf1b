// The built-in cluster pre-flight checks end to end on the fake API server: each passing
// and failing, every failure listed together, refused reads, and --skip-check.
#include <doctest/doctest.h>

#include "engine_fixture.h"

namespace nova::rollout {
namespace {

using test::Fixture;

// 2026-12-03T02:00:00Z is the fixture's wall time: pods created before 01:58 are Pending
// for more than the 2 minute grace.
constexpr std::string_view kGreenNamespace = R"({"apiVersion": "v1", "kind": "Namespace",
  "metadata": {"name": "production-green"}, "status": {"phase": "Active"}})";
constexpr std::string_view kConfigMap = R"({"apiVersion": "v1", "kind": "ConfigMap",
  "metadata": {"name": "app-config", "namespace": "production-green"},
  "data": {"LOG_LEVEL": "info"}})";
constexpr std::string_view kSecret = R"({"apiVersion": "v1", "kind": "Secret",
  "metadata": {"name": "db-credentials", "namespace": "production-green"},
  "type": "Opaque", "data": {"password": "aHVudGVyMi1zM2NyZXQ="}})";
constexpr std::string_view kRunningPod = R"({"apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "web-1", "namespace": "production-green",
               "creationTimestamp": "2026-12-03T01:00:00Z"},
  "status": {"phase": "Running"}})";
constexpr std::string_view kYoungPendingPod = R"({"apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "web-2", "namespace": "production-green",
               "creationTimestamp": "2026-12-03T01:59:00Z"},
  "status": {"phase": "Pending"}})";
constexpr std::string_view kNodes = R"({"kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-a", "labels": {"pool": "web"}},
   "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-b", "labels": {"pool": "batch"}},
   "status": {"conditions": [{"type": "MemoryPressure", "status": "False"},
                             {"type": "Ready", "status": "Unknown"}]}}]})";

void seedHealthyCluster(Fixture& f) {
  for (auto doc : {kGreenNamespace, kConfigMap, kSecret, kRunningPod, kYoungPendingPod, kNodes}) {
    REQUIRE(f.api->seed(doc).ok());
  }
  ClusterPreflight cluster;
  cluster.ns = "production-green";
  cluster.configMaps = {"app-config"};
  cluster.secrets = {"db-credentials"};
  cluster.nodes = true;
  cluster.nodeSelector = "pool=web";  // node-b is NotReady but not one that matters
  f.config.preflightCluster = cluster;
}

const StepRecord* stepNamed(const EngineResult& result, const std::string& name) {
  if (!result.record) {
    return nullptr;
  }
  for (const auto& s : result.record->steps) {
    if (s.name == name && s.phase == Phase::kPreflight) {
      return &s;
    }
  }
  return nullptr;
}

std::string detailOf(const EngineResult& result, const std::string& name) {
  const StepRecord* s = stepNamed(result, name);
  return s != nullptr ? s->detail : "<no step " + name + ">";
}

StepResult resultOf(const EngineResult& result, const std::string& name) {
  const StepRecord* s = stepNamed(result, name);
  REQUIRE_MESSAGE(s != nullptr, name);
  return s->result;
}

TEST_CASE("every cluster check passes on a healthy cluster and says what it found") {
  Fixture f;
  seedHealthyCluster(f);
  const EngineResult result = f.run("r1", "run-1");
  INFO(result.message);
  CHECK(result.outcome == Outcome::kSucceeded);
  for (const char* name :
       {"green-namespace", "configmaps", "secrets", "pods-healthy", "nodes-ready"}) {
    CHECK_MESSAGE(resultOf(result, name) == StepResult::kOk, name);
  }
  CHECK(detailOf(result, "green-namespace") == "namespace production-green is Active");
  CHECK(detailOf(result, "configmaps") == "all 1 present in production-green: app-config");
  CHECK(detailOf(result, "pods-healthy") ==
        "2 pods in production-green, none failed or pending over 2m");
  CHECK(detailOf(result, "nodes-ready") == "1 nodes (pool=web) Ready");
  // The Secret was asked for by name and its data went nowhere.
  bool secretRead = false;
  for (const auto& r : f.api->requests()) {
    secretRead =
        secretRead || r.path == "/api/v1/namespaces/production-green/secrets/db-credentials";
  }
  CHECK(secretRead);
  for (const auto& e : f.events) {
    CHECK(e.detail.find("aHVudGVy") == std::string::npos);
  }
}

TEST_CASE("every failing cluster check is listed together, none stops the others") {
  Fixture f;
  seedHealthyCluster(f);
  f.config.preflightCluster->configMaps = {"app-config", "feature-flags"};
  f.config.preflightCluster->secrets = {"db-credentials", "api-keys", "tls-cert"};
  f.config.preflightCluster->nodeSelector = "";
  REQUIRE(f.api
              ->seed(R"({"apiVersion": "v1", "kind": "Namespace",
    "metadata": {"name": "production-green"}, "status": {"phase": "Terminating"}})")
              .ok());
  REQUIRE(f.api
              ->seed(R"({"kind": "List", "items": [
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "migrate-1",
      "namespace": "production-green", "creationTimestamp": "2026-12-03T01:00:00Z"},
     "status": {"phase": "Failed", "reason": "Evicted"}},
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-3",
      "namespace": "production-green", "creationTimestamp": "2026-12-03T01:50:00Z"},
     "status": {"phase": "Pending", "containerStatuses": [
       {"name": "web", "state": {"waiting": {"reason": "ImagePullBackOff"}}}]}}]})")
              .ok());
  const EngineResult result = f.run("r1", "run-1");
  CHECK(result.outcome == Outcome::kFailedBeforeSwitch);
  CHECK(result.message.find("pre-flight failed: green-namespace, configmaps, secrets, "
                            "pods-healthy, nodes-ready") != std::string::npos);
  CHECK(detailOf(result, "green-namespace") == "namespace production-green is Terminating");
  CHECK(detailOf(result, "configmaps") == "missing in production-green: feature-flags");
  CHECK(detailOf(result, "secrets") == "missing in production-green: api-keys, tls-cert");
  // web-3 was created 10m before the run started (the run's own waits add a second or so).
  const std::string pods = detailOf(result, "pods-healthy");
  CHECK(
      pods.starts_with("2 of 4 pods in production-green failed or pending over 2m: migrate-1 "
                       "(Failed: Evicted), web-3 (Pending for 10m"));
  CHECK(pods.ends_with(": ImagePullBackOff)"));
  CHECK(detailOf(result, "nodes-ready") == "1 of 2 nodes not Ready: node-b (Ready Unknown)");
  // The built-in checks before them ran too, and production is untouched.
  CHECK(resultOf(result, "traffic-on-blue") == StepResult::kOk);
  CHECK(f.backend() == "user-service-blue");
  CHECK(f.forwardPatches() == 0);
}

TEST_CASE("a selector that matches no node fails; long lists name a few and count the rest") {
  Fixture f;
  seedHealthyCluster(f);
  f.config.preflightCluster->nodeSelector = "pool=gpu";
  f.config.preflightCluster->listLimit = 1;
  REQUIRE(f.api
              ->seed(R"({"kind": "List", "items": [
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a-1", "namespace":
      "production-green"}, "status": {"phase": "Failed"}},
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a-2", "namespace":
      "production-green"}, "status": {"phase": "Failed"}},
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a-3", "namespace":
      "production-green", "deletionTimestamp": "2026-12-03T01:59:00Z"},
     "status": {"phase": "Failed"}}]})")
              .ok());
  const EngineResult result = f.run("r1", "run-1");
  CHECK(result.outcome == Outcome::kFailedBeforeSwitch);
  CHECK(detailOf(result, "nodes-ready") == "no nodes (pool=gpu) found");
  // a-3 is being deleted and is not judged.
  CHECK(detailOf(result, "pods-healthy") ==
        "2 of 4 pods in production-green failed or pending over 2m: a-1 (Failed) and 1 more");
}

TEST_CASE("a missing namespace and reads the server refuses are failed checks, never passes") {
  Fixture f;
  seedHealthyCluster(f);
  f.config.preflightCluster->ns = "green-typo";
  f.config.preflightCluster->configMaps.clear();
  f.config.preflightCluster->secrets = {"db-credentials"};
  f.api->forbid("list", "pods");
  f.api->forbid("get", "secrets");
  f.api->forbid("list", "nodes");
  const EngineResult result = f.run("r1", "run-1");
  CHECK(result.outcome == Outcome::kFailedBeforeSwitch);
  CHECK(detailOf(result, "green-namespace") == "namespace green-typo does not exist");
  CHECK(resultOf(result, "pods-healthy") == StepResult::kFailed);
  CHECK(detailOf(result, "pods-healthy").starts_with("pods in green-typo could not be listed: "));
  CHECK(detailOf(result, "pods-healthy").find("forbidden") != std::string::npos);
  CHECK(detailOf(result, "secrets").starts_with("could not be read: db-credentials ("));
  CHECK(detailOf(result, "nodes-ready").find("cannot list resource \"nodes\"") !=
        std::string::npos);
  CHECK(stepNamed(result, "configmaps") == nullptr);  // none listed: no step
}

TEST_CASE("--skip-check records the skipped check with who and why, and the start says so") {
  Fixture f;
  seedHealthyCluster(f);
  REQUIRE(f.api
              ->seed(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "job-1",
    "namespace": "production-green", "creationTimestamp": "2026-12-03T01:00:00Z"},
    "status": {"phase": "Failed"}})")
              .ok());
  f.skips = {{"pods-healthy", "job-1 is a known failed batch job"}};
  const EngineResult result = f.run("r1", "run-1");
  INFO(result.message);
  CHECK(result.outcome == Outcome::kSucceeded);
  CHECK(resultOf(result, "pods-healthy") == StepResult::kSkipped);
  CHECK(detailOf(result, "pods-healthy") == "skipped by ci: job-1 is a known failed batch job");
  bool listed = false;
  for (const auto& r : f.api->requests()) {
    listed = listed || r.path == "/api/v1/namespaces/production-green/pods";
  }
  CHECK_FALSE(listed);
  bool announced = false;
  for (const auto& e : f.events) {
    announced = announced ||
                (e.step == "start" && e.phase == "pre-flight" &&
                 e.detail.find("skipping check pods-healthy (ci: job-1 is a known failed batch "
                               "job)") != std::string::npos);
  }
  CHECK(announced);
}

}  // namespace
}  // namespace nova::rollout
