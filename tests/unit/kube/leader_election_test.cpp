// The leader-election state machine on a ManualClock: acquire, renew, takeover only after
// expiry as this process observed it, conflicts, stepping down before the lease expires for
// the others, and clock skew.
#include "nova/kube/leader_election.h"

#include <doctest/doctest.h>

#include "nova/core/clock.h"

namespace nova::kube {
namespace {

constexpr TimestampMs kWall = 1764218376000;

// A server-side Lease that answers writes with a new resourceVersion, as the API server.
struct ServerLease {
  std::optional<LeaseObject> object;
  int version = 0;

  // The write applied if its precondition holds; nullopt is a 409.
  std::optional<LeaseObject> apply(const LeaseWrite& w) {
    if (w.kind == LeaseWrite::Kind::kCreate
            ? object.has_value()
            : !object || object->resourceVersion != w.resourceVersion) {
      return std::nullopt;
    }
    object = LeaseObject{w.record, std::to_string(++version)};
    return object;
  }
};

// One full round of `e` against `server` at the clock's times.
bool round(LeaderElection& e, ServerLease& server, const ManualClock& clock) {
  auto write = e.observed(server.object, clock.monoNow(), clock.now());
  if (!write) {
    return false;
  }
  if (auto answer = server.apply(*write)) {
    e.written(*answer, clock.monoNow());
    return true;
  }
  e.failed("409 Conflict", clock.monoNow());
  return false;
}

std::vector<LeadershipChange::Kind> kinds(LeaderElection& e) {
  std::vector<LeadershipChange::Kind> out;
  for (const auto& c : e.takeChanges()) {
    out.push_back(c.kind);
  }
  return out;
}

using K = LeadershipChange::Kind;

}  // namespace

TEST_CASE("leader election: timings follow client-go's rule") {
  CHECK(checkTimings({}));
  CHECK(checkTimings({15 * kSecond, 10 * kSecond, 2 * kSecond}));
  auto equal = checkTimings({10 * kSecond, 10 * kSecond, 2 * kSecond});
  REQUIRE_FALSE(equal);
  CHECK(equal.error().code == ErrorCode::kInvalidInput);
  CHECK(equal.error().message ==
        "lease_duration must be more than renew_deadline (10000 ms vs 10000 ms)");
  CHECK_FALSE(checkTimings({15 * kSecond, 2400, 2 * kSecond}));
  CHECK(checkTimings({15 * kSecond, 2401, 2 * kSecond}));
  CHECK_FALSE(checkTimings({15 * kSecond, 10 * kSecond, 0}));
}

TEST_CASE("leader election: the first candidate creates the lease and renews it") {
  ManualClock clock(kWall);
  ServerLease server;
  LeaderElection a("agent-a", {});
  auto write = a.observed(std::nullopt, clock.monoNow(), clock.now());
  REQUIRE(write);
  CHECK(write->kind == LeaseWrite::Kind::kCreate);
  CHECK(write->purpose == "acquire");
  CHECK(write->record.holderIdentity == "agent-a");
  CHECK(write->record.leaseDurationSeconds == 15);
  CHECK(write->record.leaseTransitions == 0);
  CHECK(write->record.acquireTime == kWall);
  auto answer = server.apply(*write);
  REQUIRE(answer);
  a.written(*answer, clock.monoNow());
  CHECK(a.leading(clock.monoNow()));
  CHECK(kinds(a) == std::vector{K::kAcquired});
  CHECK(a.view().since == kWall);

  clock.advance(2 * kSecond);
  write = a.observed(server.object, clock.monoNow(), clock.now());
  REQUIRE(write);
  CHECK(write->purpose == "renew");
  CHECK(write->resourceVersion == "1");
  CHECK(write->record.acquireTime == kWall);  // kept while the same holder renews
  CHECK(write->record.renewTime == kWall + 2 * kSecond);
  a.written(*server.apply(*write), clock.monoNow());
  CHECK(kinds(a).empty());  // a renewal is no change
  CHECK(a.view().lastRenew == kWall + 2 * kSecond);
  CHECK(a.view().transitions == 0);
}

TEST_CASE("leader election: another candidate waits a whole lease after it last saw a change") {
  ManualClock clock(kWall);
  ServerLease server;
  LeaderElection a("agent-a", {});
  LeaderElection b("agent-b", {});
  REQUIRE(round(a, server, clock));
  CHECK_FALSE(round(b, server, clock));
  CHECK(kinds(b) == std::vector{K::kObserved});
  CHECK(b.view().holder == "agent-a");
  CHECK_FALSE(b.leading(clock.monoNow()));
  // a renews every 2 s: b never takes over.
  for (int i = 0; i < 20; ++i) {
    clock.advance(2 * kSecond);
    REQUIRE(round(a, server, clock));
    CHECK_FALSE(round(b, server, clock));
  }
  CHECK(kinds(b).empty());
  CHECK(kinds(a) == std::vector{K::kAcquired});
  // a dies. b saw the last renewal now: it waits 15 s from here, not from renewTime.
  const MonoTime lastSeen = clock.monoNow();
  clock.advance(14 * kSecond + 999);
  CHECK_FALSE(round(b, server, clock));
  clock.advance(1);
  CHECK(clock.monoNow() - lastSeen == 15 * kSecond);
  auto write = b.observed(server.object, clock.monoNow(), clock.now());
  REQUIRE(write);
  CHECK(write->purpose == "takeover");
  CHECK(write->record.leaseTransitions == 1);
  CHECK(write->record.acquireTime == clock.now());
  b.written(*server.apply(*write), clock.monoNow());
  CHECK(b.leading(clock.monoNow()));
  CHECK(kinds(b) == std::vector{K::kAcquired});
  CHECK(b.view().transitions == 1);
  // a comes back: it sees b's record, it does not lead and does not write.
  CHECK_FALSE(round(a, server, clock));
  CHECK_FALSE(a.leading(clock.monoNow()));
  CHECK(kinds(a) == std::vector{K::kLost, K::kObserved});
}

TEST_CASE("leader election: two candidates write the expired lease at once; the second gets 409") {
  ManualClock clock(kWall);
  ServerLease server;
  LeaderElection dead("agent-dead", {});
  REQUIRE(round(dead, server, clock));
  LeaderElection b("agent-b", {});
  LeaderElection c("agent-c", {});
  CHECK_FALSE(b.observed(server.object, clock.monoNow(), clock.now()));
  CHECK_FALSE(c.observed(server.object, clock.monoNow(), clock.now()));
  clock.advance(15 * kSecond);
  auto wb = b.observed(server.object, clock.monoNow(), clock.now());
  auto wc = c.observed(server.object, clock.monoNow(), clock.now());
  REQUIRE(wb);
  REQUIRE(wc);
  CHECK(wb->resourceVersion == wc->resourceVersion);
  b.written(*server.apply(*wb), clock.monoNow());
  CHECK_FALSE(server.apply(*wc));
  c.failed("409 Conflict: the object has been modified", clock.monoNow());
  CHECK(b.leading(clock.monoNow()));
  CHECK_FALSE(c.leading(clock.monoNow()));
  CHECK(c.view().error == "409 Conflict: the object has been modified");
  // c reads b's new record: a change, observed now, so it waits a whole lease again.
  CHECK_FALSE(round(c, server, clock));
  CHECK(c.view().holder == "agent-b");
  CHECK(c.view().error.empty());  // the round read the Lease: nothing failed
}

TEST_CASE("leader election: a leader that cannot renew steps down before others may take over") {
  ManualClock clock(kWall);
  ServerLease server;
  LeaderElection a("agent-a", {});
  LeaderElection b("agent-b", {});
  REQUIRE(round(a, server, clock));
  CHECK_FALSE(round(b, server, clock));  // b observes a's record now
  kinds(a);
  // The API server stops answering a (a partition): every round fails.
  for (int i = 1; i <= 4; ++i) {
    clock.advance(2 * kSecond);
    a.failed("timeout", clock.monoNow());
    CHECK(a.leading(clock.monoNow()));
  }
  clock.advance(kSecond);  // 9 s after the renewal
  CHECK(a.leading(clock.monoNow()));
  REQUIRE(a.deadline());
  CHECK(*a.deadline() - clock.monoNow() == kSecond);
  clock.advance(kSecond);  // 10 s: the gate closes on its own, before expire() runs
  CHECK_FALSE(a.leading(clock.monoNow()));
  a.failed("timeout", clock.monoNow());
  CHECK(kinds(a) == std::vector{K::kLost});
  CHECK_FALSE(a.deadline());
  // b may take over only at 15 s: 5 s with no leader, never two.
  CHECK_FALSE(round(b, server, clock));
  clock.advance(5 * kSecond);
  CHECK(round(b, server, clock));
  CHECK(b.leading(clock.monoNow()));
}

TEST_CASE("leader election: a renewal that lands late is timed from when it was sent") {
  ManualClock clock(kWall);
  ServerLease server;
  LeaderElection a("agent-a", {});
  REQUIRE(round(a, server, clock));
  clock.advance(2 * kSecond);
  auto write = a.observed(server.object, clock.monoNow(), clock.now());
  REQUIRE(write);
  const MonoTime sent = clock.monoNow();
  auto answer = server.apply(*write);
  clock.advance(4 * kSecond);  // the answer takes 4 s
  a.written(*answer, sent);
  REQUIRE(a.deadline());
  CHECK(*a.deadline() == sent + 10 * kSecond);
}

TEST_CASE("leader election: expiry uses this process's clock, never the holder's renewTime") {
  ManualClock clock(kWall);
  ServerLease server;
  // The holder's clock runs an hour behind: its renewTime is an hour old for us.
  LeaseObject stale{{"agent-skewed", 15, kWall - kHour, kWall - kHour, 3}, "41"};
  server.object = stale;
  server.version = 41;
  LeaderElection b("agent-b", {});
  CHECK_FALSE(b.observed(server.object, clock.monoNow(), clock.now()));
  clock.advance(14 * kSecond);
  CHECK_FALSE(b.observed(server.object, clock.monoNow(), clock.now()));
  // The holder renews (its renewTime still an hour behind): b's wait starts over.
  server.object->record.renewTime = kWall - kHour + 14 * kSecond;
  server.object->resourceVersion = "42";
  clock.advance(2 * kSecond);
  CHECK_FALSE(b.observed(server.object, clock.monoNow(), clock.now()));
  clock.advance(14 * kSecond);
  CHECK_FALSE(b.observed(server.object, clock.monoNow(), clock.now()));
  // And a renewTime far in the future changes nothing either once it stops changing.
  server.object->record.renewTime = kWall + kHour;
  CHECK_FALSE(b.observed(server.object, clock.monoNow(), clock.now()));
  clock.advance(15 * kSecond);
  auto write = b.observed(server.object, clock.monoNow(), clock.now());
  REQUIRE(write);
  CHECK(write->purpose == "takeover");
  CHECK(write->record.leaseTransitions == 4);
  // A wall-clock step (NTP) moves nothing: the wait is monotonic.
  LeaderElection c("agent-c", {});
  CHECK_FALSE(c.observed(server.object, clock.monoNow(), clock.now()));
  clock.setWall(kWall + 10 * kHour);
  CHECK_FALSE(c.observed(server.object, clock.monoNow(), clock.now()));
}

TEST_CASE("leader election: a released lease is taken at once; release stops leading first") {
  ManualClock clock(kWall);
  ServerLease server;
  LeaderElection a("agent-a", {});
  LeaderElection b("agent-b", {});
  REQUIRE(round(a, server, clock));
  CHECK_FALSE(round(b, server, clock));
  kinds(a);
  auto release = a.release(clock.now());
  REQUIRE(release);
  CHECK_FALSE(a.leading(clock.monoNow()));
  CHECK(kinds(a) == std::vector{K::kLost});
  CHECK(release->purpose == "release");
  CHECK(release->record.holderIdentity.empty());
  CHECK(release->record.leaseDurationSeconds == 1);
  a.written(*server.apply(*release), clock.monoNow());
  CHECK_FALSE(a.leading(clock.monoNow()));
  CHECK_FALSE(a.release(clock.now()));
  auto write = b.observed(server.object, clock.monoNow(), clock.now());
  REQUIRE(write);
  CHECK(write->purpose == "acquire");
  CHECK(write->record.leaseTransitions == 1);
}

TEST_CASE("leader election: the same identity after a restart renews its own lease") {
  ManualClock clock(kWall);
  ServerLease server;
  {
    LeaderElection before("agent-a", {});
    REQUIRE(round(before, server, clock));
  }
  clock.advance(3 * kSecond);
  LeaderElection after("agent-a", {});
  auto write = after.observed(server.object, clock.monoNow(), clock.now());
  REQUIRE(write);
  CHECK(write->purpose == "renew");
  CHECK(write->record.acquireTime == kWall);
  CHECK(write->record.leaseTransitions == 0);
}

}  // namespace nova::kube
