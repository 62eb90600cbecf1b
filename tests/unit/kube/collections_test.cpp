// list, create and delete through the client against the fake API server: selectors,
// pages, the list's resourceVersion, and the Status answers of each (404, 409, 410, 422).
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include "kube_fixture.h"
#include "nova/kube/client.h"

namespace nova::kube {

namespace json = boost::json;
using test::FakeCluster;

namespace {

const CollectionRef kLeases{"coordination.k8s.io", "v1", "leases", "agents"};

json::value lease(const std::string& name, const std::string& role) {
  return json::value{{"apiVersion", "coordination.k8s.io/v1"},
                     {"kind", "Lease"},
                     {"metadata", {{"name", name}, {"labels", {{"role", role}}}}},
                     {"spec", {{"holderIdentity", name + "-holder"}}}};
}

std::vector<std::string> names(const ObjectList& list) {
  std::vector<std::string> out;
  for (const auto& item : list.items) {
    out.emplace_back(item.at_pointer("/metadata/name").as_string());
  }
  return out;
}

// Four leases in "agents": a, b and d lead; c follows.
void seedLeases(FakeCluster& cluster, Client& client) {
  for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
           {"a", "leader"}, {"b", "leader"}, {"c", "follower"}, {"d", "leader"}}) {
    REQUIRE(client.create(kLeases, lease(name, role)).ok());
  }
  REQUIRE(cluster.server->writes("/leases") == 4);
}

}  // namespace

TEST_CASE("create answers the object as stored; a taken name is 409 AlreadyExists") {
  FakeCluster cluster;
  auto client = cluster.client();
  auto created = client->create(kLeases, lease("agent-lock", "leader"));
  REQUIRE(created.ok());
  CHECK(created->at_pointer("/metadata/namespace") == "agents");
  CHECK(created->at_pointer("/metadata/uid").as_string().size() > 0);
  CHECK(created->at_pointer("/metadata/resourceVersion").as_string().size() > 0);
  // The fake's clock: 2025-11-27T04:39:36Z, without a fraction as metav1.Time writes it.
  CHECK(created->at_pointer("/metadata/creationTimestamp") == "2025-11-27T04:39:36Z");
  CHECK(created->at_pointer("/spec/holderIdentity") == "agent-lock-holder");
  auto requests = cluster.server->requests();
  CHECK(requests.back().method == "POST");
  CHECK(requests.back().path == "/apis/coordination.k8s.io/v1/namespaces/agents/leases");
  CHECK(requests.back().status == 201);

  auto again = client->create(kLeases, lease("agent-lock", "leader"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().status == 409);
  CHECK(again.error().reason == "AlreadyExists");
  CHECK(again.error().code() == ErrorCode::kConflict);
  CHECK(again.error().summary ==
        "create on leases/agent-lock in agents: conflict: leases.coordination.k8s.io "
        "\"agent-lock\" already exists");

  auto nameless = client->create(kLeases, json::parse(R"({"kind":"Lease","metadata":{}})"));
  REQUIRE_FALSE(nameless.ok());
  CHECK(nameless.error().status == 422);
  CHECK(nameless.error().code() == ErrorCode::kConflict);
  CHECK(nameless.error().message ==
        "Lease.coordination.k8s.io \"\" is invalid: metadata.name: Required value: name or "
        "generateName is required");

  auto elsewhere = client->create(
      kLeases, json::parse(R"({"kind":"Lease","metadata":{"name":"x","namespace":"other"}})"));
  REQUIRE_FALSE(elsewhere.ok());
  CHECK(elsewhere.error().status == 400);
  CHECK(elsewhere.error().code() == ErrorCode::kInvalidInput);
}

TEST_CASE("list returns the items, the list's resourceVersion, and filters by label and field") {
  FakeCluster cluster;
  auto client = cluster.client();
  seedLeases(cluster, *client);

  auto all = client->list(kLeases);
  REQUIRE(all.ok());
  CHECK(names(*all) == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(all->continueToken.empty());
  CHECK_FALSE(all->resourceVersion.empty());
  // Items of a built-in type carry no kind of their own, as the real server writes them.
  CHECK(all->items[0].as_object().if_contains("kind") == nullptr);

  // The list's resourceVersion moves with every write to the store.
  REQUIRE(client->create(kLeases, lease("e", "follower")).ok());
  auto later = client->list(kLeases);
  REQUIRE(later.ok());
  CHECK(later->resourceVersion != all->resourceVersion);

  auto leaders = client->list(kLeases, {.labelSelector = "role=leader"});
  REQUIRE(leaders.ok());
  CHECK(names(*leaders) == std::vector<std::string>{"a", "b", "d"});
  auto others = client->list(kLeases, {.labelSelector = "role notin (leader), !missing"});
  REQUIRE(others.ok());
  CHECK(names(*others) == std::vector<std::string>{"c", "e"});
  auto notLeaders = client->list(kLeases, {.labelSelector = "role!=leader,role"});
  REQUIRE(notLeaders.ok());
  CHECK(names(*notLeaders) == std::vector<std::string>{"c", "e"});
  auto either = client->list(kLeases, {.labelSelector = "role in (follower, nobody)"});
  REQUIRE(either.ok());
  CHECK(names(*either) == std::vector<std::string>{"c", "e"});
  auto named = client->list(kLeases, {.fieldSelector = "metadata.name==b"});
  REQUIRE(named.ok());
  CHECK(names(*named) == std::vector<std::string>{"b"});

  auto bad = client->list(kLeases, {.labelSelector = "role in leader"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().status == 400);
  CHECK(bad.error().code() == ErrorCode::kInvalidInput);
  CHECK(bad.error().summary ==
        "list on leases in agents: HTTP 400 BadRequest: unable to parse requirement: \"role in "
        "leader\"");
  auto unsupported = client->list(kLeases, {.fieldSelector = "spec.holderIdentity=a"});
  REQUIRE_FALSE(unsupported.ok());
  CHECK(unsupported.error().message == "field label not supported: spec.holderIdentity");

  // The ingresses of the seed, across every namespace (no namespace in the path).
  auto everywhere = client->list({"networking.k8s.io", "v1", "ingresses", ""});
  REQUIRE(everywhere.ok());
  CHECK(names(*everywhere) == std::vector<std::string>{"api-ingress", "api-ingress-canary"});
  CHECK(cluster.server->requests().back().path == "/apis/networking.k8s.io/v1/ingresses");
}

TEST_CASE("limit and continue page through a list; a stale continue token is 410 Expired") {
  FakeCluster cluster;
  auto client = cluster.client();
  seedLeases(cluster, *client);

  std::vector<std::string> seen;
  ListOptions page{.labelSelector = "role=leader", .limit = 2};
  auto first = client->list(kLeases, page);
  REQUIRE(first.ok());
  CHECK(names(*first) == std::vector<std::string>{"a", "b"});
  REQUIRE_FALSE(first->continueToken.empty());
  page.continueToken = first->continueToken;
  auto second = client->list(kLeases, page);
  REQUIRE(second.ok());
  CHECK(names(*second) == std::vector<std::string>{"d"});
  CHECK(second->continueToken.empty());
  CHECK(second->resourceVersion == first->resourceVersion);  // one consistent snapshot

  // A write between pages: this server keeps no history, so the token has expired.
  REQUIRE(client->create(kLeases, lease("z", "leader")).ok());
  auto stale = client->list(kLeases, page);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().status == 410);
  CHECK(stale.error().reason == "Expired");
  CHECK(stale.error().code() == ErrorCode::kConflict);
  CHECK_FALSE(stale.error().retryable());

  auto garbage = client->list(kLeases, {.continueToken = "not-a-token"});
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().status == 400);
  CHECK(garbage.error().code() == ErrorCode::kInvalidInput);
}

TEST_CASE("remove deletes once; preconditions guard it; a missing object is 404") {
  FakeCluster cluster;
  auto client = cluster.client();
  auto created = client->create(kLeases, lease("agent-lock", "leader"));
  REQUIRE(created.ok());
  const std::string rv(created->at_pointer("/metadata/resourceVersion").as_string());
  const std::string uid(created->at_pointer("/metadata/uid").as_string());
  const auto ref = leaseRef("agents", "agent-lock");

  auto stale = client->remove(ref, {.resourceVersion = "1"});
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().status == 409);
  CHECK(stale.error().code() == ErrorCode::kConflict);
  CHECK(stale.error().message ==
        "Operation cannot be fulfilled on leases.coordination.k8s.io \"agent-lock\": "
        "Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object "
        "meta: " +
            rv);
  auto wrongUid = client->remove(ref, {.uid = "someone-else"});
  REQUIRE_FALSE(wrongUid.ok());
  CHECK(wrongUid.error().code() == ErrorCode::kConflict);
  CHECK(cluster.server->object("leases", "agents", "agent-lock").has_value());

  auto removed = client->remove(ref, {.resourceVersion = rv, .uid = uid});
  REQUIRE(removed.ok());
  CHECK(removed->at_pointer("/metadata/name") == "agent-lock");
  CHECK_FALSE(cluster.server->object("leases", "agents", "agent-lock").has_value());
  const auto sent = cluster.server->requests();
  REQUIRE(sent.size() >= 1);
  CHECK(sent.back().method == "DELETE");
  CHECK(json::parse(sent.back().body) == json::parse(R"({"kind":"DeleteOptions","apiVersion":"v1",
                        "preconditions":{"resourceVersion":")" +
                                                     rv + R"(","uid":")" + uid + R"("}})"));

  auto gone = client->remove(ref);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().status == 404);
  CHECK(gone.error().code() == ErrorCode::kNotFound);
  CHECK(gone.error().summary ==
        "delete on leases/agent-lock in agents: not found: leases.coordination.k8s.io "
        "\"agent-lock\" not found");
}

TEST_CASE("RBAC refuses list, create and delete with the verb the authorizer names") {
  FakeCluster cluster;
  auto client = cluster.client();
  cluster.server->forbid("create", "leases");
  cluster.server->forbid("list", "leases");
  auto created = client->create(kLeases, lease("x", "leader"));
  REQUIRE_FALSE(created.ok());
  CHECK(created.error().code() == ErrorCode::kRefused);
  CHECK(created.error().definite());
  CHECK(created.error().message ==
        "leases.coordination.k8s.io is forbidden: User "
        "\"system:serviceaccount:production:nova-agent\" cannot create resource \"leases\" in "
        "API group \"coordination.k8s.io\" in the namespace \"agents\"");
  auto listed = client->list(kLeases);
  REQUIRE_FALSE(listed.ok());
  CHECK(listed.error().status == 403);
  cluster.server->forbid("delete", "ingresses");
  auto removed = client->remove(ingressRef("production", "api-ingress"));
  REQUIRE_FALSE(removed.ok());
  CHECK(removed.error().summary.starts_with(
      "RBAC forbids delete on ingresses/api-ingress in production: "));
  CHECK(cluster.server->object("ingresses", "production", "api-ingress").has_value());
}

}  // namespace nova::kube
