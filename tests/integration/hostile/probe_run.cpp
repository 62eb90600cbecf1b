#include "probe_run.h"

#include <fstream>
#include <string>

namespace nova::hostile::test {

scrape::TargetConfig hostileTarget(std::string healthUrl, std::string metricsUrl) {
  scrape::TargetConfig config;
  config.healthUrl = std::move(healthUrl);
  config.metricsUrl = std::move(metricsUrl);
  config.healthTimeout = kHealthTimeout;
  config.metricsTimeout = kMetricsTimeout;
  config.connectTimeout = kConnectTimeout;
  config.healthInterval = kHour;
  config.metricsInterval = kHour;
  config.labels = Labels{{"job", "hostile"}, {"instance", "green"}};
  return config;
}

ProbeRun::ProbeRun(scrape::TargetConfig config) : prober_(std::move(config), storage_, clock_) {}

void ProbeRun::poll(DurationMs maxWaitMs) {
  for (auto& event : prober_.poll(maxWaitMs)) {
    auto& slot = event.kind == scrape::ProbeEvent::Kind::kHealth ? health_ : scrape_;
    if (!slot) {
      slot = std::move(event);
    }
  }
}

void ProbeRun::runUntilDone(DurationMs deadlineMs) {
  const TimestampMs end = clock_.now() + deadlineMs;
  while (!done() && clock_.now() < end) {
    poll(20);
  }
}

std::optional<double> ProbeRun::latest(std::string_view name) const {
  const Labels labels = prober_.config().labels.with(kMetricNameLabel, name);
  const auto id = storage_.find(labels);
  if (!id || storage_.samples(*id).empty()) {
    return std::nullopt;
  }
  return storage_.samples(*id).back().v;
}

long procStatusKib(const char* field, int pid) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/status")
                            : "/proc/" + std::to_string(pid) + "/status");
  const std::string prefix(field);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(prefix)) {
      return std::stol(line.substr(prefix.size()));
    }
  }
  return -1;
}

void resetPeakRss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

}  // namespace nova::hostile::test
