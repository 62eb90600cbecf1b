// The steps every rollback option shares: the lease, the record of each step, blue back up
// and the flip to blue.
#include "rollback_run.h"

#include <algorithm>

#include "nova/rollout/record_patch.h"

namespace nova::rollout::detail {
namespace {

constexpr int kWriteAttempts = 3;
constexpr DurationMs kPoll = kSecond;

TrafficSide sideOf(const std::optional<TrafficRead>& read) {
  return read ? read->side : TrafficSide::kUnknown;
}

}  // namespace

void RollbackRun::say(const std::string& line, bool acted) {
  if (acted) {
    result.actions.push_back(line);
  }
  if (progress_) {
    progress_(line);
  }
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
    say("scaling blue back to " + std::to_string(replicas) + " replicas", true);
    if (Status s = parts.traffic.scaleBlue(replicas); !s.ok()) {
      return s;
    }
    if (Status s = record(step, "blue scaled to " + std::to_string(replicas) + " replicas");
        !s.ok()) {
      return s;
    }
  }
  const MonoTime until = parts.clock.monoNow() + config.bounds.switchTraffic;
  for (;;) {
    const auto ready = parts.traffic.blueReady();
    if (ready && *ready >= replicas) {
      say("blue ready: " + std::to_string(*ready) + " replicas");
      return {};
    }
    if (parts.clock.monoNow() >= until) {
      return Error(ErrorCode::kTimeout,
                   "blue has " + (ready ? std::to_string(*ready) : std::string("?")) + " of " +
                       std::to_string(replicas) + " replicas ready after " +
                       formatDuration(config.bounds.switchTraffic));
    }
    if (parts.stop.waitFor(kPoll)) {
      return Error(ErrorCode::kUnavailable, "stopped while blue scales up");
    }
  }
}

Status RollbackRun::flipToBlue() {
  const std::string holder = read && read->record ? read->record->rolloutId : "rollback";
  // The switch answers a repeated flip as done; whether this run moved traffic is what the
  // read before says.
  const bool wasBlue = read && read->side == TrafficSide::kBlue;
  auto flipped = parts.backToBlue.rollback(
      traffic::RollbackRequest{"manual-" + holder, order.reason, order.who, parts.clock.now()});
  if (!flipped.ok()) {
    return flipped.error();
  }
  if (flipped->kind == traffic::SwitchOutcome::Kind::kImpossible) {
    return Error(ErrorCode::kRefused, flipped->detail);
  }
  say("flip: " + flipped->detail,
      !wasBlue && flipped->kind == traffic::SwitchOutcome::Kind::kFlipped);
  if (Status s = reread(); !s.ok()) {
    return s;
  }
  if (read->side != TrafficSide::kBlue) {
    return Error(ErrorCode::kUnavailable, "traffic is not verified on blue: " + read->detail);
  }
  if (!read->record || read->record->phase == Phase::kRolledBack) {
    return {};
  }
  return record(stepName("flipped"),
                "--option " + std::string(rollbackOptionName(order.option)) + ": " + order.reason +
                    "; traffic verified on blue (" + read->detail + ")",
                [](Record& next) {
                  next.phase = Phase::kRolledBack;
                  next.stoppedIn.reset();
                });
}

void finish(RollbackRun& run, Outcome outcome, std::string message) {
  run.result.outcome = outcome;
  run.result.message = std::move(message);
  run.result.traffic = sideOf(run.read);
  if (run.read) {
    run.result.record = run.read->record;
  }
}

bool stoppedAtBoundary(RollbackRun& run) {
  if (!run.parts.stop.stopRequested()) {
    return false;
  }
  finish(run, Outcome::kInterrupted,
         "stopped (" + run.parts.stop.reason() +
             ") at a step boundary; the record says what is done: run the rollback again to "
             "continue");
  return true;
}

Outcome failedStep(const RollbackRun& run, Outcome otherwise) {
  return run.parts.stop.stopRequested() ? Outcome::kInterrupted : otherwise;
}

}  // namespace nova::rollout::detail
