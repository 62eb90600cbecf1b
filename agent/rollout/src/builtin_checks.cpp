#include "builtin_checks.h"

namespace nova::rollout::detail {

ClusterCheckResult judgeTrafficOnBlue(const TrafficRead& read) {
  return {read.side == TrafficSide::kBlue, read.detail};
}

ClusterCheckResult judgeBlueReady(std::optional<int> ready) {
  return {ready && *ready > 0,
          ready ? std::to_string(*ready) + " ready" : std::string("blue could not be read")};
}

ClusterCheckResult judgeAgentReachable(const std::string& agentUrl, const AgentVerdict& agent) {
  return {agent.state != AgentVerdict::State::kUnreachable,
          agentUrl + (agent.detail.empty() ? "" : ": " + agent.detail)};
}

}  // namespace nova::rollout::detail
