#include "nova/policy/config.h"

#include <array>

namespace nova::policy {
namespace {

constexpr std::array<std::string_view, 5> kActionNames{"none", "monitor", "notify", "page",
                                                       "rollback"};

Status checkSeverity(const SeverityPolicy& policy, std::string_view name) {
  const std::string field = "policy." + std::string(name);
  if (policy.investigate < 0) {
    return Error(ErrorCode::kInvalidInput, field + ".investigate: must not be negative");
  }
  if (policy.afterInvestigation == Action::kMonitor) {
    return Error(ErrorCode::kInvalidInput,
                 field +
                     ".afterInvestigation: \"monitor\" after an investigation does nothing; use "
                     "notify, page, rollback or none");
  }
  if (policy.investigate > 0 && policy.afterInvestigation == Action::kNone) {
    return Error(ErrorCode::kInvalidInput,
                 field +
                     ".investigate: an investigation window needs an afterInvestigation "
                     "action");
  }
  return {};
}

}  // namespace

std::string_view toString(Action action) {
  const auto index = static_cast<std::size_t>(action);
  return index < kActionNames.size() ? kActionNames[index] : "none";
}

std::optional<Action> parseAction(std::string_view text) {
  for (std::size_t i = 0; i < kActionNames.size(); ++i) {
    if (text == kActionNames[i]) {
      return static_cast<Action>(i);
    }
  }
  return std::nullopt;
}

std::span<const std::string_view> actionNames() {
  return kActionNames;
}

std::string toString(const UnknownCost& cost) {
  switch (cost.kind) {
    case UnknownCost::Kind::kOk:
      return "ok";
    case UnknownCost::Kind::kOwnSeverity:
      return "own";
    case UnknownCost::Kind::kFixedSeverity:
      return std::string(toString(cost.severity));
  }
  return "ok";
}

std::optional<UnknownCost> parseUnknownCost(std::string_view text) {
  if (text == "ok") {
    return UnknownCost{UnknownCost::Kind::kOk, Severity::kNone};
  }
  if (text == "own") {
    return UnknownCost{UnknownCost::Kind::kOwnSeverity, Severity::kNone};
  }
  if (const auto severity = parseSeverity(text)) {
    return UnknownCost{UnknownCost::Kind::kFixedSeverity, *severity};
  }
  return std::nullopt;
}

const SeverityPolicy& PolicyConfig::forSeverity(Severity severity) const {
  static constexpr SeverityPolicy kIgnored{};
  switch (severity) {
    case Severity::kCritical:
      return critical;
    case Severity::kHigh:
      return high;
    case Severity::kMedium:
      return medium;
    case Severity::kLow:
      return low;
    case Severity::kNone:
      break;
  }
  return kIgnored;
}

Status validate(const PolicyConfig& config) {
  const std::array<std::pair<const SeverityPolicy*, std::string_view>, 4> levels{{
      {&config.critical, "critical"},
      {&config.high, "high"},
      {&config.medium, "medium"},
      {&config.low, "low"},
  }};
  for (const auto& [policy, name] : levels) {
    if (Status status = checkSeverity(*policy, name); !status) {
      return status;
    }
  }
  if (config.unknown.kind == UnknownCost::Kind::kFixedSeverity &&
      config.unknown.severity == Severity::kNone) {
    return Error(ErrorCode::kInvalidInput,
                 "policy.unknown: a fixed cost needs a severity (low, medium, high, critical)");
  }
  const std::array<std::pair<DurationMs, std::string_view>, 3> durations{{
      {config.rollbackWindow, "rollbackWindow"},
      {config.recovery, "recovery"},
      {config.coolDown, "coolDown"},
  }};
  for (const auto& [value, name] : durations) {
    if (value < 0) {
      return Error(ErrorCode::kInvalidInput,
                   "policy." + std::string(name) + ": must not be negative");
    }
  }
  return {};
}

}  // namespace nova::policy
