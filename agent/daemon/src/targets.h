#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "endpoint_watch.h"
#include "nova/core/clock.h"
#include "nova/core/result.h"
#include "nova/core/timeline.h"
#include "nova/daemon/config.h"
#include "nova/daemon/metrics.h"
#include "nova/kube/config.h"
#include "nova/scrape/prober.h"
#include "nova/scrape/target_pool.h"

namespace nova::daemon::detail {

/// Where `section` ("target.discovery", "leader_election") reaches the API server:
/// `server` (with `tokenFile`), else a kubeconfig (`kubeconfig`, `context`), else the pod's
/// in-cluster configuration. Errors name the section.
Result<kube::ClusterConfig> clusterFor(const std::string& section, const std::string& server,
                                       const std::string& kubeconfig, const std::string& context,
                                       const std::string& tokenFile);

/// Where discovery reaches the API server: target.discovery's server (with token_file),
/// kubeconfig and context, or the pod's in-cluster configuration. nullopt without
/// discovery. Errors name target.discovery.
Result<std::optional<kube::ClusterConfig>> discoveryCluster(const AgentConfig& config);
/// The same for baseline.discovery (blue's pods); errors name baseline.discovery.
Result<std::optional<kube::ClusterConfig>> baselineCluster(const AgentConfig& config);

/// What the agent probes and scrapes: the one target of health_url and metrics_url, or a
/// pool of several (target.urls, or target.discovery's ready pods, kept in step by an
/// Informer on its own thread that hands each new set to the loop). The loop thread owns
/// it; wakeup() and the Informer's hand-over are the only cross-thread calls.
class Targets {
 public:
  /// `cluster` must be set when the configuration has discovery. Everything passed must
  /// outlive the Targets.
  Targets(const AgentConfig& config, std::optional<kube::ClusterConfig> cluster,
          tsdb::Storage& storage, const Timeline& timeline, const Clock& clock);
  ~Targets();
  Targets(const Targets&) = delete;
  Targets& operator=(const Targets&) = delete;

  /// Static targets join the pool; discovery starts listing and watching.
  void start();
  /// Ends discovery (joins its thread). Idempotent.
  void stop();

  std::vector<scrape::ProbeEvent> poll(DurationMs maxWait);
  void wakeup();
  void setMetricFilter(std::shared_ptr<const scrape::MetricNameFilter> keep);
  TimestampMs nextDue() const;

  /// Applies the set discovery handed over since the last call and brings the metrics up
  /// to date; true when the targets changed.
  bool refresh(AgentMetrics& metrics);
  /// Several targets (a pool) rather than one.
  bool several() const { return pool_ != nullptr; }
  std::vector<scrape::TargetStatus> status() const;
  /// "service user-service-green in production: synced at resourceVersion 1042" or the
  /// last failure; "" without discovery.
  std::string discoveryStatus() const;

 private:
  const AgentConfig& config_;
  const Timeline& timeline_;
  std::unique_ptr<scrape::Prober> single_;
  std::unique_ptr<scrape::TargetPool> pool_;
  std::unique_ptr<EndpointWatch> watch_;
  // target.urls, handed to the pool at the first refresh (loop thread only).
  std::optional<std::vector<scrape::DiscoveredTarget>> staticTargets_;
};

}  // namespace nova::daemon::detail
