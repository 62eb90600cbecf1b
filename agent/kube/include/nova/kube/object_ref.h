#pragma once

#include <string>

namespace nova::kube {

/// Names one namespaced object (or its subresource) of the REST API.
struct ObjectRef {
  /// API group: "" for the core group, "apps", "networking.k8s.io", ...
  std::string group;
  std::string version = "v1";
  /// Plural resource name: "ingresses", "deployments", "httproutes".
  std::string resource;
  std::string ns;
  std::string name;
  /// "scale", "status" or "" for the object itself.
  std::string subresource;

  /// The URL path: /apis/<group>/<version>/namespaces/<ns>/<resource>/<name>[/<sub>], or
  /// /api/v1/... for the core group. Name and namespace are percent-encoded.
  std::string path() const;
  /// For messages: "ingresses/api-ingress in production", "deployments/web/scale in prod".
  std::string describe() const;
};

/// networking.k8s.io/v1 Ingress.
ObjectRef ingressRef(std::string ns, std::string name);
/// gateway.networking.k8s.io/v1 HTTPRoute.
ObjectRef httpRouteRef(std::string ns, std::string name);
/// apps/v1 Deployment.
ObjectRef deploymentRef(std::string ns, std::string name);
/// apps/v1 Deployment's scale subresource (an autoscaling/v1 Scale).
ObjectRef scaleRef(std::string ns, std::string deployment);

}  // namespace nova::kube
