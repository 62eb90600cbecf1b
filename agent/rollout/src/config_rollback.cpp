// The `rollback:` section of rollout.yaml: how `novactl rollback` removes green (full),
// watches green at a lowered weight (staged) and restores the database (db).
#include <array>
#include <cstdlib>

#include "config_sections.h"

namespace nova::rollout::detail {
namespace {

void readFull(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  static constexpr std::array<std::string_view, 4> kKeys{"remove_green", "namespace", "deployment",
                                                         "timeout"};
  if (!reader.mapping(node, "rollback.full", kKeys)) {
    return;
  }
  FullRollbackSpec& full = config.rollback.full;
  if (const YAML::Node hook = node["remove_green"]) {
    full.removeGreen = readCommand(hook, "rollback.full.remove_green", reader, 10 * kMinute);
  }
  if (const YAML::Node ns = node["namespace"]) {
    full.ns = reader.nonEmpty(ns, "rollback.full.namespace").value_or("");
  }
  if (const YAML::Node deployment = node["deployment"]) {
    full.deployment = reader.nonEmpty(deployment, "rollback.full.deployment").value_or("");
  }
  if (const YAML::Node timeout = node["timeout"]) {
    full.timeout = reader.duration(timeout, "rollback.full.timeout").value_or(full.timeout);
  }
  if (full.removeGreen && !full.deployment.empty()) {
    reader.error(node, "rollback.full", "give remove_green or deployment, not both");
  }
}

void readErrorRate(const YAML::Node& node, ConfigReader& reader, StagedRollbackSpec& staged) {
  const std::string path = "rollback.staged.max_error_rate";
  const auto text = reader.nonEmpty(node, path);
  if (!text) {
    return;
  }
  char* end = nullptr;
  const double rate = std::strtod(text->c_str(), &end);
  if (end != text->c_str() + text->size() || !(rate >= 0.0 && rate <= 1.0)) {
    reader.error(node, path, "must be a share from 0 to 1 (0.05 is 5%), not \"" + *text + "\"");
    return;
  }
  staged.maxErrorRate = rate;
}

void readStaged(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  static constexpr std::array<std::string_view, 8> kKeys{
      "weight",       "watch",       "poll_interval",   "max_error_rate",
      "min_requests", "metrics_url", "requests_metric", "errors_metric"};
  if (!reader.mapping(node, "rollback.staged", kKeys)) {
    return;
  }
  StagedRollbackSpec& staged = config.rollback.staged;
  if (const YAML::Node w = node["weight"]) {
    staged.weight = reader.integer(w, "rollback.staged.weight", 1, 99).value_or(staged.weight);
  }
  if (const YAML::Node w = node["watch"]) {
    staged.watch = reader.duration(w, "rollback.staged.watch").value_or(staged.watch);
  }
  if (const YAML::Node p = node["poll_interval"]) {
    staged.pollInterval =
        reader.duration(p, "rollback.staged.poll_interval").value_or(staged.pollInterval);
  }
  if (const YAML::Node r = node["max_error_rate"]) {
    readErrorRate(r, reader, staged);
  }
  if (const YAML::Node m = node["min_requests"]) {
    staged.minRequests =
        reader.integer(m, "rollback.staged.min_requests", 0, 1'000'000'000).value_or(0);
  }
  if (const YAML::Node u = node["metrics_url"]) {
    staged.metricsUrl = reader.url(u, "rollback.staged.metrics_url").value_or("");
  }
  if (const YAML::Node m = node["requests_metric"]) {
    staged.requestsMetric = reader.nonEmpty(m, "rollback.staged.requests_metric").value_or("");
  }
  if (const YAML::Node m = node["errors_metric"]) {
    staged.errorsMetric = reader.nonEmpty(m, "rollback.staged.errors_metric").value_or("");
  }
}

void readDb(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  static constexpr std::array<std::string_view, 1> kKeys{"restore"};
  if (reader.mapping(node, "rollback.db", kKeys) && node["restore"]) {
    config.rollback.db.restore =
        readCommand(node["restore"], "rollback.db.restore", reader, 30 * kMinute);
  }
}

}  // namespace

void readRollback(const YAML::Node& node, ConfigReader& reader, RolloutConfig& config) {
  static constexpr std::array<std::string_view, 3> kKeys{"full", "staged", "db"};
  if (node && reader.mapping(node, "rollback", kKeys)) {
    if (const YAML::Node full = node["full"]) {
      readFull(full, reader, config);
    }
    if (const YAML::Node staged = node["staged"]) {
      readStaged(staged, reader, config);
    }
    if (const YAML::Node db = node["db"]) {
      readDb(db, reader, config);
    }
  }
  // The defaults come from the sections read before, so they apply without the section.
  FullRollbackSpec& full = config.rollback.full;
  if (!full.removeGreen && full.deployment.empty() &&
      config.deploy.kind == DeploySpec::Kind::kKubernetes) {
    full.ns = full.ns.empty() ? config.deploy.ns : full.ns;
    full.deployment = config.deploy.deployment;
  }
  StagedRollbackSpec& staged = config.rollback.staged;
  if (staged.metricsUrl.empty() && !config.smoke.baseUrl.empty()) {
    std::string base = config.smoke.baseUrl;
    while (!base.empty() && base.back() == '/') {
      base.pop_back();
    }
    staged.metricsUrl = base + "/metrics";
  }
}

}  // namespace nova::rollout::detail
