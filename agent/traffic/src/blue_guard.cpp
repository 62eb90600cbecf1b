#include "nova/traffic/blue_guard.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "nova/http/client.h"
#include "nova/http/health_check.h"

namespace nova::traffic {
namespace {

// Why blue's health endpoint refuses, or "" when it passes.
std::string healthProblem(const BlueHealthCheck& health) {
  http::Client http;
  http::Request request;
  request.url = health.url;
  request.timeout = health.timeout;
  request.connectTimeout = std::min<DurationMs>(health.timeout, 2 * kSecond);
  request.maxBodyBytes = 64 * 1024;
  auto response = http.perform(request);
  if (!response.ok()) {
    return response.error().message;
  }
  std::string why =
      http::checkHealthResponse(response->status, response->body, health.expectedStatus);
  return why.empty() ? "" : health.url + ": " + why;
}

}  // namespace

BlueGuard::BlueGuard(std::unique_ptr<BlueReadiness> readiness, BlueHealthCheck health)
    : readiness_(std::move(readiness)), health_(std::move(health)) {}

BlueGuard::~BlueGuard() = default;
BlueGuard::BlueGuard(BlueGuard&&) noexcept = default;
BlueGuard& BlueGuard::operator=(BlueGuard&&) noexcept = default;

bool BlueGuard::checksAnything() const {
  return readiness_ != nullptr || !health_.url.empty();
}

Result<GuardVerdict> BlueGuard::check() {
  std::string ready = "blue ready";
  if (readiness_ != nullptr) {
    auto verdict = readiness_->ensureReady();
    if (!verdict.ok() || !verdict->ready) {
      return verdict;
    }
    ready = verdict->detail;
  }
  if (!health_.url.empty()) {
    if (std::string unhealthy = healthProblem(health_); !unhealthy.empty()) {
      return GuardVerdict{false, "blue unhealthy: " + unhealthy};
    }
    ready += ", healthy";
  }
  return GuardVerdict{true, ready};
}

GuardedSwitch::GuardedSwitch(SwitchPtr inner, BlueGuard guard)
    : inner_(std::move(inner)), guard_(std::move(guard)) {}

Result<SwitchOutcome> GuardedSwitch::rollback(const RollbackRequest& request) {
  auto state = inner_->current();
  if (!state.ok() && retryable(state.error().code)) {
    return state.error();
  }
  if (state.ok() && state->backend == TrafficState::Backend::kBlue) {
    return inner_->rollback(request);
  }
  auto verdict = guard_.check();
  if (!verdict.ok()) {
    return verdict.error();
  }
  if (!verdict->ready) {
    spdlog::critical("traffic: not flipping for incident {}: {}", request.incidentId,
                     verdict->detail);
    return SwitchOutcome{SwitchOutcome::Kind::kImpossible, verdict->detail};
  }
  spdlog::info("traffic: {} for incident {}", verdict->detail, request.incidentId);
  return inner_->rollback(request);
}

Result<TrafficState> GuardedSwitch::current() {
  return inner_->current();
}

SwitchPtr guarded(SwitchPtr inner, BlueGuard guard) {
  if (!guard.checksAnything()) {
    return inner;
  }
  return std::make_unique<GuardedSwitch>(std::move(inner), std::move(guard));
}

}  // namespace nova::traffic
