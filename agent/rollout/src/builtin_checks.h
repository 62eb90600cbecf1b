#pragma once

#include <optional>
#include <string>

#include "nova/rollout/agent_status.h"
#include "nova/rollout/cluster_checks.h"
#include "nova/rollout/traffic_object.h"

namespace nova::rollout::detail {

/// The pre-flight checks judged from what a rollout reads anyway (the traffic object,
/// blue's ready pods, the agent's /status): one judgement and one wording for the
/// rollout's steps and for the dry run's list.
ClusterCheckResult judgeTrafficOnBlue(const TrafficRead& read);
ClusterCheckResult judgeBlueReady(std::optional<int> ready);
ClusterCheckResult judgeAgentReachable(const std::string& agentUrl, const AgentVerdict& agent);

}  // namespace nova::rollout::detail
