#pragma once

#include <boost/json/object.hpp>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/core/result.h"
#include "nova/rollout/config.h"
#include "nova/rollout/resume.h"
#include "nova/rollout/traffic_object.h"
#include "nova/rollout/window.h"
#include "nova/traffic/switch.h"

namespace nova::rollout::detail {

/// What every rollout command loads: the config, its window (holidays read), the traffic
/// object and the switch that moves traffic back to blue.
struct CommandContext {
  RolloutConfig config;
  std::optional<Window> window;
  SystemClock clock;
  SystemRandom random;
  std::unique_ptr<TrafficObject> traffic;
  traffic::SwitchPtr backToBlue;
};

/// Loads `configFile`; errors are usage errors (kInvalidInput) naming file, line, column.
Result<std::unique_ptr<CommandContext>> loadContext(const std::string& configFile,
                                                    const std::string& reportDir);

/// loadContext with its error printed to `err`; nullptr then (the command exits with the
/// usage code).
std::unique_ptr<CommandContext> openContext(const std::string& configFile,
                                            const std::string& reportDir, std::ostream& err);

/// A read of the traffic object, its error printed as "novactl COMMAND: reading ...";
/// nullopt then (the command exits with the error code).
std::optional<TrafficRead> readTraffic(CommandContext& c, std::string_view command,
                                       std::ostream& err);

/// "host/pid/random" for the lease, and who runs it ($GITHUB_ACTOR, $GITLAB_USER_LOGIN,
/// $USER, or "unknown").
std::string instanceName(Random& random);
std::string whoRuns();

/// The agent's verdict, with the record's rollout id, or kUnreachable when no agent URL
/// is configured.
AgentVerdict agentVerdict(const CommandContext& context, const std::string& rolloutId);

std::string_view agentStateName(AgentVerdict::State state);

/// The record as JSON for -o json ("null" when absent).
boost::json::value recordJson(const std::optional<Record>& record);

}  // namespace nova::rollout::detail
