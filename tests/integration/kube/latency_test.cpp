// Decision to patched Ingress on loopback: the time rollback() takes from the call (the
// agent's decision reaching the action worker) until the API server has applied the patch
// and answered, with blue already ready and healthy. Prints the numbers; asserts only that
// every flip happened.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/http/server.h"
#include "nova/traffic/blue_guard.h"
#include "nova/traffic/kube_blue_readiness.h"
#include "nova/traffic/kube_ingress_switch.h"

namespace nova::traffic {

namespace {

std::string seed() {
  auto text = readFile(
      std::string(NOVA_SOURCE_DIR) + "/tests/integration/kube/data/production.yaml", 1 << 20);
  REQUIRE(text.ok());
  return *text;
}

constexpr const char* kBlueReady = R"({"apiVersion":"apps/v1","kind":"Deployment",
  "metadata":{"name":"user-service-blue","namespace":"production"},
  "spec":{"replicas":3,"selector":{"matchLabels":{"app":"user-service","version":"blue"}}},
  "status":{"replicas":3,"readyReplicas":3,"availableReplicas":3,"updatedReplicas":3}})";

struct Stats {
  double median, p90, max;
};

Stats summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back()};
}

}  // namespace

TEST_CASE("decision to patched Ingress, blue ready, on loopback") {
  fake_kube::Options options;
  options.tokens = {"T"};
  auto server = fake_kube::FakeKube::start(options);
  REQUIRE(server.ok());
  auto health = http::Server::start({}, [](const http::ServerRequest&) {
    return http::ServerResponse{200, "application/json", {}, R"({"status":"healthy"})"};
  });
  REQUIRE(health.ok());

  kube::ClusterConfig cluster;
  cluster.server = (*server)->url();
  cluster.token = "T";
  KubeTarget target;
  target.ref = kube::ingressRef("production", "api-ingress");
  IngressSwitchSettings ingress;
  ingress.greenService = "user-service-green";
  ingress.blueService = "user-service-blue";
  KubeReadinessSettings readiness;
  readiness.ns = "production";
  readiness.deployment = "user-service-blue";
  readiness.minReady = 3;
  BlueHealthCheck blueHealth;
  blueHealth.url = "http://127.0.0.1:" + std::to_string((*health)->port()) + "/health";

  // One switch for the whole run, as the agent keeps one: connections stay warm.
  SystemClock clock;
  SystemRandom random;
  auto client = [&] { return std::make_unique<kube::Client>(cluster, clock, random); };
  GuardedSwitch guarded(
      std::make_unique<KubeIngressSwitch>(client(), target, ingress),
      BlueGuard(std::make_unique<KubeBlueReadiness>(client(), readiness, clock), blueHealth));
  KubeIngressSwitch bare(client(), target, ingress);

  constexpr int kRuns = 200;
  std::vector<double> guardedMs;
  std::vector<double> bareMs;
  for (int i = 0; i < 2 * kRuns; ++i) {
    REQUIRE((*server)->seed(seed()).ok());
    REQUIRE((*server)->seed(kBlueReady).ok());
    Switch& sw = i % 2 == 0 ? static_cast<Switch&>(guarded) : bare;
    const auto start = std::chrono::steady_clock::now();
    auto outcome = sw.rollback({"inc-" + std::to_string(i), "bench", "agent", 1});
    const auto end = std::chrono::steady_clock::now();
    REQUIRE(outcome.ok());
    REQUIRE(std::string(toString(outcome->kind)) == "flipped");
    (i % 2 == 0 ? guardedMs : bareMs)
        .push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  auto g = summarize(guardedMs);
  auto b = summarize(bareMs);
  std::printf(
      "decision-to-patched-ingress (loopback, %d runs each): with blue guard (GET ingress + GET "
      "deployment + health GET + GET ingress + PATCH) median %.2f ms, p90 %.2f ms, max %.2f ms; "
      "ingress only "
      "(GET + PATCH) median %.2f ms, p90 %.2f ms, max %.2f ms\n",
      kRuns, g.median, g.p90, g.max, b.median, b.p90, b.max);
  CHECK(guardedMs.size() == kRuns);
}

}  // namespace nova::traffic
