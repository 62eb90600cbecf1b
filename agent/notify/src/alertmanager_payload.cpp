#include <boost/json.hpp>
#include <cmath>

#include "nova/core/rfc3339.h"
#include "nova/notify/alertmanager_notifier.h"
#include "nova/notify/event_json.h"
#include "nova/notify/slack_notifier.h"
#include "text_limits.h"

namespace nova::notify {
namespace {

std::string rulesText(const std::vector<NotifiedRule>& rules) {
  std::string text;
  for (const auto& rule : rules) {
    text += (text.empty() ? "" : "; ") + rule.name + "=" + detail::formatValue(rule.value, "n/a");
    if (!std::isnan(rule.threshold)) {
      text += " (threshold " + detail::formatValue(rule.threshold, "n/a") + ")";
    }
  }
  return text;
}

void putIfSet(boost::json::object& o, std::string_view key, const std::string& value) {
  if (!value.empty()) {
    o[key] = value;
  }
}

boost::json::object alertJson(const AlertmanagerAlert& alert, const AlertmanagerOptions& options) {
  const Notification& n = alert.latest;
  boost::json::object labels;
  putIfSet(labels, "alertname", options.alertname);
  putIfSet(labels, "severity", std::string(toString(alert.severity)));
  putIfSet(labels, "service", options.service);
  putIfSet(labels, "version", options.version);
  putIfSet(labels, "color", options.color);
  putIfSet(labels, "namespace", options.namespaceName);
  putIfSet(labels, "incident_id", n.incidentId);
  boost::json::object annotations;
  std::string summary = std::string(kindTitle(n.kind));
  if (!options.service.empty()) {
    summary = options.service + ": " + summary;
  }
  putIfSet(annotations, "summary", summary);
  putIfSet(annotations, "description", n.reason);
  putIfSet(annotations, "runbook", options.runbookUrl);
  putIfSet(annotations, "status_url", n.statusUrl);
  putIfSet(annotations, "action", n.action);
  putIfSet(annotations, "rules", rulesText(n.rules));
  boost::json::object out{{"labels", std::move(labels)},
                          {"annotations", std::move(annotations)},
                          {"startsAt", formatRfc3339(alert.startsAt)},
                          {"endsAt", formatRfc3339(alert.endsAt)}};
  putIfSet(out, "generatorURL", n.statusUrl);
  return out;
}

}  // namespace

std::string alertmanagerPayload(const std::vector<AlertmanagerAlert>& alerts,
                                const AlertmanagerOptions& options) {
  boost::json::array body;
  for (const auto& alert : alerts) {
    body.push_back(alertJson(alert, options));
  }
  return boost::json::serialize(body);
}

}  // namespace nova::notify
