#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/dashboard/document_read.h"
#include "nova/dashboard/incident_range.h"
#include "nova/http/client.h"
#include "nova/rollout/report.h"
#include "nova/rollout/svg_rasterizer.h"

namespace nova::rollout {

/// What writeReportFiles wrote.
struct ReportFiles {
  /// The Markdown report and its HTML version ("" when the HTML could not be written).
  std::string markdown;
  std::string html;
  /// The charts' SVG and PNG files.
  std::vector<std::string> charts;
  /// Why the charts are missing, "" when they are there.
  std::string chartsMissing;
};

/// The incident's chart document, as the agent saved it when its rollback completed:
/// GET <agentUrl>/v1/incidents/<incidentId>/charts, bounded by `timeout`. Errors, worded for
/// the report: kTransport when the agent does not answer, kNotFound when it saved no
/// charts for the incident, kUnavailable for another status, kInvalidInput when the
/// document does not parse.
Result<dashboard::ChartDocument> fetchIncidentCharts(http::Client& client,
                                                     const std::string& agentUrl,
                                                     const std::string& incidentId,
                                                     DurationMs timeout);

/// The charts over `range` from the agent's store: GET <agentUrl>/v1/dashboard?from=&to=
/// (ms). Errors as fetchIncidentCharts's; a range the agent refuses (400: its store no
/// longer holds it) is kInvalidInput with the agent's reason.
Result<dashboard::ChartDocument> fetchRangeCharts(http::Client& client, const std::string& agentUrl,
                                                  const dashboard::ChartRange& range,
                                                  DurationMs timeout);

/// The charts for a report: the incident's saved document when the agent has one for
/// input.incidentId, else the same window (dashboard::incidentChartRange from the
/// record's switch to the rollback) from the agent's store, while it still holds it (a
/// rollback done by a person, which the agent did not save). Errors say both why not.
Result<dashboard::ChartDocument> chartsForReport(http::Client& client, const std::string& agentUrl,
                                                 const ReportInput& input);

/// Writes the report to `path` (durably) with, beside it, one SVG per chart of the
/// incident (`<stem>-<chart id>.svg`, stem being `path` without ".md"), its PNG at twice
/// the size (`.png`, when `png` is given) and the HTML version with the SVGs
/// inline (`<stem>.html`). The charts come from the agent (chartsForReport) for a report
/// of an incident or a rollback. When they cannot be had (no agent URL, the agent
/// unreachable or without them) the report is written all the same and says why.
/// Errors: only the Markdown's write error; a chart or HTML file that fails is named in
/// chartsMissing.
Result<ReportFiles> writeReportFiles(const std::string& path, ReportInput input,
                                     http::Client& client, const std::string& agentUrl,
                                     const SvgRasterizer& png = {});

/// The report's Markdown (renderReport's subset: headings, **bold**, lists, paragraphs,
/// image lines) as one self-contained HTML page: every text escaped, no script, no
/// external resource. An image line whose file is a key of `svgs` becomes that SVG
/// inline; another becomes its alt text. Pure.
std::string renderReportHtml(std::string_view markdown,
                             const std::map<std::string, std::string>& svgs);

}  // namespace nova::rollout
