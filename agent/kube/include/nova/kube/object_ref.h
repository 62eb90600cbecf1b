#pragma once

#include <string>
#include <string_view>

namespace nova::kube {

/// Names a collection of one resource type: the objects of a namespace, or with `ns` empty
/// those of every namespace (or of a cluster-scoped resource).
struct CollectionRef {
  /// API group: "" for the core group, "apps", "coordination.k8s.io", ...
  std::string group;
  std::string version = "v1";
  /// Plural resource name: "ingresses", "leases", "endpointslices".
  std::string resource;
  std::string ns;

  /// /apis/<group>/<version>[/namespaces/<ns>]/<resource>, or /api/v1/... for the core
  /// group. The namespace is percent-encoded.
  std::string path() const;
  /// For messages: "ingresses in production", "nodes".
  std::string describe() const;
};

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
  /// The collection the object belongs to (where a create POSTs it).
  CollectionRef collection() const;
};

/// networking.k8s.io/v1 Ingress.
ObjectRef ingressRef(std::string ns, std::string name);
/// gateway.networking.k8s.io/v1 HTTPRoute.
ObjectRef httpRouteRef(std::string ns, std::string name);
/// apps/v1 Deployment.
ObjectRef deploymentRef(std::string ns, std::string name);
/// apps/v1 Deployment's scale subresource (an autoscaling/v1 Scale).
ObjectRef scaleRef(std::string ns, std::string deployment);
/// coordination.k8s.io/v1 Lease.
ObjectRef leaseRef(std::string ns, std::string name);

}  // namespace nova::kube
