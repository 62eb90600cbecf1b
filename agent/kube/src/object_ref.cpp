#include "nova/kube/object_ref.h"

#include <utility>

#include "nova/http/url.h"

namespace nova::kube {

namespace {

ObjectRef make(std::string group, std::string resource, std::string ns, std::string name,
               std::string subresource = "") {
  ObjectRef ref;
  ref.group = std::move(group);
  ref.resource = std::move(resource);
  ref.ns = std::move(ns);
  ref.name = std::move(name);
  ref.subresource = std::move(subresource);
  return ref;
}

}  // namespace

std::string CollectionRef::path() const {
  std::string out = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (!ns.empty()) {
    // Names and namespaces are DNS labels in practice; encode anything else so a bad setting
    // cannot reshape the URL.
    out += "/namespaces/" + http::percentEncode(ns);
  }
  return out + "/" + resource;
}

std::string CollectionRef::describe() const {
  return ns.empty() ? resource : resource + " in " + ns;
}

CollectionRef ObjectRef::collection() const {
  return CollectionRef{group, version, resource, ns};
}

std::string ObjectRef::path() const {
  std::string out = collection().path() + "/" + http::percentEncode(name);
  if (!subresource.empty()) {
    out += "/" + subresource;
  }
  return out;
}

std::string ObjectRef::describe() const {
  std::string out = resource + "/" + name;
  if (!subresource.empty()) {
    out += "/" + subresource;
  }
  if (!ns.empty()) {
    out += " in " + ns;
  }
  return out;
}

ObjectRef ingressRef(std::string ns, std::string name) {
  return make("networking.k8s.io", "ingresses", std::move(ns), std::move(name));
}

ObjectRef httpRouteRef(std::string ns, std::string name) {
  return make("gateway.networking.k8s.io", "httproutes", std::move(ns), std::move(name));
}

ObjectRef deploymentRef(std::string ns, std::string name) {
  return make("apps", "deployments", std::move(ns), std::move(name));
}

ObjectRef scaleRef(std::string ns, std::string deployment) {
  return make("apps", "deployments", std::move(ns), std::move(deployment), "scale");
}

ObjectRef leaseRef(std::string ns, std::string name) {
  return make("coordination.k8s.io", "leases", std::move(ns), std::move(name));
}

}  // namespace nova::kube
