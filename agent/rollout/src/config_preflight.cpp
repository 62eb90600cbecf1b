// `preflight:` of rollout.yaml: the command checks, and the cluster's own state checked by
// the built-in steps (green's namespace, ConfigMaps, Secrets, pods, nodes).
#include <algorithm>
#include <array>

#include "config_sections.h"

namespace nova::rollout::detail {
namespace {

// A Kubernetes object name (a DNS subdomain, RFC 1123): what the API server would accept,
// so a typo is named here and not as a "missing" object at run time.
bool validObjectName(const std::string& name) {
  if (name.empty() || name.size() > 253) {
    return false;
  }
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return alnum(name.front()) && alnum(name.back()) &&
         std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '.'; });
}

std::vector<std::string> readNames(const YAML::Node& node, const std::string& path,
                                   ConfigReader& reader) {
  std::vector<std::string> names;
  if (!node.IsSequence()) {
    reader.error(node, path, "must be a list of names");
    return names;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    auto name = reader.text(node[i], at);
    if (!name) {
      continue;
    }
    if (!validObjectName(*name)) {
      reader.error(node[i], at,
                   "\"" + *name +
                       "\" is not a Kubernetes object name (lower-case letters, "
                       "digits, '-' and '.')");
    } else if (std::find(names.begin(), names.end(), *name) != names.end()) {
      reader.error(node[i], at, "\"" + *name + "\" is listed twice");
    } else {
      names.push_back(*name);
    }
  }
  return names;
}

// `nodes: true` or `nodes: {selector: "..."}`.
void readNodes(const YAML::Node& node, ConfigReader& reader, ClusterPreflight& cluster) {
  const std::string path = "preflight.cluster.nodes";
  if (node.IsScalar()) {
    cluster.nodes = reader.boolean(node, path).value_or(false);
    return;
  }
  static constexpr std::array<std::string_view, 1> kKeys{"selector"};
  if (!reader.mapping(node, path, kKeys)) {
    return;
  }
  cluster.nodes = true;
  if (const YAML::Node selector = node["selector"]) {
    cluster.nodeSelector = reader.nonEmpty(selector, path + ".selector").value_or("");
  }
}

void readCluster(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  static constexpr std::array<std::string_view, 6> kKeys{"namespace",     "configmaps", "secrets",
                                                         "pending_grace", "list_limit", "nodes"};
  const std::string path = "preflight.cluster";
  if (!reader.mapping(node, path, kKeys)) {
    return;
  }
  ClusterPreflight cluster;
  if (const YAML::Node ns = reader.required(node, "namespace", path)) {
    cluster.ns = reader.nonEmpty(ns, path + ".namespace").value_or("");
    if (!cluster.ns.empty() && !validObjectName(cluster.ns)) {
      reader.error(ns, path + ".namespace", "\"" + cluster.ns + "\" is not a namespace name");
    }
  }
  if (const YAML::Node maps = node["configmaps"]) {
    cluster.configMaps = readNames(maps, path + ".configmaps", reader);
  }
  if (const YAML::Node secrets = node["secrets"]) {
    cluster.secrets = readNames(secrets, path + ".secrets", reader);
  }
  if (const YAML::Node grace = node["pending_grace"]) {
    cluster.pendingGrace =
        reader.duration(grace, path + ".pending_grace", true).value_or(cluster.pendingGrace);
  }
  if (const YAML::Node limit = node["list_limit"]) {
    cluster.listLimit =
        static_cast<int>(reader.integer(limit, path + ".list_limit", 1, 100).value_or(5));
  }
  if (const YAML::Node nodes = node["nodes"]) {
    readNodes(nodes, reader, cluster);
  }
  config.preflightCluster = std::move(cluster);
}

}  // namespace

void readPreflight(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  if (node.IsSequence()) {
    readPreflightChecks(node, "preflight", reader, config);  // the list form: commands only
    return;
  }
  static constexpr std::array<std::string_view, 2> kKeys{"cluster", "checks"};
  if (!node.IsMap()) {
    reader.error(node, "preflight", "must be a list of checks, or a mapping of cluster and checks");
    return;
  }
  if (!reader.mapping(node, "preflight", kKeys)) {
    return;
  }
  if (const YAML::Node cluster = node["cluster"]) {
    readCluster(cluster, reader, config);
  }
  if (const YAML::Node checks = node["checks"]) {
    readPreflightChecks(checks, "preflight.checks", reader, config);
  }
}

}  // namespace nova::rollout::detail

namespace nova::rollout {

std::vector<std::string> preflightCheckNames(const RolloutConfig& config) {
  std::vector<std::string> names{"traffic-on-blue", "blue-ready"};
  if (!config.monitor.agentUrl.empty()) {
    names.emplace_back("agent-reachable");
  }
  if (const auto& cluster = config.preflightCluster) {
    names.emplace_back("green-namespace");
    if (!cluster->configMaps.empty()) {
      names.emplace_back("configmaps");
    }
    if (!cluster->secrets.empty()) {
      names.emplace_back("secrets");
    }
    names.emplace_back("pods-healthy");
    if (cluster->nodes) {
      names.emplace_back("nodes-ready");
    }
  }
  for (const auto& check : config.preflight) {
    names.push_back(check.name);
  }
  return names;
}

}  // namespace nova::rollout
