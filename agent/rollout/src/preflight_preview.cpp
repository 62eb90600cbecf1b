// `novactl rollout --dry-run`'s pre-flight: the checks a rollout would run, the read-only
// ones run now, so a person (or the CI job two hours before the window) sees what would
// fail before anything is taken or written.
#include "preflight_preview.h"

#include "nova/rollout/agent_status.h"
#include "nova/rollout/cluster_checks.h"

namespace nova::rollout::detail {
namespace {

PreviewedCheck judged(const std::string& name, bool ok, std::string detail) {
  return {name, ok ? "ok" : "failed", std::move(detail)};
}

}  // namespace

std::vector<PreviewedCheck> previewPreflight(CommandContext& c, const TrafficRead& read,
                                             std::optional<int> blueReady,
                                             const std::map<std::string, std::string>& skips,
                                             const std::string& rolloutId) {
  std::vector<PreviewedCheck> checks;
  for (const std::string& name : preflightCheckNames(c.config)) {
    if (const auto skip = skips.find(name); skip != skips.end()) {
      checks.push_back({name, "skipped", skip->second});
    } else if (name == "traffic-on-blue") {
      checks.push_back(judged(name, read.side == TrafficSide::kBlue, read.detail));
    } else if (name == "blue-ready") {
      checks.push_back(judged(name, blueReady && *blueReady > 0,
                              blueReady ? std::to_string(*blueReady) + " ready"
                                        : std::string("blue could not be read")));
    } else if (name == "agent-reachable") {
      const AgentVerdict agent = agentVerdict(c, rolloutId);
      checks.push_back(
          judged(name, agent.state != AgentVerdict::State::kUnreachable,
                 c.config.monitor.agentUrl + (agent.detail.empty() ? "" : ": " + agent.detail)));
    } else if (c.config.preflightCluster && isClusterCheckName(name)) {
      const ClusterCheckResult result =
          runClusterCheck(name, *c.traffic, *c.config.preflightCluster, c.clock.now());
      checks.push_back(judged(name, result.ok, result.detail));
    } else {
      checks.push_back({name, "not_run", "a command check: a dry run runs no command"});
    }
  }
  return checks;
}

}  // namespace nova::rollout::detail
