// Idle series are dropped so churning labels cannot fill the store, and what the series
// limit refuses is counted per scrape.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "nova/tsdb/scrape_appender.h"
#include "nova/tsdb/storage.h"

namespace nova::tsdb {
namespace {

Labels churned(std::uint64_t n) {
  return Labels{{"__name__", "nova_http_requests_total"}, {"request_id", std::to_string(n)}};
}

const Labels kSteady{{"__name__", "nova_http_errors_total"}, {"route", "/api"}};

// One scrape at `t`: the steady series plus `fresh` series never seen before (an unbounded
// label, one new value per request). Returns how many of the fresh ones were accepted.
std::size_t scrapeChurn(ScrapeAppender& app, TimestampMs t, std::uint64_t& next,
                        std::size_t fresh) {
  app.begin(t);
  app.add(
      "steady", [] { return kSteady; }, 1.0);
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < fresh; ++i) {
    const std::uint64_t n = next++;
    accepted += app.add(
                    "churn" + std::to_string(n), [n] { return churned(n); }, 1.0)
                    ? 1
                    : 0;
  }
  app.commit();
  return accepted;
}

TEST_CASE("a series without samples inside retention is dropped and its memory freed") {
  Storage storage(Limits{.retention = kMinute});
  const SeriesId steady = *storage.getOrCreate(kSteady);
  const SeriesId gone = *storage.getOrCreate(churned(1));
  Storage alone(Limits{.retention = kMinute});  // the same without the series that goes
  const SeriesId aloneSteady = *alone.getOrCreate(kSteady);
  storage.append(steady, 0, 1);
  storage.append(gone, 0, 1);
  for (TimestampMs t = 0; t <= 2 * kMinute; t += kSecond) {
    storage.append(steady, t, 1);
    alone.append(aloneSteady, t, 1);
  }
  CHECK(storage.stats().series == 1);
  CHECK(storage.stats().droppedSeries == 1);
  CHECK_FALSE(storage.find(churned(1)).has_value());
  CHECK(storage.seriesWithName("nova_http_requests_total").empty());
  CHECK(storage.labels(gone).empty());
  CHECK(storage.samples(gone).empty());
  // Its labels, samples, index entries and its name's entry are gone from the byte count.
  CHECK(storage.stats().bytes == alone.stats().bytes);
  CHECK(storage.stats().samples == alone.stats().samples);

  // The slot goes to the next new series, under a new generation.
  const std::uint32_t before = storage.generation(gone);
  const SeriesId next = *storage.getOrCreate(churned(2));
  CHECK(next == gone);
  CHECK(storage.generation(next) == before + 1);
  CHECK(storage.labels(next) == churned(2));
  CHECK(storage.seriesCount() == 2);
}

TEST_CASE("a series created without samples yet survives a sweep until it had its chance") {
  Storage storage(Limits{.retention = kMinute});
  const SeriesId steady = *storage.getOrCreate(kSteady);
  storage.append(steady, 0, 1);
  const SeriesId waiting = *storage.getOrCreate(churned(1));
  for (TimestampMs t = kSecond; t <= 30 * kSecond; t += kSecond) {
    storage.append(steady, t, 1);
  }
  CHECK(storage.find(churned(1)) == waiting);
  storage.append(waiting, 31 * kSecond, 1);
  CHECK(storage.samples(waiting).size() == 1);
}

TEST_CASE("churn of many times the series limit keeps the store bounded and accepting") {
  constexpr std::size_t kMaxSeries = 1000;
  Storage storage(Limits{.retention = kMinute, .maxSeries = kMaxSeries});
  ScrapeAppender app(storage);
  std::uint64_t next = 0;

  SUBCASE("below the limit's rate: nothing is refused, the store holds about a retention") {
    // 10 new series a second for an hour: 36,000 series, 36 times the limit.
    std::size_t peakSeries = 0;
    std::size_t peakBytes = 0;
    std::size_t bytesAt10m = 0;
    for (TimestampMs t = 0; t < kHour; t += kSecond) {
      CHECK(scrapeChurn(app, t, next, 10) == 10);
      peakSeries = std::max(peakSeries, storage.stats().series);
      peakBytes = std::max(peakBytes, storage.stats().bytes);
      if (t == 10 * kMinute) {
        bytesAt10m = peakBytes;
      }
    }
    CHECK(next == 36'000);
    CHECK(storage.stats().rejectedSeries == 0);
    CHECK(storage.stats().droppedSeries > 35'000);
    // A series lives a scrape, gets its stale marker a second later and is dropped a
    // retention (60 s) and at most a sweep interval (2 s) after that: about 64 s of series.
    CHECK(peakSeries <= 10 * 65 + 1);
    CHECK(storage.seriesCount() <= 10 * 65 + 1);
    // Memory stopped growing after the first retention period (allocator slack aside).
    CHECK(peakBytes <= bytesAt10m + bytesAt10m / 20);
    MESSAGE("churn 10/s for 1h: peak series " << peakSeries << ", peak bytes " << peakBytes);
  }

  SUBCASE("above it: refusals are counted, and new series are accepted again after drops") {
    // 50 new series a second fills the limit in 20 s; series are refused until the first
    // ones have been idle for a retention period, then accepted as old ones go.
    std::size_t acceptedLastHalf = 0;
    std::size_t peakBytes = 0;
    for (TimestampMs t = 0; t < 10 * kMinute; t += kSecond) {
      const std::size_t accepted = scrapeChurn(app, t, next, 50);
      if (t >= 5 * kMinute) {
        acceptedLastHalf += accepted;
      }
      peakBytes = std::max(peakBytes, storage.stats().bytes);
      CHECK(storage.stats().series <= kMaxSeries);
      CHECK(storage.seriesCount() <= kMaxSeries);
    }
    CHECK(storage.stats().rejectedSeries > 0);
    CHECK(app.stats().refusedSeries > 0);
    CHECK(acceptedLastHalf > 1000);
    // The steady series was never refused and kept its samples.
    REQUIRE(storage.find(kSteady).has_value());
    CHECK(storage.samples(*storage.find(kSteady)).size() == 61);
    MESSAGE("churn 50/s for 10m: " << acceptedLastHalf << " accepted in the last 5 min, refused "
                                   << storage.stats().rejectedSeries << ", peak bytes "
                                   << peakBytes);
  }
}

TEST_CASE("the refusals of the last scrape name the metrics, once per series") {
  Storage storage(Limits{.retention = kMinute, .maxSeries = 2});
  ScrapeAppender app(storage, 100);
  const Labels a{{"__name__", "a"}};
  const Labels b1{{"__name__", "b"}, {"x", "1"}};
  const Labels b2{{"__name__", "b"}, {"x", "2"}};
  const Labels c{{"__name__", "c"}};
  app.begin(0);
  CHECK(app.add(
      "a", [&] { return a; }, 1));
  CHECK(app.add(
      "b1", [&] { return b1; }, 1));
  CHECK_FALSE(app.add(
      "b2", [&] { return b2; }, 1));
  CHECK_FALSE(app.add(
      "c", [&] { return c; }, 1));
  CHECK_FALSE(app.add(
      "c", [&] { return c; }, 2));        // a repeated line is one series
  CHECK(app.lastRefusals().series == 0);  // not committed yet
  app.commit();
  CHECK(app.lastRefusals().series == 2);
  CHECK(app.lastRefusals().names == std::vector<std::string>{"b", "c"});
  CHECK(app.stats().refusedSeries == 2);

  app.failed(kSecond);
  CHECK_FALSE(app.lastRefusals().any());
}

TEST_CASE("samples dropped because the key cache is full count as refused, by name") {
  Storage storage(Limits{.retention = kMinute, .maxSeries = 2});
  ScrapeAppender app(storage);  // the cache holds as many keys as the store holds series
  app.begin(0);
  CHECK(app.add(
      "a",
      [] {
        return Labels{{"__name__", "a"}};
      },
      1));
  CHECK(app.add(
      "b",
      [] {
        return Labels{{"__name__", "b"}};
      },
      1));
  CHECK_FALSE(app.add(R"(errors_total{route="/x"})",
                      [] {
                        return Labels{{"__name__", "errors_total"}, {"route", "/x"}};
                      },
                      1));
  app.commit();
  CHECK(app.stats().cacheOverflows == 1);
  CHECK(app.lastRefusals().series == 1);
  CHECK(app.lastRefusals().names == std::vector<std::string>{"errors_total"});
}

TEST_CASE("a refused series is accepted once idle series made room") {
  Storage storage(Limits{.retention = kMinute, .maxSeries = 2});
  ScrapeAppender app(storage, 100);
  const Labels old{{"__name__", "old"}};
  const Labels steady{{"__name__", "steady"}};
  const Labels late{{"__name__", "nova_http_errors_total"}, {"route", "/new"}};
  app.begin(0);
  app.add(
      "old", [&] { return old; }, 1);
  app.add(
      "steady", [&] { return steady; }, 1);
  app.commit();
  TimestampMs t = kSecond;
  for (; t < 2 * kMinute; t += kSecond) {
    app.begin(t);
    app.add(
        "steady", [&] { return steady; }, 1);
    const bool stored = app.add(
        "late", [&] { return late; }, 1);
    app.commit();
    if (stored) {
      break;
    }
    CHECK(app.lastRefusals().names == std::vector<std::string>{"nova_http_errors_total"});
  }
  // `old` went stale at 1 s and had no sample left inside retention after 61 s.
  CHECK(t >= 61 * kSecond);
  CHECK(t <= 64 * kSecond);
  CHECK_FALSE(app.lastRefusals().any());
  REQUIRE(storage.find(late).has_value());
  CHECK(storage.samples(*storage.find(late)).size() == 1);
  CHECK(app.stats().refusedSeries == 1);
}

TEST_CASE("ids held by the appender survive their series being dropped and reused") {
  Storage storage(Limits{.retention = kMinute, .maxSeries = 3});
  ScrapeAppender app(storage, 100);
  const Labels up{{"__name__", "up"}};
  const Labels other{{"__name__", "other"}};
  CHECK(app.appendSynthetic(up, 0, 1));
  const SeriesId upId = *storage.find(up);
  // `up` is not written for two minutes while another series moves time on: it is dropped
  // and its id goes to `other`.
  const SeriesId steady = *storage.getOrCreate(kSteady);
  for (TimestampMs t = kSecond; t <= 2 * kMinute; t += kSecond) {
    storage.append(steady, t, 1);
  }
  REQUIRE_FALSE(storage.find(up).has_value());
  CHECK(*storage.getOrCreate(other) == upId);
  // The appender notices by the generation: `up` gets a series of its own again, and the
  // stale markers of markAllStale go to it, never into `other`.
  CHECK(app.appendSynthetic(up, 2 * kMinute, 1));
  REQUIRE(storage.find(up).has_value());
  CHECK(*storage.find(up) != upId);
  app.markAllStale(2 * kMinute + kSecond);
  CHECK(storage.samples(upId).empty());
  CHECK(storage.samples(*storage.find(up)).size() == 2);
}

}  // namespace
}  // namespace nova::tsdb
