// `novactl status` and `novactl report`: read-only views of a rollout.
#include <unistd.h>

#include <boost/json.hpp>
#include <iostream>

#include "command_support.h"
#include "nova/core/files.h"
#include "nova/core/rfc3339.h"
#include "nova/http/client.h"
#include "nova/rollout/agent_status.h"
#include "nova/rollout/commands.h"
#include "nova/rollout/exit_code.h"
#include "nova/rollout/progress.h"
#include "nova/rollout/report.h"
#include "nova/rollout/report_files.h"
#include "nova/rollout/status_wait.h"
#include "signal_stop.h"
#include "status_view.h"

namespace nova::rollout {
namespace json = boost::json;

namespace {

// How long one read of the agent may take while waiting: a dead agent must not stretch the
// polls, and its verdict only matters after the switch.
constexpr DurationMs kAgentTimeoutWhileWaiting = 2 * kSecond;

int waitAndShow(const StatusArgs& args, detail::CommandContext& c, std::ostream& out,
                std::ostream& err) {
  const auto target = parseWaitFor(args.waitFor);
  if (!target) {
    err << "novactl status: --for " << args.waitFor << ": expected one of " << waitForChoices()
        << "\n";
    return exitCode(Outcome::kUsage);
  }
  WaitOptions options;
  options.target = *target;
  options.rolloutId = args.rolloutId;
  options.timeout = args.timeout > 0 ? args.timeout : c.config.bounds.overall;
  if (options.timeout <= 0) {
    err << "novactl status: --wait needs --timeout (bounds.overall is 0)\n";
    return exitCode(Outcome::kUsage);
  }
  options.bounds = c.config.bounds;
  StopSource stop(c.clock);
  detail::SignalStop signals(stop);
  ProgressPrinter progress(err, args.terminal, c.clock,
                           args.terminal ? terminalColumns(STDERR_FILENO) : 100);
  const WaitResult waited = waitForRollout(
      options, [&c] { return detail::observeStatus(c, kAgentTimeoutWhileWaiting); }, stop, c.random,
      [&](const StatusObservation& seen, const WaitVerdict& verdict) {
        const std::string phase =
            seen.record ? std::string(phaseName(seen.record->phase)) : std::string("waiting");
        progress.event(EngineEvent{seen.now, phase, "status", verdict.reached ? "ok" : "info",
                                   verdict.reason});
      });
  progress.finish();
  int code = exitCode(waited.outcome);
  if (waited.outcome == Outcome::kInterrupted && signals.received() != 0) {
    code = interruptedExitCode(signals.received());
  }
  json::object wait{{"for", waitForName(*target)},
                    {"rollout_id", args.rolloutId},
                    {"outcome", outcomeName(waited.outcome)},
                    {"exit_code", code},
                    {"message", waited.message},
                    {"waited_ms", waited.waited},
                    {"polls", waited.polls},
                    {"failed_reads", waited.failedReads}};
  if (args.output == "json") {
    json::object doc = waited.last ? detail::statusJson(c, *waited.last) : json::object{};
    doc["wait"] = std::move(wait);
    out << json::serialize(doc) << "\n";
  } else {
    if (waited.last) {
      detail::printStatus(c, *waited.last, out);
    }
    err << "status --wait --for " << waitForName(*target) << ": " << outcomeName(waited.outcome)
        << " (exit " << code << "): " << waited.message << "\n";
  }
  return code;
}

}  // namespace

int runStatus(const StatusArgs& args, std::ostream& out, std::ostream& err) {
  auto context = detail::openContext(args.configFile, "", err);
  if (!context) {
    return exitCode(Outcome::kUsage);
  }
  detail::CommandContext& c = *context;
  if (args.wait) {
    return waitAndShow(args, c, out, err);
  }
  auto seen = detail::observeStatus(c, 5 * kSecond);
  if (!seen.ok()) {
    err << "novactl status: " << seen.error().message << "\n";
    return exitCode(Outcome::kError);
  }
  if (args.output == "json") {
    out << json::serialize(detail::statusJson(c, *seen)) << "\n";
  } else {
    detail::printStatus(c, *seen, out);
  }
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
