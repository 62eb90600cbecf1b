#include "nova/scrape/ingest.h"

#include <doctest/doctest.h>

using nova::Labels;
using nova::tsdb::ScrapeAppender;
using nova::tsdb::Storage;

namespace {

double lastValue(const Storage& storage, const Labels& labels) {
  const auto id = storage.find(labels);
  REQUIRE(id.has_value());
  const auto samples = storage.samples(*id);
  REQUIRE_FALSE(samples.empty());
  return samples.back().v;
}

}  // namespace

TEST_CASE("a body's samples land in the store with the target's labels") {
  Storage storage({.retention = 0});
  ScrapeAppender appender(storage);
  const Labels target{{"job", "green"}};
  const auto result = nova::scrape::ingestExposition(
      "# TYPE req counter\nreq{code=\"200\"} 7\nreq{code=\"500\",job=\"x\"} 1\n", appender, 1000,
      target);
  REQUIRE(result.ok());
  CHECK(*result == 2);
  CHECK(lastValue(storage, {{"__name__", "req"}, {"code", "200"}, {"job", "green"}}) == 7);
  // A scraped label that collides with a target label is kept under exported_.
  CHECK(lastValue(
            storage,
            {{"__name__", "req"}, {"code", "500"}, {"exported_job", "x"}, {"job", "green"}}) == 1);
}

TEST_CASE("an invalid line fails the whole scrape and stales the previous one") {
  Storage storage({.retention = 0});
  ScrapeAppender appender(storage);
  REQUIRE(nova::scrape::ingestExposition("a 1\nb 2\n", appender, 1000, {}).ok());
  const auto bad = nova::scrape::ingestExposition("a 3\nb two\n", appender, 2000, {});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == nova::ErrorCode::kInvalidInput);
  CHECK(bad.error().message ==
        "invalid exposition at 2:3: invalid sample value \"two\": invalid number");
  const auto a = storage.samples(*storage.find({{"__name__", "a"}}));
  REQUIRE(a.size() == 2);
  CHECK(a[0].v == 1);
  CHECK(nova::isStaleNaN(a[1].v));
  CHECK(a[1].t == 2000);
}

TEST_CASE("the synthetic series describe the scrape") {
  Storage storage({.retention = 0});
  ScrapeAppender appender(storage);
  const Labels target{{"instance", "green:8081"}};
  nova::scrape::appendScrapeSeries(appender, 5000, target,
                                   {.up = true, .samples = 42, .duration = 250});
  CHECK(lastValue(storage, target.with("__name__", "up")) == 1);
  CHECK(lastValue(storage, target.with("__name__", "scrape_duration_seconds")) == 0.25);
  CHECK(lastValue(storage, target.with("__name__", "scrape_samples_scraped")) == 42);
}

TEST_CASE("a name filter stores only what rules can select, and still counts everything") {
  Storage storage({.retention = 0});
  ScrapeAppender appender(storage);
  const nova::scrape::MetricNameFilter keep({"req_total", "lat_bucket"});
  const auto result = nova::scrape::ingestExposition(
      "req_total 1\nlat_bucket{le=\"1\"} 2\ngo_goroutines 30\nprocess_cpu_seconds_total 4\n",
      appender, 1000, {}, {}, &keep);
  REQUIRE(result.ok());
  CHECK(*result == 4);
  CHECK(storage.seriesCount() == 2);
  CHECK(storage.find({{"__name__", "go_goroutines"}}) == std::nullopt);
  // A bad line among filtered-out samples still fails the scrape, as in Prometheus.
  CHECK_FALSE(
      nova::scrape::ingestExposition("go_goroutines x\n", appender, 2000, {}, {}, &keep).ok());
}
