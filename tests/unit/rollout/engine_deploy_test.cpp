// The built-in deploy (deploy.kubernetes) end to end on the fake API server, whose
// simulated controller rolls green out on the test's clock: the happy path, its timeout,
// ProgressDeadlineExceeded, and a resume that does not patch the image twice.
#include <doctest/doctest.h>

#include "engine_fixture.h"
#include "nova/rollout/green_deploy.h"

namespace nova::rollout {
namespace {

using test::Fixture;

constexpr std::string_view kGreen = R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "user-service-green", "namespace": "production-green"},
  "spec": {"replicas": 3, "template": {"spec": {"containers": [
    {"name": "sidecar", "image": "envoy:1.29"},
    {"name": "user-service", "image": "nova/user-service:v1.2.3"}]}}},
  "status": {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3,
             "readyReplicas": 3, "availableReplicas": 3}})";

constexpr std::string_view kGreenPath =
    "/apis/apps/v1/namespaces/production-green/deployments/user-service-green";

void useBuiltInDeploy(Fixture& f) {
  REQUIRE(f.api->seed(kGreen).ok());
  f.config.deploy.kind = DeploySpec::Kind::kKubernetes;
  f.config.deploy.ns = "production-green";
  f.config.deploy.deployment = "user-service-green";
  f.config.deploy.container = "user-service";
  f.config.deploy.image = "nova/user-service:${NOVA_VERSION}";
  f.config.deploy.timeout = 5 * kMinute;
}

int imagePatches(const Fixture& f) {
  int n = 0;
  for (const auto& r : f.api->requests()) {
    n += r.method == "PATCH" && r.path == kGreenPath ? 1 : 0;
  }
  return n;
}

std::string greenImage(const Fixture& f, int index) {
  auto object = f.api->object("deployments", "production-green", "user-service-green");
  REQUIRE(object);
  return std::string(
      object->at_pointer("/spec/template/spec/containers/" + std::to_string(index) + "/image")
          .as_string());
}

std::string deployDetail(const EngineResult& result) {
  REQUIRE(result.record);
  for (const auto& s : result.record->steps) {
    if (s.name == "deploy") {
      return s.detail;
    }
  }
  return "<no deploy step>";
}

TEST_CASE("the built-in deploy sets green's image and waits until the rollout is complete") {
  Fixture f;
  useBuiltInDeploy(f);
  f.api->setReadyDelay(20 * kSecond);
  const EngineResult result = f.run("r1", "run-1");
  INFO(result.message);
  CHECK(result.outcome == Outcome::kSucceeded);
  CHECK(greenImage(f, 1) == "nova/user-service:v1.2.4");
  CHECK(greenImage(f, 0) == "envoy:1.29");  // only the named container changes
  CHECK(imagePatches(f) == 1);
  // The patch pins the container by name before replacing its image.
  for (const auto& r : f.api->requests()) {
    if (r.method == "PATCH" && r.path == kGreenPath) {
      CHECK(r.contentType == "application/json-patch+json");
      CHECK(
          r.body ==
          R"([{"op":"test","path":"/spec/template/spec/containers/1/name","value":"user-service"},)"
          R"({"op":"replace","path":"/spec/template/spec/containers/1/image","value":"nova/user-service:v1.2.4"}])");
    }
  }
  const std::string detail = deployDetail(result);
  CHECK(
      detail.starts_with("deployments/user-service-green in production-green: "
                         "nova/user-service:v1.2.4, 3 of 3 updated, 3 available after "));
  // The controller took 20 s; the engine polled every 2 s until it saw the rollout done.
  CHECK(detail.find("after 0 polls") == std::string::npos);
}

TEST_CASE("the built-in deploy fails before the switch when its timeout runs out") {
  Fixture f;
  useBuiltInDeploy(f);
  f.config.deploy.timeout = 30 * kSecond;
  f.api->setReadyDelay(10 * kMinute);
  const EngineResult result = f.run("r1", "run-1");
  CHECK(result.outcome == Outcome::kFailedBeforeSwitch);
  CHECK(deployDetail(result) ==
        "deployments/user-service-green in production-green: not rolled out after 30s: "
        "waiting for the controller to observe generation 2");
  CHECK(f.backend() == "user-service-blue");
}

TEST_CASE("the phase's bound ends the built-in deploy's wait first: timed out, resumable") {
  Fixture f;
  useBuiltInDeploy(f);
  f.config.deploy.timeout = 10 * kMinute;
  f.config.bounds.green = 40 * kSecond;
  f.api->setReadyDelay(20 * kMinute);
  const EngineResult result = f.run("r1", "run-1");
  CHECK(result.outcome == Outcome::kTimedOut);
  CHECK(result.message.starts_with("the bound of deploy-green (40s) ran out in deploy-green"));
  CHECK(f.backend() == "user-service-blue");
  CHECK(imagePatches(f) == 1);
}

TEST_CASE("ProgressDeadlineExceeded is a failure with the controller's message") {
  Fixture f;
  useBuiltInDeploy(f);
  f.config.deploy.timeout = 15 * kMinute;
  f.config.bounds.green = 20 * kMinute;
  f.config.bounds.overall = 0;
  f.api->setRolloutsStalled(true);
  const EngineResult result = f.run("r1", "run-1");
  CHECK(result.outcome == Outcome::kFailedBeforeSwitch);
  const std::string detail = deployDetail(result);
  CHECK(
      detail.starts_with("deployments/user-service-green in production-green: "
                         "ProgressDeadlineExceeded: ReplicaSet \"user-service-green-"));
  CHECK(detail.ends_with("\" has timed out progressing."));
  CHECK(result.message.find("ProgressDeadlineExceeded") != std::string::npos);
  CHECK(f.backend() == "user-service-blue");
}

TEST_CASE("a run stopped while green rolls out resumes without patching the image again") {
  Fixture f;
  useBuiltInDeploy(f);
  f.api->setReadyDelay(kMinute);
  f.stopAt = "deploy";  // the event that says the image is set
  const EngineResult first = f.run("r1", "run-1");
  INFO(first.message);
  CHECK(first.outcome == Outcome::kInterrupted);
  CHECK(imagePatches(f) == 1);
  CHECK(greenImage(f, 1) == "nova/user-service:v1.2.4");

  f.stopAt.reset();
  const EngineResult second = f.run("r1", "run-2");
  INFO(second.message);
  CHECK(second.outcome == Outcome::kSucceeded);
  CHECK(imagePatches(f) == 1);
  CHECK(deployDetail(second).find("(image was already set)") != std::string::npos);
}

TEST_CASE("judgeRollout follows kubectl rollout status") {
  auto judge = [](std::string_view text) { return judgeRollout(boost::json::parse(text)); };
  using Kind = RolloutState::Kind;
  CHECK(judge(R"({"metadata": {"generation": 3}, "status": {"observedGeneration": 2}})").kind ==
        Kind::kWaiting);
  // Old pods still counted: waiting, even with every wanted replica updated and available.
  const auto old = judge(R"({"metadata": {"generation": 2}, "spec": {"replicas": 2},
    "status": {"observedGeneration": 2, "replicas": 3, "updatedReplicas": 2,
               "availableReplicas": 2}})");
  CHECK(old.kind == Kind::kWaiting);
  CHECK(old.detail == "2 of 2 updated, 2 available, 1 old pending termination");
  // spec.replicas absent means 1; counts absent mean 0.
  CHECK(judge(R"({"metadata": {"generation": 1}, "status": {"observedGeneration": 1}})").kind ==
        Kind::kWaiting);
  CHECK(judge(R"({"metadata": {"generation": 1}, "status": {"observedGeneration": 1,
    "replicas": 1, "updatedReplicas": 1, "availableReplicas": 1}})")
            .kind == Kind::kDone);
  // Scaled to 0: done with no pods at all.
  CHECK(judge(R"({"metadata": {"generation": 4}, "spec": {"replicas": 0},
    "status": {"observedGeneration": 4}})")
            .kind == Kind::kDone);
}

TEST_CASE("imagePatch: nothing when the image is set, kNotFound for a missing container") {
  const auto deployment = boost::json::parse(kGreen);
  auto same = imagePatch(deployment, "user-service", "nova/user-service:v1.2.3");
  REQUIRE(same.ok());
  CHECK_FALSE(same->has_value());
  auto missing = imagePatch(deployment, "api", "x");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().message == "no container named \"api\"");
}

}  // namespace
}  // namespace nova::rollout
