#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <thread>

#include "kube_fixture.h"
#include "nova/traffic/kube_ingress_switch.h"
#include "switch_fixture.h"

namespace nova::traffic {

namespace json = boost::json;
using fake_kube::Fault;
using kube::test::FakeCluster;
using kube::test::LogCapture;
using kube::test::onThread;
using kube::test::retryWaits;
using test::backendOf;
using test::kindOf;

namespace {

IngressSwitchSettings seedSettings() {
  IngressSwitchSettings s;
  s.greenService = "user-service-green";
  s.blueService = "user-service-blue";
  return s;
}

std::unique_ptr<KubeIngressSwitch> ingressSwitch(FakeCluster& cluster,
                                                 const std::string& agent = "nova-agent",
                                                 IngressSwitchSettings settings = seedSettings()) {
  KubeTarget target;
  target.ref = kube::ingressRef("production", "api-ingress");
  target.agentName = agent;
  return std::make_unique<KubeIngressSwitch>(cluster.client(), target, settings);
}

RollbackRequest request(const std::string& incident = "1700000000000-1") {
  return {incident, "critical: error rate 7.2% > 5% for 2m", "agent", 1764218376123};
}

std::string annotation(FakeCluster& cluster, const std::string& key) {
  auto object = cluster.server->object("ingresses", "production", "api-ingress");
  const auto* annotations =
      object->at_pointer("/metadata/annotations").as_object().if_contains(key);
  return annotations == nullptr ? "" : std::string(annotations->as_string());
}

}  // namespace

TEST_CASE("the ingress flip is one JSON patch: test green, replace with blue, annotate") {
  FakeCluster cluster;
  auto sw = ingressSwitch(cluster);
  CHECK(backendOf(sw->current()) == "green");
  CHECK(sw->current()->detail ==
        "ingress production/api-ingress: service user-service-green at rules[0].http.paths[0]");

  auto outcome = sw->rollback(request());
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "flipped");
  CHECK(outcome->detail ==
        "ingress production/api-ingress: service user-service-green at rules[0].http.paths[0] "
        "-> service user-service-blue at rules[0].http.paths[0] (incident 1700000000000-1)");
  CHECK(cluster.ingressService() == "user-service-blue");
  CHECK(annotation(cluster, "nova.rollout/rollback-incident") == "1700000000000-1");
  CHECK(annotation(cluster, "nova.rollout/rollback-at") == "2025-11-27T04:39:36.123Z");
  CHECK(annotation(cluster, "nova.rollout/rollback-reason") ==
        "critical: error rate 7.2% > 5% for 2m");
  CHECK(annotation(cluster, "nova.rollout/rollback-by") == "agent");
  CHECK(annotation(cluster, "nova.rollout/rollback-agent") == "nova-agent");
  CHECK(annotation(cluster, "kubernetes.io/ingress.class") == "nginx");  // untouched

  auto patches = cluster.server->requests();
  int patchCount = 0;
  for (const auto& r : patches) {
    if (r.method == "PATCH") {
      ++patchCount;
      auto ops = json::parse(r.body).as_array();
      CHECK(ops[0] == json::parse(R"({"op":"test",
        "path":"/spec/rules/0/http/paths/0/backend/service/name","value":"user-service-green"})"));
      CHECK(ops[1].at("op") == "replace");
    }
  }
  CHECK(patchCount == 1);

  auto again = sw->rollback(request("1700000000000-2"));
  REQUIRE(again.ok());
  CHECK(kindOf(again) == "already_blue");
  CHECK(again->detail.starts_with("already on blue: ingress production/api-ingress"));
  CHECK(again->detail.find("rolled back for incident 1700000000000-1 by agent") !=
        std::string::npos);
  CHECK(cluster.server->writes("api-ingress") == 1);
}

TEST_CASE("two agents racing on the same Ingress produce exactly one flip") {
  for (int round = 0; round < 10; ++round) {
    FakeCluster cluster;
    auto a = ingressSwitch(cluster, "agent-a");
    auto b = ingressSwitch(cluster, "agent-b");
    Result<SwitchOutcome> ra = Error(ErrorCode::kInternal, "not run");
    Result<SwitchOutcome> rb = Error(ErrorCode::kInternal, "not run");
    std::thread ta([&] { ra = a->rollback(request("incident-a")); });
    std::thread tb([&] { rb = b->rollback(request("incident-b")); });
    ta.join();
    tb.join();
    REQUIRE(ra.ok());
    REQUIRE(rb.ok());
    const int flips =
        (ra->kind == SwitchOutcome::Kind::kFlipped) + (rb->kind == SwitchOutcome::Kind::kFlipped);
    const int already = (ra->kind == SwitchOutcome::Kind::kAlreadyBlue) +
                        (rb->kind == SwitchOutcome::Kind::kAlreadyBlue);
    CHECK(flips == 1);
    CHECK(already == 1);
    CHECK(cluster.server->writes("api-ingress") == 1);
    CHECK(cluster.ingressService() == "user-service-blue");
  }
}

TEST_CASE("a failed test answers from what the Ingress holds now") {
  FakeCluster cluster;
  LogCapture log;
  auto sw = ingressSwitch(cluster);
  kube::Client other(cluster.config(), cluster.clock, cluster.random, cluster.options());

  SUBCASE("someone flipped between our read and our patch: already on blue") {
    // Our patch is held in the server; another flip lands before it is applied.
    cluster.server->inject({Fault::Kind::kSlow, "PATCH", "api-ingress", 1, 0, 400});
    auto raced = onThread([&] { return sw->rollback(request()); });
    REQUIRE(cluster.server->awaitArrivals(1, "PATCH", "api-ingress"));  // ours, held
    auto ops = json::parse(R"([{"op":"replace",
      "path":"/spec/rules/0/http/paths/0/backend/service/name","value":"user-service-blue"}])");
    REQUIRE(other.jsonPatch(kube::ingressRef("production", "api-ingress"), ops.as_array()).ok());
    cluster.clock.advance(400);  // releases ours: its test fails now
    auto outcome = raced.get();
    REQUIRE(outcome.ok());
    CHECK(kindOf(outcome) == "already_blue");
    CHECK(log.contains("changed under us; already on blue"));
    CHECK(cluster.server->writes("api-ingress") == 1);
  }
  SUBCASE("already blue before we look: no patch at all") {
    auto ops = json::parse(R"([{"op":"replace",
      "path":"/spec/rules/0/http/paths/0/backend/service/name","value":"user-service-blue"}])");
    REQUIRE(other.jsonPatch(kube::ingressRef("production", "api-ingress"), ops.as_array()).ok());
    auto outcome = sw->rollback(request());
    REQUIRE(outcome.ok());
    CHECK(kindOf(outcome) == "already_blue");
    CHECK(cluster.server->writes("api-ingress") == 1);
  }
  SUBCASE("pointing at neither side is impossible, with the service named") {
    auto ops = json::parse(R"([{"op":"replace",
      "path":"/spec/rules/0/http/paths/0/backend/service/name","value":"maintenance-page"}])");
    REQUIRE(other.jsonPatch(kube::ingressRef("production", "api-ingress"), ops.as_array()).ok());
    auto outcome = sw->rollback(request());
    REQUIRE(outcome.ok());
    CHECK(kindOf(outcome) == "impossible");
    CHECK(outcome->detail ==
          "ingress production/api-ingress points at service \"maintenance-page\" at "
          "rules[0].http.paths[0], which is neither green (\"user-service-green\") nor blue "
          "(\"user-service-blue\")");
  }
}

TEST_CASE("a lost response to our own patch is recognised as our flip") {
  FakeCluster cluster;
  // The server applies the patch, then the gateway answers 504: the client retries, the
  // retried patch's test fails (422), and the switch finds its own annotations.
  auto sw = ingressSwitch(cluster);
  auto first = sw->rollback(request());
  REQUIRE(first.ok());
  auto retried = ingressSwitch(cluster)->rollback(request());
  REQUIRE(retried.ok());
  CHECK(kindOf(retried) == "flipped");
  CHECK(retried->detail.find("flipped to blue by an earlier attempt for this incident") !=
        std::string::npos);
  CHECK(cluster.server->writes("api-ingress") == 1);
}

TEST_CASE("configurable rule, path and blue port") {
  FakeCluster cluster;
  REQUIRE(cluster.server
              ->seed(R"({"apiVersion":"networking.k8s.io/v1","kind":"Ingress",
    "metadata":{"name":"api-ingress","namespace":"production"},
    "spec":{"rules":[{"host":"a","http":{"paths":[{"path":"/","pathType":"Prefix",
      "backend":{"service":{"name":"other","port":{"number":80}}}}]}},
     {"host":"b","http":{"paths":[{"path":"/x","pathType":"Prefix",
      "backend":{"service":{"name":"other","port":{"number":80}}}},
      {"path":"/","pathType":"Prefix",
      "backend":{"service":{"name":"user-service-green","port":{"name":"http-green"}}}}]}}]}})")
              .ok());
  auto settings = seedSettings();
  settings.rule = 1;
  settings.path = 1;
  settings.bluePort = "8081";
  auto sw = ingressSwitch(cluster, "nova-agent", settings);
  CHECK(sw->servicePointer() == "/spec/rules/1/http/paths/1/backend/service");
  auto outcome = sw->rollback(request());
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "flipped");
  auto object = cluster.server->object("ingresses", "production", "api-ingress");
  CHECK(object->at_pointer("/spec/rules/1/http/paths/1/backend/service") ==
        json::parse(R"({"name":"user-service-blue","port":{"number":8081}})"));
  CHECK(object->at_pointer("/spec/rules/0/http/paths/0/backend/service/name") == "other");
  // The annotation map did not exist: it was created whole.
  CHECK(object->at_pointer("/metadata/annotations").as_object().size() == 5);

  settings.rule = 3;
  auto missing = ingressSwitch(cluster, "nova-agent", settings)->rollback(request());
  REQUIRE(missing.ok());
  CHECK(kindOf(missing) == "impossible");
  CHECK(missing->detail ==
        "ingress production/api-ingress has no service backend at rules[3].http.paths[1]");
}

TEST_CASE("fault matrix: the right outcome and log line for each") {
  FakeCluster cluster;
  LogCapture log;
  auto sw = ingressSwitch(cluster);

  SUBCASE("429 with Retry-After, then flipped") {
    cluster.server->inject({Fault::Kind::kTooManyRequests, "PATCH", "", 1, 2});
    auto outcome = onThread([&] { return sw->rollback(request()); });
    cluster.passWaits({2000});
    CHECK(kindOf(outcome.get()) == "flipped");
    CHECK(retryWaits(log) == std::vector<DurationMs>{2000});
    CHECK(log.contains("HTTP 429 TooManyRequests"));
    CHECK(log.contains("warning traffic: flipped ingress production/api-ingress"));
  }
  SUBCASE("500 then flipped") {
    cluster.server->inject({Fault::Kind::kInternalError, "PATCH", "", 1});
    auto outcome = onThread([&] { return sw->rollback(request()); });
    cluster.passWaits({75});
    CHECK(kindOf(outcome.get()) == "flipped");
    CHECK(log.contains("HTTP 500 InternalError"));
  }
  SUBCASE("503 on the read then flipped") {
    cluster.server->inject({Fault::Kind::kServiceUnavailable, "GET", "", 1, 1});
    auto outcome = onThread([&] { return sw->rollback(request()); });
    cluster.passWaits({1000});
    CHECK(kindOf(outcome.get()) == "flipped");
    CHECK(log.contains("HTTP 503 ServiceUnavailable"));
  }
  SUBCASE("reset on the patch then flipped") {
    // Two resets: libcurl itself re-sends once when a reused connection dies unanswered.
    cluster.server->inject({Fault::Kind::kReset, "PATCH", "", 2});
    auto outcome = onThread([&] { return sw->rollback(request()); });
    cluster.passWaits({75});
    CHECK(kindOf(outcome.get()) == "flipped");
    CHECK(log.contains("no response"));
  }
  SUBCASE("slow beyond the timeout then flipped") {
    // A real socket timeout (300 ms of real time) ends our PATCH while the server holds it.
    // The client waits its backoff on its own clock while the server's clock releases the
    // held patch, which is applied after the client gave up; the retry's test then fails and
    // the switch recognises its own annotations.
    ManualClock clientClock(0);
    KubeTarget target;
    target.ref = kube::ingressRef("production", "api-ingress");
    auto options = cluster.options();
    options.timeout = 300;
    KubeIngressSwitch slow(
        std::make_unique<kube::Client>(cluster.config(), clientClock, cluster.random, options),
        target, seedSettings());
    cluster.server->inject({Fault::Kind::kSlow, "PATCH", "", 1, 0, 1000});
    auto outcome = onThread([&] { return slow.rollback(request()); });
    REQUIRE(cluster.server->awaitArrivals(1, "PATCH"));
    REQUIRE(clientClock.awaitWaiters(1));  // timed out, backing off
    cluster.clock.advance(1000);
    REQUIRE(cluster.server->awaitAnswers(1, "PATCH"));
    clientClock.advance(75);
    auto result = outcome.get();
    REQUIRE(result.ok());
    CHECK(kindOf(result) == "flipped");
    CHECK(result->detail.find("flipped to blue by an earlier attempt for this incident") !=
          std::string::npos);
    CHECK(log.contains("Timeout was reached"));
    CHECK(cluster.ingressService() == "user-service-blue");
  }
  SUBCASE("503 that never ends is an error the agent retries") {
    cluster.server->inject({Fault::Kind::kServiceUnavailable, "", "", 100, 0});
    auto outcome = onThread([&] { return sw->rollback(request()); });
    cluster.passWaits({75, 150, 300, 600});
    auto result = outcome.get();
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::kUnavailable);
    CHECK(result.error().message ==
          "get on ingresses/api-ingress in production: HTTP 503 ServiceUnavailable: the server "
          "is currently unable to handle the request (after 5 attempts)");
  }
  SUBCASE("401 is a clear error, not retried") {
    KubeTarget target;
    target.ref = kube::ingressRef("production", "api-ingress");
    KubeIngressSwitch bad(cluster.client("expired"), target, seedSettings());
    auto outcome = bad.rollback(request());
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.error().code == ErrorCode::kRefused);
    CHECK(outcome.error().message ==
          "unauthorized: the API server refused our credentials for get on "
          "ingresses/api-ingress in production: Unauthorized");
    CHECK(retryWaits(log).empty());
    CHECK(log.contains("error kube: unauthorized"));
  }
  SUBCASE("403 is impossible, with the RBAC message") {
    cluster.server->forbid("patch", "ingresses");
    auto outcome = sw->rollback(request());
    REQUIRE(outcome.ok());
    CHECK(kindOf(outcome) == "impossible");
    CHECK(outcome->detail.starts_with(
        "RBAC forbids patch on ingresses/api-ingress in production: ingresses.networking.k8s.io "
        "\"api-ingress\" is forbidden: User \"system:serviceaccount:production:nova-agent\" "
        "cannot patch resource \"ingresses\""));
    CHECK(retryWaits(log).empty());
    CHECK(log.contains("error kube: RBAC forbids patch on ingresses/api-ingress in production"));
  }
  SUBCASE("404 is impossible") {
    KubeTarget target;
    target.ref = kube::ingressRef("production", "no-such-ingress");
    KubeIngressSwitch missing(cluster.client(), target, seedSettings());
    auto outcome = missing.rollback(request());
    REQUIRE(outcome.ok());
    CHECK(kindOf(outcome) == "impossible");
    CHECK(outcome->detail.find("not found") != std::string::npos);
  }
}

}  // namespace nova::traffic
