#include <boost/json/serialize.hpp>
#include <set>

#include "api.h"

namespace nova::fake_kube::detail {

namespace json = boost::json;

const std::vector<ResourceType>& resourceTypes() {
  // Verbs as the real server lists them.
  const std::vector<std::string> all = {"create", "delete", "get",  "list",
                                        "patch",  "update", "watch"};
  static const std::vector<ResourceType> kTypes = {
      {"networking.k8s.io", "v1", "ingresses", "Ingress", true, all, {"ing"}},
      {"gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", true, all, {}},
      {"apps", "v1", "deployments", "Deployment", true, all, {"deploy"}},
      {"coordination.k8s.io", "v1", "leases", "Lease", true, all, {}},
      {"discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, all, {}},
      {"", "v1", "services", "Service", true, all, {"svc"}},
      {"", "v1", "configmaps", "ConfigMap", true, all, {"cm"}},
      {"", "v1", "secrets", "Secret", true, all, {}},
      {"", "v1", "pods", "Pod", true, {"get", "list"}, {"po"}},
      {"", "v1", "namespaces", "Namespace", false, {"get", "list"}, {"ns"}},
      {"", "v1", "nodes", "Node", false, {"get", "list"}, {"no"}},
  };
  return kTypes;
}

const ResourceType* typeByResource(std::string_view group, std::string_view resource) {
  for (const auto& type : resourceTypes()) {
    if (type.group == group && type.resource == resource) {
      return &type;
    }
  }
  return nullptr;
}

const ResourceType* typeByKind(std::string_view apiVersion, std::string_view kind) {
  for (const auto& type : resourceTypes()) {
    std::string gv = type.group.empty() ? type.version : type.group + "/" + type.version;
    if (type.kind == kind && (apiVersion.empty() || apiVersion == gv)) {
      return &type;
    }
  }
  return nullptr;
}

namespace {

json::array stringArray(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) {
    out.emplace_back(item);
  }
  return out;
}

json::object resourceEntry(const ResourceType& type) {
  json::object entry{{"name", type.resource},
                     {"singularName", ""},
                     {"namespaced", type.namespaced},
                     {"kind", type.kind},
                     {"verbs", stringArray(type.verbs)}};
  if (!type.shortNames.empty()) {
    entry["shortNames"] = stringArray(type.shortNames);
  }
  return entry;
}

json::object resourceList(const std::string& group, const std::string& version) {
  json::array resources;
  for (const auto& type : resourceTypes()) {
    if (type.group != group || type.version != version) {
      continue;
    }
    resources.push_back(resourceEntry(type));
    if (type.resource == "deployments") {
      // The scale subresource, as kubectl scale looks it up.
      resources.push_back(json::object{{"name", "deployments/scale"},
                                       {"singularName", ""},
                                       {"namespaced", true},
                                       {"group", "autoscaling"},
                                       {"version", "v1"},
                                       {"kind", "Scale"},
                                       {"verbs", stringArray({"get", "patch", "update"})}});
    }
  }
  std::string gv = group.empty() ? version : group + "/" + version;
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", gv},
          {"resources", resources}};
}

}  // namespace

std::optional<ApiResponse> discovery(const std::string& path, const std::string& hostPort) {
  const json::array addresses{
      json::object{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", hostPort}}};
  if (path == "/api") {
    return jsonResponse(json::object{{"kind", "APIVersions"},
                                     {"versions", json::array{"v1"}},
                                     {"serverAddressByClientCIDRs", addresses}});
  }
  if (path == "/apis") {
    json::array groups;
    std::set<std::string> seen;
    for (const auto& type : resourceTypes()) {
      if (type.group.empty() || !seen.insert(type.group).second) {
        continue;
      }
      json::object gv{{"groupVersion", type.group + "/" + type.version}, {"version", type.version}};
      groups.push_back(json::object{
          {"name", type.group}, {"versions", json::array{gv}}, {"preferredVersion", gv}});
    }
    return jsonResponse(
        json::object{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}});
  }
  if (path == "/version") {
    return jsonResponse(json::object{{"major", "1"},
                                     {"minor", "32"},
                                     {"gitVersion", "v1.32.0-fake"},
                                     {"platform", "linux/amd64"}});
  }
  if (path == "/api/v1") {
    return jsonResponse(resourceList("", "v1"));
  }
  if (path.starts_with("/apis/")) {
    std::string rest = path.substr(6);
    auto slash = rest.find('/');
    if (slash != std::string::npos && rest.find('/', slash + 1) == std::string::npos) {
      std::string group = rest.substr(0, slash);
      std::string version = rest.substr(slash + 1);
      json::object list = resourceList(group, version);
      if (!list["resources"].get_array().empty()) {
        return jsonResponse(list);
      }
    }
  }
  return std::nullopt;
}

}  // namespace nova::fake_kube::detail
