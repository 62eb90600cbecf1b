#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/core/result.h"
#include "nova/rollout/config.h"
#include "nova/rollout/lease.h"
#include "nova/rollout/record.h"
#include "nova/rollout/record_patch.h"
#include "nova/rollout/resume.h"
#include "nova/traffic/weighted_switch.h"

namespace nova::kube {
class Client;
}

namespace nova::rollout {

/// The traffic object as one read saw it: where traffic goes and the record and lease it
/// carries, all from the same read, so a compare-and-swap built on it pins exactly that.
struct TrafficRead {
  /// Kubernetes-shaped ({"metadata": {"annotations", "resourceVersion"}, ...}): what
  /// leasePatch, recordPatch and switchPatch take.
  boost::json::value object;
  std::optional<Record> record;
  std::optional<Lease> lease;
  TrafficSide side = TrafficSide::kUnknown;
  /// The object and field that decide ("ingress production/api-ingress: service ...").
  std::string detail;
};

/// The object that decides where user traffic goes and carries the rollout's record and
/// lease: the Ingress (or HTTPRoute) on Kubernetes, the upstream include plus its record
/// file on plain hosts. The rollout writes only through it; moving traffic back to blue is
/// the traffic Switch's job (the one the agent uses), so there is one rollback path.
/// Not thread-safe: callers serialise (RecordStore does).
class TrafficObject {
 public:
  virtual ~TrafficObject() = default;

  /// Reads the object, the record and the lease. A record that cannot be decoded is an
  /// error (kInvalidInput, naming the annotation): nothing is written over it.
  virtual Result<TrafficRead> read() = 0;

  /// Applies a lease or record patch built from `read.object`. kConflict when the object
  /// changed since `read` (the patch's tests failed); nothing is applied then.
  virtual Status apply(const TrafficRead& read, const RecordPatch& patch) = 0;

  /// Moves traffic to green and writes `next` (which carries switchedAt) as ONE
  /// compare-and-swap over `read`, under the lease `held`. Returns what was done.
  /// kConflict when the object changed since `read`; other errors name the step.
  virtual Result<std::string> switchToGreen(const TrafficRead& read, const Record& next,
                                            const Lease& held) = 0;

  /// The object as a person would save it before the switch (JSON text).
  virtual std::string backup(const TrafficRead& read) const = 0;

  /// "ingress production/api-ingress", "nginx upstream /run/nova/upstream.conf".
  virtual std::string describe() const = 0;

  /// Blue's ready replicas: status.readyReplicas of blue's Deployment on Kubernetes; on
  /// plain hosts 1 when blue's health endpoint answers healthy, else 0. nullopt when it
  /// cannot be read.
  virtual std::optional<std::int64_t> blueReady() = 0;

  /// Blue's replica count and image before Phase 4 (what a rollback scales back up to).
  /// Kubernetes: spec.replicas of the scale subresource and the first container's image.
  /// Plain hosts: kInvalidInput (blue is stopped by the blue hook there).
  virtual Result<BlueBefore> blueBefore() = 0;

  /// Sets blue's replicas through the scale subresource (Kubernetes only).
  virtual Status scaleBlue(std::int64_t replicas) = 0;

  /// Green's weight on this object, read and set with compare-and-swap (the staged
  /// rollback). Types that cannot weigh (kubernetes-ingress) answer kInvalidInput there.
  virtual traffic::WeightedSwitch& weights() = 0;

  /// The exact change the flip to blue would make now (a JSON patch, or the include and
  /// the reload), changing nothing: for --dry-run. "" when traffic is already on blue.
  virtual Result<std::string> planToBlue() = 0;

  /// Sets the replicas of Deployment `deployment` in `ns` ("" for the traffic object's
  /// namespace) through the scale subresource; on Kubernetes only (kInvalidInput here).
  virtual Status scaleDeployment(const std::string& ns, const std::string& deployment,
                                 std::int64_t replicas);

  /// The pods that Deployment still has (status.replicas, absent meaning 0); on Kubernetes
  /// only (kInvalidInput here).
  virtual Result<std::int64_t> deploymentPods(const std::string& ns, const std::string& deployment);

  /// The Kubernetes client this object reads and writes through (its credentials, its
  /// retries), for the built-in pre-flight checks and deploy; nullptr on plain hosts. Owned
  /// by the object; callers serialise its use with the object's (RecordStore::withObject).
  virtual kube::Client* cluster() { return nullptr; }
};

/// The traffic object for `spec` (types kubernetes-ingress, gateway-httproute,
/// ingress-nginx-canary and nginx; dry-run has no forward move: kInvalidInput); `blue` says which
/// Deployment is blue. `clock` and `random` must outlive it.
Result<std::unique_ptr<TrafficObject>> makeTrafficObject(const SwitchSpec& spec,
                                                         const BlueSpec& blue, const Clock& clock,
                                                         Random& random);

/// The record file of the nginx switch: beside its upstream include,
/// "<upstream_file>.rollout.json".
std::string recordFileFor(const std::string& upstreamFile);

/// Decodes the record and lease of `object`'s annotations into `read` (shared by both
/// implementations).
Status decodeInto(TrafficRead& read);

}  // namespace nova::rollout
