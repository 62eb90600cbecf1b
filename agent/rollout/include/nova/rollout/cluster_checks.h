#pragma once

#include <string>
#include <string_view>

#include "nova/core/time.h"
#include "nova/rollout/config.h"

namespace nova::kube {
class Client;
}

namespace nova::rollout {

class TrafficObject;

/// What one built-in cluster check found.
struct ClusterCheckResult {
  bool ok = false;
  /// What was found, for the record and the report: "namespace production-green is
  /// Active", "missing: app-config, feature-flags", "2 of 9 pods: web-1 (Failed), ...".
  /// Never a Secret's data.
  std::string detail;
};

/// Runs the built-in cluster check `name` (green-namespace, configmaps, secrets,
/// pods-healthy, nodes-ready) of `spec` through `client`; `now` (wall time, ms) ages the
/// Pending pods. Read-only: GETs and LISTs. A read that fails (403, a timeout, an answer
/// that is not the expected object) is a failed check naming the reason, never a pass.
/// Secrets are read one by one by name and only their presence is kept: the object is
/// dropped at once. An unknown name is a failed check. Blocks for the client's calls (its
/// retries wait on its clock).
ClusterCheckResult runClusterCheck(std::string_view name, kube::Client& client,
                                   const ClusterPreflight& spec, TimestampMs now);

/// True for the names runClusterCheck knows (green-namespace, configmaps, secrets,
/// pods-healthy, nodes-ready).
bool isClusterCheckName(std::string_view name);

/// runClusterCheck through the traffic object's cluster; a failed check when the object is
/// not on Kubernetes (a plain host has no cluster to ask).
ClusterCheckResult runClusterCheck(std::string_view name, TrafficObject& traffic,
                                   const ClusterPreflight& spec, TimestampMs now);

}  // namespace nova::rollout
