// The incident report's charts as one HTML page: inline SVG, tables beside the pictures.

#include "nova/core/rfc3339.h"
#include "nova/dashboard/svg.h"

namespace nova::dashboard {
namespace {

constexpr const char* kStyle =
    "body{font-family:'DejaVu Sans',sans-serif;max-width:800px;margin:2em auto;padding:0 1em;"
    "color:#111}svg{max-width:100%;height:auto}table{border-collapse:collapse;margin:.5em 0 "
    "2em}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}";

std::string when(TimestampMs t) {
  return formatRfc3339(t, SubSecond::kNone);
}

}  // namespace

std::string renderChartsHtml(std::string_view title, std::string_view summary,
                             std::span<const ChartData> charts, std::span<const Marker> markers,
                             const SvgOptions& options) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" +
      escapeXml(title) + "</title><style>" + kStyle + "</style></head><body>\n";
  out += "<h1>" + escapeXml(title) + "</h1>\n<p>" + escapeXml(summary) + "</p>\n";
  for (const ChartData& c : charts) {
    out += "<section><h2>" + escapeXml(c.title) + "</h2>\n";
    out += renderChartSvg(c, markers, options);
    if (c.breaches.empty()) {
      out += "<p>No breach of " + escapeXml(c.rule.empty() ? "its threshold" : c.rule) +
             " in this window.</p>\n";
    } else {
      out += "<table><caption>" + escapeXml(c.rule) +
             " breaching</caption><tr><th>from</th><th>to</th></tr>\n";
      for (const BreachPeriod& b : c.breaches) {
        out += "<tr><td>" + when(b.from) + "</td><td>" + when(b.to) + "</td></tr>\n";
      }
      out += "</table>\n";
    }
    out += "</section>\n";
  }
  if (!markers.empty()) {
    out += "<h2>Decisions</h2>\n<table><tr><th>at</th><th>what</th></tr>\n";
    for (const Marker& m : markers) {
      out += "<tr><td>" + when(m.at) + "</td><td>" + escapeXml(m.label) + "</td></tr>\n";
    }
    out += "</table>\n";
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace nova::dashboard
