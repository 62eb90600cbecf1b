#include "nova/kube/object_ref.h"

#include <utility>

namespace nova::kube {

namespace {

// Names and namespaces are DNS labels in practice; encode anything else so a bad setting
// cannot reshape the URL.
std::string encodeSegment(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

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

std::string ObjectRef::path() const {
  std::string out = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (!ns.empty()) {
    out += "/namespaces/" + encodeSegment(ns);
  }
  out += "/" + resource + "/" + encodeSegment(name);
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

}  // namespace nova::kube
