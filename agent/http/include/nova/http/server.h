#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/http/client.h"

namespace nova::http {

/// A request as the server hands it to the handler.
struct ServerRequest {
  std::string method;
  /// The path without the query string ("/status").
  std::string path;
  /// The raw query string without '?', or "".
  std::string query;
  Headers headers;
  std::string body;

  /// The first header named `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
};

struct ServerResponse {
  int status = 200;
  std::string contentType = "text/plain; charset=utf-8";
  Headers headers;
  std::string body;
};

/// Answers one request. Called on the server's thread: it must be quick and must not block
/// (read a snapshot, enqueue work). Exceptions are caught and answered with 500.
using Handler = std::function<ServerResponse(const ServerRequest&)>;

struct ServerOptions {
  /// Address to bind; "127.0.0.1" by default, "0.0.0.0" for every interface.
  std::string address = "127.0.0.1";
  /// 0 picks a free port; read it back with Server::port().
  std::uint16_t port = 0;
  /// Larger request bodies are refused with 413 before they are read whole.
  std::size_t maxBodyBytes = 64 * 1024;
  /// A request must arrive whole within this time, or the connection is closed (slowloris).
  DurationMs readTimeout = 10 * kSecond;
  /// Keep-alive connections with no request for this long are closed.
  DurationMs idleTimeout = 30 * kSecond;
  /// Connections beyond this are closed on accept.
  std::size_t maxConnections = 128;
};

/// A small HTTP/1.1 server on its own thread. Stopping (or destroying) it closes every
/// connection and joins the thread.
class Server {
 public:
  /// Binds and starts serving. Errors name the address and the reason: kInvalidInput (not
  /// an address, or not one of this host), kConflict (the port is taken), kRefused (a
  /// privileged port), kInternal (anything else).
  static Result<std::unique_ptr<Server>> start(const ServerOptions& options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  /// Stops accepting, closes connections, joins the thread. Idempotent.
  void stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::http
