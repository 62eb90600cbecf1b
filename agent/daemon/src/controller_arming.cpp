// The controller's arming: which rollout it guards, from the record on the traffic object.
#include <spdlog/spdlog.h>

#include <variant>

#include "nova/core/rfc3339.h"
#include "nova/daemon/controller.h"
#include "nova/watch/policy_setup.h"

namespace nova::daemon {
namespace {

constexpr std::size_t kRecentArmingChanges = 20;

std::string shown(const std::string& rolloutId) {
  return rolloutId.empty() ? "(no record)" : rolloutId;
}

}  // namespace

ArmingDecision Controller::sighted(const RolloutSighting& sighting) {
  metrics_.recordRead(sighting.readOk);
  // Once per outage (and per new error), not at every read: the counter has the rest.
  const bool sameFailure =
      lastSighting_ && !lastSighting_->readOk && lastSighting_->detail == sighting.detail;
  if (!sighting.readOk && !sameFailure) {
    spdlog::warn("rollout record not read (the arming stays as it is): {}", sighting.detail);
  } else if (sighting.readOk && lastSighting_ && !lastSighting_->readOk) {
    spdlog::info("rollout record read again");
  }
  lastSighting_ = sighting;
  ArmingInputs inputs;
  inputs.mode = options_.arming;
  inputs.armed = armed_;
  inputs.rollbackDecided = armed_ && watcher_.escalator().rollbackDecided();
  if (restored_) {
    inputs.restoredFor = restored_->rolloutId;
    inputs.restoredRollbackUnfinished = restoredRollbackUnfinished_;
  }
  // A guard without a record keeps today's anchor: traffic_switched_at, else the start.
  inputs.unrecordedSwitchedAt = watcher_.escalator().trafficSwitchedAt();
  ArmingDecision decision = decideArming(inputs, sighting);
  const TimestampMs now = agentTime_.now();
  if (decision.kind == ArmingDecision::Kind::kArm) {
    arm(decision.target, decision.reason, now);
  } else if (decision.kind == ArmingDecision::Kind::kDisarm) {
    disarm(decision.reason, now);
  }
  return decision;
}

void Controller::arm(const ArmedFor& target, const std::string& reason, TimestampMs now) {
  std::optional<std::string> snapshot;
  if (restored_ && restored_->rolloutId == target.rolloutId) {
    snapshot = restored_->escalator;
  } else if (restored_) {
    spdlog::info("arming: discarding the restored state of rollout {}: it is not {}",
                 shown(restored_->rolloutId), shown(target.rolloutId));
  }
  restored_.reset();
  const auto& rules = watcher_.ruleSet();
  const auto& policy = watcher_.escalator().config();
  auto escalator = watch::makeEscalator(rules, policy, target.switchedAt, snapshot);
  if (!escalator.ok() && snapshot) {
    spdlog::error("arming: restored state not usable, starting fresh: {}",
                  escalator.error().message);
    snapshot.reset();
    escalator = watch::makeEscalator(rules, policy, target.switchedAt, std::nullopt);
  }
  if (!escalator.ok()) {
    spdlog::error("arming for rollout {} failed: {}", shown(target.rolloutId),
                  escalator.error().message);
    return;
  }
  if (snapshot) {
    options_.restoredFromFuture = reanchorRestoredState(*escalator, now);
    if (options_.restoredFromFuture && options_.restoredFromFuture->beyondBound) {
      metrics_.stateFromFuture();
    }
  }
  replaceWatcher(std::move(escalator).value());
  armed_ = target;
  // A restored escalator keeps its own switch time (a restart changes nothing).
  armed_->switchedAt = watcher_.escalator().trafficSwitchedAt();
  armedSince_ = now;
  if (snapshot) {
    restoreTimelineFromJournal();
  }
  const std::string detail = (snapshot ? "restored state; " : "fresh state; ") + reason;
  spdlog::warn("armed for rollout {} version {} switched at {}: {}", shown(target.rolloutId),
               target.version.empty() ? "-" : target.version,
               formatRfc3339(armed_->switchedAt, SubSecond::kMillis), detail);
  metrics_.armingChanged(true);
  armingChanges_.push_back({now, "armed", target.rolloutId, detail});
  journal({now, target.rolloutId, "armed", "", "", detail, false});
  if (armingChanges_.size() > kRecentArmingChanges) {
    armingChanges_.pop_front();
  }
}

void Controller::disarm(const std::string& reason, TimestampMs now) {
  const std::string id = armed_ ? armed_->rolloutId : "";
  // The state stays for /status and the report; a later arming replaces it.
  armed_.reset();
  armedSince_.reset();
  spdlog::warn("disarmed (shadow) after rollout {}: {}", shown(id), reason);
  metrics_.armingChanged(false);
  armingChanges_.push_back({now, "disarmed", id, reason});
  journal({now, id, "disarmed", "", "", reason, false});
  if (armingChanges_.size() > kRecentArmingChanges) {
    armingChanges_.pop_front();
  }
}

void Controller::replaceWatcher(policy::Escalator escalator) {
  rules::RuleSet rules = watcher_.ruleSet();
  watcher_ = watch::Watcher(std::move(rules), std::move(escalator), options_.watch);
  timelineIncident_.clear();
  timeline_.clear();
}

// The incident restored from the state file gets its timeline back from the journal, so
// /status (and the report built from it) shows what happened before the restart.
void Controller::restoreTimelineFromJournal() {
  const auto incident = watcher_.escalator().incident();
  if (!incident || options_.journal == nullptr || !armed_) {
    return;
  }
  auto entries = options_.journal->readAll();
  if (!entries.ok()) {
    return;
  }
  timelineIncident_ = incident->id;
  for (const auto& e : *entries) {
    if (e.shadow || e.rolloutId != armed_->rolloutId || e.incident != incident->id) {
      continue;
    }
    if (auto kind = policy::parseEventKind(e.kind)) {
      timeline_.push_back({e.at, *kind, e.rule, e.detail});
    }
  }
}

void Controller::shadowAction(const watch::Action& action, TimestampMs at) {
  ++shadowActions_;
  std::string kind;
  std::string detail;
  std::string incident;
  if (const auto* rollback = std::get_if<watch::RollbackAction>(&action)) {
    kind = "rollback";
    incident = rollback->request.incidentId;
    detail = "would roll back: " + rollback->request.reason;
  } else {
    const auto& n = std::get<watch::NotifyAction>(action).notification;
    kind = std::string(notify::toString(n.kind));
    incident = n.incidentId;
    detail = "would send " + kind + " (" + n.action + ")";
  }
  metrics_.shadowAction(kind);
  spdlog::info("shadow: {} for incident {}; {}, nothing done", detail,
               incident.empty() ? "-" : incident, armed_ ? "following the leader" : "not armed");
  journal({at, "", "shadow_action", incident, "", detail, true});
}

void Controller::journal(const JournalEntry& entry) {
  if (options_.journal == nullptr) {
    return;
  }
  if (Status s = options_.journal->append(entry); !s) {
    spdlog::error("journal not written: {}", s.error().message);
  }
}

std::optional<std::string> Controller::persistentState() const {
  if (!armed_) {
    return std::nullopt;
  }
  return encodeStoredState({armed_->rolloutId, armed_->version, snapshot()});
}

}  // namespace nova::daemon
