#include "endpoint_watch.h"

#include <spdlog/spdlog.h>

namespace nova::daemon::detail {

Labels withLabels(const Labels& base, const Labels& extra) {
  std::vector<Label> all;
  for (const auto& label : base) {
    all.push_back({std::string(label.name), std::string(label.value)});
  }
  for (const auto& label : extra) {
    all.push_back({std::string(label.name), std::string(label.value)});
  }
  return Labels::fromUnsorted(all);
}

EndpointWatch::EndpointWatch(scrape::KubernetesDiscovery discovery, kube::ClusterConfig cluster,
                             const Clock& clock, std::function<void()> onChange)
    : discovery_(std::move(discovery)) {
  kube::ClientOptions clientOptions;
  clientOptions.retry.attempts = 1;  // the Informer's backoff does the waiting
  kube::InformerOptions options;
  options.collection = {"discovery.k8s.io", "v1", "endpointslices", discovery_.ns};
  options.labelSelector = "kubernetes.io/service-name=" + discovery_.service;
  informer_ = std::make_unique<kube::Informer>(
      kube::Client(std::move(cluster), clock, random_, clientOptions), options, clock, random_,
      [this, onChange = std::move(onChange)](const kube::ObjectCache& slices) {
        auto targets = scrape::targetsFromSlices(slices, discovery_);
        {
          std::lock_guard lock(handOver_);
          pending_ = std::move(targets);
        }
        onChange();
      });
}

EndpointWatch::~EndpointWatch() {
  stop();
}

void EndpointWatch::start(const std::string& purpose) {
  spdlog::info("{}: watching the EndpointSlices of service {} in {} (port {})", purpose,
               discovery_.service, discovery_.ns, discovery_.port);
  informer_->start();
}

void EndpointWatch::stop() {
  informer_->stop();
}

std::optional<std::vector<scrape::DiscoveredTarget>> EndpointWatch::take() {
  std::optional<std::vector<scrape::DiscoveredTarget>> next;
  std::lock_guard lock(handOver_);
  next.swap(pending_);
  return next;
}

kube::InformerStats EndpointWatch::stats() const {
  return informer_->stats();
}

std::string EndpointWatch::statusText() const {
  const kube::InformerStats stats = informer_->stats();
  std::string where = "service " + discovery_.service + " in " + discovery_.ns + ": ";
  if (!stats.synced) {
    return where + "not listed yet" + (stats.lastError.empty() ? "" : "; " + stats.lastError);
  }
  return where + "synced at resourceVersion " + stats.resourceVersion +
         (stats.lastError.empty() ? "" : "; last failure: " + stats.lastError);
}

}  // namespace nova::daemon::detail
