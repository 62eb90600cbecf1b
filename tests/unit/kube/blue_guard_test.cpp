#include "nova/traffic/blue_guard.h"

#include <doctest/doctest.h>

#include <atomic>
#include <boost/json/parse.hpp>

#include "kube_fixture.h"
#include "nova/http/server.h"
#include "nova/traffic/kube_blue_readiness.h"
#include "nova/traffic/kube_ingress_switch.h"
#include "switch_fixture.h"

namespace nova::traffic {

using fake_kube::Fault;
using kube::test::FakeCluster;
using kube::test::LogCapture;
using kube::test::onThread;
using test::backendOf;
using test::kindOf;

namespace {

// Blue's own /health endpoint, answering with whatever status it is told.
struct BlueHealth {
  BlueHealth() {
    auto started = http::Server::start({}, [this](const http::ServerRequest&) {
      http::ServerResponse response;
      response.status = code.load();
      response.contentType = "application/json";
      response.body = healthy ? R"({"status":"healthy","version":"v1.2.3"})"
                              : R"({"status":"degraded","version":"v1.2.3"})";
      return response;
    });
    REQUIRE(started.ok());
    server = std::move(*started);
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + "/health";
  }

  std::atomic<int> code{200};
  std::atomic<bool> healthy{true};
  std::unique_ptr<http::Server> server;
};

KubeReadinessSettings readiness() {
  KubeReadinessSettings s;
  s.ns = "production";
  s.deployment = "user-service-blue";
  s.minReady = 2;
  s.replicas = 3;
  s.readyTimeout = 5 * kSecond;
  s.pollInterval = 20;
  return s;
}

std::unique_ptr<KubeBlueReadiness> kubeReadiness(FakeCluster& cluster,
                                                 KubeReadinessSettings settings = readiness()) {
  return std::make_unique<KubeBlueReadiness>(cluster.client(), settings, cluster.clock);
}

// The Ingress switch behind the one blue guard, as the factory builds it.
SwitchPtr guardedIngress(FakeCluster& cluster, std::unique_ptr<BlueReadiness> ready,
                         std::string healthUrl = "") {
  KubeTarget target;
  target.ref = kube::ingressRef("production", "api-ingress");
  IngressSwitchSettings ingress;
  ingress.greenService = "user-service-green";
  ingress.blueService = "user-service-blue";
  auto inner = std::make_unique<KubeIngressSwitch>(cluster.client(), target, ingress);
  BlueHealthCheck health;
  health.url = std::move(healthUrl);
  return guarded(std::move(inner), BlueGuard(std::move(ready), health));
}

// The guard's readiness polls: GETs of blue's Deployment.
std::size_t deploymentReads(FakeCluster& cluster) {
  std::size_t n = 0;
  for (const auto& r : cluster.server->requests()) {
    n += r.method == "GET" && r.path.ends_with("/deployments/user-service-blue");
  }
  return n;
}

const RollbackRequest kRequest{"inc-7", "critical: p99 2.1s > 1s", "agent", 1764218376000};

}  // namespace

TEST_CASE("blue scaled to 0 is scaled up, waited for, health-checked, then flipped") {
  FakeCluster cluster;
  cluster.server->setReadyDelay(150);
  BlueHealth health;
  LogCapture log;
  auto sw = guardedIngress(cluster, kubeReadiness(cluster), health.url());
  auto rollback = onThread([&] { return sw->rollback(kRequest); });
  // Polls every 20 ms of the clock: ready at the eighth (160 ms >= 150 ms).
  cluster.passWaits(std::vector<DurationMs>(8, 20));
  auto outcome = rollback.get();
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "flipped");
  CHECK(cluster.server->writes("/deployments/user-service-blue/scale") == 1);
  auto blue = cluster.server->object("deployments", "production", "user-service-blue");
  CHECK(blue->at_pointer("/spec/replicas") == 3);
  CHECK(blue->at_pointer("/status/readyReplicas") == 3);
  CHECK(cluster.ingressService() == "user-service-blue");
  CHECK(log.contains("has 0 ready replicas (minimum 2); scaling 0 -> 3"));
  CHECK(deploymentReads(cluster) == 9);  // the first look and eight polls

  // The ingress was patched only after blue was ready: the scale write comes first.
  auto requests = cluster.server->requests();
  std::size_t scaleAt = 0;
  std::size_t patchAt = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].method == "PATCH" && requests[i].path.ends_with("/scale")) {
      scaleAt = i;
    }
    if (requests[i].method == "PATCH" && requests[i].path.ends_with("/api-ingress")) {
      patchAt = i;
    }
  }
  CHECK(scaleAt < patchAt);
}

TEST_CASE("an unhealthy blue is never flipped to") {
  FakeCluster cluster;
  BlueHealth health;
  LogCapture log;
  // No Deployment to scale: only blue's health decides.
  auto unguarded = [&](std::string url) { return guardedIngress(cluster, nullptr, url); };

  SUBCASE("wrong status") {
    health.healthy = false;
    auto outcome = unguarded(health.url())->rollback(kRequest);
    REQUIRE(outcome.ok());
    CHECK(kindOf(outcome) == "impossible");
    CHECK(outcome->detail ==
          "blue unhealthy: " + health.url() + ": health: status \"degraded\", want \"healthy\"");
  }
  SUBCASE("HTTP 503") {
    health.code = 503;
    auto outcome = unguarded(health.url())->rollback(kRequest);
    REQUIRE(outcome.ok());
    CHECK(kindOf(outcome) == "impossible");
    CHECK(outcome->detail ==
          "blue unhealthy: " + health.url() + ": health: HTTP status 503, want 200");
  }
  SUBCASE("unreachable") {
    auto outcome = unguarded("http://127.0.0.1:1/health")->rollback(kRequest);
    REQUIRE(outcome.ok());
    CHECK(kindOf(outcome) == "impossible");
    CHECK(outcome->detail.starts_with("blue unhealthy: GET http://127.0.0.1:1/health"));
  }
  CHECK(log.contains("critical traffic: not flipping for incident inc-7: blue unhealthy"));
  CHECK(cluster.ingressService() == "user-service-green");
  CHECK(cluster.server->writes("api-ingress") == 0);
}

TEST_CASE("blue that never becomes ready: impossible after the bounded wait, in simulated time") {
  FakeCluster cluster;
  cluster.server->setReadyDelay(kHour);
  auto sw = guardedIngress(cluster, kubeReadiness(cluster));
  auto rollback = onThread([&] { return sw->rollback(kRequest); });
  cluster.passWaits(std::vector<DurationMs>(250, 20));  // 5 s of polls, 20 ms apart
  auto outcome = rollback.get();
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "impossible");
  CHECK(outcome->detail ==
        "blue not ready: deployment production/user-service-blue has 0 ready replicas, needs 2, "
        "after waiting 5s");
  CHECK(deploymentReads(cluster) == 251);
  CHECK(cluster.server->writes("api-ingress") == 0);
}

TEST_CASE("a crash between scale-up and patch: a new switch finds blue ready and flips once") {
  FakeCluster cluster;
  cluster.server->setReadyDelay(50);
  {
    // The first agent scales blue and waits for it, then dies before patching the Ingress.
    auto blue = kubeReadiness(cluster);
    auto ensured = onThread([&] { return blue->ensureReady(); });
    cluster.passWaits({20, 20, 20});  // ready after 50 ms: at the third poll
    auto verdict = ensured.get();
    REQUIRE(verdict.ok());
    CHECK(verdict->ready);
  }
  CHECK(cluster.server->writes("/scale") == 1);
  CHECK(cluster.ingressService() == "user-service-green");

  auto restarted = guardedIngress(cluster, kubeReadiness(cluster));
  auto outcome = restarted->rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "flipped");
  CHECK(cluster.server->writes("/scale") == 1);  // not scaled again
  CHECK(cluster.server->writes("api-ingress") == 1);

  auto again = restarted->rollback(kRequest);
  REQUIRE(again.ok());
  CHECK(kindOf(again) == "flipped");  // same incident, same agent: recognised
  CHECK(cluster.server->writes("api-ingress") == 1);
}

TEST_CASE("traffic already on blue: nothing moves towards blue, so the guard is not asked") {
  FakeCluster cluster;
  kube::Client other(cluster.config(), cluster.clock, cluster.random, cluster.options());
  auto ops = boost::json::parse(R"([{"op":"replace",
    "path":"/spec/rules/0/http/paths/0/backend/service/name","value":"user-service-blue"}])");
  REQUIRE(other.jsonPatch(kube::ingressRef("production", "api-ingress"), ops.as_array()).ok());
  // Blue is scaled to 0 and its health endpoint is gone: a guard asked now would refuse.
  auto sw = guardedIngress(cluster, kubeReadiness(cluster), "http://127.0.0.1:1/health");
  auto outcome = sw->rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "already_blue");
  CHECK(cluster.server->writes("/scale") == 0);
}

TEST_CASE("where traffic is cannot be read: the error comes back to retry, blue is not touched") {
  FakeCluster cluster;
  cluster.server->inject({Fault::Kind::kServiceUnavailable, "GET", "api-ingress", 5, 0});
  auto sw = guardedIngress(cluster, kubeReadiness(cluster));
  auto outcome = onThread([&] { return sw->rollback(kRequest); });
  cluster.passWaits({75, 150, 300, 600});
  auto result = outcome.get();
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kUnavailable);
  CHECK(result.error().message.starts_with(
      "get on ingresses/api-ingress in production: HTTP 503 ServiceUnavailable"));
  CHECK(cluster.server->writes("/scale") == 0);
  CHECK(cluster.ingressService() == "user-service-green");
}

TEST_CASE("no permission to scale blue is impossible, with the RBAC message") {
  FakeCluster cluster;
  cluster.server->forbid("patch", "deployments/scale");
  auto outcome = guardedIngress(cluster, kubeReadiness(cluster))->rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "impossible");
  CHECK(outcome->detail.starts_with(
      "blue not ready: RBAC forbids patch on deployments/user-service-blue/scale in production: "
      "deployments.apps \"user-service-blue\" is forbidden"));
  CHECK(cluster.server->writes("api-ingress") == 0);
}

TEST_CASE("a transient failure while scaling is an error to retry, and the retry succeeds") {
  FakeCluster cluster;
  cluster.server->inject({Fault::Kind::kServiceUnavailable, "PATCH", "/scale", 10, 0});
  auto sw = guardedIngress(cluster, kubeReadiness(cluster));
  auto first = onThread([&] { return sw->rollback(kRequest); });
  cluster.passWaits({75, 150, 300, 600});  // the client's own retries of the scale patch
  auto failed = first.get();
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::kUnavailable);
  CHECK(failed.error().message.starts_with(
      "patch on deployments/user-service-blue/scale in production: HTTP 503"));
  cluster.server->clearFaults();
  auto second = onThread([&] { return sw->rollback(kRequest); });
  cluster.passWaits({20});  // one poll until the controller reports the replicas ready
  auto outcome = second.get();
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "flipped");
}

}  // namespace nova::traffic
