#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "nova/core/clock.h"
#include "nova/core/time.h"
#include "nova/kube/client.h"
#include "nova/traffic/blue_guard.h"

namespace nova::traffic {

/// The blue Deployment that must be able to take the traffic back.
struct KubeReadinessSettings {
  std::string ns;
  std::string deployment;
  /// Fewer ready replicas than this (status.readyReplicas; absent = 0) means blue must be
  /// scaled up first; the runbook scales blue to 0 after monitoring.
  std::int64_t minReady = 1;
  /// spec.replicas to scale to; at least minReady (the runbook uses 3).
  std::int64_t replicas = 1;
  /// How long to wait for the replicas to become ready, and how often to look (ms).
  DurationMs readyTimeout = 2 * kMinute;
  DurationMs pollInterval = 500;
};

/// Blue's readiness on Kubernetes: scales the Deployment up through the scale subresource
/// when too few replicas are ready, then waits (bounded, on the Clock) until they are.
/// 403 and 404 on the Deployment are verdicts (a person must act), not errors.
class KubeBlueReadiness final : public BlueReadiness {
 public:
  /// `clock` times the bounded wait and the pauses between polls; it must outlive this.
  KubeBlueReadiness(std::unique_ptr<kube::Client> client, KubeReadinessSettings settings,
                    const Clock& clock);
  ~KubeBlueReadiness() override;

  Result<GuardVerdict> ensureReady() override;

 private:
  Result<std::int64_t> readyReplicas(GuardVerdict& refused);
  /// Raises spec.replicas to what the settings want when it is lower.
  Result<GuardVerdict> scaleUp(std::int64_t ready);

  std::unique_ptr<kube::Client> client_;
  KubeReadinessSettings settings_;
  const Clock& clock_;
};

}  // namespace nova::traffic
