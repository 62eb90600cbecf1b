// The SVG charts' labels: decision markers, the legend, and XML escaping.

#include "nova/dashboard/svg.h"
#include "svg_parts.h"

namespace nova::dashboard {
namespace detail {

std::string svgText(double x, double y, const std::string& cls, const std::string& body,
                    const std::string& extra) {
  return "<text class=\"" + cls + "\" x=\"" + coord(x) + "\" y=\"" + coord(y) + "\"" + extra + ">" +
         escapeXml(body) + "</text>\n";
}

void drawMarkers(std::string& out, std::span<const Marker> markers, const ChartData& c,
                 const Frame& f) {
  // Labels of markers close together go on successive rows, so none hides another.
  int row = 0;
  double lastX = -1e9;
  for (const Marker& m : markers) {
    if (m.at < c.axis.start || m.at > c.axis.end()) {
      continue;
    }
    const double x = f.x(static_cast<double>(m.at));
    row = std::abs(x - lastX) < 160 ? row + 1 : 0;
    lastX = x;
    out += "<line class=\"marker\" data-kind=\"" + std::string(markerKindName(m.kind)) +
           "\" x1=\"" + coord(x) + "\" x2=\"" + coord(x) + "\" y1=\"" + coord(f.top) + "\" y2=\"" +
           coord(f.bottom) + "\" stroke=\"#333\" stroke-dasharray=\"2 2\"/>\n";
    const double y = f.top + 24 + 12 * (row % 8);
    const bool leftOfLine = x > (f.left + f.right) / 2;
    out += svgText(leftOfLine ? x - 3 : x + 3, y, "marker-label",
                   m.label + " " + detail::clockTime(m.at, true),
                   std::string(" font-size=\"10\" fill=\"#333\"") +
                       (leftOfLine ? " text-anchor=\"end\"" : ""));
  }
}

void drawLegend(std::string& out, const ChartData& c, const Frame& f) {
  double x = f.left;
  const double y = f.height - 12;
  std::size_t target = 0;
  auto entry = [&](const std::string& name, const std::string& stroke) {
    out += "<line x1=\"" + coord(x) + "\" x2=\"" + coord(x + 22) + "\" y1=\"" + coord(y - 4) +
           "\" y2=\"" + coord(y - 4) + "\" " + stroke + "/>\n";
    out += svgText(x + 26, y, "legend", name, " font-size=\"11\" fill=\"#333\"");
    x += 34 + 7 * static_cast<double>(name.size());
  };
  for (const SeriesData& s : c.series) {
    if (s.aggregate) {
      entry(s.name == "all" ? "all targets" : s.name,
            std::string("stroke=\"") + kAggregateColour + "\" stroke-width=\"2.5\"");
    } else {
      const std::size_t k = target++ % kTargetColours.size();
      entry(s.name, std::string("stroke=\"") + kTargetColours[k] +
                        "\" stroke-width=\"1.5\" stroke-dasharray=\"" + kTargetDashes[k] + "\"");
    }
  }
  if (c.thresholdLine) {
    entry("drop threshold", std::string("stroke=\"") + kThresholdColour +
                                "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"");
  }
  if (c.omittedTargets > 0) {
    out += svgText(x, y, "legend", "+" + std::to_string(c.omittedTargets) + " more",
                   " font-size=\"11\" fill=\"#666\"");
  }
}

}  // namespace detail

std::string escapeXml(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char ch : in) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

}  // namespace nova::dashboard
