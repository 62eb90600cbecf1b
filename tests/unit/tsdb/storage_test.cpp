#include "nova/tsdb/storage.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

namespace nova::tsdb {
namespace {

Labels series(std::string name, std::string instance = "a") {
  return Labels{{"__name__", std::move(name)}, {"instance", std::move(instance)}};
}

std::vector<TimestampMs> times(const Storage& storage, SeriesId id) {
  std::vector<TimestampMs> out;
  for (const Sample& s : storage.samples(id)) {
    out.push_back(s.t);
  }
  return out;
}

TEST_CASE("getOrCreate returns the same id for equal labels and find sees it") {
  Storage storage;
  auto a = storage.getOrCreate(series("up"));
  auto b = storage.getOrCreate(Labels::fromUnsorted({{"instance", "a"}, {"__name__", "up"}}));
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(*a == *b);
  CHECK(storage.find(series("up")) == a);
  CHECK_FALSE(storage.find(series("up", "b")).has_value());
  CHECK(storage.labels(*a) == series("up"));
  CHECK(storage.stats().series == 1);
}

TEST_CASE("seriesWithName indexes by metric name") {
  Storage storage;
  auto a = *storage.getOrCreate(series("x", "1"));
  auto b = *storage.getOrCreate(series("y", "1"));
  auto c = *storage.getOrCreate(series("x", "2"));
  auto xs = storage.seriesWithName("x");
  REQUIRE(xs.size() == 2);
  CHECK(xs[0] == a);
  CHECK(xs[1] == c);
  REQUIRE(storage.seriesWithName("y").size() == 1);
  CHECK(storage.seriesWithName("y")[0] == b);
  CHECK(storage.seriesWithName("z").empty());

  std::vector<SeriesId> seen;
  storage.forEachSeries([&](SeriesId id, const Labels&) { seen.push_back(id); });
  CHECK(seen == std::vector<SeriesId>{a, b, c});
}

TEST_CASE("out-of-order samples are inserted in order and equal timestamps replace") {
  Storage storage(Limits{.retention = 0});
  auto id = *storage.getOrCreate(series("m"));
  storage.append(id, 30, 3);
  storage.append(id, 10, 1);
  storage.append(id, 20, 2);
  storage.append(id, 40, 4);
  storage.append(id, 20, 22);
  CHECK(times(storage, id) == std::vector<TimestampMs>{10, 20, 30, 40});
  CHECK(storage.samples(id)[1].v == 22);
  CHECK(storage.stats().samples == 4);
}

TEST_CASE("a stale NaN is stored with its bits intact") {
  Storage storage;
  auto id = *storage.getOrCreate(series("m"));
  storage.append(id, 1000, staleNaN());
  storage.append(id, 2000, std::nan(""));
  REQUIRE(storage.samples(id).size() == 2);
  CHECK(isStaleNaN(storage.samples(id)[0].v));
  CHECK_FALSE(isStaleNaN(storage.samples(id)[1].v));
}

TEST_CASE("retention trims old samples lazily as time advances") {
  Storage storage(Limits{.retention = 60 * kSecond});
  auto busy = *storage.getOrCreate(series("busy"));
  auto idle = *storage.getOrCreate(series("idle"));
  storage.append(idle, 0, 1);
  for (TimestampMs t = 0; t <= 10 * kMinute; t += 15 * kSecond) {
    storage.append(busy, t, static_cast<double>(t));
  }
  // Everything at or after 10m - 60s survives: 9m, 9m15s, ..., 10m.
  CHECK(times(storage, busy) == std::vector<TimestampMs>{540000, 555000, 570000, 585000, 600000});
  // The idle series received nothing, but the sweep released its expired sample.
  CHECK(storage.samples(idle).empty());
  CHECK(storage.stats().samples == 5);
  CHECK(storage.newestTimestamp() == 10 * kMinute);

  SUBCASE("a sample older than the cutoff is refused and counted") {
    storage.append(busy, 1000, 7);
    CHECK(storage.samples(busy).size() == 5);
    CHECK(storage.stats().rejectedSamples == 1);
  }
  SUBCASE("an out-of-order sample inside the window is kept") {
    storage.append(busy, 545000, 7);
    CHECK(storage.samples(busy).size() == 6);
    CHECK(storage.samples(busy)[1].t == 545000);
  }
}

TEST_CASE("retention 0 keeps days of samples") {
  Storage storage(Limits{.retention = 0});
  auto id = *storage.getOrCreate(series("m"));
  for (TimestampMs t = 0; t < 3 * 24 * kHour; t += kMinute) {
    storage.append(id, t, 1);
  }
  CHECK(storage.samples(id).size() == 3 * 24 * 60);
  CHECK(storage.samples(id).front().t == 0);
}

TEST_CASE("long runs with retention keep memory bounded") {
  Storage storage(Limits{.retention = kMinute});
  auto id = *storage.getOrCreate(series("m"));
  std::size_t peakBytes = 0;
  for (TimestampMs t = 0; t < 24 * kHour; t += kSecond) {
    storage.append(id, t, 1);
    peakBytes = std::max(peakBytes, storage.stats().bytes);
  }
  CHECK(storage.samples(id).size() == 61);
  // 61 live samples of 16 bytes; the buffer may hold a few times that, never a day's worth.
  CHECK(peakBytes < 8 * 1024);
}

TEST_CASE("a series scraped at a steady interval allocates its window, not twice it") {
  // 15 minutes at 1 s: 901 samples of 16 bytes in the window; doubling alone would end at
  // 1,024 or 2,048 slots.
  Storage storage(Limits{.retention = 15 * kMinute});
  auto id = *storage.getOrCreate(series("m"));
  const std::size_t fixed = storage.stats().bytes;
  std::size_t peakSampleBytes = 0;
  for (TimestampMs t = 0; t < kHour; t += kSecond) {
    storage.append(id, t, static_cast<double>(t));
    peakSampleBytes = std::max(peakSampleBytes, storage.stats().bytes - fixed);
  }
  CHECK(storage.samples(id).size() == 901);
  CHECK(storage.samples(id).front().t == kHour - kSecond - 15 * kMinute);
  CHECK(storage.samples(id).back().v == static_cast<double>(kHour - kSecond));
  CHECK(peakSampleBytes >= 901 * sizeof(Sample));
  CHECK(peakSampleBytes <= 901 * sizeof(Sample) * 115 / 100);
}

TEST_CASE("a steady series claims its whole window after half a minute, then holds still") {
  Storage storage(Limits{.retention = 15 * kMinute});
  auto id = *storage.getOrCreate(series("m"));
  TimestampMs t = 0;
  auto scrapeUntil = [&](TimestampMs end) {
    for (; t < end; t += kSecond) {
      storage.append(id, t, 1);
    }
  };
  scrapeUntil(40 * kSecond);
  const std::size_t claimed = storage.stats().bytes;
  // 903 samples at most in 15 minutes at 1 s, plus an eighth: claimed at the 33rd sample.
  CHECK(claimed >= 903 * sizeof(Sample));
  scrapeUntil(kHour);
  CHECK(storage.stats().bytes == claimed);
  CHECK(storage.samples(id).size() == 901);
}

TEST_CASE("series that churn, or a store near its budget, grow by doubling, not by claims") {
  // The sample bytes one series holds after `seconds` scrapes at 1 s.
  auto sampleBytesAfter = [](Limits limits, TimestampMs seconds) {
    Storage storage(limits);
    auto id = *storage.getOrCreate(series("m"));
    const std::size_t fixed = storage.stats().bytes;
    for (TimestampMs t = 0; t < seconds * kSecond; t += kSecond) {
      storage.append(id, t, 1);
    }
    return storage.stats().bytes - fixed;
  };
  // A series gone after a few scrapes.
  CHECK(sampleBytesAfter({.retention = 15 * kMinute}, 20) == 32 * sizeof(Sample));
  // Half the budget already used: 15 minutes at 1 s would claim about 16 KiB; half of a
  // 24 KiB budget is 12 KiB.
  CHECK(sampleBytesAfter({.retention = 15 * kMinute, .maxBytes = 24 * 1024}, 40) ==
        64 * sizeof(Sample));
}

TEST_CASE("maxSeries refuses new series while existing ones keep working") {
  Storage storage(Limits{.retention = 0, .maxSeries = 2});
  auto a = storage.getOrCreate(series("m", "1"));
  auto b = storage.getOrCreate(series("m", "2"));
  auto c = storage.getOrCreate(series("m", "3"));
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK_FALSE(c.has_value());
  CHECK(storage.getOrCreate(series("m", "1")) == a);
  storage.append(*a, 1, 1);
  storage.append(*a, 2, 2);
  CHECK(storage.samples(*a).size() == 2);
  CHECK(storage.stats().series == 2);
  CHECK(storage.stats().rejectedSeries == 1);
  CHECK(storage.seriesWithName("m").size() == 2);
}

TEST_CASE("byte accounting counts labels and samples") {
  Storage storage(Limits{.retention = 0});
  CHECK(storage.stats().bytes == 0);
  auto id = *storage.getOrCreate(series("metric_name", "instance_value"));
  std::size_t labelsOnly = storage.stats().bytes;
  CHECK(labelsOnly >= std::string("__name__metric_nameinstanceinstance_value").size());

  auto longer = *storage.getOrCreate(series("metric_name", std::string(1000, 'x')));
  CHECK(storage.stats().bytes - labelsOnly >= 1000);
  (void)longer;

  std::size_t before = storage.stats().bytes;
  for (int i = 0; i < 1000; ++i) {
    storage.append(id, i, 1);
  }
  std::size_t sampleBytes = storage.stats().bytes - before;
  CHECK(sampleBytes >= 1000 * sizeof(Sample));
  CHECK(sampleBytes <= 2 * 1000 * sizeof(Sample));
}

TEST_CASE("maxBytes refuses new series and caps the growth of existing ones") {
  Storage storage(Limits{.retention = 0, .maxBytes = 8 * 1024});
  auto a = *storage.getOrCreate(series("m", "1"));
  auto b = *storage.getOrCreate(series("m", "2"));
  for (TimestampMs t = 0; t < 10000; ++t) {
    storage.append(a, t, 1);
    storage.append(b, t, 2);
  }
  Stats stats = storage.stats();
  CHECK(stats.evictedSamples > 0);
  // Both series keep their newest samples, about an even share each.
  CHECK(storage.samples(a).back().t == 9999);
  CHECK(storage.samples(b).back().t == 9999);
  CHECK(storage.samples(a).size() <= 8 * 1024 / 2 / sizeof(Sample));
  CHECK(storage.samples(a).size() >= 100);
  // Vector growth may allocate up to twice the live share; beyond that nothing grows.
  CHECK(stats.bytes <= 2 * 8 * 1024 + 1024);
  CHECK_FALSE(storage.getOrCreate(series("m", "3")).has_value());
  CHECK(storage.stats().rejectedSeries == 1);
}

TEST_CASE("clear drops every series and the name index") {
  Storage storage(Limits{.retention = kMinute});
  auto id = *storage.getOrCreate(series("m"));
  storage.append(id, 10 * kHour, 1);
  storage.clear();
  CHECK(storage.stats().series == 0);
  CHECK(storage.stats().samples == 0);
  CHECK(storage.stats().bytes == 0);
  CHECK(storage.seriesWithName("m").empty());
  CHECK_FALSE(storage.find(series("m")).has_value());
  CHECK_FALSE(storage.newestTimestamp().has_value());
  // The retention reference was reset too: an early timestamp is accepted again.
  auto again = *storage.getOrCreate(series("m"));
  CHECK(again == 0);
  storage.append(again, 5, 1);
  CHECK(storage.samples(again).size() == 1);
}

}  // namespace
}  // namespace nova::tsdb
