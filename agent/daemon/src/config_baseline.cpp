// The agent config's `baseline:`: where blue is scraped before the switch, and what the
// baseline summarizes.
#include "config_baseline.h"

#include <array>

#include "config_targets.h"
#include "nova/http/url.h"

namespace nova::daemon::detail {
namespace {

constexpr std::array<std::string_view, 7> kBaselineKeys{
    "urls", "discovery", "metrics_path", "interval", "timeout", "window", "keep"};

void readUrls(const YAML::Node& node, BaselineConfig& out, ConfigContext& ctx) {
  if (!node.IsSequence() || node.size() == 0) {
    ctx.error(node, "baseline.urls", "baseline.urls: must be a list of blue's base URLs");
    return;
  }
  if (node.size() > BaselineConfig::kMaxTargets) {
    ctx.error(node, "baseline.urls",
              "baseline.urls: at most " + std::to_string(BaselineConfig::kMaxTargets) + " targets");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "baseline.urls[" + std::to_string(i) + "]";
    auto url = readString(node[i], path, ctx);
    if (!url) {
      continue;
    }
    if (auto parsed = http::Url::parse(*url); !parsed) {
      ctx.error(node[i], path,
                path + ": must be an http:// or https:// URL: " + parsed.error().message);
      continue;
    }
    out.urls.push_back(*url);
  }
}

}  // namespace

void readBaseline(const YAML::Node& root, AgentConfig& config, ConfigContext& ctx) {
  const YAML::Node node = root["baseline"];
  if (!node) {
    return;
  }
  if (!checkKeys(node, kBaselineKeys, "baseline", ctx)) {
    return;
  }
  BaselineConfig out;
  if (node["urls"] && node["discovery"]) {
    ctx.error(node["urls"], "baseline.urls", "baseline.urls: not with baseline.discovery");
  } else if (node["discovery"]) {
    out.discovery = readDiscovery(node["discovery"], "baseline.discovery", ctx);
  } else if (!node["urls"]) {
    ctx.error(node, "baseline.urls",
              "baseline.urls: missing (blue's base URLs, or baseline.discovery of blue's "
              "Service)");
  } else {
    readUrls(node["urls"], out, ctx);
  }
  if (node["metrics_path"]) {
    out.metricsPath = readString(node["metrics_path"], "baseline.metrics_path", ctx).value_or("");
    if (!out.metricsPath.starts_with('/')) {
      ctx.error(node["metrics_path"], "baseline.metrics_path",
                "baseline.metrics_path: must start with /");
    }
  }
  const std::array<std::pair<const char*, DurationMs*>, 4> durations{{
      {"interval", &out.interval},
      {"timeout", &out.timeout},
      {"window", &out.options.window},
      {"keep", &out.options.keep},
  }};
  for (auto [key, field] : durations) {
    if (node[key]) {
      *field = readDuration(node[key], std::string("baseline.") + key, ctx).value_or(*field);
    }
  }
  if (out.interval * 3 > out.options.window) {
    ctx.error(node["window"] ? node["window"] : node, "baseline.window",
              "baseline.window: " + formatDuration(out.options.window) +
                  " holds fewer than 3 scrapes at interval " + formatDuration(out.interval));
  }
  config.baseline = std::move(out);
}

}  // namespace nova::daemon::detail
