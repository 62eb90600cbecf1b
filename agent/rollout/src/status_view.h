#pragma once

#include <boost/json/object.hpp>
#include <iosfwd>

#include "command_support.h"
#include "nova/core/result.h"
#include "nova/rollout/status_wait.h"

namespace nova::rollout::detail {

/// One read of what `novactl status` shows: the traffic object (traffic, record, lease),
/// blue's ready pods and the agent's verdict on the record's rollout (each agent read
/// bounded by `agentTimeout`). Errors: the traffic object's read, prefixed with what it is.
Result<StatusObservation> observeStatus(CommandContext& c, DurationMs agentTimeout);

/// The status document of -o json: traffic, blue_ready, record, lease, window, agent.
boost::json::object statusJson(const CommandContext& c, const StatusObservation& seen);

/// The same for people, one aspect per line.
void printStatus(const CommandContext& c, const StatusObservation& seen, std::ostream& out);

}  // namespace nova::rollout::detail
