#include "nova/fake_kube/fake_kube.h"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "kube_fixture.h"
#include "nova/http/client.h"

namespace nova::fake_kube {

namespace json = boost::json;
using kube::test::FakeCluster;

namespace {

http::Response call(FakeCluster& cluster, const std::string& method, const std::string& path,
                    const std::string& contentType = "", const std::string& body = "",
                    const std::string& token = "T") {
  http::Client client;
  http::Request request;
  request.method = method;
  request.url = cluster.server->url() + path;
  request.body = body;
  request.headers = {{"Authorization", "Bearer " + token}};
  if (!contentType.empty()) {
    request.headers.emplace_back("Content-Type", contentType);
  }
  auto response = client.perform(request);
  REQUIRE(response.ok());
  return *response;
}

const std::string kIngress =
    "/apis/networking.k8s.io/v1/namespaces/production/ingresses/api-ingress";
const std::string kRoute =
    "/apis/gateway.networking.k8s.io/v1/namespaces/production/httproutes/api-route";

}  // namespace

TEST_CASE("JSON patch: every RFC 6902 op, all or nothing, 422 exactly as the API server") {
  FakeCluster cluster;
  auto ok = call(cluster, "PATCH", kIngress, "application/json-patch+json", R"([
    {"op":"test","path":"/spec/ingressClassName","value":"nginx"},
    {"op":"add","path":"/metadata/annotations/a~1b~0c","value":"x"},
    {"op":"copy","from":"/spec/rules/0/host","path":"/metadata/labels"},
    {"op":"move","from":"/metadata/labels","path":"/metadata/annotations/moved"},
    {"op":"add","path":"/spec/rules/-","value":{"host":"second"}},
    {"op":"remove","path":"/spec/rules/1"},
    {"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port/number","value":9090}
  ])");
  REQUIRE(ok.status == 200);
  auto doc = json::parse(ok.body);
  CHECK(doc.at_pointer("/metadata/annotations/a~1b~0c") == "x");
  CHECK(doc.at_pointer("/metadata/annotations/moved") == "api.nova-social.io");
  CHECK(doc.at_pointer("/spec/rules").as_array().size() == 1);
  CHECK(doc.at_pointer("/spec/rules/0/http/paths/0/backend/service/port/number") == 9090);
  CHECK(doc.at_pointer("/metadata/generation") == 2);

  const std::string rv(doc.at_pointer("/metadata/resourceVersion").as_string());
  auto failed = call(cluster, "PATCH", kIngress, "application/json-patch+json", R"([
    {"op":"replace","path":"/spec/ingressClassName","value":"changed"},
    {"op":"test","path":"/spec/rules/0/http/paths/0/backend/service/name","value":"nope"}])");
  CHECK(failed.status == 422);
  CHECK(json::parse(failed.body) ==
        json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
          "message":"the server rejected our request due to an error in our request",
          "reason":"Invalid","details":{},"code":422})"));
  auto after = cluster.server->object("ingresses", "production", "api-ingress");
  CHECK(after->at_pointer("/spec/ingressClassName") == "nginx");  // nothing applied
  CHECK(after->at_pointer("/metadata/resourceVersion") == json::value(rv));

  for (const char* bad : {R"([{"op":"remove","path":"/spec/nothing"}])",
                          R"([{"op":"add","path":"/no/parent","value":1}])",
                          R"([{"op":"replace","path":"/spec/rules/7","value":1}])",
                          R"([{"op":"frobnicate","path":"/spec"}])"}) {
    CHECK(call(cluster, "PATCH", kIngress, "application/json-patch+json", bad).status == 422);
  }
  CHECK(call(cluster, "PATCH", kIngress, "application/json-patch+json", "{}").status == 400);
}

TEST_CASE("merge patch, strategic merge on a CRD, PUT with a stale resourceVersion") {
  FakeCluster cluster;
  auto merged = call(cluster, "PATCH", kRoute, "application/merge-patch+json",
                     R"({"spec":{"hostnames":null,"rules":[{"backendRefs":[{"name":"b"}]}]}})");
  REQUIRE(merged.status == 200);
  auto doc = json::parse(merged.body);
  CHECK(doc.at_pointer("/spec").as_object().if_contains("hostnames") == nullptr);
  CHECK(doc.at_pointer("/spec/rules/0/backendRefs").as_array().size() == 1);  // replaced whole
  CHECK(doc.at_pointer("/spec/parentRefs/0/name") == "public-gateway");

  auto strategic = call(cluster, "PATCH", kRoute, "application/strategic-merge-patch+json", "{}");
  CHECK(strategic.status == 415);
  CHECK(json::parse(strategic.body).at("reason") == "UnsupportedMediaType");

  auto stale = call(cluster, "PUT", kIngress, "application/json",
                    R"({"apiVersion":"networking.k8s.io/v1","kind":"Ingress",
                        "metadata":{"name":"api-ingress","resourceVersion":"1"}})");
  CHECK(stale.status == 409);
  CHECK(json::parse(stale.body).at("reason") == "Conflict");
}

TEST_CASE("the simulated controller makes readyReplicas follow a scale after the delay") {
  FakeCluster cluster;
  cluster.server->setReadyDelay(150);
  const std::string scale =
      "/apis/apps/v1/namespaces/production/deployments/user-service-blue/scale";
  auto empty = json::parse(call(cluster, "GET", scale).body);
  CHECK(empty.at_pointer("/spec").as_object().empty());  // replicas 0 is omitted

  auto put = empty;
  put.as_object()["spec"] = json::object{{"replicas", 2}};
  CHECK(call(cluster, "PUT", scale, "application/json", json::serialize(put)).status == 200);
  auto scaling = cluster.server->object("deployments", "production", "user-service-blue");
  CHECK(scaling->at_pointer("/spec/replicas") == 2);
  CHECK(scaling->at_pointer("/status").as_object().if_contains("readyReplicas") == nullptr);

  cluster.clock.advance(149);
  auto early = cluster.server->object("deployments", "production", "user-service-blue");
  CHECK(early->at_pointer("/status").as_object().if_contains("readyReplicas") == nullptr);
  cluster.clock.advance(1);
  auto ready = cluster.server->object("deployments", "production", "user-service-blue");
  CHECK(ready->at_pointer("/status/readyReplicas") == 2);
  CHECK(ready->at_pointer("/status/availableReplicas") == 2);

  // The PUT used the resourceVersion read before the controller wrote status.
  CHECK(call(cluster, "PUT", scale, "application/json", json::serialize(put)).status == 409);
}

TEST_CASE("auth, RBAC, lists and discovery") {
  FakeCluster cluster;
  CHECK(call(cluster, "GET", kIngress, "", "", "wrong").status == 401);
  auto list = json::parse(
      call(cluster, "GET", "/apis/networking.k8s.io/v1/namespaces/production/ingresses").body);
  CHECK(list.at("kind") == "IngressList");
  CHECK(list.at("items").as_array().size() == 2);

  cluster.server->forbid("get", "deployments");
  auto denied = call(cluster, "GET", "/apis/apps/v1/namespaces/production/deployments/x");
  CHECK(denied.status == 403);
  CHECK(json::parse(denied.body).at("message") ==
        "deployments.apps \"x\" is forbidden: User \"system:serviceaccount:production:nova-agent\" "
        "cannot get resource \"deployments\" in API group \"apps\" in the namespace "
        "\"production\"");

  auto groups = json::parse(call(cluster, "GET", "/apis").body);
  CHECK(groups.at("kind") == "APIGroupList");
  auto apps = json::parse(call(cluster, "GET", "/apis/apps/v1").body);
  bool scale = false;
  for (const auto& r : apps.at("resources").as_array()) {
    scale = scale || r.at("name") == "deployments/scale";
  }
  CHECK(scale);
  CHECK(call(cluster, "GET", "/apis/nothing.example/v1").status == 404);
}

}  // namespace nova::fake_kube
