#pragma once

#include <boost/json/value.hpp>
#include <vector>

#include "nova/rollout/cluster_checks.h"

namespace nova::rollout::detail {

/// pods-healthy over the listed pods: none in phase Failed, none Pending for longer than
/// spec.pendingGrace (aged from creationTimestamp against `now`); pods being deleted are
/// left out. Names up to spec.listLimit of the bad ones with their phase and reason. Pure.
ClusterCheckResult judgePods(const std::vector<boost::json::value>& pods,
                             const ClusterPreflight& spec, TimestampMs now);

/// nodes-ready over the listed nodes: each has condition Ready with status "True"; names up
/// to spec.listLimit of the others with their Ready status. No node at all fails (a selector
/// that matches nothing proves nothing). Pure.
ClusterCheckResult judgeNodes(const std::vector<boost::json::value>& nodes,
                              const ClusterPreflight& spec);

}  // namespace nova::rollout::detail
