// Phase bounds inside long waits: a snapshot that never finishes, a hanging deploy hook and
// the monitoring window each stop at their bound (exit 6, resumable), not at their own
// longer timeouts or the next poll. The engine runs against the fake API server on a
// ManualClock the driver moves; hooks are real processes.
#include <doctest/doctest.h>

#include "clock_driver.h"
#include "kube_seed.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/rollout/engine.h"

namespace nova::rollout {
namespace {

constexpr TimestampMs kThursday0200 = 1'796'263'200'000;  // 2026-12-03T02:00:00Z

constexpr std::string_view kIngress = test::kSeedIngress;
constexpr std::string_view kBlue = test::kSeedBlue;

struct Bounded {
  Bounded() {
    fake_kube::Options options;
    options.clock = &clock;
    auto started = fake_kube::FakeKube::start(options);
    REQUIRE(started.ok());
    api = std::move(*started);
    REQUIRE(api->seed(kIngress).ok());
    REQUIRE(api->seed(kBlue).ok());
    config.switchSpec.type = "kubernetes-ingress";
    config.switchSpec.settings = {{"server", api->url()},
                                  {"namespace", "production"},
                                  {"ingress", "api-ingress"},
                                  {"blue_service", "user-service-blue"},
                                  {"green_service", "user-service-green"},
                                  {"attempts", "1"}};
    config.deploy.hook.argv = {"true"};
    config.smoke.health = false;
    config.smoke.metrics = false;
    config.blue.ns = "production";
    config.blue.deployment = "user-service-blue";
    config.reportDir = "/nonexistent";
    auto made = makeTrafficObject(config.switchSpec, config.blue, clock, random);
    REQUIRE(made.ok());
    traffic = std::move(*made);
  }

  EngineResult run(DurationMs timeout = 0) {
    StopSource stop(clock);
    HookRunner hooks(stop);
    http::Client client;
    auto window = Window::create(WindowConfig{});
    REQUIRE(window.ok());
    EngineParts parts{*traffic,
                      [](const std::string&) -> Result<std::string> {
                        return Error(ErrorCode::kRefused, "no flip back in this test");
                      },
                      client,
                      hooks,
                      stop,
                      clock,
                      *window};
    Engine engine(config, parts);
    EngineOptions options{"r1", "v1.2.4", "run-1", "ci", {}, {}, timeout};
    const MonoTime began = clock.monoNow();
    test::ClockDriver driver(clock, kSecond);
    EngineResult result = engine.run(options);
    took = clock.monoNow() - began;
    return result;
  }

  Phase recordedPhase() {
    auto read = traffic->read();
    REQUIRE(read.ok());
    REQUIRE(read->record);
    return read->record->phase;
  }

  ManualClock clock{kThursday0200};
  SequenceRandom random;
  std::unique_ptr<fake_kube::FakeKube> api;
  RolloutConfig config;
  std::unique_ptr<TrafficObject> traffic;
  DurationMs took = 0;
};

TEST_CASE("a snapshot that never finishes stops at the pre-flight bound, not its own timeout") {
  Bounded b;
  b.config.bounds.preflight = 2 * kMinute;
  SnapshotSpec snapshot;
  snapshot.start.argv = {"true"};
  snapshot.poll = CommandSpec{};
  snapshot.poll->argv = {"echo", "creating"};
  snapshot.interval = 15 * kSecond;
  snapshot.timeout = 10 * kMinute;
  b.config.snapshot = snapshot;
  const EngineResult result = b.run();
  INFO(result.message);
  CHECK(result.outcome == Outcome::kTimedOut);
  CHECK(exitCode(result.outcome) == 6);
  CHECK(result.traffic == TrafficSide::kBlue);
  CHECK(result.message ==
        "the bound of snapshot (2m) ran out in snapshot; stopped at a step boundary, resumable "
        "with the same --rollout-id; traffic is on blue");
  CHECK(b.took >= 2 * kMinute);
  CHECK(b.took < 2 * kMinute + 15 * kSecond);
  // Not ended: a re-run resumes the snapshot it started.
  CHECK(b.recordedPhase() == Phase::kSnapshot);
}

TEST_CASE("a deploy hook that hangs is cut at the green bound: exit 6, resumable") {
  Bounded b;
  b.config.bounds.green = kMinute;
  b.config.deploy.hook.argv = {"sleep", "3600"};
  b.config.deploy.hook.timeout = 10 * kMinute;
  const EngineResult result = b.run();
  INFO(result.message);
  CHECK(result.outcome == Outcome::kTimedOut);
  CHECK(result.message.rfind("the bound of deploy-green (15m) ran out", 0) != 0);
  CHECK(result.message.rfind("the bound of deploy-green (1m) ran out in deploy-green", 0) == 0);
  CHECK(b.took < kMinute + 15 * kSecond);
  CHECK(b.recordedPhase() == Phase::kDeployGreen);
}

TEST_CASE("the run's --timeout ends the monitoring wait at once, not at the next poll") {
  Bounded b;
  b.config.monitor.pollInterval = 2 * kMinute;
  b.config.bounds.monitor = 30 * kMinute;
  const EngineResult result = b.run(3 * kMinute);
  INFO(result.message);
  CHECK(result.outcome == Outcome::kTimedOut);
  CHECK(result.traffic == TrafficSide::kGreen);
  CHECK(result.message.find("traffic is on green") != std::string::npos);
  // The next poll would come at 4m. Simulated time also passes after the timeout, while the
  // engine writes its record and the lease renewer waits on the clock, and under a
  // sanitizer those writes take long enough for the driver to move it several steps.
  CHECK(b.took >= 3 * kMinute);
  CHECK(b.took < 3 * kMinute + 30 * kSecond);
  CHECK(b.recordedPhase() == Phase::kMonitor);
}

}  // namespace
}  // namespace nova::rollout
