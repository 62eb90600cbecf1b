#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "nova/core/clock.h"
#include "nova/core/time.h"
#include "nova/kube/client.h"
#include "nova/traffic/switch.h"

namespace nova::traffic {

/// The blue Deployment that must be able to take the traffic back.
struct BlueGuardSettings {
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
  /// Blue's own health endpoint; "" skips the check. It passes on HTTP 200 with a JSON
  /// object whose "status" equals healthStatus, as the agent's prober judges green.
  std::string healthUrl;
  std::string healthStatus = "healthy";
  DurationMs healthTimeout = 2 * kSecond;
};

/// What the guard found: blue can take traffic, or why not.
struct GuardVerdict {
  bool ready = false;
  std::string detail;
};

/// Makes sure blue can take traffic before a flip: scales it up through the scale
/// subresource when too few replicas are ready, waits (bounded) until they are, then checks
/// blue's health URL. Idempotent, so a rollback that crashed after scaling finds blue ready
/// and goes straight on.
class BlueGuard {
 public:
  /// `clock` times the bounded wait and the pauses between polls; it must outlive the guard.
  BlueGuard(std::unique_ptr<kube::Client> client, BlueGuardSettings settings, const Clock& clock);
  ~BlueGuard();

  /// ready=false with "blue not ready: ..." or "blue unhealthy: ..." when the flip must not
  /// happen; an Error for transient API failures worth a retry. 403 and 404 on the
  /// Deployment are verdicts (a person must act), not errors.
  Result<GuardVerdict> ensureReady();

 private:
  Result<std::int64_t> readyReplicas(GuardVerdict& refused);
  std::string checkHealth();

  std::unique_ptr<kube::Client> client_;
  BlueGuardSettings settings_;
  const Clock& clock_;
};

/// Runs the guard before the inner switch's rollback; a refused guard is kImpossible (the
/// agent raises it as CRITICAL "rollback impossible: blue unhealthy: ...").
class GuardedSwitch final : public Switch {
 public:
  GuardedSwitch(SwitchPtr inner, std::unique_ptr<BlueGuard> guard);

  Result<SwitchOutcome> rollback(const RollbackRequest& request) override;
  Result<TrafficState> current() override;

 private:
  SwitchPtr inner_;
  std::unique_ptr<BlueGuard> guard_;
};

}  // namespace nova::traffic
