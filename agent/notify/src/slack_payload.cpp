#include <boost/json.hpp>
#include <cmath>

#include "nova/core/rfc3339.h"
#include "nova/notify/event_json.h"
#include "nova/notify/slack_notifier.h"
#include "text_limits.h"

namespace nova::notify {
namespace {

constexpr std::size_t kHeaderMax = 150;
constexpr std::size_t kSectionMax = 3000;
constexpr std::size_t kFieldMax = 2000;
constexpr std::size_t kFieldsMax = 10;

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

boost::json::object mrkdwn(const std::string& text, std::size_t max) {
  return {{"type", "mrkdwn"}, {"text", detail::truncateUtf8(text, max)}};
}

boost::json::object field(std::string_view label, const std::string& escapedValue) {
  return mrkdwn("*" + std::string(label) + "*\n" + escapedValue, kFieldMax);
}

std::string severityTag(const Notification& n) {
  return n.severity == Severity::kNone ? "" : "[" + upper(toString(n.severity)) + "] ";
}

boost::json::array fieldsFor(const Notification& n) {
  boost::json::array fields;
  fields.push_back(field("Severity", std::string(toString(n.severity))));
  fields.push_back(field("Action taken", escapeMrkdwn(n.action.empty() ? "none" : n.action)));
  fields.push_back(field("Incident", escapeMrkdwn(n.incidentId.empty() ? "-" : n.incidentId)));
  for (const auto& rule : n.rules) {
    if (fields.size() + 2 > kFieldsMax) {
      break;
    }
    std::string value = detail::formatValue(rule.value, "n/a");
    if (!std::isnan(rule.threshold)) {
      value += " (threshold " + detail::formatValue(rule.threshold, "n/a") + ")";
    }
    fields.push_back(field("Rule", "`" + escapeMrkdwn(rule.name) + "`"));
    fields.push_back(field("Value", escapeMrkdwn(value)));
  }
  return fields;
}

std::string reasonText(const Notification& n) {
  std::string text = escapeMrkdwn(n.reason.empty() ? "(no reason given)" : n.reason);
  for (const auto& rule : n.rules) {
    if (!rule.summary.empty()) {
      text += "\n• " + escapeMrkdwn(rule.name) + ": " + escapeMrkdwn(rule.summary);
    }
  }
  return text;
}

std::string contextText(const std::vector<Notification>& updates) {
  const Notification& n = updates.back();
  std::string text;
  if (!n.statusUrl.empty()) {
    text = "<" + escapeMrkdwn(n.statusUrl) + "|Agent status (/status)> · ";
  }
  text += "at " + formatRfc3339(n.at);
  if (updates.size() > 1) {
    text += " · also since the last message:";
    for (std::size_t i = 0; i + 1 < updates.size(); ++i) {
      text += (i == 0 ? " " : ", ") + std::string(kindTitle(updates[i].kind));
    }
  }
  return text;
}

}  // namespace

std::string escapeMrkdwn(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string_view kindTitle(NotificationKind kind) {
  switch (kind) {
    case NotificationKind::kIncidentOpened:
      return "Incident opened";
    case NotificationKind::kSeverityChanged:
      return "Severity raised";
    case NotificationKind::kRollbackStarted:
      return "Rollback started";
    case NotificationKind::kRollbackDone:
      return "Rollback done, traffic on blue";
    case NotificationKind::kRollbackImpossible:
      return "Rollback impossible, act now";
    case NotificationKind::kEscalated:
      return "Escalated";
    case NotificationKind::kIncidentResolved:
      return "Incident resolved";
    case NotificationKind::kHold:
      return "Automatic rollback on hold";
    case NotificationKind::kRelease:
      return "Hold released";
    case NotificationKind::kRolloutStarted:
      return "Rollout started";
    case NotificationKind::kRolloutWindowOverride:
      return "Rollout outside the deployment window";
    case NotificationKind::kRolloutSwitched:
      return "Traffic switched to green";
    case NotificationKind::kRolloutSucceeded:
      return "Rollout succeeded, blue scaled down";
    case NotificationKind::kRolloutFailedBeforeSwitch:
      return "Rollout failed before the switch, production untouched";
    case NotificationKind::kRolloutRolledBack:
      return "Rollout rolled back, traffic on blue";
    case NotificationKind::kRolloutNeedsPerson:
      return "Rollout needs a person";
    case NotificationKind::kDatabaseRestored:
      break;
  }
  return "Database restored from the rollout's snapshot";
}

std::string slackPayload(const std::vector<Notification>& updates) {
  const Notification& n = updates.back();
  const std::string title = severityTag(n) + std::string(kindTitle(n.kind));
  boost::json::array blocks;
  blocks.push_back({{"type", "header"},
                    {"text",
                     {{"type", "plain_text"},
                      {"text", detail::truncateUtf8(title, kHeaderMax)},
                      {"emoji", false}}}});
  blocks.push_back({{"type", "section"}, {"fields", fieldsFor(n)}});
  blocks.push_back({{"type", "section"}, {"text", mrkdwn(reasonText(n), kSectionMax)}});
  blocks.push_back({{"type", "context"}, {"elements", {mrkdwn(contextText(updates), kFieldMax)}}});
  // The fallback is shown in mobile notifications, which read only `text`.
  const std::string fallback = title + ": " + (n.reason.empty() ? n.incidentId : n.reason);
  boost::json::object body{{"text", detail::truncateUtf8(escapeMrkdwn(fallback), kSectionMax)},
                           {"blocks", std::move(blocks)}};
  return boost::json::serialize(body);
}

}  // namespace nova::notify
