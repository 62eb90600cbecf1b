#pragma once

#include <cstdint>
#include <string>

#include "nova/traffic/kube_object_switch.h"

namespace nova::traffic {

/// Type "gateway-httproute": Gateway API weights.
struct HttpRouteSwitchSettings {
  std::string greenService;
  std::string blueService;
  /// Which rule of spec.rules holds both backendRefs.
  int rule = 0;
  /// The weights after the rollback; 100/0 moves everything, 75/25 is a staged rollback.
  std::int64_t blueWeight = 100;
  std::int64_t greenWeight = 0;
};

/// Sets the blue and green backendRef weights of one HTTPRoute rule. The patch tests the
/// whole backendRefs list as read (names, order and weights; an absent weight means 1), so
/// any concurrent change makes it fail and be judged again. Traffic counts as on blue when
/// green's weight is 0 or the weights equal the configured target.
class KubeHttpRouteSwitch final : public KubeObjectSwitch {
 public:
  KubeHttpRouteSwitch(std::unique_ptr<kube::Client> client, KubeTarget target,
                      HttpRouteSwitchSettings settings);

  /// Green's weight to 100 and blue's to 0, testing the whole backendRefs list as read.
  Result<std::vector<BackendMove>> greenMoves(const boost::json::value& object) const override;

 protected:
  Result<TrafficState> classify(const boost::json::value& object) const override;
  boost::json::array flipOps(const boost::json::value& object) const override;
  /// green / (blue + green) in percent, rounded down.
  Result<GreenWeight> weightIn(const boost::json::value& object) const override;
  /// Blue 100 - weight, green weight, testing the whole backendRefs list as read.
  Result<boost::json::array> weightOps(const boost::json::value& object,
                                       std::int64_t weight) const override;

 private:
  /// The backendRefs list as read and with green at `greenWeight` (blue at the rest of 100).
  Result<BackendMove> weightMove(const boost::json::value& object, std::int64_t greenWeight) const;

  HttpRouteSwitchSettings settings_;
};

}  // namespace nova::traffic
