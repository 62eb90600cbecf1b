#pragma once

#include "nova/core/clock.h"
#include "nova/core/time.h"

namespace nova {

/// The agent's own time line: the wall clock read once at start, advanced by the
/// monotonic clock. It reads like wall time (ms since the epoch) and stamps samples,
/// evaluations and decisions, but it never steps: when the wall clock is stepped while the
/// agent runs (NTP, a resumed VM, a person), no scrape schedule, sample timestamp, `for`,
/// investigation window or timer moves, and nothing waits for the wall clock to catch up.
/// wallOffset() shows how far the wall clock has moved away since start. A restart starts
/// a new time line at the wall clock; times persisted from the last one are wall times.
///
/// Thread-safe (it only reads the clock). Must not outlive its clock.
class Timeline {
 public:
  explicit Timeline(const Clock& clock)
      : clock_(clock), wallAtStart_(clock.now()), monoAtStart_(clock.monoNow()) {}

  /// Now on the time line (ms since the epoch).
  TimestampMs now() const { return at(clock_.monoNow()); }
  /// The time line's time at monotonic instant `mono`.
  TimestampMs at(MonoTime mono) const { return wallAtStart_ + (mono - monoAtStart_); }
  /// The wall clock minus the time line (ms): 0 until the wall clock is stepped or drifts;
  /// negative after a backward step.
  DurationMs wallOffset() const { return clock_.now() - now(); }
  const Clock& clock() const { return clock_; }

 private:
  const Clock& clock_;
  TimestampMs wallAtStart_;
  MonoTime monoAtStart_;
};

}  // namespace nova
