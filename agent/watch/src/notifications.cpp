#include "nova/watch/notifications.h"

#include <algorithm>

namespace nova::watch {
namespace {

using notify::NotificationKind;
using policy::EventKind;

bool has(const policy::Decision& decision, EventKind kind) {
  return std::any_of(decision.events.begin(), decision.events.end(),
                     [&](const auto& e) { return e.kind == kind; });
}

notify::Notification base(const policy::Decision& decision, NotificationKind kind,
                          const std::string& statusUrl, TimestampMs now) {
  notify::Notification n;
  n.kind = kind;
  n.at = now;
  n.statusUrl = statusUrl;
  n.reason = decision.reason;
  n.action =
      decision.action == policy::Action::kNone ? "notify" : std::string(toString(decision.action));
  if (decision.incident) {
    const auto& incident = *decision.incident;
    n.incidentId = incident.id;
    n.severity = incident.severity;
    const bool anyFiring = std::any_of(incident.rules.begin(), incident.rules.end(),
                                       [](const auto& r) { return r.firing; });
    for (const auto& rule : incident.rules) {
      if (rule.firing || !anyFiring) {
        n.rules.push_back({rule.name, rule.value, rule.summary});
      }
    }
  }
  return n;
}

}  // namespace

std::vector<notify::Notification> notificationsFor(const policy::Decision& decision,
                                                   const std::string& statusUrl, TimestampMs now) {
  std::vector<notify::Notification> out;
  switch (decision.action) {
    case policy::Action::kRollback:
      out.push_back(base(decision, NotificationKind::kRollbackStarted, statusUrl, now));
      break;
    case policy::Action::kNotify:
    case policy::Action::kPage: {
      NotificationKind kind =
          has(decision, EventKind::kIncidentOpened)    ? NotificationKind::kIncidentOpened
          : has(decision, EventKind::kSeverityChanged) ? NotificationKind::kSeverityChanged
                                                       : NotificationKind::kEscalated;
      out.push_back(base(decision, kind, statusUrl, now));
      break;
    }
    case policy::Action::kMonitor:
    case policy::Action::kNone:
      break;
  }
  for (const auto& event : decision.events) {
    std::optional<NotificationKind> kind;
    switch (event.kind) {
      case EventKind::kIncidentResolved:
        kind = NotificationKind::kIncidentResolved;
        break;
      case EventKind::kHold:
        kind = NotificationKind::kHold;
        break;
      case EventKind::kRelease:
        kind = NotificationKind::kRelease;
        break;
      case EventKind::kRollbackCompleted:
        kind = NotificationKind::kRollbackDone;
        break;
      default:
        break;
    }
    if (kind) {
      auto n = base(decision, *kind, statusUrl, now);
      n.reason = event.detail;
      out.push_back(std::move(n));
    }
  }
  return out;
}

notify::Notification rollbackImpossible(const traffic::RollbackRequest& request,
                                        const std::string& reason, const std::string& statusUrl,
                                        TimestampMs now) {
  notify::Notification n;
  n.kind = NotificationKind::kRollbackImpossible;
  n.severity = Severity::kCritical;
  n.incidentId = request.incidentId;
  n.action = "page";
  n.reason = reason;
  n.statusUrl = statusUrl;
  n.at = now;
  return n;
}

}  // namespace nova::watch
