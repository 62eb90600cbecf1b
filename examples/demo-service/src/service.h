#pragma once

#include <cstdint>
#include <memory>

#include "app.h"
#include "config.h"
#include "nova/core/result.h"

namespace nova::demo {

/// The whole service: listener, HTTP and WebSocket sessions and the shared App state.
class Service {
 public:
  /// Applies the configured start-up faults and seed streams; does not bind yet.
  explicit Service(ServiceConfig config);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  /// Binds and listens on config.host:config.port. Errors name the address and the reason.
  Status listen();
  /// The bound port (useful when config.port was 0); valid after listen().
  std::uint16_t port() const;
  /// Serves on config.threads threads until SIGTERM, SIGINT or stop(), then stops
  /// gracefully: no new connections, WebSockets closed with "going away", and in-flight
  /// answers get up to 500 ms to finish. Returns when every thread has left.
  void run();
  /// Starts the graceful stop; callable from any thread.
  void stop();
  App& app();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::demo
