// The target section's several-targets half: static URLs or Kubernetes discovery.
#include "config_targets.h"

#include <array>

#include "nova/http/url.h"

namespace nova::daemon::detail {

namespace {

constexpr std::array<std::string_view, 9> kDiscoveryKeys{"kind",       "namespace", "service",
                                                         "port",       "labels",    "server",
                                                         "kubeconfig", "context",   "token_file"};

std::vector<Label> readLabels(const YAML::Node& node, const std::string& path, ConfigContext& ctx) {
  std::vector<Label> labels;
  if (!node.IsMap()) {
    ctx.error(node, path, path + ": must be a map of strings");
    return labels;
  }
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    if (auto value = readString(entry.second, path + "." + name, ctx)) {
      labels.push_back({name, *value});
    }
  }
  return labels;
}

}  // namespace

std::optional<DiscoveryConfig> readDiscovery(const YAML::Node& node, const std::string& base,
                                             ConfigContext& ctx) {
  if (!checkKeys(node, kDiscoveryKeys, base, ctx)) {
    return std::nullopt;
  }
  DiscoveryConfig d;
  const std::string kind =
      node["kind"] ? readString(node["kind"], base + ".kind", ctx).value_or("") : "";
  if (kind != "kubernetes") {
    ctx.error(node["kind"] ? node["kind"] : node, base + ".kind",
              base + ".kind: must be kubernetes");
  }
  auto required = [&](const char* key, std::string& out) {
    if (!node[key]) {
      ctx.error(node, base + "." + key, base + "." + key + ": missing");
    } else {
      out = readString(node[key], base + "." + key, ctx).value_or("");
    }
  };
  required("namespace", d.kubernetes.ns);
  required("service", d.kubernetes.service);
  required("port", d.kubernetes.port);
  if (node["labels"]) {
    d.kubernetes.labels = Labels::fromUnsorted(readLabels(node["labels"], base + ".labels", ctx));
  }
  if (node["server"]) {
    d.server = readString(node["server"], base + ".server", ctx).value_or("");
    if (auto url = http::Url::parse(d.server); !url) {
      ctx.error(node["server"], base + ".server",
                base + ".server: must be an http:// or https:// URL: " + url.error().message);
    }
  }
  if (node["kubeconfig"]) {
    d.kubeconfig =
        resolvePath(readString(node["kubeconfig"], base + ".kubeconfig", ctx).value_or(""), ctx);
  }
  if (node["context"]) {
    d.context = readString(node["context"], base + ".context", ctx).value_or("");
  }
  if (node["token_file"]) {
    d.tokenFile =
        resolvePath(readString(node["token_file"], base + ".token_file", ctx).value_or(""), ctx);
  }
  return d;
}

bool readTargetSet(const YAML::Node& node, AgentConfig& config, ConfigContext& ctx) {
  if (node["max_series"]) {
    config.target.maxSeries = static_cast<std::size_t>(
        readInteger(node["max_series"], "target.max_series", ctx, 0, 10'000'000).value_or(0));
  }
  if (node["max_targets"]) {
    config.pool.maxTargets = static_cast<std::size_t>(
        readInteger(node["max_targets"], "target.max_targets", ctx, 1, 10'000).value_or(50));
  }
  for (auto [key, out] : {std::pair{"health_path", &config.pool.healthPath},
                          {"metrics_path", &config.pool.metricsPath}}) {
    const std::string path = std::string("target.") + key;
    if (node[key]) {
      *out = readString(node[key], path, ctx).value_or(*out);
      if (!out->empty() && !out->starts_with("/")) {
        ctx.error(node[key], path, path + ": must start with / (or be empty to disable)");
      }
    }
  }
  if (node["scheme"]) {
    config.pool.scheme = readString(node["scheme"], "target.scheme", ctx).value_or("http");
    if (config.pool.scheme != "http" && config.pool.scheme != "https") {
      ctx.error(node["scheme"], "target.scheme", "target.scheme: must be http or https");
    }
  }
  if (node["urls"] && node["discovery"]) {
    ctx.error(node["urls"], "target.urls", "target.urls: not with target.discovery");
  }
  if (node["urls"]) {
    if (!node["urls"].IsSequence() || node["urls"].size() == 0) {
      ctx.error(node["urls"], "target.urls", "target.urls: must be a list of base URLs");
    } else {
      for (std::size_t i = 0; i < node["urls"].size(); ++i) {
        const std::string path = "target.urls[" + std::to_string(i) + "]";
        if (auto url = readString(node["urls"][i], path, ctx)) {
          if (auto parsed = http::Url::parse(*url); !parsed) {
            ctx.error(node["urls"][i], path,
                      path + ": must be an http:// or https:// URL: " + parsed.error().message);
          }
          config.targetUrls.push_back(*url);
        }
      }
    }
  }
  if (node["discovery"]) {
    config.discovery = readDiscovery(node["discovery"], "target.discovery", ctx);
  }
  return node["urls"] || node["discovery"];
}

}  // namespace nova::daemon::detail
