#include "targets.h"

#include <spdlog/spdlog.h>

#include "nova/scrape/targets.h"

namespace nova::daemon::detail {

namespace {

Labels merged(const Labels& base, const Labels& extra) {
  std::vector<Label> all;
  for (const auto& label : base) {
    all.push_back({std::string(label.name), std::string(label.value)});
  }
  for (const auto& label : extra) {
    all.push_back({std::string(label.name), std::string(label.value)});
  }
  return Labels::fromUnsorted(all);
}

}  // namespace

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

Result<std::optional<kube::ClusterConfig>> discoveryCluster(const AgentConfig& config) {
  if (!config.discovery) {
    return std::optional<kube::ClusterConfig>();
  }
  const DiscoveryConfig& d = *config.discovery;
  auto cluster = clusterFor("target.discovery", d.server, d.kubeconfig, d.context, d.tokenFile);
  if (!cluster.ok()) {
    return cluster.error();
  }
  return std::optional<kube::ClusterConfig>(std::move(cluster).value());
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
  discovery_ = config.discovery->kubernetes;
  discovery_.labels = merged(config.target.labels, discovery_.labels);
  kube::ClientOptions clientOptions;
  clientOptions.retry.attempts = 1;  // the Informer's backoff does the waiting
  kube::InformerOptions options;
  options.collection = {"discovery.k8s.io", "v1", "endpointslices", discovery_.ns};
  options.labelSelector = "kubernetes.io/service-name=" + discovery_.service;
  informer_ = std::make_unique<kube::Informer>(
      kube::Client(std::move(*cluster), clock, random_, clientOptions), options, clock, random_,
      [this](const kube::ObjectCache& slices) {
        auto targets = scrape::targetsFromSlices(slices, discovery_);
        {
          std::lock_guard lock(handOver_);
          pending_ = std::move(targets);
        }
        wakeup();
      });
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
    std::lock_guard lock(handOver_);
    pending_ = std::move(targets);
  }
  if (informer_) {
    spdlog::info("discovery: watching the EndpointSlices of service {} in {} (port {})",
                 discovery_.service, discovery_.ns, discovery_.port);
    informer_->start();
  }
}

void Targets::stop() {
  if (informer_) {
    informer_->stop();
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
  {
    std::lock_guard lock(handOver_);
    next.swap(pending_);
  }
  bool changed = false;
  if (next) {
    const scrape::SyncResult result = pool_->sync(*next);
    metrics.targetChanges(result);
    changed = !result.added.empty() || !result.removed.empty();
  }
  metrics.targets(pool_->status());
  if (informer_) {
    metrics.discovery(informer_->stats());
  }
  return changed;
}

std::vector<scrape::TargetStatus> Targets::status() const {
  return pool_ ? pool_->status() : std::vector<scrape::TargetStatus>{};
}

std::string Targets::discoveryStatus() const {
  if (!informer_) {
    return "";
  }
  const kube::InformerStats stats = informer_->stats();
  std::string where = "service " + discovery_.service + " in " + discovery_.ns + ": ";
  if (!stats.synced) {
    return where + "not listed yet" + (stats.lastError.empty() ? "" : "; " + stats.lastError);
  }
  return where + "synced at resourceVersion " + stats.resourceVersion +
         (stats.lastError.empty() ? "" : "; last failure: " + stats.lastError);
}

}  // namespace nova::daemon::detail
