#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/time.h"
#include "nova/notify/notifier.h"
#include "nova/traffic/switch.h"
#include "nova/watch/action.h"

namespace nova::daemon {

class AgentMetrics;

/// One unit of work for the action worker: a rollback or a notification.
using ActionItem = watch::Action;
using watch::RollbackReport;

/// The bounded hand-off from the loop to the action worker, so a slow switch or notifier
/// never delays probing or evaluation. Notifications wait in a queue of fixed capacity and
/// are dropped (and counted) when it is full; a rollback is never dropped: it has a slot of
/// its own and is handed out before any notification. Waits on `clock`'s monotonic time
/// (a ManualClock drives it in tests). Thread-safe.
class ActionQueue {
 public:
  /// `clock` must outlive the queue.
  ActionQueue(std::size_t capacity, const Clock& clock);

  /// Queues an action. A notification is refused when the queue is full (unless urgent: a
  /// rollback that could not be done) or closed, and counted in dropped(). A rollback fills
  /// the rollback slot; one already waiting stays (one flip suffices). False when refused.
  bool push(ActionItem item);

  /// The next item, rollback first; waits up to `wait` ms of the clock's monotonic time.
  /// nullopt on timeout, or at once when closed and empty.
  std::optional<ActionItem> pop(DurationMs wait);
  /// The next item without waiting.
  std::optional<ActionItem> tryPop();
  /// Every waiting notification, oldest first, leaving a waiting rollback in its slot. The
  /// worker hands them to the notifier before it flips: the notifier's durable outbox
  /// takes them in milliseconds, while a flip may take minutes or be cut short by a kill,
  /// which would lose what still waits here in memory.
  std::vector<watch::NotifyAction> takeNotifications();

  /// Drops every waiting item, the rollback too (an agent that stopped leading carries out
  /// nothing more); returns how many. Not counted in dropped(): no notification was refused.
  std::size_t clear();

  /// No more pushes; pop() drains what is left, then returns nullopt.
  void close();

  std::uint64_t dropped() const;
  std::size_t size() const;

 private:
  std::optional<ActionItem> takeLocked();

  const std::size_t capacity_;
  mutable Wakeup ready_;
  std::deque<watch::NotifyAction> notifications_;
  std::optional<watch::RollbackAction> rollback_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
};

/// Carries out one ActionItem: a rollback through the switch (returning its report for the
/// loop), or a notification through the notifier (a failure is logged and counted, never
/// fatal). Used by the worker thread and, synchronously, by tests.
class ActionExecutor {
 public:
  /// Everything must outlive the executor; `metrics` may be null. `notifier` is the
  /// daemon's router.
  ActionExecutor(traffic::Switch& sw, notify::Notifier& notifier, AgentMetrics* metrics,
                 const Clock& clock);

  std::optional<RollbackReport> run(const ActionItem& item);

 private:
  traffic::Switch& switch_;
  notify::Notifier& notifier_;
  AgentMetrics* metrics_;
  const Clock& clock_;
};

}  // namespace nova::daemon
