// rollout.yaml's `preflight:`: the list of command checks, and the mapping of the cluster's
// own checks and the commands; what --skip-check may name.
#include <doctest/doctest.h>

#include "config_minimal.h"
#include "nova/rollout/config.h"

namespace nova::rollout {
namespace {

std::string withPreflight(std::string_view preflight) {
  return std::string(preflight) + std::string(test::kMinimalConfig);
}

TEST_CASE("preflight as a mapping: the cluster's checks and the commands") {
  auto loaded = loadRolloutConfig(withPreflight(R"(preflight:
  cluster:
    namespace: production-green
    configmaps: [app-config, feature-flags]
    secrets: [db-credentials]
    pending_grace: 5m
    list_limit: 3
    nodes: {selector: "pool=web"}
  checks:
    - name: db-connections
      command: [check-db, "${NOVA_VERSION}"]
)"),
                                  "rollout.yaml");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded->preflightCluster.has_value());
  const ClusterPreflight& c = *loaded->preflightCluster;
  CHECK(c.ns == "production-green");
  CHECK(c.configMaps == std::vector<std::string>{"app-config", "feature-flags"});
  CHECK(c.secrets == std::vector<std::string>{"db-credentials"});
  CHECK(c.pendingGrace == 5 * kMinute);
  CHECK(c.listLimit == 3);
  CHECK(c.nodes);
  CHECK(c.nodeSelector == "pool=web");
  REQUIRE(loaded->preflight.size() == 1);
  CHECK(loaded->preflight[0].name == "db-connections");
  CHECK(preflightCheckNames(*loaded) ==
        std::vector<std::string>{"traffic-on-blue", "blue-ready", "agent-reachable",
                                 "green-namespace", "configmaps", "secrets", "pods-healthy",
                                 "nodes-ready", "db-connections"});
}

TEST_CASE("the cluster's defaults: no lists, no nodes, a 2 minute grace") {
  auto loaded =
      loadRolloutConfig(withPreflight("preflight: {cluster: {namespace: green}}\n"), "r.yaml");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  const ClusterPreflight& c = *loaded->preflightCluster;
  CHECK(c.pendingGrace == 2 * kMinute);
  CHECK(c.listLimit == 5);
  CHECK_FALSE(c.nodes);
  CHECK(preflightCheckNames(*loaded) ==
        std::vector<std::string>{"traffic-on-blue", "blue-ready", "agent-reachable",
                                 "green-namespace", "pods-healthy"});
  auto nodes = loadRolloutConfig(
      withPreflight("preflight: {cluster: {namespace: green, nodes: true}}\n"), "r.yaml");
  REQUIRE(nodes.ok());
  CHECK(nodes->preflightCluster->nodes);
  CHECK(nodes->preflightCluster->nodeSelector.empty());
}

TEST_CASE("the list form still holds only commands, and has no cluster checks") {
  auto loaded = loadRolloutConfig(withPreflight(R"(preflight:
  - {name: approved, command: [check-approval]}
)"),
                                  "rollout.yaml");
  REQUIRE(loaded.ok());
  CHECK_FALSE(loaded->preflightCluster.has_value());
  CHECK(preflightCheckNames(*loaded).back() == "approved");
}

TEST_CASE("preflight problems are named at their file:line:col") {
  auto loaded = loadRolloutConfig(withPreflight(R"(preflight:
  cluster:
    namespace: Production_Green
    configmaps: [app-config, app-config]
    secrets: db-credentials
    pending_grace: soon
    nodes: {selectr: "pool=web"}
  checks:
    - name: secrets
      command: [check]
  extra: 1
)"),
                                  "rollout.yaml");
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == ErrorCode::kInvalidInput);
  CHECK(loaded.error().message ==
        "rollout.yaml:3:16: preflight.cluster.namespace: \"Production_Green\" is not a "
        "namespace name\n"
        "rollout.yaml:4:30: preflight.cluster.configmaps[1]: \"app-config\" is listed twice\n"
        "rollout.yaml:5:14: preflight.cluster.secrets: must be a list of names\n"
        "rollout.yaml:6:20: preflight.cluster.pending_grace: invalid duration \"soon\": "
        "expected a number\n"
        "rollout.yaml:7:13: preflight.cluster.nodes: unknown key \"selectr\"; did you mean "
        "selector?\n"
        "rollout.yaml:9:13: preflight.checks[0].name: \"secrets\" is the name of a built-in "
        "check\n"
        "rollout.yaml:11:3: preflight: unknown key \"extra\"");
}

}  // namespace
}  // namespace nova::rollout
