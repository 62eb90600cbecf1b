// The rollout's notifications: which events the team hears about, and their delivery
// through the agent's real Slack receiver to a recording stand-in for Slack's incoming
// webhook (which answers 200 "ok", /work/shared/specs/slack.md). A second run over the same
// state directory posts nothing twice.
#include "nova/rollout/rollout_notify.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "fake_slack.h"
#include "nova/core/clock.h"
#include "nova/core/random.h"

namespace nova::rollout {
namespace {

using test::FakeSlack;
using test::StateDir;

constexpr TimestampMs kAt = 1'796'263'200'000;  // 2026-12-03T02:00:00Z

EngineEvent ev(std::string phase, std::string step, std::string result, std::string detail = "") {
  return EngineEvent{kAt, std::move(phase), std::move(step), std::move(result), std::move(detail)};
}

// The events of one rollout that the team hears about, and some it does not.
std::vector<EngineEvent> runEvents() {
  return {ev("pre-flight", "window", "ok",
             "outside the window (Friday), overridden: hotfix for the login outage"),
          ev("pre-flight", "start", "info", "rollout r-1 of v1.2.4 starts with pre-flight"),
          ev("pre-flight", "blue-ready", "ok", "3 ready"),
          ev("switch", "switch", "ok", "ingress production/api-ingress: -> green"),
          ev("monitor", "monitor", "info", "monitoring until 02:30"),
          ev("done", "end", "succeeded", "blue scaled to 0")};
}

// The notification's kind name, "" for none.
std::string kindFor(const EngineEvent& e) {
  auto n = rolloutNotification(e, "r-1", "v1.2.4", "");
  return n ? std::string(notify::toString(n->kind)) : std::string();
}

TEST_CASE("the team hears of the start, an override, the switch and each end") {
  const auto events = runEvents();
  CHECK(kindFor(events[0]) == "rollout_window_override");
  CHECK(kindFor(events[1]) == "rollout_started");
  CHECK(kindFor(events[2]).empty());
  CHECK(kindFor(events[3]) == "rollout_switched");
  CHECK(kindFor(events[4]).empty());
  CHECK(kindFor(events[5]) == "rollout_succeeded");
  CHECK(kindFor(ev("smoke", "end", "failed_before_switch")) == "rollout_failed_before_switch");
  CHECK(kindFor(ev("monitor", "end", "rolled_back")) == "rollout_rolled_back");
  CHECK(kindFor(ev("monitor", "end", "needs_person")) == "rollout_needs_person");
  // A time-out, a stop or a refusal is no news for the channel.
  CHECK(kindFor(ev("monitor", "end", "timed_out")).empty());
  CHECK(kindFor(ev("monitor", "end", "interrupted")).empty());
  CHECK(kindFor(ev("pre-flight", "window", "ok", "inside the deployment window")).empty());
  // A failed switch step is not a switch.
  CHECK(kindFor(ev("switch", "switch", "failed")).empty());

  const auto n = rolloutNotification(events[0], "r-1", "v1.2.4", "http://agent:9464/status");
  REQUIRE(n);
  CHECK(n->incidentId == "r-1:window_override");
  CHECK(n->reason ==
        "rollout r-1 of v1.2.4: outside the window (Friday), overridden: hotfix for the login "
        "outage");
  CHECK(n->statusUrl == "http://agent:9464/status");
  CHECK(toString(n->severity) == toString(Severity::kNone));
  CHECK(toString(
            rolloutNotification(ev("monitor", "end", "needs_person"), "r-1", "v", "")->severity) ==
        toString(Severity::kHigh));
}

NotifyCounts runOnce(const std::vector<NotifierSpec>& specs, const StateDir& dir,
                     const Clock& clock) {
  SequenceRandom random;
  auto notifier = RolloutNotifier::create(specs, dir.path.string(), clock, random);
  REQUIRE(notifier.ok());
  for (const auto& e : runEvents()) {
    (*notifier)->onEvent(e, "r-1", "v1.2.4", "");
  }
  return (*notifier)->finish(10 * kSecond);
}

TEST_CASE("Slack gets each notification once, also when the run is repeated") {
  FakeSlack slack;
  StateDir dir;
  ManualClock clock(kAt);
  const std::vector<NotifierSpec> specs{
      {"slack", {{"name", "deploys"}, {"webhook_url", slack.url()}, {"min_interval", "0s"}}}};
  const NotifyCounts first = runOnce(specs, dir, clock);
  CHECK(first.delivered == 4);
  CHECK(first.failed == 0);
  CHECK(first.pending == 0);
  const auto posted = slack.posted();
  REQUIRE(posted.size() == 4);
  std::string all;
  for (const auto& body : posted) {
    all += body;
  }
  CHECK(all.find("Rollout outside the deployment window") != std::string::npos);
  CHECK(all.find("hotfix for the login outage") != std::string::npos);
  CHECK(all.find("Traffic switched to green") != std::string::npos);
  CHECK(all.find("Rollout succeeded, blue scaled down") != std::string::npos);

  // A resumed run emits the same events: nothing is posted again.
  const NotifyCounts second = runOnce(specs, dir, clock);
  CHECK(slack.posted().size() == 4);
  CHECK(second.delivered == 0);
  CHECK(second.duplicates == 4);
}

TEST_CASE("a receiver that cannot be reached is counted, never thrown") {
  StateDir dir;
  ManualClock clock(kAt);
  const std::vector<NotifierSpec> specs{
      {"webhook",
       {{"url", "http://127.0.0.1:1/hook"}, {"max_attempts", "1"}, {"min_interval", "0s"}}}};
  const NotifyCounts counts = runOnce(specs, dir, clock);
  CHECK(counts.delivered == 0);
  CHECK(counts.failed == 4);
}

TEST_CASE("bad notifier settings are refused before anything runs") {
  StateDir dir;
  ManualClock clock(kAt);
  SequenceRandom random;
  auto made = RolloutNotifier::create({{"slack", {{"webhook_url", "not a url"}}}},
                                      dir.path.string(), clock, random);
  REQUIRE_FALSE(made.ok());
  CHECK(made.error().code == ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace nova::rollout
