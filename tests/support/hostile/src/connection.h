#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "nova/hostile/peer.h"
#include "stopper.h"

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;

namespace nova::hostile::detail {

/// One accepted connection, plain or TLS, served by one thread. Owns the socket.
class Connection {
 public:
  Connection(int fd, Stopper& stopper, std::atomic<std::uint64_t>& bytesSent);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs the TLS server handshake; false when the client gave up (e.g. it did not trust
  /// the certificate).
  bool acceptTls(SSL_CTX* ctx);

  /// Reads the request head and returns its path ("/" when the line cannot be read). Stops
  /// early at bytes that are not HTTP (a TLS ClientHello to a plain peer), so such a client
  /// gets a plain answer instead of a stalled handshake. nullopt when the client went away.
  std::optional<std::string> readRequest();

  /// Writes all of `data`; false when the client went away or the peer is stopping.
  bool send(std::string_view data);
  /// Writes `data` one byte per second.
  bool sendSlowly(std::string_view data);
  /// Counts `data` as body bytes, then writes it.
  bool sendBody(std::string_view data);

  /// Sleeps; false when the peer is stopping.
  bool pause(int ms) { return stopper_.sleepFor(ms); }

  /// Closes with SO_LINGER 0, so the client sees a reset instead of an orderly end.
  void reset();

  /// Ends the response: an orderly close (TLS close_notify first). Idempotent.
  void close();

  /// Shuts the socket down so a send or read blocked in this connection's thread returns.
  /// Called from another thread by Peer::stop().
  void interrupt();

 private:
  std::mutex fdMutex_;  // reset() and interrupt() race; the fd number must not be reused
  int fd_;
  SSL* ssl_ = nullptr;
  Stopper& stopper_;
  std::atomic<std::uint64_t>& bytesSent_;
};

/// Answers one request on `connection` as `mode` says.
void respond(Connection& connection, Mode mode, const std::string& path);

}  // namespace nova::hostile::detail
