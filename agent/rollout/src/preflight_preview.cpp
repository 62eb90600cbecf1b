// `novactl rollout --dry-run`'s pre-flight: the checks a rollout would run, the read-only
// ones run now, so a person (or the CI job two hours before the window) sees what would
// fail before anything is taken or written.
#include "preflight_preview.h"

#include "builtin_checks.h"

namespace nova::rollout::detail {
namespace {

PreviewedCheck judged(const std::string& name, ClusterCheckResult result) {
  return {name, result.ok ? "ok" : "failed", std::move(result.detail)};
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
      checks.push_back(judged(name, judgeTrafficOnBlue(read)));
    } else if (name == "blue-ready") {
      checks.push_back(judged(name, judgeBlueReady(blueReady)));
    } else if (name == "agent-reachable") {
      checks.push_back(
          judged(name, judgeAgentReachable(c.config.monitor.agentUrl, agentVerdict(c, rolloutId))));
    } else if (c.config.preflightCluster && isClusterCheckName(name)) {
      checks.push_back(judged(
          name, runClusterCheck(name, *c.traffic, *c.config.preflightCluster, c.clock.now())));
    } else {
      checks.push_back({name, "not_run", "a command check: a dry run runs no command"});
    }
  }
  return checks;
}

}  // namespace nova::rollout::detail
