#pragma once

#include <optional>
#include <string>

#include "nova/traffic/kube_object_switch.h"

namespace nova::traffic {

/// Type "kubernetes-ingress": the runbook's `kubectl patch ingress` done safely.
struct IngressSwitchSettings {
  std::string greenService;
  std::string blueService;
  /// Which backend: spec.rules[rule].http.paths[path].backend.service.
  int rule = 0;
  int path = 0;
  /// When set, the backend's port is replaced too: a number ("8080") or a port name.
  std::string bluePort;
};

/// Points one Ingress backend at blue: a JSON patch that tests the service name is green,
/// replaces it with blue (and the port when configured) and annotates the rollback.
class KubeIngressSwitch final : public KubeObjectSwitch {
 public:
  KubeIngressSwitch(std::unique_ptr<kube::Client> client, KubeTarget target,
                    IngressSwitchSettings settings);

  /// "/spec/rules/<rule>/http/paths/<path>/backend/service".
  std::string servicePointer() const;

  /// Tests the service name is blue and sets it to green (the port is left as it is).
  Result<std::vector<BackendMove>> greenMoves(const boost::json::value& object) const override;

 protected:
  Result<TrafficState> classify(const boost::json::value& object) const override;
  boost::json::array flipOps(const boost::json::value& object) const override;

 private:
  IngressSwitchSettings settings_;
};

}  // namespace nova::traffic
