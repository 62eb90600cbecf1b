#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/severity.h"
#include "nova/core/time.h"
#include "nova/http/server.h"
#include "nova/kube/informer.h"
#include "nova/policy/escalator.h"
#include "nova/rules/evaluator.h"
#include "nova/scrape/prober.h"
#include "nova/scrape/target_pool.h"
#include "nova/tsdb/storage.h"
#include "nova/watch/baseline.h"

namespace nova::daemon {

/// The agent's own metrics (a prometheus-cpp registry behind a pimpl). Names:
///   nova_agent_build_info{version}                         gauge, 1
///   nova_agent_probes_total{kind="health|scrape",result="ok|failed"}   counter
///   nova_agent_probe_duration_seconds{kind}                histogram
///   nova_agent_scrape_samples                              gauge, last scrape
///   nova_agent_rule_value{rule}                            gauge (NaN when unknown)
///   nova_agent_rule_state{rule,state="ok|breaching|unknown"}  gauge, 1 for the current state
///   nova_agent_rule_evaluations_total                      counter
///   nova_agent_severity                                    gauge, 0 none .. 4 critical
///   nova_agent_decisions_total{action}                     counter, one per decision
///   nova_agent_events_total{kind}                          counter, timeline events
///   nova_agent_actions_total{kind="notify|page|rollback"}  counter, actions handed to the worker
///   nova_agent_rollbacks_total{outcome="flipped|already_blue|impossible|error"}  counter
///   nova_agent_notifications_total{notifier,result="sent|failed"}  counter
///   nova_agent_notifications_dropped_total                 counter, action queue full
///   nova_agent_tsdb_series / _samples / _bytes             gauges
///   nova_agent_tsdb_series_limit                           gauge, the store's series limit
///   nova_agent_tsdb_series_dropped_total                   counter, idle series dropped
///   nova_agent_scrape_series                               gauge, series the last scrape stored
///   nova_agent_scrape_series_refused                       gauge, series the last scrape had
///                                                          refused by the series limit
///   nova_agent_series_refused_total                        counter, series the limit refused
///   nova_agent_clock_wall_offset_seconds                   gauge, wall clock minus the agent's
///                                                          time line (a step while running)
///   nova_agent_state_from_future_total                     counter, restored states whose
///                                                          times lay beyond the clock + 5 min
///   nova_agent_ready                                       gauge, 1 after the first good scrape
///   nova_agent_armed                                       gauge, 1 armed, 0 shadow
///   nova_agent_arming_total{change="armed|disarmed"}       counter
///   nova_agent_shadow_actions_total{kind}                  counter, decided in shadow, not done
///   nova_agent_record_reads_total{result="ok|failed"}      counter, rollout record reads
///   nova_agent_dashboard_documents_total                   counter, dashboard documents built
///   nova_agent_dashboard_build_seconds                     histogram, time to build one
///   nova_agent_incident_charts_total{result="saved|failed"}  counter, incidents' charts kept
///   nova_agent_http_connections_total{listener="api|probe",outcome="accepted|refused|
///     evicted|timed_out|idle_closed"}                      counter, what a listener did
///   nova_agent_http_connections_open{listener}             gauge
///   nova_agent_state_write_failures_total                  counter, state file writes failed
///   nova_agent_targets{state="up|down|unknown"}            gauge, targets by last scrape
///   nova_agent_target_changes_total{change="added|removed|refused"}  counter
///   nova_agent_discovery_events_total{type="list|relist|added|modified|deleted|bookmark|
///     failure"}                                            counter, what discovery saw
///   nova_agent_leader{lease,identity}                       gauge, 1 while this agent leads
///   nova_agent_leader_transitions_total{change="acquired|lost|observed"}  counter
///   nova_agent_baseline_state{state="waiting|frozen|expired|none"}  gauge, 1 for the
///                                                          baseline's current state
///   baseline:nova_http_requests:rate and the other baseline series (watch/baseline.h),
///     by their own names                                   gauges, while the baseline is
///                                                          frozen
///   nova_agent_blue_scrapes_total{result="ok|failed"}      counter, scrapes of blue
///   nova_agent_rule_bucket_warnings_total{rule, kind="unreachable|interpolated|
///     no_such_bucket"}                                     counter, rules the target's
///                                                          buckets cannot show (once each)
/// Thread-safe: the loop and the action worker update it, the HTTP thread serializes it.
class AgentMetrics {
 public:
  explicit AgentMetrics(std::string_view version);
  ~AgentMetrics();
  AgentMetrics(const AgentMetrics&) = delete;
  AgentMetrics& operator=(const AgentMetrics&) = delete;

  void probe(const scrape::ProbeEvent& event);
  /// Targets by state: up (last scrape ok), down (failed), unknown (none finished yet).
  void targets(const std::vector<scrape::TargetStatus>& targets);
  void targetChanges(const scrape::SyncResult& changes);
  /// Discovery's totals so far (counters follow them; they only grow).
  void discovery(const kube::InformerStats& stats);
  void rules(const std::vector<rules::RuleEvaluation>& results);
  void severity(Severity severity);
  void decision(const policy::Decision& decision);
  void action(policy::Action action);
  /// `outcome`: "flipped", "already_blue", "impossible" or "error".
  void rollback(std::string_view outcome);
  void notification(const std::string& notifier, bool sent);
  void notificationDropped();
  void tsdb(const tsdb::Stats& stats);
  void seriesLimit(std::size_t limit);
  void wallOffset(DurationMs offset);
  /// A restored state's times lay beyond the bound in the future and were moved back.
  void stateFromFuture();
  void ready(bool ready);
  void armed(bool armed);
  /// The agent armed (true) or went back to shadow (false); sets the gauge too.
  void armingChanged(bool armed);
  /// `kind`: "rollback" or a notification kind ("incident_opened").
  void shadowAction(std::string_view kind);
  void recordRead(bool ok);
  /// A dashboard document was built in `took` ms.
  void dashboardDocument(DurationMs took);
  /// A rolled-back incident's charts were saved, or failed to be.
  void incidentCharts(bool saved);

  /// A write of the state file failed.
  void stateWriteFailed();
  /// One remote query to `source` ended with `result` (remote::toString(Outcome)) after
  /// `took` ms. Thread-safe (called from the remote rounds' thread).
  void remoteQuery(const std::string& source, std::string_view result, DurationMs took);
  /// A rule's check against the target's buckets found `kind` (rules::BucketFinding:
  /// "unreachable", "interpolated", "no_such_bucket"); counted once when it appears.
  void bucketWarning(const std::string& rule, std::string_view kind);
  /// Takes a listener's connection counters ("api", "probe") into the registry; called
  /// before serialize().
  void connections(std::string_view listener, const http::ConnectionCounters& counters);

  /// Leader election: whether this agent (`identity`) leads on `lease` ("ns/name"), and a
  /// change of leadership ("acquired", "lost", "observed": another holder seen).
  /// Thread-safe (called from the elector's thread).
  void leader(const std::string& lease, const std::string& identity, bool leading);
  void leaderTransition(std::string_view change);

  /// The baseline's state, and its values while frozen (the series go when it expires).
  void baseline(watch::BaselineState state, const std::vector<watch::BaselineValue>& values);
  /// A scrape of blue for the baseline finished.
  void blueScrape(bool ok);
  /// The registry in the Prometheus text format (TextSerializer).
  std::string serialize() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::daemon
