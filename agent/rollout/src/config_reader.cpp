#include "config_reader.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "nova/core/suggest.h"
#include "nova/http/url.h"

namespace nova::rollout::detail {

namespace json = boost::json;

namespace {

std::string_view kindOf(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    default:
      return "a scalar";
  }
}

}  // namespace

void ConfigReader::error(const YAML::Node& node, const std::string& path,
                         const std::string& message) {
  const YAML::Mark mark = node.Mark();
  const int line = mark.is_null() ? 1 : mark.line + 1;
  const int column = mark.is_null() ? 1 : mark.column + 1;
  problems_.push_back({line, column,
                       fileName_ + ":" + std::to_string(line) + ":" + std::to_string(column) +
                           ": " + (path.empty() ? "" : path + ": ") + message});
}

void ConfigReader::error(const YAML::Mark& mark, const std::string& message) {
  const int line = mark.is_null() ? 1 : mark.line + 1;
  const int column = mark.is_null() ? 1 : mark.column + 1;
  problems_.push_back(
      {line, column,
       fileName_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message});
}

bool ConfigReader::mapping(const YAML::Node& node, const std::string& path,
                           std::span<const std::string_view> keys) {
  if (!node.IsMap()) {
    error(node, path, "must be a mapping, got " + std::string(kindOf(node)));
    return false;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
      continue;
    }
    std::string message = "unknown key \"" + key + "\"";
    if (auto hint = closestMatch(key, keys)) {
      message += "; did you mean " + *hint + "?";
    }
    error(it->first, path, message);
  }
  return true;
}

YAML::Node ConfigReader::required(const YAML::Node& map, std::string_view key,
                                  const std::string& path) {
  const YAML::Node value = map[std::string(key)];
  if (!value) {
    error(map, path, "missing required field " + std::string(key));
  }
  return value;
}

std::optional<std::string> ConfigReader::text(const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    error(node, path, "must be a string, got " + std::string(kindOf(node)));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::string> ConfigReader::nonEmpty(const YAML::Node& node, const std::string& path) {
  auto value = text(node, path);
  if (value && value->empty()) {
    error(node, path, "must not be empty");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> ConfigReader::boolean(const YAML::Node& node, const std::string& path) {
  if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
    return node.Scalar() == "true";
  }
  error(node, path, "must be true or false");
  return std::nullopt;
}

std::optional<long long> ConfigReader::integer(const YAML::Node& node, const std::string& path,
                                               long long min, long long max) {
  long long value = 0;
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc() && end == s.data() + s.size() && value >= min && value <= max) {
      return value;
    }
  }
  error(node, path,
        "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  return std::nullopt;
}

std::optional<DurationMs> ConfigReader::duration(const YAML::Node& node, const std::string& path,
                                                 bool allowZero) {
  auto value = text(node, path);
  if (!value) {
    return std::nullopt;
  }
  auto parsed = parseDuration(*value);
  if (!parsed) {
    error(node, path, parsed.error().message);
    return std::nullopt;
  }
  if (*parsed == 0 && !allowZero) {
    error(node, path, "must be longer than 0s");
    return std::nullopt;
  }
  return *parsed;
}

std::optional<std::string> ConfigReader::url(const YAML::Node& node, const std::string& path) {
  auto value = nonEmpty(node, path);
  if (!value) {
    return std::nullopt;
  }
  // The value may carry a credential: the error shows it redacted.
  auto parsed = http::Url::parse(*value);
  if (!parsed) {
    error(node, path,
          "must be an http:// or https:// URL, got \"" + http::redactUrl(*value) +
              "\": " + parsed.error().message);
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> ConfigReader::pointer(const YAML::Node& node, const std::string& path) {
  auto value = text(node, path);
  if (!value) {
    return std::nullopt;
  }
  bool ok = value->empty() || value->front() == '/';
  for (std::size_t i = 0; ok && i < value->size(); ++i) {
    if ((*value)[i] == '~') {
      ok = i + 1 < value->size() && ((*value)[i + 1] == '0' || (*value)[i + 1] == '1');
    }
  }
  if (!ok) {
    error(node, path,
          "\"" + *value + "\" is not a JSON Pointer (\"/a/0/b\"; write ~ as ~0 and / as ~1)");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> ConfigReader::pattern(const YAML::Node& node, const std::string& path) {
  auto value = text(node, path);
  if (!value) {
    return std::nullopt;
  }
  const RE2 compiled(*value, RE2::Quiet);
  if (!compiled.ok()) {
    error(node, path, "bad pattern /" + *value + "/: " + compiled.error());
    return std::nullopt;
  }
  return value;
}

std::optional<std::map<std::string, std::string>> ConfigReader::stringMap(const YAML::Node& node,
                                                                          const std::string& path) {
  if (!node.IsMap()) {
    error(node, path, "must be a mapping of names to strings, got " + std::string(kindOf(node)));
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  for (auto it = node.begin(); it != node.end(); ++it) {
    auto key = text(it->first, path);
    auto value = key ? text(it->second, path + "." + *key) : std::nullopt;
    if (key && value) {
      out[*key] = *value;
    }
  }
  return out;
}

std::string ConfigReader::resolve(const std::string& relative) const {
  if (relative.empty() || relative.front() == '/' || baseDir_.empty()) {
    return relative;
  }
  return baseDir_ + (baseDir_.back() == '/' ? "" : "/") + relative;
}

std::string ConfigReader::report() {
  std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  std::string out;
  for (const Problem& p : problems_) {
    out += (out.empty() ? "" : "\n") + p.text;
  }
  return out;
}

}  // namespace nova::rollout::detail
