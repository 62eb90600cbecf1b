// The rollout's traffic objects against a stand-in nginx (real files, a real reload
// command, HTTP through a real server) and the fake API server (RFC 6902 with `test`).
#include "nova/rollout/traffic_object.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "fake_nginx.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/rollout/record_store.h"
#include "nova/traffic/kube_object_switch.h"

namespace nova::rollout {
namespace {

using traffic::test::Harness;
using traffic::test::writeText;

SwitchSpec switchSpec(std::string type, std::map<std::string, std::string> settings) {
  SwitchSpec spec;
  spec.type = std::move(type);
  spec.settings = std::move(settings);
  return spec;
}

LeaseRequest leaseRequest(std::string id, std::string instance) {
  return LeaseRequest{std::move(id), std::move(instance), "ci job 7", std::nullopt, 30 * kSecond};
}

Record recordAt(Phase phase, TimestampMs now) {
  Record r;
  r.rolloutId = "r1";
  r.version = "v1.2.4";
  r.phase = phase;
  r.startedAt = now;
  return r;
}

std::unique_ptr<TrafficObject> nginxObject(Harness& h) {
  h.nginx.setInclude("server " + h.nginx.blueAddress() + ";\n");
  writeText(h.nginx.dir() / "served.conf", h.nginx.include());
  auto made =
      makeTrafficObject(switchSpec("nginx", h.nginx.settings()), BlueSpec{}, h.clock, h.random);
  REQUIRE_MESSAGE(made.ok(), (made.ok() ? "" : made.error().message));
  return std::move(made).value();
}

TEST_CASE("nginx: the switch writes the record first, then moves the include to green") {
  Harness h;
  auto object = nginxObject(h);
  RecordStore store(*object, h.clock);
  StopSource stop(h.clock);
  REQUIRE(store.acquire(leaseRequest("r1", "run-1"), stop).ok());
  CHECK_FALSE(store.resume());
  REQUIRE(store.write(recordAt(Phase::kSmoke, h.clock.now())).ok());
  auto before = store.read();
  REQUIRE(before.ok());
  CHECK(before->side == TrafficSide::kBlue);
  REQUIRE(before->record);
  CHECK(before->record->phase == Phase::kSmoke);
  CHECK(before->lease->holder == "r1");

  Record next = *before->record;
  next.phase = Phase::kSwitch;
  next.switchedAt = h.clock.now();
  auto moved = store.switchToGreen(next);
  REQUIRE_MESSAGE(moved.ok(), (moved.ok() ? "" : moved.error().message));
  CHECK(moved->find("green answered through") != std::string::npos);
  CHECK(h.nginx.include().find("server " + traffic::test::FakeNginx::kGreen + ";") !=
        std::string::npos);
  auto after = store.read();
  REQUIRE(after.ok());
  CHECK(after->side == TrafficSide::kGreen);
  REQUIRE(after->record);
  CHECK(after->record->switchedAt == next.switchedAt);
  CHECK(after->record->phase == Phase::kSwitch);

  // The next write settles the journal entry of the switch.
  Record monitoring = *after->record;
  monitoring.phase = Phase::kMonitor;
  REQUIRE(store.write(monitoring).ok());
  const std::string file = traffic::test::slurp(recordFileFor(h.nginx.settings()["upstream_file"]));
  CHECK(file.find("switch-pending") == std::string::npos);
  CHECK(file.find("monitor") != std::string::npos);
  store.release();
}

TEST_CASE("nginx: a switch whose reload failed reads as not switched, and switching again works") {
  Harness h("exit 1\n");
  auto object = nginxObject(h);
  RecordStore store(*object, h.clock);
  StopSource stop(h.clock);
  REQUIRE(store.acquire(leaseRequest("r1", "run-1"), stop).ok());
  REQUIRE(store.write(recordAt(Phase::kSwitch, h.clock.now())).ok());
  Record next = recordAt(Phase::kSwitch, h.clock.now());
  next.switchedAt = h.clock.now();
  auto moved = store.switchToGreen(next);
  REQUIRE_FALSE(moved.ok());
  CHECK(moved.error().message.find("nginx reload failed") != std::string::npos);

  auto read = store.read();
  REQUIRE(read.ok());
  CHECK(read->side == TrafficSide::kBlue);
  REQUIRE(read->record);
  CHECK_FALSE(read->record->switchedAt.has_value());
  CHECK(read->detail.find("decided but not applied") != std::string::npos);

  // nginx reloads again: the resumed switch goes through.
  writeText(h.nginx.dir() / "reload.sh", "#!/bin/sh\necho reload >> \"$3\"\ncp \"$1\" \"$2\"\n");
  REQUIRE(store.switchToGreen(next).ok());
  auto after = store.read();
  REQUIRE(after.ok());
  CHECK(after->side == TrafficSide::kGreen);
  CHECK(after->record->switchedAt == next.switchedAt);
}

// The fake API server holding `object`, and the settings of a Kubernetes switch on it.
struct Cluster {
  explicit Cluster(std::string_view object) {
    auto started = fake_kube::FakeKube::start();
    REQUIRE(started.ok());
    server = std::move(*started);
    REQUIRE(server->seed(object).ok());
  }
  SwitchSpec spec(std::string type, std::string key, std::string name) const {
    return switchSpec(std::move(type), {{"server", server->url()},
                                        {"namespace", "production"},
                                        {std::move(key), std::move(name)},
                                        {"blue_service", "user-service-blue"},
                                        {"green_service", "user-service-green"},
                                        {"attempts", "1"}});
  }
  int patches() const {
    int n = 0;
    for (const auto& r : server->requests()) {
      n += r.method == "PATCH" ? 1 : 0;
    }
    return n;
  }

  std::unique_ptr<fake_kube::FakeKube> server;
  ManualClock clock{1'796'263'200'000};
  SequenceRandom random;
};

constexpr std::string_view kIngress = R"({
  "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
  "metadata": {"name": "api-ingress", "namespace": "production"},
  "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix",
    "backend": {"service": {"name": "user-service-blue", "port": {"number": 8081}}}}]}}]}})";

TEST_CASE("kubernetes-ingress: ONE patch moves the backend and writes the record") {
  Cluster cluster(kIngress);
  auto& server = cluster.server;
  ManualClock& clock = cluster.clock;
  auto object = makeTrafficObject(cluster.spec("kubernetes-ingress", "ingress", "api-ingress"),
                                  BlueSpec{}, clock, cluster.random);
  REQUIRE_MESSAGE(object.ok(), (object.ok() ? "" : object.error().message));
  CHECK((*object)->describe() == "ingress production/api-ingress");
  RecordStore store(**object, clock);
  StopSource stop(clock);
  REQUIRE(store.acquire(leaseRequest("r1", "run-1"), stop).ok());
  REQUIRE(store.write(recordAt(Phase::kSwitch, clock.now())).ok());
  auto before = store.read();
  REQUIRE(before.ok());
  CHECK(before->side == TrafficSide::kBlue);

  server->clearRequests();
  Record next = *before->record;
  next.switchedAt = clock.now();
  auto moved = store.switchToGreen(next);
  REQUIRE_MESSAGE(moved.ok(), (moved.ok() ? "" : moved.error().message));
  CHECK(cluster.patches() == 1);
  for (const auto& r : server->requests()) {
    if (r.method == "PATCH") {
      CHECK(r.body.find("user-service-green") != std::string::npos);
      CHECK(r.body.find("nova.io~1rollout-switched-at") != std::string::npos);
      CHECK(r.body.find("\"test\"") != std::string::npos);
    }
  }
  auto after = store.read();
  REQUIRE(after.ok());
  CHECK(after->side == TrafficSide::kGreen);
  CHECK(after->record->switchedAt == next.switchedAt);

  // Another rollout is refused and told who holds the lease.
  RecordStore other(**object, clock);
  const Status refused = other.acquire(leaseRequest("r2", "run-2"), stop);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kRefused);
  CHECK(refused.error().message.find("r1") != std::string::npos);
}

constexpr std::string_view kRoute = R"({
  "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
  "metadata": {"name": "api", "namespace": "production"},
  "spec": {"rules": [{"backendRefs": [
    {"name": "user-service-blue", "port": 8081, "weight": 100},
    {"name": "user-service-green", "port": 8081, "weight": 0}]}]}})";

// Takes the lease, records the switch phase with traffic on blue, then switches to green
// in one patch; returns the record the switch wrote.
Record switchForwardOnce(Cluster& cluster, RecordStore& store, StopSource& stop) {
  REQUIRE(store.acquire(leaseRequest("r1", "run-1"), stop).ok());
  REQUIRE(store.write(recordAt(Phase::kSwitch, cluster.clock.now())).ok());
  CHECK(store.read()->side == TrafficSide::kBlue);
  Record next = *store.read()->record;
  next.switchedAt = cluster.clock.now();
  cluster.server->clearRequests();
  REQUIRE(store.switchToGreen(next).ok());
  CHECK(cluster.patches() == 1);
  return next;
}

TEST_CASE("gateway-httproute: one patch sets the weights to green and writes the record") {
  Cluster cluster(kRoute);
  ManualClock& clock = cluster.clock;
  auto object = makeTrafficObject(cluster.spec("gateway-httproute", "httproute", "api"), BlueSpec{},
                                  clock, cluster.random);
  REQUIRE_MESSAGE(object.ok(), (object.ok() ? "" : object.error().message));
  RecordStore store(**object, clock);
  StopSource stop(clock);
  const Record next = switchForwardOnce(cluster, store, stop);
  auto after = store.read();
  REQUIRE(after.ok());
  CHECK(after->side == TrafficSide::kGreen);
  CHECK(after->detail.find("weights blue 0 / green 100") != std::string::npos);
  CHECK(after->record->switchedAt == next.switchedAt);
}

constexpr std::string_view kCanary = R"({
  "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
  "metadata": {"name": "api-canary", "namespace": "production",
    "annotations": {"nginx.ingress.kubernetes.io/canary": "true",
                    "nginx.ingress.kubernetes.io/canary-weight": "0"}},
  "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix",
    "backend": {"service": {"name": "user-service-green", "port": {"number": 8081}}}}]}}]}})";

SwitchSpec canarySpec(const std::string& server) {
  return switchSpec("ingress-nginx-canary", {{"server", server},
                                             {"namespace", "production"},
                                             {"canary_ingress", "api-canary"},
                                             {"attempts", "1"}});
}

TEST_CASE("ingress-nginx-canary: one patch sets canary-weight 100 and writes the record") {
  Cluster cluster(kCanary);
  ManualClock& clock = cluster.clock;
  auto object =
      makeTrafficObject(canarySpec(cluster.server->url()), BlueSpec{}, clock, cluster.random);
  REQUIRE_MESSAGE(object.ok(), (object.ok() ? "" : object.error().message));
  RecordStore store(**object, clock);
  StopSource stop(clock);
  const Record next = switchForwardOnce(cluster, store, stop);
  auto after = store.read();
  REQUIRE(after.ok());
  CHECK(after->side == TrafficSide::kGreen);
  CHECK(after->detail == "ingress production/api-canary: canary on, weight 100");
  CHECK(after->record->switchedAt == next.switchedAt);

  // The weighted switch of the same object: 100 -> 25, compare-and-swapped.
  auto& weights = (*object)->weights();
  auto stale = weights.setGreenWeight(50, 25);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code == ErrorCode::kConflict);
  auto staged = weights.setGreenWeight(100, 25);
  REQUIRE_MESSAGE(staged.ok(), (staged.ok() ? "" : staged.error().message));
  CHECK(*staged == "ingress production/api-canary: canary on, weight 100 -> canary on, weight 25");
  CHECK(weights.greenWeight()->percent == 25);
  // The record written meanwhile is still there: the weight patch touches its annotation only.
  CHECK(store.read()->record->switchedAt == next.switchedAt);
}

TEST_CASE("a canary Ingress without canary-weight has no forward move") {
  Cluster cluster(R"({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
    "metadata": {"name": "api-canary", "namespace": "production",
      "annotations": {"nginx.ingress.kubernetes.io/canary": "true"}},
    "spec": {"rules": []}})");
  const SwitchSpec spec = canarySpec(cluster.server->url());
  auto sw =
      traffic::makeKubeObjectSwitch({spec.type, spec.settings}, cluster.clock, cluster.random);
  REQUIRE(sw.ok());
  auto object = (*sw)->read();
  REQUIRE(object.ok());
  auto moves = (*sw)->greenMoves(*object);
  REQUIRE_FALSE(moves.ok());
  CHECK(moves.error().code == ErrorCode::kInvalidInput);
  CHECK(moves.error().message.find("needs both annotations") != std::string::npos);
}

TEST_CASE(
    "only kubernetes-ingress, gateway-httproute, ingress-nginx-canary and nginx run a rollout") {
  ManualClock clock{0};
  SequenceRandom random;
  auto made = makeTrafficObject(switchSpec("dry-run", {}), BlueSpec{}, clock, random);
  REQUIRE_FALSE(made.ok());
  CHECK(made.error().code == ErrorCode::kInvalidInput);
  CHECK(made.error().message ==
        "switch: type \"dry-run\" cannot run a rollout (kubernetes-ingress, "
        "gateway-httproute, ingress-nginx-canary and nginx can)");
}

}  // namespace
}  // namespace nova::rollout
