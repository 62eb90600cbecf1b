#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <thread>

#include "kube_fixture.h"
#include "nova/traffic/kube_canary_switch.h"
#include "nova/traffic/kube_httproute_switch.h"
#include "switch_fixture.h"

namespace nova::traffic {

namespace json = boost::json;
using fake_kube::Fault;
using kube::test::FakeCluster;
using kube::test::onThread;
using test::backendOf;
using test::kindOf;

namespace {

std::unique_ptr<KubeHttpRouteSwitch> routeSwitch(FakeCluster& cluster, std::int64_t blue = 100,
                                                 std::int64_t green = 0,
                                                 const std::string& agent = "nova-agent") {
  KubeTarget target;
  target.ref = kube::httpRouteRef("production", "api-route");
  target.agentName = agent;
  HttpRouteSwitchSettings s{"user-service-green", "user-service-blue", 0, blue, green};
  return std::make_unique<KubeHttpRouteSwitch>(cluster.client(), target, s);
}

std::unique_ptr<KubeCanarySwitch> canarySwitch(FakeCluster& cluster, CanarySwitchSettings s) {
  KubeTarget target;
  target.ref = kube::ingressRef("production", "api-ingress-canary");
  return std::make_unique<KubeCanarySwitch>(cluster.client(), target, s);
}

const RollbackRequest kRequest{"inc-9", "high: error rate", "agent", 1764218376000};

json::value weights(FakeCluster& cluster) {
  auto route = cluster.server->object("httproutes", "production", "api-route");
  json::array out;
  for (const auto& ref : route->at_pointer("/spec/rules/0/backendRefs").as_array()) {
    out.push_back(ref.as_object().at("weight"));
  }
  return out;
}

std::string canaryAnnotation(FakeCluster& cluster, const std::string& key) {
  auto ingress = cluster.server->object("ingresses", "production", "api-ingress-canary");
  return std::string(ingress->at_pointer("/metadata/annotations").as_object().at(key).as_string());
}

}  // namespace

TEST_CASE("HTTPRoute: weights to blue 100 / green 0, tested against what was read") {
  FakeCluster cluster;
  auto sw = routeSwitch(cluster);
  CHECK(backendOf(sw->current()) == "green");
  auto outcome = sw->rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "flipped");
  CHECK(outcome->detail ==
        "httproute production/api-route: weights blue 0 / green 100 -> weights blue 100 / green "
        "0 (incident inc-9)");
  CHECK(weights(cluster) == json::parse("[100, 0]"));
  auto patch = cluster.server->requests().back();
  CHECK(json::parse(patch.body).as_array()[0].at("op") == "test");
  CHECK(backendOf(sw->current()) == "blue");
  CHECK(kindOf(sw->rollback(kRequest)) == "flipped");  // ours, recognised
  CHECK(kindOf(routeSwitch(cluster, 100, 0, "other")->rollback(kRequest)) == "already_blue");
  CHECK(cluster.server->writes("api-route") == 1);
}

TEST_CASE("HTTPRoute: a staged rollback sets 75/25 and counts as done there") {
  FakeCluster cluster;
  auto sw = routeSwitch(cluster, 75, 25);
  REQUIRE(kindOf(sw->rollback(kRequest)) == "flipped");
  CHECK(weights(cluster) == json::parse("[75, 25]"));
  CHECK(backendOf(sw->current()) == "blue");
}

TEST_CASE("HTTPRoute: racing agents flip once; a missing backend is impossible") {
  FakeCluster cluster;
  auto a = routeSwitch(cluster, 100, 0, "a");
  auto b = routeSwitch(cluster, 100, 0, "b");
  Result<SwitchOutcome> ra = Error(ErrorCode::kInternal, "not run");
  Result<SwitchOutcome> rb = Error(ErrorCode::kInternal, "not run");
  std::thread ta([&] { ra = a->rollback({"x", "r", "agent", 1}); });
  std::thread tb([&] { rb = b->rollback({"y", "r", "agent", 1}); });
  ta.join();
  tb.join();
  REQUIRE(ra.ok());
  REQUIRE(rb.ok());
  CHECK((ra->kind == SwitchOutcome::Kind::kFlipped) + (rb->kind == SwitchOutcome::Kind::kFlipped) ==
        1);
  CHECK(cluster.server->writes("api-route") == 1);

  KubeTarget target;
  target.ref = kube::httpRouteRef("production", "api-route");
  KubeHttpRouteSwitch wrong(cluster.client(), target, {"user-service-green", "user-service-v0"});
  auto outcome = wrong.rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "impossible");
  CHECK(outcome->detail ==
        "httproute production/api-route: rules[0].backendRefs lacks the blue "
        "backend (\"user-service-v0\")");
}

TEST_CASE("ingress-nginx canary: the runbook's staged 25%, then off") {
  FakeCluster cluster;
  auto staged = canarySwitch(cluster, {25, false});
  CHECK(staged->current()->detail ==
        "ingress production/api-ingress-canary: canary on, weight 100");
  auto outcome = staged->rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(kindOf(outcome) == "flipped");
  CHECK(canaryAnnotation(cluster, "nginx.ingress.kubernetes.io/canary-weight") == "25");
  CHECK(canaryAnnotation(cluster, "nova.rollout/rollback-incident") == "inc-9");
  CHECK(backendOf(staged->current()) == "blue");

  auto off = canarySwitch(cluster, {0, true});
  CHECK(backendOf(off->current()) == "green");
  auto offOutcome = off->rollback({"inc-10", "critical", "agent", 1});
  REQUIRE(offOutcome.ok());
  CHECK(kindOf(offOutcome) == "flipped");
  CHECK(canaryAnnotation(cluster, "nginx.ingress.kubernetes.io/canary") == "false");
  CHECK(canaryAnnotation(cluster, "nginx.ingress.kubernetes.io/canary-weight") == "0");
  CHECK(kindOf(off->rollback({"inc-11", "critical", "agent", 1})) == "already_blue");
  CHECK(cluster.server->writes("api-ingress-canary") == 2);
}

TEST_CASE(
    "HTTPRoute changed under us but still on green: a conflict to retry, not a second patch") {
  FakeCluster cluster;
  auto sw = routeSwitch(cluster);
  kube::Client other(cluster.config(), cluster.clock, cluster.random, cluster.options());
  cluster.server->inject({Fault::Kind::kSlow, "PATCH", "api-route", 1, 0, 100});
  auto raced = onThread([&] { return sw->rollback(kRequest); });
  REQUIRE(cluster.server->awaitArrivals(1, "PATCH", "api-route"));  // ours, held
  // Someone else shifts a little weight, leaving blue at 0: traffic is still on green.
  auto ops = json::parse(R"([{"op":"replace","path":"/spec/rules/0/backendRefs/1/weight",
                              "value":90}])");
  REQUIRE(other.jsonPatch(kube::httpRouteRef("production", "api-route"), ops.as_array()).ok());
  cluster.clock.advance(100);
  auto result = raced.get();
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kConflict);
  CHECK(result.error().message ==
        "httproute production/api-route: the patch's test failed (422) but it still points at "
        "green (weights blue 0 / green 90); will retry");
  CHECK(weights(cluster) == json::parse("[0, 90]"));
}

TEST_CASE("objects that are not as configured are invalid input, named") {
  FakeCluster cluster;
  KubeTarget route;
  route.ref = kube::httpRouteRef("production", "api-route");
  KubeHttpRouteSwitch noRule(cluster.client(), route,
                             {"user-service-green", "user-service-blue", 3, 100, 0});
  auto state = noRule.current();
  REQUIRE_FALSE(state.ok());
  CHECK(state.error().code == ErrorCode::kInvalidInput);
  CHECK(state.error().message == "httproute production/api-route has no rules[3].backendRefs");

  REQUIRE(cluster.server
              ->seed(R"({"apiVersion":"networking.k8s.io/v1","kind":"Ingress",
                 "metadata":{"name":"api-ingress-canary","namespace":"production",
                   "annotations":{"nginx.ingress.kubernetes.io/canary":"true",
                                  "nginx.ingress.kubernetes.io/canary-weight":"lots"}}})")
              .ok());
  auto canary = canarySwitch(cluster, {0, false})->current();
  REQUIRE_FALSE(canary.ok());
  CHECK(canary.error().code == ErrorCode::kInvalidInput);
  CHECK(canary.error().message ==
        "ingress production/api-ingress-canary: annotation "
        "nginx.ingress.kubernetes.io/canary-weight is not a whole number");
}

}  // namespace nova::traffic
