// `novactl rollback`: loads the config and the traffic object, runs the option
// (rollback.h), and writes the incident report when traffic went back to blue, the
// rollback parked, or the database was restored.
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <iostream>

#include "command_support.h"
#include "nova/rollout/agent_status.h"
#include "nova/rollout/commands.h"
#include "nova/rollout/exit_code.h"
#include "nova/rollout/progress.h"
#include "nova/rollout/report.h"
#include "nova/rollout/report_files.h"
#include "nova/rollout/rollback.h"
#include "nova/rollout/rollback_notify.h"
#include "nova/rollout/rollout_notify.h"
#include "signal_stop.h"

namespace nova::rollout {
namespace {

// How long the end of a run waits for the team channel before leaving what is left in the
// receivers' outboxes (as `novactl rollout` does).
constexpr DurationMs kNotifyFlush = 10 * kSecond;

bool wantsReport(const RollbackResult& result, RollbackOption option) {
  if (!result.record) {
    return false;
  }
  return result.outcome == Outcome::kRolledBack || result.outcome == Outcome::kParked ||
         (option == RollbackOption::kDb && result.outcome == Outcome::kSucceeded);
}

// The incident report beside the others; "" when it could not be written (said on err).
std::string writeReport(detail::CommandContext& c, const RollbackArgs& args,
                        const RollbackResult& result, std::ostream& err) {
  ReportInput input;
  input.record = *result.record;
  // A database restore leaves traffic where it is: the report tells the rollout's outcome.
  input.outcome = result.outcome == Outcome::kSucceeded
                      ? outcomeOf(result.record->phase).value_or(Outcome::kRolledBack)
                      : result.outcome;
  input.endedAt = c.clock.now();
  input.rollbackOption = args.option;
  input.rollbackBy = detail::whoRuns();
  input.rolledBackAt = c.clock.now();
  std::error_code ec;
  std::filesystem::create_directories(c.config.reportDir, ec);
  std::string path = c.config.reportDir + "/" + result.record->rolloutId + "-rollback-report.md";
  http::Client client;
  addAgentIncident(client, c.config.monitor.agentUrl, input);
  auto files =
      writeReportFiles(path, std::move(input), client, c.config.monitor.agentUrl, args.png);
  if (!files.ok()) {
    err << "novactl rollback: report not written: " << files.error().message << "\n";
    return "";
  }
  if (!files->chartsMissing.empty()) {
    err << "novactl rollback: the report's charts are missing: " << files->chartsMissing << "\n";
  }
  return path;
}

}  // namespace

int runRollback(const RollbackArgs& args, std::ostream& out, std::ostream& err) {
  const auto option = parseRollbackOption(args.option);
  if (!option) {
    err << "novactl rollback: unknown --option \"" << args.option
        << "\" (switch, full, staged, db)\n";
    return exitCode(Outcome::kUsage);
  }
  auto context = detail::openContext(args.configFile, args.reportDir, err);
  if (!context) {
    return exitCode(Outcome::kUsage);
  }
  detail::CommandContext& c = *context;
  StopSource stop(c.clock);
  // Before the receivers start their delivery threads, so those block the signals too.
  detail::SignalStop signals(stop);
  std::unique_ptr<RolloutNotifier> notifier;
  if (!args.dryRun) {  // a dry run changes nothing: not even the notify state directory
    auto made = RolloutNotifier::create(c.config.notifiers, c.config.reportDir + "/notify", c.clock,
                                        c.random);
    if (!made.ok()) {
      err << "novactl rollback: " << made.error().message << "\n";
      return exitCode(Outcome::kUsage);
    }
    notifier = std::move(*made);
  }
  const std::string statusUrl =
      c.config.monitor.agentUrl.empty() ? "" : c.config.monitor.agentUrl + "/status";
  ProgressPrinter progress(err, args.terminal, c.clock,
                           args.terminal ? terminalColumns(STDERR_FILENO) : 100);
  HookRunner hooks(stop);
  http::Client client;
  RollbackOrder order;
  order.option = *option;
  order.reason = args.reason;
  order.who = detail::whoRuns();
  order.instance = detail::instanceName(c.random);
  order.weight = args.weight;
  order.watch = args.watch;
  order.confirm = args.confirm;
  order.dryRun = args.dryRun;
  RollbackParts parts{*c.traffic, *c.backToBlue, hooks, stop, c.clock, client};
  const RollbackResult result =
      runRollbackOption(c.config, parts, order, [&](const RollbackEvent& e) {
        progress.event(e.line);
        if (auto n = rollbackNotification(e, statusUrl); n && notifier) {
          notifier->send(*n);
        }
      });
  progress.finish();
  if (args.dryRun) {
    out << result.plan;
    return exitCode(result.outcome);
  }
  const NotifyCounts notified = notifier->finish(kNotifyFlush);
  const std::string reportPath =
      wantsReport(result, *option) ? writeReport(c, args, result, err) : "";
  if (args.output == "json") {
    boost::json::object doc{{"outcome", outcomeName(result.outcome)},
                            {"option", args.option},
                            {"traffic", trafficSideName(result.traffic)},
                            {"message", result.message},
                            {"report", reportPath}};
    if (result.greenWeight) {
      doc["green_weight"] = *result.greenWeight;
    }
    boost::json::array actions;
    for (const auto& a : result.actions) {
      actions.emplace_back(a);
    }
    doc["actions"] = std::move(actions);
    doc["notifications"] = {{"delivered", notified.delivered},
                            {"duplicates", notified.duplicates},
                            {"failed", notified.failed},
                            {"pending", notified.pending}};
    doc["record"] = detail::recordJson(result.record);
    out << boost::json::serialize(doc) << "\n";
  } else {
    const bool expected = result.outcome == Outcome::kSucceeded ||
                          result.outcome == Outcome::kRolledBack ||
                          result.outcome == Outcome::kParked;
    if (expected) {
      out << result.message << "\n";
    } else {
      err << "novactl rollback: " << result.message << "\n";
    }
    if (!reportPath.empty()) {
      out << "report: " << reportPath << "\n";
    }
    if (notified.failed > 0 || notified.pending > 0) {
      err << "notifications: " << notified.failed << " failed, " << notified.pending
          << " not delivered yet (kept for the next run); the rollback's outcome is unchanged\n";
    }
  }
  if (result.outcome == Outcome::kInterrupted && signals.received() != 0) {
    return interruptedExitCode(signals.received());
  }
  // The rollback did what it was asked: traffic verified on blue is this command's success.
  return exitCode(result.outcome == Outcome::kRolledBack ? Outcome::kSucceeded : result.outcome);
}

}  // namespace nova::rollout
