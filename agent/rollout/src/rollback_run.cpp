// The steps every rollback option shares: the lease, the record of each step, blue back up
// and the flip to blue.
#include "rollback_run.h"

#include <algorithm>

#include "nova/core/rfc3339.h"
#include "nova/rollout/record_patch.h"

namespace nova::rollout::detail {
namespace {

constexpr int kWriteAttempts = 3;
constexpr DurationMs kPoll = kSecond;

TrafficSide sideOf(const std::optional<TrafficRead>& read) {
  return read ? read->side : TrafficSide::kUnknown;
}

}  // namespace

void RollbackRun::emit(const StepLine& line, std::optional<RollbackNotice> notice) {
  if (line.step != "end") {
    stage_ = std::string(line.stage);
  }
  if (!events_) {
    return;
  }
  RollbackEvent e;
  e.line =
      EngineEvent{parts.clock.now(), std::string(line.stage), line.step, line.result, line.detail};
  e.stage = stage_;
  e.notice = notice;
  e.option = order.option;
  if (read && read->record) {
    e.rolloutId = read->record->rolloutId;
    e.version = read->record->version;
  } else {
    // No rollout to key the news on: this run's start keys it, so a later rollback of the
    // same object is news again (a re-run of this one is announced again too).
    std::string at = formatRfc3339(startedAt_, SubSecond::kNone);
    at.erase(std::remove_if(at.begin(), at.end(), [](char c) { return c == '-' || c == ':'; }),
             at.end());
    e.rolloutId = "unrecorded-" + at;
  }
  e.who = order.who;
  e.traffic = sideOf(read);
  events_(e);
}

void RollbackRun::say(const StepLine& line, bool acted) {
  if (acted) {
    result.actions.push_back(line.detail);
  }
  emit(line, std::nullopt);
}

void RollbackRun::announce(const StepLine& line, RollbackNotice notice) {
  emit(line, notice);
}

Status RollbackRun::begin(const std::string& detail) {
  if (Status s = takeLease(); !s.ok()) {
    return s;
  }
  begun_ = true;
  std::string text = "reason: " + order.reason;
  if (!detail.empty()) {
    text += "; " + detail;
  }
  announce({"rollback", "start", "info", text}, RollbackNotice::kStarted);
  return {};
}

Status RollbackRun::reread() {
  auto fresh = parts.traffic.read();
  if (!fresh.ok()) {
    return fresh.error();
  }
  read = std::move(*fresh);
  result.record = read->record;
  result.traffic = read->side;
  return {};
}

Status RollbackRun::takeLease() {
  const std::string holder = read && read->record ? read->record->rolloutId : "rollback";
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    if (Status s = reread(); !s.ok()) {
      return s;
    }
    LeaseRequest request{holder, order.instance, order.who, std::nullopt, config.leaseDuration};
    const Lease next = acquireLease(request, read->lease, parts.clock.now());
    auto patch = leasePatch(read->object, next);
    if (!patch.ok()) {
      return patch.error();
    }
    Status applied = parts.traffic.apply(*read, *patch);
    if (applied.ok()) {
      lease = next;
      return reread();
    }
    if (applied.error().code != ErrorCode::kConflict) {
      return applied;
    }
  }
  return Error(ErrorCode::kConflict, "the traffic object kept changing; try again");
}

Status RollbackRun::renewLease() {
  if (Status s = reread(); !s.ok()) {
    return s;
  }
  if (!read->lease || !lease || *read->lease != *lease) {
    return Error(ErrorCode::kConflict, "another run took the lease" +
                                           (read->lease ? " (" + read->lease->holder + ")" : ""));
  }
  const Lease next = rollout::renewLease(*lease, parts.clock.now());
  auto patch = leasePatch(read->object, next);
  if (!patch.ok()) {
    return patch.error();
  }
  if (Status s = parts.traffic.apply(*read, *patch); !s.ok()) {
    return s;
  }
  lease = next;
  return {};
}

void RollbackRun::releaseLease() {
  if (!lease || !reread().ok()) {
    return;
  }
  if (auto patch = releasePatch(read->object, *lease); patch.ok()) {
    (void)parts.traffic.apply(*read, *patch);
  }
}

bool RollbackRun::recorded(const std::string& name) const {
  if (!read || !read->record) {
    return false;
  }
  const auto& steps = read->record->steps;
  return std::any_of(steps.begin(), steps.end(), [&](const StepRecord& step) {
    return step.name == name && step.result == StepResult::kOk;
  });
}

Status RollbackRun::record(const std::string& name, const std::string& detail,
                           const std::function<void(Record&)>& change) {
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    if (Status s = reread(); !s.ok()) {
      return s;
    }
    if (!read->record) {
      return Error(ErrorCode::kNotFound, parts.traffic.describe() + " has no rollout record");
    }
    Record next = *read->record;
    appendStep(next, StepRecord{next.effectivePhase(), name, StepResult::kOk, parts.clock.now(),
                                detail + " (by " + order.who + ")"});
    if (change) {
      change(next);
    }
    auto patch = recordPatch(read->object, next, *lease);
    if (!patch.ok()) {
      return patch.error();
    }
    Status applied = parts.traffic.apply(*read, *patch);
    if (applied.ok()) {
      return reread();
    }
    if (applied.error().code != ErrorCode::kConflict) {
      return applied;
    }
  }
  return Error(ErrorCode::kConflict, "the record kept changing while writing " + name);
}

Status RollbackRun::restoreBlue() {
  const Record* r = read && read->record ? &*read->record : nullptr;
  if (r == nullptr || !r->blue || r->blue->replicas <= 0) {
    return {};
  }
  const std::int64_t replicas = r->blue->replicas;
  const std::string step = stepName("blue-scaled");
  if (!recorded(step)) {
    say({"blue", "scale", "info", "scaling blue back to " + std::to_string(replicas) + " replicas"},
        true);
    if (Status s = parts.traffic.scaleBlue(replicas); !s.ok()) {
      return s;
    }
    if (Status s = record(step, "blue scaled to " + std::to_string(replicas) + " replicas");
        !s.ok()) {
      return s;
    }
  }
  const MonoTime until = parts.clock.monoNow() + config.bounds.switchTraffic;
  std::optional<std::int64_t> shown;
  for (;;) {
    const auto ready = parts.traffic.blueReady();
    const std::string count = (ready ? std::to_string(*ready) : std::string("?")) + " of " +
                              std::to_string(replicas) + " replicas ready";
    if (ready && *ready >= replicas) {
      say({"blue", "ready", "ok", "blue ready: " + count});
      return {};
    }
    if (ready && ready != shown) {
      say({"blue", "ready", "info", "waiting for blue: " + count});
      shown = ready;
    }
    if (parts.clock.monoNow() >= until) {
      return Error(ErrorCode::kTimeout,
                   "blue has " + count + " after " + formatDuration(config.bounds.switchTraffic));
    }
    if (parts.stop.waitFor(kPoll)) {
      return Error(ErrorCode::kUnavailable, "blue was scaling up");
    }
  }
}

Status RollbackRun::flipToBlue() {
  const std::string holder = read && read->record ? read->record->rolloutId : "rollback";
  // The switch answers a repeated flip as done; whether this run moved traffic is what the
  // read before says.
  const bool wasBlue = read && read->side == TrafficSide::kBlue;
  say({"flip", "flip", "info", "moving traffic to blue through the guarded switch"});
  auto flipped = parts.backToBlue.rollback(
      traffic::RollbackRequest{"manual-" + holder, order.reason, order.who, parts.clock.now()});
  if (!flipped.ok()) {
    return flipped.error();
  }
  if (flipped->kind == traffic::SwitchOutcome::Kind::kImpossible) {
    return Error(ErrorCode::kRefused, flipped->detail);
  }
  say({"flip", "flip", "ok", "flip: " + flipped->detail},
      !wasBlue && flipped->kind == traffic::SwitchOutcome::Kind::kFlipped);
  if (Status s = reread(); !s.ok()) {
    return s;
  }
  if (read->side != TrafficSide::kBlue) {
    return Error(ErrorCode::kUnavailable, "traffic is not verified on blue: " + read->detail);
  }
  if (read->record && read->record->phase != Phase::kRolledBack) {
    Status s = record(stepName("flipped"),
                      "--option " + std::string(rollbackOptionName(order.option)) + ": " +
                          order.reason + "; traffic verified on blue (" + read->detail + ")",
                      [](Record& next) {
                        next.phase = Phase::kRolledBack;
                        next.stoppedIn.reset();
                      });
    if (!s.ok()) {
      return s;
    }
  }
  announce({"flip", "verified", "ok", "traffic verified on blue (" + read->detail + ")"},
           RollbackNotice::kOnBlue);
  return {};
}

void finish(RollbackRun& run, Outcome outcome, std::string message) {
  run.result.outcome = outcome;
  run.result.message = std::move(message);
  run.result.traffic = sideOf(run.read);
  if (run.read) {
    run.result.record = run.read->record;
  }
}

namespace {

void finishStopped(RollbackRun& run, const std::string& what) {
  finish(run, Outcome::kInterrupted,
         "stopped (" + run.parts.stop.reason() + ") at a step boundary" +
             (what.empty() ? "" : ": " + what) +
             "; the record says what is done: run the rollback again to continue");
}

}  // namespace

bool stoppedAtBoundary(RollbackRun& run) {
  if (!run.parts.stop.stopRequested()) {
    return false;
  }
  finishStopped(run, "");
  return true;
}

void sayEnd(RollbackRun& run) {
  const Outcome outcome = run.result.outcome;
  const StepLine line{"rollback", "end", std::string(outcomeName(outcome)), run.result.message};
  if (run.begun() && (outcome == Outcome::kNeedsPerson || outcome == Outcome::kError)) {
    run.announce(line, RollbackNotice::kFailed);
  } else {
    run.say(line);
  }
}

void failStep(RollbackRun& run, Outcome otherwise, const std::string& message) {
  if (run.parts.stop.stopRequested()) {
    finishStopped(run, message);
  } else {
    finish(run, otherwise, message);
  }
}

}  // namespace nova::rollout::detail
