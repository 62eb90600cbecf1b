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

  /// The forward move: canary on and canary-weight "100", testing both annotations as read.
  /// kInvalidInput when either annotation is absent (the canary Ingress is created with
  /// canary: "true" and canary-weight: "0").
  Result<std::vector<BackendMove>> greenMoves(const boost::json::value& object) const override;

 protected:
  Result<TrafficState> classify(const boost::json::value& object) const override;
  boost::json::array flipOps(const boost::json::value& object) const override;
  /// 0 when the canary is off, else canary-weight (absent: 0).
  Result<GreenWeight> weightIn(const boost::json::value& object) const override;
  /// canary "true" and canary-weight as a string, testing the canary's resourceVersion
  /// and both annotations as read.
  Result<boost::json::array> weightOps(const boost::json::value& object,
                                       std::int64_t weight) const override;

 private:
  CanarySwitchSettings settings_;
};

}  // namespace nova::traffic
