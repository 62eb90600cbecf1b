#pragma once

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "nova/core/clock.h"
#include "nova/notify/receiver.h"

namespace nova::notify {

/// Sends each notification to the receivers whose route accepts it. By default critical
/// and high go to the pagers (PagerDuty, Alertmanager) and to Slack, medium and low to
/// Slack only; `severities` and `kinds` settings narrow or widen each receiver. send()
/// returns at once for network receivers (they queue); thread-safe as the receivers are.
class Router final : public Notifier {
 public:
  /// `clock` bounds flush(); null means the system clock. It must outlive the router.
  explicit Router(const Clock* clock = nullptr);
  /// Stops every receiver at once (Receiver::beginStop), then destroys them: a shutdown
  /// waits for the longest attempt in flight (a request timeout), not for their sum.
  ~Router() override;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  /// Builds one receiver per config with makeReceiver() (deps.clock for the router too).
  /// Errors name the list index and keep the receiver's code; two receivers with the same
  /// name are kInvalidInput (set `name`).
  static Result<std::unique_ptr<Router>> fromConfigs(std::span<const NotifierConfig> configs,
                                                     const NotifyDeps& deps = {});

  /// Adds a receiver (fakes in tests, or one built elsewhere).
  void add(ReceiverPtr receiver);

  /// The names of the receivers that accept `notification`, in order. Pure given the
  /// receivers.
  std::vector<std::string> route(const Notification& notification) const;

  /// Hands the notification to every accepting receiver; network receivers write it to
  /// their outbox first. An error joins the receivers' errors ("notifier slack: ...;
  /// notifier webhook: ...") under the first one's code; the others still got it.
  Status send(const Notification& notification) override;
  std::string name() const override { return "router"; }

  /// Periodic work for every receiver (Alertmanager re-sends); never blocks.
  void tick(TimestampMs now);
  /// Waits for every receiver's queue to drain, at most `timeout` ms of the clock's
  /// monotonic time in total. True when all are idle.
  bool flush(DurationMs timeout);
  /// Counters and gauges per receiver name, for /metrics and /status: among them pending
  /// (accepted, not finished: what a restart replays), oldestPendingMs, dropped and
  /// recovered (damaged ledger or outbox files at start). See DeliveryStats.
  std::vector<std::pair<std::string, DeliveryStats>> stats() const;

 private:
  std::unique_ptr<Clock> ownClock_;
  const Clock& clock_;
  std::vector<ReceiverPtr> receivers_;
};

}  // namespace nova::notify
