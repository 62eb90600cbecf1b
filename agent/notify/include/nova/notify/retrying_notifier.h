#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nova/http/client.h"
#include "nova/notify/delivery.h"
#include "nova/notify/ledger.h"
#include "nova/notify/random.h"
#include "nova/notify/receiver.h"
#include "nova/notify/route.h"
#include "nova/notify/secret.h"

namespace nova::notify {

/// The one place that queues, paces, retries and counts. send() only enqueues and returns
/// at once; a thread of its own posts each delivery with post(), retries 429 (after its
/// Retry-After), 5xx, timeouts and refused connections with jittered exponential backoff,
/// and gives up after DeliveryOptions::maxAttempts, counting a drop. Updates already in the
/// ledger are skipped (dedup across retries, replays and restarts).
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
    const Clock* clock = nullptr;
    Random* random = nullptr;
    std::unique_ptr<IncidentLedger> ledger;
    /// Values that must never leave the process (URLs with tokens, keys).
    std::vector<Secret> secrets;
  };

  ~RetryingNotifier() override;

  /// Enqueues (or coalesces into a waiting delivery) and returns at once. Errors only when
  /// the queue is full or the receiver is stopped; the notification is then dropped.
  Status send(const Notification& notification) final;
  std::string name() const final { return parts_.name; }
  bool accepts(const Notification& notification) const override;
  DeliveryStats stats() const final;
  void tick(TimestampMs now) final;
  bool flush(DurationMs timeout) final;

 protected:
  explicit RetryingNotifier(Parts parts);
  void start();
  void stop();

  /// Makes one attempt to deliver. Called on the delivery thread only, so subclass state
  /// touched only here needs no lock. Notifications already delivered were filtered out.
  virtual Attempt post(const Delivery& delivery) = 0;
  /// Periodic deliveries due at `now` (delivery thread). Default: none.
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
  /// POSTs JSON once and classifies the answer (see Attempt). Delivery thread only.
  Attempt postJson(const JsonPost& request);

  /// `text` with every secret of this receiver replaced by "<redacted>".
  std::string redacted(std::string text) const;
  TimestampMs now() const;
  const IncidentLedger& ledger() const { return *parts_.ledger; }
  const DeliveryOptions& options() const { return parts_.options; }

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  void run();
  void deliver(Delivery delivery);
  bool waitFor(DurationMs delay);
  void count(std::uint64_t DeliveryStats::*counter);

  Parts parts_;
  std::unique_ptr<Random> ownRandom_;
  std::unique_ptr<Clock> ownClock_;
  http::Client client_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Delivery> queue_;
  std::deque<TimestampMs> ticks_;
  DeliveryStats stats_;
  bool busy_ = false;
  bool stopping_ = false;
  SteadyTime lastPost_{};
  std::thread worker_;
};

}  // namespace nova::notify
