// The team channel's view of a rollout: which engine events become notifications, and
// their delivery through the agent's receivers.
#include "nova/rollout/rollout_notify.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <mutex>

namespace nova::rollout {
namespace {

using notify::NotificationKind;

std::optional<NotificationKind> kindOf(const EngineEvent& e) {
  if (e.step == "start" && e.phase == phaseName(Phase::kPreflight)) {
    return NotificationKind::kRolloutStarted;
  }
  if (e.step == "window" && e.result == "ok" && e.detail.find("overridden:") != std::string::npos) {
    return NotificationKind::kRolloutWindowOverride;
  }
  if (e.step == "switch" && e.phase == phaseName(Phase::kSwitch) && e.result == "ok") {
    return NotificationKind::kRolloutSwitched;
  }
  if (e.step != "end") {
    return std::nullopt;
  }
  const auto outcome = parseOutcome(e.result);
  if (!outcome) {
    return std::nullopt;
  }
  switch (*outcome) {
    case Outcome::kSucceeded:
      return NotificationKind::kRolloutSucceeded;
    case Outcome::kFailedBeforeSwitch:
      return NotificationKind::kRolloutFailedBeforeSwitch;
    case Outcome::kRolledBack:
      return NotificationKind::kRolloutRolledBack;
    case Outcome::kNeedsPerson:
      return NotificationKind::kRolloutNeedsPerson;
    default:  // a time-out, a stop or a refusal changes nothing a person must hear about
      return std::nullopt;
  }
}

}  // namespace

std::optional<notify::Notification> rolloutNotification(const EngineEvent& e,
                                                        std::string_view rolloutId,
                                                        std::string_view version,
                                                        std::string_view statusUrl) {
  const auto kind = kindOf(e);
  if (!kind) {
    return std::nullopt;
  }
  notify::Notification n;
  n.kind = *kind;
  n.severity = *kind == NotificationKind::kRolloutNeedsPerson ? Severity::kHigh : Severity::kNone;
  // One key per rollout and event: the receivers' ledgers skip it on a re-run, and their
  // queues never merge two events of a rollout into one message (each is news of its own).
  const std::string_view name = notify::toString(*kind);
  n.incidentId = std::string(rolloutId) + ":" + std::string(name.substr(name.find('_') + 1));
  n.action = "notify";
  const std::string subject = "rollout " + std::string(rolloutId) + " of " + std::string(version);
  n.reason = e.detail.empty() ? subject : subject + ": " + e.detail;
  n.statusUrl = std::string(statusUrl);
  n.at = e.at;
  return n;
}

Result<std::unique_ptr<RolloutNotifier>> RolloutNotifier::create(
    const std::vector<NotifierSpec>& specs, const std::string& stateDir, const Clock& clock,
    Random& random) {
  std::unique_ptr<RolloutNotifier> made(new RolloutNotifier());
  if (specs.empty()) {
    return made;
  }
  std::error_code ec;
  std::filesystem::create_directories(stateDir, ec);
  if (ec) {
    return Error(ErrorCode::kRefused,
                 "notifiers: cannot create the state directory " + stateDir + ": " + ec.message());
  }
  notify::NotifyDeps deps;
  deps.clock = &clock;
  deps.random = &random;
  deps.stateDir = stateDir;
  for (const auto& spec : specs) {
    auto receiver = notify::makeReceiver({spec.type, spec.settings}, deps);
    if (!receiver.ok()) {
      return receiver.error();
    }
    made->receivers_.push_back(std::move(*receiver));
  }
  return made;
}

void RolloutNotifier::onEvent(const EngineEvent& e, std::string_view rolloutId,
                              std::string_view version, std::string_view statusUrl) {
  if (const auto n = rolloutNotification(e, rolloutId, version, statusUrl)) {
    send(*n);
  }
}

void RolloutNotifier::send(const notify::Notification& n) {
  for (auto& receiver : receivers_) {
    if (Status s = receiver->send(n); !s.ok()) {
      spdlog::warn("notifier {} refused {} ({}): {}", receiver->name(), n.incidentId,
                   notify::toString(n.kind), s.error().message);
      ++refused_;
    }
  }
}

NotifyCounts RolloutNotifier::finish(DurationMs timeout) {
  NotifyCounts counts;
  counts.failed = refused_;
  for (auto& receiver : receivers_) {
    if (!receiver->flush(timeout)) {
      spdlog::warn("notifier {}: not delivered within {}; kept in its outbox", receiver->name(),
                   formatDuration(timeout));
    }
    const notify::DeliveryStats stats = receiver->stats();
    counts.delivered += stats.sent;
    counts.duplicates += stats.skipped;
    counts.failed += stats.dropped;
    counts.pending += stats.pending;
  }
  return counts;
}

}  // namespace nova::rollout
