#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <string>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/rollout/config.h"
#include "nova/rollout/stop.h"

namespace nova::kube {
class Client;
}

namespace nova::rollout {

/// Where a Deployment's rollout stands, judged as `kubectl rollout status` does
/// (specs/kubernetes.md §8): generation not yet observed: waiting; Progressing with reason
/// ProgressDeadlineExceeded: failed; updatedReplicas below spec.replicas (default 1), old
/// pods still counted in status.replicas, or availableReplicas below updatedReplicas:
/// waiting; otherwise done. Absent counts are 0.
struct RolloutState {
  enum class Kind { kWaiting, kDone, kFailed };
  Kind kind = Kind::kWaiting;
  /// "2 of 3 updated, 1 available", or the condition's message when it failed.
  std::string detail;
};
RolloutState judgeRollout(const boost::json::value& deployment);

/// The JSON patch (RFC 6902) that sets `container`'s image to `image` in `deployment` as
/// read: a test of the container's name at its index, then the replace, so a reordered
/// list fails (422) instead of changing another container. nullopt when the image is
/// already set (nothing to patch: a resumed run does not patch twice); kNotFound when the
/// Deployment has no such container.
Result<std::optional<boost::json::array>> imagePatch(const boost::json::value& deployment,
                                                     const std::string& container,
                                                     const std::string& image);

/// Runs `use` with the cluster's client, serialised with every other user of it (the
/// lease's renewals); false when there is no cluster (the traffic object is not on
/// Kubernetes).
using WithCluster = std::function<bool(const std::function<void(kube::Client&)>& use)>;

/// How the built-in deploy went.
struct GreenDeployed {
  /// False when the image was already set (a resumed run).
  bool patched = false;
  int polls = 0;
  std::string detail;
};

/// Phase 2's built-in deploy: reads green's Deployment (spec.ns, spec.deployment), sets
/// spec.container's image to `image` unless it is set already, then polls every
/// `pollInterval` on the stop source's clock until judgeRollout says done. `afterPatch`
/// runs once the image is set (or found set), before the wait. Errors: kTimeout when
/// `bound` (ms of monotonic time, counted from the call) runs out first, with the last
/// state; kUnavailable for ProgressDeadlineExceeded, with the controller's message;
/// kNotFound for a missing Deployment or container; the API's code when a read or the
/// patch fails; kTimeout "stopped" when a stop is requested (callers check the stop
/// source first).
Result<GreenDeployed> deployGreenImage(const WithCluster& cluster, const DeploySpec& spec,
                                       const std::string& image, StopSource& stop, DurationMs bound,
                                       DurationMs pollInterval,
                                       const std::function<void(const std::string&)>& afterPatch);

}  // namespace nova::rollout
