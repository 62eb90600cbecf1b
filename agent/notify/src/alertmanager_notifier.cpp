#include "nova/notify/alertmanager_notifier.h"

#include <algorithm>

#include "nova/http/url.h"

namespace nova::notify {
namespace {

// Prometheus sets endsAt to 4 resend intervals ahead so two lost sends do not resolve.
constexpr int kEndsAtIntervals = 4;

}  // namespace

AlertmanagerNotifier::AlertmanagerNotifier(Parts parts, AlertmanagerOptions options)
    : RetryingNotifier(std::move(parts)), options_(std::move(options)) {
  // The builder checked the URL; one given directly that does not parse is posted as is
  // and refused by the HTTP client (a counted drop).
  auto base = http::Url::parse(options_.url);
  endpoint_ = base.ok() ? base->withSegments({"api", "v2", "alerts"}).str() : options_.url;
  for (const auto& open : ledger().openIncidents()) {
    Tracked& t = tracked_[open.incidentId];
    t.latest = open;
    t.severity = open.severity;
    t.startsAt = open.at;
  }
  start();
}

AlertmanagerNotifier::~AlertmanagerNotifier() {
  stop();
}

bool AlertmanagerNotifier::accepts(const Notification& notification) const {
  return RetryingNotifier::accepts(notification) ||
         notification.kind == NotificationKind::kIncidentResolved;
}

std::vector<AlertmanagerAlert> AlertmanagerNotifier::alertsOf(const Tracked& t,
                                                              TimestampMs now) const {
  const TimestampMs endsAt =
      t.resolvedAt != 0 ? t.resolvedAt : now + kEndsAtIntervals * options_.resendInterval;
  std::vector<AlertmanagerAlert> alerts;
  for (Severity old : t.retired) {
    alerts.push_back({t.latest, old, t.startsAt, std::min(now, endsAt)});
  }
  alerts.push_back({t.latest, t.severity, t.startsAt, endsAt});
  return alerts;
}

Attempt AlertmanagerNotifier::post(const Delivery& delivery) {
  const Notification& n = delivery.notifications.back();
  const TimestampMs now = this->now();
  auto it = tracked_.find(n.incidentId);
  if (delivery.resend || n.kind == NotificationKind::kIncidentResolved) {
    if (it == tracked_.end()) {
      return {Attempt::Outcome::kSkipped, "no alert for this incident", {}};
    }
    if (!delivery.resend && it->second.resolvedAt == 0) {
      it->second.resolvedAt = std::max<TimestampMs>(now, it->second.startsAt);
      it->second.latest = n;
    }
  } else {
    if (it == tracked_.end()) {
      it = tracked_.emplace(n.incidentId, Tracked{}).first;
      // startsAt is the detection time and never in the future (see the spec's trap).
      it->second.startsAt = n.at > 0 ? std::min(n.at, now) : now;
      it->second.severity = n.severity;
    }
    Tracked& t = it->second;
    if (n.severity != Severity::kNone && n.severity != t.severity) {
      t.retired.push_back(t.severity);
      t.severity = n.severity;
    }
    t.latest = n;
  }
  it->second.lastScheduled = now;
  Attempt result =
      postJson({endpoint_, alertmanagerPayload(alertsOf(it->second, now), options_), {}, 200});
  if (result.outcome == Attempt::Outcome::kDelivered) {
    it->second.retired.clear();
  }
  return result;
}

std::vector<Delivery> AlertmanagerNotifier::periodic(TimestampMs now) {
  std::vector<Delivery> due;
  for (auto it = tracked_.begin(); it != tracked_.end();) {
    Tracked& t = it->second;
    if (t.resolvedAt != 0 && now - t.resolvedAt > kResolvedResendFor) {
      it = tracked_.erase(it);
      continue;
    }
    if (now - t.lastScheduled >= options_.resendInterval) {
      t.lastScheduled = now;
      due.push_back(Delivery{{t.latest}, {}, true, ""});
    }
    ++it;
  }
  return due;
}

}  // namespace nova::notify
