#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "faults.h"

namespace nova::demo {

/// Everything the service is started with (see README.md for the matching flags).
struct ServiceConfig {
  std::string host = "127.0.0.1";
  /// 0 picks a free port; the chosen one is printed as "listening on HOST:PORT".
  std::uint16_t port = 8081;
  /// Threads running the I/O loop.
  int threads = 1;
  std::string version = "v1.2.4";
  std::string color = "green";
  /// Bearer token the /api routes require; empty leaves them open.
  std::string token;
  /// Synthetic series added to /metrics, for scrape benchmarks.
  std::size_t extraSeries = 0;
  /// Simulated WebSocket clients counted in nova_streaming_websocket_connections.
  std::size_t wsSimulated = 0;
  /// Streams created at start-up, so listings and the active-streams gauge are not empty.
  std::size_t seedStreams = 0;
  /// Faults in force from the start.
  FaultPatch faults;
};

}  // namespace nova::demo
