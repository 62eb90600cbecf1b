#include <doctest/doctest.h>

#include <optional>
#include <thread>

#include "nova/daemon/actions.h"

namespace nova::daemon {
namespace {

watch::NotifyAction note(std::string incident, bool urgent = false) {
  notify::Notification n;
  n.incidentId = std::move(incident);
  return {n, urgent};
}

}  // namespace

TEST_CASE("the rollback goes first; a full queue refuses notifications unless urgent") {
  ManualClock clock;
  ActionQueue queue(2, clock);
  CHECK(queue.push(note("a")));
  CHECK(queue.push(note("b")));
  CHECK_FALSE(queue.push(note("c")));
  CHECK(queue.push(note("d", /*urgent=*/true)));
  CHECK(queue.push(watch::RollbackAction{{"0-1", "why", "agent", 5}, 1}));
  CHECK_FALSE(queue.push(watch::RollbackAction{{"0-1", "again", "agent", 6}, 2}));
  CHECK(queue.dropped() == 1);
  CHECK(queue.size() == 4);
  auto first = queue.tryPop();
  REQUIRE(first);
  REQUIRE(std::holds_alternative<watch::RollbackAction>(*first));
  CHECK(std::get<watch::RollbackAction>(*first).request.reason == "why");
  CHECK(std::get<watch::NotifyAction>(*queue.tryPop()).notification.incidentId == "a");
}

TEST_CASE("the waiting notifications can be taken at once; the rollback keeps its slot") {
  ManualClock clock;
  ActionQueue queue(4, clock);
  CHECK(queue.push(note("a")));
  CHECK(queue.push(watch::RollbackAction{{"0-1", "why", "agent", 5}, 1}));
  CHECK(queue.push(note("b")));
  const auto taken = queue.takeNotifications();
  REQUIRE(taken.size() == 2);
  CHECK(taken[0].notification.incidentId == "a");
  CHECK(taken[1].notification.incidentId == "b");
  CHECK(queue.size() == 1);
  auto rest = queue.tryPop();
  REQUIRE(rest);
  CHECK(std::holds_alternative<watch::RollbackAction>(*rest));
  CHECK(queue.takeNotifications().empty());
}

TEST_CASE("pop waits on the clock: a push wakes it, a timeout passes in simulated time") {
  ManualClock clock;
  ActionQueue queue(4, clock);
  std::optional<ActionItem> got;
  bool returned = false;
  std::thread worker([&] {
    got = queue.pop(200);
    returned = true;
  });
  REQUIRE(clock.awaitWaiters(1));
  clock.advance(199);
  REQUIRE(clock.awaitWaiters(1));  // still waiting
  clock.advance(1);
  worker.join();
  CHECK(returned);
  CHECK_FALSE(got.has_value());

  std::thread woken([&] { got = queue.pop(kHour); });
  REQUIRE(clock.awaitWaiters(1));
  CHECK(queue.push(note("x")));
  woken.join();
  REQUIRE(got.has_value());
  CHECK(std::get<watch::NotifyAction>(*got).notification.incidentId == "x");
}

TEST_CASE("a closed queue drains what is left, then answers at once") {
  ManualClock clock;
  ActionQueue queue(4, clock);
  CHECK(queue.push(note("left")));
  queue.close();
  CHECK_FALSE(queue.push(note("late")));
  CHECK(queue.pop(kHour).has_value());
  CHECK_FALSE(queue.pop(kHour).has_value());  // no wait: closed and empty
}

}  // namespace nova::daemon
