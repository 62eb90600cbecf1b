#include <doctest/doctest.h>

#include <atomic>

#include "kube_fixture.h"
#include "nova/http/server.h"
#include "nova/traffic/kube_blue_guard.h"
#include "nova/traffic/kube_ingress_switch.h"
#include "switch_fixture.h"

namespace nova::traffic {

using fake_kube::Fault;
using kube::test::FakeCluster;
using kube::test::LogCapture;
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

BlueGuardSettings guardSettings(const std::string& healthUrl) {
  BlueGuardSettings s;
  s.ns = "production";
  s.deployment = "user-service-blue";
  s.minReady = 2;
  s.replicas = 3;
  s.readyTimeout = 5 * kSecond;
  s.pollInterval = 20;
  s.healthUrl = healthUrl;
  return s;
}

SwitchPtr guardedIngress(FakeCluster& cluster, BlueGuardSettings settings,
                         const Clock* clock = nullptr, std::function<void(DurationMs)> sleep = {}) {
  KubeTarget target;
  target.ref = kube::ingressRef("production", "api-ingress");
  IngressSwitchSettings ingress;
  ingress.greenService = "user-service-green";
  ingress.blueService = "user-service-blue";
  auto inner = std::make_unique<KubeIngressSwitch>(cluster.client(), target, ingress);
  auto guard =
      std::make_unique<BlueGuard>(cluster.client(), std::move(settings), clock, std::move(sleep));
  return std::make_unique<GuardedSwitch>(std::move(inner), std::move(guard));
}

const RollbackRequest kRequest{"inc-7", "critical: p99 2.1s > 1s", "agent", 1764218376000};

}  // namespace

TEST_CASE("blue scaled to 0 is scaled up, waited for, health-checked, then flipped") {
  FakeCluster cluster;
  cluster.server->setReadyDelay(150);
  BlueHealth health;
  LogCapture log;
  auto sw = guardedIngress(cluster, guardSettings(health.url()));
  auto outcome = sw->rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "flipped");
  CHECK(cluster.server->writes("/deployments/user-service-blue/scale") == 1);
  auto blue = cluster.server->object("deployments", "production", "user-service-blue");
  CHECK(blue->at_pointer("/spec/replicas") == 3);
  CHECK(blue->at_pointer("/status/readyReplicas") == 3);
  CHECK(cluster.ingressService() == "user-service-blue");
  CHECK(log.contains("has 0 ready replicas (minimum 2); scaling 0 -> 3"));

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
  auto settings = guardSettings(health.url());
  settings.minReady = 0;  // no scaling needed; only health decides

  SUBCASE("wrong status") {
    health.healthy = false;
    auto outcome = guardedIngress(cluster, settings)->rollback(kRequest);
    REQUIRE(outcome.ok());
    CHECK(kindOf(outcome) == "impossible");
    CHECK(outcome->detail ==
          "blue unhealthy: " + health.url() + ": health: status \"degraded\", want \"healthy\"");
  }
  SUBCASE("HTTP 503") {
    health.code = 503;
    auto outcome = guardedIngress(cluster, settings)->rollback(kRequest);
    REQUIRE(outcome.ok());
    CHECK(kindOf(outcome) == "impossible");
    CHECK(outcome->detail.find("HTTP status 503, want 200") != std::string::npos);
  }
  SUBCASE("unreachable") {
    settings.healthUrl = "http://127.0.0.1:1/health";
    auto outcome = guardedIngress(cluster, settings)->rollback(kRequest);
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
  ManualClock clock(0);
  int polls = 0;
  auto sw = guardedIngress(cluster, guardSettings(""), &clock, [&](DurationMs ms) {
    ++polls;
    clock.advance(ms);
  });
  auto outcome = sw->rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "impossible");
  CHECK(outcome->detail ==
        "blue not ready: deployment production/user-service-blue has 0 ready replicas, needs 2, "
        "after waiting 5s");
  CHECK(polls == 250);
  CHECK(cluster.server->writes("api-ingress") == 0);
}

TEST_CASE("a crash between scale-up and patch: a new switch finds blue ready and flips once") {
  FakeCluster cluster;
  cluster.server->setReadyDelay(50);
  {
    // The first agent scales blue and waits for it, then dies before patching the Ingress.
    BlueGuard guard(cluster.client(), guardSettings(""));
    auto verdict = guard.ensureReady();
    REQUIRE(verdict.ok());
    CHECK(verdict->ready);
  }
  CHECK(cluster.server->writes("/scale") == 1);
  CHECK(cluster.ingressService() == "user-service-green");

  auto restarted = guardedIngress(cluster, guardSettings(""));
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

TEST_CASE("no permission to scale blue is impossible, with the RBAC message") {
  FakeCluster cluster;
  cluster.server->forbid("patch", "deployments/scale");
  auto outcome = guardedIngress(cluster, guardSettings(""))->rollback(kRequest);
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
  auto sw = guardedIngress(cluster, guardSettings(""));
  auto first = sw->rollback(kRequest);
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().message.find("patch on deployments/user-service-blue/scale") !=
        std::string::npos);
  cluster.server->clearFaults();
  auto second = sw->rollback(kRequest);
  REQUIRE(second.ok());
  CHECK(kindOf(second) == "flipped");
}

}  // namespace nova::traffic
