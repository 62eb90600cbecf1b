// Charts as SVG for the incident report: the same data the page draws, with the threshold,
// the breaches and the decision moments, readable without colour.

#include "nova/dashboard/svg.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "svg_parts.h"
#include "svg_scale.h"

namespace nova::dashboard {
namespace {

using detail::coord;
using detail::Frame;
using detail::kAggregateColour;
using detail::kBreachColour;
using detail::kTargetColours;
using detail::kTargetDashes;
using detail::kThresholdColour;
using detail::svgText;

double maxValue(const ChartData& c) {
  double max = 0;
  auto scan = [&](const std::vector<double>& values) {
    for (double v : values) {
      if (std::isfinite(v)) {
        max = std::max(max, v);
      }
    }
  };
  for (const SeriesData& s : c.series) {
    scan(s.values);
  }
  if (c.thresholdLine) {
    scan(c.thresholdLine->values);
  }
  if (c.threshold && std::isfinite(c.threshold->value)) {
    max = std::max(max, c.threshold->value);
  }
  return max * 1.15;
}

Frame frameFor(const ChartData& c, const SvgOptions& o, double yTop) {
  Frame f;
  f.width = o.width;
  f.height = o.height;
  f.right = o.width - 16;
  f.bottom = o.height - 48;
  f.x = {static_cast<double>(c.axis.start), static_cast<double>(c.axis.end()), f.left, f.right};
  f.y = {0, yTop, f.bottom, f.top};
  return f;
}

// "M x y L x y ..." with a new M after every gap; counts the points drawn.
std::string path(const TimeAxis& axis, const std::vector<double>& values, const Frame& f,
                 std::size_t& points) {
  std::string d;
  bool pen = false;
  points = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      pen = false;
      continue;
    }
    d += d.empty() ? "" : " ";
    d += pen ? "L" : "M";
    d += coord(f.x(static_cast<double>(axis.at(i)))) + " " + coord(f.y(values[i]));
    pen = true;
    ++points;
  }
  return d;
}

void axes(std::string& out, const ChartData& c, const Frame& f, const std::vector<double>& yTicks) {
  out += "<g class=\"y-axis\" font-size=\"11\" fill=\"#333\">\n";
  for (double v : yTicks) {
    const double y = f.y(v);
    out += "<line x1=\"" + coord(f.left) + "\" x2=\"" + coord(f.right) + "\" y1=\"" + coord(y) +
           "\" y2=\"" + coord(y) + "\" stroke=\"#ddd\"/>\n";
    out += svgText(f.left - 6, y + 4, "y-tick", formatValue(v, c.unit), " text-anchor=\"end\"");
  }
  out += "</g>\n<g class=\"x-axis\" font-size=\"11\" fill=\"#333\">\n";
  out += "<line x1=\"" + coord(f.left) + "\" x2=\"" + coord(f.right) + "\" y1=\"" +
         coord(f.bottom) + "\" y2=\"" + coord(f.bottom) + "\" stroke=\"#333\"/>\n";
  const bool seconds = c.axis.end() - c.axis.start < 5 * kMinute;
  for (TimestampMs t : detail::timeTicks(c.axis.start, c.axis.end())) {
    const double x = f.x(static_cast<double>(t));
    out += "<line x1=\"" + coord(x) + "\" x2=\"" + coord(x) + "\" y1=\"" + coord(f.bottom) +
           "\" y2=\"" + coord(f.bottom + 4) + "\" stroke=\"#333\"/>\n";
    out += svgText(x, f.bottom + 16, "x-tick", detail::clockTime(t, seconds),
                   " text-anchor=\"middle\"");
  }
  out += svgText(f.right, f.bottom + 16, "x-label", "UTC", " text-anchor=\"end\" fill=\"#666\"");
  out += "</g>\n";
}

void breaches(std::string& out, const ChartData& c, const Frame& f) {
  for (const BreachPeriod& b : c.breaches) {
    const double x0 = std::clamp(f.x(static_cast<double>(b.from)), f.left, f.right);
    const double x1 = std::clamp(f.x(static_cast<double>(b.to)), f.left, f.right);
    const double width = std::max(x1 - x0, 2.0);
    const std::string box = "x=\"" + coord(x0) + "\" y=\"" + coord(f.top) + "\" width=\"" +
                            coord(width) + "\" height=\"" + coord(f.bottom - f.top) + "\"";
    out += "<rect class=\"breach\" " + box + " fill=\"" + kBreachColour +
           "\" fill-opacity=\"0.12\"><title>" +
           escapeXml(c.rule + " breaching " + detail::clockTime(b.from, true) + " to " +
                     detail::clockTime(b.to, true)) +
           "</title></rect>\n";
    out += "<rect " + box + " fill=\"url(#hatch-" + c.id + ")\"/>\n";
    if (width > 40) {
      out += svgText(x0 + 3, f.top + 12, "breach-label", "breach",
                     std::string(" font-size=\"10\" fill=\"") + kBreachColour + "\"");
    }
  }
}

void threshold(std::string& out, const ChartData& c, const Frame& f) {
  if (c.threshold) {
    const double y = f.y(c.threshold->value);
    out += "<line class=\"threshold\" x1=\"" + coord(f.left) + "\" x2=\"" + coord(f.right) +
           "\" y1=\"" + coord(y) + "\" y2=\"" + coord(y) + "\" stroke=\"" + kThresholdColour +
           "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n";
    out += svgText(
        f.right - 4, y - 4, "threshold-label", "threshold " + formatThreshold(*c.threshold, c.unit),
        std::string(" text-anchor=\"end\" font-size=\"11\" fill=\"") + kThresholdColour + "\"");
  }
  if (c.thresholdLine) {
    std::size_t points = 0;
    const std::string d = path(c.axis, c.thresholdLine->values, f, points);
    out += "<path class=\"threshold-line\" data-points=\"" + std::to_string(points) + "\" d=\"" +
           d + "\" fill=\"none\" stroke=\"" + kThresholdColour +
           "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n";
  }
}

void series(std::string& out, const ChartData& c, const Frame& f) {
  out += "<g clip-path=\"url(#plot-" + c.id + ")\">\n";
  std::size_t target = 0;
  for (const SeriesData& s : c.series) {
    std::size_t points = 0;
    const std::string d = path(c.axis, s.values, f, points);
    std::string style;
    if (s.aggregate) {
      style = std::string("stroke=\"") + kAggregateColour + "\" stroke-width=\"2.5\"";
    } else {
      const std::size_t k = target++ % kTargetColours.size();
      style = std::string("stroke=\"") + kTargetColours[k] +
              "\" stroke-width=\"1.5\" stroke-dasharray=\"" + kTargetDashes[k] + "\"";
    }
    out += "<path class=\"series\" data-name=\"" + escapeXml(s.name) + "\" data-points=\"" +
           std::to_string(points) + "\" d=\"" + d + "\" fill=\"none\" " + style +
           " stroke-linejoin=\"round\"/>\n";
  }
  out += "</g>\n";
}

}  // namespace

std::string renderChartSvg(const ChartData& c, std::span<const Marker> markers,
                           const SvgOptions& o) {
  const std::vector<double> yTicks = detail::valueTicks(maxValue(c));
  const Frame f = frameFor(c, o, yTicks.back());
  const std::string w = std::to_string(o.width);
  const std::string h = std::to_string(o.height);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
                    "\" viewBox=\"0 0 " + w + " " + h + "\" role=\"img\" aria-labelledby=\"" +
                    c.id + "-title " + c.id + "-desc\" font-family=\"DejaVu Sans, sans-serif\">\n";
  out += "<title id=\"" + c.id + "-title\">" + escapeXml(c.title) + "</title>\n";
  out += "<desc id=\"" + c.id + "-desc\">" +
         escapeXml(c.caption + "; " + std::to_string(c.breaches.size()) + " breach period(s)") +
         "</desc>\n";
  out += "<defs><pattern id=\"hatch-" + c.id +
         "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"" +
         kBreachColour + "\" stroke-opacity=\"0.35\" stroke-width=\"1.5\"/></pattern>";
  out += "<clipPath id=\"plot-" + c.id + "\"><rect x=\"" + coord(f.left) + "\" y=\"" +
         coord(f.top) + "\" width=\"" + coord(f.right - f.left) + "\" height=\"" +
         coord(f.bottom - f.top) + "\"/></clipPath></defs>\n";
  out += "<rect width=\"" + w + "\" height=\"" + h + "\" fill=\"#fff\"/>\n";
  out +=
      svgText(f.left, 18, "title", c.title, " font-size=\"15\" font-weight=\"bold\" fill=\"#111\"");
  out += svgText(f.left, 34, "caption", c.caption, " font-size=\"11\" fill=\"#555\"");
  breaches(out, c, f);
  axes(out, c, f, yTicks);
  threshold(out, c, f);
  series(out, c, f);
  detail::drawMarkers(out, markers, c, f);
  detail::drawLegend(out, c, f);
  if (c.series.empty()) {
    out += svgText((f.left + f.right) / 2, (f.top + f.bottom) / 2, "no-data", "no data",
                   " text-anchor=\"middle\" font-size=\"13\" fill=\"#666\"");
  }
  out += "</svg>\n";
  return out;
}

}  // namespace nova::dashboard
