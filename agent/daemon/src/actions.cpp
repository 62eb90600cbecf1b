#include "nova/daemon/actions.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <iterator>

#include "nova/daemon/metrics.h"

namespace nova::daemon {

ActionQueue::ActionQueue(std::size_t capacity, const Clock& clock)
    : capacity_(capacity == 0 ? 1 : capacity), ready_(clock) {}

bool ActionQueue::push(ActionItem item) {
  {
    std::lock_guard lock(ready_.mutex());
    if (auto* rollback = std::get_if<watch::RollbackAction>(&item)) {
      if (closed_ || rollback_) {
        return false;
      }
      rollback_ = std::move(*rollback);
    } else {
      auto& notify = std::get<watch::NotifyAction>(item);
      if (closed_ || (!notify.urgent && notifications_.size() >= capacity_)) {
        ++dropped_;
        return false;
      }
      notifications_.push_back(std::move(notify));
    }
  }
  ready_.notifyAll();
  return true;
}

std::optional<ActionItem> ActionQueue::takeLocked() {
  if (rollback_) {
    ActionItem item{std::move(*rollback_)};
    rollback_.reset();
    return item;
  }
  if (!notifications_.empty()) {
    ActionItem item{std::move(notifications_.front())};
    notifications_.pop_front();
    return item;
  }
  return std::nullopt;
}

std::optional<ActionItem> ActionQueue::pop(DurationMs wait) {
  std::unique_lock lock(ready_.mutex());
  ready_.waitFor(lock, wait, [&] { return closed_ || rollback_ || !notifications_.empty(); });
  return takeLocked();
}

std::optional<ActionItem> ActionQueue::tryPop() {
  std::lock_guard lock(ready_.mutex());
  return takeLocked();
}

std::vector<watch::NotifyAction> ActionQueue::takeNotifications() {
  std::lock_guard lock(ready_.mutex());
  std::vector<watch::NotifyAction> taken(std::make_move_iterator(notifications_.begin()),
                                         std::make_move_iterator(notifications_.end()));
  notifications_.clear();
  return taken;
}

std::size_t ActionQueue::clear() {
  std::lock_guard lock(ready_.mutex());
  const std::size_t n = notifications_.size() + (rollback_ ? 1 : 0);
  notifications_.clear();
  rollback_.reset();
  return n;
}

void ActionQueue::close() {
  {
    std::lock_guard lock(ready_.mutex());
    closed_ = true;
  }
  ready_.notifyAll();
}

std::uint64_t ActionQueue::dropped() const {
  std::lock_guard lock(ready_.mutex());
  return dropped_;
}

std::size_t ActionQueue::size() const {
  std::lock_guard lock(ready_.mutex());
  return notifications_.size() + (rollback_ ? 1 : 0);
}

ActionExecutor::ActionExecutor(traffic::Switch& sw, notify::Notifier& notifier,
                               AgentMetrics* metrics, const Clock& clock)
    : switch_(sw), notifier_(notifier), metrics_(metrics), clock_(clock) {}

std::optional<RollbackReport> ActionExecutor::run(const ActionItem& item) {
  if (const auto* rollback = std::get_if<watch::RollbackAction>(&item)) {
    RollbackReport report{rollback->request, std::nullopt, {}, 0};
    const MonoTime started = clock_.monoNow();
    try {
      auto outcome = switch_.rollback(rollback->request);
      if (outcome.ok()) {
        report.outcome = std::move(outcome).value();
      } else {
        report.error = outcome.error();
      }
    } catch (const std::exception& e) {
      report.error = Error(ErrorCode::kInternal, std::string("switch threw: ") + e.what());
    }
    report.took = clock_.monoNow() - started;
    return report;
  }
  const auto& notification = std::get<watch::NotifyAction>(item).notification;
  Status sent;
  try {
    sent = notifier_.send(notification);
  } catch (const std::exception& e) {
    sent = Error(ErrorCode::kInternal, std::string("notifier threw: ") + e.what());
  }
  if (!sent) {
    spdlog::error("notifier {} failed: {}", notifier_.name(), sent.error().message);
  }
  if (metrics_ != nullptr) {
    metrics_->notification(notifier_.name(), sent.ok());
  }
  return std::nullopt;
}

}  // namespace nova::daemon
