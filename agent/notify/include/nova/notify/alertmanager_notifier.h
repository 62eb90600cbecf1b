#pragma once

#include <map>
#include <string>
#include <vector>

#include "nova/notify/retrying_notifier.h"

namespace nova::notify {

/// Fixed parts of every alert.
struct AlertmanagerOptions {
  /// Base URL of Alertmanager ("http://alertmanager:9093", a path prefix allowed); alerts go
  /// to <url>/api/v2/alerts.
  std::string url;
  /// Firing alerts are re-sent this often, with endsAt = now + 4 x this; resolved ones
  /// for 5 minutes after the resolution.
  DurationMs resendInterval = kMinute;
  /// Labels. Empty ones are left out (Alertmanager drops them anyway).
  std::string alertname = "NovaRolloutIncident";
  std::string service;
  std::string version;
  std::string color = "green";
  std::string namespaceName;
  /// The `runbook` annotation.
  std::string runbookUrl;
};

/// One alert as posted: the incident's newest notification under the label severity it
/// fired with, and its times (ms since the epoch).
struct AlertmanagerAlert {
  Notification latest;
  Severity severity = Severity::kHigh;
  TimestampMs startsAt = 0;
  TimestampMs endsAt = 0;
};

/// The POST /api/v2/alerts body: a JSON array of alerts with labels alertname, severity,
/// service, version, color, namespace, incident_id; annotations summary, description,
/// runbook, status_url, action, rules; startsAt, endsAt (RFC 3339) and generatorURL (the
/// status URL, when set). Pure.
std::string alertmanagerPayload(const std::vector<AlertmanagerAlert>& alerts,
                                const AlertmanagerOptions& options);

/// Pushes alerts to Alertmanager API v2. Every incident is one alert (its label set),
/// re-sent every resendInterval while it lasts (periodic()); a severity change resolves the
/// old label set and fires the new one; incident_resolved sets endsAt = now and repeats it
/// for 5 minutes. Open incidents in the ledger are picked up again after a restart.
class AlertmanagerNotifier final : public RetryingNotifier {
 public:
  AlertmanagerNotifier(Parts parts, AlertmanagerOptions options);
  ~AlertmanagerNotifier() override;

  /// The route, plus every incident_resolved (post() sends it only for known alerts).
  bool accepts(const Notification& notification) const override;

  static constexpr DurationMs kResolvedResendFor = 5 * kMinute;

 protected:
  Attempt post(const Delivery& delivery) override;
  std::vector<Delivery> periodic(TimestampMs now) override;

 private:
  struct Tracked {
    Notification latest;
    Severity severity = Severity::kHigh;
    TimestampMs startsAt = 0;
    TimestampMs resolvedAt = 0;
    TimestampMs lastScheduled = 0;
    /// Label severities replaced by a change, to be resolved by the next successful post.
    std::vector<Severity> retired;
  };
  std::vector<AlertmanagerAlert> alertsOf(const Tracked& tracked, TimestampMs now) const;

  AlertmanagerOptions options_;
  std::string endpoint_;                    // <url>/api/v2/alerts
  std::map<std::string, Tracked> tracked_;  // delivery thread only
};

}  // namespace nova::notify
