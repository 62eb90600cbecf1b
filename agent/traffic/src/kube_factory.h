#pragma once

#include <span>
#include <string_view>

#include "nova/traffic/switch.h"

namespace nova::traffic::detail {

/// "kubernetes-ingress", "gateway-httproute", "ingress-nginx-canary".
std::span<const std::string_view> kubeSwitchTypes();

/// Builds one of the Kubernetes switches from its settings (see kube_factory.cpp for the
/// keys), behind the blue guard when `blue_deployment` or `blue_health_url` is set. Errors name the
/// type and the missing, unknown or malformed setting, or the cluster configuration that failed.
Result<SwitchPtr> makeKubeSwitch(const SwitchConfig& config, const Clock& clock, Random& random);

}  // namespace nova::traffic::detail
