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

/// Green's namespace as the built-in pre-flight checks and deploy find it: Active, its
/// ConfigMap and Secret, a running pod, a Ready node, and green's Deployment on v1.2.3.
inline std::string greenNamespace() {
  return "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: production-green}\n"
         "status: {phase: Active}\n"
         "---\napiVersion: v1\nkind: ConfigMap\n"
         "metadata: {name: user-service-config, namespace: production-green}\n"
         "---\napiVersion: v1\nkind: Secret\n"
         "metadata: {name: user-service-db, namespace: production-green}\n"
         "data: {password: c2VjcmV0}\n"
         "---\napiVersion: v1\nkind: Pod\n"
         "metadata: {name: user-service-green-1, namespace: production-green}\n"
         "status: {phase: Running}\n"
         "---\napiVersion: v1\nkind: Node\nmetadata: {name: worker-a}\n"
         "status: {conditions: [{type: Ready, status: \"True\"}]}\n"
         "---\napiVersion: apps/v1\nkind: Deployment\n"
         "metadata: {name: user-service-green, namespace: production-green}\n"
         "spec:\n  replicas: 2\n  template: {spec: {containers: [{name: user-service, image: "
         "\"nova/user-service:v1.2.3\"}]}}\n"
         "status: {observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2}\n";
}

}  // namespace nova::chart_test
