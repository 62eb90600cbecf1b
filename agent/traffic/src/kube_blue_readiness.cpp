#include "nova/traffic/kube_blue_readiness.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "kube_json.h"

namespace nova::traffic {

KubeBlueReadiness::KubeBlueReadiness(std::unique_ptr<kube::Client> client,
                                     KubeReadinessSettings settings, const Clock& clock)
    : client_(std::move(client)), settings_(std::move(settings)), clock_(clock) {}

KubeBlueReadiness::~KubeBlueReadiness() = default;

Result<std::int64_t> KubeBlueReadiness::readyReplicas(GuardVerdict& refused) {
  auto deployment = client_->get(kube::deploymentRef(settings_.ns, settings_.deployment));
  if (!deployment.ok()) {
    if (deployment.error().definite()) {
      refused = {false, "blue not ready: " + deployment.error().summary};
      return std::int64_t{-1};
    }
    return deployment.error().toError();
  }
  // Counts are omitempty: an absent readyReplicas means 0.
  return detail::asCount(detail::find(*deployment, "/status/readyReplicas")).value_or(0);
}

Result<GuardVerdict> KubeBlueReadiness::scaleUp(std::int64_t ready) {
  const std::int64_t want = std::max(settings_.replicas, settings_.minReady);
  auto spec = client_->getScale(settings_.ns, settings_.deployment);
  if (!spec.ok()) {
    if (spec.error().definite()) {
      return GuardVerdict{false, "blue not ready: " + spec.error().summary};
    }
    return spec.error().toError();
  }
  if (*spec < want) {
    spdlog::warn(
        "traffic: blue deployment {}/{} has {} ready replicas (minimum {}); scaling {} "
        "-> {}",
        settings_.ns, settings_.deployment, ready, settings_.minReady, *spec, want);
    auto scaled = client_->setScale(settings_.ns, settings_.deployment, want);
    if (!scaled.ok()) {
      if (scaled.error().definite()) {
        return GuardVerdict{false, "blue not ready: " + scaled.error().summary};
      }
      return scaled.error().toError();
    }
  }
  return GuardVerdict{true, ""};
}

Result<GuardVerdict> KubeBlueReadiness::ensureReady() {
  const std::string who = "deployment " + settings_.ns + "/" + settings_.deployment;
  GuardVerdict refused;
  auto ready = readyReplicas(refused);
  if (!ready.ok()) {
    return ready.error();
  }
  if (*ready < 0) {
    return refused;
  }
  if (*ready < settings_.minReady) {
    auto scaled = scaleUp(*ready);
    if (!scaled.ok() || !scaled->ready) {
      return scaled;
    }
    const MonoTime deadline = clock_.monoNow() + settings_.readyTimeout;
    while (*ready < settings_.minReady) {
      if (clock_.monoNow() >= deadline) {
        return GuardVerdict{false, "blue not ready: " + who + " has " + std::to_string(*ready) +
                                       " ready replicas, needs " +
                                       std::to_string(settings_.minReady) + ", after waiting " +
                                       formatDuration(settings_.readyTimeout)};
      }
      clock_.sleepFor(settings_.pollInterval);
      ready = readyReplicas(refused);
      if (!ready.ok()) {
        return ready.error();
      }
      if (*ready < 0) {
        return refused;
      }
    }
    spdlog::info("traffic: blue {} has {} ready replicas", who, *ready);
  }
  return GuardVerdict{true, who + " ready (" + std::to_string(*ready) + " replicas)"};
}

}  // namespace nova::traffic
