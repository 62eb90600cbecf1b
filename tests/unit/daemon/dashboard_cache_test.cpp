#include "dashboard_cache.h"

#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <thread>

#include "daemon_shared.h"
#include "nova/dashboard/page.h"

namespace nova::daemon::detail {
namespace {

// The loop's side on a thread of its own: builds a document whenever one is wanted,
// numbered so a test sees which build it got.
struct FakeLoop {
  explicit FakeLoop(ManualClock& clock)
      : cache(
            clock, [this] { woken = true; }, 2 * kSecond) {}
  // Publishes one document when one is wanted.
  bool serveOnce() {
    if (!cache.wanted()) {
      return false;
    }
    cache.publish("doc-" + std::to_string(++builds));
    return true;
  }
  std::atomic<bool> woken{false};
  DashboardCache cache;
  int builds = 0;
};

}  // namespace

TEST_CASE("dashboard cache: built by the loop when asked, served again while young") {
  ManualClock clock(1000);
  FakeLoop loop(clock);
  CHECK_FALSE(loop.cache.wanted());  // nothing is built while nobody asks

  std::optional<std::string> first;
  std::thread http([&] { first = loop.cache.get(5 * kSecond); });
  clock.awaitWaiters(1);
  CHECK(loop.woken);
  CHECK(loop.serveOnce());
  http.join();
  CHECK(first == "doc-1");
  CHECK_FALSE(loop.cache.wanted());

  // A flood of refreshes within the cache's age costs nothing more.
  for (int i = 0; i < 100; ++i) {
    CHECK(loop.cache.get(0) == "doc-1");
  }
  clock.advance(1999);
  CHECK(loop.cache.get(0) == "doc-1");
  CHECK(loop.builds == 1);

  // Older: asked of the loop again; two requests waiting share one build.
  clock.advance(1);
  std::optional<std::string> a, b;
  std::thread h1([&] { a = loop.cache.get(5 * kSecond); });
  std::thread h2([&] { b = loop.cache.get(5 * kSecond); });
  clock.awaitWaiters(2);
  CHECK(loop.serveOnce());
  h1.join();
  h2.join();
  CHECK(a == "doc-2");
  CHECK(b == "doc-2");
  CHECK(loop.builds == 2);
}

TEST_CASE("dashboard cache: a loop that does not answer in time gives nullopt, then 503") {
  ManualClock clock(1000);
  FakeLoop loop(clock);
  AgentMetrics metrics("test");
  Published published;
  Inbox inbox(clock, [] {});
  ApiContext ctx{clock, metrics, published, inbox, std::nullopt, 100, &loop.cache, 3 * kSecond};
  auto handler = makeApiHandler(ctx);
  http::ServerRequest get;
  get.method = "GET";
  get.path = "/v1/dashboard";

  std::optional<http::ServerResponse> response;
  std::thread http([&] { response = handler(get); });
  clock.awaitWaiters(1);
  clock.advance(3 * kSecond);
  http.join();
  REQUIRE(response);
  CHECK(response->status == 503);
  CHECK(response->body ==
        R"({"ok":false,"error":"the agent loop did not build the dashboard in time"})");
  // The request stays wanted: the loop builds it at its next turn, for the next poll.
  CHECK(loop.serveOnce());
  auto served = handler(get);
  CHECK(served.status == 200);
  CHECK(served.contentType == "application/json");
  CHECK(served.body == "doc-1");
}

TEST_CASE("dashboard endpoints: GET / the embedded page; only GET; off without a cache") {
  ManualClock clock(1000);
  FakeLoop loop(clock);
  AgentMetrics metrics("test");
  Published published;
  Inbox inbox(clock, [] {});
  ApiContext ctx{clock, metrics, published, inbox, std::nullopt, 100, &loop.cache, kSecond};
  auto handler = makeApiHandler(ctx);
  http::ServerRequest request;
  request.method = "GET";
  request.path = "/";
  auto page = handler(request);
  CHECK(page.status == 200);
  CHECK(page.contentType == "text/html; charset=utf-8");
  CHECK(page.body == dashboard::dashboardPage());
  CHECK(loop.builds == 0);  // the page alone builds nothing

  request.method = "POST";
  CHECK(handler(request).status == 405);
  request.path = "/v1/dashboard";
  CHECK(handler(request).status == 405);

  ApiContext off{clock, metrics, published, inbox, std::nullopt, 100};
  auto plain = makeApiHandler(off);
  request.method = "GET";
  CHECK(plain(request).status == 404);
  request.path = "/";
  CHECK(plain(request).status == 404);
}

}  // namespace nova::daemon::detail

namespace nova::daemon::detail {

TEST_CASE("dashboard cache: a range is built by the loop for the request that asked") {
  ManualClock clock(1000);
  FakeLoop loop(clock);
  CHECK_FALSE(loop.cache.takeWantedRange().has_value());
  const dashboard::ChartRange range{1'000, 61'000};
  std::optional<std::string> got;
  std::thread request([&] { got = loop.cache.getRange(range, 3 * kSecond); });
  std::optional<dashboard::ChartRange> wanted;
  while (!(wanted = loop.cache.takeWantedRange())) {
    std::this_thread::yield();
  }
  CHECK(*wanted == range);
  CHECK(loop.woken);
  // Another range's document does not answer it; its own does.
  loop.cache.publishRange({0, 1}, "other");
  loop.cache.publishRange(range, "ranged");
  request.join();
  CHECK(got == "ranged");
  // Not kept: the live document is still asked of the loop.
  CHECK_FALSE(loop.cache.takeWantedRange().has_value());
}

TEST_CASE("dashboard cache: a range nobody builds times out") {
  ManualClock clock(1000);
  FakeLoop loop(clock);
  std::optional<std::string> got = "unset";
  std::thread request([&] { got = loop.cache.getRange({1'000, 2'000}, 3 * kSecond); });
  clock.awaitWaiters(1);
  clock.advance(3 * kSecond);
  request.join();
  CHECK_FALSE(got.has_value());
}

}  // namespace nova::daemon::detail
