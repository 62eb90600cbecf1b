// `novactl rollback`'s options on a simulated clock (rollback_fixture.h): the fake API
// server, green's /metrics, real hooks.
#include "nova/rollout/rollback.h"

#include <doctest/doctest.h>

#include "rollback_fixture.h"

namespace nova::rollout {
namespace {

using namespace rollback_fixture;

TEST_CASE("rollback full: blue up, flip, green scaled to 0, each once; a re-run changes nothing") {
  Fixture f;
  const RollbackResult first = f.run(order(RollbackOption::kFull));
  INFO(first.message);
  CHECK(first.outcome == Outcome::kRolledBack);
  CHECK(first.traffic == TrafficSide::kBlue);
  CHECK(f.replicas("user-service-blue") == 3);
  CHECK(f.replicas("user-service-green") == 0);
  CHECK(f.greenWeight() == 0);
  CHECK(f.patches("user-service-blue/scale") == 1);
  CHECK(f.patches("user-service-green/scale") == 1);
  REQUIRE(first.record);
  CHECK(first.record->phase == Phase::kRolledBack);
  CHECK(f.hasStep(first, "rollback:blue-scaled"));
  CHECK(f.hasStep(first, "rollback:flipped"));
  CHECK(f.hasStep(first, "rollback:green-removed"));
  CHECK(first.message ==
        "rolled back in full: traffic verified on blue (httproute production/api-route: weights "
        "blue 100 / green 0), green removed");

  const RollbackResult again = f.run(order(RollbackOption::kFull));
  CHECK(again.outcome == Outcome::kRolledBack);
  for (const auto& action : again.actions) {
    FAIL_CHECK("acted again: " << action);
  }
  CHECK(f.patches("user-service-blue/scale") == 1);
  CHECK(f.patches("user-service-green/scale") == 1);
  CHECK(f.patches("httproutes", "backendRefs") == 1);
}

TEST_CASE("rollback full: stopped between the flip and green's removal, a re-run finishes once") {
  Fixture f;
  f.stopAfter = "flip:";
  const RollbackResult first = f.run(order(RollbackOption::kFull));
  INFO(first.message);
  CHECK(first.outcome == Outcome::kInterrupted);
  CHECK(f.greenWeight() == 0);
  CHECK(f.replicas("user-service-green") == 3);
  f.stopAfter.reset();
  const RollbackResult second = f.run(order(RollbackOption::kFull));
  INFO(second.message);
  CHECK(second.outcome == Outcome::kRolledBack);
  CHECK(f.replicas("user-service-green") == 0);
  CHECK(f.patches("user-service-blue/scale") == 1);
  CHECK(f.patches("user-service-green/scale") == 1);
  CHECK(f.patches("httproutes", "backendRefs") == 1);
}

TEST_CASE("rollback full: the remove_green hook runs exactly once over two runs") {
  Fixture f;
  const fs::path log = f.dir / "removed.log";
  CommandSpec hook;
  hook.shell = true;
  hook.shellLine = "echo \"$NOVA_ROLLOUT_ID $NOVA_VERSION\" >> '" + log.string() + "'";
  hook.timeout = kMinute;
  f.config.rollback.full.removeGreen = hook;
  f.config.rollback.full.deployment.clear();
  CHECK(f.run(order(RollbackOption::kFull)).outcome == Outcome::kRolledBack);
  CHECK(f.run(order(RollbackOption::kFull)).outcome == Outcome::kRolledBack);
  CHECK(textOf(log) == "r1 v1.2.4\n");
  CHECK(f.replicas("user-service-green") == 3);  // the hook removes green, not the scale
}

TEST_CASE("rollback staged: green healthy at 25% parks (exit 8); a re-run goes to 0") {
  Fixture f;
  const RollbackResult parked = f.run(order(RollbackOption::kStaged));
  INFO(parked.message);
  CHECK(parked.outcome == Outcome::kParked);
  CHECK(exitCode(parked.outcome) == 8);
  CHECK(parked.greenWeight == 25);
  CHECK(f.greenWeight() == 25);
  CHECK(f.replicas("user-service-blue") == 3);
  REQUIRE(parked.record);
  CHECK(parked.record->phase == Phase::kParked);
  CHECK(f.hasStep(parked, "rollback:green-weight-25"));
  CHECK(f.hasStep(parked, "rollback:parked"));
  CHECK(parked.record->steps.back().detail.find("parked at green weight 25; error rate 0.00%") !=
        std::string::npos);

  const RollbackResult finished = f.run(order(RollbackOption::kStaged));
  INFO(finished.message);
  CHECK(finished.outcome == Outcome::kRolledBack);
  CHECK(finished.greenWeight == 0);
  CHECK(f.greenWeight() == 0);
  REQUIRE(finished.record);
  CHECK(finished.record->phase == Phase::kRolledBack);
  CHECK(f.patches("user-service-blue/scale") == 1);
  // One patch to 25, one to 0.
  CHECK(f.patches("httproutes", "backendRefs") == 2);
}

TEST_CASE("rollback staged: green failing at its weight goes to 0 before the watch ends") {
  Fixture f;
  f.green.failing = 20;  // 20% of green's requests fail
  const TimestampMs start = f.clock.now();
  const RollbackResult result = f.run(order(RollbackOption::kStaged));
  INFO(result.message);
  CHECK(result.outcome == Outcome::kRolledBack);
  CHECK(f.greenWeight() == 0);
  CHECK(result.message.find("error rate 20.00% > 5.00%") != std::string::npos);
  CHECK(f.clock.now() - start < 30 * kSecond);
}

TEST_CASE("rollback staged: no data from green is not good news, green goes to 0") {
  Fixture f;
  f.config.rollback.staged.metricsUrl = "http://127.0.0.1:1/metrics";
  const RollbackResult result = f.run(order(RollbackOption::kStaged));
  INFO(result.message);
  CHECK(result.outcome == Outcome::kRolledBack);
  CHECK(result.message.find("no data") != std::string::npos);
  CHECK(f.greenWeight() == 0);
}

TEST_CASE("rollback staged: killed after the weight patch, a re-run does not patch it again") {
  Fixture f;
  // As a run killed right after its patch leaves it: weight 25, nothing recorded.
  auto& weights = f.traffic->weights();
  REQUIRE(weights.setGreenWeight(100, 25).ok());
  f.api->clearRequests();
  const RollbackResult result = f.run(order(RollbackOption::kStaged));
  INFO(result.message);
  CHECK(result.outcome == Outcome::kParked);
  CHECK(f.patches("httproutes", "\"weight\":25") == 0);
  CHECK(f.hasStep(result, "rollback:green-weight-25"));
}

TEST_CASE("weighted switch: a compare-and-swap on a stale weight changes nothing") {
  Fixture f;
  auto& weights = f.traffic->weights();
  auto stale = weights.setGreenWeight(50, 25);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code == ErrorCode::kConflict);
  CHECK(stale.error().message ==
        "httproute production/api-route: green's weight is 100, not the 50 expected (weights "
        "blue 0 / green 100); nothing changed");
  CHECK(f.greenWeight() == 100);
  CHECK(f.patches("httproutes") == 0);
  auto plan = weights.planGreenWeight(25);
  REQUIRE(plan.ok());
  CHECK(plan->find(R"({"op":"test","path":"/spec/rules/0/backendRefs")") != std::string::npos);
  auto bad = weights.setGreenWeight(100, 101);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("rollback staged: a concurrent writer between read and patch makes it stop") {
  Fixture f;
  // Another writer moves the weight while the rollback restores blue.
  bool moved = false;
  const RollbackResult result = f.run(order(RollbackOption::kStaged), [&](const RollbackEvent& e) {
    if (!moved && e.line.detail.find("blue ready") != std::string::npos) {
      SequenceRandom other;
      auto sw = traffic::makeKubeObjectSwitch(
          {f.config.switchSpec.type, f.config.switchSpec.settings}, f.clock, other);
      REQUIRE(sw.ok());
      REQUIRE((*sw)->setGreenWeight(100, 50).ok());
      moved = true;
    }
  });
  INFO(result.message);
  CHECK(moved);
  CHECK(result.outcome == Outcome::kNeedsPerson);
  CHECK(result.message.find("kConflict") == std::string::npos);
  CHECK(result.message.find("green's weight is 50, not the 100 expected") != std::string::npos);
  CHECK(f.greenWeight() == 50);
}

TEST_CASE("rollback staged on kubernetes-ingress is a usage error before anything changes") {
  Fixture f("kubernetes-ingress");
  const RollbackResult result = f.run(order(RollbackOption::kStaged));
  CHECK(result.outcome == Outcome::kUsage);
  CHECK(exitCode(result.outcome) == 2);
  CHECK(result.message ==
        "--option staged: ingress production/api-ingress: this switch type cannot weigh traffic "
        "(gateway-httproute, ingress-nginx-canary and nginx can); nothing changed");
  CHECK(f.api->writes("") == 0);
}

TEST_CASE("rollback db: refused without the recorded snapshot id, run once with it") {
  Fixture f;
  const fs::path log = f.dir / "restored.log";
  CommandSpec hook;
  hook.shell = true;
  hook.shellLine = "echo \"$NOVA_SNAPSHOT_ID\" >> '" + log.string() + "'";
  hook.timeout = kMinute;
  f.config.rollback.db.restore = hook;

  RollbackOrder o = order(RollbackOption::kDb);
  const RollbackResult missing = f.run(o);
  CHECK(missing.outcome == Outcome::kUsage);
  CHECK(missing.message ==
        "--option db restores the database and needs the snapshot confirmed: the rollout "
        "recorded snapshot nova-prod-pre-deploy-v1.2.4-r1; pass --confirm "
        "nova-prod-pre-deploy-v1.2.4-r1");
  o.confirm = "nova-prod-pre-deploy-v1.2.3";
  const RollbackResult wrong = f.run(o);
  CHECK(wrong.outcome == Outcome::kUsage);
  CHECK(wrong.message.find("(\"nova-prod-pre-deploy-v1.2.3\" is not it)") != std::string::npos);
  CHECK(f.api->writes("") == 0);
  CHECK_FALSE(fs::exists(log));

  o.confirm = "nova-prod-pre-deploy-v1.2.4-r1";
  const RollbackResult restored = f.run(o);
  INFO(restored.message);
  CHECK(restored.outcome == Outcome::kSucceeded);
  CHECK(f.hasStep(restored, "rollback:db-restored"));
  CHECK(f.greenWeight() == 100);  // traffic untouched
  const RollbackResult again = f.run(o);
  CHECK(again.outcome == Outcome::kSucceeded);
  CHECK(textOf(log) == "nova-prod-pre-deploy-v1.2.4-r1\n");
}

TEST_CASE("rollback --dry-run prints the exact patches and commands and changes nothing") {
  Fixture f;
  CommandSpec restore;
  restore.argv = {"scripts/restore-db.sh", "${NOVA_SNAPSHOT_ID}"};
  f.config.rollback.db.restore = restore;
  for (RollbackOption option : {RollbackOption::kSwitch, RollbackOption::kFull,
                                RollbackOption::kStaged, RollbackOption::kDb}) {
    RollbackOrder o = order(option);
    o.dryRun = true;
    o.confirm = "nova-prod-pre-deploy-v1.2.4-r1";
    const RollbackResult result = f.run(o);
    INFO(result.plan);
    CHECK(result.outcome == Outcome::kSucceeded);
    CHECK(result.plan.find("(dry run: nothing changes)") != std::string::npos);
    CHECK(result.plan.find("take the lease") != std::string::npos);
    if (option == RollbackOption::kDb) {
      CHECK(result.plan.find("run scripts/restore-db.sh '${NOVA_SNAPSHOT_ID}' with "
                             "NOVA_SNAPSHOT_ID=nova-prod-pre-deploy-v1.2.4-r1") !=
            std::string::npos);
    } else {
      CHECK(result.plan.find("PATCH deployments/user-service-blue/scale "
                             "(application/merge-patch+json): {\"spec\":{\"replicas\":3}}") !=
            std::string::npos);
      CHECK(result.plan.find("PATCH httproute production/api-route") != std::string::npos);
    }
    if (option == RollbackOption::kFull) {
      CHECK(result.plan.find("PATCH deployments/user-service-green/scale") != std::string::npos);
    }
    if (option == RollbackOption::kStaged) {
      CHECK(result.plan.find(R"("weight":25)") != std::string::npos);
    }
  }
  CHECK(f.api->writes("") == 0);
}

TEST_CASE("error rate between two readings of green's counters") {
  CHECK(errorRateBetween(100, 0, 300, 10, 20) == doctest::Approx(0.05));
  CHECK_FALSE(errorRateBetween(100, 0, 110, 10, 20));  // too few requests: no data
  CHECK(errorRateBetween(1000, 50, 100, 10, 20) == doctest::Approx(0.1));  // a restart
  auto counters = parseRequestCounters(
      "nova_http_requests_total{code=\"200\"} 90\nnova_http_requests_total{code=\"500\"} 10\n"
      "nova_http_errors_total 10\n",
      "nova_http_requests_total", "nova_http_errors_total");
  REQUIRE(counters.ok());
  CHECK(counters->first == 100);
  CHECK(counters->second == 10);
  auto missing = parseRequestCounters("up 1\n", "nova_http_requests_total", "e");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  auto bad = parseRequestCounters("nova_http_requests_total{ 1\n", "nova_http_requests_total", "e");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace nova::rollout
