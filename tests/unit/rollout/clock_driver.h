#pragma once

#include <atomic>
#include <functional>
#include <limits>
#include <thread>

#include "nova/core/clock.h"

namespace nova::rollout::test {

/// Moves a ManualClock on by `step` whenever the code under test waits on it and `ready()`
/// says so, until `limit` has passed in all or the driver is destroyed: simulated time
/// passes exactly as the code waits for it, and no wall time is slept. `ready` lets a test
/// hold the clock still, e.g. while a hook runs whose own timeout must not pass. Choose
/// steps that reach the deadlines waited for (an interval, a timeout), so each step ends
/// one wait.
class ClockDriver {
 public:
  ClockDriver(
      ManualClock& clock, DurationMs step,
      DurationMs limit = std::numeric_limits<DurationMs>::max(),
      std::function<bool()> ready = [] { return true; })
      : thread_([this, &clock, step, limit, ready = std::move(ready)] {
          DurationMs moved = 0;
          while (!done_.load() && moved < limit) {
            if (!clock.awaitWaiters(1, 20) || !ready()) {
              std::this_thread::yield();
              continue;
            }
            clock.advance(step);
            moved += step;
            // Let the woken waiter re-check its deadline before the next step: it still
            // counts as waiting until it holds its mutex again, and advancing on that count
            // would starve it while time runs away. (A step that does not reach the
            // waiter's deadline makes it wait again; the bound ends this loop then.)
            for (int i = 0; i < 10'000 && clock.waiters() > 0; ++i) {
              std::this_thread::yield();
            }
          }
        }) {}
  ~ClockDriver() {
    done_.store(true);
    thread_.join();
  }
  ClockDriver(const ClockDriver&) = delete;
  ClockDriver& operator=(const ClockDriver&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace nova::rollout::test
