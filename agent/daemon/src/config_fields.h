#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/time.h"
#include "nova/daemon/config.h"

namespace nova::daemon::detail {

/// Collects every problem of one load, each with its place: "file:line:col" for values
/// from the file, "--set key.path" for values from an override.
class ConfigContext {
 public:
  ConfigContext(std::string fileName, const ConfigEnvironment& env)
      : fileName_(std::move(fileName)), env_(env) {}

  /// The dotted paths set by --set; errors under them are reported as "--set path".
  void setOverridden(std::set<std::string> paths) { overridden_ = std::move(paths); }

  /// Errors are recorded with every secret value seen so far replaced by "<secret>", so a
  /// check that echoes a bad value (a switch setting read from {env:}) cannot leak it.
  void error(const YAML::Node& node, const std::string& path, const std::string& message);
  /// An error without a node (applying an override failed, a file did not parse).
  void error(const std::string& where, const std::string& message);
  /// A value read from {file:} or {env:}; kept out of every later error message.
  void rememberSecret(const std::string& value);

  const ConfigEnvironment& env() const { return env_; }
  std::vector<std::string>& errors() { return errors_; }

 private:
  std::string fileName_;
  std::set<std::string> overridden_;
  const ConfigEnvironment& env_;
  std::vector<std::string> errors_;
  std::vector<std::string> secrets_;

  std::string withoutSecrets(std::string message) const;
};

/// True when `node` is a map; reports keys not in `known` with a did-you-mean hint.
bool checkKeys(const YAML::Node& node, std::span<const std::string_view> known,
               const std::string& path, ConfigContext& ctx);

std::optional<std::string> readString(const YAML::Node& node, const std::string& path,
                                      ConfigContext& ctx);
std::optional<bool> readBool(const YAML::Node& node, const std::string& path, ConfigContext& ctx);
/// A Prometheus duration ("500ms", "5m"); `positive` refuses 0.
std::optional<DurationMs> readDuration(const YAML::Node& node, const std::string& path,
                                       ConfigContext& ctx, bool positive = true);
std::optional<long long> readInteger(const YAML::Node& node, const std::string& path,
                                     ConfigContext& ctx, long long min, long long max);
/// A plain string, or a secret `{file: path}` / `{env: NAME}` resolved through the
/// environment; secrets are added to `secretPaths`. Messages never contain the value.
std::optional<std::string> readValueOrSecret(const YAML::Node& node, const std::string& path,
                                             ConfigContext& ctx,
                                             std::set<std::string>& secretPaths);
/// `path` joined to the config file's folder unless absolute.
std::string resolvePath(const std::string& path, const ConfigContext& ctx);

/// Applies "key.path=value" overrides to `root` (value parsed as YAML; numeric segments
/// index sequences). Returns the dotted paths that were set; problems go to `ctx`.
std::set<std::string> applyOverrides(YAML::Node& root, std::span<const std::string> overrides,
                                     ConfigContext& ctx);

/// The `sources:` and `remote_queries:` sections (config_sources.cpp).
void readSources(const YAML::Node& root, AgentConfig& config, ConfigContext& ctx);

/// The `leader_election:` section (config_leader.cpp).
void readLeaderElection(const YAML::Node& root, AgentConfig& config, ConfigContext& ctx);

}  // namespace nova::daemon::detail
