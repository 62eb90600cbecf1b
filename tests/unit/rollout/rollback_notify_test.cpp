// What the team hears of `novactl rollback`: each option's notifications with their dedup
// keys, delivered through the agent's real webhook receiver (as `novactl rollback` wires
// it: the rollout's notifier, its ledger and outbox in one folder) to a recording endpoint;
// runs stopped and run again, dry runs and a receiver that cannot be reached.
#include "nova/rollout/rollback_notify.h"

#include <doctest/doctest.h>

#include "fake_slack.h"
#include "nova/rollout/rollout_notify.h"
#include "rollback_fixture.h"

namespace nova::rollout {
namespace {

using namespace rollback_fixture;
using test::FakeSlack;

// One notification as the webhook posted it.
struct Posted {
  std::string kind;
  std::string key;
  std::string severity;
  std::string reason;
};

std::vector<Posted> postedTo(FakeSlack& endpoint) {
  std::vector<Posted> out;
  for (const auto& body : endpoint.posted()) {
    const json::object o = json::parse(body).as_object();
    out.push_back(
        Posted{std::string(o.at("kind").as_string()), std::string(o.at("incident_id").as_string()),
               std::string(o.at("severity").as_string()), std::string(o.at("reason").as_string())});
  }
  return out;
}

std::vector<std::string> keysOf(const std::vector<Posted>& posted) {
  std::vector<std::string> keys;
  keys.reserve(posted.size());
  for (const auto& p : posted) {
    keys.push_back(p.key);
  }
  return keys;
}

// The team channel of one `novactl rollback` process: a fresh notifier over the fixture's
// notify folder, so a second run finds the first one's ledger.
struct Told {
  RollbackResult result;
  NotifyCounts counts;
};

Told runTold(Fixture& f, const RollbackOrder& o, const std::string& url) {
  SequenceRandom random;
  f.config.notifiers = {{"webhook", {{"url", url}, {"max_attempts", "1"}, {"min_interval", "0s"}}}};
  // The receivers get a clock of their own: their idle delivery threads wait on it, and the
  // fixture's driver would take them for the rollback waiting and move its time on.
  ManualClock teamClock(kThursday0200);
  auto notifier =
      RolloutNotifier::create(f.config.notifiers, (f.dir / "notify").string(), teamClock, random);
  REQUIRE(notifier.ok());
  f.sink = [&](const RollbackEvent& e) {
    if (auto n = rollbackNotification(e, "http://agent:9464/status")) {
      (*notifier)->send(*n);
    }
  };
  Told told;
  told.result = f.run(o);
  f.sink = {};
  // Every delivery ends at once (one attempt, on loopback); the flush waits for that.
  told.counts = (*notifier)->finish(10 * kSecond);
  return told;
}

TEST_CASE("rollback switch: the start and traffic on blue, each once over two runs") {
  Fixture f;
  FakeSlack team;
  const Told first = runTold(f, order(RollbackOption::kSwitch), team.url());
  INFO(first.result.message);
  CHECK(first.result.outcome == Outcome::kRolledBack);
  CHECK(first.counts.delivered == 2);
  const auto posted = postedTo(team);
  REQUIRE(posted.size() == 2);
  CHECK(posted[0].kind == "rollback_started");
  CHECK(posted[0].key == "r1:rollback_switch_started");
  CHECK(posted[0].severity == "none");
  CHECK(posted[0].reason ==
        "rollout r1 of v1.2.4, rollback --option switch by alice: reason: errors after the "
        "switch");
  CHECK(posted[1].kind == "rollback_done");
  CHECK(posted[1].key == "r1:rollback_switch_on_blue");
  CHECK(posted[1].reason.find("traffic verified on blue (httproute production/api-route: "
                              "weights blue 100 / green 0)") != std::string::npos);

  const Told again = runTold(f, order(RollbackOption::kSwitch), team.url());
  CHECK(again.result.outcome == Outcome::kRolledBack);
  CHECK(again.counts.delivered == 0);
  CHECK(again.counts.duplicates == 2);
  CHECK(postedTo(team).size() == 2);
}

TEST_CASE("rollback full: start, traffic on blue, green removed; another option is news") {
  Fixture f;
  FakeSlack team;
  const Told full = runTold(f, order(RollbackOption::kFull), team.url());
  INFO(full.result.message);
  CHECK(full.result.outcome == Outcome::kRolledBack);
  const auto posted = postedTo(team);
  CHECK(keysOf(posted) == std::vector<std::string>{"r1:rollback_full_started",
                                                   "r1:rollback_full_on_blue",
                                                   "r1:rollback_full_green_removed"});
  REQUIRE(posted.size() == 3);
  CHECK(posted[2].kind == "rollback_done");
  CHECK(posted[2].reason.find("green removed Deployment user-service-green scaled to 0") !=
        std::string::npos);
  // The same rollout's switch option afterwards is a rollback of its own: the team hears it.
  const Told sw = runTold(f, order(RollbackOption::kSwitch), team.url());
  CHECK(sw.counts.delivered == 2);
  CHECK(postedTo(team).size() == 5);
}

TEST_CASE("rollback staged: parked is news without a page; the re-run's green at 0 too") {
  Fixture f;
  FakeSlack team;
  const Told parked = runTold(f, order(RollbackOption::kStaged), team.url());
  INFO(parked.result.message);
  CHECK(parked.result.outcome == Outcome::kParked);
  const Told zero = runTold(f, order(RollbackOption::kStaged), team.url());
  CHECK(zero.result.outcome == Outcome::kRolledBack);
  CHECK(zero.counts.duplicates == 1);  // the start, sent by the first run
  const auto posted = postedTo(team);
  CHECK(keysOf(posted) == std::vector<std::string>{"r1:rollback_staged_started",
                                                   "r1:rollback_staged_parked",
                                                   "r1:rollback_staged_to_zero"});
  REQUIRE(posted.size() == 3);
  CHECK(posted[0].reason.find("green's weight to 25, then watched") != std::string::npos);
  CHECK(posted[1].kind == "rollout_needs_person");
  CHECK(posted[1].severity == "none");
  CHECK(posted[1].reason.find("parked at green weight 25") != std::string::npos);
  CHECK(posted[2].kind == "rollback_done");
  CHECK(posted[2].reason.find("continuing the parked staged rollback") != std::string::npos);
}

TEST_CASE("rollback db: nothing before the confirmation, then the start and the restore") {
  Fixture f;
  FakeSlack team;
  CommandSpec hook;
  hook.shell = true;
  hook.shellLine = "true";
  hook.timeout = kMinute;
  f.config.rollback.db.restore = hook;
  RollbackOrder o = order(RollbackOption::kDb);
  CHECK(runTold(f, o, team.url()).result.outcome == Outcome::kUsage);
  CHECK(team.posted().empty());
  o.confirm = "nova-prod-pre-deploy-v1.2.4-r1";
  const Told restored = runTold(f, o, team.url());
  CHECK(restored.result.outcome == Outcome::kSucceeded);
  const auto posted = postedTo(team);
  CHECK(keysOf(posted) ==
        std::vector<std::string>{"r1:rollback_db_started", "r1:rollback_db_restored"});
  REQUIRE(posted.size() == 2);
  CHECK(posted[0].reason.find("restoring snapshot nova-prod-pre-deploy-v1.2.4-r1 (confirmed)") !=
        std::string::npos);
  CHECK(posted[1].kind == "database_restored");
}

TEST_CASE("a failed rollback pages once with the stage it failed in") {
  Fixture f;
  FakeSlack team;
  f.config.bounds.switchTraffic = 10 * kSecond;
  // Blue cannot come back: its scale is refused, so the rollback stops before the flip.
  f.api->forbid("patch", "deployments/scale");
  const Told failed = runTold(f, order(RollbackOption::kSwitch), team.url());
  INFO(failed.result.message);
  CHECK(failed.result.outcome == Outcome::kNeedsPerson);
  CHECK(exitCode(failed.result.outcome) == 7);
  const auto posted = postedTo(team);
  CHECK(keysOf(posted) ==
        std::vector<std::string>{"r1:rollback_switch_started", "r1:rollback_switch_failed_blue"});
  REQUIRE(posted.size() == 2);
  CHECK(posted[1].kind == "rollback_impossible");
  CHECK(posted[1].severity == "high");
  CHECK(posted[1].reason.find("traffic is still on green") != std::string::npos);
  // The same failure again is not news twice.
  CHECK(runTold(f, order(RollbackOption::kSwitch), team.url()).counts.duplicates == 2);
  CHECK(team.posted().size() == 2);
}

TEST_CASE("rollback stopped while blue scales up resumes: one scale, one flip, no news twice") {
  Fixture f("gateway-httproute", 20 * kSecond);
  FakeSlack team;
  f.stopAfter = "waiting for blue: 0 of 3";
  const Told stopped = runTold(f, order(RollbackOption::kSwitch), team.url());
  INFO(stopped.result.message);
  CHECK(stopped.result.outcome == Outcome::kInterrupted);
  CHECK(stopped.result.message.find("stopped (SIGTERM) at a step boundary") != std::string::npos);
  // The record is consistent: blue's scale is recorded, the flip is not, nothing holds it.
  CHECK(f.hasStep(stopped.result, "rollback:blue-scaled"));
  CHECK_FALSE(f.hasStep(stopped.result, "rollback:flipped"));
  REQUIRE(stopped.result.record);
  CHECK(stopped.result.record->phase == Phase::kDone);
  CHECK(f.greenWeight() == 100);
  auto read = f.traffic->read();
  REQUIRE(read.ok());
  CHECK_FALSE(read->lease);
  CHECK(keysOf(postedTo(team)) == std::vector<std::string>{"r1:rollback_switch_started"});

  f.stopAfter.reset();
  const Told resumed = runTold(f, order(RollbackOption::kSwitch), team.url());
  INFO(resumed.result.message);
  CHECK(resumed.result.outcome == Outcome::kRolledBack);
  CHECK(f.patches("user-service-blue/scale") == 1);
  CHECK(f.patches("httproutes", "backendRefs") == 1);
  CHECK(resumed.counts.duplicates == 1);
  CHECK(keysOf(postedTo(team)) ==
        std::vector<std::string>{"r1:rollback_switch_started", "r1:rollback_switch_on_blue"});
}

TEST_CASE("rollback staged stopped while watching resumes: one weight patch, parked once") {
  Fixture f;
  FakeSlack team;
  f.stopAfter = "watching green's error rate";
  const Told stopped = runTold(f, order(RollbackOption::kStaged), team.url());
  INFO(stopped.result.message);
  CHECK(stopped.result.outcome == Outcome::kInterrupted);
  CHECK(f.greenWeight() == 25);
  CHECK(f.hasStep(stopped.result, "rollback:green-weight-25"));
  f.stopAfter.reset();
  const Told resumed = runTold(f, order(RollbackOption::kStaged), team.url());
  INFO(resumed.result.message);
  CHECK(resumed.result.outcome == Outcome::kParked);
  CHECK(f.patches("httproutes", "\"weight\":25") == 1);
  CHECK(f.patches("user-service-blue/scale") == 1);
  CHECK(keysOf(postedTo(team)) ==
        std::vector<std::string>{"r1:rollback_staged_started", "r1:rollback_staged_parked"});
}

TEST_CASE("rollback full stopped after the flip: the re-run tells only what is new") {
  Fixture f;
  FakeSlack team;
  f.stopAfter = "flip:";
  CHECK(runTold(f, order(RollbackOption::kFull), team.url()).result.outcome ==
        Outcome::kInterrupted);
  f.stopAfter.reset();
  const Told resumed = runTold(f, order(RollbackOption::kFull), team.url());
  CHECK(resumed.result.outcome == Outcome::kRolledBack);
  CHECK(resumed.counts.delivered == 1);
  CHECK(resumed.counts.duplicates == 2);
  CHECK(keysOf(postedTo(team)) == std::vector<std::string>{"r1:rollback_full_started",
                                                           "r1:rollback_full_on_blue",
                                                           "r1:rollback_full_green_removed"});
}

TEST_CASE("a dry run sends nothing and says what it would send") {
  Fixture f;
  FakeSlack team;
  for (RollbackOption option : {RollbackOption::kSwitch, RollbackOption::kFull,
                                RollbackOption::kStaged, RollbackOption::kDb}) {
    RollbackOrder o = order(option);
    o.dryRun = true;
    const Told told = runTold(f, o, team.url());
    INFO(told.result.plan);
    CHECK(told.result.outcome == Outcome::kSucceeded);
    CHECK(told.counts.delivered + told.counts.failed + told.counts.pending == 0);
    const std::string name(rollbackOptionName(option));
    CHECK(told.result.plan.find("tell the team through webhook (this dry run sends nothing)") !=
          std::string::npos);
    CHECK(told.result.plan.find("r1:rollback_" + name + "_started") != std::string::npos);
    CHECK(told.result.plan.find("r1:rollback_" + name + "_failed_<stage>") != std::string::npos);
  }
  CHECK(team.posted().empty());
  CHECK(f.api->writes("") == 0);
  f.config.notifiers.clear();
  RollbackOrder o = order(RollbackOption::kSwitch);
  o.dryRun = true;
  CHECK(f.run(o).plan.find("tell the team: nothing, no notifiers are configured") !=
        std::string::npos);
}

TEST_CASE("a receiver that cannot be reached leaves the outcome as it is, counted") {
  Fixture f;
  const Told told = runTold(f, order(RollbackOption::kFull), "http://127.0.0.1:1/hook");
  INFO(told.result.message);
  CHECK(told.result.outcome == Outcome::kRolledBack);
  CHECK(f.replicas("user-service-green") == 0);
  CHECK(told.counts.delivered == 0);
  CHECK(told.counts.failed == 3);
}

TEST_CASE("keys and kinds of the rollback's notices") {
  CHECK(rollbackNotificationKey("r1", RollbackOption::kStaged, RollbackNotice::kToZero) ==
        "r1:rollback_staged_to_zero");
  CHECK(rollbackNotificationKey("r1", RollbackOption::kDb, RollbackNotice::kFailed, "db") ==
        "r1:rollback_db_failed_db");
  RollbackEvent e;
  e.line = EngineEvent{kThursday0200, "rollback", "end", "needs_person", "restore failed"};
  e.stage = "db";
  e.notice = RollbackNotice::kFailed;
  e.option = RollbackOption::kDb;
  e.rolloutId = "r1";
  e.version = "v1.2.4";
  e.who = "alice";
  e.traffic = TrafficSide::kGreen;
  auto n = rollbackNotification(e, "");
  REQUIRE(n);
  // A database restore leaves traffic where it is: its failure is not a failed rollback of
  // traffic.
  CHECK(notify::toString(n->kind) == "rollout_needs_person");
  CHECK(n->incidentId == "r1:rollback_db_failed_db");
  CHECK(n->reason == "rollout r1 of v1.2.4, rollback --option db by alice: restore failed");
  e.notice.reset();
  CHECK_FALSE(rollbackNotification(e, ""));
  e.notice = RollbackNotice::kStarted;
  e.rolloutId = "unrecorded-20261203T020000Z";
  e.version.clear();
  n = rollbackNotification(e, "");
  REQUIRE(n);
  CHECK(n->incidentId == "unrecorded-20261203T020000Z:rollback_db_started");
  CHECK(n->reason == "no rollout record, rollback --option db by alice: restore failed");
}

}  // namespace
}  // namespace nova::rollout
