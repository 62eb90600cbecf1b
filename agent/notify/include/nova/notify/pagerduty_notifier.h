#pragma once

#include <string>

#include "nova/notify/retrying_notifier.h"

namespace nova::notify {

/// Fixed parts of every PagerDuty event.
struct PagerDutyOptions {
  /// Events API v2 endpoint; overridable for tests.
  std::string url = "https://events.pagerduty.com/v2/enqueue";
  /// payload.source: where the problem is ("user-service.production").
  std::string source = "nova-agent";
  /// payload.component and payload.group; empty ones are left out.
  std::string component;
  std::string group;
};

/// PagerDuty's four severities for ours: critical -> critical, high -> error,
/// medium -> warning, low and none -> info.
std::string_view pagerDutySeverity(Severity severity);

/// The Events API v2 body. incident_resolved gives `resolve` (routing_key, event_action,
/// dedup_key only); every other kind gives `trigger` with dedup_key = incident id and a
/// payload (summary cut to 1024 characters, source, severity, timestamp, component, group,
/// class = kind, custom_details with the rules), plus client/client_url/links to /status.
/// The whole event stays under 512 000 bytes (rules are left out of custom_details
/// otherwise). Pure.
std::string pagerDutyPayload(const Notification& notification, const PagerDutyOptions& options,
                             const Secret& routingKey);

/// Pages through PagerDuty Events API v2 with dedup_key = incident id, so a repeated
/// trigger (another replica, a restart) lands on the same alert. Triggers once per
/// incident update, resolves only incidents it triggered, never triggers a closed one.
/// Success is 202; 400 is a permanent refusal; 429 and 5xx are retried.
class PagerDutyNotifier final : public RetryingNotifier {
 public:
  PagerDutyNotifier(Parts parts, PagerDutyOptions options, Secret routingKey);
  ~PagerDutyNotifier() override;

  /// The route, plus every incident_resolved (post() sends it only if it paged).
  bool accepts(const Notification& notification) const override;

 protected:
  Attempt post(const Delivery& delivery) override;

 private:
  PagerDutyOptions options_;
  Secret routingKey_;
};

}  // namespace nova::notify
