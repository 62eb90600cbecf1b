#include "blue_baseline.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <filesystem>

#include "nova/core/files.h"
#include "nova/core/rfc3339.h"
#include "nova/scrape/targets.h"

namespace nova::daemon::detail {
namespace {

namespace json = boost::json;

// A record is a few hundred bytes; anything far larger is not one.
constexpr std::size_t kMaxRecordBytes = 64 * 1024;

// Blue's scrape settings: metrics only (blue's health is the traffic switch's business,
// checked before every flip), at the baseline's interval.
scrape::TargetConfig blueTarget(const BaselineConfig& config) {
  scrape::TargetConfig target;
  target.metricsInterval = config.interval;
  target.metricsTimeout = config.timeout;
  target.labels = Labels{{"side", "blue"}};
  return target;
}

scrape::PoolOptions bluePool(const BaselineConfig& config) {
  scrape::PoolOptions options;
  options.healthPath = "";
  options.metricsPath = config.metricsPath;
  options.maxTargets = config.discovery ? BaselineConfig::kMaxTargets : config.urls.size();
  return options;
}

}  // namespace

BlueBaseline::BlueBaseline(const BaselineConfig& config, tsdb::Storage& rules,
                           const Timeline& timeline, AgentMetrics& metrics, std::string recordPath)
    : config_(config),
      metrics_(metrics),
      blue_(watch::blueStoreLimits(config.options)),
      pool_(blueTarget(config), bluePool(config), blue_, timeline),
      rulesAppender_(rules),
      keeper_(config.options),
      recordPath_(std::move(recordPath)) {
  offerRecord();
  std::vector<scrape::DiscoveredTarget> targets;
  for (const std::string& url : config.urls) {
    // The URLs were checked when the configuration was read.
    if (auto target = scrape::staticTarget(url, Labels{{"side", "blue"}}); target.ok()) {
      targets.push_back(std::move(*target));
    }
  }
  pool_.sync(targets);
  spdlog::info(
      "baseline: scraping blue at {} every {}; the baseline summarizes {} before the switch",
      config.discovery ? "the pods of service " + config.discovery->kubernetes.service
                       : std::to_string(targets.size()) + " target(s)",
      formatDuration(config.interval), formatDuration(config.options.window));
}

void BlueBaseline::watch(kube::ClusterConfig cluster, const Clock& clock) {
  if (!config_.discovery) {
    return;
  }
  scrape::KubernetesDiscovery discovery = config_.discovery->kubernetes;
  discovery.labels = withLabels(discovery.labels, Labels{{"side", "blue"}});
  watch_ = std::make_unique<EndpointWatch>(std::move(discovery), std::move(cluster), clock,
                                           [this] { pool_.wakeup(); });
  watch_->start("baseline");
}

void BlueBaseline::poll(DurationMs maxWait) {
  if (watch_) {
    if (auto next = watch_->take()) {
      const scrape::SyncResult changed = pool_.sync(*next);
      if (!changed.added.empty() || !changed.removed.empty()) {
        spdlog::info("baseline: blue's pods changed: {} added, {} removed, {} in all",
                     changed.added.size(), changed.removed.size(), next->size());
      }
    }
  }
  for (const scrape::ProbeEvent& event : pool_.poll(maxWait)) {
    if (event.kind != scrape::ProbeEvent::Kind::kScrape) {
      continue;
    }
    metrics_.blueScrape(event.ok);
    if (!event.ok) {
      spdlog::debug("baseline: scrape of blue {} failed: {}", event.instance, event.error);
    }
  }
}

void BlueBaseline::offerRecord() {
  if (recordPath_.empty() || !std::filesystem::exists(recordPath_)) {
    return;
  }
  auto text = readFile(recordPath_, kMaxRecordBytes);
  auto record =
      text.ok() ? watch::parseBaselineRecord(*text) : Result<watch::Baseline>(text.error());
  if (!record.ok()) {
    spdlog::warn("baseline: {} not restored: {}", recordPath_, record.error().message);
    return;
  }
  spdlog::info(
      "baseline: read {} (frozen at the switch at {}); used if the rollout guarded is "
      "that switch's",
      recordPath_, formatRfc3339(record->switchedAt));
  keeper_.offer(std::move(record).value());
}

void BlueBaseline::keepRecord() {
  if (recordPath_.empty() || !keeper_.baseline() || keeper_.restored()) {
    return;
  }
  if (Status written =
          writeFileDurably(recordPath_, watch::formatBaselineRecord(*keeper_.baseline()));
      !written) {
    metrics_.stateWriteFailed();
    spdlog::error("baseline: not kept on disk (a restart would lose it): {}",
                  written.error().message);
  }
}

void BlueBaseline::tick(std::optional<TimestampMs> switchedAt, TimestampMs at) {
  if (auto line = keeper_.step(&blue_, switchedAt, at)) {
    spdlog::info("{}", *line);
    if (keeper_.state() == watch::BaselineState::kFrozen) {
      keepRecord();
    }
  }
  keeper_.write(rulesAppender_, at);
  if (published_ != keeper_.state()) {
    published_ = keeper_.state();
    const auto& baseline = keeper_.baseline();
    metrics_.baseline(keeper_.state(),
                      baseline ? baseline->values : std::vector<watch::BaselineValue>{});
  }
}

std::string BlueBaseline::statusJson() const {
  boost::system::error_code ec;
  json::value out = json::parse(keeper_.statusJson(), ec);
  if (ec || !out.is_object()) {
    return "null";
  }
  json::array targets;
  for (const scrape::TargetStatus& t : pool_.status()) {
    targets.push_back(
        {{"instance", t.instance},
         {"up", t.up},
         {"last_scrape", t.lastScrape > 0 ? json::value(formatRfc3339(t.lastScrape)) : nullptr},
         {"error", t.error},
         {"series", t.series}});
  }
  out.as_object()["targets"] = std::move(targets);
  out.as_object()["discovery"] = watch_ ? json::value(watch_->statusText()) : json::value(nullptr);
  return json::serialize(out);
}

std::unique_ptr<BlueBaseline> startBlueBaseline(const BaselineConfig& config, tsdb::Storage& rules,
                                                const Timeline& timeline, AgentMetrics& metrics,
                                                const std::string& stateDir,
                                                std::optional<kube::ClusterConfig> cluster,
                                                const Clock& clock) {
  auto blue = std::make_unique<BlueBaseline>(config, rules, timeline, metrics,
                                             stateDir.empty() ? "" : stateDir + "/baseline.json");
  if (cluster) {
    blue->watch(std::move(*cluster), clock);
  }
  return blue;
}

std::string unconfiguredBaselineJson() {
  return json::serialize(
      json::object{{"state", watch::baselineStateName(watch::BaselineState::kNone)},
                   {"source", nullptr},
                   {"values", json::object{}},
                   {"reason", "blue is not configured (baseline: in the agent config)"}});
}

}  // namespace nova::daemon::detail
