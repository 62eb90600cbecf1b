// The raw-series cache between a scraped body and the store: every way a cached key can
// stop naming what it named must store exactly what a scrape without a cache would.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nova/scrape/ingest.h"
#include "store_history.h"

namespace nova::scrape {
namespace {

using tsdb::ScrapeAppender;
using tsdb::Storage;

void ingest(ScrapeAppender& appender, TimestampMs t, std::string_view body) {
  auto result = ingestExposition(body, appender, t, {});
  REQUIRE(result.ok());
}

std::vector<std::string> history(const Storage& storage, const Labels& labels) {
  return testing::storeHistory(storage, labels);
}

Labels named(std::string_view name) {
  return Labels{{"__name__", std::string(name)}};
}

}  // namespace

TEST_CASE("a cached series dropped by retention gets a new id, and its old id is not written") {
  Storage storage(tsdb::Limits{.retention = kMinute});
  ScrapeAppender appender(storage);
  // `old` carries a frozen exposition timestamp: once retention passes it, its samples are
  // refused and the store drops the series, while the body keeps the key in the cache.
  for (TimestampMs t = 0; t <= 2 * kMinute; t += kSecond) {
    ingest(appender, t, "old 5 0\nsteady 1\n");
  }
  REQUIRE_FALSE(storage.find(named("old")).has_value());
  const auto steady = storage.find(named("steady"));
  REQUIRE(steady.has_value());
  // The dropped id goes to the first new series, `fresh`; `old` must resolve anew.
  const TimestampMs t = 2 * kMinute + kSecond;
  ingest(appender, t, "fresh 3\nold 5 " + std::to_string(t) + "\nsteady 1\n");
  const auto fresh = storage.find(named("fresh"));
  const auto old = storage.find(named("old"));
  REQUIRE(fresh.has_value());
  REQUIRE(old.has_value());
  CHECK(*old != *fresh);
  CHECK(history(storage, named("fresh")) == std::vector<std::string>{std::to_string(t) + ":3"});
  CHECK(history(storage, named("old")) == std::vector<std::string>{std::to_string(t) + ":5"});
}

TEST_CASE("a label changed in the body is a new series, and the old one goes stale") {
  Storage storage(tsdb::Limits{.retention = 0});
  ScrapeAppender appender(storage);
  ingest(appender, 1000, "req{code=\"200\"} 1\n");
  ingest(appender, 2000, "req{code=\"201\"} 2\n");
  ingest(appender, 3000, "req{code=\"201\"} 3\n");
  CHECK(history(storage, {{"__name__", "req"}, {"code", "200"}}) ==
        std::vector<std::string>{"1000:1", "2000:stale"});
  CHECK(history(storage, {{"__name__", "req"}, {"code", "201"}}) ==
        std::vector<std::string>{"2000:2", "3000:3"});
  CHECK(appender.stats().cacheEntries == 1);
}

TEST_CASE("series in a different order each scrape keep their values and go stale never") {
  Storage storage(tsdb::Limits{.retention = 0});
  ScrapeAppender appender(storage);
  ingest(appender, 1000, "a 1\nb 2\nc 3\n");
  ingest(appender, 2000, "c 30\na 10\nb 20\n");
  ingest(appender, 3000, "b 200\nc 300\na 100\n");
  ingest(appender, 4000, "b 2000\na 1000\n");  // c vanishes
  CHECK(history(storage, named("a")) ==
        std::vector<std::string>{"1000:1", "2000:10", "3000:100", "4000:1000"});
  CHECK(history(storage, named("b")) ==
        std::vector<std::string>{"1000:2", "2000:20", "3000:200", "4000:2000"});
  CHECK(history(storage, named("c")) ==
        std::vector<std::string>{"1000:3", "2000:30", "3000:300", "4000:stale"});
  CHECK(appender.stats().staleMarkers == 1);
}

TEST_CASE("a target that starts exposing a series twice stores one series, the last value") {
  Storage storage(tsdb::Limits{.retention = 0});
  ScrapeAppender appender(storage);
  const Labels m{{"__name__", "m"}, {"a", "1"}, {"b", "2"}};
  ingest(appender, 1000, "m{a=\"1\",b=\"2\"} 1\nother 1\n");
  // The same text twice, then the same series spelled two ways: one sample at the scrape's
  // timestamp each time (a later equal timestamp replaces), and no stale marker.
  ingest(appender, 2000, "m{a=\"1\",b=\"2\"} 2\nother 1\nm{a=\"1\",b=\"2\"} 3\n");
  ingest(appender, 3000, "m{b=\"2\",a=\"1\"} 4\nm{a=\"1\",b=\"2\"} 5\nother 1\n");
  ingest(appender, 4000, "m{a=\"1\",b=\"2\"} 6\nother 1\n");
  CHECK(history(storage, m) == std::vector<std::string>{"1000:1", "2000:3", "3000:5", "4000:6"});
  CHECK(storage.stats().series == 2);
  CHECK(appender.stats().staleMarkers == 0);
}

}  // namespace nova::scrape
