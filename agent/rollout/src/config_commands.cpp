#include <algorithm>
#include <array>
#include <vector>

#include "config_sections.h"

namespace nova::rollout::detail {
namespace {

constexpr std::array<std::string_view, 7> kCommandKeys{
    "command", "shell", "timeout", "env", "working_dir", "expect_exit", "expect_output"};

std::vector<std::string_view> withExtra(std::span<const std::string_view> extra) {
  std::vector<std::string_view> keys(kCommandKeys.begin(), kCommandKeys.end());
  keys.insert(keys.end(), extra.begin(), extra.end());
  return keys;
}

bool validName(const std::string& name) {
  return !name.empty() && name.size() <= 63 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

void readArgv(const YAML::Node& command, const std::string& path, bool shell, ConfigReader& reader,
              CommandSpec& spec) {
  if (command.IsScalar()) {
    if (!shell) {
      reader.error(command, path,
                   "a command line runs only with shell: true; give a list of arguments to run "
                   "it without a shell");
      return;
    }
    spec.shellLine = command.Scalar();
    if (spec.shellLine.empty()) {
      reader.error(command, path, "must not be empty");
    }
    return;
  }
  if (!command.IsSequence() || command.size() == 0) {
    reader.error(command, path, "must be a non-empty list of arguments");
    return;
  }
  if (shell) {
    reader.error(command, path, "with shell: true, give the command as one line");
    return;
  }
  const Names variables = rolloutVariables();
  for (std::size_t i = 0; i < command.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    if (auto arg = reader.text(command[i], at)) {
      reader.checkVariables(command[i], at, *arg, variables);
      spec.argv.push_back(*arg);
    }
  }
}

void requireUniqueName(const YAML::Node& node, const std::string& path, const std::string& name,
                       std::set<std::string>& seen, ConfigReader& reader) {
  if (!validName(name)) {
    reader.error(node, path, "\"" + name + "\" must be 1-63 letters, digits, '-', '_' or '.'");
  } else if (!seen.insert(name).second) {
    reader.error(node, path, "duplicate name \"" + name + "\"");
  }
}

}  // namespace

Names rolloutVariables() {
  const auto names = hookVariableNames();
  return Names(names.begin(), names.end());
}

std::optional<CommandSpec> readCommand(const YAML::Node& node, const std::string& path,
                                       ConfigReader& reader, DurationMs defaultTimeout,
                                       std::span<const std::string_view> extra) {
  const std::vector<std::string_view> keys = withExtra(extra);
  if (!reader.mapping(node, path, keys)) {
    return std::nullopt;
  }
  CommandSpec spec;
  spec.timeout = defaultTimeout;
  if (const YAML::Node shell = node["shell"]) {
    spec.shell = reader.boolean(shell, path + ".shell").value_or(false);
  }
  if (const YAML::Node command = reader.required(node, "command", path)) {
    readArgv(command, path + ".command", spec.shell, reader, spec);
  }
  if (const YAML::Node timeout = node["timeout"]) {
    spec.timeout = reader.duration(timeout, path + ".timeout").value_or(defaultTimeout);
  }
  if (const YAML::Node env = node["env"]) {
    spec.env = reader.stringMap(env, path + ".env").value_or(spec.env);
  }
  if (const YAML::Node dir = node["working_dir"]) {
    spec.workingDir = reader.resolve(reader.nonEmpty(dir, path + ".working_dir").value_or(""));
  }
  if (const YAML::Node exit = node["expect_exit"]) {
    spec.expectExit =
        static_cast<int>(reader.integer(exit, path + ".expect_exit", 0, 255).value_or(0));
  }
  if (const YAML::Node output = node["expect_output"]) {
    spec.expectOutput = reader.pattern(output, path + ".expect_output").value_or("");
  }
  return spec;
}

void readPreflightChecks(const YAML::Node& node, const std::string& path, ConfigReader& reader,
                         RolloutConfig& config) {
  if (!node.IsSequence()) {
    reader.error(node, path, "must be a list of checks");
    return;
  }
  static constexpr std::array<std::string_view, 1> kExtra{"name"};
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    auto command = readCommand(node[i], at, reader, 2 * kMinute, kExtra);
    if (!command) {
      continue;
    }
    const YAML::Node name = reader.required(node[i], "name", at);
    const std::string text = name ? reader.text(name, at + ".name").value_or("") : "";
    if (name) {
      requireUniqueName(name, at + ".name", text, seen, reader);
      const auto& builtIn = kBuiltInPreflightChecks;
      if (std::find(std::begin(builtIn), std::end(builtIn), text) != std::end(builtIn)) {
        reader.error(name, at + ".name", "\"" + text + "\" is the name of a built-in check");
      }
    }
    config.preflight.push_back(PreflightCheck{text, std::move(*command)});
  }
}

void readSnapshot(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  static constexpr std::array<std::string_view, 7> kKeys{
      "id", "start", "poll", "interval", "done_output", "failed_output", "timeout"};
  if (!reader.mapping(node, "snapshot", kKeys)) {
    return;
  }
  SnapshotSpec spec;
  if (const YAML::Node id = node["id"]) {
    spec.idTemplate = reader.nonEmpty(id, "snapshot.id").value_or(spec.idTemplate);
    reader.checkVariables(id, "snapshot.id", spec.idTemplate, rolloutVariables());
  }
  if (const YAML::Node start = reader.required(node, "start", "snapshot")) {
    spec.start = readCommand(start, "snapshot.start", reader, 5 * kMinute).value_or(CommandSpec{});
  }
  if (const YAML::Node poll = node["poll"]) {
    spec.poll = readCommand(poll, "snapshot.poll", reader, kMinute);
  }
  if (const YAML::Node interval = node["interval"]) {
    spec.interval = reader.duration(interval, "snapshot.interval").value_or(spec.interval);
  }
  if (const YAML::Node done = node["done_output"]) {
    spec.doneOutput = reader.pattern(done, "snapshot.done_output").value_or(spec.doneOutput);
  }
  if (const YAML::Node failed = node["failed_output"]) {
    spec.failedOutput = reader.pattern(failed, "snapshot.failed_output").value_or("");
  }
  if (const YAML::Node timeout = node["timeout"]) {
    spec.timeout = reader.duration(timeout, "snapshot.timeout").value_or(spec.timeout);
  }
  config.snapshot = std::move(spec);
}

void readDeploy(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  static constexpr std::array<std::string_view, 2> kKeys{"hook", "kubernetes"};
  if (!reader.mapping(node, "deploy", kKeys)) {
    return;
  }
  const YAML::Node hook = node["hook"];
  const YAML::Node kube = node["kubernetes"];
  if (static_cast<bool>(hook) == static_cast<bool>(kube)) {
    reader.error(node, "deploy", "give exactly one of hook and kubernetes");
    return;
  }
  DeploySpec& spec = config.deploy;
  if (hook) {
    spec.kind = DeploySpec::Kind::kHook;
    spec.hook = readCommand(hook, "deploy.hook", reader, 10 * kMinute).value_or(CommandSpec{});
    return;
  }
  static constexpr std::array<std::string_view, 5> kKube{"namespace", "deployment", "container",
                                                         "image", "timeout"};
  if (!reader.mapping(kube, "deploy.kubernetes", kKube)) {
    return;
  }
  spec.kind = DeploySpec::Kind::kKubernetes;
  for (auto [key, field] :
       {std::pair{"namespace", &spec.ns}, std::pair{"deployment", &spec.deployment},
        std::pair{"container", &spec.container}, std::pair{"image", &spec.image}}) {
    if (const YAML::Node value = reader.required(kube, key, "deploy.kubernetes")) {
      *field = reader.nonEmpty(value, std::string("deploy.kubernetes.") + key).value_or("");
    }
  }
  if (const YAML::Node image = kube["image"]) {
    reader.checkVariables(image, "deploy.kubernetes.image", spec.image, rolloutVariables());
  }
  if (const YAML::Node timeout = kube["timeout"]) {
    spec.timeout = reader.duration(timeout, "deploy.kubernetes.timeout").value_or(spec.timeout);
  }
}

void readBlue(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  static constexpr std::array<std::string_view, 4> kKeys{"namespace", "deployment",
                                                         "scale_down_delay", "hook"};
  if (!reader.mapping(node, "blue", kKeys)) {
    return;
  }
  BlueSpec& blue = config.blue;
  const YAML::Node hook = node["hook"];
  if (hook) {
    blue.scaleDownHook = readCommand(hook, "blue.hook", reader, 5 * kMinute);
  }
  // On Kubernetes blue is named; with a hook (plain hosts) the names are optional.
  for (auto [key, field] :
       {std::pair{"namespace", &blue.ns}, std::pair{"deployment", &blue.deployment}}) {
    if (const YAML::Node value = hook ? node[key] : reader.required(node, key, "blue")) {
      *field = reader.nonEmpty(value, std::string("blue.") + key).value_or("");
    }
  }
  if (const YAML::Node delay = node["scale_down_delay"]) {
    blue.scaleDownDelay =
        reader.duration(delay, "blue.scale_down_delay", true).value_or(blue.scaleDownDelay);
  }
}

}  // namespace nova::rollout::detail
