#include "nova/rollout/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "engine_run.h"
#include "nova/core/files.h"
#include "nova/core/rfc3339.h"
#include "nova/rollout/agent_status.h"
#include "nova/rollout/report.h"
#include "nova/rollout/report_files.h"

namespace nova::rollout {

Engine::Engine(const RolloutConfig& config, EngineParts parts,
               std::function<void(const EngineEvent&)> events)
    : config_(config), parts_(std::move(parts)), events_(std::move(events)) {}

EngineResult Engine::run(const EngineOptions& options) {
  detail::EngineRun run(config_, parts_, options, events_);
  return run.run();
}

namespace detail {
namespace {

// How long a rollback seen on the traffic object may wait for the agent to report it.
constexpr DurationMs kAgentSettle = 5 * kSecond;

// The first phase of the group whose bound `phase` shares (runbook Phase 1: pre-flight and
// the snapshot; Phase 2: deploy and smoke), so the group's bound counts from its start.
Phase boundGroup(Phase phase) {
  switch (phase) {
    case Phase::kSnapshot:
      return Phase::kPreflight;
    case Phase::kSmoke:
      return Phase::kDeployGreen;
    default:
      return phase;
  }
}

}  // namespace

EngineRun::EngineRun(const RolloutConfig& config, EngineParts& parts, const EngineOptions& options,
                     const std::function<void(const EngineEvent&)>& events)
    : config_(config),
      parts_(parts),
      options_(options),
      events_(events),
      store_(parts.traffic, parts.clock),
      runStarted_(parts.clock.monoNow()) {}

void EngineRun::event(Phase phase, const std::string& step, const std::string& result,
                      const std::string& detail) {
  spdlog::info("rollout {}: {} {}: {} {}", options_.rolloutId, phaseName(phase), step, result,
               detail);
  if (events_) {
    events_(EngineEvent{parts_.clock.now(), std::string(phaseName(phase)), step, result, detail});
  }
}

void EngineRun::step(Record& record, Phase phase, const std::string& name, StepResult result,
                     const std::string& detail) {
  appendStep(record, StepRecord{phase, name, result, parts_.clock.now(), detail});
  event(phase, name, std::string(stepResultName(result)), detail);
}

Status EngineRun::write(const Record& record) {
  Status s = store_.write(record);
  if (s.ok()) {
    lastRecord_ = record;
  }
  return s;
}

HookVariables EngineRun::variables(const Record& record, Phase phase,
                                   const std::string& step) const {
  return {{"NOVA_ROLLOUT_ID", options_.rolloutId},
          {"NOVA_VERSION", options_.version},
          {"NOVA_SNAPSHOT_ID", record.snapshotId},
          {"NOVA_PHASE", std::string(phaseName(phase))},
          {"NOVA_STEP", step},
          {"NOVA_GREEN_URL", config_.smoke.baseUrl},
          {"NOVA_REPORT_DIR", config_.reportDir}};
}

Deadline EngineRun::boundOf(Phase phase) {
  const auto [it, inserted] = phaseStarted_.try_emplace(boundGroup(phase), parts_.clock.monoNow());
  PhaseBounds bounds = config_.bounds;
  if (options_.timeout > 0) {
    bounds.overall = options_.timeout;
  }
  return phaseDeadline(phase, it->second, runStarted_, bounds);
}

MonoTime EngineRun::deadline(Phase phase) {
  return boundOf(phase).at;
}

DurationMs EngineRun::remaining(Phase phase) {
  return std::max<DurationMs>(deadline(phase) - parts_.clock.monoNow(), 1);
}

PhaseEnd EngineRun::timedOut(Phase phase) {
  const Deadline bound = boundOf(phase);
  PhaseBounds bounds = config_.bounds;
  const std::string which =
      bound.overall
          ? "the run's bound (" +
                formatDuration(options_.timeout > 0 ? options_.timeout : bounds.overall) + ")"
          : "the bound of " + std::string(phaseName(phase)) + " (" +
                formatDuration(phaseBound(phase, bounds)) + ")";
  return {PhaseEnd::Kind::kTimedOut, phase,
          which + " ran out in " + std::string(phaseName(phase)) +
              "; stopped at a step boundary, resumable with the same --rollout-id"};
}

bool EngineRun::pastDeadline(Phase phase) {
  return parts_.clock.monoNow() >= deadline(phase);
}

LiveState EngineRun::live(const TrafficRead& read, bool withAgent) {
  LiveState state;
  state.traffic = read.side;
  state.trafficDetail = read.detail;
  state.blueReady = store_.withObject([&](TrafficObject& t) { return t.blueReady(); });
  if (withAgent) {
    if (config_.monitor.agentUrl.empty()) {
      state.agent = AgentVerdict{AgentVerdict::State::kUnreachable, Severity::kNone,
                                 "monitor.agent_url is not set"};
    } else {
      state.agent =
          readAgentVerdict(parts_.http, config_.monitor.agentUrl, options_.rolloutId, 5 * kSecond);
    }
  }
  return state;
}

EngineResult EngineRun::end(Outcome outcome, std::string message) {
  EngineResult result;
  result.outcome = outcome;
  result.message = std::move(message);
  result.record = lastRecord_;
  result.traffic = lastSide_;
  for (const auto& [phase, elapsed] : spent_) {
    result.timings.push_back(PhaseTiming{phase, elapsed});
  }
  if (outcome == Outcome::kRolledBack && lastRecord_) {
    result.reportPath = writeReport(*lastRecord_, outcome);
  }
  store_.release();
  event(lastRecord_ ? lastRecord_->phase : Phase::kPreflight, "end",
        std::string(outcomeName(outcome)), result.message);
  return result;
}

EngineResult EngineRun::finish(Record record, NextStep next, const LiveState& live) {
  const Phase from = record.effectivePhase();
  AgentVerdict agent = live.agent;
  if (next.phase == Phase::kRolledBack && agent.state == AgentVerdict::State::kIncident) {
    // Traffic is on blue while the agent's incident is open: its switch is still checking
    // blue through the proxy. Give it a moment to report, so the outcome and the report
    // say who rolled back.
    const MonoTime until = parts_.clock.monoNow() + kAgentSettle;
    while (agent.state == AgentVerdict::State::kIncident && parts_.clock.monoNow() < until &&
           !parts_.stop.waitFor(250)) {
      agent = readAgentVerdict(parts_.http, config_.monitor.agentUrl, options_.rolloutId, kSecond);
    }
  }
  if (next.phase == Phase::kRolledBack && agent.state == AgentVerdict::State::kRolledBack) {
    next.reason = "the agent rolled back (" + agent.detail + "); " + next.reason;
  }
  record.phase = next.phase;
  record.stoppedIn = next.stoppedIn;
  appendStep(record, StepRecord{from, std::string(phaseName(next.phase)),
                                next.phase == Phase::kDone ? StepResult::kOk : StepResult::kFailed,
                                parts_.clock.now(), next.reason});
  if (Status s = write(record); !s.ok()) {
    return end(Outcome::kError, "could not record the end (" + std::string(phaseName(next.phase)) +
                                    "): " + s.error().message + "; " + next.reason);
  }
  lastSide_ = live.traffic;
  return end(next.outcome, next.reason);
}

PhaseEnd EngineRun::advance(Record& record, Phase from) {
  record.phase = nextRunPhase(from).value_or(Phase::kDone);
  record.stoppedIn.reset();
  if (Status s = write(record); !s.ok()) {
    return {
        s.error().code == ErrorCode::kConflict ? PhaseEnd::Kind::kAgain : PhaseEnd::Kind::kError,
        from, s.error().message};
  }
  return {PhaseEnd::Kind::kNext, record.phase, ""};
}

PhaseEnd EngineRun::windowCheck(Record& record, Phase phase) {
  const TimestampMs now = parts_.clock.now();
  const WindowVerdict verdict = parts_.window.verdict(now, config_.window.expectedDuration);
  auto decision = decideWindow(verdict, options_.windowOverride);
  if (!decision.ok()) {
    return {PhaseEnd::Kind::kRefused, phase, decision.error().message};
  }
  if (!decision->proceed) {
    return {PhaseEnd::Kind::kRefused, phase, "deployment window: " + verdict.reason};
  }
  if (decision->overridden && !record.windowOverride) {
    record.windowOverride =
        OverrideRecord{options_.windowOverride->reason, options_.windowOverride->by, now};
  }
  step(record, phase, "window", StepResult::kOk,
       decision->overridden ? "outside the window (" + verdict.reason +
                                  "), overridden: " + options_.windowOverride->reason
                            : verdict.reason);
  return {PhaseEnd::Kind::kNext, phase, ""};
}

std::optional<std::string> EngineRun::freshStartRefusal() {
  const WindowVerdict verdict =
      parts_.window.verdict(parts_.clock.now(), config_.window.expectedDuration);
  auto decision = decideWindow(verdict, options_.windowOverride);
  if (decision.ok() && decision->proceed) {
    return std::nullopt;
  }
  auto read = store_.read();
  if (!read.ok() || (read->record && read->record->rolloutId == options_.rolloutId)) {
    return std::nullopt;  // the loop reads again and reports, under the lease
  }
  return decision.ok() ? "deployment window: " + verdict.reason : decision.error().message;
}

std::string EngineRun::writeReport(const Record& record, Outcome outcome) {
  ReportInput input;
  input.record = record;
  input.outcome = outcome;
  input.endedAt = parts_.clock.now();
  input.rollbackOption = "switch";
  // The switch's own check flips back when green does not answer; otherwise the agent did.
  const bool byCheck = std::any_of(record.steps.begin(), record.steps.end(), [](const auto& s) {
    return s.name == "verify" && s.result == StepResult::kFailed;
  });
  input.rollbackBy = byCheck ? "novactl (switch check)" : "nova-agent";
  addAgentIncident(parts_.http, config_.monitor.agentUrl, input);
  std::string path = config_.reportDir + "/" + record.rolloutId + "-report.md";
  std::error_code ec;
  std::filesystem::create_directories(config_.reportDir, ec);
  auto files =
      writeReportFiles(path, std::move(input), parts_.http, config_.monitor.agentUrl, parts_.png);
  if (!files.ok()) {
    spdlog::error("rollout: report not written: {}", files.error().message);
    return "";
  }
  if (!files->chartsMissing.empty()) {
    spdlog::warn("rollout: the report's charts are missing: {}", files->chartsMissing);
  }
  return path;
}

PhaseEnd EngineRun::runPhase(Phase phase, Record& record, const TrafficRead& read) {
  const MonoTime start = parts_.clock.monoNow();
  deadline(phase);  // the group's bound counts from here (the first phase of the group)
  PhaseEnd result;
  switch (phase) {
    case Phase::kPreflight:
      result = preflight(record, read);
      break;
    case Phase::kSnapshot:
      result = snapshot(record);
      break;
    case Phase::kDeployGreen:
      result = deployGreen(record);
      break;
    case Phase::kSmoke:
      result = smoke(record);
      break;
    case Phase::kSwitch:
      result = switchTraffic(record, read);
      break;
    case Phase::kCleanupBlue:
      result = cleanupBlue(record);
      break;
    default:
      result = {PhaseEnd::Kind::kError, phase,
                "no work for phase " + std::string(phaseName(phase))};
  }
  spent_[phase] += parts_.clock.monoNow() - start;
  const bool endedBeforeSwitch =
      result.kind == PhaseEnd::Kind::kFinish && result.phase == Phase::kFailedBeforeSwitch;
  if ((result.kind == PhaseEnd::Kind::kNext || endedBeforeSwitch) && pastDeadline(phase)) {
    // The bound is gone: stop before the next phase. A step the bound cut short (a hook, the
    // snapshot's polls) is a time-out, not a failure: the record stays resumable.
    return timedOut(phase);
  }
  return result;
}

EngineResult EngineRun::run() {
  if (auto refusal = freshStartRefusal()) {
    return end(Outcome::kRefused, *refusal);
  }
  LeaseRequest request{options_.rolloutId, options_.instance, options_.who, options_.takeOver,
                       config_.leaseDuration};
  if (Status s = store_.acquire(request, parts_.stop); !s.ok()) {
    switch (s.error().code) {
      case ErrorCode::kRefused:
        return end(Outcome::kRefused, s.error().message);
      case ErrorCode::kInvalidInput:
        return end(Outcome::kUsage, s.error().message);
      case ErrorCode::kUnavailable:
        return end(Outcome::kInterrupted, s.error().message);
      default:
        return end(Outcome::kError, s.error().message);
    }
  }
  store_.startRenewing();
  const MonoTime monitorStart = parts_.clock.monoNow();
  bool monitoring = false;
  // The phase this run just finished, when the loop goes straight on to the next.
  bool advanced = false;
  Phase previous = Phase::kPreflight;
  for (;;) {
    if (parts_.stop.stopRequested()) {
      return end(Outcome::kInterrupted,
                 "stopped (" + parts_.stop.reason() + "); re-run with the same --rollout-id");
    }
    if (store_.lost()) {
      return end(Outcome::kError, "the lease was lost to another run; stopping");
    }
    auto read = store_.read();
    if (!read.ok()) {
      return end(Outcome::kError,
                 "reading " + parts_.traffic.describe() + ": " + read.error().message);
    }
    lastSide_ = read->side;
    const bool ours = read->record && read->record->rolloutId == options_.rolloutId;
    if (ours) {
      lastRecord_ = read->record;
    }
    const bool switched = ours && read->record->switchedAt.has_value();
    const LiveState state = live(*read, switched && read->record->phase == Phase::kMonitor);
    const TimestampMs now = parts_.clock.now();
    const NextStep next = nextStep(ours ? read->record : std::nullopt, options_.rolloutId,
                                   options_.version, state, now, config_.bounds);
    switch (next.kind) {
      case NextStep::Kind::kStop:
        return end(next.outcome, next.reason);
      case NextStep::Kind::kFinish:
        return finish(*read->record, next, state);
      case NextStep::Kind::kWait: {
        advanced = false;
        if (!monitoring) {
          monitoring = true;
          event(Phase::kMonitor, "monitor", "info", next.reason);
        }
        if (pastDeadline(Phase::kMonitor)) {
          return end(Outcome::kTimedOut, "timed out while monitoring; traffic is on " +
                                             std::string(trafficSideName(read->side)) +
                                             "; the agent keeps guarding green");
        }
        const DurationMs left = std::max<DurationMs>(next.waitUntil - now, 1);
        // A stop request ends the wait; the loop's first check then ends the run. The bound
        // ends it too, not the next poll after it.
        parts_.stop.waitFor(
            std::min({left, config_.monitor.pollInterval, remaining(Phase::kMonitor)}));
        spent_[Phase::kMonitor] = parts_.clock.monoNow() - monitorStart;
        continue;
      }
      case NextStep::Kind::kRunPhase:
        break;
    }
    Record record;
    if (ours) {
      record = *read->record;
    } else {
      record.rolloutId = options_.rolloutId;
      record.version = options_.version;
      record.phase = Phase::kPreflight;
      record.startedAt = now;
    }
    if (isBeforeSwitch(next.phase) && !windowChecked_) {
      windowChecked_ = true;
      const PhaseEnd checked = windowCheck(record, next.phase);
      if (checked.kind == PhaseEnd::Kind::kRefused) {
        return end(Outcome::kRefused, checked.reason);
      }
    }
    if (!ours || record.phase != next.phase) {
      record.phase = next.phase;
      record.stoppedIn.reset();
      if (Status s = write(record); !s.ok()) {
        return end(Outcome::kError, "writing the record: " + s.error().message);
      }
    }
    // nextStep speaks of resuming whenever the record is past the start; within one run
    // the phase simply follows the one before.
    std::string started = advanced
                              ? "after " + std::string(phaseName(previous)) + "; traffic is on " +
                                    std::string(trafficSideName(read->side))
                              : next.reason;
    if (next.phase == Phase::kPreflight) {
      // The team hears of skipped checks with the start, not only in the record.
      for (const auto& [name, reason] : options_.skipChecks) {
        started += "; skipping check " + name + " (" + options_.who + ": " + reason + ")";
      }
    }
    event(next.phase, "start", "info", started);
    const PhaseEnd ended = runPhase(next.phase, record, *read);
    advanced = ended.kind == PhaseEnd::Kind::kNext;
    previous = next.phase;
    switch (ended.kind) {
      case PhaseEnd::Kind::kNext:
      case PhaseEnd::Kind::kAgain:
        continue;
      case PhaseEnd::Kind::kFinish: {
        NextStep stop;
        stop.kind = NextStep::Kind::kFinish;
        stop.phase = ended.phase;
        stop.outcome = outcomeOf(ended.phase).value_or(Outcome::kError);
        if (ended.phase == Phase::kNeedsPerson) {
          stop.stoppedIn = next.phase;
        }
        stop.reason = ended.reason;
        LiveState after = state;
        if (auto again = store_.read(); again.ok()) {
          after.traffic = again->side;
        }
        return finish(record, stop, after);
      }
      case PhaseEnd::Kind::kTimedOut:
        return end(Outcome::kTimedOut,
                   ended.reason + "; traffic is on " + std::string(trafficSideName(lastSide_)));
      case PhaseEnd::Kind::kInterrupted:
        return end(Outcome::kInterrupted, ended.reason + "; re-run with the same --rollout-id");
      case PhaseEnd::Kind::kRefused:
        return end(Outcome::kRefused, ended.reason);
      case PhaseEnd::Kind::kError:
        return end(Outcome::kError, ended.reason);
    }
  }
}

}  // namespace detail
}  // namespace nova::rollout
