#pragma once

#include <string>

#include "nova/core/clock.h"

namespace nova::rollout {

/// A stop request (SIGINT/SIGTERM, a pre-empting rollback) and the one Wakeup every wait
/// of a rollout blocks on, so a request interrupts any wait at once: a hook's run, the poll
/// interval of the snapshot, the monitoring window. Work stops at the next step boundary;
/// the record stays consistent. Thread-safe (not async-signal-safe: a signal thread calls
/// requestStop, never a handler). Must not outlive its clock.
class StopSource {
 public:
  explicit StopSource(const Clock& clock) : wakeup_(clock) {}

  /// Asks every wait to end; the first reason is kept. Idempotent.
  void requestStop(std::string reason);
  bool stopRequested();
  /// The first reason given, or "".
  std::string reason();

  /// Waits until a stop is requested or the clock's monotonic time reaches `deadline`.
  /// Returns true when a stop was requested.
  bool waitUntil(MonoTime deadline);
  /// waitUntil(now + duration).
  bool waitFor(DurationMs duration);

  /// The Wakeup to wait on for anything else that should also end on a stop request; its
  /// predicates must check stopRequestedLocked() while holding its mutex.
  Wakeup& wakeup() { return wakeup_; }
  const Clock& clock() const { return wakeup_.clock(); }
  /// With wakeup().mutex() held.
  bool stopRequestedLocked() const { return requested_; }

 private:
  Wakeup wakeup_;
  bool requested_ = false;
  std::string reason_;
};

}  // namespace nova::rollout
