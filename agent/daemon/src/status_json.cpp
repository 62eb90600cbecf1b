#include <boost/json.hpp>
#include <cmath>

#include "nova/daemon/config.h"
#include "nova/daemon/controller.h"
#include "nova/notify/receiver.h"

namespace nova::daemon {
namespace {

namespace json = boost::json;

json::value number(double v) {
  if (std::isnan(v) || std::isinf(v)) {
    return nullptr;  // JSON has no NaN; null means "no value"
  }
  return v;
}

template <typename T>
json::value optional(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object event(const policy::TimelineEvent& e) {
  return {{"at", e.at},
          {"kind", std::string(policy::toString(e.kind))},
          {"rule", e.rule},
          {"detail", e.detail}};
}

json::value incident(const std::optional<policy::Incident>& incident,
                     const std::vector<policy::TimelineEvent>& timeline) {
  if (!incident) {
    return nullptr;
  }
  json::array rules;
  for (const auto& r : incident->rules) {
    rules.push_back({{"name", r.name},
                     {"severity", std::string(toString(r.severity))},
                     {"firing", r.firing},
                     {"value", number(r.value)},
                     {"summary", r.summary}});
  }
  json::array events;
  for (const auto& e : timeline) {
    events.push_back(event(e));
  }
  return json::object{{"id", incident->id},
                      {"severity", std::string(toString(incident->severity))},
                      {"current", std::string(toString(incident->current))},
                      {"state", std::string(policy::toString(incident->state))},
                      {"started_at", incident->startedAt},
                      {"rollback_at", optional(incident->rollbackAt)},
                      {"resolved_at", optional(incident->resolvedAt)},
                      {"rules", std::move(rules)},
                      {"timeline", std::move(events)}};
}

json::value probe(const std::optional<scrape::ProbeEvent>& last,
                  const std::optional<TimestampMs>& lastOk) {
  if (!last) {
    return nullptr;
  }
  return json::object{{"ok", last->ok},
                      {"at", last->at},
                      {"duration_ms", last->duration},
                      {"http_status", last->httpStatus},
                      {"samples", last->samples},
                      {"error", last->error},
                      {"last_ok_at", optional(lastOk)}};
}

}  // namespace

std::string Controller::statusJson() const {
  const rules::RuleSet& ruleSet = watcher_.ruleSet();
  const policy::Escalator& escalator = watcher_.escalator();
  const auto& rollbackState = watcher_.rollback();
  json::array ruleList;
  for (const auto& r : lastResults_) {
    const auto* rule = ruleSet.find(r.observation.rule);
    ruleList.push_back({{"name", r.observation.rule},
                        {"severity", rule ? std::string(toString(rule->severity)) : ""},
                        {"state", std::string(policy::toString(r.observation.state))},
                        {"value", number(r.observation.value)},
                        {"threshold", rule ? rule->threshold.toString() : ""},
                        {"for", rule ? formatDuration(rule->forDuration) : ""},
                        {"summary", r.observation.summary},
                        {"reason", r.reason}});
  }
  json::array events;
  for (const auto& e : recentEvents_) {
    events.push_back(event(e));
  }
  json::array decisions;
  for (const auto& d : decisions_) {
    decisions.push_back(
        {{"at", d.at}, {"incident", d.incident}, {"action", d.action}, {"reason", d.reason}});
  }
  json::value hold = nullptr;
  if (auto h = escalator.activeHold()) {
    hold = json::object{{"who", h->who},
                        {"reason", h->reason},
                        {"since", h->since},
                        {"until", h->until},
                        {"covers", toString(h->covers)}};
  }
  json::value rollback = nullptr;
  if (rollbackState) {
    rollback = json::object{{"incident", rollbackState->request.incidentId},
                            {"who", rollbackState->request.who},
                            {"decided_at", rollbackState->request.decidedAt},
                            {"attempts", rollbackState->attempts},
                            {"outcome", rollbackState->outcome},
                            {"detail", rollbackState->detail}};
  }
  json::object out{
      {"ready", ready_},
      {"last_tick", optional(watcher_.lastTick())},
      {"target",
       {{"health", probe(health_.last, health_.lastOk)},
        {"scrape", probe(scrape_.last, scrape_.lastOk)}}},
      {"rules", std::move(ruleList)},
      {"incident", incident(escalator.incident(), timeline_)},
      {"hold", std::move(hold)},
      {"traffic_switched_at", escalator.trafficSwitchedAt()},
      {"rollback_window_ends_at", escalator.rollbackWindowEndsAt()},
      {"rollback_decided", escalator.rollbackDecided()},
      {"rollback", std::move(rollback)},
      {"decisions", std::move(decisions)},
      {"events", std::move(events)},
  };
  boost::system::error_code ec;
  json::value config = json::parse(options_.configJson, ec);
  out["config"] = ec ? json::value(nullptr) : std::move(config);
  return json::serialize(out);
}

std::string commandReplyJson(const policy::Decision& decision) {
  json::array events;
  for (const auto& e : decision.events) {
    events.push_back(event(e));
  }
  return json::serialize(json::object{
      {"ok", true},
      {"action", std::string(policy::toString(decision.action))},
      {"reason", decision.reason},
      {"incident", decision.incident ? json::value(decision.incident->id) : json::value(nullptr)},
      {"events", std::move(events)}});
}

std::string commandErrorJson(const std::string& message) {
  return json::serialize(json::object{{"ok", false}, {"error", message}});
}

std::string describe(const AgentConfig& c) {
  auto secret = [&](const std::string& path, const std::string& value) -> json::value {
    return c.secretPaths.count(path) ? json::value("<redacted>") : json::value(value);
  };
  json::object labels;
  for (const auto& l : c.target.labels) {
    labels[l.name] = l.value;
  }
  json::object sw{{"type", c.switchConfig.type}};
  for (const auto& [k, v] : c.switchConfig.settings) {
    sw[k] = secret("switch." + k, v);
  }
  json::array notifiers;
  for (std::size_t i = 0; i < c.notifiers.size(); ++i) {
    json::object n{{"type", c.notifiers[i].type}};
    // Secrets by key whatever their source (inline, --set, {file:}, {env:}).
    for (const auto& [k, v] : notify::redactedSettings(c.notifiers[i])) {
      n[k] = secret("notifiers." + std::to_string(i) + "." + k, v);
    }
    notifiers.push_back(std::move(n));
  }
  json::array ruleFiles;
  for (const auto& f : c.ruleFiles) {
    ruleFiles.push_back(json::value(f));
  }
  const auto& t = c.target;
  return json::serialize(json::object{
      {"target",
       {{"health_url", t.healthUrl},
        {"metrics_url", t.metricsUrl},
        {"expected_status", t.expectedStatus},
        {"health_interval", formatDuration(t.healthInterval)},
        {"metrics_interval", formatDuration(t.metricsInterval)},
        {"health_timeout", formatDuration(t.healthTimeout)},
        {"metrics_timeout", formatDuration(t.metricsTimeout)},
        {"connect_timeout", formatDuration(t.connectTimeout)},
        {"verify_tls", t.verifyTls},
        {"ca_file", t.caFile},
        {"labels", std::move(labels)}}},
      {"rule_files", std::move(ruleFiles)},
      {"policy", c.policyYaml ? json::value(*c.policyYaml) : json::value(nullptr)},
      {"eval_interval", formatDuration(c.evalInterval)},
      {"switch", std::move(sw)},
      {"notifiers", std::move(notifiers)},
      {"listen", c.listenAddress + ":" + std::to_string(c.listenPort)},
      {"probe_listen", c.probeListenPort ? json::value(c.probeListenAddress + ":" +
                                                       std::to_string(*c.probeListenPort))
                                         : json::value(nullptr)},
      {"api", c.apiToken ? "enabled (token <redacted>)" : "disabled"},
      {"state_file", c.stateFile},
      {"dry_run", c.dryRun},
      {"log_format", c.logFormat == LogFormat::kJson ? "json" : "text"},
      {"action_queue", c.actionQueueCapacity}});
}

}  // namespace nova::daemon
