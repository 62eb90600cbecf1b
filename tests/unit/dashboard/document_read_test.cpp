#include "nova/dashboard/document_read.h"

#include <doctest/doctest.h>

#include <cmath>

#include "chart_fixture.h"
#include "nova/dashboard/document.h"

namespace nova::dashboard {
namespace {

std::string fixtureDocument() {
  DocumentInputs in;
  in.now = test::kChartStart + 10 * kMinute;
  policy::Incident incident;
  incident.id = "1764900000000-1";
  in.incident = incident;
  in.markers = test::chartMarkers();
  ChartData websockets;
  websockets.id = "websockets";
  websockets.title = "WebSocket connections";
  websockets.unit = Unit::kCount;
  websockets.axis = {test::kChartStart, kMinute, 3};
  websockets.series.push_back({"all", true, {10, 12, 3}});
  websockets.thresholdLine = SeriesData{"threshold", false, {7, 8, std::nan("")}};
  const std::vector<ChartData> charts{test::latencyChart(), websockets};
  return buildDocument(charts, in);
}

Error errorOf(const std::string& text, const ChartDocumentLimits& limits = {}) {
  auto parsed = parseChartDocument(text, limits);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a built document reads back into the same charts and markers") {
  auto doc = parseChartDocument(fixtureDocument());
  REQUIRE(doc.ok());
  CHECK(doc->incidentId == "1764900000000-1");
  CHECK(doc->generatedAt == test::kChartStart + 10 * kMinute);
  REQUIRE(doc->charts.size() == 2);
  const ChartData& latency = doc->charts[0];
  const ChartData expected = test::latencyChart();
  CHECK(latency.id == "latency");
  CHECK(latency.title == expected.title);
  CHECK(latency.caption == expected.caption);
  CHECK(latency.unit == Unit::kSeconds);
  CHECK(latency.axis.start == expected.axis.start);
  CHECK(latency.axis.step == kMinute);
  CHECK(latency.axis.count == 10);
  REQUIRE(latency.series.size() == 3);
  CHECK(latency.series[0].aggregate);
  CHECK(latency.series[2].name == "green-b");
  CHECK(latency.series[0].values[3] == doctest::Approx(0.3));
  CHECK(std::isnan(latency.series[0].values[6]));
  REQUIRE(latency.threshold.has_value());
  CHECK((latency.threshold->op == rules::ThresholdOp::kGreater));
  CHECK(latency.threshold->value == doctest::Approx(0.2));
  CHECK(latency.rule == "latency_p95");
  CHECK(latency.breaches == expected.breaches);

  const ChartData& ws = doc->charts[1];
  CHECK(ws.unit == Unit::kCount);
  CHECK_FALSE(ws.threshold.has_value());
  REQUIRE(ws.thresholdLine.has_value());
  CHECK(ws.thresholdLine->values[1] == 8);
  CHECK(std::isnan(ws.thresholdLine->values[2]));

  REQUIRE(doc->markers.size() == 3);
  CHECK(doc->markers[1].kind == Marker::Kind::kRollback);
  CHECK(doc->markers[1].label == "rollback decided");
  CHECK(doc->markers[1].at == test::kChartStart + 5 * kMinute);
}

TEST_CASE("a document that does not fit is refused, naming the field") {
  const std::string good = fixtureDocument();
  CHECK(errorOf("[1,2]").message == "chart document: not a JSON object");
  CHECK(errorOf("{\"version\":2,\"generated_at\":0,\"charts\":[],\"markers\":[]}").message ==
        "chart document: version: must be 1");
  const Error shortSeries = errorOf(replaced(good, "\"values\":[", "\"values\":[1,"));
  CHECK(shortSeries.code == ErrorCode::kInvalidInput);
  CHECK(shortSeries.message ==
        "chart document: charts[0].series[0].values: 11 values for an axis of 10 points");
  CHECK(errorOf(replaced(good, "\"unit\":\"seconds\"", "\"unit\":\"parsecs\"")).message ==
        "chart document: charts[0].unit: unknown unit \"parsecs\"");
  CHECK(errorOf(replaced(good, "\"kind\":\"incident\"", "\"kind\":\"party\"")).message ==
        "chart document: markers[0].kind: unknown marker kind \"party\"");
  CHECK(errorOf(replaced(good, "\"title\":\"API", "\"title\":7,\"x\":\"")).message ==
        "chart document: charts[0].title: must be a string");
  CHECK(errorOf(replaced(good, "\"step\":60000", "\"step\":0"))
            .message.starts_with("chart document: charts[0].axis: needs a positive step"));
}

TEST_CASE("the reader's bounds hold against a hostile document") {
  const std::string good = fixtureDocument();
  ChartDocumentLimits limits;
  limits.maxBytes = 100;
  CHECK(errorOf(good, limits).message == "chart document: larger than 100 bytes");
  limits = {};
  limits.maxCharts = 1;
  CHECK(errorOf(good, limits).message == "chart document: charts: more than 1 entries");
  limits = {};
  limits.maxPoints = 5;
  CHECK(errorOf(good, limits).message ==
        "chart document: charts[0].axis: needs a positive step and at most 5 points");
  // A count far beyond the values is refused before anything is allocated for it.
  CHECK(errorOf(replaced(good, "\"count\":10", "\"count\":99999999999"))
            .message.starts_with("chart document: charts[0].axis"));
}

}  // namespace nova::dashboard
