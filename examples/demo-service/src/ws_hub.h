#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "metrics.h"

namespace nova::demo {

/// An open WebSocket connection as the hub sees it.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  /// Closes the connection soon, from any thread; the connection then leaves the hub.
  virtual void drop() = 0;
};

/// Tracks open WebSocket connections and keeps nova_streaming_websocket_connections equal to
/// the real ones plus a simulated base (so a demo can show hundreds of "clients" without
/// opening them). Thread-safe.
class WsHub {
 public:
  WsHub(ServiceMetrics& metrics, std::size_t simulatedBase);

  /// Registers an open connection; the returned id is what remove() takes.
  std::uint64_t add(std::weak_ptr<WsConnection> connection);
  void remove(std::uint64_t id);
  /// The WebSocket-drop fault: closes round(ratio * open) real connections and removes the
  /// same share of the simulated base, which stays lost until restoreSimulated(). Returns the
  /// number of real connections asked to close.
  std::size_t drop(double ratio);
  /// Back to the configured simulated base (a fault reset).
  void restoreSimulated();
  /// Closes every real connection (shutdown).
  void closeAll();
  std::size_t openConnections() const;
  std::size_t simulatedConnections() const;

 private:
  void publish();  // requires mutex_

  ServiceMetrics& metrics_;
  const std::size_t simulatedBase_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::weak_ptr<WsConnection>> connections_;
  std::size_t simulated_;
  std::uint64_t nextId_ = 1;
};

}  // namespace nova::demo
