// GET /v1/dashboard?from=&to=: the range checked on the HTTP thread, the document built
// by the loop (a thread here that echoes the range it was asked for).
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "daemon_shared.h"

namespace nova::daemon::detail {
namespace {

constexpr TimestampMs kNow = 1'764'901'800'000;  // 2025-12-05T02:30:00Z

struct RangedAgent {
  RangedAgent()
      : cache(
            clock, [] {}, 2 * kSecond),
        inbox(clock, [] {}),
        ctx{clock, metrics, published, inbox, std::nullopt, 100, &cache, 3 * kSecond},
        handler(makeApiHandler(ctx)),
        loop([this] {
          while (!stop) {
            if (auto range = cache.takeWantedRange()) {
              cache.publishRange(*range, "{\"from\":" + std::to_string(range->from) +
                                             ",\"to\":" + std::to_string(range->to) + "}");
            }
            std::this_thread::yield();
          }
        }) {
    published.oldestStored = kNow - 15 * kMinute;
  }
  ~RangedAgent() {
    stop = true;
    loop.join();
  }
  http::ServerResponse get(std::string query) {
    http::ServerRequest r;
    r.method = "GET";
    r.path = "/v1/dashboard";
    r.query = std::move(query);
    return handler(r);
  }

  ManualClock clock{kNow};
  AgentMetrics metrics{"1.2.3"};
  Published published;
  DashboardCache cache;
  Inbox inbox;
  ApiContext ctx;
  http::Handler handler;
  std::atomic<bool> stop{false};
  std::thread loop;
};

}  // namespace

TEST_CASE("GET /v1/dashboard?from=&to= builds the charts over that range") {
  RangedAgent agent;
  const std::string from = std::to_string(kNow - 10 * kMinute);
  auto ms = agent.get("from=" + from + "&to=" + std::to_string(kNow));
  CHECK(ms.status == 200);
  CHECK(ms.body == "{\"from\":" + from + ",\"to\":" + std::to_string(kNow) + "}");
  // RFC 3339, percent-encoded or not; a start before the store moves up to it.
  auto rfc = agent.get("from=2025-12-05T02%3A00%3A00Z&to=2025-12-05T02:20:00Z");
  CHECK(rfc.status == 200);
  CHECK(rfc.body == "{\"from\":" + std::to_string(kNow - 15 * kMinute) +
                        ",\"to\":" + std::to_string(kNow - 10 * kMinute) + "}");
}

TEST_CASE("GET /v1/dashboard refuses nonsense ranges with 400, saying why") {
  RangedAgent agent;
  auto refused = [&](const std::string& query) {
    auto r = agent.get(query);
    CHECK(r.status == 400);
    return r.body;
  };
  const std::string now = std::to_string(kNow);
  CHECK(refused("from=" + now + "&to=" + now).find("from must be before to") != std::string::npos);
  CHECK(refused("from=" + now).find("from and to go together") != std::string::npos);
  CHECK(refused("from=yesterday&to=" + now).find("from: ms since the epoch or an RFC 3339") !=
        std::string::npos);
  CHECK(refused("from=1&to=" + now + "&step=5").find("unknown parameter \\\"step\\\"") !=
        std::string::npos);
  CHECK(refused("from=1&to=" + now).find("longer than 2h") != std::string::npos);
  CHECK(refused("from=" + now + "&to=" + std::to_string(kNow + kHour)).find("in the future") !=
        std::string::npos);
  CHECK(refused("from=1764896400000&to=1764897000000")
            .find("the store holds data from 2025-12-05T02:15:00Z on") != std::string::npos);
  CHECK(refused("from=99999999999999999999&to=" + now).find("from:") != std::string::npos);
}

}  // namespace nova::daemon::detail
