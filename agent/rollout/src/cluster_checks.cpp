// The built-in pre-flight checks of the cluster's own state: green's namespace, the
// ConfigMaps and Secrets green needs, its pods, the nodes. Each reads, judges and says
// what it found; a read that fails is a failed check with its reason.
#include "nova/rollout/cluster_checks.h"

#include <boost/json.hpp>

#include "cluster_judge.h"
#include "nova/kube/client.h"
#include "nova/rollout/traffic_object.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

// A list bounded in pages, so a namespace with very many pods cannot hold the check (or
// memory) without end.
constexpr std::int64_t kPageSize = 500;
constexpr int kMaxPages = 20;

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

kube::ObjectRef coreRef(std::string resource, std::string ns, std::string name) {
  kube::ObjectRef ref;
  ref.resource = std::move(resource);
  ref.ns = std::move(ns);
  ref.name = std::move(name);
  return ref;
}

ClusterCheckResult checkNamespace(kube::Client& client, const ClusterPreflight& spec) {
  // Namespaces are cluster-scoped: GET /api/v1/namespaces/<name>.
  auto object = client.get(coreRef("namespaces", "", spec.ns));
  if (!object.ok()) {
    if (object.error().status == 404) {
      return {false, "namespace " + spec.ns + " does not exist"};
    }
    return {false, "namespace " + spec.ns + " could not be read: " + object.error().summary};
  }
  boost::system::error_code ec;
  const json::value* phase = object->find_pointer("/status/phase", ec);
  const std::string state = phase != nullptr && phase->is_string()
                                ? std::string(phase->get_string())
                                : std::string("without a phase");
  return {state == "Active", "namespace " + spec.ns + " is " + state};
}

// Each named object of `resource` in green's namespace must exist. Only whether the GET
// found it is kept: a Secret's body leaves scope at once.
ClusterCheckResult checkPresent(kube::Client& client, const std::string& ns,
                                const std::string& resource,
                                const std::vector<std::string>& names) {
  std::vector<std::string> missing;
  std::vector<std::string> unreadable;
  for (const auto& name : names) {
    const auto found = client.get(coreRef(resource, ns, name));
    if (found.ok()) {
      continue;
    }
    if (found.error().status == 404) {
      missing.push_back(name);
    } else {
      unreadable.push_back(name + " (" + found.error().summary + ")");
    }
  }
  if (missing.empty() && unreadable.empty()) {
    return {true,
            "all " + std::to_string(names.size()) + " present in " + ns + ": " + joined(names)};
  }
  std::string detail;
  if (!missing.empty()) {
    detail = "missing in " + ns + ": " + joined(missing);
  }
  if (!unreadable.empty()) {
    detail +=
        (detail.empty() ? "" : "; ") + std::string("could not be read: ") + joined(unreadable);
  }
  return {false, detail};
}

// Every page of a list, up to kMaxPages; an error names the list.
kube::ApiResult<std::vector<json::value>> listAll(kube::Client& client,
                                                  const kube::CollectionRef& ref,
                                                  const std::string& selector) {
  std::vector<json::value> items;
  kube::ListOptions options;
  options.labelSelector = selector;
  options.limit = kPageSize;
  for (int page = 0; page < kMaxPages; ++page) {
    auto list = client.list(ref, options);
    if (!list.ok()) {
      return std::move(list).error();
    }
    for (auto& item : list->items) {
      items.push_back(std::move(item));
    }
    if (list->continueToken.empty()) {
      return items;
    }
    options.continueToken = list->continueToken;
  }
  kube::ApiError tooMany;
  tooMany.reason = "TooMany";
  tooMany.failure = ErrorCode::kInvalidInput;
  tooMany.summary = ref.describe() + ": more than " + std::to_string(kMaxPages * kPageSize) +
                    " items; not judged";
  return tooMany;
}

ClusterCheckResult checkPods(kube::Client& client, const ClusterPreflight& spec, TimestampMs now) {
  auto pods = listAll(client, kube::CollectionRef{"", "v1", "pods", spec.ns}, "");
  if (!pods.ok()) {
    return {false, "pods in " + spec.ns + " could not be listed: " + pods.error().summary};
  }
  return detail::judgePods(*pods, spec, now);
}

ClusterCheckResult checkNodes(kube::Client& client, const ClusterPreflight& spec) {
  auto nodes = listAll(client, kube::CollectionRef{"", "v1", "nodes", ""}, spec.nodeSelector);
  if (!nodes.ok()) {
    return {false, "nodes could not be listed: " + nodes.error().summary};
  }
  return detail::judgeNodes(*nodes, spec);
}

}  // namespace

ClusterCheckResult runClusterCheck(std::string_view name, kube::Client& client,
                                   const ClusterPreflight& spec, TimestampMs now) {
  if (name == "green-namespace") {
    return checkNamespace(client, spec);
  }
  if (name == "configmaps") {
    return checkPresent(client, spec.ns, "configmaps", spec.configMaps);
  }
  if (name == "secrets") {
    return checkPresent(client, spec.ns, "secrets", spec.secrets);
  }
  if (name == "pods-healthy") {
    return checkPods(client, spec, now);
  }
  if (name == "nodes-ready") {
    return checkNodes(client, spec);
  }
  return {false, "no built-in cluster check is named \"" + std::string(name) + "\""};
}

bool isClusterCheckName(std::string_view name) {
  return name == "green-namespace" || name == "configmaps" || name == "secrets" ||
         name == "pods-healthy" || name == "nodes-ready";
}

ClusterCheckResult runClusterCheck(std::string_view name, TrafficObject& traffic,
                                   const ClusterPreflight& spec, TimestampMs now) {
  kube::Client* client = traffic.cluster();
  if (client == nullptr) {
    return {false, "the traffic object (" + traffic.describe() + ") is not on Kubernetes"};
  }
  return runClusterCheck(name, *client, spec, now);
}

}  // namespace nova::rollout
