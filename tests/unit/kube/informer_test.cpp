// The Informer against the fake API server: list then watch, events applied to the cache,
// 410 Expired answered by a new list, backoff on the clock after failures, re-watch from
// the last version when the server ends a stream.
#include "nova/kube/informer.h"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <condition_variable>
#include <mutex>
#include <set>

#include "kube_fixture.h"

namespace nova::kube {

namespace json = boost::json;
using test::FakeCluster;

namespace {

const CollectionRef kSlices{"discovery.k8s.io", "v1", "endpointslices", "production"};
const std::string kSelector = "kubernetes.io/service-name=user-service-green";

json::value slice(const std::string& name, const std::string& service) {
  return json::parse(R"({"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
    "metadata":{"name":")" +
                     name + R"(","labels":{"kubernetes.io/service-name":")" + service +
                     R"("}},"addressType":"IPv4","endpoints":[],"ports":[]})");
}

ObjectRef sliceRef(const std::string& name) {
  return {"discovery.k8s.io", "v1", "endpointslices", "production", name, ""};
}

// The names the handler saw last, and a way to wait (in real time, bounded) for a set.
class Views {
 public:
  void operator()(const ObjectCache& cache) {
    std::set<std::string> names;
    for (const auto& [name, object] : cache) {
      names.insert(name);
    }
    {
      std::lock_guard lock(mutex_);
      last_ = std::move(names);
      ++calls_;
    }
    changed_.notify_all();
  }
  bool awaitNames(const std::set<std::string>& want) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return last_ == want; });
  }
  bool awaitCalls(int calls) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return calls_ >= calls; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::string> last_;
  int calls_ = 0;
};

InformerOptions options(DurationMs watchTimeout = kMinute) {
  InformerOptions o;
  o.collection = kSlices;
  o.labelSelector = kSelector;
  o.watchTimeout = watchTimeout;
  return o;
}

// A client that never retries on its own: the Informer's backoff is the one that waits.
std::unique_ptr<Client> onceClient(FakeCluster& cluster) {
  ClientOptions o = cluster.options();
  o.retry.attempts = 1;
  return std::make_unique<Client>(cluster.config(), cluster.clock, cluster.random, o);
}

std::size_t watchRequests(FakeCluster& cluster) {
  std::size_t n = 0;
  for (const auto& r : cluster.server->requests()) {
    n += r.query.starts_with("watch=1") ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("the informer lists, then applies the watch's events to its cache") {
  FakeCluster cluster;
  auto writer = cluster.client();
  REQUIRE(writer->create(kSlices, slice("green-a", "user-service-green")).ok());
  REQUIRE(writer->create(kSlices, slice("blue-a", "user-service-blue")).ok());
  Views views;
  Informer informer(std::move(*onceClient(cluster)), options(), cluster.clock, cluster.random,
                    std::ref(views));
  informer.start();
  REQUIRE(views.awaitNames({"green-a"}));
  REQUIRE(cluster.server->awaitAnswers(2, "GET", "/endpointslices"));
  REQUIRE(writer->create(kSlices, slice("green-b", "user-service-green")).ok());
  REQUIRE(views.awaitNames({"green-a", "green-b"}));
  REQUIRE(writer->remove(sliceRef("green-a")).ok());
  REQUIRE(views.awaitNames({"green-b"}));
  informer.stop();
  const InformerStats stats = informer.stats();
  CHECK(stats.synced);
  CHECK(stats.lists == 1);
  CHECK(stats.added == 1);
  CHECK(stats.deleted == 1);
  CHECK(stats.failures == 0);
  // The watch started where the list ended.
  auto requests = cluster.server->requests();
  auto watch = std::find_if(requests.begin(), requests.end(),
                            [](const auto& r) { return r.query.starts_with("watch=1"); });
  REQUIRE(watch != requests.end());
  CHECK(watch->query.find("&resourceVersion=" + stats.resourceVersion) == std::string::npos);
  CHECK(watch->query.find("&resourceVersion=") != std::string::npos);
}

TEST_CASE("410 Expired makes the informer list again; the new list replaces the cache") {
  FakeCluster cluster;
  auto writer = cluster.client();
  REQUIRE(writer->create(kSlices, slice("green-a", "user-service-green")).ok());
  Views views;
  Informer informer(std::move(*onceClient(cluster)), options(), cluster.clock, cluster.random,
                    std::ref(views));
  informer.start();
  REQUIRE(views.awaitNames({"green-a"}));
  REQUIRE(cluster.server->awaitAnswers(2, "GET", "/endpointslices"));
  REQUIRE(cluster.clock.awaitWaiters(1));  // the watch is open on the server
  cluster.server->expireWatches();
  // Changes while the informer relists are in the new list or in the watch after it.
  REQUIRE(writer->remove(sliceRef("green-a")).ok());
  REQUIRE(writer->create(kSlices, slice("green-c", "user-service-green")).ok());
  REQUIRE(views.awaitNames({"green-c"}));
  informer.stop();
  const InformerStats stats = informer.stats();
  CHECK(stats.relists == 1);
  CHECK(stats.lists == 2);
  CHECK(stats.failures == 0);
}

TEST_CASE("after a failure the informer waits its backoff on the clock, then resumes") {
  FakeCluster cluster;
  cluster.server->inject(
      fake_kube::Fault{fake_kube::Fault::Kind::kInternalError, "GET", "/endpointslices", 2});
  Views views;
  test::LogCapture log;
  InformerOptions o = options();
  Informer informer(std::move(*onceClient(cluster)), o, cluster.clock, cluster.random,
                    std::ref(views));
  informer.start();
  // First failure: 0.8 s ceiling, three quarters of it with u = 0.5.
  const DurationMs first = o.backoff.delay(1, 0.5);
  const DurationMs second = o.backoff.delay(2, 0.5);
  CHECK(first == 600);
  CHECK(second == 1200);
  REQUIRE(cluster.server->awaitAnswers(1, "GET", "/endpointslices"));
  REQUIRE(cluster.clock.awaitWaiters(1));
  cluster.clock.advance(first - 1);
  CHECK(cluster.server->arrivalCount() == 1);  // still waiting
  REQUIRE(cluster.clock.awaitWaiters(1));
  cluster.clock.advance(1);
  REQUIRE(cluster.server->awaitAnswers(2, "GET", "/endpointslices"));
  REQUIRE(cluster.clock.awaitWaiters(1));
  cluster.clock.advance(second);
  REQUIRE(views.awaitCalls(1));  // the list that succeeded
  informer.stop();
  const InformerStats stats = informer.stats();
  CHECK(stats.failures == 2);
  CHECK(stats.lists == 1);
  CHECK_FALSE(stats.lastError.empty());
  CHECK(log.contains("discovery: list failed: "));
}

TEST_CASE("a stream the server ends is watched again from the last version, bookmarks too") {
  FakeCluster cluster;
  auto writer = cluster.client();
  Views views;
  Informer informer(std::move(*onceClient(cluster)), options(10 * kSecond), cluster.clock,
                    cluster.random, std::ref(views));
  informer.start();
  REQUIRE(cluster.server->awaitAnswers(2, "GET", "/endpointslices"));
  REQUIRE(writer->create(kSlices, slice("blue-a", "user-service-blue")).ok());
  cluster.server->bookmark("endpointslices");
  const std::string version(cluster.server->object("endpointslices", "production", "blue-a")
                                ->at_pointer("/metadata/resourceVersion")
                                .as_string());
  REQUIRE(cluster.clock.awaitWaiters(1));
  cluster.clock.advance(10 * kSecond);
  REQUIRE(cluster.server->awaitAnswers(3, "GET", "/endpointslices"));
  informer.stop();
  CHECK(watchRequests(cluster) == 2);
  CHECK(cluster.server->requests().back().query.find("resourceVersion=" + version + "&") !=
        std::string::npos);
  CHECK(informer.stats().bookmarks == 1);
  CHECK(informer.stats().lists == 1);
}

}  // namespace nova::kube
