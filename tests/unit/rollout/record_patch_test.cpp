// The record and lease patches applied by a real kube::Client to the fake API server, which
// applies RFC 6902 with `test` like the real one (a failed test is 422, nothing applied).
#include "nova/rollout/record_patch.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "nova/fake_kube/fake_kube.h"
#include "nova/kube/client.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

constexpr std::string_view kIngress = R"({
  "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
  "metadata": {"name": "api-ingress", "namespace": "production"},
  "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix",
    "backend": {"service": {"name": "user-service-blue", "port": {"number": 8081}}}}]}}]}})";

constexpr std::string_view kBackendPath = "/spec/rules/0/http/paths/0/backend/service/name";
constexpr TimestampMs kWall = 1'796'263'200'000;  // 2026-12-03T02:00:00Z

struct Cluster {
  Cluster() {
    auto started = fake_kube::FakeKube::start();
    REQUIRE(started.ok());
    server = std::move(*started);
    REQUIRE(server->seed(kIngress).ok());
    kube::ClusterConfig config;
    config.server = server->url();
    kube::ClientOptions options;
    options.retry.attempts = 1;  // a failed test is never retried anyway; nothing else fails
    client = std::make_unique<kube::Client>(config, clock, random, options);
  }

  json::value read() {
    auto object = client->get(ref);
    REQUIRE(object.ok());
    return *object;
  }

  // Applies the patch; returns the HTTP status (200 applied, 422 a failed test).
  int apply(const Result<RecordPatch>& patch) {
    REQUIRE_MESSAGE(patch.ok(), (patch.ok() ? "" : patch.error().message));
    auto answer = client->jsonPatch(ref, patch->ops);
    return answer.ok() ? 200 : answer.error().status;
  }

  DecodedAnnotations decoded() {
    auto annotations = annotationsOf(read());
    REQUIRE(annotations.ok());
    auto out = decodeAnnotations(*annotations);
    REQUIRE_MESSAGE(out.ok(), (out.ok() ? "" : out.error().message));
    return *out;
  }

  std::string backend() { return std::string(read().at_pointer(kBackendPath).as_string()); }

  ManualClock clock{kWall};
  SequenceRandom random;
  std::unique_ptr<fake_kube::FakeKube> server;
  std::unique_ptr<kube::Client> client;
  kube::ObjectRef ref = kube::ingressRef("production", "api-ingress");
};

Lease leaseFor(std::string id, std::string instance) {
  LeaseRequest request;
  request.rolloutId = std::move(id);
  request.instance = std::move(instance);
  request.who = "ci";
  return acquireLease(request, std::nullopt, kWall);
}

Record recordFor(std::string id, Phase phase) {
  Record r;
  r.rolloutId = std::move(id);
  r.version = "v1.2.4";
  r.phase = phase;
  r.startedAt = kWall;
  return r;
}

std::vector<BackendChange> toGreen() {
  return {BackendChange{std::string(kBackendPath), json::value("user-service-blue"),
                        json::value("user-service-green")}};
}

TEST_CASE("acquire, write, switch and release: every write a compare-and-swap") {
  Cluster c;
  const Lease lease = leaseFor("r-1", "runner/1");
  // No annotations at all yet: the lease creates the map, pinned to the resourceVersion.
  const json::value empty = c.read();
  auto acquire = leasePatch(empty, lease);
  REQUIRE(acquire.ok());
  CHECK(json::serialize(acquire->ops[0])
            .starts_with(R"({"op":"test","path":"/metadata/resourceVersion","value":)"));
  CHECK(c.apply(acquire) == 200);
  CHECK(c.decoded().lease == lease);
  // A second run that read the same empty object loses the race.
  CHECK(c.apply(leasePatch(empty, leaseFor("r-2", "runner/2"))) == 422);

  const json::value withLease = c.read();
  auto first = recordPatch(withLease, recordFor("r-1", Phase::kPreflight), lease);
  CHECK(c.apply(first) == 200);
  DecodedAnnotations now = c.decoded();
  REQUIRE(now.record.has_value());
  CHECK(now.record->revision == 1);
  CHECK(now.record->phase == Phase::kPreflight);
  // A write built on what was read before that one fails: the revision moved on.
  CHECK(c.apply(recordPatch(withLease, recordFor("r-1", Phase::kSmoke), lease)) == 422);

  Record smoke = recordFor("r-1", Phase::kSmoke);
  smoke.snapshotId = "snap-1";
  CHECK(c.apply(recordPatch(c.read(), smoke, lease)) == 200);
  CHECK(c.decoded().record->revision == 2);

  // The switch: backend and record in one patch.
  const json::value beforeSwitch = c.read();
  Record switched = recordFor("r-1", Phase::kSwitch);
  switched.snapshotId = "snap-1";
  switched.switchedAt = kWall + 20 * kMinute;
  auto patch = switchPatch(beforeSwitch, switched, lease, toGreen());
  REQUIRE(patch.ok());
  CHECK(json::serialize(patch->ops[0]) ==
        R"({"op":"test","path":"/spec/rules/0/http/paths/0/backend/service/name",)"
        R"("value":"user-service-blue"})");
  const int writesBefore = c.server->writes("ingresses");
  CHECK(c.apply(patch) == 200);
  CHECK(c.server->writes("ingresses") == writesBefore + 1);
  CHECK(c.backend() == "user-service-green");
  now = c.decoded();
  CHECK(now.record->phase == Phase::kSwitch);
  CHECK(now.record->switchedAt == kWall + 20 * kMinute);
  CHECK(now.record->revision == 3);
  // A retry of the same patch (its answer lost) cannot switch twice.
  CHECK(c.apply(patch) == 422);
  CHECK(c.server->writes("ingresses") == writesBefore + 1);

  // Release at the end removes only the lease.
  CHECK(c.apply(releasePatch(c.read(), lease)) == 200);
  now = c.decoded();
  CHECK_FALSE(now.lease);
  CHECK(now.record->phase == Phase::kSwitch);
}

TEST_CASE("a switch built on blue fails once someone else moved the backend") {
  Cluster c;
  const Lease lease = leaseFor("r-1", "runner/1");
  CHECK(c.apply(leasePatch(c.read(), lease)) == 200);
  const json::value read = c.read();
  // Someone points the Ingress elsewhere between our read and our write.
  json::array elsewhere{json::object{
      {"op", "replace"}, {"path", std::string(kBackendPath)}, {"value", "user-service-canary"}}};
  REQUIRE(c.client->jsonPatch(c.ref, elsewhere).ok());
  Record switched = recordFor("r-1", Phase::kSwitch);
  switched.switchedAt = kWall;
  CHECK(c.apply(switchPatch(read, switched, lease, toGreen())) == 422);
  CHECK(c.backend() == "user-service-canary");
  CHECK_FALSE(c.decoded().record);
}

TEST_CASE("a run that lost its lease cannot write the record") {
  Cluster c;
  const Lease mine = leaseFor("r-1", "runner/1");
  const Lease theirs = leaseFor("r-2", "runner/2");
  CHECK(c.apply(leasePatch(c.read(), theirs)) == 200);
  auto refused = recordPatch(c.read(), recordFor("r-1", Phase::kPreflight), mine);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kConflict);
  CHECK(refused.error().message ==
        "the lease of rollout r-1 (run runner/1) is lost: it is now held by rollout r-2 (run "
        "runner/2)");
  CHECK(releasePatch(c.read(), mine).error().code == ErrorCode::kConflict);
  // And a renewal built on a stale read fails when the holder changed in between.
  const json::value stale = c.read();
  CHECK(c.apply(leasePatch(c.read(), renewLease(theirs, kWall + 10'000))) == 200);
  CHECK(c.apply(leasePatch(stale, mine)) == 422);
}

TEST_CASE("a new rollout's record replaces the keys of the finished one it follows") {
  Cluster c;
  const Lease old = leaseFor("r-1", "runner/1");
  CHECK(c.apply(leasePatch(c.read(), old)) == 200);
  Record done = recordFor("r-1", Phase::kDone);
  done.switchedAt = kWall;
  done.blue = BlueBefore{3, "nova/user-service:v1.2.3"};
  CHECK(c.apply(recordPatch(c.read(), done, old)) == 200);
  const Lease next = leaseFor("r-2", "runner/2");
  CHECK(c.apply(leasePatch(c.read(), next)) == 200);
  CHECK(c.apply(recordPatch(c.read(), recordFor("r-2", Phase::kPreflight), next)) == 200);
  const DecodedAnnotations now = c.decoded();
  CHECK(now.record->rolloutId == "r-2");
  CHECK_FALSE(now.record->switchedAt);
  CHECK_FALSE(now.record->blue);
  CHECK(now.record->revision == 2);
}

TEST_CASE("patches refuse to take the object over Kubernetes' annotation limit") {
  Cluster c;
  json::array big{
      json::object{{"op", "add"},
                   {"path", "/metadata/annotations"},
                   {"value", json::object{{"kubectl.kubernetes.io/last-applied-configuration",
                                           std::string(kAnnotationsTotalLimit - 100, 'x')}}}}};
  REQUIRE(c.client->jsonPatch(c.ref, big).ok());
  auto refused = leasePatch(c.read(), leaseFor("r-1", "runner/1"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kInvalidInput);
  CHECK(refused.error().message.starts_with("the object's annotations would total "));
}

TEST_CASE("bad inputs to the builders are refused before anything is sent") {
  Cluster c;
  const Lease lease = leaseFor("r-1", "runner/1");
  CHECK(c.apply(leasePatch(c.read(), lease)) == 200);
  Record noTime = recordFor("r-1", Phase::kSwitch);
  CHECK(switchPatch(c.read(), noTime, lease, toGreen()).error().code == ErrorCode::kInvalidInput);
  noTime.switchedAt = kWall;
  CHECK(switchPatch(c.read(), noTime, lease, {}).error().code == ErrorCode::kInvalidInput);
  CHECK(annotationsOf(json::parse(R"({"metadata":{"annotations":{"a":1}}})")).error().message ==
        "annotation a: value is not a string");
  CHECK(annotationsOf(json::parse("[]")).error().code == ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace nova::rollout
