#pragma once

#include <memory>
#include <optional>
#include <string>

#include "endpoint_watch.h"
#include "nova/core/clock.h"
#include "nova/core/timeline.h"
#include "nova/daemon/config.h"
#include "nova/daemon/metrics.h"
#include "nova/scrape/target_pool.h"
#include "nova/tsdb/scrape_appender.h"
#include "nova/tsdb/storage.h"
#include "nova/watch/baseline.h"

namespace nova::daemon::detail {

/// Blue as the baseline, in the agent: blue's pods are scraped (metrics only, no health
/// probe) into a store of their own that no rule reads, so green's rules can never mix
/// blue's series with green's. At each tick the baseline is frozen at the switch from that
/// store (watch::BaselineKeeper) and its series are written into the rules' store; each
/// change is logged ("baseline: frozen ..."), counted and shown on /status.
///
/// Not thread-safe: the daemon's loop thread owns it, as it owns the rules' store.
class BlueBaseline {
 public:
  /// `config`, `rules` (the rules' store), `timeline` and `metrics` must outlive it.
  /// `recordPath`: where the frozen baseline is kept durably ("" keeps it in memory only). A
  /// record found there is offered to the keeper, so an agent restarted after the switch
  /// (blue no longer carries traffic) still judges green against blue's numbers; a record
  /// that cannot be read is logged and ignored.
  BlueBaseline(const BaselineConfig& config, tsdb::Storage& rules, const Timeline& timeline,
               AgentMetrics& metrics, std::string recordPath = {});

  /// Finds blue's pods through `config.discovery`'s Service (its EndpointSlices, watched on
  /// a thread of its own) instead of the listed URLs. `clock` must outlive this object.
  void watch(kube::ClusterConfig cluster, const Clock& clock);

  /// Starts blue's scrapes that are due and drives those under way, waiting at most
  /// `maxWait` ms (the loop passes 0: it waits on green's targets).
  void poll(DurationMs maxWait);
  /// When blue's next scrape is due (time-line ms).
  TimestampMs nextDue() const { return pool_.nextDue(); }

  /// Freezes the baseline once `at` reaches `switchedAt` (the armed rollout's switch time;
  /// nullopt in shadow, where nothing is frozen), then writes its series at `at`.
  void tick(std::optional<TimestampMs> switchedAt, TimestampMs at);

  /// /status "baseline": the keeper's state and values, plus blue's targets.
  std::string statusJson() const;
  const watch::BaselineKeeper& keeper() const { return keeper_; }

 private:
  void offerRecord();
  // Writes the freshly frozen baseline to recordPath_ (tmp, fsync, rename).
  void keepRecord();

  const BaselineConfig& config_;
  AgentMetrics& metrics_;
  tsdb::Storage blue_;
  scrape::TargetPool pool_;
  tsdb::ScrapeAppender rulesAppender_;
  watch::BaselineKeeper keeper_;
  std::string recordPath_;
  // Declared after pool_, which its thread wakes: destroyed (and joined) first.
  std::unique_ptr<EndpointWatch> watch_;
  std::optional<watch::BaselineState> published_;
};

/// The agent's BlueBaseline: its record kept in `stateDir` ("" keeps it in memory), and
/// blue's pods watched through `cluster` (baselineCluster()) when `config.discovery` is set.
std::unique_ptr<BlueBaseline> startBlueBaseline(const BaselineConfig& config, tsdb::Storage& rules,
                                                const Timeline& timeline, AgentMetrics& metrics,
                                                const std::string& stateDir,
                                                std::optional<kube::ClusterConfig> cluster,
                                                const Clock& clock);

/// /status "baseline" of an agent without `baseline:`: none, and why.
std::string unconfiguredBaselineJson();

}  // namespace nova::daemon::detail
