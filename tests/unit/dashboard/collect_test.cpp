#include <doctest/doctest.h>

#include <cmath>

#include "nova/dashboard/chart_data.h"
#include "rule_fixture.h"
#include "synthetic_store.h"

namespace nova::dashboard {
namespace {

constexpr TimestampMs kStart = 1'700'000'000'000;  // a whole multiple of 3 s

const ChartData& byId(const std::vector<ChartData>& charts, const std::string& id) {
  for (const ChartData& c : charts) {
    if (c.id == id) {
      return c;
    }
  }
  FAIL("no chart " << id);
  return charts.front();
}

double lastValue(const SeriesData& s) {
  for (auto it = s.values.rbegin(); it != s.values.rend(); ++it) {
    if (!std::isnan(*it)) {
      return *it;
    }
  }
  return std::nan("");
}

}  // namespace

TEST_CASE("reduceWorst keeps each bucket's worst value and NaN only for empty buckets") {
  const double nan = std::nan("");
  const std::vector<double> v{1, 5, 2, nan, nan, nan, 3, nan, 0};
  CHECK(reduceWorst(v, 3, Worse::kHigher)[0] == 5);
  CHECK(std::isnan(reduceWorst(v, 3, Worse::kHigher)[1]));
  CHECK(reduceWorst(v, 3, Worse::kHigher)[2] == 3);
  CHECK(reduceWorst(v, 3, Worse::kLower)[0] == 1);
  CHECK(reduceWorst(v, 3, Worse::kLower)[2] == 0);
  CHECK(reduceWorst(v, 4, Worse::kHigher).size() == 3);
  CHECK(reduceWorst(v, 1, Worse::kHigher).size() == 9);
}

TEST_CASE("15 minutes of two pods give aggregate and per-pod series, thresholds and breaches") {
  tsdb::Storage storage;
  test::SyntheticStore store(storage);
  test::Faults faults;
  faults.errorsFrom = kStart + 10 * kMinute;
  faults.errorsTo = kStart + 13 * kMinute;
  faults.wsDropAt = kStart + 12 * kMinute;
  faults.dbSlowFrom = kStart + 4 * kMinute;
  faults.dbSlowTo = kStart + 7 * kMinute;
  store.fill(kStart, kStart + 16 * kMinute, faults);

  const auto specs = chartSpecs(test::defaultRules());
  REQUIRE(specs.ok());
  CollectOptions options;
  options.end = kStart + 16 * kMinute - kSecond;
  const promql::Engine engine;
  const auto charts = collectCharts(*specs, engine, storage, options);
  REQUIRE(charts.size() == 4);
  for (const ChartData& c : charts) {
    CAPTURE(c.id);
    CHECK(c.error.empty());
    CHECK(c.axis.count == 300);
    CHECK(c.axis.step == 3 * kSecond);
    CHECK(c.axis.end() % c.axis.step == 0);
    CHECK(c.axis.end() <= options.end);
    CHECK(c.axis.end() > options.end - c.axis.step);
    REQUIRE(c.series.size() == 3);
    CHECK(c.series[0].aggregate);
    CHECK(c.series[0].name == "all");
    CHECK(c.series[1].name == "a");
    CHECK(c.series[2].name == "b");
    for (const SeriesData& s : c.series) {
      CHECK(s.values.size() == 300);
    }
  }

  // 30% errors on one of two equal pods: 15% in aggregate, 30% on b, 0 on a; the SLO
  // (0.1 %) breaches from the fault's start until its errors leave the 1m rate window.
  const ChartData& errors = byId(charts, "errors");
  CHECK(errors.rule == "error_rate_slo");
  REQUIRE(errors.breaches.size() == 1);
  CHECK(errors.breaches[0].from == faults.errorsFrom);
  CHECK(errors.breaches[0].to >= faults.errorsTo);
  CHECK(errors.breaches[0].to <= faults.errorsTo + kMinute);
  const std::size_t during = (faults.errorsFrom + 2 * kMinute - errors.axis.start) / 3000;
  CHECK(errors.series[0].values[during] == doctest::Approx(0.15));
  CHECK(errors.series[1].values[during] == doctest::Approx(0.0));
  CHECK(errors.series[2].values[during] == doctest::Approx(0.3));
  CHECK(errors.series[0].values[during - 60] == doctest::Approx(0.0));

  // Latency: p95 in seconds against 200 ms. Pod b's answers at 250 ms fall in the
  // (0.2, 0.25] bucket: its p95 is 0.2 + 0.05 x 0.95; with pod a's half of the requests
  // at 30 ms the aggregate's is 0.2 + 0.05 x (0.95 - 0.5) / 0.5.
  const ChartData& latency = byId(charts, "latency");
  CHECK(latency.unit == Unit::kSeconds);
  REQUIRE(latency.threshold);
  CHECK(formatThreshold(*latency.threshold, latency.unit) == "> 200 ms");
  CHECK(latency.series[0].values[during] == doctest::Approx(0.245));
  CHECK(latency.series[1].values[during] == doctest::Approx(0.04875));
  CHECK(latency.series[2].values[during] == doctest::Approx(0.2475));
  // Shaded where latency_p95 breaches: under 95 % of the requests within 200 ms, i.e. more
  // than 5 % of the 59 increments of both pods in the 1m window slow: from the 6th slow
  // scrape, until fewer than 6 are left in the window (the rule's guard holds throughout).
  CHECK(latency.rule == "latency_p95");
  REQUIRE(latency.breaches.size() == 1);
  CHECK(latency.breaches[0].from == faults.errorsFrom + 5 * kSecond);
  CHECK(latency.breaches[0].to == faults.errorsTo + 52 * kSecond);

  // WebSockets: 120 -> 90 is 75 % of the 2 minutes' low before the last 30 s, under the
  // rule's 80 %. The line is 80 % of that low: 96 before the drop, 72 once the window
  // holds only the lower count.
  const ChartData& ws = byId(charts, "websockets");
  CHECK(ws.unit == Unit::kCount);
  CHECK_FALSE(ws.threshold);
  REQUIRE(ws.thresholdLine);
  CHECK(lastValue(ws.series[0]) == 90);
  CHECK(lastValue(ws.series[2]) == 30);
  const std::size_t beforeDrop = (faults.wsDropAt - ws.axis.start) / 3000 - 1;
  CHECK(ws.series[0].values[beforeDrop] == 120);
  CHECK(ws.thresholdLine->values[beforeDrop] == doctest::Approx(96));
  CHECK(lastValue(*ws.thresholdLine) == doctest::Approx(72));
  // It breaches from the drop until the drop reaches the window, 30 s later.
  REQUIRE(ws.breaches.size() == 1);
  CHECK(ws.breaches[0].from == faults.wsDropAt);
  CHECK(ws.breaches[0].to == faults.wsDropAt + 29 * kSecond);

  // DB: pod b's queries at 150 ms in (0.1, 0.2]: p95 0.1 + 0.1 x 0.95 on b, the aggregate
  // 0.1 + 0.1 x 0.45 / 0.5; shaded where db_query_p95 breaches, as latency above.
  const ChartData& db = byId(charts, "db");
  CHECK(db.unit == Unit::kSeconds);
  CHECK(formatThreshold(*db.threshold, db.unit) == "> 100 ms");
  const std::size_t dbDuring = (faults.dbSlowFrom + 2 * kMinute - db.axis.start) / 3000;
  CHECK(db.series[0].values[dbDuring] == doctest::Approx(0.19));
  CHECK(db.series[1].values[dbDuring] == doctest::Approx(0.00475));
  CHECK(db.series[2].values[dbDuring] == doctest::Approx(0.195));
  CHECK(lastValue(db.series[0]) == doctest::Approx(0.00475));
  REQUIRE(db.breaches.size() == 1);
  CHECK(db.breaches[0].from == faults.dbSlowFrom + 5 * kSecond);
  CHECK(db.breaches[0].to == faults.dbSlowTo + 52 * kSecond);
}

TEST_CASE("one target gives the aggregate alone; targets beyond the cap are counted") {
  tsdb::Storage storage;
  for (int pod = 0; pod < 5; ++pod) {
    auto id = storage.getOrCreate(
        Labels::fromUnsorted({{"__name__", "nova_streaming_websocket_connections"},
                              {"pod", "p" + std::to_string(pod)}}));
    for (TimestampMs t = kStart; t < kStart + kMinute; t += kSecond) {
      storage.append(*id, t, 10);
    }
  }
  const auto specs = chartSpecs(test::loadRules("rules: []\n"));
  REQUIRE(specs.ok());
  CollectOptions options;
  options.end = kStart + kMinute;
  options.maxTargets = 3;
  const auto charts = collectCharts(*specs, promql::Engine(), storage, options);
  const ChartData& ws = byId(charts, "websockets");
  REQUIRE(ws.series.size() == 4);
  CHECK(ws.series[3].name == "p2");
  CHECK(ws.omittedTargets == 2);
  CHECK(lastValue(ws.series[0]) == 50);
  // No data for the other charts: empty series, no error, no breaches.
  const ChartData& latency = byId(charts, "latency");
  CHECK(latency.series.empty());
  CHECK(latency.error.empty());
  CHECK(latency.breaches.empty());
}

TEST_CASE("markers are the timeline's decision moments and the switch") {
  using policy::EventKind;
  const std::vector<policy::TimelineEvent> timeline{{1000, EventKind::kRulePending, "r", ""},
                                                    {2000, EventKind::kIncidentOpened, "", ""},
                                                    {2000, EventKind::kPage, "", "high"},
                                                    {3000, EventKind::kForcedRollback, "", ""},
                                                    {4000, EventKind::kRollbackCompleted, "", ""}};
  const auto markers = markersFrom(timeline, 500);
  REQUIRE(markers.size() == 5);
  CHECK(markers[0].kind == Marker::Kind::kSwitch);
  CHECK(markers[0].at == 500);
  CHECK(markers[2].label == "paged");
  CHECK(markers[3].label == "rollback forced");
  CHECK(markerKindName(markers[4].kind) == "rolled_back");
}

}  // namespace nova::dashboard
