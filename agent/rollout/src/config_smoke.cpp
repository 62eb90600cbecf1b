#include <array>
#include <boost/json/serialize.hpp>

#include "config_sections.h"
#include "nova/core/text.h"

namespace nova::rollout::detail {
namespace {

constexpr std::array<std::string_view, 7> kMethods{"GET",    "POST", "PUT",    "PATCH",
                                                   "DELETE", "HEAD", "OPTIONS"};

bool validCaptureName(const std::string& name) {
  if (name.empty() || name.starts_with("NOVA_") || (name[0] >= '0' && name[0] <= '9')) {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

void readBuiltins(const YAML::Node& node, ConfigReader& reader, SmokeConfig& smoke) {
  if (const YAML::Node health = node["health"]) {
    if (health.IsScalar()) {
      smoke.health = reader.boolean(health, "smoke.health").value_or(true);
    } else {
      static constexpr std::array<std::string_view, 3> kKeys{"path", "status", "version_pointer"};
      if (reader.mapping(health, "smoke.health", kKeys)) {
        if (health["path"]) {
          smoke.healthPath = reader.nonEmpty(health["path"], "smoke.health.path").value_or("");
        }
        if (health["status"]) {
          smoke.healthyStatus =
              reader.nonEmpty(health["status"], "smoke.health.status").value_or("");
        }
        if (health["version_pointer"]) {
          smoke.versionPointer =
              reader.pointer(health["version_pointer"], "smoke.health.version_pointer")
                  .value_or("");
        }
      }
    }
  }
  if (const YAML::Node metrics = node["metrics"]) {
    if (metrics.IsScalar()) {
      smoke.metrics = reader.boolean(metrics, "smoke.metrics").value_or(true);
    } else {
      static constexpr std::array<std::string_view, 1> kKeys{"path"};
      if (reader.mapping(metrics, "smoke.metrics", kKeys) && metrics["path"]) {
        smoke.metricsPath = reader.nonEmpty(metrics["path"], "smoke.metrics.path").value_or("");
      }
    }
  }
}

void readSecrets(const YAML::Node& node, ConfigReader& reader, SmokeConfig& smoke, Names& known) {
  if (!node.IsMap()) {
    reader.error(node, "smoke.secrets", "must be a mapping of names to {env: ...} or {file: ...}");
    return;
  }
  static constexpr std::array<std::string_view, 2> kKeys{"env", "file"};
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = it->first.Scalar();
    const std::string path = "smoke.secrets." + name;
    if (!validCaptureName(name)) {
      reader.error(it->first, "smoke.secrets", "\"" + name + "\" is not a valid secret name");
      continue;
    }
    if (!reader.mapping(it->second, path, kKeys)) {
      continue;
    }
    SmokeSecret secret{name, "", ""};
    if (it->second["env"]) {
      secret.env = reader.nonEmpty(it->second["env"], path + ".env").value_or("");
    }
    if (it->second["file"]) {
      secret.file =
          reader.resolve(reader.nonEmpty(it->second["file"], path + ".file").value_or(""));
    }
    if (static_cast<bool>(it->second["env"]) == static_cast<bool>(it->second["file"])) {
      reader.error(it->second, path, "give exactly one of env and file");
    }
    smoke.secrets.push_back(secret);
    known.insert("secrets." + name);
  }
}

std::optional<SmokeAssertion> readAssertion(const YAML::Node& node, const std::string& path,
                                            ConfigReader& reader, const Names& known) {
  static constexpr std::array<std::string_view, 5> kKeys{"pointer", "equals", "exists", "absent",
                                                         "matches"};
  if (!reader.mapping(node, path, kKeys)) {
    return std::nullopt;
  }
  SmokeAssertion a;
  if (const YAML::Node pointer = reader.required(node, "pointer", path)) {
    a.pointer = reader.pointer(pointer, path + ".pointer").value_or("");
  }
  int kinds = 0;
  if (const YAML::Node equals = node["equals"]) {
    ++kinds;
    a.kind = SmokeAssertion::Kind::kEquals;
    a.expected = reader.json(equals, path + ".equals").value_or(nullptr);
    if (a.expected.is_string()) {
      reader.checkVariables(equals, path + ".equals", std::string(a.expected.get_string()), known);
    }
  }
  for (auto [key, kind] : {std::pair{"exists", SmokeAssertion::Kind::kExists},
                           std::pair{"absent", SmokeAssertion::Kind::kAbsent}}) {
    if (const YAML::Node flag = node[key]) {
      ++kinds;
      a.kind = kind;
      if (!reader.boolean(flag, path + "." + key).value_or(true)) {
        reader.error(flag, path + "." + key, "only true makes sense here");
      }
    }
  }
  if (const YAML::Node matches = node["matches"]) {
    ++kinds;
    a.kind = SmokeAssertion::Kind::kMatches;
    a.pattern = reader.pattern(matches, path + ".matches").value_or("");
  }
  if (kinds != 1) {
    reader.error(node, path, "give exactly one of equals, exists, absent and matches");
  }
  return a;
}

void readStepBody(const YAML::Node& body, const std::string& path, ConfigReader& reader,
                  const Names& known, SmokeStep& step) {
  if (body.IsScalar()) {
    step.body = body.Scalar();
  } else {
    step.body = boost::json::serialize(reader.json(body, path).value_or(nullptr));
    bool typed = false;
    for (const auto& [name, value] : step.headers) {
      typed = typed || equalsIgnoreCase(name, "Content-Type");
    }
    if (!typed) {
      step.headers.emplace_back("Content-Type", "application/json");
    }
  }
  reader.checkVariables(body, path, step.body, known);
}

std::optional<SmokeStep> readStep(const YAML::Node& node, const std::string& path,
                                  ConfigReader& reader, Names& known,
                                  std::set<std::string>& names) {
  static constexpr std::array<std::string_view, 10> kKeys{
      "name",          "method", "url",     "headers", "body",
      "expect_status", "assert", "capture", "timeout", "always"};
  if (!reader.mapping(node, path, kKeys)) {
    return std::nullopt;
  }
  SmokeStep step;
  if (const YAML::Node name = reader.required(node, "name", path)) {
    step.name = reader.nonEmpty(name, path + ".name").value_or("");
    if (!step.name.empty() && !names.insert(step.name).second) {
      reader.error(name, path + ".name", "duplicate step name \"" + step.name + "\"");
    }
  }
  if (const YAML::Node method = node["method"]) {
    step.method = reader.text(method, path + ".method").value_or("GET");
    for (char& c : step.method) {
      c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    if (std::find(kMethods.begin(), kMethods.end(), step.method) == kMethods.end()) {
      reader.error(method, path + ".method", "unknown HTTP method \"" + step.method + "\"");
    }
  }
  if (const YAML::Node url = reader.required(node, "url", path)) {
    step.url = reader.nonEmpty(url, path + ".url").value_or("");
    reader.checkVariables(url, path + ".url", step.url, known);
  }
  if (const YAML::Node headers = node["headers"]) {
    const auto map = reader.stringMap(headers, path + ".headers");
    for (const auto& [name, value] : map.value_or(std::map<std::string, std::string>{})) {
      reader.checkVariables(headers, path + ".headers." + name, value, known);
      step.headers.emplace_back(name, value);
    }
  }
  if (const YAML::Node body = node["body"]) {
    readStepBody(body, path + ".body", reader, known, step);
  }
  if (const YAML::Node status = node["expect_status"]) {
    step.expectStatus = reader.integer(status, path + ".expect_status", 100, 599).value_or(200);
  }
  if (const YAML::Node asserts = node["assert"]) {
    if (!asserts.IsSequence()) {
      reader.error(asserts, path + ".assert", "must be a list of assertions");
    } else {
      for (std::size_t i = 0; i < asserts.size(); ++i) {
        const std::string at = path + ".assert[" + std::to_string(i) + "]";
        if (auto a = readAssertion(asserts[i], at, reader, known)) {
          step.assertions.push_back(std::move(*a));
        }
      }
    }
  }
  if (const YAML::Node timeout = node["timeout"]) {
    step.timeout = reader.duration(timeout, path + ".timeout").value_or(step.timeout);
  }
  if (const YAML::Node always = node["always"]) {
    step.always = reader.boolean(always, path + ".always").value_or(false);
  }
  if (const YAML::Node capture = node["capture"]) {
    if (!capture.IsMap()) {
      reader.error(capture, path + ".capture", "must map variable names to JSON Pointers");
    } else {
      for (auto it = capture.begin(); it != capture.end(); ++it) {
        const std::string name = it->first.Scalar();
        if (!validCaptureName(name)) {
          reader.error(it->first, path + ".capture",
                       "\"" + name + "\" is not a valid variable name (letters, digits, _)");
          continue;
        }
        if (auto pointer = reader.pointer(it->second, path + ".capture." + name)) {
          step.captures.emplace_back(name, *pointer);
          known.insert(name);  // later steps may use it
        }
      }
    }
  }
  return step;
}

}  // namespace

void readSmoke(const YAML::Node& node, ConfigReader& reader, SmokeConfig& smoke) {
  static constexpr std::array<std::string_view, 6> kKeys{"base_url", "timeout", "health",
                                                         "metrics",  "secrets", "steps"};
  if (!reader.mapping(node, "smoke", kKeys)) {
    return;
  }
  if (const YAML::Node base = reader.required(node, "base_url", "smoke")) {
    smoke.baseUrl = reader.url(base, "smoke.base_url").value_or("");
  }
  if (const YAML::Node timeout = node["timeout"]) {
    smoke.timeout = reader.duration(timeout, "smoke.timeout").value_or(smoke.timeout);
  }
  readBuiltins(node, reader, smoke);
  Names known = rolloutVariables();
  if (const YAML::Node secrets = node["secrets"]) {
    readSecrets(secrets, reader, smoke, known);
  }
  if (const YAML::Node steps = node["steps"]) {
    if (!steps.IsSequence()) {
      reader.error(steps, "smoke.steps", "must be a list of steps");
      return;
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const std::string path = "smoke.steps[" + std::to_string(i) + "]";
      if (auto step = readStep(steps[i], path, reader, known, names)) {
        if (step->timeout == SmokeStep{}.timeout && !steps[i]["timeout"]) {
          step->timeout = smoke.timeout;
        }
        smoke.steps.push_back(std::move(*step));
      }
    }
  }
}

}  // namespace nova::rollout::detail
