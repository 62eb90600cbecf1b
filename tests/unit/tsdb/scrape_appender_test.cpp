#include "nova/tsdb/scrape_appender.h"

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "store_history.h"

namespace nova::tsdb {
namespace {

// A scrape as the probe would see it: raw series key -> value.
using Scrape = std::map<std::string, double>;

Labels parseKey(const std::string& key) {
  // Test keys are `name` or `name{code="v"}`: enough to build distinct label sets.
  auto brace = key.find('{');
  if (brace == std::string::npos) {
    return Labels{{"__name__", key}};
  }
  auto quote = key.find('"');
  std::string value = key.substr(quote + 1, key.rfind('"') - quote - 1);
  return Labels{{"__name__", key.substr(0, brace)}, {"code", value}};
}

struct Counting {
  int builds = 0;
};

void scrape(ScrapeAppender& app, TimestampMs t, const Scrape& samples,
            Counting* counting = nullptr) {
  app.begin(t);
  for (const auto& [key, value] : samples) {
    app.add(
        key,
        [&] {
          if (counting != nullptr) {
            ++counting->builds;
          }
          return parseKey(key);
        },
        value);
  }
  app.commit();
}

std::vector<std::string> history(const Storage& storage, const Labels& labels) {
  return testing::storeHistory(storage, labels);
}

const Labels kA = Labels{{"__name__", "req"}, {"code", "200"}};
const Labels kB = Labels{{"__name__", "req"}, {"code", "500"}};

TEST_CASE("a series that vanishes gets one stale marker at the next scrape") {
  Storage storage(Limits{.retention = 0});
  ScrapeAppender app(storage);
  scrape(app, 1000, {{R"(req{code="200"})", 1}, {R"(req{code="500"})", 2}});
  scrape(app, 2000, {{R"(req{code="200"})", 3}});
  scrape(app, 3000, {{R"(req{code="200"})", 4}});
  CHECK(history(storage, kA) == std::vector<std::string>{"1000:1", "2000:3", "3000:4"});
  CHECK(history(storage, kB) == std::vector<std::string>{"1000:2", "2000:stale"});
  CHECK(app.stats().staleMarkers == 1);
  CHECK(app.stats().cacheEntries == 1);

  SUBCASE("and a series that comes back is appended normally") {
    scrape(app, 4000, {{R"(req{code="200"})", 5}, {R"(req{code="500"})", 6}});
    CHECK(history(storage, kB) == std::vector<std::string>{"1000:2", "2000:stale", "4000:6"});
  }
}

TEST_CASE("a failed scrape marks every series of the previous scrape stale") {
  Storage storage(Limits{.retention = 0});
  ScrapeAppender app(storage);
  scrape(app, 1000, {{R"(req{code="200"})", 1}, {R"(req{code="500"})", 2}});
  app.begin(2000);
  app.add(R"(req{code="200"})", [] { return kA; }, 9);  // written before the parse error
  app.failed(2000);
  CHECK(history(storage, kA) == std::vector<std::string>{"1000:1", "2000:stale"});
  CHECK(history(storage, kB) == std::vector<std::string>{"1000:2", "2000:stale"});
  CHECK(app.stats().failedScrapes == 1);
  CHECK(app.stats().cacheEntries == 0);

  SUBCASE("a second failure adds nothing") {
    app.failed(3000);
    CHECK(history(storage, kA).size() == 2);
  }
  SUBCASE("the target recovers") {
    scrape(app, 3000, {{R"(req{code="200"})", 7}});
    CHECK(history(storage, kA) == std::vector<std::string>{"1000:1", "2000:stale", "3000:7"});
  }
}

TEST_CASE("the steady state builds no labels") {
  Storage storage(Limits{.retention = 0});
  ScrapeAppender app(storage);
  Counting counting;
  Scrape samples{{R"(req{code="200"})", 1}, {R"(req{code="500"})", 2}, {"up_total", 3}};
  for (TimestampMs t = 1000; t <= 10000; t += 1000) {
    scrape(app, t, samples, &counting);
  }
  CHECK(counting.builds == 3);
  CHECK(app.stats().samples == 30);
  CHECK(app.stats().scrapes == 10);
}

TEST_CASE("the cached path stores exactly what the slow path stores") {
  // A sequence with churn: series appear, vanish, return and the target fails once.
  std::vector<std::pair<TimestampMs, std::optional<Scrape>>> scrapes = {
      {1000, Scrape{{"a", 1}, {"b", 2}}},
      {2000, Scrape{{"a", 3}, {"c", 4}}},
      {3000, std::nullopt},
      {4000, Scrape{{"b", 5}, {"c", 6}}},
      {5000, Scrape{{"a", 7}, {"b", 8}, {"c", 9}}},
      {6000, Scrape{}}};

  Storage cachedStore(Limits{.retention = 0});
  Storage slowStore(Limits{.retention = 0});
  ScrapeAppender cached(cachedStore);
  for (const auto& [t, s] : scrapes) {
    if (s) {
      scrape(cached, t, *s);
    } else {
      cached.failed(t);
    }
  }
  // The slow path: a fresh appender per scrape has no cache; staleness is then applied by
  // hand from the previous scrape's key set, as the rule states it.
  std::optional<Scrape> previous;
  for (const auto& [t, s] : scrapes) {
    Scrape now = s.value_or(Scrape{});
    for (const auto& [key, v] : now) {
      slowStore.append(*slowStore.getOrCreate(parseKey(key)), t, v);
    }
    if (previous) {
      for (const auto& [key, v] : *previous) {
        if (!now.contains(key)) {
          slowStore.append(*slowStore.getOrCreate(parseKey(key)), t, staleNaN());
        }
      }
    }
    previous = now;
  }
  for (const char* name : {"a", "b", "c"}) {
    Labels labels{{"__name__", name}};
    CHECK(history(cachedStore, labels) == history(slowStore, labels));
    CHECK_FALSE(history(cachedStore, labels).empty());
  }
  CHECK(history(cachedStore, Labels{{"__name__", "a"}}) ==
        std::vector<std::string>{"1000:1", "2000:3", "3000:stale", "5000:7", "6000:stale"});
}

TEST_CASE("two raw spellings of one series never mark each other stale") {
  Storage storage(Limits{.retention = 0});
  ScrapeAppender app(storage);
  auto make = [] { return Labels{{"__name__", "m"}, {"a", "1"}, {"b", "2"}}; };
  app.begin(1000);
  app.add(R"(m{a="1",b="2"})", make, 1);
  app.commit();
  app.begin(2000);
  app.add(R"(m{b="2",a="1"})", make, 2);
  app.commit();
  CHECK(history(storage, make()) == std::vector<std::string>{"1000:1", "2000:2"});
}

TEST_CASE("samples with explicit timestamps are stored there and not stale-tracked") {
  Storage storage(Limits{.retention = 0});
  ScrapeAppender app(storage);
  auto make = [] { return Labels{{"__name__", "ts"}}; };
  app.begin(10000);
  app.add("ts", make, 1, TimestampMs{500});
  app.commit();
  app.begin(20000);
  app.commit();
  app.failed(30000);
  CHECK(history(storage, make()) == std::vector<std::string>{"500:1"});
}

TEST_CASE("synthetic series are written directly and only marked stale when the target goes") {
  Storage storage(Limits{.retention = 0});
  ScrapeAppender app(storage);
  Labels up{{"__name__", "up"}, {"job", "green"}};
  scrape(app, 1000, {{"a", 1}});
  CHECK(app.appendSynthetic(up, 1000, 1));
  app.failed(2000);
  CHECK(app.appendSynthetic(up, 2000, 0));
  CHECK(history(storage, up) == std::vector<std::string>{"1000:1", "2000:0"});
  app.markAllStale(3000);
  CHECK(history(storage, up) == std::vector<std::string>{"1000:1", "2000:0", "3000:stale"});
}

TEST_CASE("refused series are cached and counted, the cache is bounded") {
  Storage storage(Limits{.retention = 0, .maxSeries = 1});
  Counting counting;
  ScrapeAppender app(storage, 2);
  scrape(app, 1000, {{"a", 1}, {"b", 2}, {"c", 3}}, &counting);
  CHECK(storage.stats().series == 1);
  CHECK(app.stats().refusedSamples == 1);  // b refused by the storage
  CHECK(app.stats().cacheOverflows == 1);  // c found the cache full
  CHECK(app.stats().cacheEntries == 2);
  scrape(app, 2000, {{"a", 1}, {"b", 2}, {"c", 3}}, &counting);
  CHECK(counting.builds == 2);  // neither b (refused) nor c (overflow) is built again
  CHECK(app.stats().refusedSamples == 2);
  CHECK(history(storage, Labels{{"__name__", "a"}}) ==
        std::vector<std::string>{"1000:1", "2000:1"});
}

TEST_CASE("reset after Storage::clear starts over") {
  Storage storage(Limits{.retention = 0});
  ScrapeAppender app(storage);
  scrape(app, 1000, {{"a", 1}, {"b", 2}});
  storage.clear();
  app.reset();
  scrape(app, 2000, {{"b", 3}});
  scrape(app, 3000, {});
  CHECK(history(storage, Labels{{"__name__", "a"}}).empty());
  CHECK(history(storage, Labels{{"__name__", "b"}}) ==
        std::vector<std::string>{"2000:3", "3000:stale"});
}

TEST_CASE("a scrape begun again before its commit leaves nothing of its own in the cache") {
  Storage storage(Limits{.retention = 0});
  ScrapeAppender app(storage);
  scrape(app, 1000, Scrape{{"a", 1}, {"b", 2}});
  app.begin(2000);
  app.add(
      "a", [] { return parseKey("a"); }, 3);
  app.add(
      "new", [] { return parseKey("new"); }, 4);
  // Abandoned: the next scrape starts over and only it counts.
  scrape(app, 3000, Scrape{{"a", 5}, {"b", 6}});
  CHECK(app.stats().cacheEntries == 2);
  CHECK(app.stats().staleMarkers == 0);
  CHECK(history(storage, Labels{{"__name__", "a"}}) ==
        std::vector<std::string>{"1000:1", "3000:5"});
  CHECK(history(storage, Labels{{"__name__", "new"}}).empty());
}

}  // namespace
}  // namespace nova::tsdb
