#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nova::hostile {

/// How the peer answers every connection. Each mode but kHealthy is something a broken or
/// malicious green target might do; none of them may ever pass a health probe or a scrape.
enum class Mode {
  /// Control: /health answers 200 {"status":"healthy"}, any other path a valid exposition.
  kHealthy,
  /// The whole response (status line, headers, body) one byte per second.
  kSlowHeaders,
  /// Headers at once, then the body one byte per second.
  kSlowBody,
  /// 200 with a 100 MB exposition body delimited by close (no Content-Length), streamed
  /// from a fixed 64 KiB block: never held in memory.
  kHugeBody,
  /// As kHugeBody, with the size declared in Content-Length.
  kHugeBodyDeclared,
  /// Random bytes (64 KiB) instead of HTTP, then close.
  kRandomBytes,
  /// Content-Length 1 MiB, 256 KiB of exposition, then a reset (SO_LINGER 0, close).
  kResetMidBody,
  /// 302 to the requested path itself, forever.
  kRedirectLoop,
  /// TLS with a self-signed certificate made at start: verification must fail. Behind the
  /// handshake it serves kHealthy's answers, so only the certificate is wrong.
  kTlsSelfSigned,
  /// 200 with one exposition line of 1 MiB (a label value).
  kLongLine,
  /// 200 with a valid exposition except exactly one invalid line (kInvalidLineNumber).
  kOneInvalidLine,
  /// 200 {"status":"unhealthy"} on every path.
  kUnhealthyJson,
  /// 200 with a truncated JSON object that still contains "healthy", on every path.
  kGarbageJson,
  /// 500 with kHealthy's bodies: only the status says something is wrong.
  kServerError,
  /// 200, chunked, a small valid chunk every 20 ms, never ending.
  kEndlessChunked,
};

/// Every mode, kHealthy first.
const std::vector<Mode>& allModes();
/// Every mode but kHealthy.
std::vector<Mode> hostileModes();
/// "healthy", "slow-headers", "slow-body", "huge-body", "huge-body-declared",
/// "random-bytes", "reset-mid-body", "redirect-loop", "tls-self-signed", "long-line",
/// "one-invalid-line", "unhealthy-json", "garbage-json", "server-error", "endless-chunked".
std::string_view toString(Mode mode);
std::optional<Mode> parseMode(std::string_view name);

/// Size of the kHugeBody bodies.
inline constexpr std::size_t kHugeBodyBytes = std::size_t{100} * 1000 * 1000;
/// Length of kLongLine's single line, newline excluded, at least.
inline constexpr std::size_t kLongLineBytes = std::size_t{1} << 20;
/// The 1-based line of kOneInvalidLine's bad line.
inline constexpr std::size_t kInvalidLineNumber = 7;

/// The exposition kHealthy serves (also the source of the other modes' bodies).
std::string healthyExposition();

/// A hostile HTTP peer on 127.0.0.1 with a port the kernel picked. One thread accepts;
/// each connection gets its own thread and is closed after one response (Connection:
/// close). The mode can change at any time; a connection keeps the mode it was accepted
/// in. stop() (or the destructor) interrupts slow and endless responses at once.
/// Thread-safe.
class Peer {
 public:
  /// Listens and starts accepting. Throws std::runtime_error when it cannot listen or, for
  /// TLS, cannot make its certificate.
  explicit Peer(Mode mode);
  ~Peer();
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  std::uint16_t port() const;
  /// "http://127.0.0.1:PORT" + path ("https://" with `https`).
  std::string url(std::string_view path, bool https = false) const;

  Mode mode() const;
  void setMode(Mode mode);

  /// The PEM certificate kTlsSelfSigned presents; a client that trusts it as its CA file
  /// completes the handshake.
  const std::string& certificatePem() const;

  /// Connections accepted so far.
  std::uint64_t connections() const;
  /// Body bytes written so far, over all connections (for the huge and endless modes).
  std::uint64_t bytesSent() const;

  /// Stops accepting, cuts every open connection and joins every thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::hostile
