#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <span>
#include <string>
#include <string_view>

#include "config_reader.h"
#include "nova/rollout/config.h"

namespace nova::rollout::detail {

using Names = std::set<std::string, std::less<>>;

/// The NOVA_* variables a hook sees.
Names rolloutVariables();

/// The keys of a command (command, shell, timeout, env, working_dir, expect_exit,
/// expect_output); `extra` are the caller's keys allowed beside them.
std::optional<CommandSpec> readCommand(const YAML::Node& node, const std::string& path,
                                       ConfigReader& reader, DurationMs defaultTimeout,
                                       std::span<const std::string_view> extra = {});

/// `preflight:`, a list of command checks or a mapping of `cluster:` and `checks:`
/// (config_preflight.cpp).
void readPreflight(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config);
/// The list of command checks at `path`.
void readPreflightChecks(const YAML::Node& node, const std::string& path, ConfigReader& reader,
                         RolloutConfig& config);
void readSnapshot(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config);
void readDeploy(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config);
void readBlue(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config);
void readSmoke(const YAML::Node& node, ConfigReader& reader, SmokeConfig& smoke);
/// The `rollback:` section (config_rollback.cpp), and its defaults from deploy and smoke
/// (with `node` null when the section is absent).
void readRollback(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config);
void readWindow(const YAML::Node& node, ConfigReader& reader, WindowSpec& window);

}  // namespace nova::rollout::detail
