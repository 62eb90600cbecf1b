#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/kube/config.h"
#include "nova/kube/informer.h"
#include "nova/scrape/targets.h"

namespace nova::daemon::detail {

/// `base` and `extra` as one set (an extra label of a name base has replaces it).
Labels withLabels(const Labels& base, const Labels& extra);

/// A Service's ready pods as scrape targets, kept in step by an Informer on the Service's
/// EndpointSlices. The Informer runs on its own thread and hands each new set over; the
/// owner's loop takes it with take(). Used for green's targets and for blue's baseline.
class EndpointWatch {
 public:
  /// `onChange` runs on the Informer's thread after each hand-over (the owner wakes its
  /// loop there). `clock` must outlive the watch.
  EndpointWatch(scrape::KubernetesDiscovery discovery, kube::ClusterConfig cluster,
                const Clock& clock, std::function<void()> onChange);
  ~EndpointWatch();
  EndpointWatch(const EndpointWatch&) = delete;
  EndpointWatch& operator=(const EndpointWatch&) = delete;

  /// Starts listing and watching; `purpose` names the targets in the log line ("discovery",
  /// "baseline").
  void start(const std::string& purpose);
  /// Ends the watch (joins its thread). Idempotent.
  void stop();

  /// The set handed over since the last call, if any. Thread-safe.
  std::optional<std::vector<scrape::DiscoveredTarget>> take();
  kube::InformerStats stats() const;
  /// "service user-service-green in production: synced at resourceVersion 1042", or
  /// "not listed yet" and the last failure.
  std::string statusText() const;

 private:
  scrape::KubernetesDiscovery discovery_;
  SystemRandom random_;
  std::unique_ptr<kube::Informer> informer_;
  std::mutex handOver_;
  std::optional<std::vector<scrape::DiscoveredTarget>> pending_;  // guarded by handOver_
};

}  // namespace nova::daemon::detail
