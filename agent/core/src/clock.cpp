#include "nova/core/clock.h"

#include <algorithm>
#include <chrono>

namespace nova {
namespace {

using SteadyPoint = std::chrono::steady_clock::time_point;

SteadyPoint steadyPoint(MonoTime t) {
  return SteadyPoint(std::chrono::milliseconds(t.ms()));
}

}  // namespace

void Clock::sleepFor(DurationMs duration) const {
  if (duration <= 0) {
    return;
  }
  Wakeup wakeup(*this);
  std::unique_lock lock(wakeup.mutex());
  wakeup.waitFor(lock, duration, [] { return false; });
}

Wakeup::Wakeup(const Clock& clock) : clock_(clock) {
  clock_.attach(*this);
}

Wakeup::~Wakeup() {
  clock_.detach(*this);
}

TimestampMs SystemClock::now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

MonoTime SystemClock::monoNow() const {
  using namespace std::chrono;
  return MonoTime(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

void SystemClock::waitOn(Wakeup& wakeup, std::unique_lock<std::mutex>& lock,
                         const MonoTime* deadline) const {
  if (deadline == nullptr) {
    wakeup.cv_.wait(lock);
  } else {
    wakeup.cv_.wait_until(lock, steadyPoint(*deadline));
  }
}

void ManualClock::advance(DurationMs duration) {
  if (duration <= 0) {
    return;
  }
  wall_.fetch_add(duration);
  mono_.fetch_add(duration);
  std::lock_guard registry(registryMutex_);
  for (Wakeup* wakeup : wakeups_) {
    // Taking the waiter's mutex orders this wake after its deadline check: a thread that
    // read the old time is inside wait() by now, so the notification reaches it.
    std::lock_guard guard(wakeup->mutex_);
    wakeup->cv_.notify_all();
  }
}

std::size_t ManualClock::waiters() const {
  std::lock_guard lock(waitersMutex_);
  return waiting_;
}

bool ManualClock::awaitWaiters(std::size_t count, DurationMs realTimeoutMs) const {
  std::unique_lock lock(waitersMutex_);
  return waitersChanged_.wait_for(lock, std::chrono::milliseconds(realTimeoutMs),
                                  [&] { return waiting_ >= count; });
}

void ManualClock::waitOn(Wakeup& wakeup, std::unique_lock<std::mutex>& lock,
                         const MonoTime* /*deadline*/) const {
  {
    std::lock_guard guard(waitersMutex_);
    ++waiting_;
  }
  waitersChanged_.notify_all();
  // Woken by notifyAll() or advance(); the caller re-checks its predicate and deadline.
  wakeup.cv_.wait(lock);
  {
    std::lock_guard guard(waitersMutex_);
    --waiting_;
  }
  waitersChanged_.notify_all();
}

void ManualClock::attach(Wakeup& wakeup) const {
  std::lock_guard lock(registryMutex_);
  wakeups_.push_back(&wakeup);
}

void ManualClock::detach(Wakeup& wakeup) const {
  std::lock_guard lock(registryMutex_);
  wakeups_.erase(std::remove(wakeups_.begin(), wakeups_.end(), &wakeup), wakeups_.end());
}

}  // namespace nova
