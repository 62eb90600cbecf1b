#include <array>

#include "nova/core/suggest.h"
#include "nova/notify/log_notifier.h"
#include "nova/notify/notifier.h"
#include "nova/notify/receiver.h"
#include "receiver_builders.h"
#include "settings.h"
#include "sync_receiver.h"

namespace nova::notify {
namespace {

constexpr std::array<std::string_view, 5> kTypes{"log", "slack", "pagerduty", "alertmanager",
                                                 "webhook"};
constexpr std::array<std::string_view, 3> kLogKeys{"name", "severities", "kinds"};

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
      return "release";
    case NotificationKind::kRolloutStarted:
      return "rollout_started";
    case NotificationKind::kRolloutWindowOverride:
      return "rollout_window_override";
    case NotificationKind::kRolloutSwitched:
      return "rollout_switched";
    case NotificationKind::kRolloutSucceeded:
      return "rollout_succeeded";
    case NotificationKind::kRolloutFailedBeforeSwitch:
      return "rollout_failed_before_switch";
    case NotificationKind::kRolloutRolledBack:
      return "rollout_rolled_back";
    case NotificationKind::kRolloutNeedsPerson:
      return "rollout_needs_person";
    case NotificationKind::kDatabaseRestored:
      break;
  }
  return "database_restored";
}

std::span<const std::string_view> notifierTypes() {
  return kTypes;
}

namespace detail {
namespace {

Result<ReceiverPtr> buildLog(const NotifierConfig& config) {
  if (auto known = checkKnownKeys(config.settings, kLogKeys); !known.ok()) {
    return known.error();
  }
  auto route = Route::fromSettings("log", config.settings);
  if (!route.ok()) {
    return route.error();
  }
  return ReceiverPtr(std::make_unique<SyncReceiver>(receiverName(config), *route,
                                                    std::make_unique<LogNotifier>()));
}

}  // namespace
}  // namespace detail

Result<ReceiverPtr> makeReceiver(const NotifierConfig& config, const NotifyDeps& deps) {
  Result<ReceiverPtr> made = Error(ErrorCode::kInternal, "not built");
  if (config.type == "log") {
    made = detail::buildLog(config);
  } else if (config.type == "slack") {
    made = detail::buildSlack(config, deps);
  } else if (config.type == "pagerduty") {
    made = detail::buildPagerDuty(config, deps);
  } else if (config.type == "alertmanager") {
    made = detail::buildAlertmanager(config, deps);
  } else if (config.type == "webhook") {
    made = detail::buildWebhook(config, deps);
  } else {
    std::string message = "notifier: unknown type \"" + config.type + "\"";
    if (auto hint = closestMatch(config.type, kTypes)) {
      message += "; did you mean \"" + *hint + "\"?";
    }
    return Error(ErrorCode::kInvalidInput,
                 message + " (known: log, slack, pagerduty, alertmanager, webhook)");
  }
  // Builders answer bare ("url: missing"); the type goes in front here, once.
  if (!made.ok()) {
    return made.error().prefixed("notifier " + config.type + ": ");
  }
  return made;
}

Result<NotifierPtr> makeNotifier(const NotifierConfig& config) {
  auto made = makeReceiver(config);
  if (!made.ok()) {
    return made.error();
  }
  return NotifierPtr(std::move(*made));
}

}  // namespace nova::notify
