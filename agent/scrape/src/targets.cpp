// EndpointSlices to targets, with the labels Prometheus's endpointslice role gives them
// (specs/kubernetes-discovery-lease.md §2-3).
#include "nova/scrape/targets.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "nova/http/url.h"

namespace nova::scrape {

namespace json = boost::json;

namespace {

const json::value* field(const json::value& v, std::string_view key) {
  const auto* object = v.if_object();
  return object != nullptr ? object->if_contains(key) : nullptr;
}

std::string text(const json::value* v) {
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

// The slice port the configuration names: by name, or by number.
std::optional<std::int64_t> slicePort(const json::value& slice, const std::string& wanted) {
  const auto* ports = field(slice, "ports");
  if (ports == nullptr || !ports->is_array()) {
    return std::nullopt;
  }
  std::int64_t number = -1;
  const bool byNumber =
      std::from_chars(wanted.data(), wanted.data() + wanted.size(), number).ec == std::errc{} &&
      std::to_string(number) == wanted;
  for (const auto& port : ports->get_array()) {
    const auto* value = field(port, "port");
    if (value == nullptr || !value->is_int64()) {
      continue;  // a null port in a hand-made slice says nothing about where to connect
    }
    const auto* protocol = field(port, "protocol");
    if (protocol != nullptr && text(protocol) != "TCP") {
      continue;
    }
    if (byNumber ? value->get_int64() == number : text(field(port, "name")) == wanted) {
      return value->get_int64();
    }
  }
  return std::nullopt;
}

bool ready(const json::value& endpoint) {
  const auto* flag = field(endpoint, "conditions");
  flag = flag != nullptr ? field(*flag, "ready") : nullptr;
  return flag == nullptr || !flag->is_bool() || flag->get_bool();
}

}  // namespace

std::vector<DiscoveredTarget> targetsFromSlices(const std::map<std::string, json::value>& slices,
                                                const KubernetesDiscovery& config) {
  std::map<std::string, DiscoveredTarget> byInstance;
  for (const auto& [name, slice] : slices) {
    const std::string family = text(field(slice, "addressType"));
    const auto port = slicePort(slice, config.port);
    const auto* endpoints = field(slice, "endpoints");
    if (!port || (family != "IPv4" && family != "IPv6") || endpoints == nullptr ||
        !endpoints->is_array()) {
      continue;
    }
    for (const auto& endpoint : endpoints->get_array()) {
      const auto* addresses = field(endpoint, "addresses");
      if (!ready(endpoint) || addresses == nullptr || !addresses->is_array() ||
          addresses->get_array().empty()) {
        continue;
      }
      // The controller writes exactly one address; further ones carry no meaning.
      const std::string address = text(&addresses->get_array().front());
      if (address.empty()) {
        continue;
      }
      const std::string host = family == "IPv6" ? "[" + address + "]" : address;
      const std::string instance = host + ":" + std::to_string(*port);
      const auto* ref = field(endpoint, "targetRef");
      std::string pod = ref != nullptr && text(field(*ref, "kind")) == "Pod"
                            ? text(field(*ref, "name"))
                            : std::string();
      Labels labels =
          config.labels.with("instance", instance).with("namespace", config.ns).with("pod", pod);
      byInstance.emplace(instance, DiscoveredTarget{instance, std::move(labels)});
    }
  }
  std::vector<DiscoveredTarget> out;
  out.reserve(byInstance.size());
  for (auto& [instance, target] : byInstance) {
    out.push_back(std::move(target));
  }
  return out;
}

Result<DiscoveredTarget> staticTarget(const std::string& baseUrl, const Labels& labels) {
  auto url = http::Url::parse(baseUrl);
  if (!url.ok()) {
    return url.error().prefixed("target " + http::redactUrl(baseUrl) + ": ");
  }
  std::string host = url->host();
  if (host.find(':') != std::string::npos && !host.starts_with("[")) {
    host = "[" + host + "]";
  }
  const std::string instance = host + ":" + std::to_string(url->port());
  return DiscoveredTarget{instance, labels.with("instance", instance)};
}

}  // namespace nova::scrape
