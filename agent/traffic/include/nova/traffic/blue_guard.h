#pragma once

#include <memory>
#include <string>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/traffic/switch.h"

namespace nova::traffic {

/// What the guard found: blue can take traffic, or why not.
struct GuardVerdict {
  bool ready = false;
  std::string detail;
};

/// Makes blue able to take traffic before a flip, bounded: for Kubernetes, scale its
/// Deployment up and wait until enough replicas are ready (KubeBlueReadiness). Idempotent,
/// so a rollback that crashed half way finds blue ready and goes straight on.
class BlueReadiness {
 public:
  virtual ~BlueReadiness() = default;
  /// ready=false with "blue not ready: ..." when the flip must not happen (a person must
  /// act); an Error for transient failures worth a retry.
  virtual Result<GuardVerdict> ensureReady() = 0;
};

/// Blue's own health endpoint: it passes on HTTP 200 with a JSON object whose "status"
/// equals `expectedStatus`, as the agent's prober judges green.
struct BlueHealthCheck {
  /// "" checks nothing.
  std::string url;
  std::string expectedStatus = "healthy";
  /// Bound on the whole check, in ms.
  DurationMs timeout = 2 * kSecond;
};

/// The one guard in front of every switch backend: blue's readiness (when there is any to
/// ensure), then blue's health check (when configured), before traffic moves to blue.
/// Every step is bounded by its own timeout.
class BlueGuard {
 public:
  /// `readiness` may be null (nothing to scale: nginx, or no Deployment configured).
  BlueGuard(std::unique_ptr<BlueReadiness> readiness, BlueHealthCheck health);
  ~BlueGuard();
  BlueGuard(BlueGuard&&) noexcept;
  BlueGuard& operator=(BlueGuard&&) noexcept;

  /// False when the guard would check nothing.
  bool checksAnything() const;

  /// ready=false with "blue not ready: ..." or "blue unhealthy: ..." when the flip must not
  /// happen; an Error (with the code of the failed call) for transient failures.
  Result<GuardVerdict> check();

 private:
  std::unique_ptr<BlueReadiness> readiness_;
  BlueHealthCheck health_;
};

/// Runs the guard before the inner switch flips; a refused guard is kImpossible (the agent
/// raises it as CRITICAL "rollback impossible: blue unhealthy: ..."). When the inner switch
/// already reads blue, nothing moves towards blue, so the guard is skipped and the inner
/// switch answers (kAlreadyBlue, or its own repair of an unfinished flip). A transient
/// failure to read where traffic is comes back as that error, for the agent to retry.
class GuardedSwitch final : public Switch {
 public:
  GuardedSwitch(SwitchPtr inner, BlueGuard guard);

  Result<SwitchOutcome> rollback(const RollbackRequest& request) override;
  Result<TrafficState> current() override;

 private:
  SwitchPtr inner_;
  BlueGuard guard_;
};

/// `inner` behind `guard`, or `inner` alone when the guard checks nothing. What the factory
/// does for every backend.
SwitchPtr guarded(SwitchPtr inner, BlueGuard guard);

}  // namespace nova::traffic
