#include <array>

#include "nova/core/suggest.h"
#include "nova/notify/log_notifier.h"
#include "nova/notify/notifier.h"

namespace nova::notify {
namespace {

constexpr std::array<std::string_view, 1> kTypes{"log"};

}  // namespace

std::string_view toString(NotificationKind kind) {
  switch (kind) {
    case NotificationKind::kIncidentOpened:
      return "incident_opened";
    case NotificationKind::kSeverityChanged:
      return "severity_changed";
    case NotificationKind::kRollbackStarted:
      return "rollback_started";
    case NotificationKind::kRollbackDone:
      return "rollback_done";
    case NotificationKind::kRollbackImpossible:
      return "rollback_impossible";
    case NotificationKind::kEscalated:
      return "escalated";
    case NotificationKind::kIncidentResolved:
      return "incident_resolved";
    case NotificationKind::kHold:
      return "hold";
    case NotificationKind::kRelease:
      break;
  }
  return "release";
}

std::span<const std::string_view> notifierTypes() {
  return kTypes;
}

Result<NotifierPtr> makeNotifier(const NotifierConfig& config) {
  if (config.type == "log") {
    if (!config.settings.empty()) {
      return Error{"notifier log: has no settings (got \"" + config.settings.begin()->first +
                   "\")"};
    }
    return NotifierPtr(std::make_unique<LogNotifier>());
  }
  std::string message = "notifier: unknown type \"" + config.type + "\"";
  if (auto hint = closestMatch(config.type, kTypes)) {
    message += "; did you mean \"" + *hint + "\"?";
  }
  return Error{message + " (known: log)"};
}

}  // namespace nova::notify
