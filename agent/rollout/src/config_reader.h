#pragma once

#include <yaml-cpp/yaml.h>

#include <boost/json/value.hpp>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/time.h"

namespace nova::rollout::detail {

/// Reads rollout.yaml's values with their places: every problem is kept as
/// "file:line:col: path: message", so one load reports them all. Paths are the dotted
/// keys ("smoke.steps[2].url").
class ConfigReader {
 public:
  ConfigReader(std::string_view fileName, std::string_view baseDir)
      : fileName_(fileName), baseDir_(baseDir) {}

  void error(const YAML::Node& node, const std::string& path, const std::string& message);
  /// An error at a yaml-cpp mark (a parse error).
  void error(const YAML::Mark& mark, const std::string& message);

  /// True when `node` is a mapping; reports every key not in `keys` (did-you-mean).
  bool mapping(const YAML::Node& node, const std::string& path,
               std::span<const std::string_view> keys);
  /// Reports a missing required key of `map`; returns the value node (null when absent).
  YAML::Node required(const YAML::Node& map, std::string_view key, const std::string& path);

  std::optional<std::string> text(const YAML::Node& node, const std::string& path);
  std::optional<std::string> nonEmpty(const YAML::Node& node, const std::string& path);
  std::optional<bool> boolean(const YAML::Node& node, const std::string& path);
  std::optional<long long> integer(const YAML::Node& node, const std::string& path, long long min,
                                   long long max);
  /// A Prometheus duration ("30s", "1h30m"); positive unless `allowZero`.
  std::optional<DurationMs> duration(const YAML::Node& node, const std::string& path,
                                     bool allowZero = false);
  /// An absolute http(s) URL.
  std::optional<std::string> url(const YAML::Node& node, const std::string& path);
  /// A JSON Pointer (RFC 6901): "" or "/a/b", with "~" only as "~0" or "~1".
  std::optional<std::string> pointer(const YAML::Node& node, const std::string& path);
  /// An RE2 pattern that compiles.
  std::optional<std::string> pattern(const YAML::Node& node, const std::string& path);
  /// A mapping of names to string values.
  std::optional<std::map<std::string, std::string>> stringMap(const YAML::Node& node,
                                                              const std::string& path);
  /// The node as JSON: plain scalars that look like numbers, true/false or null become
  /// those; quoted scalars stay strings.
  std::optional<boost::json::value> json(const YAML::Node& node, const std::string& path);

  /// Reports each `${name}` in `text` that is not in `known` (did-you-mean); `$${` is a
  /// literal.
  void checkVariables(const YAML::Node& node, const std::string& path, std::string_view text,
                      const std::set<std::string, std::less<>>& known);

  /// `relative` joined to the config's folder (absolute paths unchanged).
  std::string resolve(const std::string& relative) const;

  bool failed() const { return !problems_.empty(); }
  /// The problems sorted by place, one per line.
  std::string report();

 private:
  struct Problem {
    int line;
    int column;
    std::string text;
  };
  std::string fileName_;
  std::string baseDir_;
  std::vector<Problem> problems_;
};

}  // namespace nova::rollout::detail
