// The report on disk: the Markdown, the incident's charts beside it as SVG and PNG, and
// the HTML version with the charts inline.
#include "nova/rollout/report_files.h"

#include <filesystem>
#include <optional>

#include "nova/core/files.h"
#include "nova/dashboard/svg.h"

namespace nova::rollout {
namespace {

// PNGs at twice the SVG's size: sharp on high-density screens, still small for chat tools.
constexpr double kPngScale = 2.0;

// A chart id as part of a file name: ids come from rule annotations.
std::string fileSafe(const std::string& id, std::size_t index) {
  std::string out;
  for (char c : id) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_';
    out += plain ? c : '_';
  }
  return out.empty() || out.size() > 64 ? "chart" + std::to_string(index + 1) : out;
}

std::string stemOf(const std::string& path) {
  return path.ends_with(".md") ? path.substr(0, path.size() - 3) : path;
}

// Why no charts are asked for: "" when a report needs none (a rollout that succeeded
// without an incident), else why there is no agent to ask; nullopt when they are asked.
std::optional<std::string> whyNoCharts(const ReportInput& input, const std::string& agentUrl) {
  const bool incident = !input.incidentId.empty() || input.outcome == Outcome::kRolledBack;
  if (!incident) {
    return "";
  }
  if (agentUrl.empty()) {
    return "monitor.agent_url is not set, so there is no agent to ask";
  }
  return std::nullopt;
}

// Each chart as SVG (and PNG) beside the report; the report names the files. A write that
// fails leaves the charts missing, saying why.
void drawCharts(const dashboard::ChartDocument& document, const std::string& stem,
                const SvgRasterizer& png, ReportInput& input, ReportFiles& files,
                std::map<std::string, std::string>& svgs) {
  const std::string base = std::filesystem::path(stem).filename().string();
  if (document.charts.empty()) {
    input.chartsMissing =
        "the agent's document for incident " + input.incidentId + " holds no charts";
  }
  for (std::size_t i = 0; i < document.charts.size(); ++i) {
    const dashboard::ChartData& chart = document.charts[i];
    const std::string suffix = "-" + fileSafe(chart.id, i);
    std::string svg = dashboard::renderChartSvg(chart, document.markers);
    if (Status s = writeFileDurably(stem + suffix + ".svg", svg); !s) {
      input.chartsMissing = s.error().message;
      return;
    }
    files.charts.push_back(stem + suffix + ".svg");
    ReportChart entry{chart.title, base + suffix + ".svg", ""};
    if (png && input.pngMissing.empty()) {
      // The first failure is kept and ends the copies: the next chart would fail alike.
      auto bytes = png(svg, kPngScale);
      Status written =
          bytes.ok() ? writeFileDurably(stem + suffix + ".png", *bytes) : Status(bytes.error());
      if (written.ok()) {
        entry.pngFile = base + suffix + ".png";
        files.charts.push_back(stem + suffix + ".png");
      } else {
        input.pngMissing = written.error().message;
      }
    }
    svgs.emplace(entry.svgFile, std::move(svg));
    input.charts.push_back(std::move(entry));
  }
}

}  // namespace

Result<ReportFiles> writeReportFiles(const std::string& path, ReportInput input,
                                     http::Client& client, const std::string& agentUrl,
                                     const SvgRasterizer& png) {
  ReportFiles files;
  files.markdown = path;
  const std::string stem = stemOf(path);
  std::map<std::string, std::string> svgs;
  const std::optional<std::string> why = whyNoCharts(input, agentUrl);
  input.chartsMissing = why.value_or("");
  if (!why) {
    auto document = chartsForReport(client, agentUrl, input);
    if (document.ok()) {
      drawCharts(*document, stem, png, input, files, svgs);
    } else {
      input.chartsMissing = document.error().message;
    }
  }
  if (!input.chartsMissing.empty()) {
    input.charts.clear();
  }
  files.chartsMissing = input.chartsMissing;
  const std::string markdown = renderReport(input);
  if (Status s = writeFileDurably(path, markdown); !s) {
    return s.error();
  }
  if (writeFileDurably(stem + ".html", renderReportHtml(markdown, svgs)).ok()) {
    files.html = stem + ".html";
  }
  return files;
}

}  // namespace nova::rollout
