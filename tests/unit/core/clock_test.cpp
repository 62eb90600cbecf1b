#include "nova/core/clock.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using nova::kSecond;
using nova::ManualClock;
using nova::MonoTime;
using nova::Wakeup;

TEST_CASE("ManualClock moves wall and monotonic time together; setWall steps wall alone") {
  ManualClock clock(1000);
  clock.advance(5 * kSecond);
  CHECK(clock.now() == 6000);
  CHECK(clock.monoNow() == MonoTime(6000));
  clock.setWall(100);  // an NTP step backwards
  CHECK(clock.now() == 100);
  CHECK(clock.monoNow() == MonoTime(6000));
}

TEST_CASE("a sleeper on a ManualClock wakes only when advance() passes its deadline") {
  ManualClock clock;
  std::atomic<bool> woke{false};
  std::thread sleeper([&] {
    clock.sleepFor(10 * kSecond);
    woke = true;
  });
  REQUIRE(clock.awaitWaiters(1));
  clock.advance(9 * kSecond);
  REQUIRE(clock.awaitWaiters(1));  // re-checked its deadline and waits again
  CHECK_FALSE(woke.load());
  clock.advance(1 * kSecond);
  sleeper.join();
  CHECK(woke.load());
}

TEST_CASE("a Wakeup waiter sees notifyAll before its deadline, and times out after it") {
  ManualClock clock;
  Wakeup wakeup(clock);
  bool flag = false;
  std::atomic<int> result{-1};
  std::thread waiter([&] {
    std::unique_lock lock(wakeup.mutex());
    result = wakeup.waitFor(lock, 5 * kSecond, [&] { return flag; }) ? 1 : 0;
  });
  REQUIRE(clock.awaitWaiters(1));
  {
    std::lock_guard lock(wakeup.mutex());
    flag = true;
  }
  wakeup.notifyAll();
  waiter.join();
  CHECK(result.load() == 1);

  flag = false;
  std::thread timesOut([&] {
    std::unique_lock lock(wakeup.mutex());
    result = wakeup.waitFor(lock, 5 * kSecond, [&] { return flag; }) ? 1 : 0;
  });
  REQUIRE(clock.awaitWaiters(1));
  clock.advance(5 * kSecond);
  timesOut.join();
  CHECK(result.load() == 0);
}

TEST_CASE("SystemClock waits on real time and returns at once for a passed deadline") {
  nova::SystemClock clock;
  Wakeup wakeup(clock);
  std::unique_lock lock(wakeup.mutex());
  const MonoTime before = clock.monoNow();
  CHECK_FALSE(wakeup.waitUntil(lock, before - 1, [] { return false; }));
  CHECK(wakeup.waitFor(lock, 10 * kSecond, [] { return true; }));
}
