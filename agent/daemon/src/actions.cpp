#include "nova/daemon/actions.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>

#include "nova/daemon/metrics.h"

namespace nova::daemon {

ActionQueue::ActionQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

bool ActionQueue::pushNotification(notify::Notification notification, bool urgent) {
  {
    std::lock_guard lock(mutex_);
    if (closed_ || (!urgent && notifications_.size() >= capacity_)) {
      ++dropped_;
      return false;
    }
    notifications_.push_back(std::move(notification));
  }
  ready_.notify_one();
  return true;
}

bool ActionQueue::pushRollback(traffic::RollbackRequest request) {
  {
    std::lock_guard lock(mutex_);
    if (closed_ || rollback_) {
      return false;
    }
    rollback_ = std::move(request);
  }
  ready_.notify_one();
  return true;
}

std::optional<ActionItem> ActionQueue::takeLocked() {
  if (rollback_) {
    ActionItem item{std::move(rollback_), std::nullopt};
    rollback_.reset();
    return item;
  }
  if (!notifications_.empty()) {
    ActionItem item{std::nullopt, std::move(notifications_.front())};
    notifications_.pop_front();
    return item;
  }
  return std::nullopt;
}

std::optional<ActionItem> ActionQueue::pop(DurationMs wait) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, std::chrono::milliseconds(wait),
                  [&] { return closed_ || rollback_ || !notifications_.empty(); });
  return takeLocked();
}

std::optional<ActionItem> ActionQueue::tryPop() {
  std::lock_guard lock(mutex_);
  return takeLocked();
}

void ActionQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

std::uint64_t ActionQueue::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::size_t ActionQueue::size() const {
  std::lock_guard lock(mutex_);
  return notifications_.size() + (rollback_ ? 1 : 0);
}

ActionExecutor::ActionExecutor(traffic::Switch& sw, std::vector<notify::NotifierPtr>& notifiers,
                               AgentMetrics* metrics, const Clock& clock)
    : switch_(sw), notifiers_(notifiers), metrics_(metrics), clock_(clock) {}

std::optional<RollbackReport> ActionExecutor::run(const ActionItem& item) {
  if (item.rollback) {
    RollbackReport report{*item.rollback, std::nullopt, {}, 0};
    const TimestampMs started = clock_.now();
    try {
      auto outcome = switch_.rollback(*item.rollback);
      if (outcome.ok()) {
        report.outcome = std::move(outcome).value();
      } else {
        report.error = outcome.error().message;
      }
    } catch (const std::exception& e) {
      report.error = std::string("switch threw: ") + e.what();
    }
    report.took = clock_.now() - started;
    return report;
  }
  if (item.notification) {
    for (auto& notifier : notifiers_) {
      Status sent = Error{"notifier threw"};
      try {
        sent = notifier->send(*item.notification);
      } catch (const std::exception& e) {
        sent = Error{e.what()};
      }
      if (!sent) {
        spdlog::error("notifier {} failed: {}", notifier->name(), sent.error().message);
      }
      if (metrics_ != nullptr) {
        metrics_->notification(notifier->name(), sent.ok());
      }
    }
  }
  return std::nullopt;
}

}  // namespace nova::daemon
