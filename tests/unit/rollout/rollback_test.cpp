// `novactl rollback`'s options on a simulated clock: the fake API server holds the
// HTTPRoute (or Ingress) and both Deployments, a stand-in serves green's /metrics, hooks are
// real processes. Every wait runs on the ManualClock the driver moves.
#include "nova/rollout/rollback.h"

#include <doctest/doctest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>

#include "clock_driver.h"
#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/http/server.h"
#include "nova/rollout/record_store.h"
#include "nova/traffic/kube_object_switch.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr TimestampMs kThursday0200 = 1'796'263'200'000;  // 2026-12-03T02:00:00Z

constexpr std::string_view kRoute = R"({
  "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
  "metadata": {"name": "api-route", "namespace": "production"},
  "spec": {"rules": [{"backendRefs": [
    {"name": "user-service-blue", "port": 8081, "weight": 0},
    {"name": "user-service-green", "port": 8081, "weight": 100}]}]}})";

constexpr std::string_view kIngress = R"({
  "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
  "metadata": {"name": "api-ingress", "namespace": "production"},
  "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix",
    "backend": {"service": {"name": "user-service-green", "port": {"number": 8081}}}}]}}]}})";

std::string deployment(std::string_view name, int replicas) {
  const std::string n = std::to_string(replicas);
  return R"({"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": ")" +
         std::string(name) + R"(", "namespace": "production"},
    "spec": {"replicas": )" +
         n + R"(, "template": {"spec": {"containers": [{"name": "app", "image": "x"}]}}},
    "status": {"replicas": )" +
         n + R"(, "readyReplicas": )" + n + "}}";
}

// Green's /metrics: the request and error counters the test moves on.
struct GreenMetrics {
  GreenMetrics() {
    auto started = http::Server::start({}, [this](const http::ServerRequest&) {
      http::ServerResponse r;
      r.contentType = "text/plain; version=0.0.4";
      r.body = "# TYPE nova_http_requests_total counter\nnova_http_requests_total{code=\"200\"} " +
               std::to_string(requests.load()) +
               "\n# TYPE nova_http_errors_total counter\nnova_http_errors_total " +
               std::to_string(errors.load()) + "\n";
      // Each scrape sees green serve more requests, failing `failing` of every 100.
      requests += 100;
      errors += failing.load();
      return r;
    });
    REQUIRE(started.ok());
    server = std::move(*started);
  }
  ~GreenMetrics() { server->stop(); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + "/metrics";
  }
  std::atomic<long> requests{1000};
  std::atomic<long> errors{0};
  std::atomic<long> failing{0};
  std::unique_ptr<http::Server> server;
};

struct Fixture {
  explicit Fixture(std::string type = "gateway-httproute") {
    fake_kube::Options options;
    options.clock = &clock;
    auto started = fake_kube::FakeKube::start(options);
    REQUIRE(started.ok());
    api = std::move(*started);
    REQUIRE(api->seed(type == "gateway-httproute" ? kRoute : kIngress).ok());
    REQUIRE(api->seed(deployment("user-service-blue", 0)).ok());
    REQUIRE(api->seed(deployment("user-service-green", 3)).ok());
    dir = fs::temp_directory_path() /
          ("nova-rollback-test-" + std::to_string(::getpid()) + "-" + std::to_string(++runs));
    fs::create_directories(dir);
    config.switchSpec.type = type;
    config.switchSpec.settings = {{"server", api->url()},
                                  {"namespace", "production"},
                                  {"blue_service", "user-service-blue"},
                                  {"green_service", "user-service-green"},
                                  {"attempts", "1"}};
    config.switchSpec.settings[type == "gateway-httproute" ? "httproute" : "ingress"] =
        type == "gateway-httproute" ? "api-route" : "api-ingress";
    config.blue.ns = "production";
    config.blue.deployment = "user-service-blue";
    config.reportDir = dir.string();
    config.rollback.full.deployment = "user-service-green";
    config.rollback.staged.metricsUrl = green.url();
    config.rollback.staged.watch = 30 * kSecond;
    config.rollback.staged.pollInterval = 5 * kSecond;
    auto made = makeTrafficObject(config.switchSpec, config.blue, clock, random);
    REQUIRE(made.ok());
    traffic = std::move(*made);
    auto sw =
        traffic::makeSwitch({config.switchSpec.type, config.switchSpec.settings}, clock, random);
    REQUIRE(sw.ok());
    flip = std::move(*sw);
    seedRecord();
  }
  ~Fixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  // The record a rollout leaves after Phase 4: blue's 3 replicas recorded and scaled to 0.
  void seedRecord() {
    RecordStore store(*traffic, clock);
    StopSource stop(clock);
    REQUIRE(store.acquire(LeaseRequest{"r1", "ci/1", "ci", std::nullopt, 30 * kSecond}, stop).ok());
    Record r;
    r.rolloutId = "r1";
    r.version = "v1.2.4";
    r.phase = Phase::kDone;
    r.startedAt = clock.now();
    r.switchedAt = clock.now();
    r.snapshotId = "nova-prod-pre-deploy-v1.2.4-r1";
    r.blue = BlueBefore{3, "x"};
    REQUIRE(store.write(r).ok());
    store.release();
    api->clearRequests();
  }

  RollbackResult run(RollbackOrder order, std::function<void(const std::string&)> onLine = {}) {
    StopSource stop(clock);
    HookRunner hooks(stop);
    http::Client client;
    order.who = "alice";
    order.instance = "host/1/abc";
    RollbackParts parts{*traffic, *flip, hooks, stop, clock, client};
    test::ClockDriver driver(clock, kSecond, 10 * kMinute, [&] { return !hooks.running(); });
    return runRollbackOption(config, parts, order, [&](const std::string& line) {
      lines.push_back(line);
      if (onLine && !stop.stopRequested()) {
        onLine(line);
      }
      if (stopAfter && line.find(*stopAfter) != std::string::npos) {
        stop.requestStop("SIGTERM");
      }
    });
  }

  json::value object(std::string_view resource, std::string_view name) {
    auto o = api->object(resource, "production", name);
    REQUIRE(o);
    return *o;
  }
  std::int64_t replicas(std::string_view name) {
    return object("deployments", name).at_pointer("/spec/replicas").as_int64();
  }
  std::int64_t greenWeight() {
    return object("httproutes", "api-route")
        .at_pointer("/spec/rules/0/backendRefs/1/weight")
        .as_int64();
  }
  // PATCHes of `path` whose body contains `text`.
  int patches(std::string_view path, std::string_view text = "") {
    int n = 0;
    for (const auto& r : api->requests()) {
      if (r.method == "PATCH" && r.path.find(path) != std::string::npos &&
          r.body.find(text) != std::string::npos) {
        ++n;
      }
    }
    return n;
  }
  bool hasStep(const RollbackResult& result, std::string_view name) {
    if (!result.record) {
      return false;
    }
    for (const auto& s : result.record->steps) {
      if (s.name == name) {
        return true;
      }
    }
    return false;
  }

  inline static int runs = 0;
  ManualClock clock{kThursday0200};
  SequenceRandom random;
  std::unique_ptr<fake_kube::FakeKube> api;
  GreenMetrics green;
  RolloutConfig config;
  fs::path dir;
  std::unique_ptr<TrafficObject> traffic;
  traffic::SwitchPtr flip;
  std::vector<std::string> lines;
  std::optional<std::string> stopAfter;
};

std::string textOf(const fs::path& path) {
  auto text = readFile(path.string(), 4096);
  return text.ok() ? *text : "";
}

RollbackOrder order(RollbackOption option) {
  RollbackOrder o;
  o.option = option;
  o.reason = "errors after the switch";
  return o;
}

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
  const RollbackResult result = f.run(order(RollbackOption::kStaged), [&](const std::string& line) {
    if (!moved && line.find("blue ready") != std::string::npos) {
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
