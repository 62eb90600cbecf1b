#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/http/client.h"
#include "nova/notify/delivery.h"
#include "nova/notify/ledger.h"
#include "nova/notify/outbox.h"
#include "nova/notify/receiver.h"
#include "nova/notify/route.h"
#include "nova/notify/secret.h"

namespace nova::notify {

/// The one place that queues, paces, retries and counts. send() writes the notification to
/// the receiver's Outbox (fsynced when it has a file) and returns; a thread of its own
/// posts each delivery with post(), retries 429 (after its Retry-After), 5xx, timeouts and
/// transport failures with nova::Backoff, gives up after DeliveryOptions::maxAttempts
/// (counting a drop) and marks the outbox entry done. Updates already in the ledger are
/// skipped (dedup across retries, replays and restarts). At start the outbox's pending
/// entries are delivered again; at stop what is not delivered stays in a durable outbox.
///
/// Every wait (idle, pacing, backoff, Retry-After, flush) is on the injected Clock's
/// monotonic time through one Wakeup, so tests drive it with ManualClock.
///
/// Subclasses implement post() (build the payload, call postJson() once) and may implement
/// periodic() and coalesceKey(). They must call start() at the end of their constructor and
/// stop() at the start of their destructor, so the thread never sees a half-built object.
class RetryingNotifier : public Receiver {
 public:
  /// What every subclass shares.
  struct Parts {
    std::string name;
    Route route;
    DeliveryOptions options;
    /// Null: the system clock / generator.
    const Clock* clock = nullptr;
    Random* random = nullptr;
    /// Null: in memory.
    std::unique_ptr<IncidentLedger> ledger;
    std::unique_ptr<Outbox> outbox;
    /// Values that must never leave the process (URLs with tokens, keys).
    std::vector<Secret> secrets;
  };

  ~RetryingNotifier() override;

  /// Writes the notification to the outbox and queues it (or coalesces it into a waiting
  /// delivery of the same key); returns without waiting for the network. A full queue drops
  /// its oldest waiting notification (counted, logged at error). Errors: kUnavailable once
  /// stopped (dropped); the outbox's code when the append failed (the notification is still
  /// delivered from memory, but would not survive a stop).
  Status send(const Notification& notification) final;
  std::string name() const final { return parts_.name; }
  bool accepts(const Notification& notification) const override;
  DeliveryStats stats() const final;
  void tick(TimestampMs now) final;
  bool flush(DurationMs timeout) final;
  void beginStop() final;

 protected:
  explicit RetryingNotifier(Parts parts);
  /// Queues the outbox's pending entries, then starts the delivery thread.
  void start();
  /// Stops the thread; an attempt in flight finishes (bounded by its request timeout).
  void stop();

  /// Makes one attempt to deliver. Called on the delivery thread only, so subclass state
  /// touched only here needs no lock. Notifications already delivered were filtered out.
  virtual Attempt post(const Delivery& delivery) = 0;
  /// Periodic deliveries due at wall time `now` (delivery thread). Default: none.
  virtual std::vector<Delivery> periodic(TimestampMs now);
  /// Waiting notifications with the same non-empty key are merged into one delivery.
  virtual std::string coalesceKey(const Notification& notification) const;

  struct JsonPost {
    std::string url;
    std::string body;
    http::Headers headers;
    /// The status meaning "delivered"; 0 accepts any 2xx.
    long expectStatus = 0;
  };
  /// POSTs JSON once and classifies the answer (see Attempt): transport errors by their
  /// code (retryable() ones are kRetry), 429 with its Retry-After (delta-seconds or an
  /// HTTP-date, 1 s when absent), 408 and 5xx kRetry, other statuses kFailed. The detail
  /// holds the receiver's answer redacted first, then cut. Delivery thread only.
  Attempt postJson(const JsonPost& request);

  /// `text` with every secret of this receiver replaced by "<redacted>".
  std::string redacted(std::string text) const;
  /// Wall time now (payload timestamps).
  TimestampMs now() const { return clock_.now(); }
  const IncidentLedger& ledger() const { return *parts_.ledger; }
  const DeliveryOptions& options() const { return parts_.options; }

 private:
  void run();
  void deliver(Delivery delivery);
  /// Waits until `deadline` (monotonic) unless stopping; false when stopping.
  bool waitUntil(MonoTime deadline);
  /// Queues `delivery` (coalescing); with the lock held. Ids pushed out of a full queue
  /// are added to `pushedOut`.
  void enqueueLocked(Delivery delivery, std::vector<std::uint64_t>& pushedOut);
  /// Marks the outbox entries of `delivery` done with `outcome`.
  void finish(const Delivery& delivery, std::string_view outcome);
  void count(std::uint64_t DeliveryStats::*counter, std::uint64_t n = 1);

  std::unique_ptr<Clock> ownClock_;
  std::unique_ptr<Random> ownRandom_;
  Parts parts_;
  const Clock& clock_;
  mutable Wakeup wakeup_;  // its mutex guards everything below
  http::Client client_;
  std::deque<Delivery> queue_;
  std::size_t waiting_ = 0;  // notifications in queue_, re-sends not counted
  std::deque<TimestampMs> ticks_;
  DeliveryStats stats_;
  bool busy_ = false;
  bool stopping_ = false;
  std::optional<MonoTime> lastPost_;
  std::optional<MonoTime> nextAttempt_;
  std::thread worker_;
};

}  // namespace nova::notify
