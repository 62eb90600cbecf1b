#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nova/core/labels.h"
#include "nova/core/result.h"

namespace nova::scrape {

/// Where green's pods are found in Kubernetes: the EndpointSlices of one Service.
struct KubernetesDiscovery {
  std::string ns;
  /// The Service; its slices carry the label kubernetes.io/service-name=<service>.
  std::string service;
  /// The slice port to scrape: its name ("http"), or its number ("8081").
  std::string port;
  /// Added to every target's labels (job, ...); they never override instance, pod or
  /// namespace.
  Labels labels;
};

/// One endpoint to probe and scrape, as Prometheus's Kubernetes discovery would name it.
struct DiscoveredTarget {
  /// "10.0.0.7:8081" ("[fd00::7]:8081" for IPv6): Prometheus's instance label and the
  /// address the URLs are built on.
  std::string instance;
  /// instance, plus pod and namespace when known, plus the configured labels.
  Labels labels;

  friend bool operator==(const DiscoveredTarget&, const DiscoveredTarget&) = default;
};

/// The ready endpoints of a Service's slices (keyed by slice name, as an Informer keeps
/// them) on the configured port, sorted by instance, each once (an endpoint may sit in two
/// slices while the controller moves it). `ready` absent counts as true (the API's rule);
/// not-ready and terminating endpoints are no targets. A slice without the port
/// contributes nothing; a malformed slice is skipped. Pure.
std::vector<DiscoveredTarget> targetsFromSlices(
    const std::map<std::string, boost::json::value>& slices, const KubernetesDiscovery& config);

/// A static target from a base URL ("http://10.0.0.7:8081"): instance host:port (the
/// scheme's default port when none), plus the configured labels. kInvalidInput for a URL
/// that is not http(s) with a host.
Result<DiscoveredTarget> staticTarget(const std::string& baseUrl, const Labels& labels);

}  // namespace nova::scrape
