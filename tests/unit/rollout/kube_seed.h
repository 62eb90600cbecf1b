#pragma once

#include <string_view>

namespace nova::rollout::test {

/// The production Ingress on blue and blue's ready Deployment, as the engine's tests seed
/// the fake API server with them.
constexpr std::string_view kSeedIngress = R"({
  "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
  "metadata": {"name": "api-ingress", "namespace": "production"},
  "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix",
    "backend": {"service": {"name": "user-service-blue", "port": {"number": 8081}}}}]}}]}})";

constexpr std::string_view kSeedBlue = R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "user-service-blue", "namespace": "production"},
  "spec": {"replicas": 3, "template": {"spec": {"containers": [
    {"name": "user-service", "image": "nova/user-service:v1.2.3"}]}}},
  "status": {"replicas": 3, "readyReplicas": 3, "availableReplicas": 3}})";

}  // namespace nova::rollout::test
