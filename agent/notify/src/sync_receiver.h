#pragma once

#include <mutex>

#include "nova/notify/receiver.h"
#include "nova/notify/route.h"

namespace nova::notify::detail {

/// A Receiver over a notifier that delivers in place (the log notifier): routes, then calls
/// it and counts sent or dropped.
class SyncReceiver final : public Receiver {
 public:
  SyncReceiver(std::string name, Route route, NotifierPtr inner)
      : name_(std::move(name)), route_(std::move(route)), inner_(std::move(inner)) {}

  Status send(const Notification& notification) override {
    if (!accepts(notification)) {
      return {};
    }
    Status status = inner_->send(notification);
    std::lock_guard lock(mutex_);
    ++(status.ok() ? stats_.sent : stats_.dropped);
    return status;
  }
  std::string name() const override { return name_; }
  bool accepts(const Notification& notification) const override {
    return route_.accepts(notification);
  }
  DeliveryStats stats() const override {
    std::lock_guard lock(mutex_);
    return stats_;
  }

 private:
  std::string name_;
  Route route_;
  NotifierPtr inner_;
  mutable std::mutex mutex_;
  DeliveryStats stats_;
};

}  // namespace nova::notify::detail
