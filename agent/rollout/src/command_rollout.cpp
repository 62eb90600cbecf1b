// `novactl rollout`: loads the config, runs the engine (or prints its plan), reports.
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>

#include "command_support.h"
#include "nova/core/rfc3339.h"
#include "nova/core/text.h"
#include "nova/rollout/commands.h"
#include "nova/rollout/engine.h"
#include "nova/rollout/exit_code.h"
#include "nova/rollout/progress.h"
#include "nova/rollout/rollout_notify.h"
#include "preflight_preview.h"
#include "signal_stop.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

// How long the end of a run waits for the team channel before leaving what is left in the
// receivers' outboxes.
constexpr DurationMs kNotifyFlush = 10 * kSecond;

json::object eventJson(const EngineEvent& e) {
  return {{"at", formatRfc3339(e.at, SubSecond::kMillis)},
          {"phase", e.phase},
          {"step", e.step},
          {"result", e.result},
          {"detail", e.detail}};
}

int dryRun(const RolloutArgs& args, const std::map<std::string, std::string>& skips,
           detail::CommandContext& c, std::ostream& out, std::ostream& err) {
  auto read = detail::readTraffic(c, "rollout", err);
  if (!read) {
    return exitCode(Outcome::kError);
  }
  const TimestampMs now = c.clock.now();
  const WindowVerdict verdict = c.window->verdict(now, c.config.window.expectedDuration);
  LiveState live{read->side, read->detail, c.traffic->blueReady(), {}};
  const bool ours = read->record && read->record->rolloutId == args.rolloutId;
  if (ours && read->record->switchedAt) {
    live.agent = detail::agentVerdict(c, args.rolloutId);
  }
  const NextStep next = nextStep(ours ? read->record : std::nullopt, args.rolloutId, args.version,
                                 live, now, c.config.bounds);
  const std::vector<detail::PreviewedCheck> checks =
      detail::previewPreflight(c, *read, live.blueReady, skips, args.rolloutId);
  json::array preflight;
  for (const auto& check : checks) {
    preflight.push_back({{"name", check.name}, {"result", check.result}, {"detail", check.detail}});
  }
  json::object plan{{"dry_run", true},
                    {"rollout_id", args.rolloutId},
                    {"version", args.version},
                    {"window", {{"allowed", verdict.allowed}, {"reason", verdict.reason}}},
                    {"traffic", trafficSideName(read->side)},
                    {"traffic_detail", read->detail},
                    {"blue_ready", live.blueReady ? json::value(*live.blueReady) : nullptr},
                    {"record", detail::recordJson(read->record)},
                    {"lease_holder", read->lease ? json::value(read->lease->holder) : nullptr},
                    {"next", next.kind == NextStep::Kind::kRunPhase ? phaseName(next.phase)
                                                                    : outcomeName(next.outcome)},
                    {"reason", next.reason},
                    {"preflight", std::move(preflight)}};
  if (args.output == "json") {
    out << json::serialize(plan) << "\n";
  } else {
    out << "rollout " << args.rolloutId << " of " << args.version << " (dry run: nothing changes)\n"
        << "  window:  " << (verdict.allowed ? "open: " : "closed: ") << verdict.reason << "\n"
        << "  traffic: " << trafficSideName(read->side) << " (" << read->detail << ")\n"
        << "  blue:    "
        << (live.blueReady ? std::to_string(*live.blueReady) + " ready" : "unknown") << "\n"
        << "  record:  "
        << (read->record
                ? read->record->rolloutId + " in " + std::string(phaseName(read->record->phase))
                : std::string("none"))
        << "\n"
        << "  lease:   "
        << (read->lease ? read->lease->holder + " (" + read->lease->who + ")" : "free") << "\n"
        << "  next:    " << next.reason << "\n"
        << "  pre-flight (read-only checks run now; commands are not run):\n";
    for (const auto& check : checks) {
      out << "    " << check.name << ": " << check.result
          << (check.detail.empty() ? "" : " (" + check.detail + ")") << "\n";
    }
  }
  return 0;
}

// The --skip-check/--reason pairs as the engine takes them; an error names the flag.
Result<std::map<std::string, std::string>> skipsOf(const RolloutArgs& args,
                                                   const RolloutConfig& config) {
  if (args.skipChecks.size() != args.skipReasons.size()) {
    return Error(ErrorCode::kInvalidInput,
                 "--skip-check: each skipped check needs its own --reason (" +
                     std::to_string(args.skipChecks.size()) + " checks, " +
                     std::to_string(args.skipReasons.size()) + " reasons)");
  }
  const std::vector<std::string> known = preflightCheckNames(config);
  std::map<std::string, std::string> skips;
  for (std::size_t i = 0; i < args.skipChecks.size(); ++i) {
    const std::string& name = args.skipChecks[i];
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const auto& k : known) {
        list += (list.empty() ? "" : ", ") + k;
      }
      return Error(ErrorCode::kInvalidInput, "--skip-check: no pre-flight check is named \"" +
                                                 name + "\" (checks: " + list + ")");
    }
    if (trim(args.skipReasons[i]).empty()) {
      return Error(ErrorCode::kInvalidInput,
                   "--skip-check " + name + ": the --reason must not be empty");
    }
    if (!skips.emplace(name, args.skipReasons[i]).second) {
      return Error(ErrorCode::kInvalidInput, "--skip-check " + name + " is given twice");
    }
  }
  return skips;
}

}  // namespace

int runRollout(const RolloutArgs& args, std::ostream& out, std::ostream& err) {
  if (Status s = validateRolloutId(args.rolloutId); !s.ok()) {
    err << "novactl rollout: --rollout-id: " << s.error().message << "\n";
    return exitCode(Outcome::kUsage);
  }
  if (Status s = validateVersion(args.version); !s.ok()) {
    err << "novactl rollout: --version: " << s.error().message << "\n";
    return exitCode(Outcome::kUsage);
  }
  auto context = detail::openContext(args.configFile, args.reportDir, err);
  if (!context) {
    return exitCode(Outcome::kUsage);
  }
  detail::CommandContext& c = *context;
  auto skips = skipsOf(args, c.config);
  if (!skips.ok()) {
    err << "novactl rollout: " << skips.error().message << "\n";
    return exitCode(Outcome::kUsage);
  }
  if (args.dryRun) {
    return dryRun(args, *skips, c, out, err);
  }
  StopSource stop(c.clock);
  detail::SignalStop signals(stop);
  std::ofstream eventsFile;
  std::ostream* events = nullptr;
  if (args.eventsFile == "-") {
    events = &out;
  } else if (!args.eventsFile.empty()) {
    eventsFile.open(args.eventsFile, std::ios::app);
    if (!eventsFile) {
      err << "novactl rollout: --events: cannot open " << args.eventsFile << "\n";
      return exitCode(Outcome::kUsage);
    }
    events = &eventsFile;
  }
  auto notifier = RolloutNotifier::create(c.config.notifiers, c.config.reportDir + "/notify",
                                          c.clock, c.random);
  if (!notifier.ok()) {
    err << "novactl rollout: " << notifier.error().message << "\n";
    return exitCode(Outcome::kUsage);
  }
  const std::string statusUrl =
      c.config.monitor.agentUrl.empty() ? "" : c.config.monitor.agentUrl + "/status";
  std::mutex outputMutex;
  ProgressPrinter progress(err, args.terminal, c.clock,
                           args.terminal ? terminalColumns(STDERR_FILENO) : 100);
  HookRunner hooks(stop);
  http::Client client;
  EngineParts parts{*c.traffic,
                    [&c](const std::string& reason) -> Result<std::string> {
                      auto flipped = c.backToBlue->rollback(traffic::RollbackRequest{
                          "rollout-switch-check", reason, "novactl", c.clock.now()});
                      if (!flipped.ok()) {
                        return flipped.error();
                      }
                      if (flipped->kind == traffic::SwitchOutcome::Kind::kImpossible) {
                        return Error(ErrorCode::kRefused, flipped->detail);
                      }
                      return flipped->detail;
                    },
                    client,
                    hooks,
                    stop,
                    c.clock,
                    *c.window,
                    args.png};
  Engine engine(c.config, parts, [&](const EngineEvent& e) {
    std::lock_guard lock(outputMutex);
    if (events != nullptr) {
      *events << json::serialize(eventJson(e)) << "\n" << std::flush;
    }
    if (args.output != "json" || events != &out) {
      progress.event(e);
    }
    (*notifier)->onEvent(e, args.rolloutId, args.version, statusUrl);
  });
  EngineOptions options;
  options.rolloutId = args.rolloutId;
  options.version = args.version;
  options.instance = detail::instanceName(c.random);
  options.who = detail::whoRuns();
  options.takeOver = args.takeOver;
  if (args.windowOverride) {
    options.windowOverride = WindowOverride{*args.windowOverride, options.who};
  }
  options.timeout = args.timeout;
  options.skipChecks = std::move(*skips);
  const EngineResult result = engine.run(options);
  progress.finish();
  const NotifyCounts notified = (*notifier)->finish(kNotifyFlush);
  int code = exitCode(result.outcome);
  if (result.outcome == Outcome::kInterrupted && signals.received() != 0) {
    code = interruptedExitCode(signals.received());
  }
  json::object timings;
  for (const auto& t : result.timings) {
    timings[phaseName(t.phase)] = t.elapsed;
  }
  if (args.output == "json") {
    out << json::serialize(json::object{{"rollout_id", args.rolloutId},
                                        {"version", args.version},
                                        {"outcome", outcomeName(result.outcome)},
                                        {"exit_code", code},
                                        {"message", result.message},
                                        {"traffic", trafficSideName(result.traffic)},
                                        {"report", result.reportPath},
                                        {"phase_ms", std::move(timings)},
                                        {"notifications",
                                         {{"delivered", notified.delivered},
                                          {"duplicates", notified.duplicates},
                                          {"failed", notified.failed},
                                          {"pending", notified.pending}}},
                                        {"record", detail::recordJson(result.record)}})
        << "\n";
  } else {
    err << "rollout " << args.version << ": " << outcomeName(result.outcome) << " (exit " << code
        << "): " << result.message << "\n";
    if (!result.reportPath.empty()) {
      err << "report: " << result.reportPath << "\n";
    }
    if (notified.failed > 0 || notified.pending > 0) {
      err << "notifications: " << notified.failed << " failed, " << notified.pending
          << " not delivered yet (kept for the next run); the rollout's outcome is unchanged\n";
    }
  }
  return code;
}

}  // namespace nova::rollout
