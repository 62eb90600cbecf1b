#include "nova/rollout/agent_status.h"

#include <boost/json.hpp>

#include "nova/rollout/report.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

AgentVerdict verdict(AgentVerdict::State state, std::string detail,
                     Severity severity = Severity::kNone) {
  return AgentVerdict{state, severity, std::move(detail)};
}

bool noRuleHasData(const json::object& status) {
  const json::value* rules = status.if_contains("rules");
  if (rules == nullptr || !rules->is_array() || rules->as_array().empty()) {
    return true;
  }
  for (const auto& r : rules->as_array()) {
    const json::value* value = r.is_object() ? r.as_object().if_contains("value") : nullptr;
    if (value != nullptr && value->is_number()) {
      return false;
    }
  }
  return true;
}

// The rules past their threshold now ("error_rate_high, latency_p95_high"); empty when none.
std::string breachingRules(const json::object& status) {
  std::string names;
  const json::value* rules = status.if_contains("rules");
  if (rules == nullptr || !rules->is_array()) {
    return names;
  }
  for (const auto& r : rules->as_array()) {
    if (r.is_object() && text(r.as_object(), "state") == "breaching") {
      names += (names.empty() ? "" : ", ") + text(r.as_object(), "name");
    }
  }
  return names;
}

}  // namespace

AgentVerdict parseAgentStatus(std::string_view body, std::string_view rolloutId) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) {
    return verdict(AgentVerdict::State::kUnreachable, "its /status is not a JSON object");
  }
  const json::object& status = parsed.as_object();
  if (const json::value* armed = status.if_contains("armed"); armed && armed->is_bool()) {
    const std::string armedFor = text(status, "rollout_id");
    if (!armed->as_bool() || armedFor != rolloutId) {
      return verdict(AgentVerdict::State::kNotArmed,
                     armedFor.empty() ? "not armed" : "armed for rollout " + armedFor);
    }
  }
  if (const json::value* hold = status.if_contains("hold"); hold && hold->is_object()) {
    return verdict(AgentVerdict::State::kHold,
                   text(hold->as_object(), "who") + ": " + text(hold->as_object(), "reason"));
  }
  if (const json::value* rb = status.if_contains("rollback"); rb && rb->is_object()) {
    const std::string outcome = text(rb->as_object(), "outcome");
    if (outcome == "flipped" || outcome == "already_blue") {
      return verdict(
          AgentVerdict::State::kRolledBack,
          "incident " + text(rb->as_object(), "incident") + ": " + text(rb->as_object(), "detail"));
    }
  }
  if (const json::value* inc = status.if_contains("incident"); inc && inc->is_object()) {
    const json::object& incident = inc->as_object();
    const std::string state = text(incident, "state");
    if (state != "resolved") {
      const Severity severity =
          parseSeverity(text(incident, "severity")).value_or(Severity::kCritical);
      return verdict(AgentVerdict::State::kIncident,
                     "incident " + text(incident, "id") + " " + state, severity);
    }
  }
  // A rule waiting out its `for` has no incident yet, but green is not clean: blue must not
  // be scaled down on it.
  if (const std::string breaching = breachingRules(status); !breaching.empty()) {
    return verdict(AgentVerdict::State::kBreaching, "breaching now: " + breaching);
  }
  const json::value* ready = status.if_contains("ready");
  if ((ready != nullptr && ready->is_bool() && !ready->as_bool()) || noRuleHasData(status)) {
    return verdict(AgentVerdict::State::kNoData, "no rule has a value yet");
  }
  return verdict(AgentVerdict::State::kWatching, "");
}

AgentVerdict readAgentVerdict(http::Client& client, const std::string& agentUrl,
                              std::string_view rolloutId, DurationMs timeout) {
  http::Request request;
  request.url = agentUrl + "/status";
  request.timeout = timeout;
  request.connectTimeout = timeout;
  auto response = client.perform(request);
  if (!response.ok()) {
    return verdict(AgentVerdict::State::kUnreachable, response.error().message);
  }
  if (response->status != 200) {
    return verdict(AgentVerdict::State::kUnreachable,
                   request.url + " answered " + std::to_string(response->status));
  }
  return parseAgentStatus(response->body, rolloutId);
}

void addAgentIncident(http::Client& client, const std::string& agentUrl, ReportInput& input) {
  if (agentUrl.empty()) {
    return;
  }
  http::Request request;
  request.url = agentUrl + "/status";
  request.timeout = 5 * kSecond;
  auto response = client.perform(request);
  if (!response.ok() || response->status != 200) {
    return;
  }
  boost::system::error_code ec;
  json::value status = json::parse(response->body, ec);
  if (ec || !status.is_object()) {
    return;
  }
  const json::value* incident = status.as_object().if_contains("incident");
  if (incident == nullptr || !incident->is_object()) {
    return;
  }
  const json::object& inc = incident->as_object();
  if (const json::value* id = inc.if_contains("id"); id && id->is_string()) {
    input.incidentId = std::string(id->as_string());
  }
  if (const json::value* events = inc.if_contains("timeline"); events && events->is_array()) {
    for (const auto& e : events->as_array()) {
      if (!e.is_object() || !e.as_object().contains("at")) {
        continue;
      }
      const json::object& o = e.as_object();
      const json::value& at = o.at("at");
      std::string text = o.contains("kind") && o.at("kind").is_string()
                             ? std::string(o.at("kind").as_string())
                             : "event";
      if (o.contains("detail") && o.at("detail").is_string()) {
        text += ": " + std::string(o.at("detail").as_string());
      }
      input.timeline.push_back(ReportEvent{at.is_int64() ? at.as_int64() : 0, text});
    }
  }
  if (const json::value* rules = inc.if_contains("rules"); rules && rules->is_array()) {
    for (const auto& r : rules->as_array()) {
      if (!r.is_object()) {
        continue;
      }
      const json::object& o = r.as_object();
      const json::value* firing = o.if_contains("firing");
      if (firing == nullptr || !firing->is_bool() || !firing->as_bool()) {
        continue;
      }
      FiredRule rule;
      rule.name = o.contains("name") && o.at("name").is_string()
                      ? std::string(o.at("name").as_string())
                      : "";
      if (const json::value* v = o.if_contains("value"); v && v->is_number()) {
        rule.value = v->to_number<double>();
      }
      if (const json::value* s = o.if_contains("severity"); s && s->is_string()) {
        rule.severity = parseSeverity(s->as_string()).value_or(Severity::kNone);
      }
      if (const json::value* s = o.if_contains("summary"); s && s->is_string()) {
        rule.summary = std::string(s->as_string());
      }
      input.rules.push_back(std::move(rule));
    }
  }
}

}  // namespace nova::rollout
