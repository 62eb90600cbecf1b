#pragma once

#include <optional>
#include <string>
#include <variant>

#include "nova/core/error.h"
#include "nova/core/time.h"
#include "nova/notify/notifier.h"
#include "nova/traffic/switch.h"

namespace nova::watch {

/// Move traffic back to blue through the switch.
struct RollbackAction {
  traffic::RollbackRequest request;
  /// 1 for the first attempt, then 2, 3... for retries of the same request.
  int attempt = 1;
};

/// Tell people, through the notifier (the router in the daemon).
struct NotifyAction {
  notify::Notification notification;
  /// A rollback that could not be done: delivered even when the daemon's queue is full.
  bool urgent = false;
};

/// One thing the watcher wants done. The daemon's action worker carries it out; `novactl
/// rules test` carries it out at once through the dry-run switch and recording receivers.
using Action = std::variant<RollbackAction, NotifyAction>;

/// What one rollback attempt through the switch gave; fed back with
/// Watcher::rollbackFinished().
struct RollbackReport {
  traffic::RollbackRequest request;
  /// Set when the switch answered; unset when it failed (see `error`).
  std::optional<traffic::SwitchOutcome> outcome;
  /// The switch's error when `outcome` is unset.
  Error error;
  /// How long the attempt took (ms), for logs.
  DurationMs took = 0;
};

}  // namespace nova::watch
