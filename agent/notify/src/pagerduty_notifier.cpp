#include "nova/notify/pagerduty_notifier.h"

namespace nova::notify {

PagerDutyNotifier::PagerDutyNotifier(Parts parts, PagerDutyOptions options, Secret routingKey)
    : RetryingNotifier([&] {
        parts.secrets.push_back(routingKey);
        return std::move(parts);
      }()),
      options_(std::move(options)),
      routingKey_(std::move(routingKey)) {
  start();
}

PagerDutyNotifier::~PagerDutyNotifier() {
  stop();
}

bool PagerDutyNotifier::accepts(const Notification& notification) const {
  return RetryingNotifier::accepts(notification) ||
         notification.kind == NotificationKind::kIncidentResolved;
}

Attempt PagerDutyNotifier::post(const Delivery& delivery) {
  const Notification& n = delivery.notifications.back();
  if (n.incidentId.empty()) {
    // Without an incident there is no dedup_key to resolve later: not a page.
    return {Attempt::Outcome::kSkipped, "no incident", {}};
  }
  const bool resolve = n.kind == NotificationKind::kIncidentResolved;
  if (resolve ? !ledger().known(n.incidentId) : ledger().closed(n.incidentId)) {
    return {Attempt::Outcome::kSkipped, resolve ? "never paged" : "incident closed", {}};
  }
  return postJson({options_.url, pagerDutyPayload(n, options_, routingKey_), {}, 202});
}

}  // namespace nova::notify
