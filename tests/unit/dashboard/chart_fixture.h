#pragma once

// A small chart with known numbers, for the SVG and PNG checks: 10 points a minute apart
// from 02:00 UTC, a threshold at 200 ms, one breach, one gap and two markers.

#include <cmath>
#include <vector>

#include "nova/dashboard/chart_data.h"

namespace nova::dashboard::test {

inline constexpr TimestampMs kChartStart = 1'764'900'000'000;  // 2025-12-05T02:00:00Z

inline ChartData latencyChart() {
  ChartData c;
  c.id = "latency";
  c.title = "API response time (p95)";
  c.caption = "runbook: p95 below 200 ms";
  c.unit = Unit::kSeconds;
  c.axis = {kChartStart, kMinute, 10};
  const double nan = std::nan("");
  c.series.push_back({"all", true, {0.05, 0.06, 0.05, 0.3, 0.35, 0.32, nan, 0.1, 0.08, 0.07}});
  c.series.push_back({"green-a", false, {0.05, 0.05, 0.05, 0.1, 0.1, 0.1, nan, 0.05, 0.05, 0.05}});
  c.series.push_back({"green-b", false, {0.05, 0.07, 0.05, 0.5, 0.6, 0.55, nan, 0.15, 0.1, 0.09}});
  c.threshold = rules::Threshold{rules::ThresholdOp::kGreater, 0.2};
  c.rule = "latency_p95";
  c.breaches.push_back({kChartStart + 3 * kMinute, kChartStart + 5 * kMinute});
  return c;
}

inline std::vector<Marker> chartMarkers() {
  return {{kChartStart + 3 * kMinute, Marker::Kind::kIncident, "incident opened"},
          {kChartStart + 5 * kMinute, Marker::Kind::kRollback, "rollback decided"},
          {kChartStart - kHour, Marker::Kind::kSwitch, "traffic to green"}};
}

}  // namespace nova::dashboard::test
