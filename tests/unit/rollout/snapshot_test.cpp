// The snapshot hook with real commands standing in for the cloud API: a directory of files
// plays the snapshots, and the poll interval passes in simulated time.
#include "nova/rollout/snapshot.h"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "clock_driver.h"

namespace nova::rollout {
namespace {

const HookVariables kVars{{"NOVA_ROLLOUT_ID", "r-42"}, {"NOVA_VERSION", "v1.2.4"}};

// A fake snapshot API in a temp dir: `start` records the snapshot as creating; every poll
// counts, and the third says available.
struct Api {
  Api() {
    char pattern[] = "/tmp/nova-snapshot-XXXXXX";
    dir = mkdtemp(pattern);
  }
  ~Api() { std::filesystem::remove_all(dir); }

  CommandSpec start() const {
    CommandSpec spec;
    spec.shell = true;
    spec.shellLine = "echo creating > \"$API/$NOVA_SNAPSHOT_ID\"; echo started $NOVA_SNAPSHOT_ID";
    spec.env = {{"API", dir}};
    spec.timeout = kHour;
    return spec;
  }

  CommandSpec poll(int doneAfter, std::string finalWord = "available") const {
    CommandSpec spec;
    spec.shell = true;
    spec.shellLine =
        "n=$(cat \"$API/polls\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "
        "\"$API/polls\"; if [ $n -ge " +
        std::to_string(doneAfter) + " ]; then echo " + finalWord +
        "; else cat \"$API/$NOVA_SNAPSHOT_ID\" 2>/dev/null || echo missing; fi";
    spec.env = {{"API", dir}};
    spec.timeout = kHour;
    return spec;
  }

  bool started(const std::string& id) const { return std::filesystem::exists(dir + "/" + id); }

  std::string dir;
};

struct Fixture {
  ManualClock clock{1'000'000};
  StopSource stop{clock};
  HookRunner runner{stop};
  Api api;

  SnapshotSpec spec(int doneAfter) const {
    SnapshotSpec s;
    s.idTemplate = "nova-prod-pre-deploy-${NOVA_VERSION}-${NOVA_ROLLOUT_ID}";
    s.start = api.start();
    s.poll = api.poll(doneAfter);
    s.interval = 15 * kSecond;
    s.timeout = 10 * kMinute;
    return s;
  }

  Result<SnapshotOutcome> take(const SnapshotSpec& s, bool resume) {
    // Simulated time passes while the snapshot waits between polls, never while a hook runs.
    test::ClockDriver driver(clock, 15 * kSecond, std::numeric_limits<DurationMs>::max(),
                             [this] { return !runner.running(); });
    return takeSnapshot(runner, stop, s, kVars, resume);
  }
};

TEST_CASE("the snapshot id is deterministic and safe for cloud APIs") {
  CHECK(*snapshotId("nova-prod-pre-deploy-${NOVA_VERSION}-${NOVA_ROLLOUT_ID}", kVars) ==
        "nova-prod-pre-deploy-v1-2-4-r-42");
  CHECK(*snapshotId("${NOVA_VERSION}__${NOVA_ROLLOUT_ID}--", kVars) == "v1-2-4-r-42");
  CHECK(*snapshotId("1st ${NOVA_ROLLOUT_ID}", kVars) == "s-1st-r-42");
  const HookVariables longOnes{{"NOVA_VERSION", std::string(80, 'v')}, {"NOVA_ROLLOUT_ID", "a"}};
  const std::string a = *snapshotId("${NOVA_VERSION}-${NOVA_ROLLOUT_ID}", longOnes);
  const HookVariables other{{"NOVA_VERSION", std::string(80, 'v')}, {"NOVA_ROLLOUT_ID", "b"}};
  const std::string b = *snapshotId("${NOVA_VERSION}-${NOVA_ROLLOUT_ID}", other);
  CHECK(a.size() == 63);
  CHECK(a != b);
  CHECK(a == *snapshotId("${NOVA_VERSION}-${NOVA_ROLLOUT_ID}", longOnes));
  CHECK(snapshotId("${NOVA_RELEASE}", kVars).error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("start, then poll every interval until the snapshot is available") {
  Fixture f;
  auto outcome = f.take(f.spec(3), false);
  REQUIRE_MESSAGE(outcome.ok(), (outcome.ok() ? "" : outcome.error().message));
  CHECK(outcome->id == "nova-prod-pre-deploy-v1-2-4-r-42");
  CHECK_FALSE(outcome->alreadyDone);
  CHECK(outcome->polls == 3);
  CHECK(f.api.started(outcome->id));
  // Two intervals between three polls; the commands themselves took no simulated time.
  CHECK(outcome->elapsed == 30 * kSecond);
}

TEST_CASE("a resume finds the snapshot done and takes no second one") {
  Fixture f;
  auto outcome = f.take(f.spec(1), true);
  REQUIRE(outcome.ok());
  CHECK(outcome->alreadyDone);
  CHECK(outcome->polls == 1);
  CHECK_FALSE(f.api.started(outcome->id));
}

TEST_CASE("a resume whose start fails because the snapshot exists is judged by the polls") {
  Fixture f;
  SnapshotSpec s = f.spec(2);
  s.start.shellLine = "echo 'DBSnapshotAlreadyExists' >&2; exit 254";
  auto outcome = f.take(s, true);
  REQUIRE_MESSAGE(outcome.ok(), (outcome.ok() ? "" : outcome.error().message));
  CHECK(outcome->polls == 2);
  // Without resume the same failure is final.
  Fixture g;
  auto fresh = g.take(s, false);
  REQUIRE_FALSE(fresh.ok());
  CHECK(fresh.error().code == ErrorCode::kRefused);
  CHECK(fresh.error().message ==
        "snapshot nova-prod-pre-deploy-v1-2-4-r-42: start: echo 'DBSnapshotAlreadyExists' >&2; "
        "exit 254: exit code 254, expected 0; output: DBSnapshotAlreadyExists");
}

TEST_CASE("a failed snapshot, a snapshot past its bound, and a stop request end with codes") {
  Fixture failed;
  SnapshotSpec s = failed.spec(2);
  s.poll = failed.api.poll(2, "failed");
  auto outcome = failed.take(s, false);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == ErrorCode::kRefused);
  CHECK(outcome.error().message.starts_with("snapshot nova-prod-pre-deploy-v1-2-4-r-42: failed: "));

  Fixture slow;
  SnapshotSpec never = slow.spec(1000);
  never.timeout = kMinute;
  auto late = slow.take(never, false);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code == ErrorCode::kTimeout);
  CHECK(late.error().message.starts_with(
      "snapshot nova-prod-pre-deploy-v1-2-4-r-42: not done within 1m; last: "));
  CHECK(late.error().message.ends_with("said: creating\n"));

  Fixture stopped;
  stopped.stop.requestStop("SIGINT");
  auto cancelled = stopped.take(stopped.spec(3), false);
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error().code == ErrorCode::kUnavailable);
}

TEST_CASE("without a poll command the start command alone takes the snapshot") {
  Fixture f;
  SnapshotSpec s = f.spec(1);
  s.poll.reset();
  auto outcome = f.take(s, false);
  REQUIRE(outcome.ok());
  CHECK(outcome->polls == 0);
  CHECK(f.api.started(outcome->id));
}

}  // namespace
}  // namespace nova::rollout
