#pragma once

#include <cstdint>

#include "nova/traffic/kube_object_switch.h"

namespace nova::traffic {

/// Type "ingress-nginx-canary": the canary Ingress (the one with
/// nginx.ingress.kubernetes.io/canary: "true") sends green its share of traffic.
struct CanarySwitchSettings {
  /// canary-weight after the rollback: 0 sends nothing to green, 25 is the runbook's staged
  /// rollback.
  std::int64_t weight = 0;
  /// Also turn the canary off (canary: "false"), which ingress-nginx honours at once.
  bool disable = false;
};

/// Lowers the canary weight (or turns the canary off) with a JSON patch that tests the
/// annotation values as read. Traffic counts as on blue when the canary is off or its weight
/// is at most the target.
class KubeCanarySwitch final : public KubeObjectSwitch {
 public:
  KubeCanarySwitch(std::unique_ptr<kube::Client> client, KubeTarget target,
                   CanarySwitchSettings settings);

 protected:
  Result<TrafficState> classify(const boost::json::value& object) const override;
  boost::json::array flipOps(const boost::json::value& object) const override;

 private:
  CanarySwitchSettings settings_;
};

}  // namespace nova::traffic
