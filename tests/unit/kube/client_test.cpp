#include "nova/kube/client.h"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>

#include "kube_fixture.h"

namespace nova::kube {

namespace json = boost::json;
using fake_kube::Fault;
using test::FakeCluster;
using test::LogCapture;
using test::onThread;
using test::retryWaits;

namespace {

json::array replaceWithBlue() {
  return json::parse(R"([{"op": "replace",
    "path": "/spec/rules/0/http/paths/0/backend/service/name", "value": "user-service-blue"}])")
      .as_array();
}

}  // namespace

TEST_CASE("get and JSON patch an Ingress; resourceVersion changes on every write") {
  FakeCluster cluster;
  auto client = cluster.client();
  auto before = client->get(ingressRef("production", "api-ingress"));
  REQUIRE(before.ok());
  const std::string rv1(before->at_pointer("/metadata/resourceVersion").as_string());

  auto patched = client->jsonPatch(ingressRef("production", "api-ingress"), replaceWithBlue());
  REQUIRE(patched.ok());
  CHECK(patched->at_pointer("/spec/rules/0/http/paths/0/backend/service/name") ==
        "user-service-blue");
  const std::string rv2(patched->at_pointer("/metadata/resourceVersion").as_string());
  CHECK(rv2 != rv1);
  CHECK(cluster.ingressService() == "user-service-blue");

  auto merged = client->mergePatch(ingressRef("production", "api-ingress"),
                                   json::parse(R"({"metadata":{"annotations":{"a/b":"1"}}})"));
  REQUIRE(merged.ok());
  CHECK(merged->at_pointer("/metadata/annotations/a~1b") == "1");
  CHECK(merged->at_pointer("/metadata/annotations/kubernetes.io~1ingress.class") == "nginx");
  CHECK(std::string(merged->at_pointer("/metadata/resourceVersion").as_string()) != rv2);

  auto requests = cluster.server->requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[1].method == "PATCH");
  CHECK(requests[1].contentType == "application/json-patch+json");
  CHECK(requests[2].contentType == "application/merge-patch+json");
  CHECK(requests[1].path ==
        "/apis/networking.k8s.io/v1/namespaces/production/ingresses/api-ingress");
}

TEST_CASE("the scale subresource reads 0 from an empty spec and sets replicas") {
  FakeCluster cluster;
  auto client = cluster.client();
  auto replicas = client->getScale("production", "user-service-blue");
  REQUIRE(replicas.ok());
  CHECK(*replicas == 0);
  auto scaled = client->setScale("production", "user-service-blue", 3);
  REQUIRE(scaled.ok());
  CHECK(scaled->at_pointer("/kind") == "Scale");
  CHECK(scaled->at_pointer("/apiVersion") == "autoscaling/v1");
  CHECK(scaled->at_pointer("/spec/replicas") == 3);
  CHECK(scaled->at_pointer("/status/selector") == "app=user-service,version=blue");
  CHECK(*client->getScale("production", "user-service-blue") == 3);
  auto deployment = cluster.server->object("deployments", "production", "user-service-blue");
  CHECK(deployment->at_pointer("/spec/replicas") == 3);
}

TEST_CASE("Status errors become typed errors naming verb and object, without retries") {
  FakeCluster cluster;
  auto client = cluster.client();
  LogCapture log;

  SUBCASE("a failed test is 422 Invalid with the fixed server text") {
    auto ops = json::parse(R"([{"op":"test",
      "path":"/spec/rules/0/http/paths/0/backend/service/name","value":"user-service-blue"}])");
    auto result = client->jsonPatch(ingressRef("production", "api-ingress"), ops.as_array());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().status == 422);
    CHECK(result.error().code() == ErrorCode::kConflict);
    CHECK(result.error().reason == "Invalid");
    CHECK(result.error().message ==
          "the server rejected our request due to an error in our request");
    CHECK(result.error().summary ==
          "patch on ingresses/api-ingress in production: rejected as invalid (422 Invalid): the "
          "server rejected our request due to an error in our request");
  }
  SUBCASE("403 quotes the RBAC message") {
    cluster.server->forbid("patch", "ingresses");
    auto result = client->jsonPatch(ingressRef("production", "api-ingress"), replaceWithBlue());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().status == 403);
    CHECK(result.error().code() == ErrorCode::kRefused);
    CHECK(result.error().definite());
    CHECK(result.error().summary ==
          "RBAC forbids patch on ingresses/api-ingress in production: "
          "ingresses.networking.k8s.io \"api-ingress\" is forbidden: User "
          "\"system:serviceaccount:production:nova-agent\" cannot patch resource \"ingresses\" "
          "in API group \"networking.k8s.io\" in the namespace \"production\"");
    CHECK(log.contains("error kube: RBAC forbids patch on ingresses/api-ingress in production"));
  }
  SUBCASE("404") {
    auto result = client->get(ingressRef("production", "missing"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().status == 404);
    CHECK(result.error().code() == ErrorCode::kNotFound);
    CHECK(result.error().definite());
    CHECK(result.error().reason == "NotFound");
    CHECK(result.error().summary ==
          "get on ingresses/missing in production: not found: ingresses.networking.k8s.io "
          "\"missing\" not found");
  }
  SUBCASE("409 from a stale resourceVersion in a merge patch") {
    auto result = client->mergePatch(ingressRef("production", "api-ingress"),
                                     json::parse(R"({"metadata":{"resourceVersion":"1"}})"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().status == 409);
    CHECK(result.error().code() == ErrorCode::kConflict);
    CHECK(result.error().summary.find("conflict: Operation cannot be fulfilled on "
                                      "ingresses.networking.k8s.io \"api-ingress\": the object "
                                      "has been modified") != std::string::npos);
  }
  SUBCASE("401 with a fixed token is not retried") {
    auto bad = cluster.client("wrong");
    auto result = bad->get(ingressRef("production", "api-ingress"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().status == 401);
    CHECK(result.error().code() == ErrorCode::kRefused);
    CHECK_FALSE(result.error().definite());
    CHECK(
        result.error().summary.starts_with("unauthorized: the API server refused our "
                                           "credentials for get on ingresses/api-ingress"));
  }
  CHECK(retryWaits(log).empty());
  CHECK(cluster.server->writes("api-ingress") == 0);
}

TEST_CASE("429, 500, 503, 504, slow answers and resets are retried with backoff, on the clock") {
  FakeCluster cluster;
  LogCapture log;
  const auto ref = ingressRef("production", "api-ingress");
  auto client = cluster.client();

  SUBCASE("429 honours Retry-After") {
    cluster.server->inject({Fault::Kind::kTooManyRequests, "PATCH", "", 2, 3});
    auto call = onThread([&] { return client->jsonPatch(ref, replaceWithBlue()); });
    cluster.passWaits({3000, 3000});
    REQUIRE(call.get().ok());
    CHECK(retryWaits(log) == std::vector<DurationMs>{3000, 3000});
    CHECK(
        log.contains("warning kube: patch on ingresses/api-ingress in production: HTTP 429 "
                     "TooManyRequests: Too many requests, please try again later.; retrying "
                     "in 3000 ms (attempt 2 of 5)"));
  }
  SUBCASE("Retry-After is capped") {
    cluster.server->inject({Fault::Kind::kServiceUnavailable, "", "", 1, 3600});
    auto call = onThread([&] { return client->get(ref); });
    cluster.passWaits({10 * kSecond});
    REQUIRE(call.get().ok());
    CHECK(retryWaits(log) == std::vector<DurationMs>{10 * kSecond});
  }
  SUBCASE("500 and 504 back off exponentially with jitter") {
    cluster.server->inject({Fault::Kind::kInternalError, "", "", 2});
    cluster.server->inject({Fault::Kind::kGatewayTimeout, "", "", 1});
    auto call = onThread([&] { return client->get(ref); });
    // half of 100, 200, 400 plus half of the other half (random 0.5)
    cluster.passWaits({75, 150, 300});
    REQUIRE(call.get().ok());
    CHECK(retryWaits(log) == std::vector<DurationMs>{75, 150, 300});
    CHECK(log.contains("HTTP 500 InternalError: Internal error occurred"));
    CHECK(log.contains("HTTP 504 Timeout"));
  }
  SUBCASE("a connection reset is retried") {
    cluster.server->inject({Fault::Kind::kReset, "PATCH", "", 1});
    auto call = onThread([&] { return client->jsonPatch(ref, replaceWithBlue()); });
    cluster.passWaits({75});
    REQUIRE(call.get().ok());
    CHECK(log.contains("no response"));
    CHECK(cluster.server->writes("api-ingress") == 1);
  }
  SUBCASE("a slow answer times out and is retried") {
    // A real socket timeout (300 ms of real time): the transport's own bound, not a wait of
    // ours. The held request stays held on the server's clock, which is never advanced that
    // far; the retry is served at once.
    cluster.server->inject({Fault::Kind::kSlow, "GET", "", 1, 0, 1500});
    ClientOptions options = cluster.options();
    options.timeout = 300;
    Client slow(cluster.config(), cluster.clock, cluster.random, options);
    auto call = onThread([&] { return slow.get(ref); });
    cluster.passWaits({75}, /*sleepers=*/2);  // the held request and the client's backoff
    auto result = call.get();
    REQUIRE(result.ok());
    CHECK(log.contains("no response: GET"));
    CHECK(log.contains("Timeout was reached"));
  }
  SUBCASE("attempts run out") {
    cluster.server->inject({Fault::Kind::kServiceUnavailable, "", "", 10, 0});
    auto call = onThread([&] { return client->get(ref); });
    cluster.passWaits({75, 150, 300, 600});
    auto result = call.get();
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().status == 503);
    CHECK(result.error().code() == ErrorCode::kUnavailable);
    CHECK(result.error().toError().code == ErrorCode::kUnavailable);
    CHECK(result.error().attempts == 5);
    CHECK(result.error().summary ==
          "get on ingresses/api-ingress in production: HTTP 503 ServiceUnavailable: the server "
          "is currently unable to handle the request (after 5 attempts)");
    CHECK(retryWaits(log) == std::vector<DurationMs>{75, 150, 300, 600});
  }
  SUBCASE("a refused connection is a transport error, retried, then given up") {
    ClusterConfig closed = cluster.config();
    closed.server = "http://127.0.0.1:1";
    ClientOptions options = cluster.options();
    options.retry.attempts = 2;
    Client nowhere(closed, cluster.clock, cluster.random, options);
    auto call = onThread([&] { return nowhere.get(ref); });
    REQUIRE(cluster.clock.awaitWaiters(1));
    cluster.clock.advance(75);
    auto result = call.get();
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().status == 0);
    CHECK(result.error().code() == ErrorCode::kTransport);
    CHECK(result.error().transport());
    CHECK(result.error().summary.starts_with(
        "get on ingresses/api-ingress in production: no response: GET http://127.0.0.1:1/"));
    CHECK(result.error().summary.ends_with("(after 2 attempts)"));
  }
}

TEST_CASE("a rotated token file is re-read after a 401 and the call retried once") {
  FakeCluster cluster;
  char pattern[] = "/tmp/nova-kube-token-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  const std::string path = dir + "/token";
  std::ofstream(path) << "old-token\n";
  cluster.server->setTokens({"old-token"});

  ClusterConfig config = cluster.config("");
  config.tokenFile = path;
  Client client(config, cluster.clock, cluster.random, cluster.options());
  REQUIRE(client.get(ingressRef("production", "api-ingress")).ok());

  // The kubelet rotates the token and the server stops accepting the old one, well before
  // the periodic reload would notice.
  std::ofstream(path) << "new-token\n";
  cluster.server->setTokens({"new-token"});
  LogCapture log;
  auto after = client.get(ingressRef("production", "api-ingress"));
  REQUIRE(after.ok());
  CHECK(log.contains("holds a new token; retrying with it"));
  CHECK(retryWaits(log).empty());

  // An expired token that was not rotated: a clear 401, one attempt.
  cluster.server->setTokens({"newer"});
  auto expired = client.get(ingressRef("production", "api-ingress"));
  REQUIRE_FALSE(expired.ok());
  CHECK(expired.error().status == 401);
  CHECK(expired.error().code() == ErrorCode::kRefused);
  auto codes = cluster.server->requests();
  CHECK(codes.back().status == 401);
  std::filesystem::remove_all(dir);
}

}  // namespace nova::kube
