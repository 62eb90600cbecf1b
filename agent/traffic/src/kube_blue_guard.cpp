#include "nova/traffic/kube_blue_guard.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "kube_json.h"
#include "nova/http/client.h"
#include "nova/http/health_check.h"

namespace nova::traffic {

BlueGuard::BlueGuard(std::unique_ptr<kube::Client> client, BlueGuardSettings settings,
                     const Clock& clock)
    : client_(std::move(client)), settings_(std::move(settings)), clock_(clock) {}

BlueGuard::~BlueGuard() = default;

Result<std::int64_t> BlueGuard::readyReplicas(GuardVerdict& refused) {
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

Result<GuardVerdict> BlueGuard::ensureReady() {
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
    const std::int64_t want = std::max(settings_.replicas, settings_.minReady);
    auto spec = client_->getScale(settings_.ns, settings_.deployment);
    if (!spec.ok()) {
      if (spec.error().definite()) {
        return GuardVerdict{false, "blue not ready: " + spec.error().summary};
      }
      return spec.error().toError();
    }
    if (*spec < want) {
      spdlog::warn("traffic: blue {} has {} ready replicas (minimum {}); scaling {} -> {}", who,
                   *ready, settings_.minReady, *spec, want);
      auto scaled = client_->setScale(settings_.ns, settings_.deployment, want);
      if (!scaled.ok()) {
        if (scaled.error().definite()) {
          return GuardVerdict{false, "blue not ready: " + scaled.error().summary};
        }
        return scaled.error().toError();
      }
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
  if (std::string unhealthy = checkHealth(); !unhealthy.empty()) {
    return GuardVerdict{false, "blue unhealthy: " + unhealthy};
  }
  return GuardVerdict{true, who + " ready (" + std::to_string(*ready) + " replicas)"};
}

std::string BlueGuard::checkHealth() {
  if (settings_.healthUrl.empty()) {
    return "";
  }
  http::Client http;
  http::Request request;
  request.url = settings_.healthUrl;
  request.timeout = settings_.healthTimeout;
  request.connectTimeout = std::min<DurationMs>(settings_.healthTimeout, 2 * kSecond);
  request.maxBodyBytes = 64 * 1024;
  auto response = http.perform(request);
  if (!response.ok()) {
    return response.error().message;
  }
  std::string why =
      http::checkHealthResponse(response->status, response->body, settings_.healthStatus);
  return why.empty() ? "" : settings_.healthUrl + ": " + why;
}

GuardedSwitch::GuardedSwitch(SwitchPtr inner, std::unique_ptr<BlueGuard> guard)
    : inner_(std::move(inner)), guard_(std::move(guard)) {}

Result<SwitchOutcome> GuardedSwitch::rollback(const RollbackRequest& request) {
  auto verdict = guard_->ensureReady();
  if (!verdict.ok()) {
    return verdict.error();
  }
  if (!verdict->ready) {
    spdlog::critical("traffic: not flipping for incident {}: {}", request.incidentId,
                     verdict->detail);
    return SwitchOutcome{SwitchOutcome::Kind::kImpossible, verdict->detail};
  }
  return inner_->rollback(request);
}

Result<TrafficState> GuardedSwitch::current() {
  return inner_->current();
}

}  // namespace nova::traffic
