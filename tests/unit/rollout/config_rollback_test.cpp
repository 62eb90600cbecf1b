// The `rollback:` section of rollout.yaml and its defaults from deploy and smoke.
#include <doctest/doctest.h>

#include <string>

#include "nova/rollout/config.h"

namespace nova::rollout {
namespace {

constexpr std::string_view kBase = R"(switch: {type: dry-run}
deploy:
  kubernetes: {namespace: production-green, deployment: user-service-green, container: app,
               image: "nova/user-service:${NOVA_VERSION}"}
smoke: {base_url: "http://green:8081/"}
blue: {namespace: production, deployment: user-service-blue}
monitor: {agent_url: "http://agent:9464"}
)";

TEST_CASE("without a rollback section: green from deploy, metrics from smoke, runbook numbers") {
  auto loaded = loadRolloutConfig(kBase, "rollout.yaml");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  const RollbackSpec& r = loaded->rollback;
  CHECK_FALSE(r.full.removeGreen);
  CHECK(r.full.ns == "production-green");
  CHECK(r.full.deployment == "user-service-green");
  CHECK(r.staged.weight == 25);
  CHECK(r.staged.maxErrorRate == doctest::Approx(0.05));
  CHECK(r.staged.metricsUrl == "http://green:8081/metrics");
  CHECK_FALSE(r.db.restore);
}

TEST_CASE("the rollback section: hooks, weight, watch, error rate and metrics") {
  const std::string yaml = std::string(kBase) + R"(rollback:
  full:
    remove_green: {command: [helm, uninstall, nova-streaming-green], timeout: 3m}
  staged: {weight: 10, watch: 2m, poll_interval: 5s, max_error_rate: "0.02",
           min_requests: 50, metrics_url: "http://green:9090/metrics"}
  db:
    restore: {command: [scripts/restore-db.sh, "${NOVA_SNAPSHOT_ID}"], timeout: 20m}
)";
  auto loaded = loadRolloutConfig(yaml, "rollout.yaml");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  const RollbackSpec& r = loaded->rollback;
  REQUIRE(r.full.removeGreen);
  CHECK(r.full.removeGreen->describe() == "helm uninstall nova-streaming-green");
  CHECK(r.full.removeGreen->timeout == 3 * kMinute);
  CHECK(r.full.deployment.empty());
  CHECK(r.staged.weight == 10);
  CHECK(r.staged.watch == 2 * kMinute);
  CHECK(r.staged.pollInterval == 5 * kSecond);
  CHECK(r.staged.maxErrorRate == doctest::Approx(0.02));
  CHECK(r.staged.minRequests == 50);
  CHECK(r.staged.metricsUrl == "http://green:9090/metrics");
  REQUIRE(r.db.restore);
  CHECK(r.db.restore->timeout == 20 * kMinute);
}

TEST_CASE("rollback section mistakes are named at their place") {
  const std::string yaml = std::string(kBase) + R"(rollback:
  full: {remove_green: {command: [x]}, deployment: green}
  staged: {weight: 100, max_error_rate: "5%", metric_url: "http://x"}
  dbx: {}
)";
  auto loaded = loadRolloutConfig(yaml, "rollout.yaml");
  REQUIRE_FALSE(loaded.ok());
  const std::string& m = loaded.error().message;
  INFO(m);
  CHECK(m.find("rollout.yaml:9:9: rollback.full: give remove_green or deployment, not both") !=
        std::string::npos);
  CHECK(m.find("rollback.staged.weight") != std::string::npos);
  CHECK(m.find("rollback.staged.max_error_rate: must be a share from 0 to 1 (0.05 is 5%), not "
               "\"5%\"") != std::string::npos);
  CHECK(m.find("metric_url") != std::string::npos);
  CHECK(m.find("dbx") != std::string::npos);
}

}  // namespace
}  // namespace nova::rollout
