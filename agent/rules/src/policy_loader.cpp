#include <yaml-cpp/yaml.h>

#include <array>
#include <string>

#include "nova/rules/detail/fields.h"
#include "nova/rules/detail/rule_loader.h"

namespace nova::rules::detail {
namespace {

constexpr std::array<std::string_view, 8> kPolicyKeys{
    "critical", "high", "medium", "low", "unknown", "rollback_window", "recovery", "cool_down"};
constexpr std::array<std::string_view, 3> kSeverityKeys{"action", "investigate", "then"};
constexpr std::array<std::string_view, 6> kUnknownCosts{"ok",     "own",  "low",
                                                        "medium", "high", "critical"};

std::optional<policy::Action> readAction(const YAML::Node& node, std::string_view field,
                                         LoadContext& ctx) {
  auto text = readString(node, field, ctx);
  if (!text) {
    return std::nullopt;
  }
  auto action = policy::parseAction(*text);
  if (!action) {
    ctx.error(node, std::string(field) + ": " +
                        unknownNameMessage("action", *text, policy::actionNames()));
  }
  return action;
}

// `high: {action: page, investigate: 5m, then: rollback}`; absent fields keep the default.
void readSeverityPolicy(const YAML::Node& node, const std::string& field,
                        policy::SeverityPolicy& out, LoadContext& ctx) {
  if (!checkKeys(node, kSeverityKeys, field, ctx)) {
    return;
  }
  if (node["action"]) {
    out.action = readAction(node["action"], field + ".action", ctx).value_or(out.action);
  }
  if (node["investigate"]) {
    out.investigate =
        readDuration(node["investigate"], field + ".investigate", ctx).value_or(out.investigate);
  }
  if (node["then"]) {
    out.afterInvestigation =
        readAction(node["then"], field + ".then", ctx).value_or(out.afterInvestigation);
  }
  if (node["investigate"] && !node["then"] && out.afterInvestigation == policy::Action::kNone) {
    ctx.error(node["investigate"],
              field + ".investigate needs `then:` (the action when still breaching after it)");
  }
  if (out.afterInvestigation == policy::Action::kMonitor) {
    ctx.error(node["then"] ? node["then"] : node,
              field + ".then: monitor would do nothing; use notify, page or rollback");
  }
}

}  // namespace

policy::PolicyConfig loadPolicy(const YAML::Node& node, LoadContext& ctx,
                                policy::PolicyConfig base) {
  policy::PolicyConfig config = std::move(base);
  if (!checkKeys(node, kPolicyKeys, "policy", ctx)) {
    return config;
  }
  const std::array<std::pair<const char*, policy::SeverityPolicy*>, 4> severities{{
      {"critical", &config.critical},
      {"high", &config.high},
      {"medium", &config.medium},
      {"low", &config.low},
  }};
  for (const auto& [name, target] : severities) {
    if (node[name]) {
      readSeverityPolicy(node[name], std::string("policy.") + name, *target, ctx);
    }
  }
  if (node["unknown"]) {
    if (auto text = readString(node["unknown"], "policy.unknown", ctx)) {
      if (auto cost = policy::parseUnknownCost(*text)) {
        config.unknown = *cost;
      } else {
        ctx.error(node["unknown"],
                  "policy.unknown: " + unknownNameMessage("cost", *text, kUnknownCosts));
      }
    }
  }
  const std::array<std::pair<const char*, DurationMs*>, 3> durations{{
      {"rollback_window", &config.rollbackWindow},
      {"recovery", &config.recovery},
      {"cool_down", &config.coolDown},
  }};
  for (const auto& [name, target] : durations) {
    if (node[name]) {
      *target = readDuration(node[name], std::string("policy.") + name, ctx).value_or(*target);
    }
  }
  return config;
}

}  // namespace nova::rules::detail

namespace nova::rules {

Status applyPolicyOverrides(policy::PolicyConfig& config, std::string_view policyYaml) {
  detail::LoadContext ctx(policyYaml, "policy");
  try {
    config = detail::loadPolicy(YAML::Load(std::string(policyYaml)), ctx, config);
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInvalidInput, e.what());
  }
  auto problems = ctx.takeDiagnostics();
  if (!problems.empty()) {
    return Error(ErrorCode::kInvalidInput, problems.front().toString());
  }
  return policy::validate(config);
}

}  // namespace nova::rules
