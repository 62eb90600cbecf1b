#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "command_support.h"

namespace nova::rollout::detail {

/// One pre-flight check as a dry run sees it.
struct PreviewedCheck {
  std::string name;
  /// "ok", "failed", "skipped" (by --skip-check) or "not_run" (a command check: a dry run
  /// runs no command, as a command may change something).
  std::string result;
  std::string detail;
};

/// The pre-flight checks of `c.config` in the order a rollout runs them, each built-in one
/// run read-only (the traffic object's read, blue's readiness, the agent's /status, the
/// cluster's GETs and LISTs); nothing is written anywhere. `skips` are --skip-check's
/// names and reasons.
std::vector<PreviewedCheck> previewPreflight(CommandContext& c, const TrafficRead& read,
                                             std::optional<int> blueReady,
                                             const std::map<std::string, std::string>& skips,
                                             const std::string& rolloutId);

}  // namespace nova::rollout::detail
