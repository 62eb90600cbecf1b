#include "nova/daemon/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <mutex>

namespace nova::daemon {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

}  // namespace

struct AgentMetrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Gauge>& baselineState =
      BuildGauge()
          .Name("nova_agent_baseline_state")
          .Help("1 for the baseline's current state (waiting, frozen, expired, none)")
          .Register(*registry);
  // The baseline's series under their own names, as the rules read them.
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> baselineSeries = [this] {
    std::map<std::string, prometheus::Family<prometheus::Gauge>*> families;
    for (const auto& recipe : watch::baselineRecipes()) {
      families[std::string(recipe.name)] = &BuildGauge()
                                                .Name(std::string(recipe.name))
                                                .Help("Blue's baseline before the switch")
                                                .Register(*registry);
    }
    return families;
  }();
  prometheus::Family<prometheus::Counter>& blueScrapes =
      BuildCounter()
          .Name("nova_agent_blue_scrapes_total")
          .Help("Scrapes of blue for the baseline by result")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& buildInfo =
      BuildGauge().Name("nova_agent_build_info").Help("Build of the agent").Register(*registry);
  prometheus::Family<prometheus::Counter>& probes =
      BuildCounter()
          .Name("nova_agent_probes_total")
          .Help("Health probes and scrapes of the target by kind and result")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& probeDuration =
      BuildHistogram()
          .Name("nova_agent_probe_duration_seconds")
          .Help("Duration of health probes and scrapes")
          .Register(*registry);
  prometheus::Gauge& scrapeSamples = BuildGauge()
                                         .Name("nova_agent_scrape_samples")
                                         .Help("Samples ingested by the last scrape")
                                         .Register(*registry)
                                         .Add({});
  prometheus::Family<prometheus::Gauge>& ruleValue =
      BuildGauge()
          .Name("nova_agent_rule_value")
          .Help("Last value of each rule compared with its threshold (NaN without data)")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& ruleState =
      BuildGauge()
          .Name("nova_agent_rule_state")
          .Help("1 for each rule's current state (ok, breaching, unknown)")
          .Register(*registry);
  prometheus::Counter& evaluations = BuildCounter()
                                         .Name("nova_agent_rule_evaluations_total")
                                         .Help("Evaluations of the rule set")
                                         .Register(*registry)
                                         .Add({});
  prometheus::Gauge& severityGauge =
      BuildGauge()
          .Name("nova_agent_severity")
          .Help("Severity of the open incident: 0 none, 1 low, 2 medium, 3 high, 4 critical")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Counter>& decisions =
      BuildCounter()
          .Name("nova_agent_decisions_total")
          .Help("Decisions of the escalator by action")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& events = BuildCounter()
                                                        .Name("nova_agent_events_total")
                                                        .Help("Timeline events by kind")
                                                        .Register(*registry);
  prometheus::Family<prometheus::Counter>& actions =
      BuildCounter()
          .Name("nova_agent_actions_total")
          .Help("Actions handed to the action worker by kind")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& rollbacks =
      BuildCounter()
          .Name("nova_agent_rollbacks_total")
          .Help("Rollback attempts through the traffic switch by outcome")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& notifications =
      BuildCounter()
          .Name("nova_agent_notifications_total")
          .Help("Notifications by notifier and result")
          .Register(*registry);
  prometheus::Counter& dropped =
      BuildCounter()
          .Name("nova_agent_notifications_dropped_total")
          .Help("Notifications dropped because the action queue was full")
          .Register(*registry)
          .Add({});
  prometheus::Gauge& series = BuildGauge()
                                  .Name("nova_agent_tsdb_series")
                                  .Help("Series in the agent's store")
                                  .Register(*registry)
                                  .Add({});
  prometheus::Gauge& samples = BuildGauge()
                                   .Name("nova_agent_tsdb_samples")
                                   .Help("Samples in the agent's store")
                                   .Register(*registry)
                                   .Add({});
  prometheus::Gauge& bytes = BuildGauge()
                                 .Name("nova_agent_tsdb_bytes")
                                 .Help("Approximate bytes held by the agent's store")
                                 .Register(*registry)
                                 .Add({});
  prometheus::Gauge& seriesLimit = BuildGauge()
                                       .Name("nova_agent_tsdb_series_limit")
                                       .Help("Series the agent's store holds at most")
                                       .Register(*registry)
                                       .Add({});
  prometheus::Counter& seriesDropped =
      BuildCounter()
          .Name("nova_agent_tsdb_series_dropped_total")
          .Help("Idle series dropped from the store (no sample left inside retention)")
          .Register(*registry)
          .Add({});
  prometheus::Gauge& scrapeSeries = BuildGauge()
                                        .Name("nova_agent_scrape_series")
                                        .Help("Series the last scrape stored")
                                        .Register(*registry)
                                        .Add({});
  prometheus::Gauge& scrapeRefused =
      BuildGauge()
          .Name("nova_agent_scrape_series_refused")
          .Help("Series of the last scrape refused by the store's series limit")
          .Register(*registry)
          .Add({});
  prometheus::Counter& seriesRefused =
      BuildCounter()
          .Name("nova_agent_series_refused_total")
          .Help("Series the store's series limit refused when the scrape first had them")
          .Register(*registry)
          .Add({});
  prometheus::Gauge& wallOffset =
      BuildGauge()
          .Name("nova_agent_clock_wall_offset_seconds")
          .Help("Wall clock minus the agent's time line: how far the wall clock was stepped")
          .Register(*registry)
          .Add({});
  prometheus::Counter& stateFromFuture =
      BuildCounter()
          .Name("nova_agent_state_from_future_total")
          .Help("Restored states whose times lay beyond the clock and were moved back")
          .Register(*registry)
          .Add({});
  // The counters above are set from running totals; these remember what was added.
  std::uint64_t droppedSeen = 0;
  std::uint64_t refusedSeen = 0;
  prometheus::Gauge& readyGauge = BuildGauge()
                                      .Name("nova_agent_ready")
                                      .Help("1 once the first scrape of the target succeeded")
                                      .Register(*registry)
                                      .Add({});
  prometheus::Gauge& armedGauge =
      BuildGauge()
          .Name("nova_agent_armed")
          .Help("1 while the agent guards a rollout and acts; 0 in shadow")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Counter>& arming =
      BuildCounter()
          .Name("nova_agent_arming_total")
          .Help("Changes of the arming by change (armed, disarmed)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& shadowActions =
      BuildCounter()
          .Name("nova_agent_shadow_actions_total")
          .Help("Actions decided in shadow and not carried out, by kind")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& leader =
      BuildGauge()
          .Name("nova_agent_leader")
          .Help("1 while this agent leads on the Lease (acts), 0 while it follows (shadow)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& leaderTransitions =
      BuildCounter()
          .Name("nova_agent_leader_transitions_total")
          .Help("Leadership changes seen by this agent: acquired, lost, observed (another holder)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& recordReads =
      BuildCounter()
          .Name("nova_agent_record_reads_total")
          .Help("Reads of the rollout record on the traffic object by result")
          .Register(*registry);
  prometheus::Counter& dashboardDocuments =
      BuildCounter()
          .Name("nova_agent_dashboard_documents_total")
          .Help("Dashboard documents built (a page polls them; cached ones are not counted)")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Counter>& incidentCharts =
      BuildCounter()
          .Name("nova_agent_incident_charts_total")
          .Help("Rolled-back incidents' chart documents saved for their reports, by result")
          .Register(*registry);
  prometheus::Histogram& dashboardBuild =
      BuildHistogram()
          .Name("nova_agent_dashboard_build_seconds")
          .Help("Time the loop spent building one dashboard document")
          .Register(*registry)
          .Add({},
               prometheus::Histogram::BucketBoundaries{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
  prometheus::Family<prometheus::Counter>& remoteQueries =
      BuildCounter()
          .Name("nova_agent_remote_queries_total")
          .Help("Queries of remote rules to their Prometheus-compatible source, by result")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& remoteQueryDuration =
      BuildHistogram()
          .Name("nova_agent_remote_query_duration_seconds")
          .Help("Duration of remote rule queries, by source")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& bucketWarnings =
      BuildCounter()
          .Name("nova_agent_rule_bucket_warnings_total")
          .Help(
              "Rules found unable to work as written against the target's histogram buckets, "
              "by rule and kind")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& connections =
      BuildCounter()
          .Name("nova_agent_http_connections_total")
          .Help("Connections to the agent's listeners by what became of them")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& connectionsOpen =
      BuildGauge()
          .Name("nova_agent_http_connections_open")
          .Help("Connections open on each of the agent's listeners")
          .Register(*registry);
  prometheus::Counter& stateWriteFailures =
      BuildCounter()
          .Name("nova_agent_state_write_failures_total")
          .Help("Writes of the state file that failed (the first of a burst is logged)")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Gauge>& targets =
      BuildGauge()
          .Name("nova_agent_targets")
          .Help("Targets by the state of their last scrape (up, down, unknown)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& targetChanges =
      BuildCounter()
          .Name("nova_agent_target_changes_total")
          .Help("Targets added, removed and refused beyond the target limit")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& discoveryEvents =
      BuildCounter()
          .Name("nova_agent_discovery_events_total")
          .Help("Lists, relists after 410, watch events and failures of discovery")
          .Register(*registry);
  kube::InformerStats discoverySeen;  // guarded by discoveryMutex
  std::mutex discoveryMutex;
  // Two listeners' threads may copy their counters in at once.
  std::mutex connectionsMutex;
};

AgentMetrics::AgentMetrics(std::string_view version) : impl_(std::make_unique<Impl>()) {
  impl_->buildInfo.Add({{"version", std::string(version)}}).Set(1);
}

AgentMetrics::~AgentMetrics() = default;

void AgentMetrics::probe(const scrape::ProbeEvent& event) {
  const std::string kind(scrape::toString(event.kind));
  impl_->probes.Add({{"kind", kind}, {"result", event.ok ? "ok" : "failed"}}).Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets{0.005, 0.01, 0.025, 0.05, 0.1,
                                                                0.25,  0.5,  1,     2.5,  5};
  impl_->probeDuration.Add({{"kind", kind}}, kBuckets)
      .Observe(static_cast<double>(event.duration) / 1000.0);
  if (event.kind == scrape::ProbeEvent::Kind::kScrape) {
    impl_->scrapeSamples.Set(static_cast<double>(event.samples));
    impl_->scrapeSeries.Set(static_cast<double>(event.series));
    impl_->scrapeRefused.Set(static_cast<double>(event.refused.series));
    if (event.refusedTotal > impl_->refusedSeen) {
      impl_->seriesRefused.Increment(static_cast<double>(event.refusedTotal - impl_->refusedSeen));
      impl_->refusedSeen = event.refusedTotal;
    }
  }
}

void AgentMetrics::rules(const std::vector<rules::RuleEvaluation>& results) {
  impl_->evaluations.Increment();
  for (const auto& r : results) {
    const auto& o = r.observation;
    impl_->ruleValue.Add({{"rule", o.rule}}).Set(o.value);
    for (auto state :
         {policy::RuleObservation::State::kOk, policy::RuleObservation::State::kBreaching,
          policy::RuleObservation::State::kUnknown}) {
      impl_->ruleState.Add({{"rule", o.rule}, {"state", std::string(policy::toString(state))}})
          .Set(state == o.state ? 1 : 0);
    }
  }
}

void AgentMetrics::severity(Severity severity) {
  impl_->severityGauge.Set(static_cast<double>(severity));
}

void AgentMetrics::decision(const policy::Decision& decision) {
  impl_->decisions.Add({{"action", std::string(policy::toString(decision.action))}}).Increment();
  for (const auto& event : decision.events) {
    impl_->events.Add({{"kind", std::string(policy::toString(event.kind))}}).Increment();
  }
}

void AgentMetrics::action(policy::Action action) {
  impl_->actions.Add({{"kind", std::string(policy::toString(action))}}).Increment();
}

void AgentMetrics::rollback(std::string_view outcome) {
  impl_->rollbacks.Add({{"outcome", std::string(outcome)}}).Increment();
}

void AgentMetrics::notification(const std::string& notifier, bool sent) {
  impl_->notifications.Add({{"notifier", notifier}, {"result", sent ? "sent" : "failed"}})
      .Increment();
}

void AgentMetrics::notificationDropped() {
  impl_->dropped.Increment();
}

void AgentMetrics::tsdb(const tsdb::Stats& stats) {
  impl_->series.Set(static_cast<double>(stats.series));
  impl_->samples.Set(static_cast<double>(stats.samples));
  impl_->bytes.Set(static_cast<double>(stats.bytes));
  if (stats.droppedSeries > impl_->droppedSeen) {
    impl_->seriesDropped.Increment(static_cast<double>(stats.droppedSeries - impl_->droppedSeen));
    impl_->droppedSeen = stats.droppedSeries;
  }
}

void AgentMetrics::wallOffset(DurationMs offset) {
  impl_->wallOffset.Set(static_cast<double>(offset) / 1000.0);
}

void AgentMetrics::stateFromFuture() {
  impl_->stateFromFuture.Increment();
}

void AgentMetrics::seriesLimit(std::size_t limit) {
  impl_->seriesLimit.Set(static_cast<double>(limit));
}

void AgentMetrics::ready(bool ready) {
  impl_->readyGauge.Set(ready ? 1 : 0);
}

void AgentMetrics::armed(bool armed) {
  impl_->armedGauge.Set(armed ? 1 : 0);
}

void AgentMetrics::armingChanged(bool armed) {
  impl_->arming.Add({{"change", armed ? "armed" : "disarmed"}}).Increment();
  impl_->armedGauge.Set(armed ? 1 : 0);
}

void AgentMetrics::shadowAction(std::string_view kind) {
  impl_->shadowActions.Add({{"kind", std::string(kind)}}).Increment();
}

void AgentMetrics::leader(const std::string& lease, const std::string& identity, bool leading) {
  impl_->leader.Add({{"lease", lease}, {"identity", identity}}).Set(leading ? 1 : 0);
}

void AgentMetrics::leaderTransition(std::string_view change) {
  impl_->leaderTransitions.Add({{"change", std::string(change)}}).Increment();
}

void AgentMetrics::baseline(watch::BaselineState state,
                            const std::vector<watch::BaselineValue>& values) {
  for (auto each : {watch::BaselineState::kWaiting, watch::BaselineState::kFrozen,
                    watch::BaselineState::kExpired, watch::BaselineState::kNone}) {
    impl_->baselineState.Add({{"state", std::string(watch::baselineStateName(each))}})
        .Set(each == state ? 1 : 0);
  }
  for (auto& [name, family] : impl_->baselineSeries) {
    const auto value = std::find_if(values.begin(), values.end(),
                                    [&](const watch::BaselineValue& v) { return v.name == name; });
    if (state == watch::BaselineState::kFrozen && value != values.end()) {
      family->Add({}).Set(value->value);
    } else if (family->Has({})) {
      family->Remove(&family->Add({}));
    }
  }
}

void AgentMetrics::blueScrape(bool ok) {
  impl_->blueScrapes.Add({{"result", ok ? "ok" : "failed"}}).Increment();
}

void AgentMetrics::recordRead(bool ok) {
  impl_->recordReads.Add({{"result", ok ? "ok" : "failed"}}).Increment();
}

void AgentMetrics::bucketWarning(const std::string& rule, std::string_view kind) {
  impl_->bucketWarnings.Add({{"rule", rule}, {"kind", std::string(kind)}}).Increment();
}

void AgentMetrics::remoteQuery(const std::string& source, std::string_view result,
                               DurationMs took) {
  impl_->remoteQueries.Add({{"source", source}, {"result", std::string(result)}}).Increment();
  impl_->remoteQueryDuration
      .Add({{"source", source}},
           prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
                                                   5, 10})
      .Observe(static_cast<double>(took) / 1000.0);
}

void AgentMetrics::dashboardDocument(DurationMs took) {
  impl_->dashboardDocuments.Increment();
  impl_->dashboardBuild.Observe(static_cast<double>(took) / 1000.0);
}

void AgentMetrics::incidentCharts(bool saved) {
  impl_->incidentCharts.Add({{"result", saved ? "saved" : "failed"}}).Increment();
}

void AgentMetrics::stateWriteFailed() {
  impl_->stateWriteFailures.Increment();
}

void AgentMetrics::targets(const std::vector<scrape::TargetStatus>& targets) {
  double up = 0;
  double down = 0;
  double unknown = 0;
  for (const auto& t : targets) {
    (t.lastScrape == 0 ? unknown : t.up ? up : down) += 1;
  }
  impl_->targets.Add({{"state", "up"}}).Set(up);
  impl_->targets.Add({{"state", "down"}}).Set(down);
  impl_->targets.Add({{"state", "unknown"}}).Set(unknown);
}

void AgentMetrics::targetChanges(const scrape::SyncResult& changes) {
  impl_->targetChanges.Add({{"change", "added"}})
      .Increment(static_cast<double>(changes.added.size()));
  impl_->targetChanges.Add({{"change", "removed"}})
      .Increment(static_cast<double>(changes.removed.size()));
  impl_->targetChanges.Add({{"change", "refused"}})
      .Increment(static_cast<double>(changes.refused.size()));
}

void AgentMetrics::discovery(const kube::InformerStats& stats) {
  std::lock_guard lock(impl_->discoveryMutex);
  kube::InformerStats& seen = impl_->discoverySeen;
  const std::array<std::pair<const char*, std::uint64_t kube::InformerStats::*>, 7> kinds{{
      {"list", &kube::InformerStats::lists},
      {"relist", &kube::InformerStats::relists},
      {"added", &kube::InformerStats::added},
      {"modified", &kube::InformerStats::modified},
      {"deleted", &kube::InformerStats::deleted},
      {"bookmark", &kube::InformerStats::bookmarks},
      {"failure", &kube::InformerStats::failures},
  }};
  for (auto [type, member] : kinds) {
    impl_->discoveryEvents.Add({{"type", type}})
        .Increment(static_cast<double>(stats.*member - seen.*member));
  }
  seen = stats;
}

// The server counts on its own thread; the registry's counters catch up to its totals.
void AgentMetrics::connections(std::string_view listener,
                               const http::ConnectionCounters& counters) {
  const std::string name(listener);
  const std::pair<const char*, const std::atomic<std::uint64_t>*> outcomes[] = {
      {"accepted", &counters.accepted},
      {"refused", &counters.refused},
      {"evicted", &counters.evicted},
      {"timed_out", &counters.timedOut},
      {"idle_closed", &counters.idleClosed}};
  std::lock_guard lock(impl_->connectionsMutex);
  for (const auto& [outcome, total] : outcomes) {
    auto& counter = impl_->connections.Add({{"listener", name}, {"outcome", outcome}});
    const double seen = static_cast<double>(total->load());
    if (seen > counter.Value()) {
      counter.Increment(seen - counter.Value());
    }
  }
  impl_->connectionsOpen.Add({{"listener", name}}).Set(static_cast<double>(counters.open.load()));
}

std::string AgentMetrics::serialize() const {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(impl_->registry->Collect());
}

}  // namespace nova::daemon
