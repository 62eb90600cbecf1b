#include <boost/json.hpp>
#include <cmath>

#include "nova/daemon/config.h"
#include "nova/daemon/controller.h"
#include "nova/notify/receiver.h"

namespace nova::daemon {
namespace {

namespace json = boost::json;

json::value leaderElection(const std::optional<LeaderElectionConfig>& le) {
  if (!le) {
    return nullptr;
  }
  return json::object{{"namespace", le->ns},
                      {"name", le->name},
                      {"identity", le->identity},
                      {"lease_duration", formatDuration(le->leaseDuration)},
                      {"renew_deadline", formatDuration(le->renewDeadline)},
                      {"retry_period", formatDuration(le->retryPeriod)}};
}

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

// The measurement source whose failure left a rule unknown; null when the rule speaks of
// green (judged, or unknown for want of green's data).
json::value failedSource(const std::string& name) {
  return name.empty() ? json::value(nullptr) : json::value(name);
}

// What the rule cannot show with the target's buckets: [{"kind", "metric", "message"}].
json::array bucketWarnings(const std::vector<rules::BucketFinding>& findings) {
  json::array out;
  for (const rules::BucketFinding& f : findings) {
    out.push_back({{"kind", std::string(rules::toString(f.kind))},
                   {"metric", f.metric},
                   {"message", f.message}});
  }
  return out;
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
                     {"summary", r.summary},
                     {"failed_source", failedSource(r.failedSource)}});
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

// The target's series against the store's limit: what the last scrape stored and refused.
json::value series(const std::optional<scrape::ProbeEvent>& last, const tsdb::Storage& storage) {
  const tsdb::Stats stats = storage.stats();
  json::array refusedMetrics;
  if (last) {
    for (const auto& name : last->refused.names) {
      refusedMetrics.push_back(json::string(name));
    }
  }
  return json::object{{"stored", last ? last->series : 0},
                      {"refused", last ? last->refused.series : 0},
                      {"refused_metrics", std::move(refusedMetrics)},
                      {"refused_metrics_truncated", last && last->refused.truncated},
                      {"refused_total", last ? last->refusedTotal : 0},
                      {"limit", storage.limits().maxSeries},
                      {"store_series", stats.series},
                      {"dropped_idle_total", stats.droppedSeries}};
}

// The agent's time line against the wall clock, and a state restored from the future.
json::value clockStatus(const Timeline& timeline, const std::optional<watch::FutureState>& future) {
  json::value restored = nullptr;
  if (future) {
    restored = json::object{{"latest_as_written", future->latest},
                            {"clock_at_restore", future->now},
                            {"ahead_ms", future->ahead()},
                            {"beyond_bound", future->beyondBound},
                            {"bound_ms", watch::kFutureStateBound},
                            {"choice", "times moved back by ahead_ms; decisions kept"}};
  }
  return json::object{{"timeline", timeline.now()},
                      {"wall", timeline.clock().now()},
                      {"wall_offset_ms", timeline.wallOffset()},
                      {"state_from_future", std::move(restored)}};
}

}  // namespace

std::string Controller::statusJson() const {
  const rules::RuleSet& ruleSet = watcher_.ruleSet();
  const policy::Escalator& escalator = watcher_.escalator();
  const auto& rollbackState = watcher_.rollback();
  json::array ruleList;
  for (const auto& r : lastResults_) {
    const auto* rule = ruleSet.find(r.observation.rule);
    ruleList.push_back(
        {{"name", r.observation.rule},
         {"severity", rule ? std::string(toString(rule->severity)) : ""},
         {"state", std::string(policy::toString(r.observation.state))},
         {"value", number(r.observation.value)},
         {"threshold", rule ? rule->threshold.toString() : ""},
         {"for", rule ? formatDuration(rule->forDuration) : ""},
         {"summary", r.observation.summary},
         {"reason", r.reason},
         {"failed_source", failedSource(r.observation.failedSource)},
         {"bucket_warnings", bucketWarnings(bucketWarnings_.forRule(r.observation.rule))}});
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
  json::array changes;
  for (const auto& c : armingChanges_) {
    changes.push_back(
        {{"at", c.at}, {"change", c.change}, {"rollout_id", c.rolloutId}, {"reason", c.reason}});
  }
  json::value record = nullptr;
  if (lastSighting_) {
    const auto& s = *lastSighting_;
    record = json::object{
        {"read_ok", s.readOk}, {"rollout_id", optional(s.rolloutId)},   {"version", s.version},
        {"phase", s.phase},    {"switched_at", optional(s.switchedAt)}, {"green_live", s.greenLive},
        {"detail", s.detail}};
  }
  auto armedText = [&](std::string ArmedFor::*member) -> json::value {
    return armed_ && !((*armed_).*member).empty() ? json::value((*armed_).*member)
                                                  : json::value(nullptr);
  };
  json::object out{
      {"ready", ready_},
      {"armed", armed_.has_value()},
      {"rollout_id", armedText(&ArmedFor::rolloutId)},
      {"version", armedText(&ArmedFor::version)},
      {"switched_at", armed_ ? json::value(armed_->switchedAt) : json::value(nullptr)},
      {"arming",
       {{"mode", toString(options_.arming)},
        {"armed_since", optional(armedSince_)},
        {"record", std::move(record)},
        {"shadow_actions", shadowActions_},
        {"changes", std::move(changes)}}},
      {"last_tick", optional(watcher_.lastTick())},
      {"clock", clockStatus(agentTime_, options_.restoredFromFuture)},
      {"target",
       {{"health", probe(health_.last, health_.lastOk)},
        {"scrape", probe(scrape_.last, scrape_.lastOk)},
        {"series", series(scrape_.last, storage_)}}},
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
  if (targets_) {
    json::array list;
    for (const auto& t : *targets_) {
      list.push_back({{"instance", t.instance},
                      {"pod", t.pod},
                      {"up", t.up},
                      {"healthy", t.healthy ? json::value(*t.healthy) : json::value(nullptr)},
                      {"last_scrape", t.lastScrape > 0 ? json::value(t.lastScrape) : nullptr},
                      {"error", t.error},
                      {"series", t.series}});
    }
    out["targets"] = {
        {"list", std::move(list)},
        {"discovery", discovery_.empty() ? json::value(nullptr) : json::value(discovery_)}};
  }
  boost::system::error_code ec;
  json::value config = json::parse(options_.configJson, ec);
  out["config"] = ec ? json::value(nullptr) : std::move(config);
  if (options_.sourcesJson) {
    json::value sources = json::parse(options_.sourcesJson(), ec);
    out["sources"] = ec ? json::value(nullptr) : std::move(sources);
  }
  out["leader"] = json::object{{"enabled", false}, {"is_leader", true}};
  if (options_.leaderJson) {
    json::value leader = json::parse(options_.leaderJson(), ec);
    out["leader"] = ec ? json::value(nullptr) : std::move(leader);
  }
  if (options_.baselineJson) {
    json::value baseline = json::parse(options_.baselineJson(), ec);
    out["baseline"] = ec ? json::value(nullptr) : std::move(baseline);
  }
  return json::serialize(out);
}

void Controller::setTargets(std::vector<scrape::TargetStatus> targets, std::string discovery) {
  targets_ = std::move(targets);
  discovery_ = std::move(discovery);
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

namespace {

// A discovery section as configured; null without one.
json::value discoveryJson(const std::optional<DiscoveryConfig>& d) {
  if (!d) {
    return nullptr;
  }
  const auto& k = d->kubernetes;
  json::object extra;
  for (const auto& l : k.labels) {
    extra[l.name] = l.value;
  }
  return json::object{{"kind", "kubernetes"}, {"namespace", k.ns},          {"service", k.service},
                      {"port", k.port},       {"labels", std::move(extra)}, {"server", d->server}};
}

// The `baseline:` section as configured; null without one.
json::value baselineConfigJson(const std::optional<BaselineConfig>& baseline) {
  if (!baseline) {
    return nullptr;
  }
  json::array urls;
  for (const auto& url : baseline->urls) {
    urls.emplace_back(url);
  }
  return {{"urls", std::move(urls)},
          {"metrics_path", baseline->metricsPath},
          {"interval", formatDuration(baseline->interval)},
          {"timeout", formatDuration(baseline->timeout)},
          {"window", formatDuration(baseline->options.window)},
          {"keep", formatDuration(baseline->options.keep)},
          {"discovery", discoveryJson(baseline->discovery)}};
}

}  // namespace

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
  json::object sources;
  for (const auto& s : c.sources) {
    // Where and how the source is asked; credentials only as the kind of auth.
    sources[s.name] =
        json::object{{"url", s.url},
                     {"timeout", formatDuration(s.timeout)},
                     {"auth", !s.bearerToken.empty() ? "bearer <redacted>"
                              : !s.basicUser.empty() ? "basic " + s.basicUser + ":<redacted>"
                                                     : "none"},
                     {"tenant", s.tenant},
                     {"ca_file", s.caFile}};
  }
  const auto& t = c.target;
  json::array urls;
  for (const auto& u : c.targetUrls) {
    urls.push_back(json::value(u));
  }
  json::value discovery = discoveryJson(c.discovery);
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
        {"labels", std::move(labels)},
        {"max_series", t.maxSeries},
        {"urls", std::move(urls)},
        {"discovery", std::move(discovery)},
        {"health_path", c.pool.healthPath},
        {"metrics_path", c.pool.metricsPath},
        {"scheme", c.pool.scheme},
        {"max_targets", c.pool.maxTargets}}},
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
      {"action_queue", c.actionQueueCapacity},
      {"arming",
       {{"mode", toString(c.armingMode)}, {"interval", formatDuration(c.armingInterval)}}},
      {"sources", std::move(sources)},
      {"leader_election", leaderElection(c.leaderElection)},
      {"baseline", baselineConfigJson(c.baseline)}});
}

}  // namespace nova::daemon
