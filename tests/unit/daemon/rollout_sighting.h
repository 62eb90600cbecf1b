#pragma once

#include <string>
#include <string_view>

#include "nova/core/time.h"
#include "record_watcher.h"

namespace nova::daemon::testing {

// Green's /health failing for 2 s is CRITICAL: rolled back at once when the agent acts.
inline constexpr std::string_view kApiDownRules = R"(
rules:
  - name: api_down
    expr: min(nova_agent_health_up)
    threshold: "< 1"
    for: 2s
    severity: critical
    summary: green /health failing
)";

// The record's sighting of rollout `id` live on green since `switchedAt`.
inline RolloutSighting liveSighting(const std::string& id, TimestampMs switchedAt) {
  RolloutSighting s;
  s.rolloutId = id;
  s.version = "v1.2.4";
  s.phase = "monitor";
  s.switchedAt = switchedAt;
  s.greenLive = true;
  s.detail = "traffic on green";
  return s;
}

}  // namespace nova::daemon::testing
