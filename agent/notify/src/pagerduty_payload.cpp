#include <boost/json.hpp>

#include "event_json_value.h"
#include "nova/core/rfc3339.h"
#include "nova/notify/event_json.h"
#include "nova/notify/pagerduty_notifier.h"
#include "nova/notify/slack_notifier.h"
#include "text_limits.h"

namespace nova::notify {
namespace {

constexpr std::size_t kSummaryMax = 1024;
constexpr std::size_t kDedupKeyMax = 255;
constexpr std::size_t kEventMaxBytes = 512000;

std::string summaryOf(const Notification& n) {
  std::string summary = std::string(kindTitle(n.kind));
  if (!n.reason.empty()) {
    summary += ": " + n.reason;
  }
  return "[" + std::string(toString(n.severity)) + "] " + summary;
}

}  // namespace

std::string_view pagerDutySeverity(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "critical";
    case Severity::kHigh:
      return "error";
    case Severity::kMedium:
      return "warning";
    case Severity::kLow:
    case Severity::kNone:
      break;
  }
  return "info";
}

std::string pagerDutyPayload(const Notification& n, const PagerDutyOptions& options,
                             const Secret& routingKey) {
  boost::json::object event{{"routing_key", routingKey.reveal()},
                            {"dedup_key", detail::truncateUtf8(n.incidentId, kDedupKeyMax)}};
  if (n.kind == NotificationKind::kIncidentResolved) {
    event["event_action"] = "resolve";
    return boost::json::serialize(event);
  }
  event["event_action"] = "trigger";
  event["client"] = "nova-agent";
  if (!n.statusUrl.empty()) {
    event["client_url"] = n.statusUrl;
    event["links"] = boost::json::array{{{"href", n.statusUrl}, {"text", "Agent status"}}};
  }
  boost::json::object details{{"incident_id", n.incidentId},
                              {"kind", toString(n.kind)},
                              {"severity", toString(n.severity)},
                              {"action", n.action},
                              {"reason", n.reason},
                              {"rules", detail::rulesJson(n.rules)}};
  boost::json::object payload{{"summary", detail::truncateUtf8(summaryOf(n), kSummaryMax)},
                              {"source", options.source},
                              {"severity", pagerDutySeverity(n.severity)},
                              {"timestamp", formatRfc3339(n.at)},
                              {"class", toString(n.kind)}};
  if (!options.component.empty()) {
    payload["component"] = options.component;
  }
  if (!options.group.empty()) {
    payload["group"] = options.group;
  }
  payload["custom_details"] = details;
  event["payload"] = payload;
  std::string body = boost::json::serialize(event);
  if (body.size() > kEventMaxBytes) {
    details["rules"] = boost::json::array{};
    details["reason"] = detail::truncateUtf8(n.reason, kSummaryMax);
    event["payload"].as_object()["custom_details"] = details;
    body = boost::json::serialize(event);
  }
  return body;
}

}  // namespace nova::notify
