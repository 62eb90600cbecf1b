#include <cstdlib>

#include "file_limits.h"
#include "nova/core/files.h"
#include "nova/core/text.h"
#include "nova/kube/config.h"

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
    return Error(ErrorCode::kNotFound,
                 "in-cluster config: not in cluster (KUBERNETES_SERVICE_HOST and "
                 "KUBERNETES_SERVICE_PORT must both be set)");
  }
  ClusterConfig config;
  config.origin = "in-cluster";
  // As Go's JoinHostPort: an IPv6 literal needs brackets in a URL.
  const bool ipv6 = host->find(':') != std::string::npos && host->front() != '[';
  config.server = "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
  auto token = readFile(paths.tokenFile, detail::kMaxTokenFileBytes);
  if (!token.ok()) {
    return token.error().prefixed("in-cluster config: service-account token: ");
  }
  config.tokenFile = paths.tokenFile;
  config.caFile = paths.caFile;
  if (auto ns = readFile(paths.namespaceFile, detail::kMaxTokenFileBytes); ns.ok()) {
    std::string_view trimmed = trim(*ns);
    if (!trimmed.empty()) {
      config.defaultNamespace = std::string(trimmed);
    }
  }
  return config;
}

}  // namespace nova::kube
