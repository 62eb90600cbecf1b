#include "nova/dashboard/svg.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

#include "chart_fixture.h"
#include "nova/core/files.h"
#include "rule_fixture.h"
#include "synthetic_store.h"

namespace nova::dashboard {
namespace {

std::vector<std::string> all(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

// Compares with the golden file; NOVA_UPDATE_GOLDEN=1 rewrites it.
void checkGolden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(NOVA_SOURCE_DIR) + "/tests/unit/dashboard/golden/" + name;
  if (std::getenv("NOVA_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual;
  }
  auto expected = readFile(path, 1 << 20);
  REQUIRE_MESSAGE(expected.ok(), "missing golden file " << path);
  CHECK_MESSAGE(*expected == actual, "differs from " << path << " (NOVA_UPDATE_GOLDEN=1)");
}

}  // namespace

TEST_CASE("the SVG chart has axes with units, the series, the threshold, breaches and markers") {
  const ChartData chart = test::latencyChart();
  const auto markers = test::chartMarkers();
  const std::string svg = renderChartSvg(chart, markers);
  checkGolden("latency.svg", svg);

  // Frame: plot x from 72 to 744 (760 - 16) over 9 minutes; y from 232 (280 - 48) to 44.
  // Values reach 0.6 s (0.69 with headroom): the axis goes to 0.8 s in 200 ms steps.
  CHECK(all(svg, "class=\"y-tick\"[^>]*>([^<]*)<") ==
        std::vector<std::string>{"0 ms", "200 ms", "400 ms", "600 ms", "800 ms"});
  CHECK(all(svg, "class=\"x-tick\"[^>]*>([^<]*)<") ==
        std::vector<std::string>{"02:00", "02:02", "02:04", "02:06", "02:08"});

  // Nine values and a gap: two subpaths, 6 + 3 points; the aggregate comes first.
  CHECK(all(svg, "class=\"series\" data-name=\"([^\"]*)\"") ==
        std::vector<std::string>{"all", "green-a", "green-b"});
  const auto points = all(svg, "class=\"series\"[^>]*data-points=\"([0-9]+)\"");
  CHECK(points == std::vector<std::string>{"9", "9", "9"});
  const auto paths = all(svg, "class=\"series\"[^>]*d=\"([^\"]*)\"");
  REQUIRE(paths.size() == 3);
  CHECK(std::count(paths[0].begin(), paths[0].end(), 'M') == 2);
  CHECK(std::count(paths[0].begin(), paths[0].end(), 'L') == 7);
  // First point: 02:00 at x 72, 50 ms at y = 232 - 0.05 / 0.8 * 188 = 220.25; the next
  // a minute later at x 72 + 672 / 9 = 146.7, 60 ms at y 217.9.
  CHECK(paths[0].starts_with("M72 220.2 L146.7 217.9"));

  // The threshold at 200 ms: y = 232 - 0.2 / 0.8 * 188 = 185, labelled with its unit.
  CHECK(all(svg, "class=\"threshold\"[^>]*y1=\"([^\"]*)\"") == std::vector<std::string>{"185"});
  CHECK(svg.find(">threshold &gt; 200 ms<") != std::string::npos);

  // The breach from 02:03 to 02:05: x from 296 to 445.3.
  CHECK(all(svg, "class=\"breach\" x=\"([^\"]*)\"") == std::vector<std::string>{"296"});
  CHECK(all(svg, "class=\"breach\"[^>]*width=\"([^\"]*)\"") == std::vector<std::string>{"149.3"});
  CHECK(svg.find(">breach<") != std::string::npos);

  // Markers inside the window only.
  CHECK(all(svg, "class=\"marker\" data-kind=\"([^\"]*)\"") ==
        std::vector<std::string>{"incident", "rollback"});
  CHECK(svg.find("rollback decided 02:05:00") != std::string::npos);
}

TEST_CASE("a moving threshold, no data, and hostile names") {
  ChartData chart = test::latencyChart();
  chart.threshold.reset();
  chart.thresholdLine = SeriesData{"threshold", false, std::vector<double>(10, 0.25)};
  chart.series[1].name = "<script>&\"";
  std::string svg = renderChartSvg(chart, {});
  CHECK(all(svg, "class=\"threshold-line\" data-points=\"([0-9]+)\"") ==
        std::vector<std::string>{"10"});
  CHECK(svg.find("class=\"threshold\"") == std::string::npos);
  CHECK(svg.find("<script>") == std::string::npos);
  CHECK(svg.find("&lt;script&gt;&amp;&quot;") != std::string::npos);

  chart.series.clear();
  chart.thresholdLine.reset();
  chart.breaches.clear();
  svg = renderChartSvg(chart, {});
  CHECK(svg.find(">no data<") != std::string::npos);
  CHECK(all(svg, "class=\"y-tick\"[^>]*>([^<]*)<").size() >= 2);
}

TEST_CASE("charts collected from a store render every point, threshold and breach") {
  constexpr TimestampMs kStart = 1'700'000'000'000;
  tsdb::Storage storage;
  test::SyntheticStore store(storage);
  test::Faults faults;
  faults.errorsFrom = kStart + 10 * kMinute;
  faults.errorsTo = kStart + 12 * kMinute;
  faults.wsDropAt = kStart + 11 * kMinute;
  store.fill(kStart, kStart + 15 * kMinute, faults);
  const auto specs = chartSpecs(test::defaultRules());
  REQUIRE(specs.ok());
  CollectOptions options;
  options.end = kStart + 15 * kMinute;
  const auto charts = collectCharts(*specs, promql::Engine(), storage, options);
  for (const ChartData& chart : charts) {
    CAPTURE(chart.id);
    const std::string svg = renderChartSvg(chart, {});
    std::vector<std::string> expected;
    for (const SeriesData& s : chart.series) {
      expected.push_back(std::to_string(std::count_if(s.values.begin(), s.values.end(),
                                                      [](double v) { return !std::isnan(v); })));
    }
    CHECK(all(svg, "class=\"series\"[^>]*data-points=\"([0-9]+)\"") == expected);
    CHECK(all(svg, "class=\"breach\" x=\"([^\"]*)\"").size() == chart.breaches.size());
    CHECK(all(svg, "class=\"threshold\"").size() == (chart.threshold ? 1u : 0u));
    CHECK(all(svg, "class=\"threshold-line\"").size() == (chart.thresholdLine ? 1u : 0u));
  }
  CHECK_FALSE(charts[1].breaches.empty());  // errors
  CHECK_FALSE(charts[2].breaches.empty());  // websockets
}

TEST_CASE("the HTML report holds every chart inline with its breach table") {
  const std::vector<ChartData> charts{test::latencyChart()};
  const std::string html =
      renderChartsHtml("Incident 1-1 <rolled back>", "HIGH, 4m", charts, test::chartMarkers());
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.find("<title>Incident 1-1 &lt;rolled back&gt;</title>") != std::string::npos);
  CHECK(html.find("<svg ") != std::string::npos);
  CHECK(html.find("<td>2025-12-05T02:03:00Z</td><td>2025-12-05T02:05:00Z</td>") !=
        std::string::npos);
  CHECK(html.find("<td>2025-12-05T01:00:00Z</td><td>traffic to green</td>") != std::string::npos);
  CHECK(html.find("http") == html.find("http://www.w3.org/2000/svg"));  // no external fetch
}

}  // namespace nova::dashboard
