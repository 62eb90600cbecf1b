#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/time.h"
#include "nova/notify/notifier.h"

namespace nova::notify {

/// How a RetryingNotifier queues, paces and retries.
struct DeliveryOptions {
  /// Deliveries waiting at most; a send() beyond this is dropped and counted.
  std::size_t queueCapacity = 256;
  /// Attempts per delivery, the first included; then it is dropped and counted.
  int maxAttempts = 5;
  /// Backoff before retry k (1-based) is drawn from [d/2, d] with d = min(cap, base * 2^(k-1)).
  DurationMs backoffBase = 1 * kSecond;
  DurationMs backoffCap = 30 * kSecond;
  /// A 429's Retry-After longer than this is cut to it, so one answer cannot stall the queue.
  DurationMs maxRetryAfter = 5 * kMinute;
  /// Least time between two posts (Slack: 1 s per webhook); 0 means no pacing.
  DurationMs minInterval = 0;
  /// Bound on one HTTP exchange, connect included.
  DurationMs requestTimeout = 5 * kSecond;
  /// How often the delivery thread calls the receiver's periodic work (Alertmanager
  /// resends); 0 leaves it to explicit tick() calls.
  DurationMs tickInterval = 1 * kSecond;
};

/// Counters of one receiver, cumulative since it was built.
struct DeliveryStats {
  std::uint64_t sent = 0;  ///< Deliveries the receiver accepted.
  std::uint64_t retried =
      0;  ///< Attempts repeated after a 429, 5xx, timeout or refused connection.
  std::uint64_t dropped =
      0;  ///< Deliveries given up: attempts exhausted, refused (4xx), queue full.
  std::uint64_t skipped = 0;  ///< Deliveries not needed: already delivered before (dedup).
  std::uint64_t queued = 0;   ///< Deliveries waiting now (a gauge).
};

/// One unit of work on the queue: usually one notification; several when updates of the
/// same incident were coalesced while waiting (oldest first, the last is the newest).
struct Delivery {
  std::vector<Notification> notifications;
  /// A periodic re-send built by the receiver itself (Alertmanager), not a new update.
  bool resend = false;
  /// What the receiver coalesces on (the incident id), or empty for no coalescing.
  std::string coalesceKey;
};

/// The result of one attempt to post a delivery.
struct Attempt {
  enum class Outcome {
    kDelivered,  ///< Accepted by the receiver.
    kSkipped,    ///< Nothing to send (already delivered, nothing to resolve).
    kRetry,      ///< Transient: 429, 5xx, timeout, connection refused.
    kFailed,     ///< Permanent: refused as invalid; retrying cannot help.
  };
  Outcome outcome = Outcome::kDelivered;
  /// For logs: the status and a redacted excerpt of the answer, or the transport error.
  std::string detail;
  /// A 429's Retry-After, in milliseconds.
  std::optional<DurationMs> retryAfter;
};

/// The wait before retry `retry` (1-based) for a uniform draw `u` in [0, 1). Pure.
DurationMs backoffDelay(int retry, const DeliveryOptions& options, double u);

/// Parses a Retry-After header value given in seconds ("3"); HTTP dates are not used by
/// Slack or PagerDuty and give nullopt.
std::optional<DurationMs> parseRetryAfter(const std::string& value);

}  // namespace nova::notify
