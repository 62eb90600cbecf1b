#include <cstdlib>

#include "nova/kube/config.h"
#include "text_util.h"

namespace nova::kube {

EnvLookup processEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

Result<ClusterConfig> inClusterConfig(const InClusterPaths& paths, const EnvLookup& env) {
  auto host = env("KUBERNETES_SERVICE_HOST");
  auto port = env("KUBERNETES_SERVICE_PORT");
  if (!host || !port || host->empty() || port->empty()) {
    return Error{
        "in-cluster config: not in cluster (KUBERNETES_SERVICE_HOST and "
        "KUBERNETES_SERVICE_PORT must both be set)"};
  }
  ClusterConfig config;
  config.origin = "in-cluster";
  // As Go's JoinHostPort: an IPv6 literal needs brackets in a URL.
  const bool ipv6 = host->find(':') != std::string::npos && host->front() != '[';
  config.server = "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
  auto token = detail::readWholeFile(paths.tokenFile);
  if (!token.ok()) {
    return Error{"in-cluster config: service-account token " + token.error().message};
  }
  config.tokenFile = paths.tokenFile;
  config.caFile = paths.caFile;
  if (auto ns = detail::readWholeFile(paths.namespaceFile); ns.ok()) {
    std::string_view trimmed = detail::trim(*ns);
    if (!trimmed.empty()) {
      config.defaultNamespace = std::string(trimmed);
    }
  }
  return config;
}

}  // namespace nova::kube
