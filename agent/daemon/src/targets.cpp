#include "targets.h"

#include <spdlog/spdlog.h>

#include "nova/scrape/targets.h"

namespace nova::daemon::detail {

Result<kube::ClusterConfig> clusterFor(const std::string& section, const std::string& server,
                                       const std::string& kubeconfig, const std::string& context,
                                       const std::string& tokenFile) {
  kube::ClusterConfig cluster;
  if (!server.empty()) {
    cluster.server = server;
    cluster.origin = section + ".server";
  } else if (!kubeconfig.empty() || !context.empty()) {
    auto loaded = kube::loadKubeconfig(kubeconfig, context);
    if (!loaded.ok()) {
      return loaded.error().prefixed(section + ": ");
    }
    cluster = std::move(*loaded);
  } else {
    auto inCluster = kube::inClusterConfig();
    if (!inCluster.ok()) {
      return Error(inCluster.error().code,
                   section + ": " + inCluster.error().message +
                       " (set \"server\" or \"kubeconfig\" to run outside a cluster)");
    }
    cluster = std::move(*inCluster);
  }
  if (!tokenFile.empty()) {
    cluster.tokenFile = tokenFile;
  }
  return cluster;
}

namespace {

Result<std::optional<kube::ClusterConfig>> clusterOf(const std::string& section,
                                                     const std::optional<DiscoveryConfig>& d) {
  if (!d) {
    return std::optional<kube::ClusterConfig>();
  }
  auto cluster = clusterFor(section, d->server, d->kubeconfig, d->context, d->tokenFile);
  if (!cluster.ok()) {
    return cluster.error();
  }
  return std::optional<kube::ClusterConfig>(std::move(cluster).value());
}

}  // namespace

Result<std::optional<kube::ClusterConfig>> discoveryCluster(const AgentConfig& config) {
  return clusterOf("target.discovery", config.discovery);
}

Result<std::optional<kube::ClusterConfig>> baselineCluster(const AgentConfig& config) {
  return clusterOf("baseline.discovery",
                   config.baseline ? config.baseline->discovery : std::nullopt);
}

Targets::Targets(const AgentConfig& config, std::optional<kube::ClusterConfig> cluster,
                 tsdb::Storage& storage, const Timeline& timeline, const Clock& clock)
    : config_(config), timeline_(timeline) {
  if (!config.discovery && config.targetUrls.empty()) {
    single_ = std::make_unique<scrape::Prober>(config.target, storage, timeline);
    return;
  }
  pool_ = std::make_unique<scrape::TargetPool>(config.target, config.pool, storage, timeline);
  if (!config.discovery || !cluster) {
    return;
  }
  scrape::KubernetesDiscovery discovery = config.discovery->kubernetes;
  discovery.labels = withLabels(config.target.labels, discovery.labels);
  watch_ = std::make_unique<EndpointWatch>(std::move(discovery), std::move(*cluster), clock,
                                           [this] { wakeup(); });
}

Targets::~Targets() {
  stop();
}

void Targets::start() {
  if (pool_ && !config_.targetUrls.empty()) {
    std::vector<scrape::DiscoveredTarget> targets;
    for (const auto& url : config_.targetUrls) {
      // The loader checked every URL.
      if (auto target = scrape::staticTarget(url, config_.target.labels); target.ok()) {
        targets.push_back(std::move(*target));
      }
    }
    staticTargets_ = std::move(targets);
  }
  if (watch_) {
    watch_->start("discovery");
  }
}

void Targets::stop() {
  if (watch_) {
    watch_->stop();
  }
}

std::vector<scrape::ProbeEvent> Targets::poll(DurationMs maxWait) {
  return single_ ? single_->poll(maxWait) : pool_->poll(maxWait);
}

void Targets::wakeup() {
  if (single_) {
    single_->wakeup();
  } else {
    pool_->wakeup();
  }
}

void Targets::setMetricFilter(std::shared_ptr<const scrape::MetricNameFilter> keep) {
  if (single_) {
    single_->setMetricFilter(std::move(keep));
  } else {
    pool_->setMetricFilter(keep);
  }
}

TimestampMs Targets::nextDue() const {
  return single_ ? single_->nextDue() : pool_->nextDue();
}

bool Targets::refresh(AgentMetrics& metrics) {
  if (!pool_) {
    return false;
  }
  std::optional<std::vector<scrape::DiscoveredTarget>> next;
  if (watch_) {
    next = watch_->take();
  } else {
    next.swap(staticTargets_);
  }
  bool changed = false;
  if (next) {
    const scrape::SyncResult result = pool_->sync(*next);
    metrics.targetChanges(result);
    changed = !result.added.empty() || !result.removed.empty();
  }
  metrics.targets(pool_->status());
  if (watch_) {
    metrics.discovery(watch_->stats());
  }
  return changed;
}

std::vector<scrape::TargetStatus> Targets::status() const {
  return pool_ ? pool_->status() : std::vector<scrape::TargetStatus>{};
}

std::string Targets::discoveryStatus() const {
  return watch_ ? watch_->statusText() : "";
}

}  // namespace nova::daemon::detail
