#pragma once

#include <yaml-cpp/yaml.h>

#include "config_fields.h"
#include "nova/daemon/config.h"

namespace nova::daemon::detail {

/// The `baseline:` section: blue's targets (urls, metrics_path), their scrape interval and
/// timeout, and the baseline's window and keep (see BaselineConfig). Absent: no baseline.
void readBaseline(const YAML::Node& root, AgentConfig& config, ConfigContext& ctx);

}  // namespace nova::daemon::detail
