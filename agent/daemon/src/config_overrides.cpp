#include <algorithm>
#include <cctype>
#include <exception>

#include "config_fields.h"

namespace nova::daemon::detail {
namespace {

bool isIndex(const std::string& s) {
  return !s.empty() && s.size() < 6 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto dot = path.find('.', start);
    if (dot == std::string_view::npos) {
      dot = path.size();
    }
    out.emplace_back(path.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

// yaml-cpp nodes are handles: a Node passed by value still refers to the tree, so setting
// through it edits `root`. Intermediate maps are created as needed.
Status setPath(YAML::Node node, const std::vector<std::string>& segments, std::size_t i,
               const YAML::Node& value) {
  const std::string& segment = segments[i];
  const bool last = i + 1 == segments.size();
  if (node.IsSequence()) {
    if (!isIndex(segment) || std::stoul(segment) >= node.size()) {
      return Error(ErrorCode::kInvalidInput,
                   "\"" + segment + "\" is not an index of the list there");
    }
    const std::size_t index = std::stoul(segment);
    if (last) {
      node[index] = value;
      return {};
    }
    return setPath(node[index], segments, i + 1, value);
  }
  if (!node.IsMap() && !node.IsNull()) {
    return Error(ErrorCode::kInvalidInput,
                 "\"" + segment + "\" is inside a value that is not a map");
  }
  if (last) {
    node[segment] = value;
    return {};
  }
  if (!node[segment] || node[segment].IsNull()) {
    node[segment] = YAML::Node(YAML::NodeType::Map);
  }
  return setPath(node[segment], segments, i + 1, value);
}

}  // namespace

std::set<std::string> applyOverrides(YAML::Node& root, std::span<const std::string> overrides,
                                     ConfigContext& ctx) {
  std::set<std::string> applied;
  if (!root || root.IsNull()) {
    root.reset(YAML::Node(YAML::NodeType::Map));
  }
  for (const auto& override : overrides) {
    const auto eq = override.find('=');
    const std::string key = override.substr(0, eq);
    auto segments = splitPath(key);
    const bool emptySegment =
        std::any_of(segments.begin(), segments.end(), [](const auto& s) { return s.empty(); });
    if (eq == std::string::npos || emptySegment) {
      ctx.error("--set " + override, "expected key.path=value");
      continue;
    }
    try {
      YAML::Node value = YAML::Load(override.substr(eq + 1));
      if (Status s = setPath(root, segments, 0, value); !s) {
        ctx.error("--set " + key, s.error().message);
        continue;
      }
      applied.insert(key);
    } catch (const std::exception& e) {
      ctx.error("--set " + key, std::string("value is not valid YAML: ") + e.what());
    }
  }
  return applied;
}

}  // namespace nova::daemon::detail
