#pragma once

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "nova/notify/receiver.h"

namespace nova::notify {

/// Sends each notification to the receivers whose route accepts it. By default critical
/// and high go to the pagers (PagerDuty, Alertmanager) and to Slack, medium and low to
/// Slack only; `severities` and `kinds` settings narrow or widen each receiver. send()
/// returns at once for network receivers (they queue); thread-safe as the receivers are.
class Router final : public Notifier {
 public:
  Router() = default;

  /// Builds one receiver per config with makeReceiver(). Errors name the list index and
  /// the receiver's error; two receivers with the same name are an error (set `name`).
  static Result<std::unique_ptr<Router>> fromConfigs(std::span<const NotifierConfig> configs,
                                                     const NotifyDeps& deps = {});

  /// Adds a receiver (fakes in tests, or one built elsewhere).
  void add(ReceiverPtr receiver);

  /// The names of the receivers that accept `notification`, in order. Pure given the
  /// receivers.
  std::vector<std::string> route(const Notification& notification) const;

  /// Hands the notification to every accepting receiver. An error joins the receivers'
  /// errors ("slack: queue full ...; webhook: ..."); the others still got it.
  Status send(const Notification& notification) override;
  std::string name() const override { return "router"; }

  /// Periodic work for every receiver (Alertmanager re-sends); never blocks.
  void tick(TimestampMs now);
  /// Waits for every receiver's queue to drain, at most `timeout` ms in total.
  bool flush(DurationMs timeout);
  /// Counters per receiver name, for /metrics.
  std::vector<std::pair<std::string, DeliveryStats>> stats() const;

 private:
  std::vector<ReceiverPtr> receivers_;
};

}  // namespace nova::notify
