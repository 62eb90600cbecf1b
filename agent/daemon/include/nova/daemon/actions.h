#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/time.h"
#include "nova/notify/notifier.h"
#include "nova/traffic/switch.h"

namespace nova::daemon {

class AgentMetrics;

/// One unit of work for the action worker: a rollback or a notification.
struct ActionItem {
  std::optional<traffic::RollbackRequest> rollback;
  std::optional<notify::Notification> notification;
};

/// The bounded hand-off from the loop to the action worker, so a slow switch or notifier
/// never delays probing or evaluation. Notifications wait in a queue of fixed capacity and
/// are dropped (and counted) when it is full; a rollback is never dropped: it has a slot of
/// its own and is handed out before any notification. Thread-safe.
class ActionQueue {
 public:
  explicit ActionQueue(std::size_t capacity);

  /// Queues a notification; false when the queue is full or closed (counted in dropped()).
  /// `urgent` ones (a rollback that could not be done) are queued even when it is full.
  bool pushNotification(notify::Notification notification, bool urgent = false);
  /// Fills the rollback slot. A rollback already waiting stays (one flip suffices); returns
  /// false then, or when closed.
  bool pushRollback(traffic::RollbackRequest request);

  /// The next item, rollback first; waits up to `wait` ms. nullopt on timeout, or at once
  /// when closed and empty.
  std::optional<ActionItem> pop(DurationMs wait);
  /// The next item without waiting.
  std::optional<ActionItem> tryPop();

  /// No more pushes; pop() drains what is left, then returns nullopt.
  void close();

  std::uint64_t dropped() const;
  std::size_t size() const;

 private:
  std::optional<ActionItem> takeLocked();

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<notify::Notification> notifications_;
  std::optional<traffic::RollbackRequest> rollback_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
};

/// What one rollback attempt through the switch gave.
struct RollbackReport {
  traffic::RollbackRequest request;
  /// Set when the switch answered; unset when it failed (see `error`).
  std::optional<traffic::SwitchOutcome> outcome;
  std::string error;
  DurationMs took = 0;
};

/// Carries out one ActionItem: a rollback through the switch (returning its report for the
/// loop), or a notification through every notifier (each failure logged and counted, never
/// fatal). Used by the worker thread and, synchronously, by tests.
class ActionExecutor {
 public:
  /// Everything must outlive the executor; `metrics` may be null.
  ActionExecutor(traffic::Switch& sw, std::vector<notify::NotifierPtr>& notifiers,
                 AgentMetrics* metrics, const Clock& clock);

  std::optional<RollbackReport> run(const ActionItem& item);

 private:
  traffic::Switch& switch_;
  std::vector<notify::NotifierPtr>& notifiers_;
  AgentMetrics* metrics_;
  const Clock& clock_;
};

}  // namespace nova::daemon
