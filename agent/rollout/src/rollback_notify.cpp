// The team channel's view of a rollback: which steps are news, their kinds and their dedup
// keys. Delivery is the rollout's (RolloutNotifier): the same receivers, ledgers and outboxes.
#include "nova/rollout/rollback_notify.h"

namespace nova::rollout {
namespace {

using notify::NotificationKind;

NotificationKind kindOf(const RollbackEvent& e) {
  switch (*e.notice) {
    case RollbackNotice::kStarted:
      return NotificationKind::kRollbackStarted;
    case RollbackNotice::kOnBlue:
    case RollbackNotice::kToZero:
    case RollbackNotice::kGreenRemoved:
      return NotificationKind::kRollbackDone;
    case RollbackNotice::kParked:
      return NotificationKind::kRolloutNeedsPerson;
    case RollbackNotice::kRestored:
      return NotificationKind::kDatabaseRestored;
    case RollbackNotice::kFailed:
      break;
  }
  // A failure while traffic is not back on blue means the rollback itself did not happen.
  const bool trafficMoves = e.option != RollbackOption::kDb;
  return trafficMoves && e.traffic != TrafficSide::kBlue ? NotificationKind::kRollbackImpossible
                                                         : NotificationKind::kRolloutNeedsPerson;
}

}  // namespace

std::string rollbackNotificationKey(std::string_view rolloutId, RollbackOption option,
                                    RollbackNotice notice, std::string_view stage) {
  std::string key = std::string(rolloutId) + ":rollback_" +
                    std::string(rollbackOptionName(option)) + "_" +
                    std::string(rollbackNoticeName(notice));
  if (notice == RollbackNotice::kFailed && !stage.empty()) {
    key += "_" + std::string(stage);
  }
  return key;
}

std::optional<notify::Notification> rollbackNotification(const RollbackEvent& e,
                                                         std::string_view statusUrl) {
  if (!e.notice) {
    return std::nullopt;
  }
  notify::Notification n;
  n.kind = kindOf(e);
  n.severity = *e.notice == RollbackNotice::kFailed ? Severity::kHigh : Severity::kNone;
  n.incidentId = rollbackNotificationKey(e.rolloutId, e.option, *e.notice, e.stage);
  n.action = "notify";
  const std::string subject =
      (e.version.empty() ? "no rollout record" : "rollout " + e.rolloutId + " of " + e.version) +
      ", rollback --option " + std::string(rollbackOptionName(e.option)) + " by " + e.who;
  n.reason = e.line.detail.empty() ? subject : subject + ": " + e.line.detail;
  n.statusUrl = std::string(statusUrl);
  n.at = e.line.at;
  return n;
}

std::vector<RollbackNotice> plannedNotices(RollbackOption option) {
  switch (option) {
    case RollbackOption::kSwitch:
      return {RollbackNotice::kStarted, RollbackNotice::kOnBlue};
    case RollbackOption::kFull:
      return {RollbackNotice::kStarted, RollbackNotice::kOnBlue, RollbackNotice::kGreenRemoved};
    case RollbackOption::kStaged:
      return {RollbackNotice::kStarted, RollbackNotice::kParked, RollbackNotice::kToZero};
    case RollbackOption::kDb:
      break;
  }
  return {RollbackNotice::kStarted, RollbackNotice::kRestored};
}

std::string describeReceivers(const std::vector<NotifierSpec>& specs) {
  std::string out;
  for (const auto& spec : specs) {
    auto name = spec.settings.find("name");
    out += (out.empty() ? "" : ", ") + spec.type +
           (name != spec.settings.end() ? ":" + name->second : std::string());
  }
  return out;
}

}  // namespace nova::rollout
