#pragma once

#include <atomic>
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

/// What a server did with its connections. Owned by the caller (it must outlive the
/// server), written by the server's thread, read from any thread.
struct ConnectionCounters {
  /// Connections taken into service.
  std::atomic<std::uint64_t> accepted{0};
  /// Closed on accept: the listener was full and every connection was busy answering.
  std::atomic<std::uint64_t> refused{0};
  /// Closed to make room for a new one: the connection that had waited longest for its
  /// next request when the listener was full.
  std::atomic<std::uint64_t> evicted{0};
  /// Closed because a request's header or body did not arrive within its deadline.
  std::atomic<std::uint64_t> timedOut{0};
  /// Keep-alive connections closed after idleTimeout without a new request.
  std::atomic<std::uint64_t> idleClosed{0};
  /// Connections open now.
  std::atomic<std::uint64_t> open{0};
};

/// Deadlines are totals, not per-byte: a client sending one byte a second is cut when the
/// deadline passes, however steadily it sends.
struct ServerOptions {
  /// Address to bind; "127.0.0.1" by default, "0.0.0.0" for every interface.
  std::string address = "127.0.0.1";
  /// 0 picks a free port; read it back with Server::port().
  std::uint16_t port = 0;
  /// Larger request bodies are refused with 413 before they are read whole.
  std::size_t maxBodyBytes = 64 * 1024;
  /// A request's whole header must arrive within this time, counted from the accept (or,
  /// on a keep-alive connection, from the request's first byte), or the connection is
  /// closed (slowloris).
  DurationMs headerTimeout = 3 * kSecond;
  /// The body must arrive whole within this time after the header.
  DurationMs bodyTimeout = 5 * kSecond;
  /// A response must be taken by the client within this time.
  DurationMs writeTimeout = 5 * kSecond;
  /// Keep-alive connections with no new request for this long are closed.
  DurationMs idleTimeout = 30 * kSecond;
  /// Open connections at most. When a new one arrives at the cap, the connection that has
  /// waited longest for a request (idle keep-alive, or still sending its header or body)
  /// is closed to make room; only when every connection is busy answering is the new one
  /// refused. So idle or slow clients cannot hold the listener: a client that sends its
  /// request at once is always served.
  std::size_t maxConnections = 128;
  /// Where the server counts what it did; nullptr counts nothing. Must outlive the server.
  ConnectionCounters* counters = nullptr;
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
