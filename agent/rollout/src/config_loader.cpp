#include <array>

#include "config_sections.h"
#include "nova/notify/notifier.h"
#include "nova/traffic/switch.h"

namespace nova::rollout {
namespace {

using detail::ConfigReader;

constexpr std::array<std::string_view, 13> kTopKeys{
    "switch",  "window", "preflight", "snapshot",   "deploy",    "smoke",   "blue",
    "monitor", "bounds", "lease",     "report_dir", "notifiers", "rollback"};

void checkType(const YAML::Node& node, const std::string& path, const std::string& type,
               std::span<const std::string_view> known, ConfigReader& reader) {
  if (std::find(known.begin(), known.end(), type) != known.end()) {
    return;
  }
  std::string list;
  for (std::string_view k : known) {
    list += (list.empty() ? "" : ", ") + std::string(k);
  }
  reader.error(node, path, "unknown type \"" + type + "\" (known: " + list + ")");
}

// A `type:` mapping whose other keys are string settings, as the agent's switch and
// notifiers are written.
std::map<std::string, std::string> typedSettings(const YAML::Node& node, const std::string& path,
                                                 std::span<const std::string_view> own,
                                                 ConfigReader& reader, std::string& type) {
  std::map<std::string, std::string> settings;
  if (!node.IsMap()) {
    reader.error(node, path, "must be a mapping with a type");
    return settings;
  }
  if (const YAML::Node t = reader.required(node, "type", path)) {
    type = reader.nonEmpty(t, path + ".type").value_or("");
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key == "type" || std::find(own.begin(), own.end(), key) != own.end()) {
      continue;
    }
    if (auto value = reader.text(it->second, path + "." + key)) {
      settings[key] = *value;
    }
  }
  return settings;
}

void readSwitch(const YAML::Node& node, ConfigReader& reader, SwitchSpec& spec) {
  static constexpr std::array<std::string_view, 3> kOwn{"public_url", "version_pointer",
                                                        "verify_timeout"};
  spec.settings = typedSettings(node, "switch", kOwn, reader, spec.type);
  if (!spec.type.empty()) {
    checkType(node["type"], "switch.type", spec.type, traffic::switchTypes(), reader);
  }
  if (!node.IsMap()) {
    return;
  }
  if (const YAML::Node url = node["public_url"]) {
    spec.publicUrl = reader.url(url, "switch.public_url").value_or("");
  }
  if (const YAML::Node pointer = node["version_pointer"]) {
    spec.versionPointer = reader.pointer(pointer, "switch.version_pointer").value_or("");
  }
  if (const YAML::Node timeout = node["verify_timeout"]) {
    spec.verifyTimeout = reader.duration(timeout, "switch.verify_timeout").value_or(0);
  }
}

void readMonitor(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  static constexpr std::array<std::string_view, 4> kKeys{"agent_url", "duration", "medium_max_wait",
                                                         "poll_interval"};
  if (!reader.mapping(node, "monitor", kKeys)) {
    return;
  }
  if (const YAML::Node url = reader.required(node, "agent_url", "monitor")) {
    config.monitor.agentUrl = reader.url(url, "monitor.agent_url").value_or("");
  }
  if (const YAML::Node d = node["duration"]) {
    config.bounds.monitor = reader.duration(d, "monitor.duration").value_or(config.bounds.monitor);
  }
  if (const YAML::Node w = node["medium_max_wait"]) {
    config.bounds.mediumMaxWait =
        reader.duration(w, "monitor.medium_max_wait", true).value_or(config.bounds.mediumMaxWait);
  }
  if (const YAML::Node p = node["poll_interval"]) {
    config.monitor.pollInterval =
        reader.duration(p, "monitor.poll_interval").value_or(config.monitor.pollInterval);
  }
}

void readBounds(const YAML::Node& node, ConfigReader& reader, PhaseBounds& bounds) {
  static constexpr std::array<std::string_view, 5> kKeys{"preflight", "green", "switch", "blue",
                                                         "overall"};
  if (!reader.mapping(node, "bounds", kKeys)) {
    return;
  }
  for (auto [key, field] :
       {std::pair{"preflight", &bounds.preflight}, std::pair{"green", &bounds.green},
        std::pair{"switch", &bounds.switchTraffic}, std::pair{"blue", &bounds.blue}}) {
    if (const YAML::Node value = node[key]) {
      *field = reader.duration(value, std::string("bounds.") + key).value_or(*field);
    }
  }
  if (const YAML::Node overall = node["overall"]) {
    // 0 turns the overall bound off; the phase bounds stay.
    bounds.overall = reader.duration(overall, "bounds.overall", true).value_or(bounds.overall);
  }
}

void readNotifiers(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  if (!node.IsSequence()) {
    reader.error(node, "notifiers", "must be a list of notifiers");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "notifiers[" + std::to_string(i) + "]";
    NotifierSpec spec;
    spec.settings = typedSettings(node[i], path, {}, reader, spec.type);
    if (!spec.type.empty()) {
      checkType(node[i]["type"], path + ".type", spec.type, notify::notifierTypes(), reader);
    }
    config.notifiers.push_back(std::move(spec));
  }
}

void readLease(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  static constexpr std::array<std::string_view, 1> kKeys{"duration"};
  if (reader.mapping(node, "lease", kKeys) && node["duration"]) {
    config.leaseDuration =
        reader.duration(node["duration"], "lease.duration").value_or(config.leaseDuration);
    if (config.leaseDuration < 3 * kSecond) {
      reader.error(node["duration"], "lease.duration", "must be at least 3s (renewed every third)");
    }
  }
}

void readDocument(const YAML::Node& root, ConfigReader& reader, RolloutConfig& config) {
  if (!reader.mapping(root, "", kTopKeys)) {
    return;
  }
  if (const YAML::Node s = reader.required(root, "switch", "")) {
    readSwitch(s, reader, config.switchSpec);
  }
  if (const YAML::Node w = root["window"]) {
    detail::readWindow(w, reader, config.window);
  }
  if (const YAML::Node p = root["preflight"]) {
    detail::readPreflight(p, reader, config);
  }
  if (const YAML::Node s = root["snapshot"]) {
    detail::readSnapshot(s, reader, config);
  }
  if (const YAML::Node d = reader.required(root, "deploy", "")) {
    detail::readDeploy(d, reader, config);
  }
  if (const YAML::Node s = reader.required(root, "smoke", "")) {
    detail::readSmoke(s, reader, config.smoke);
  }
  if (const YAML::Node b = reader.required(root, "blue", "")) {
    detail::readBlue(b, reader, config);
  }
  if (const YAML::Node m = reader.required(root, "monitor", "")) {
    readMonitor(m, reader, config);
  }
  if (const YAML::Node b = root["bounds"]) {
    readBounds(b, reader, config.bounds);
  }
  if (const YAML::Node l = root["lease"]) {
    readLease(l, reader, config);
  }
  if (const YAML::Node r = root["report_dir"]) {
    config.reportDir = reader.nonEmpty(r, "report_dir").value_or(config.reportDir);
  }
  config.reportDir = reader.resolve(config.reportDir);
  if (const YAML::Node n = root["notifiers"]) {
    readNotifiers(n, reader, config);
  }
  detail::readRollback(root["rollback"], reader, config);
}

}  // namespace

Result<RolloutConfig> loadRolloutConfig(std::string_view yamlText, std::string_view fileName,
                                        std::string_view baseDir) {
  ConfigReader reader(fileName, baseDir);
  RolloutConfig config;
  // yaml-cpp reports malformed YAML by exception; it stops here.
  try {
    const YAML::Node root = YAML::Load(std::string(yamlText));
    if (root.IsNull()) {
      reader.error(root, "", "empty file (expected switch, deploy, smoke, blue and monitor)");
    } else {
      readDocument(root, reader, config);
    }
  } catch (const YAML::Exception& e) {
    reader.error(e.mark, e.msg);
  } catch (const std::exception& e) {
    reader.error(YAML::Mark::null_mark(), e.what());
  }
  if (reader.failed()) {
    return Error(ErrorCode::kInvalidInput, reader.report());
  }
  return config;
}

}  // namespace nova::rollout
