// `novactl rollback --option switch`: blue first (back to its recorded replicas, ready and
// healthy), then the flip, then the check that traffic is on blue. The runbook flips
// first, which after Phase 4 sends every user to zero pods.
#include <boost/json.hpp>
#include <filesystem>
#include <iostream>

#include "command_support.h"
#include "nova/core/files.h"
#include "nova/rollout/agent_status.h"
#include "nova/rollout/commands.h"
#include "nova/rollout/exit_code.h"
#include "nova/rollout/lease.h"
#include "nova/rollout/record_patch.h"
#include "nova/rollout/report.h"
#include "nova/rollout/report_files.h"
#include "signal_stop.h"

namespace nova::rollout {
namespace {

constexpr DurationMs kPoll = kSecond;

// Takes the lease whoever holds it: a rollback pre-empts a running rollout, whose next
// renewal then finds it gone and stops.
Result<Lease> preempt(TrafficObject& traffic, const std::string& holder, Random& random,
                      const Clock& clock) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto read = traffic.read();
    if (!read.ok()) {
      return read.error();
    }
    LeaseRequest request{holder, detail::instanceName(random), detail::whoRuns(), std::nullopt,
                         30 * kSecond};
    const Lease next = acquireLease(request, read->lease, clock.now());
    auto patch = leasePatch(read->object, next);
    if (!patch.ok()) {
      return patch.error();
    }
    Status applied = traffic.apply(*read, *patch);
    if (applied.ok()) {
      return next;
    }
    if (applied.error().code != ErrorCode::kConflict) {
      return applied.error();
    }
  }
  return Error(ErrorCode::kConflict, "the traffic object kept changing; try again");
}

// Scales blue back to `replicas` and waits until they are ready, within `bound`.
Status restoreBlue(detail::CommandContext& c, std::int64_t replicas, DurationMs bound,
                   StopSource& stop, std::ostream& err) {
  err << "scaling blue back to " << replicas << " replicas\n";
  if (Status s = c.traffic->scaleBlue(replicas); !s.ok()) {
    return s;
  }
  const MonoTime until = c.clock.monoNow() + bound;
  for (;;) {
    const auto ready = c.traffic->blueReady();
    if (ready && *ready >= replicas) {
      err << "blue ready: " << *ready << " replicas\n";
      return {};
    }
    if (c.clock.monoNow() >= until) {
      return Error(ErrorCode::kTimeout,
                   "blue has " + (ready ? std::to_string(*ready) : std::string("?")) + " of " +
                       std::to_string(replicas) + " replicas ready after " + formatDuration(bound));
    }
    if (stop.waitFor(kPoll)) {
      return Error(ErrorCode::kUnavailable, "stopped while blue scales up");
    }
  }
}

}  // namespace

int runRollback(const RollbackArgs& args, std::ostream& out, std::ostream& err) {
  if (args.option != "switch") {
    err << "novactl rollback: --option " << args.option
        << " is not available; this build has --option switch\n";
    return exitCode(Outcome::kUsage);
  }
  auto context = detail::openContext(args.configFile, args.reportDir, err);
  if (!context) {
    return exitCode(Outcome::kUsage);
  }
  detail::CommandContext& c = *context;
  auto read = detail::readTraffic(c, "rollback", err);
  if (!read) {
    return exitCode(Outcome::kError);
  }
  const std::optional<Record> record = read->record;
  const bool scaleBlue = record && record->blue && record->blue->replicas > 0;
  if (args.dryRun) {
    out << "rollback --option switch (dry run: nothing changes)\n"
        << "  traffic now: " << trafficSideName(read->side) << " (" << read->detail << ")\n";
    if (record) {
      out << "  1. take the lease from " << (read->lease ? read->lease->holder : "nobody")
          << " (pre-empts rollout " << record->rolloutId << ")\n";
    }
    out << "  2. "
        << (scaleBlue ? "scale blue back to " + std::to_string(record->blue->replicas) +
                            " replicas and wait until they are ready"
                      : std::string("check blue is healthy (nothing recorded to scale)"))
        << "\n"
        << "  3. move " << c.traffic->describe() << " to blue\n"
        << "  4. read it back: traffic must be on blue\n";
    return 0;
  }
  StopSource stop(c.clock);
  detail::SignalStop signals(stop);
  const std::string holder = record ? record->rolloutId : "rollback";
  auto lease = preempt(*c.traffic, holder, c.random, c.clock);
  if (!lease.ok()) {
    err << "novactl rollback: taking the lease: " << lease.error().message << "\n";
    return exitCode(Outcome::kError);
  }
  if (scaleBlue) {
    if (Status s = restoreBlue(c, record->blue->replicas, c.config.bounds.switchTraffic, stop, err);
        !s.ok()) {
      err << "novactl rollback: " << s.error().message << "; traffic is still on "
          << trafficSideName(read->side) << "\n";
      return exitCode(s.error().code == ErrorCode::kUnavailable ? Outcome::kInterrupted
                                                                : Outcome::kNeedsPerson);
    }
  }
  auto flipped = c.backToBlue->rollback(
      traffic::RollbackRequest{"manual-" + holder, args.reason, detail::whoRuns(), c.clock.now()});
  if (!flipped.ok() || flipped->kind == traffic::SwitchOutcome::Kind::kImpossible) {
    err << "novactl rollback: the flip failed: "
        << (flipped.ok() ? flipped->detail : flipped.error().message) << "\n";
    return exitCode(Outcome::kNeedsPerson);
  }
  err << "flip: " << flipped->detail << "\n";
  auto after = c.traffic->read();
  if (!after.ok() || after->side != TrafficSide::kBlue) {
    err << "novactl rollback: traffic is not verified on blue: "
        << (after.ok() ? after->detail : after.error().message) << "\n";
    return exitCode(Outcome::kNeedsPerson);
  }
  std::string reportPath;
  if (after->record) {
    Record next = *after->record;
    next.phase = Phase::kRolledBack;
    next.stoppedIn.reset();
    appendStep(next, StepRecord{after->record->effectivePhase(), "rollback", StepResult::kOk,
                                c.clock.now(),
                                "--option switch by " + detail::whoRuns() + ": " + args.reason});
    if (auto patch = recordPatch(after->object, next, *lease); patch.ok()) {
      if (Status s = c.traffic->apply(*after, *patch); !s.ok()) {
        err << "novactl rollback: the record was not updated: " << s.error().message << "\n";
      }
    }
    ReportInput input;
    input.record = next;
    input.outcome = Outcome::kRolledBack;
    input.endedAt = c.clock.now();
    input.rollbackOption = "switch";
    input.rollbackBy = detail::whoRuns();
    input.rolledBackAt = c.clock.now();
    std::error_code ec;
    std::filesystem::create_directories(c.config.reportDir, ec);
    reportPath = c.config.reportDir + "/" + next.rolloutId + "-rollback-report.md";
    http::Client client;
    addAgentIncident(client, c.config.monitor.agentUrl, input);
    auto files =
        writeReportFiles(reportPath, std::move(input), client, c.config.monitor.agentUrl, args.png);
    if (!files.ok()) {
      err << "novactl rollback: report not written: " << files.error().message << "\n";
      reportPath.clear();
    } else if (!files->chartsMissing.empty()) {
      err << "novactl rollback: the report's charts are missing: " << files->chartsMissing << "\n";
    }
  }
  if (auto latest = c.traffic->read(); latest.ok()) {
    if (auto patch = releasePatch(latest->object, *lease); patch.ok()) {
      (void)c.traffic->apply(*latest, *patch);
    }
  }
  if (args.output == "json") {
    out << boost::json::serialize(boost::json::object{{"outcome", "rolled_back"},
                                                      {"traffic", "blue"},
                                                      {"detail", flipped->detail},
                                                      {"report", reportPath}})
        << "\n";
  } else {
    out << "rolled back: traffic verified on blue (" << after->detail << ")\n";
    if (!reportPath.empty()) {
      out << "report: " << reportPath << "\n";
    }
  }
  return 0;
}

}  // namespace nova::rollout
