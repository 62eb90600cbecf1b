#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/http/client.h"

namespace nova::http {

/// A non-blocking HTTP/1.1 client over one curl multi handle: many transfers in flight,
/// driven by poll() on the caller's thread. Requests are configured exactly as by Client
/// (timeouts, connect timeout, low-speed cut-off, body cap, TLS verification, CA file), and
/// connections are kept alive in the multi handle's shared cache between transfers.
///
/// Not thread-safe: start(), poll() and the completions all run on one thread.
class MultiClient {
 public:
  /// Receives the finished transfer's Response, or an Error naming method, redacted URL and
  /// reason, with the same codes as Client::perform() (kTimeout, kTransport, kInvalidInput
  /// for a bad URL or "response body exceeds N bytes", ...). Runs inside poll().
  using Completion = std::function<void(Result<Response>)>;

  MultiClient();
  ~MultiClient();
  MultiClient(const MultiClient&) = delete;
  MultiClient& operator=(const MultiClient&) = delete;

  /// Starts `request`; `done` runs exactly once, from a later poll() (also when the
  /// request is refused at once, e.g. a malformed URL). Returns an id for cancel().
  std::uint64_t start(const Request& request, Completion done);

  /// Drives every transfer: waits up to `maxWait` ms for socket activity (returning early
  /// when curl has work, a transfer completes or wakeup() is called), then runs the
  /// completions of the finished ones. Returns how many completed. With nothing in flight
  /// it still waits, so a loop around it does not spin.
  std::size_t poll(DurationMs maxWait);

  /// Makes a poll() in progress (or the next one) return early. The one method that is
  /// safe to call from another thread.
  void wakeup();

  /// Aborts a transfer without running its completion. Unknown ids are ignored.
  void cancel(std::uint64_t id);

  /// Transfers started and not yet completed.
  std::size_t inFlight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::http
