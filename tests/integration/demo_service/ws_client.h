#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace nova::demo::test {

/// A minimal WebSocket client for the tests: connect to ws://127.0.0.1:PORT/ws, echo a
/// message, and notice when the server closes the connection. Throws on connect failure.
class WsClient {
 public:
  explicit WsClient(std::uint16_t port);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  /// Sends `text` and returns what the server echoed.
  std::string echo(const std::string& text);
  /// Waits up to `timeoutMs` for the server to close the connection. After the first call,
  /// echo() must not be used again.
  bool waitClosed(int timeoutMs);
  /// Closes from the client side (normal closure).
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::demo::test
