// Client::watch against the fake API server: the resourceVersion modes, event order,
// bookmarks, the end at timeoutSeconds, 410 Expired inside the stream, RBAC.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "kube_fixture.h"
#include "nova/kube/client.h"

namespace nova::kube {

namespace json = boost::json;
using test::FakeCluster;
using test::onThread;

namespace {

const CollectionRef kSlices{"discovery.k8s.io", "v1", "endpointslices", "production"};
const std::string kSelector = "kubernetes.io/service-name=user-service-green";

json::value slice(const std::string& name, const std::string& service, const std::string& ip) {
  return json::parse(R"({"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
    "metadata":{"name":")" +
                     name + R"(","labels":{"kubernetes.io/service-name":")" + service +
                     R"("}},"addressType":"IPv4",
    "endpoints":[{"addresses":[")" +
                     ip + R"("],"conditions":{"ready":true}}],
    "ports":[{"name":"http","port":8081,"protocol":"TCP"}]})");
}

// Records events; stops after `limit` of them.
struct Recorder {
  explicit Recorder(std::size_t limit) : limit(limit) {}
  bool operator()(const WatchEvent& event) {
    std::lock_guard lock(mutex);
    const auto* name = event.object.find_pointer("/metadata/name", ec);
    seen.push_back(std::string(toString(event.type)) + " " +
                   (name != nullptr ? std::string(name->as_string()) : std::string()));
    return seen.size() < limit;
  }
  std::size_t limit;
  std::mutex mutex;
  std::vector<std::string> seen;
  boost::system::error_code ec;
};

// The server counts a stream closed on its own thread after sending the stream's last chunk,
// which the client may have read before that: polled (real time, 5 s at most).
bool noWatchOpenSoon(const test::FakeCluster& cluster) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (cluster.server->openWatches() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return cluster.server->openWatches() == 0;
}

}  // namespace

TEST_CASE("a watch without a version starts with the existing objects, then streams changes") {
  FakeCluster cluster;
  auto writer = cluster.client();
  REQUIRE(writer->create(kSlices, slice("green-a", "user-service-green", "10.0.0.1")).ok());
  REQUIRE(writer->create(kSlices, slice("blue-a", "user-service-blue", "10.0.1.1")).ok());

  Recorder recorder(4);
  auto watcher = cluster.client();
  auto running = onThread([&] {
    return watcher->watch(kSlices, WatchOptions{kSelector, "", true, kMinute}, std::ref(recorder));
  });
  REQUIRE(cluster.server->awaitAnswers(1, "GET", "/endpointslices"));
  REQUIRE(writer->create(kSlices, slice("green-b", "user-service-green", "10.0.0.2")).ok());
  REQUIRE(writer->create(kSlices, slice("blue-b", "user-service-blue", "10.0.1.2")).ok());
  json::array ops{
      json::object{{"op", "replace"}, {"path", "/endpoints/0/conditions/ready"}, {"value", false}}};
  ObjectRef ref{"discovery.k8s.io", "v1", "endpointslices", "production", "green-a", ""};
  REQUIRE(writer->jsonPatch(ref, ops).ok());
  ref.name = "green-b";
  auto removed = writer->remove(ref);
  REQUIRE(removed.ok());

  auto end = running.get();
  REQUIRE(end.ok());
  CHECK(end->stopped);
  // Only green's slices; the handler's false ends the stream after the fourth.
  CHECK(recorder.seen == std::vector<std::string>{"ADDED green-a", "ADDED green-b",
                                                  "MODIFIED green-a", "DELETED green-b"});
  // The deletion's event carries the version the deletion made (after the patch's).
  CHECK(std::stoull(end->resourceVersion) >
        std::stoull(std::string(removed->at_pointer("/metadata/resourceVersion").as_string())));
  auto requests = cluster.server->requests();
  auto watch = std::find_if(requests.begin(), requests.end(),
                            [](const auto& r) { return r.query.find("watch=1") == 0; });
  REQUIRE(watch != requests.end());
  CHECK(watch->query ==
        "watch=1&labelSelector=kubernetes.io%2Fservice-name%3Duser-service-green"
        "&allowWatchBookmarks=true&timeoutSeconds=60");
}

TEST_CASE("a watch from a list's version sends later changes and bookmarks, and ends on time") {
  FakeCluster cluster;
  auto writer = cluster.client();
  REQUIRE(writer->create(kSlices, slice("green-a", "user-service-green", "10.0.0.1")).ok());
  auto listed = writer->list(kSlices, ListOptions{kSelector});
  REQUIRE(listed.ok());

  Recorder recorder(100);
  auto watcher = cluster.client();
  auto running = onThread([&] {
    return watcher->watch(kSlices,
                          WatchOptions{kSelector, listed->resourceVersion, true, 30 * kSecond},
                          std::ref(recorder));
  });
  REQUIRE(cluster.server->awaitAnswers(2, "GET", "/endpointslices"));
  REQUIRE(writer->create(kSlices, slice("green-b", "user-service-green", "10.0.0.2")).ok());
  cluster.server->bookmark("endpointslices");
  const auto bookmarkVersion = cluster.server->object("endpointslices", "production", "green-b")
                                   ->at_pointer("/metadata/resourceVersion");
  // The server ends the stream at timeoutSeconds of its clock.
  REQUIRE(cluster.clock.awaitWaiters(1));
  cluster.clock.advance(30 * kSecond);
  auto end = running.get();
  REQUIRE(end.ok());
  CHECK_FALSE(end->stopped);
  CHECK(recorder.seen == std::vector<std::string>{"ADDED green-b", "BOOKMARK "});
  CHECK(end->resourceVersion == bookmarkVersion.as_string());
  CHECK(noWatchOpenSoon(cluster));
}

TEST_CASE("a version older than the server's history ends the watch with 410 Expired") {
  FakeCluster cluster;
  auto writer = cluster.client();
  auto listed = writer->list(kSlices, ListOptions{kSelector});
  REQUIRE(listed.ok());
  REQUIRE(writer->create(kSlices, slice("green-a", "user-service-green", "10.0.0.1")).ok());

  SUBCASE("an open watch is expired") {
    Recorder recorder(100);
    auto watcher = cluster.client();
    auto running = onThread([&] {
      return watcher->watch(kSlices, WatchOptions{kSelector, listed->resourceVersion},
                            std::ref(recorder));
    });
    REQUIRE(cluster.server->awaitAnswers(2, "GET", "/endpointslices"));
    // Wait for the ADDED to arrive before the stream is cut.
    REQUIRE(cluster.clock.awaitWaiters(1));
    cluster.server->expireWatches();
    auto end = running.get();
    REQUIRE_FALSE(end.ok());
    CHECK(end.error().status == 410);
    CHECK(end.error().reason == "Expired");
    CHECK(end.error().code() == ErrorCode::kConflict);
  }
  SUBCASE("a new watch from a compacted version") {
    cluster.server->expireWatches();
    auto end = writer->watch(kSlices, WatchOptions{kSelector, listed->resourceVersion},
                             [](const WatchEvent&) { return true; });
    REQUIRE_FALSE(end.ok());
    CHECK(end.error().status == 410);
    CHECK(end.error().code() == ErrorCode::kConflict);
    CHECK(end.error().message.starts_with("too old resource version: " + listed->resourceVersion +
                                          " ("));
  }
}

TEST_CASE("a watch RBAC forbids is 403; a stop from the caller ends a quiet stream") {
  FakeCluster cluster;
  auto client = cluster.client();
  SUBCASE("forbidden") {
    cluster.server->forbid("watch", "endpointslices");
    auto end =
        client->watch(kSlices, WatchOptions{kSelector}, [](const WatchEvent&) { return true; });
    REQUIRE_FALSE(end.ok());
    CHECK(end.error().status == 403);
    CHECK(end.error().code() == ErrorCode::kRefused);
  }
  SUBCASE("stopped while nothing happens") {
    std::atomic<bool> stop{false};
    auto running = onThread([&] {
      return client->watch(
          kSlices, WatchOptions{kSelector}, [](const WatchEvent&) { return true; },
          [&] { return !stop.load(); });
    });
    REQUIRE(cluster.server->awaitAnswers(1, "GET", "/endpointslices"));
    stop = true;  // noticed within about a second of real time
    auto end = running.get();
    REQUIRE(end.ok());
    CHECK(end->stopped);
  }
}

}  // namespace nova::kube
