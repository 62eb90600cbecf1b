#pragma once

#include <cstdint>

#include "config.h"
#include "faults.h"
#include "metrics.h"
#include "streams.h"
#include "ws_hub.h"

namespace nova::demo {

/// The state every connection shares. Each member is thread-safe on its own.
struct App {
  explicit App(ServiceConfig cfg)
      : config(std::move(cfg)),
        metrics(config.version, config.color, config.extraSeries),
        wsHub(metrics, config.wsSimulated) {}

  const ServiceConfig config;
  ServiceMetrics metrics;
  FaultControl faults;
  StreamStore streams;
  WsHub wsHub;
};

/// Applies a fault patch with its side effects: a ws_drop_ratio drops that share of the
/// WebSocket connections now, and switching data_loss on counts one data-loss event (the
/// failed replication that starts it). Returns the resulting set.
FaultSet applyFaults(App& app, const FaultPatch& patch);

/// Clears every fault and restores the simulated WebSocket clients.
void resetFaults(App& app);

}  // namespace nova::demo
