#include "nova/watch/watcher.h"

#include <algorithm>

#include "nova/core/rfc3339.h"
#include "nova/watch/notifications.h"
#include "nova/watch/policy_setup.h"
#include "refused_series.h"

namespace nova::watch {
namespace {

constexpr std::string_view kAgent = "agent";
// RollbackState::outcome of a rollback restored from a snapshot, before its first attempt.
constexpr std::string_view kResumed = "resumed";

Result<policy::Decision> apply(policy::Escalator& escalator, const Command& command,
                               TimestampMs now) {
  switch (command.kind) {
    case Command::Kind::kHold:
      return escalator.hold(now, now + command.holdFor, command.who, command.reason,
                            command.holdCovers);
    case Command::Kind::kRelease:
      return escalator.release(now, command.who);
    case Command::Kind::kRollback:
      return escalator.forceRollback(now, command.who, command.reason);
  }
  return Error(ErrorCode::kInvalidInput, "unknown command");
}

}  // namespace

bool Output::decided() const {
  return !decision.events.empty() || decision.action != policy::Action::kNone;
}

Watcher::Watcher(rules::RuleSet ruleSet, policy::Escalator escalator, WatchOptions options)
    : ruleSet_(std::move(ruleSet)),
      readNames_(detail::readNamesByRule(ruleSet_)),
      escalator_(std::move(escalator)),
      options_(std::move(options)) {
  // A rollback decided before a restart and not known done (the process died while the
  // switch ran) is carried out again at the first tick: the switches are idempotent, so a
  // flip that did land answers "already on blue" and completes it.
  if (const auto incident = escalator_.incident();
      incident && incident->state == policy::IncidentState::kRollingBack) {
    const TimestampMs decidedAt = incident->rollbackAt.value_or(incident->startedAt);
    traffic::RollbackRequest request{
        incident->id,
        "resumed: rollback decided at " + formatRfc3339(decidedAt) + " was not known done",
        std::string(kAgent), decidedAt};
    rollback_ = RollbackState{std::move(request), 0, MonoTime{}, std::string(kResumed),
                              "decided before a restart; carried out at the first tick"};
  }
}

bool Watcher::rollbackUnfinished() const {
  const auto incident = escalator_.incident();
  return incident && incident->state == policy::IncidentState::kRollingBack;
}

TickOutput Watcher::tick(const tsdb::Storage& storage, TickTime time, const tsdb::Refusals& refused,
                         const rules::RemoteAnswers* remote) {
  const TimestampMs now = std::max(time.evaluateAt, lastTick_.value_or(time.evaluateAt));
  TickOutput out;
  out.at = now;
  if (rollback_ && rollback_->retryAt && time.mono >= *rollback_->retryAt) {
    rollback_->retryAt.reset();
    ++rollback_->attempts;
    const bool resumed = rollback_->outcome == kResumed;
    rollback_->outcome = "pending";
    out.notes.push_back(
        {Note::Level::kWarning,
         (resumed ? "resuming the rollback of incident " + rollback_->request.incidentId +
                        " decided before a restart"
                  : "retrying rollback of incident " + rollback_->request.incidentId) +
             " (attempt " + std::to_string(rollback_->attempts) + ")"});
    out.actions.emplace_back(RollbackAction{rollback_->request, rollback_->attempts});
  }
  out.results = rules::evaluateRules(ruleSet_, engine_, storage, now, remote);
  detail::judgeRefusedAsUnknown(out.results, readNames_, refused);
  lastTick_ = now;
  decided(escalator_.step(rules::observations(out.results), now), now, std::string(kAgent), out);
  return out;
}

Result<Output> Watcher::command(const Command& command, Now now) {
  if (command.kind == Command::Kind::kRollback && rollbackUnfinished()) {
    return finishRollback(command, now);
  }
  auto decision = apply(escalator_, command, now.wall);
  if (!decision.ok()) {
    return decision.error();
  }
  Output out;
  out.at = now.wall;
  decided(std::move(decision).value(), now.wall, command.who, out);
  return out;
}

Result<Output> Watcher::finishRollback(const Command& command, Now now) {
  // A rollback decided but not done may always be driven again by a person: after the
  // retries gave up, or after a restart lost the attempt in flight. One attempt at a time:
  // while one runs, its answer comes first.
  if (rollback_ && rollback_->outcome == "pending" && !rollback_->retryAt) {
    return Error(ErrorCode::kConflict, "rollback: the rollback of incident " +
                                           rollback_->request.incidentId + " is running (attempt " +
                                           std::to_string(rollback_->attempts) + ")");
  }
  const auto incident = escalator_.incident();
  traffic::RollbackRequest request{
      incident->id, command.reason.empty() ? "finish the decided rollback" : command.reason,
      command.who, now.wall};
  const int attempt = rollback_ ? rollback_->attempts + 1 : 1;
  rollback_ = RollbackState{request, attempt, std::nullopt, "pending", ""};
  Output out;
  out.at = now.wall;
  out.notes.push_back(
      {Note::Level::kWarning, command.who + " drives the unfinished rollback of incident " +
                                  incident->id + " (attempt " + std::to_string(attempt) + ")"});
  out.actions.emplace_back(RollbackAction{std::move(request), attempt});
  return out;
}

void Watcher::decided(policy::Decision decision, TimestampMs now, const std::string& who,
                      Output& out) {
  out.decision = std::move(decision);
  if (!out.decided()) {
    return;
  }
  for (auto& n : notificationsFor(out.decision, options_.statusUrl, now)) {
    out.actions.emplace_back(NotifyAction{std::move(n), false});
  }
  if (out.decision.action == policy::Action::kRollback) {
    traffic::RollbackRequest request{out.decision.incident ? out.decision.incident->id : "",
                                     out.decision.reason, who, now};
    rollback_ = RollbackState{request, 1, std::nullopt, "pending", ""};
    out.actions.emplace_back(RollbackAction{std::move(request), 1});
  }
}

Output Watcher::rollbackFinished(const RollbackReport& report, Now now) {
  Output out;
  out.at = now.wall;
  if (!rollback_) {
    rollback_ = RollbackState{report.request, 1, std::nullopt, "", ""};
  }
  const std::string& incident = report.request.incidentId;
  if (report.outcome) {
    const auto kind = report.outcome->kind;
    rollback_->outcome = std::string(traffic::toString(kind));
    rollback_->detail = report.outcome->detail;
    if (kind == traffic::SwitchOutcome::Kind::kImpossible) {
      giveUp(report.request, "rollback impossible: " + report.outcome->detail, now.wall, out);
      return out;
    }
    out.notes.push_back({Note::Level::kWarning, "rollback of incident " + incident +
                                                    " done: " + rollback_->outcome + " (" +
                                                    report.outcome->detail + ")"});
    auto completed = escalator_.rollbackCompleted(now.wall, report.outcome->detail);
    if (!completed.ok()) {
      out.notes.push_back(
          {Note::Level::kError,
           "rollback completed but the escalator refused it: " + completed.error().message});
      return out;
    }
    decided(std::move(completed).value(), now.wall, report.request.who, out);
    return out;
  }
  rollback_->outcome = "error";
  rollback_->detail = report.error.message;
  if (rollback_->attempts < options_.rollbackAttempts) {
    rollback_->retryAt = now.mono + options_.rollbackRetry;
    out.notes.push_back({Note::Level::kError,
                         "rollback of incident " + incident + " failed (attempt " +
                             std::to_string(rollback_->attempts) + " of " +
                             std::to_string(options_.rollbackAttempts) + "), retrying in " +
                             formatDuration(options_.rollbackRetry) + ": " + report.error.message});
    return out;
  }
  giveUp(report.request,
         "rollback failed after " + std::to_string(rollback_->attempts) +
             " attempts: " + report.error.message,
         now.wall, out);
  return out;
}

void Watcher::giveUp(const traffic::RollbackRequest& request, const std::string& reason,
                     TimestampMs now, Output& out) {
  out.notes.push_back({Note::Level::kCritical, "incident " + request.incidentId + ": " + reason +
                                                   "; a person must move traffic to blue"});
  out.actions.emplace_back(
      NotifyAction{rollbackImpossible(request, reason, options_.statusUrl, now), true});
}

Status Watcher::replaceRules(rules::RuleSet ruleSet, const std::optional<std::string>& policyYaml) {
  auto policy = effectivePolicy(ruleSet, policyYaml);
  if (!policy.ok()) {
    return policy.error();
  }
  auto escalator =
      makeEscalator(ruleSet, *policy, escalator_.trafficSwitchedAt(), escalator_.snapshot());
  if (!escalator.ok()) {
    return escalator.error();
  }
  escalator_ = std::move(escalator).value();
  ruleSet_ = std::move(ruleSet);
  readNames_ = detail::readNamesByRule(ruleSet_);
  return {};
}

}  // namespace nova::watch
