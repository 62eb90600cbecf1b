#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/core/severity.h"
#include "nova/notify/notifier.h"

namespace nova::notify {

/// Which notifications one receiver gets. A notification passes when its severity and its
/// kind are both listed; severity "none" (hold/release outside an incident) counts as low.
struct Route {
  std::set<Severity> severities;
  /// Empty means every kind.
  std::set<NotificationKind> kinds;

  bool accepts(const Notification& notification) const;

  /// The default for a receiver type: "pagerduty" and "alertmanager" page, so they get
  /// critical and high; every other type gets all four severities.
  static Route defaultFor(std::string_view type);

  /// The default for `type`, narrowed by the settings `severities` ("critical,high" or
  /// "[critical, high]") and `kinds` ("incident_opened, rollback_impossible"). Errors
  /// (kInvalidInput) name the setting and the unknown word, with a did-you-mean hint.
  static Result<Route> fromSettings(std::string_view type,
                                    const std::map<std::string, std::string>& settings);
};

/// Parses a kind name as toString(NotificationKind) prints it.
std::optional<NotificationKind> parseNotificationKind(std::string_view text);

}  // namespace nova::notify
