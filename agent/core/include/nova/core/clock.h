#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "nova/core/time.h"

namespace nova {

class Wakeup;

/// The one seam for time and waiting. Wall time (TimestampMs) labels events and aligns
/// evaluation with scrape timestamps; monotonic time (MonoTime) measures every duration,
/// deadline, timeout and backoff, so a wall-clock step (NTP, a VM resumed) moves no
/// deadline. Everything that waits does so through a Wakeup on a Clock, so tests drive
/// retries, rate limits and readiness waits with ManualClock in microseconds.
///
/// Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Wall-clock time in milliseconds since the Unix epoch.
  virtual TimestampMs now() const = 0;
  /// Monotonic time in milliseconds since an arbitrary origin.
  virtual MonoTime monoNow() const = 0;

  /// Blocks the calling thread for `duration` of this clock's monotonic time (at once when
  /// not positive). Not interruptible: code that must stop early waits on a Wakeup.
  void sleepFor(DurationMs duration) const;

 protected:
  friend class Wakeup;
  /// Called with `lock` holding `wakeup`'s mutex; returns when woken or when `deadline`
  /// may have passed (spurious returns are allowed: Wakeup re-checks).
  virtual void waitOn(Wakeup& wakeup, std::unique_lock<std::mutex>& lock,
                      const MonoTime* deadline) const = 0;
  /// A Wakeup on this clock was created / is being destroyed.
  virtual void attach(Wakeup& /*wakeup*/) const {}
  virtual void detach(Wakeup& /*wakeup*/) const {}
};

/// A condition to wait on, with deadlines on a Clock's monotonic time: a mutex and a
/// condition variable that the clock can wake. With SystemClock it is exactly that; with
/// ManualClock, advance() wakes every waiter so a deadline passes in simulated time.
/// Thread-safe. Must not outlive its clock.
class Wakeup {
 public:
  explicit Wakeup(const Clock& clock);
  ~Wakeup();
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  /// The mutex that guards the state the waiters' predicates read.
  std::mutex& mutex() { return mutex_; }
  const Clock& clock() const { return clock_; }

  /// Wakes every waiter; call after changing the guarded state (with or without the mutex).
  void notifyAll() { cv_.notify_all(); }

  /// With `lock` holding mutex(): waits until `done()` is true or the clock's monotonic time
  /// reaches `deadline`. Returns done().
  template <typename Predicate>
  bool waitUntil(std::unique_lock<std::mutex>& lock, MonoTime deadline, Predicate done) {
    while (!done()) {
      if (clock_.monoNow() >= deadline) {
        return done();
      }
      clock_.waitOn(*this, lock, &deadline);
    }
    return true;
  }

  /// As waitUntil() with a deadline `timeout` from now.
  template <typename Predicate>
  bool waitFor(std::unique_lock<std::mutex>& lock, DurationMs timeout, Predicate done) {
    return waitUntil(lock, clock_.monoNow() + timeout, std::move(done));
  }

  /// Waits until `done()`, without a deadline.
  template <typename Predicate>
  void wait(std::unique_lock<std::mutex>& lock, Predicate done) {
    while (!done()) {
      clock_.waitOn(*this, lock, nullptr);
    }
  }

 private:
  friend class SystemClock;
  friend class ManualClock;
  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable cv_;
};

/// The real clocks: std::chrono::system_clock and steady_clock.
class SystemClock final : public Clock {
 public:
  TimestampMs now() const override;
  MonoTime monoNow() const override;

 protected:
  void waitOn(Wakeup& wakeup, std::unique_lock<std::mutex>& lock,
              const MonoTime* deadline) const override;
};

/// A clock that moves only when told to. advance() moves wall and monotonic time together
/// and wakes every waiter; setWall() steps the wall clock alone (what NTP does), leaving
/// monotonic time where it is. Thread-safe.
///
/// A test that starts a thread which will wait, then advances, first calls awaitWaiters()
/// so the thread's deadline is computed before time moves. Never call advance(), create a
/// Wakeup or sleepFor() while holding a Wakeup's mutex.
class ManualClock final : public Clock {
 public:
  /// Wall time starts at `start`; monotonic time starts at `start` too, so tests that used
  /// to read one number can read either.
  explicit ManualClock(TimestampMs start = 0) : wall_(start), mono_(start) {}

  TimestampMs now() const override { return wall_.load(); }
  MonoTime monoNow() const override { return MonoTime(mono_.load()); }

  /// Moves wall and monotonic time forward by `duration` (ms, not negative) and wakes every
  /// waiter whose deadline may have passed.
  void advance(DurationMs duration);
  /// Steps the wall clock to `t`, forward or back; monotonic time does not move.
  void setWall(TimestampMs t) { wall_.store(t); }
  /// Kept for existing callers: the same as setWall().
  void set(TimestampMs t) { setWall(t); }

  /// Threads blocked in a wait on this clock right now.
  std::size_t waiters() const;
  /// Blocks (in real time, at most `realTimeoutMs`) until at least `count` threads wait on
  /// this clock. Returns false on timeout, so a test fails instead of hanging.
  bool awaitWaiters(std::size_t count, DurationMs realTimeoutMs = 10 * kSecond) const;

 protected:
  void waitOn(Wakeup& wakeup, std::unique_lock<std::mutex>& lock,
              const MonoTime* deadline) const override;
  void attach(Wakeup& wakeup) const override;
  void detach(Wakeup& wakeup) const override;

 private:
  std::atomic<TimestampMs> wall_;
  std::atomic<std::int64_t> mono_;
  // Lock order: registryMutex_, then a Wakeup's mutex, then waitersMutex_. advance() holds
  // registryMutex_ while it wakes, so a Wakeup cannot be destroyed under it.
  mutable std::mutex registryMutex_;
  mutable std::vector<Wakeup*> wakeups_;
  mutable std::mutex waitersMutex_;
  mutable std::condition_variable waitersChanged_;
  mutable std::size_t waiting_ = 0;
};

}  // namespace nova
