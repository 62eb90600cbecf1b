#include "nova/notify/route.h"

#include <array>

#include "nova/core/suggest.h"
#include "settings.h"

namespace nova::notify {
namespace {

constexpr std::array<NotificationKind, 17> kAllKinds{NotificationKind::kIncidentOpened,
                                                     NotificationKind::kSeverityChanged,
                                                     NotificationKind::kRollbackStarted,
                                                     NotificationKind::kRollbackDone,
                                                     NotificationKind::kRollbackImpossible,
                                                     NotificationKind::kEscalated,
                                                     NotificationKind::kIncidentResolved,
                                                     NotificationKind::kHold,
                                                     NotificationKind::kRelease,
                                                     NotificationKind::kRolloutStarted,
                                                     NotificationKind::kRolloutWindowOverride,
                                                     NotificationKind::kRolloutSwitched,
                                                     NotificationKind::kRolloutSucceeded,
                                                     NotificationKind::kRolloutFailedBeforeSwitch,
                                                     NotificationKind::kRolloutRolledBack,
                                                     NotificationKind::kRolloutNeedsPerson,
                                                     NotificationKind::kDatabaseRestored};

constexpr std::array<std::string_view, 4> kSeverityNames{"critical", "high", "medium", "low"};
constexpr std::array<std::string_view, 17> kKindNames{"incident_opened",
                                                      "severity_changed",
                                                      "rollback_started",
                                                      "rollback_done",
                                                      "rollback_impossible",
                                                      "escalated",
                                                      "incident_resolved",
                                                      "hold",
                                                      "release",
                                                      "rollout_started",
                                                      "rollout_window_override",
                                                      "rollout_switched",
                                                      "rollout_succeeded",
                                                      "rollout_failed_before_switch",
                                                      "rollout_rolled_back",
                                                      "rollout_needs_person",
                                                      "database_restored"};

std::string unknownWord(const std::string& setting, const std::string& word,
                        std::span<const std::string_view> known) {
  std::string message = setting + ": unknown value \"" + word + "\"";
  if (auto hint = closestMatch(word, known)) {
    message += "; did you mean \"" + *hint + "\"?";
  }
  return message;
}

}  // namespace

std::optional<NotificationKind> parseNotificationKind(std::string_view text) {
  for (auto kind : kAllKinds) {
    if (toString(kind) == text) {
      return kind;
    }
  }
  return std::nullopt;
}

bool Route::accepts(const Notification& n) const {
  const Severity severity = n.severity == Severity::kNone ? Severity::kLow : n.severity;
  return severities.count(severity) > 0 && (kinds.empty() || kinds.count(n.kind) > 0);
}

Route Route::defaultFor(std::string_view type) {
  Route route;
  route.severities = {Severity::kCritical, Severity::kHigh};
  if (type != "pagerduty" && type != "alertmanager") {
    route.severities.insert({Severity::kMedium, Severity::kLow});
  }
  return route;
}

Result<Route> Route::fromSettings(std::string_view type,
                                  const std::map<std::string, std::string>& settings) {
  Route route = defaultFor(type);
  if (auto it = settings.find("severities"); it != settings.end()) {
    route.severities.clear();
    for (const auto& word : detail::splitList(it->second)) {
      auto severity = parseSeverity(word);
      if (!severity) {
        return Error(ErrorCode::kInvalidInput, unknownWord("severities", word, kSeverityNames));
      }
      route.severities.insert(*severity);
    }
    if (route.severities.empty()) {
      return Error(ErrorCode::kInvalidInput, "severities: empty list; remove the receiver instead");
    }
  }
  if (auto it = settings.find("kinds"); it != settings.end()) {
    for (const auto& word : detail::splitList(it->second)) {
      auto kind = parseNotificationKind(word);
      if (!kind) {
        return Error(ErrorCode::kInvalidInput, unknownWord("kinds", word, kKindNames));
      }
      route.kinds.insert(*kind);
    }
  }
  return route;
}

}  // namespace nova::notify
