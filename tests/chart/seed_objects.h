#pragma once

#include <string>

namespace nova::chart_test {

/// The production Ingress api-ingress sending `/` to `service`, as YAML for FakeKube::seed.
inline std::string ingressOn(const std::string& service) {
  return "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
         "metadata: {name: api-ingress, namespace: production}\n"
         "spec:\n  rules:\n    - http:\n        paths:\n          - path: /\n"
         "            pathType: Prefix\n            backend: {service: {name: " +
         service + ", port: {number: 8081}}}\n";
}

/// A Deployment in production with `replicas` replicas, all of them ready, as YAML.
inline std::string deployment(const std::string& name, const std::string& version, int replicas) {
  const std::string n = std::to_string(replicas);
  return "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name +
         ", namespace: production}\nspec:\n  replicas: " + n +
         "\n  template: {spec: {containers: [{name: user-service, image: "
         "\"nova/user-service:" +
         version + "\"}]}}\nstatus: {replicas: " + n + ", readyReplicas: " + n +
         ", availableReplicas: " + n + "}\n";
}

}  // namespace nova::chart_test
