#pragma once

#include <yaml-cpp/yaml.h>

#include "config_fields.h"
#include "nova/daemon/config.h"

namespace nova::daemon::detail {

/// Reads (from the target section `node`) target.urls, target.discovery and the pool settings
/// (health_path, metrics_path, scheme, max_targets) and target.max_series into `config`. Returns
/// whether the target section names several targets (urls or discovery), which then replace
/// health_url and metrics_url. urls and discovery exclude each other.
bool readTargetSet(const YAML::Node& node, AgentConfig& config, ConfigContext& ctx);

/// Reads a discovery section (`base` is its path for errors: "target.discovery",
/// "baseline.discovery"): kind kubernetes, namespace, service, port, labels, and where the
/// API server is (server, kubeconfig, context, token_file). nullopt on unknown keys.
std::optional<DiscoveryConfig> readDiscovery(const YAML::Node& node, const std::string& base,
                                             ConfigContext& ctx);

}  // namespace nova::daemon::detail
