#pragma once

#include <memory>

#include "nova/rollout/traffic_object.h"
#include "nova/traffic/kube_object_switch.h"

namespace nova::rollout {

/// The Ingress (or another Kubernetes switch object) as the rollout's traffic object: the
/// record and lease are annotations, every write is one JSON patch with tests, and the
/// switch to green moves the backend and writes the record in the same patch.
class KubeTrafficObject final : public TrafficObject {
 public:
  KubeTrafficObject(std::unique_ptr<traffic::KubeObjectSwitch> sw, BlueSpec blue)
      : sw_(std::move(sw)), blue_(std::move(blue)) {}

  Result<TrafficRead> read() override;
  Status apply(const TrafficRead& read, const RecordPatch& patch) override;
  Result<std::string> switchToGreen(const TrafficRead& read, const Record& next,
                                    const Lease& held) override;
  std::string backup(const TrafficRead& read) const override;
  std::string describe() const override { return sw_->name(); }
  std::optional<std::int64_t> blueReady() override;
  Result<BlueBefore> blueBefore() override;
  Status scaleBlue(std::int64_t replicas) override;
  traffic::WeightedSwitch& weights() override { return *sw_; }
  Result<std::string> planToBlue() override { return sw_->planFlip(); }
  Status scaleDeployment(const std::string& ns, const std::string& deployment,
                         std::int64_t replicas) override;
  Result<std::int64_t> deploymentPods(const std::string& ns,
                                      const std::string& deployment) override;
  kube::Client* cluster() override { return &sw_->client(); }

 private:
  std::string blueNamespace() const { return blue_.ns.empty() ? sw_->ref().ns : blue_.ns; }

  std::unique_ptr<traffic::KubeObjectSwitch> sw_;
  BlueSpec blue_;
};

}  // namespace nova::rollout
