#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/backoff.h"
#include "nova/core/time.h"
#include "nova/notify/notifier.h"

namespace nova::notify {

/// How a RetryingNotifier queues, paces and retries. Every duration is measured on the
/// injected Clock's monotonic time.
struct DeliveryOptions {
  /// Notifications waiting (not in flight) at most. When one more arrives the oldest
  /// waiting one is dropped, counted and logged: the newest state of an incident matters
  /// most, and a later update of the same incident still pages under its dedup key.
  std::size_t queueCapacity = 256;
  /// Attempts per delivery, the first included; then it is dropped and counted.
  int maxAttempts = 5;
  /// Wait before retry k: nova::Backoff (capped exponential, equal jitter).
  Backoff backoff{1 * kSecond, 30 * kSecond};
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

/// Counters and gauges of one receiver, for /metrics and /status. Counters are cumulative
/// since the receiver was built.
struct DeliveryStats {
  std::uint64_t sent = 0;     ///< Deliveries the receiver accepted.
  std::uint64_t retried = 0;  ///< Attempts repeated after a 429, 5xx, timeout or refusal.
  /// Notifications given up: attempts exhausted, refused (4xx), pushed out of a full queue,
  /// or (without a durable outbox) still waiting at stop.
  std::uint64_t dropped = 0;
  std::uint64_t skipped = 0;  ///< Deliveries not needed: already delivered before (dedup).
  /// Ledger or outbox files found empty or corrupt at start, then recovered from the
  /// previous good copy or started empty (each also logged as a warning).
  std::uint64_t recovered = 0;
  /// Gauge: notifications accepted and not finished (waiting, in flight or waiting to be
  /// retried); with a durable outbox these are replayed after a restart.
  std::uint64_t pending = 0;
  /// Gauge: how long the oldest pending notification has waited, in ms (0 when none).
  DurationMs oldestPendingMs = 0;
  /// Gauge: time until the delivery thread's next attempt when it waits for a retry,
  /// a Retry-After or pacing, in ms; -1 when it does not wait for one.
  DurationMs nextAttemptInMs = -1;
};

/// One unit of work on the queue: usually one notification; several when updates of the
/// same incident were coalesced while waiting (oldest first, the last is the newest).
struct Delivery {
  std::vector<Notification> notifications;
  /// The outbox records of `notifications`, in the same order; empty for re-sends.
  std::vector<std::uint64_t> outboxIds;
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

}  // namespace nova::notify
