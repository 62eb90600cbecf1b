#pragma once

#include <span>
#include <string>
#include <string_view>

#include "nova/dashboard/chart_data.h"

namespace nova::dashboard {

struct SvgOptions {
  /// Size in CSS pixels (the PNG's pixels at scale 1).
  int width = 760;
  int height = 280;
};

/// One chart as a self-contained SVG document: title and caption; a y axis from 0 with
/// round ticks labelled in the chart's unit ("200 ms", "0.1 %"); an x axis of UTC times;
/// breach periods as hatched, shaded bands labelled "breach"; the threshold as a dashed
/// line labelled with its value (or the moving threshold as a dashed path); the aggregate
/// as a thick line and each target as a thinner line with its own dash pattern and a
/// legend entry; and a labelled vertical line per marker inside the window.
///
/// Every part carries a class for tools and tests: `series` (with `data-name` and
/// `data-points`, the number of points drawn), `threshold`, `threshold-line`, `breach`,
/// `marker` (with `data-kind`), `x-tick`, `y-tick`. A series path has one `M`/`L` command
/// per value; a gap (NaN) starts a new `M`. Series are clipped to the plot area. Pure.
std::string renderChartSvg(const ChartData& chart, std::span<const Marker> markers,
                           const SvgOptions& options = {});

/// A self-contained HTML page (no external resource) with `title`, the paragraph
/// `summary`, and for every chart its SVG followed by a table of its breach periods; then
/// a table of the markers. For the incident report's HTML version. Pure.
std::string renderChartsHtml(std::string_view title, std::string_view summary,
                             std::span<const ChartData> charts, std::span<const Marker> markers,
                             const SvgOptions& options = {});

/// `text` with &, <, >, " and ' escaped for XML and HTML.
std::string escapeXml(std::string_view text);

}  // namespace nova::dashboard
