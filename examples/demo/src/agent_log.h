#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/core/time.h"

namespace nova::demo {

/// One line of nova-agent's text log: "2026-11-27T04:50:02.101 warning decision ...".
struct AgentLogLine {
  TimestampMs at = 0;
  std::string level;
  std::string message;
};

/// The lines of the log at `path` that start with a timestamp; the agent must run with
/// TZ=UTC, as scripts/demo.sh starts it, for the times to be read right.
std::vector<AgentLogLine> readAgentLog(const std::string& path);

/// The agent's steps of one incident, each the first matching line at or after `from`.
struct AgentMilestones {
  std::optional<AgentLogLine> firstBreach;  ///< a decision with rule_pending or rule_firing
  std::optional<AgentLogLine> decision;     ///< the decision with action=rollback
  std::optional<AgentLogLine> flipDone;     ///< "rollback of incident ... done: ..."
  std::optional<AgentLogLine> impossible;   ///< "... a person must move traffic to blue"
};
AgentMilestones findMilestones(const std::vector<AgentLogLine>& lines, TimestampMs from);

}  // namespace nova::demo
