#include "nova/daemon/controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "nova/daemon/setup.h"

namespace nova::daemon {
namespace {

constexpr std::size_t kRecentEvents = 256;
constexpr std::size_t kRecentDecisions = 100;

std::string eventKinds(const policy::Decision& decision) {
  std::string out;
  for (const auto& e : decision.events) {
    out += (out.empty() ? "" : ",") + std::string(policy::toString(e.kind));
  }
  return out.empty() ? "-" : out;
}

}  // namespace

Controller::Controller(rules::RuleSet ruleSet, policy::Escalator escalator, tsdb::Storage& storage,
                       const Clock& clock, ActionQueue& queue, AgentMetrics& metrics,
                       ControllerOptions options)
    : ruleSet_(std::move(ruleSet)),
      escalator_(std::move(escalator)),
      storage_(storage),
      clock_(clock),
      queue_(queue),
      metrics_(metrics),
      options_(std::move(options)) {}

void Controller::observe(const scrape::ProbeEvent& event) {
  metrics_.probe(event);
  Probe& probe = event.kind == scrape::ProbeEvent::Kind::kHealth ? health_ : scrape_;
  probe.last = event;
  if (event.ok) {
    probe.lastOk = event.at;
  }
  if (event.kind == scrape::ProbeEvent::Kind::kScrape && event.ok && !ready_) {
    ready_ = true;
    metrics_.ready(true);
    spdlog::info("first successful scrape: {} samples", event.samples);
  }
}

policy::Decision Controller::tickAt(TimestampMs at) {
  const TimestampMs now = std::max(at, lastTick_.value_or(at));
  if (rollback_ && rollback_->retryAt && now >= *rollback_->retryAt) {
    rollback_->retryAt.reset();
    ++rollback_->attempts;
    spdlog::warn("retrying rollback of incident {} (attempt {})", rollback_->request.incidentId,
                 rollback_->attempts);
    queue_.pushRollback(rollback_->request);
  }
  lastResults_ = rules::evaluateRules(ruleSet_, engine_, storage_, now);
  metrics_.rules(lastResults_);
  metrics_.tsdb(storage_.stats());
  policy::Decision decision = escalator_.step(rules::observations(lastResults_), now);
  lastTick_ = now;
  handle(decision, now, "agent");
  return decision;
}

void Controller::handle(const policy::Decision& decision, TimestampMs now, const std::string& who) {
  const auto incident = escalator_.incident();
  metrics_.severity(incident ? incident->severity : Severity::kNone);
  if (decision.events.empty() && decision.action == policy::Action::kNone) {
    return;
  }
  record(decision, now);
  for (auto& n : notificationsFor(decision, options_.statusUrl, now)) {
    const std::string kind(notify::toString(n.kind));
    if (!queue_.pushNotification(std::move(n))) {
      metrics_.notificationDropped();
      spdlog::warn("action queue full: {} notification dropped", kind);
    }
  }
  if (decision.action != policy::Action::kNone && decision.action != policy::Action::kMonitor) {
    metrics_.action(decision.action);
  }
  if (decision.action == policy::Action::kRollback) {
    traffic::RollbackRequest request{decision.incident ? decision.incident->id : "",
                                     decision.reason, who, now};
    rollback_ = RollbackState{request, 1, std::nullopt, "pending", ""};
    queue_.pushRollback(std::move(request));
  }
}

void Controller::record(const policy::Decision& decision, TimestampMs now) {
  metrics_.decision(decision);
  const std::string id = decision.incident ? decision.incident->id : "";
  const auto level =
      decision.action >= policy::Action::kPage ? spdlog::level::warn : spdlog::level::info;
  spdlog::log(level, "decision incident={} action={} severity={} reason=\"{}\" events={}",
              id.empty() ? "-" : id, policy::toString(decision.action),
              toString(decision.incident ? decision.incident->severity : Severity::kNone),
              decision.reason, eventKinds(decision));
  if (!id.empty() && id != timelineIncident_) {
    timelineIncident_ = id;
    timeline_.clear();
  }
  for (const auto& e : decision.events) {
    if (!id.empty()) {
      timeline_.push_back(e);
    }
    recentEvents_.push_back(e);
    if (recentEvents_.size() > kRecentEvents) {
      recentEvents_.pop_front();
    }
  }
  if (decision.action != policy::Action::kNone) {
    decisions_.push_back(
        {now, id, std::string(policy::toString(decision.action)), decision.reason});
    if (decisions_.size() > kRecentDecisions) {
      decisions_.pop_front();
    }
  }
}

CommandReply Controller::command(const Command& command) {
  const TimestampMs now = clock_.now();
  Result<policy::Decision> result = Error{"unknown command"};
  switch (command.kind) {
    case Command::Kind::kHold:
      result = escalator_.hold(now, now + command.holdFor, command.who, command.reason,
                               command.holdCovers);
      break;
    case Command::Kind::kRelease:
      result = escalator_.release(now, command.who);
      break;
    case Command::Kind::kRollback:
      result = escalator_.forceRollback(now, command.who, command.reason);
      break;
  }
  if (!result.ok()) {
    spdlog::warn("command from {} refused: {}", command.who, result.error().message);
    return {409, commandErrorJson(result.error().message)};
  }
  handle(*result, now, command.who);
  return {200, commandReplyJson(*result)};
}

void Controller::rollbackFinished(const RollbackReport& report) {
  const TimestampMs now = clock_.now();
  if (!rollback_) {
    rollback_ = RollbackState{report.request, 1, std::nullopt, "", ""};
  }
  if (report.outcome) {
    const auto kind = report.outcome->kind;
    rollback_->outcome = std::string(traffic::toString(kind));
    rollback_->detail = report.outcome->detail;
    metrics_.rollback(traffic::toString(kind));
    if (kind != traffic::SwitchOutcome::Kind::kImpossible) {
      spdlog::warn("rollback of incident {} done: {} ({})", report.request.incidentId,
                   rollback_->outcome, report.outcome->detail);
      auto completed = escalator_.rollbackCompleted(now, report.outcome->detail);
      if (completed.ok()) {
        handle(*completed, now, report.request.who);
      } else {
        spdlog::error("rollback completed but the escalator refused it: {}",
                      completed.error().message);
      }
      return;
    }
    rollbackImpossible(report.request, "rollback impossible: " + report.outcome->detail, now);
    return;
  }
  metrics_.rollback("error");
  rollback_->outcome = "error";
  rollback_->detail = report.error;
  if (rollback_->attempts < options_.rollbackAttempts) {
    rollback_->retryAt = now + options_.rollbackRetry;
    spdlog::error("rollback of incident {} failed (attempt {} of {}), retrying in {}: {}",
                  report.request.incidentId, rollback_->attempts, options_.rollbackAttempts,
                  formatDuration(options_.rollbackRetry), report.error);
    return;
  }
  rollbackImpossible(
      report.request,
      "rollback failed after " + std::to_string(rollback_->attempts) + " attempts: " + report.error,
      now);
}

void Controller::rollbackImpossible(const traffic::RollbackRequest& request,
                                    const std::string& reason, TimestampMs now) {
  spdlog::critical("incident {}: {}; a person must move traffic to blue", request.incidentId,
                   reason);
  notify::Notification n;
  n.kind = notify::NotificationKind::kRollbackImpossible;
  n.severity = Severity::kCritical;
  n.incidentId = request.incidentId;
  n.action = "page";
  n.reason = reason;
  n.statusUrl = options_.statusUrl;
  n.at = now;
  queue_.pushNotification(std::move(n), /*urgent=*/true);
}

Status Controller::replaceRules(rules::RuleSet ruleSet,
                                const std::optional<std::string>& policyYaml) {
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
  spdlog::info("rules reloaded: {} rules", ruleSet_.rules.size());
  return {};
}

}  // namespace nova::daemon
