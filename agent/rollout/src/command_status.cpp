// `novactl status` and `novactl report`: read-only views of a rollout.
#include <boost/json.hpp>
#include <iostream>

#include "command_support.h"
#include "nova/core/files.h"
#include "nova/core/rfc3339.h"
#include "nova/http/client.h"
#include "nova/rollout/agent_status.h"
#include "nova/rollout/commands.h"
#include "nova/rollout/exit_code.h"
#include "nova/rollout/report.h"
#include "nova/rollout/report_files.h"

namespace nova::rollout {
namespace json = boost::json;

int runStatus(const StatusArgs& args, std::ostream& out, std::ostream& err) {
  auto context = detail::openContext(args.configFile, "", err);
  if (!context) {
    return exitCode(Outcome::kUsage);
  }
  detail::CommandContext& c = *context;
  auto read = detail::readTraffic(c, "status", err);
  if (!read) {
    return exitCode(Outcome::kError);
  }
  const WindowVerdict window = c.window->verdict(c.clock.now(), c.config.window.expectedDuration);
  const AgentVerdict agent =
      detail::agentVerdict(c, read->record ? read->record->rolloutId : std::string());
  const auto blue = c.traffic->blueReady();
  if (args.output == "json") {
    json::value lease = nullptr;
    if (read->lease) {
      lease =
          json::object{{"holder", read->lease->holder},
                       {"who", read->lease->who},
                       {"instance", read->lease->instance},
                       {"renewed_at", formatRfc3339(read->lease->renewedAt, SubSecond::kMillis)},
                       {"duration_ms", read->lease->duration}};
    }
    out << json::serialize(
               json::object{{"traffic", trafficSideName(read->side)},
                            {"traffic_detail", read->detail},
                            {"blue_ready", blue ? json::value(*blue) : nullptr},
                            {"record", detail::recordJson(read->record)},
                            {"lease", std::move(lease)},
                            {"window", {{"allowed", window.allowed}, {"reason", window.reason}}},
                            {"agent",
                             {{"state", detail::agentStateName(agent.state)},
                              {"severity", toString(agent.severity)},
                              {"detail", agent.detail}}}})
        << "\n";
    return 0;
  }
  out << "traffic: " << trafficSideName(read->side) << " (" << read->detail << ")\n"
      << "blue:    " << (blue ? std::to_string(*blue) + " ready" : "unknown") << "\n";
  if (read->record) {
    const Record& r = *read->record;
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
  } else {
    out << "record:  none\n";
  }
  out << "lease:   "
      << (read->lease ? read->lease->holder + " (" + read->lease->who + ", renewed " +
                            formatRfc3339(read->lease->renewedAt, SubSecond::kNone) + ")"
                      : std::string("free"))
      << "\n"
      << "window:  " << (window.allowed ? "open: " : "closed: ") << window.reason << "\n"
      << "agent:   " << detail::agentStateName(agent.state)
      << (agent.detail.empty() ? "" : " (" + agent.detail + ")") << "\n";
  return 0;
}

int runReport(const ReportArgs& args, std::ostream& out, std::ostream& err) {
  auto context = detail::openContext(args.configFile, "", err);
  if (!context) {
    return exitCode(Outcome::kUsage);
  }
  detail::CommandContext& c = *context;
  auto read = detail::readTraffic(c, "report", err);
  if (!read) {
    return exitCode(Outcome::kError);
  }
  if (!read->record) {
    err << "novactl report: " << c.traffic->describe() << " holds no rollout record\n";
    return exitCode(Outcome::kError);
  }
  ReportInput input;
  input.record = *read->record;
  input.outcome = outcomeOf(read->record->phase).value_or(Outcome::kSucceeded);
  input.endedAt = read->record->steps.empty() ? c.clock.now() : read->record->steps.back().at;
  if (input.outcome == Outcome::kRolledBack) {
    input.rollbackOption = "switch";
    input.rollbackBy = "nova-agent";
  }
  http::Client client;
  addAgentIncident(client, c.config.monitor.agentUrl, input);
  if (args.outFile.empty()) {
    out << renderReport(input);
    return 0;
  }
  auto files =
      writeReportFiles(args.outFile, std::move(input), client, c.config.monitor.agentUrl, args.png);
  if (!files.ok()) {
    err << "novactl report: " << files.error().message << "\n";
    return exitCode(Outcome::kError);
  }
  if (!files->chartsMissing.empty()) {
    err << "novactl report: the charts are missing: " << files->chartsMissing << "\n";
  }
  for (const std::string& file : files->charts) {
    out << "chart: " << file << "\n";
  }
  out << "report: " << files->markdown << "\n";
  if (!files->html.empty()) {
    out << "html: " << files->html << "\n";
  }
  return 0;
}

}  // namespace nova::rollout
