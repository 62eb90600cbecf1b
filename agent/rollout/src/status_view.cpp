// What `novactl status` reads and shows, once or after each poll of --wait.
#include "status_view.h"

#include <boost/json.hpp>
#include <ostream>

#include "nova/core/rfc3339.h"
#include "nova/http/client.h"
#include "nova/rollout/agent_status.h"

namespace nova::rollout::detail {
namespace json = boost::json;

Result<StatusObservation> observeStatus(CommandContext& c, DurationMs agentTimeout) {
  auto read = c.traffic->read();
  if (!read.ok()) {
    return read.error().prefixed("reading " + c.traffic->describe());
  }
  StatusObservation seen;
  seen.now = c.clock.now();
  seen.record = std::move(read->record);
  seen.lease = std::move(read->lease);
  seen.live.traffic = read->side;
  seen.live.trafficDetail = read->detail;
  seen.live.blueReady = c.traffic->blueReady();
  if (c.config.monitor.agentUrl.empty()) {
    seen.live.agent = AgentVerdict{AgentVerdict::State::kUnreachable, Severity::kNone,
                                   "monitor.agent_url is not set"};
  } else {
    http::Client client;
    seen.live.agent =
        readAgentVerdict(client, c.config.monitor.agentUrl,
                         seen.record ? seen.record->rolloutId : std::string(), agentTimeout);
  }
  return seen;
}

json::object statusJson(const CommandContext& c, const StatusObservation& seen) {
  const WindowVerdict window = c.window->verdict(seen.now, c.config.window.expectedDuration);
  json::value lease = nullptr;
  if (seen.lease) {
    lease = json::object{{"holder", seen.lease->holder},
                         {"who", seen.lease->who},
                         {"instance", seen.lease->instance},
                         {"renewed_at", formatRfc3339(seen.lease->renewedAt, SubSecond::kMillis)},
                         {"duration_ms", seen.lease->duration}};
  }
  const AgentVerdict& agent = seen.live.agent;
  return json::object{
      {"traffic", trafficSideName(seen.live.traffic)},
      {"traffic_detail", seen.live.trafficDetail},
      {"blue_ready", seen.live.blueReady ? json::value(*seen.live.blueReady) : nullptr},
      {"record", recordJson(seen.record)},
      {"lease", std::move(lease)},
      {"window", {{"allowed", window.allowed}, {"reason", window.reason}}},
      {"agent",
       {{"state", agentStateName(agent.state)},
        {"severity", toString(agent.severity)},
        {"detail", agent.detail}}}};
}

void printStatus(const CommandContext& c, const StatusObservation& seen, std::ostream& out) {
  const WindowVerdict window = c.window->verdict(seen.now, c.config.window.expectedDuration);
  const auto& blue = seen.live.blueReady;
  out << "traffic: " << trafficSideName(seen.live.traffic) << " (" << seen.live.trafficDetail
      << ")\n"
      << "blue:    " << (blue ? std::to_string(*blue) + " ready" : "unknown") << "\n";
  if (seen.record) {
    const Record& r = *seen.record;
    out << "record:  rollout " << r.rolloutId << " of " << r.version << ", phase "
        << phaseName(r.phase);
    if (r.switchedAt) {
      out << ", switched at " << formatRfc3339(*r.switchedAt, SubSecond::kNone);
    }
    out << "\n";
    const std::size_t first = r.steps.size() > 5 ? r.steps.size() - 5 : 0;
    for (std::size_t i = first; i < r.steps.size(); ++i) {
      const StepRecord& s = r.steps[i];
      out << "  " << formatRfc3339(s.at, SubSecond::kNone) << " " << phaseName(s.phase) << " "
          << s.name << ": " << stepResultName(s.result) << "\n";
    }
    // Skipped pre-flight checks stay in view after later steps push them out of the five.
    for (const StepRecord& s : r.steps) {
      if (s.phase == Phase::kPreflight && s.result == StepResult::kSkipped) {
        out << "  skipped check " << s.name << ": " << s.detail << "\n";
      }
    }
  } else {
    out << "record:  none\n";
  }
  const AgentVerdict& agent = seen.live.agent;
  out << "lease:   "
      << (seen.lease ? seen.lease->holder + " (" + seen.lease->who + ", renewed " +
                           formatRfc3339(seen.lease->renewedAt, SubSecond::kNone) + ")"
                     : std::string("free"))
      << "\n"
      << "window:  " << (window.allowed ? "open: " : "closed: ") << window.reason << "\n"
      << "agent:   " << agentStateName(agent.state)
      << (agent.detail.empty() ? "" : " (" + agent.detail + ")") << "\n";
}

}  // namespace nova::rollout::detail
