#pragma once

#include <string>
#include <vector>

#include "nova/notify/receiver.h"
#include "nova/notify/route.h"

namespace nova::watch {

/// One notification as a receiver got it.
struct Delivery {
  std::string receiver;
  notify::Notification notification;
};
using Deliveries = std::vector<Delivery>;

/// A receiver that routes like a real one (its Route) and records what it accepts instead
/// of posting it, so a replay shows who would have been told what. Not thread-safe: the
/// replay sends from one thread.
class RecordingReceiver final : public notify::Receiver {
 public:
  /// `log` must outlive the receiver.
  RecordingReceiver(std::string name, notify::Route route, Deliveries& log)
      : name_(std::move(name)), route_(std::move(route)), log_(log) {}

  bool accepts(const notify::Notification& notification) const override {
    return route_.accepts(notification);
  }
  Status send(const notify::Notification& notification) override {
    if (accepts(notification)) {
      log_.push_back({name_, notification});
      ++stats_.sent;
    }
    return {};
  }
  notify::DeliveryStats stats() const override { return stats_; }
  std::string name() const override { return name_; }

 private:
  std::string name_;
  notify::Route route_;
  Deliveries& log_;
  notify::DeliveryStats stats_;
};

}  // namespace nova::watch
