#include "nova/rollout/lease.h"

#include <doctest/doctest.h>

#include "nova/core/clock.h"

namespace nova::rollout {
namespace {

constexpr TimestampMs kWall = 1'796'263'200'000;  // 2026-12-03T02:00:00Z

LeaseRequest requestFor(std::string id, std::string instance) {
  LeaseRequest request;
  request.rolloutId = std::move(id);
  request.instance = std::move(instance);
  request.who = "github:alice";
  request.duration = 30 * kSecond;
  return request;
}

Record recordIn(std::string id, Phase phase) {
  Record r;
  r.rolloutId = std::move(id);
  r.version = "v1.2.4";
  r.phase = phase;
  return r;
}

// A clock for both times: the observer's monotonic clock and the wall clock leases carry.
struct Fixture {
  ManualClock clock{kWall};
  std::optional<LeaseObservation> seen;

  LeaseDecision decide(const std::optional<Lease>& read, const std::optional<Record>& record,
                       const LeaseRequest& request) {
    seen = observeLease(seen, read, clock.monoNow());
    return decideLease(*seen, record, request, clock.monoNow());
  }
};

TEST_CASE("a free object is acquired; the holder renews its own lease") {
  Fixture f;
  const LeaseRequest request = requestFor("r-1", "runner/1");
  const LeaseDecision first = f.decide(std::nullopt, std::nullopt, request);
  CHECK(first.kind == LeaseDecision::Kind::kAcquire);
  CHECK_FALSE(first.resume);
  const Lease lease = acquireLease(request, std::nullopt, f.clock.now());
  CHECK(lease.holder == "r-1");
  CHECK(lease.acquiredAt == kWall);
  CHECK(lease.transitions == 0);
  f.clock.advance(10 * kSecond);
  CHECK(f.decide(lease, std::nullopt, request).kind == LeaseDecision::Kind::kRenew);
  const Lease renewed = renewLease(lease, f.clock.now());
  CHECK(renewed.renewedAt == kWall + 10 * kSecond);
  CHECK(renewed.acquiredAt == kWall);
  CHECK(renewInterval(renewed) == 10 * kSecond);
}

TEST_CASE("another rollout is refused with who holds it, since when, in which phase") {
  Fixture f;
  const Lease held = acquireLease(requestFor("r-1", "runner/1"), std::nullopt, kWall);
  const LeaseDecision d =
      f.decide(held, recordIn("r-1", Phase::kMonitor), requestFor("r-2", "runner/2"));
  CHECK(d.kind == LeaseDecision::Kind::kRefuse);
  CHECK(d.code == ErrorCode::kRefused);
  CHECK(d.message ==
        "rollout r-1 holds the lease since 2026-12-03T02:00:00Z (run runner/1 by github:alice, "
        "last renewed 2026-12-03T02:00:00Z), in phase monitor; wait for it to finish, or stop "
        "it first");
}

TEST_CASE("expiry counts from the last renewal this run observed, not the holder's clock") {
  Fixture f;
  Lease held = acquireLease(requestFor("r-1", "runner/1"), std::nullopt, kWall - 3'600'000);
  // The lease's own timestamps say an hour ago; this run has only just seen it.
  const LeaseRequest other = requestFor("r-2", "runner/2");
  CHECK(f.decide(held, std::nullopt, other).kind == LeaseDecision::Kind::kRefuse);
  f.clock.advance(20 * kSecond);
  held = renewLease(held, kWall - 3'500'000);  // renewed: a changed lease restarts the count
  CHECK(f.decide(held, std::nullopt, other).kind == LeaseDecision::Kind::kRefuse);
  f.clock.advance(29 * kSecond);
  CHECK(f.decide(held, std::nullopt, other).kind == LeaseDecision::Kind::kRefuse);
  f.clock.advance(1 * kSecond);
  CHECK(leaseExpired(*f.seen, f.clock.monoNow()));
  const LeaseDecision free = f.decide(held, recordIn("r-1", Phase::kDone), other);
  CHECK(free.kind == LeaseDecision::Kind::kAcquire);
  CHECK(acquireLease(other, held, f.clock.now()).transitions == 1);
  // A wall-clock step does not expire anything.
  Fixture g;
  CHECK(g.decide(held, std::nullopt, other).kind == LeaseDecision::Kind::kRefuse);
  g.clock.setWall(kWall + 86'400'000);
  CHECK(g.decide(held, std::nullopt, other).kind == LeaseDecision::Kind::kRefuse);
}

TEST_CASE("the same rollout id resumes; a live run of it is waited out first") {
  Fixture f;
  const Lease held = acquireLease(requestFor("r-1", "runner/1"), std::nullopt, kWall);
  const LeaseRequest again = requestFor("r-1", "runner/2");
  const LeaseDecision wait = f.decide(held, recordIn("r-1", Phase::kDeployGreen), again);
  CHECK(wait.kind == LeaseDecision::Kind::kWait);
  CHECK(wait.waitUntil == f.clock.monoNow() + 30 * kSecond);
  CHECK(wait.message ==
        "another run of rollout r-1 (runner/1) held the lease at its last renewal; waiting "
        "until it expires");
  f.clock.advance(30 * kSecond);
  const LeaseDecision resume = f.decide(held, recordIn("r-1", Phase::kDeployGreen), again);
  CHECK(resume.kind == LeaseDecision::Kind::kAcquire);
  CHECK(resume.resume);
  // With the lease released, the same id resumes at once.
  Fixture g;
  CHECK(g.decide(std::nullopt, recordIn("r-1", Phase::kNeedsPerson), again).resume);
}

TEST_CASE("an expired lease over an unfinished record is taken over only by --take-over") {
  Fixture f;
  const Lease stale = acquireLease(requestFor("r-1", "runner/1"), std::nullopt, kWall);
  f.decide(stale, recordIn("r-1", Phase::kMonitor), requestFor("r-2", "runner/2"));
  f.clock.advance(31 * kSecond);
  const LeaseDecision refused =
      f.decide(stale, recordIn("r-1", Phase::kMonitor), requestFor("r-2", "runner/2"));
  CHECK(refused.kind == LeaseDecision::Kind::kRefuse);
  CHECK(refused.code == ErrorCode::kRefused);
  CHECK(refused.message ==
        "rollout r-1 is unfinished in phase monitor and its lease has expired; resume it with "
        "--rollout-id r-1, or take over with --take-over r-1");
  LeaseRequest takeOver = requestFor("r-2", "runner/2");
  takeOver.takeOver = "r-1";
  const LeaseDecision taken = f.decide(stale, recordIn("r-1", Phase::kMonitor), takeOver);
  CHECK(taken.kind == LeaseDecision::Kind::kAcquire);
  CHECK(taken.takeOver);
  CHECK_FALSE(taken.resume);
  // A released lease over an unfinished record is the same case.
  Fixture g;
  CHECK(g.decide(std::nullopt, recordIn("r-1", Phase::kParked), requestFor("r-2", "x")).kind ==
        LeaseDecision::Kind::kRefuse);
}

TEST_CASE("--take-over of a live lease waits until it is seen expiring") {
  Fixture f;
  Lease live = acquireLease(requestFor("r-1", "runner/1"), std::nullopt, kWall);
  LeaseRequest takeOver = requestFor("r-2", "runner/2");
  takeOver.takeOver = "r-1";
  const LeaseDecision wait = f.decide(live, recordIn("r-1", Phase::kMonitor), takeOver);
  CHECK(wait.kind == LeaseDecision::Kind::kWait);
  CHECK(wait.message.ends_with("; --take-over waits until the lease expires"));
  // The holder renews: alive, so still waiting.
  f.clock.advance(20 * kSecond);
  live = renewLease(live, f.clock.now());
  CHECK(f.decide(live, recordIn("r-1", Phase::kMonitor), takeOver).kind ==
        LeaseDecision::Kind::kWait);
}

TEST_CASE("--take-over naming anything but the unfinished rollout is a usage error") {
  Fixture f;
  LeaseRequest wrong = requestFor("r-3", "runner/3");
  wrong.takeOver = "r-9";
  const LeaseDecision d = f.decide(std::nullopt, recordIn("r-1", Phase::kMonitor), wrong);
  CHECK(d.kind == LeaseDecision::Kind::kRefuse);
  CHECK(d.code == ErrorCode::kInvalidInput);
  CHECK(d.message == "--take-over r-9: the lease and record belong to rollout r-1");
  CHECK(f.decide(std::nullopt, recordIn("r-1", Phase::kDone), wrong).message ==
        "--take-over r-9: no unfinished rollout holds the traffic object");
  LeaseRequest self = requestFor("r-1", "runner/3");
  self.takeOver = "r-1";
  CHECK(f.decide(std::nullopt, recordIn("r-1", Phase::kMonitor), self).code ==
        ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace nova::rollout
