#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <tuple>
#include <utility>

#include "config_baseline.h"
#include "config_fields.h"
#include "config_targets.h"
#include "nova/core/files.h"
#include "nova/core/rfc3339.h"
#include "nova/core/text.h"
#include "nova/http/url.h"
#include "nova/rules/loader.h"

namespace nova::daemon {
namespace {

using detail::ConfigContext;

// Bounds of the files the configuration reads whole.
constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxSecretBytes = std::size_t{64} << 10;

constexpr std::array<std::string_view, 21> kTopKeys{
    "target",     "rule_files", "policy",  "traffic_switched_at", "eval_interval",
    "switch",     "notifiers",  "listen",  "probe_listen",        "api_token",
    "state_file", "status_url", "dry_run", "log_format",          "action_queue",
    "version",    "arming",     "sources", "remote_queries",      "leader_election",
    "baseline"};
constexpr std::array<std::string_view, 2> kArmingKeys{"mode", "interval"};
// The switch types whose traffic object carries the rollout record.
constexpr std::array<std::string_view, 3> kRecordSwitches{"nginx", "kubernetes-ingress",
                                                          "gateway-httproute"};
constexpr std::array<std::string_view, 18> kTargetKeys{"health_url",
                                                       "metrics_url",
                                                       "expected_status",
                                                       "health_interval",
                                                       "metrics_interval",
                                                       "health_timeout",
                                                       "metrics_timeout",
                                                       "connect_timeout",
                                                       "ca_file",
                                                       "insecure_skip_verify",
                                                       "labels",
                                                       "max_series",
                                                       "urls",
                                                       "discovery",
                                                       "health_path",
                                                       "metrics_path",
                                                       "scheme",
                                                       "max_targets"};

void checkUrl(const YAML::Node& node, const std::string& path, const std::string& url,
              ConfigContext& ctx) {
  if (auto parsed = http::Url::parse(url); !parsed) {
    ctx.error(node, path, path + ": must be an http:// or https:// URL: " + parsed.error().message);
  }
}

void readTarget(const YAML::Node& node, AgentConfig& config, ConfigContext& ctx) {
  if (!node) {
    ctx.error(YAML::Node(), "target", "target: missing (health_url and metrics_url are required)");
    return;
  }
  if (!detail::checkKeys(node, kTargetKeys, "target", ctx)) {
    return;
  }
  auto& t = config.target;
  // Several targets (discovered or listed) take the place of the single one's URLs.
  const bool several = detail::readTargetSet(node, config, ctx);
  for (auto [key, out] : {std::pair{"health_url", &t.healthUrl}, {"metrics_url", &t.metricsUrl}}) {
    const std::string path = std::string("target.") + key;
    if (several) {
      if (node[key]) {
        ctx.error(node[key], path, path + ": not with target.urls or target.discovery");
      }
      continue;
    }
    if (!node[key]) {
      ctx.error(node, path, path + ": missing");
    } else if (auto url = detail::readString(node[key], path, ctx)) {
      checkUrl(node[key], path, *url, ctx);
      *out = *url;
    }
  }
  if (node["expected_status"]) {
    t.expectedStatus =
        detail::readString(node["expected_status"], "target.expected_status", ctx).value_or("");
  }
  const std::array<std::pair<const char*, DurationMs*>, 5> durations{{
      {"health_interval", &t.healthInterval},
      {"metrics_interval", &t.metricsInterval},
      {"health_timeout", &t.healthTimeout},
      {"metrics_timeout", &t.metricsTimeout},
      {"connect_timeout", &t.connectTimeout},
  }};
  for (auto [key, out] : durations) {
    if (node[key]) {
      *out = detail::readDuration(node[key], std::string("target.") + key, ctx).value_or(*out);
    }
  }
  if (node["ca_file"]) {
    if (auto path = detail::readString(node["ca_file"], "target.ca_file", ctx)) {
      t.caFile = detail::resolvePath(*path, ctx);
    }
  }
  if (node["insecure_skip_verify"]) {
    t.verifyTls =
        !detail::readBool(node["insecure_skip_verify"], "target.insecure_skip_verify", ctx)
             .value_or(false);
  }
  if (node["labels"]) {
    if (!node["labels"].IsMap()) {
      ctx.error(node["labels"], "target.labels", "target.labels: must be a map of strings");
      return;
    }
    std::vector<Label> labels;
    for (const auto& entry : node["labels"]) {
      const std::string name = entry.first.Scalar();
      if (auto value = detail::readString(entry.second, "target.labels." + name, ctx)) {
        labels.push_back({name, *value});
      }
    }
    t.labels = Labels::fromUnsorted(labels);
  }
}

// `type:` plus string settings (secrets allowed).
template <typename Section>
void readTyped(const YAML::Node& node, const std::string& path, Section& out, AgentConfig& config,
               ConfigContext& ctx) {
  if (!node.IsMap()) {
    ctx.error(node, path, path + ": must be a map with a `type:`");
    return;
  }
  if (!node["type"]) {
    ctx.error(node, path, path + ".type: missing");
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const std::string keyPath = path + "." + key;
    auto value = detail::readValueOrSecret(entry.second, keyPath, ctx, config.secretPaths);
    if (!value) {
      continue;
    }
    if (key == "type") {
      out.type = *value;
    } else {
      out.settings[key] = *value;
    }
  }
}

void readSwitchAndNotifiers(const YAML::Node& root, AgentConfig& config, ConfigContext& ctx) {
  if (root["switch"]) {
    readTyped(root["switch"], "switch", config.switchConfig, config, ctx);
    SystemClock clock;
    SystemRandom random;
    if (auto made = traffic::makeSwitch(config.switchConfig, clock, random); !made.ok()) {
      ctx.error(root["switch"], "switch", made.error().message);
    }
  }
  if (root["notifiers"]) {
    const YAML::Node list = root["notifiers"];
    if (!list.IsSequence()) {
      ctx.error(list, "notifiers", "notifiers: must be a list");
      return;
    }
    config.notifiers.clear();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = "notifiers." + std::to_string(i);
      notify::NotifierConfig n;
      readTyped(list[i], path, n, config, ctx);
      if (auto file = n.settings.find("state_file"); file != n.settings.end()) {
        file->second = detail::resolvePath(file->second, ctx);
      }
      // Checked without its ledger and outbox: reading a configuration must not create
      // those files, nor move a file it names aside as a corrupt ledger.
      notify::NotifierConfig withoutFiles = n;
      withoutFiles.settings.erase("state_file");
      if (auto made = notify::makeNotifier(withoutFiles); !made.ok()) {
        ctx.error(list[i], path, made.error().message);
      }
      config.notifiers.push_back(std::move(n));
    }
  }
}

// "host:port" with a port from 0 to 65535.
std::optional<std::pair<std::string, std::uint16_t>> readHostPort(const YAML::Node& node,
                                                                  const std::string& key,
                                                                  ConfigContext& ctx) {
  auto text = detail::readString(node, key, ctx);
  if (!text) {
    return std::nullopt;
  }
  const auto colon = text->rfind(':');
  long long port = -1;
  if (colon != std::string::npos && colon > 0) {
    try {
      std::size_t used = 0;
      port = std::stoll(text->substr(colon + 1), &used);
      if (used != text->size() - colon - 1) {
        port = -1;
      }
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535) {
    ctx.error(node, key, key + ": must be host:port with a port from 0 to 65535");
    return std::nullopt;
  }
  return std::pair{text->substr(0, colon), static_cast<std::uint16_t>(port)};
}

// Milliseconds since the epoch, or an RFC 3339 time.
std::optional<TimestampMs> parseSwitchedAt(const std::string& text) {
  if (!text.empty() && text.size() <= 18 &&
      text.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoll(text);
  }
  auto parsed = parseRfc3339(text);
  return parsed.ok() ? std::optional<TimestampMs>(*parsed) : std::nullopt;
}

void readPolicy(const YAML::Node& node, AgentConfig& config, ConfigContext& ctx) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  config.policyYaml = out.c_str();
  policy::PolicyConfig probe;
  if (Status s = rules::applyPolicyOverrides(probe, *config.policyYaml); !s) {
    ctx.error(node, "policy", "policy: " + s.error().message);
  }
}

// A token file usually ends in a newline (`echo t > file`, a Kubernetes Secret written by
// hand); the surrounding whitespace is never part of a bearer token, so it is dropped. A
// token with whitespace inside could never be presented in a header: refused.
void checkApiToken(const YAML::Node& node, std::optional<std::string>& token, ConfigContext& ctx) {
  if (!token) {
    return;
  }
  *token = std::string(trim(*token));
  if (token->empty()) {
    ctx.error(node, "api_token", "api_token: the secret is only whitespace");
    token.reset();
  } else if (token->find_first_of(" \t\r\n") != std::string::npos) {
    ctx.error(node, "api_token",
              "api_token: the secret contains whitespace, which a bearer token cannot carry");
    token.reset();
  }
}

void readRest(const YAML::Node& root, AgentConfig& config, ConfigContext& ctx) {
  if (const auto files = root["rule_files"]) {
    if (!files.IsSequence() || files.size() == 0) {
      ctx.error(files, "rule_files", "rule_files: must be a non-empty list of paths");
    } else {
      config.ruleFiles.clear();
      for (std::size_t i = 0; i < files.size(); ++i) {
        if (auto f = detail::readString(files[i], "rule_files." + std::to_string(i), ctx)) {
          config.ruleFiles.push_back(detail::resolvePath(*f, ctx));
        }
      }
    }
  }
  if (root["policy"]) {
    readPolicy(root["policy"], config, ctx);
  }
  if (const auto at = root["traffic_switched_at"]) {
    auto text = detail::readString(at, "traffic_switched_at", ctx);
    if (text && !(config.trafficSwitchedAt = parseSwitchedAt(*text))) {
      ctx.error(at, "traffic_switched_at",
                "traffic_switched_at: must be ms since the epoch or an RFC 3339 time such as "
                "2026-01-02T03:04:05Z");
    }
  }
  if (root["eval_interval"]) {
    config.evalInterval =
        detail::readDuration(root["eval_interval"], "eval_interval", ctx).value_or(kSecond);
  }
  if (root["listen"]) {
    if (auto listen = readHostPort(root["listen"], "listen", ctx)) {
      std::tie(config.listenAddress, config.listenPort) = *listen;
    }
  }
  if (root["probe_listen"]) {
    if (auto probe = readHostPort(root["probe_listen"], "probe_listen", ctx)) {
      config.probeListenAddress = probe->first;
      config.probeListenPort = probe->second;
    }
  }
  if (root["api_token"]) {
    if (!root["api_token"].IsMap()) {
      ctx.error(root["api_token"], "api_token",
                "api_token: must be a secret, {file: path} or {env: NAME}");
    } else {
      config.apiToken =
          detail::readValueOrSecret(root["api_token"], "api_token", ctx, config.secretPaths);
      checkApiToken(root["api_token"], config.apiToken, ctx);
    }
  }
  if (root["state_file"]) {
    config.stateFile = detail::resolvePath(
        detail::readString(root["state_file"], "state_file", ctx).value_or(""), ctx);
  }
  if (root["status_url"]) {
    config.statusUrl = detail::readString(root["status_url"], "status_url", ctx).value_or("");
  }
  if (root["dry_run"]) {
    config.dryRun = detail::readBool(root["dry_run"], "dry_run", ctx).value_or(false);
  }
  if (const auto format = root["log_format"]) {
    auto text = detail::readString(format, "log_format", ctx);
    if (text && *text != "text" && *text != "json") {
      ctx.error(format, "log_format", "log_format: must be text or json");
    }
    config.logFormat = text == "json" ? LogFormat::kJson : LogFormat::kText;
  }
  if (const auto arming = root["arming"];
      arming && detail::checkKeys(arming, kArmingKeys, "arming", ctx)) {
    if (arming["mode"]) {
      auto text = detail::readString(arming["mode"], "arming.mode", ctx);
      auto mode = text ? parseArmingMode(*text) : std::nullopt;
      if (text && !mode) {
        ctx.error(arming["mode"], "arming.mode", "arming.mode: must be auto, record or always");
      }
      config.armingMode = mode.value_or(ArmingMode::kAuto);
    }
    if (arming["interval"]) {
      config.armingInterval =
          detail::readDuration(arming["interval"], "arming.interval", ctx).value_or(kSecond);
      if (config.armingInterval <= 0) {
        ctx.error(arming["interval"], "arming.interval", "arming.interval: must be positive");
      }
    }
    if (config.armingMode == ArmingMode::kRecord &&
        std::find(kRecordSwitches.begin(), kRecordSwitches.end(), config.switchConfig.type) ==
            kRecordSwitches.end()) {
      ctx.error(arming, "arming.mode",
                "arming.mode: record needs a switch that carries the rollout record (nginx, "
                "kubernetes-ingress, gateway-httproute), not " +
                    config.switchConfig.type);
    }
  }
  if (root["action_queue"]) {
    config.actionQueueCapacity = static_cast<std::size_t>(
        detail::readInteger(root["action_queue"], "action_queue", ctx, 1, 100000).value_or(64));
  }
}

}  // namespace

Result<AgentConfig> loadConfig(std::string_view yamlText, std::string_view fileName,
                               std::span<const std::string> overrides,
                               const ConfigEnvironment& env) {
  ConfigContext ctx(std::string(fileName), env);
  AgentConfig config;
  // YAML is Unicode text, and the configuration is shown as JSON on /status: bytes that
  // are not UTF-8 are refused where they are, before anything reads them as a value.
  if (const std::size_t bad = firstInvalidUtf8(yamlText); bad != std::string_view::npos) {
    const std::string_view before = yamlText.substr(0, bad);
    const std::size_t lineStart = before.rfind('\n');
    const auto line = std::count(before.begin(), before.end(), '\n') + 1;
    const std::size_t column = bad - (lineStart == std::string_view::npos ? 0 : lineStart + 1) + 1;
    return Error(ErrorCode::kInvalidInput, std::string(fileName) + ":" + std::to_string(line) +
                                               ":" + std::to_string(column) + ": not valid UTF-8");
  }
  for (const std::string& entry : overrides) {
    if (!isValidUtf8(entry)) {
      return Error(ErrorCode::kInvalidInput, "--set: not valid UTF-8");
    }
  }
  try {
    YAML::Node root = YAML::Load(std::string(yamlText));
    ctx.setOverridden(detail::applyOverrides(root, overrides, ctx));
    if (detail::checkKeys(root, kTopKeys, "", ctx)) {
      readTarget(root["target"], config, ctx);
      readSwitchAndNotifiers(root, config, ctx);
      readRest(root, config, ctx);
      detail::readSources(root, config, ctx);
      detail::readLeaderElection(root, config, ctx);
      detail::readBaseline(root, config, ctx);
    }
  } catch (const YAML::Exception& e) {
    ctx.error(std::string(fileName) + ":" + std::to_string(e.mark.line + 1) + ":" +
                  std::to_string(e.mark.column + 1),
              e.msg);
  } catch (const std::exception& e) {
    ctx.error(std::string(fileName), e.what());
  }
  if (config.dryRun) {
    config.switchConfig = traffic::SwitchConfig{};
  }
  if (!ctx.errors().empty()) {
    std::string message;
    for (const auto& e : ctx.errors()) {
      message += (message.empty() ? "" : "\n") + e;
    }
    return Error(ErrorCode::kInvalidInput, message);
  }
  return config;
}

ConfigEnvironment systemEnvironment(std::string baseDir) {
  ConfigEnvironment env;
  env.baseDir = std::move(baseDir);
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
  };
  env.readFile = [](const std::string& path) -> Result<std::string> {
    auto text = readFile(path, kMaxSecretBytes);
    if (!text.ok()) {
      return text.error();
    }
    std::string value = std::move(text).value();
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
      value.pop_back();
    }
    return value;
  };
  return env;
}

Result<AgentConfig> loadConfigFile(const std::string& path,
                                   std::span<const std::string> overrides) {
  auto text = readFile(path, kMaxConfigBytes);
  if (!text.ok()) {
    return text.error();
  }
  const auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
  return loadConfig(*text, path, overrides, systemEnvironment(dir.empty() ? "." : dir));
}

}  // namespace nova::daemon
