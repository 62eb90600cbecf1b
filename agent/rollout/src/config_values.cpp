#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "config_reader.h"
#include "nova/core/suggest.h"

namespace nova::rollout::detail {

namespace json = boost::json;

namespace {

// yaml-cpp tags quoted scalars "!" and plain ones "?".
bool plainScalar(const YAML::Node& node) {
  return node.Tag() != "!";
}

// A plain scalar that YAML would read as a boolean, null or number, as JSON.
std::optional<json::value> plainScalarJson(const std::string& s) {
  if (s == "true") {
    return json::value(true);
  }
  if (s == "false") {
    return json::value(false);
  }
  if (s == "null" || s == "~" || s.empty()) {
    return json::value(nullptr);
  }
  std::int64_t whole = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), whole);
  if (ec == std::errc() && end == s.data() + s.size()) {
    return json::value(whole);
  }
  char* stop = nullptr;
  const double real = std::strtod(s.c_str(), &stop);
  if (stop == s.c_str() + s.size() && s.find_first_of("0123456789") != std::string::npos &&
      s.find_first_of("xXnN") == std::string::npos) {
    return json::value(real);
  }
  return std::nullopt;
}

}  // namespace

std::optional<json::value> ConfigReader::json(const YAML::Node& node, const std::string& path) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      if (plainScalar(node)) {
        if (auto v = plainScalarJson(node.Scalar())) {
          return v;
        }
      }
      return json::value(node.Scalar());
    case YAML::NodeType::Sequence: {
      json::array out;
      for (std::size_t i = 0; i < node.size(); ++i) {
        auto item = json(node[i], path + "[" + std::to_string(i) + "]");
        if (!item) {
          return std::nullopt;
        }
        out.push_back(std::move(*item));
      }
      return json::value(std::move(out));
    }
    case YAML::NodeType::Map: {
      json::object out;
      for (auto it = node.begin(); it != node.end(); ++it) {
        auto key = text(it->first, path);
        auto value = key ? json(it->second, path + "." + *key) : std::nullopt;
        if (!value) {
          return std::nullopt;
        }
        out[*key] = std::move(*value);
      }
      return json::value(std::move(out));
    }
    default:
      return json::value(nullptr);
  }
}

void ConfigReader::checkVariables(const YAML::Node& node, const std::string& path,
                                  std::string_view value,
                                  const std::set<std::string, std::less<>>& known) {
  for (std::size_t i = 0; i + 1 < value.size(); ++i) {
    if (value.compare(i, 3, "$${") == 0) {
      i += 2;
      continue;
    }
    if (value.compare(i, 2, "${") != 0) {
      continue;
    }
    const std::size_t close = value.find('}', i + 2);
    if (close == std::string_view::npos) {
      error(node, path, "unclosed \"${\"");
      return;
    }
    const std::string_view name = value.substr(i + 2, close - i - 2);
    if (!known.contains(name)) {
      std::vector<std::string_view> candidates(known.begin(), known.end());
      std::string message = "unknown variable ${" + std::string(name) + "}";
      if (auto hint = closestMatch(name, candidates)) {
        message += "; did you mean ${" + *hint + "}?";
      }
      error(node, path, message);
    }
    i = close;
  }
}

}  // namespace nova::rollout::detail
