#pragma once

#include <string>
#include <string_view>

#include "nova/core/time.h"
#include "nova/http/client.h"
#include "nova/rollout/report.h"
#include "nova/rollout/resume.h"

namespace nova::rollout {

/// The agent's verdict on rollout `rolloutId` from the body of its GET /status. Pure.
///   - not JSON: kUnreachable (what answered is not the agent);
///   - an agent that says whether it is armed ("armed", "rollout_id") and is not armed
///     for this id: kNotArmed;
///   - a hold: kHold; a rollback that flipped (or found blue): kRolledBack;
///   - an incident not yet resolved: kIncident at its severity;
///   - a rule past its threshold ("state": "breaching") while no incident is open yet:
///     kBreaching, naming the rules;
///   - not ready, or every rule without a value: kNoData;
///   - else kWatching.
AgentVerdict parseAgentStatus(std::string_view body, std::string_view rolloutId);

/// GETs `agentUrl` + "/status" (bounded by `timeout`) and judges it; no answer, or an
/// answer other than 200, is kUnreachable with the reason.
AgentVerdict readAgentVerdict(http::Client& client, const std::string& agentUrl,
                              std::string_view rolloutId, DurationMs timeout);

/// Adds the agent's current incident, as its /status shows it, to a report: its timeline
/// events and the rules that fire with their values. Changes nothing when the agent
/// cannot be reached or has no incident.
void addAgentIncident(http::Client& client, const std::string& agentUrl, ReportInput& input);

}  // namespace nova::rollout
