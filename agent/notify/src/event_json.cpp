#include "nova/notify/event_json.h"

#include <boost/json.hpp>
#include <cmath>

#include "event_json_value.h"
#include "nova/core/rfc3339.h"
#include "nova/notify/route.h"

namespace nova::notify {
namespace detail {

boost::json::value numberOrNull(double v) {
  if (std::isfinite(v)) {
    return v;
  }
  return nullptr;
}

boost::json::array rulesJson(const std::vector<NotifiedRule>& rules) {
  boost::json::array out;
  for (const auto& rule : rules) {
    out.push_back(boost::json::object{{"name", rule.name},
                                      {"value", numberOrNull(rule.value)},
                                      {"threshold", numberOrNull(rule.threshold)},
                                      {"summary", rule.summary}});
  }
  return out;
}

boost::json::object eventObject(const Notification& n) {
  return boost::json::object{{"version", 1},
                             {"kind", toString(n.kind)},
                             {"severity", toString(n.severity)},
                             {"incident_id", n.incidentId},
                             {"action", n.action},
                             {"reason", n.reason},
                             {"rules", rulesJson(n.rules)},
                             {"status_url", n.statusUrl},
                             {"at", formatRfc3339(n.at)},
                             {"at_ms", n.at}};
}

}  // namespace detail

namespace {

double numberField(const boost::json::value& v) {
  if (v.is_double()) {
    return v.get_double();
  }
  if (v.is_int64()) {
    return static_cast<double>(v.get_int64());
  }
  return std::nan("");
}

const boost::json::string* stringField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_string() : nullptr;
}

}  // namespace

std::string eventJson(const Notification& n) {
  return boost::json::serialize(detail::eventObject(n));
}

Result<Notification> parseEventJson(std::string_view text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) {
    return Error(ErrorCode::kInvalidInput, "event: not a JSON object");
  }
  const auto& o = value.get_object();
  Notification n;
  const auto* kind = stringField(o, "kind");
  const auto* severity = stringField(o, "severity");
  auto parsedKind = kind != nullptr ? parseNotificationKind(*kind) : std::nullopt;
  if (!parsedKind) {
    return Error(ErrorCode::kInvalidInput, "event: missing or unknown \"kind\"");
  }
  n.kind = *parsedKind;
  if (severity != nullptr && *severity != "none") {
    auto parsed = parseSeverity(*severity);
    if (!parsed) {
      return Error(ErrorCode::kInvalidInput, "event: unknown \"severity\"");
    }
    n.severity = *parsed;
  }
  for (auto [field, key] : {std::pair{&n.incidentId, "incident_id"},
                            {&n.action, "action"},
                            {&n.reason, "reason"},
                            {&n.statusUrl, "status_url"}}) {
    if (const auto* s = stringField(o, key)) {
      *field = std::string(*s);
    }
  }
  if (const auto* at = o.if_contains("at_ms"); at != nullptr && at->is_int64()) {
    n.at = at->get_int64();
  }
  if (const auto* rules = o.if_contains("rules"); rules != nullptr && rules->is_array()) {
    for (const auto& r : rules->get_array()) {
      if (!r.is_object()) {
        return Error(ErrorCode::kInvalidInput, "event: \"rules\" must hold objects");
      }
      const auto& ro = r.get_object();
      NotifiedRule rule;
      if (const auto* s = stringField(ro, "name")) {
        rule.name = std::string(*s);
      }
      if (const auto* s = stringField(ro, "summary")) {
        rule.summary = std::string(*s);
      }
      rule.value = ro.contains("value") ? numberField(ro.at("value")) : std::nan("");
      rule.threshold = ro.contains("threshold") ? numberField(ro.at("threshold")) : std::nan("");
      n.rules.push_back(std::move(rule));
    }
  }
  return n;
}

}  // namespace nova::notify
