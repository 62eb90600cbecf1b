#include <array>

#include "kube_factory.h"
#include "nova/core/suggest.h"
#include "nova/traffic/blue_guard.h"
#include "nova/traffic/dry_run_switch.h"
#include "nova/traffic/nginx_switch.h"
#include "nova/traffic/switch.h"

namespace nova::traffic {
namespace {

constexpr std::array<std::string_view, 5> kTypes{"dry-run", "nginx", "kubernetes-ingress",
                                                 "gateway-httproute", "ingress-nginx-canary"};

}  // namespace

std::string_view toString(TrafficState::Backend backend) {
  switch (backend) {
    case TrafficState::Backend::kGreen:
      return "green";
    case TrafficState::Backend::kBlue:
      return "blue";
    case TrafficState::Backend::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view toString(SwitchOutcome::Kind kind) {
  switch (kind) {
    case SwitchOutcome::Kind::kFlipped:
      return "flipped";
    case SwitchOutcome::Kind::kAlreadyBlue:
      return "already_blue";
    case SwitchOutcome::Kind::kImpossible:
      break;
  }
  return "impossible";
}

std::span<const std::string_view> switchTypes() {
  return kTypes;
}

Result<SwitchPtr> makeSwitch(const SwitchConfig& config, const Clock& clock, Random& random) {
  if (config.type == "dry-run") {
    std::string target = "traffic";
    for (const auto& [key, value] : config.settings) {
      if (key != "target") {
        return Error(ErrorCode::kInvalidInput,
                     "switch: dry-run has no setting \"" + key + "\" (known: target)");
      }
      target = value;
    }
    return SwitchPtr(std::make_unique<DryRunSwitch>(std::move(target)));
  }
  if (config.type == "nginx") {
    auto options = parseNginxSettings(config.settings);
    if (!options.ok()) {
      return options.error();
    }
    // Blue's health is checked by the same guard as in front of every backend.
    BlueGuard guard(nullptr,
                    BlueHealthCheck{options->blueHealthUrl, "healthy", options->healthTimeout});
    return guarded(std::make_unique<NginxSwitch>(std::move(options).value(), clock),
                   std::move(guard));
  }
  for (std::string_view kube : detail::kubeSwitchTypes()) {
    if (config.type == kube) {
      return detail::makeKubeSwitch(config, clock, random);
    }
  }
  std::string message = "switch: unknown type \"" + config.type + "\"";
  if (auto hint = closestMatch(config.type, kTypes)) {
    message += "; did you mean \"" + *hint + "\"?";
  }
  std::string known;
  for (auto type : kTypes) {
    known += (known.empty() ? "" : ", ") + std::string(type);
  }
  return Error(ErrorCode::kInvalidInput, message + " (known: " + known + ")");
}

}  // namespace nova::traffic
