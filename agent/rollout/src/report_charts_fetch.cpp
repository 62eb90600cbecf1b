// The report's charts from the agent: the document it saved for the incident, or the same
// window from its store.
#include <boost/json.hpp>

#include "nova/rollout/report_files.h"

namespace nova::rollout {
namespace {

// The chart document is about 50 KB; an agent that sends much more is not answering this.
constexpr std::size_t kMaxChartDocumentBytes = std::size_t{4} << 20;
constexpr DurationMs kChartsTimeout = 5 * kSecond;

// The "error" of the agent's JSON error body, or the body itself.
std::string agentReason(const std::string& body) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (const auto* error = v.get_object().if_contains("error"); error && error->is_string()) {
      return std::string(error->get_string());
    }
  }
  return body.substr(0, 200);
}

Result<dashboard::ChartDocument> fetch(http::Client& client, const std::string& url,
                                       DurationMs timeout, const std::string& notFound) {
  http::Request request;
  request.url = url;
  request.timeout = timeout;
  request.maxBodyBytes = kMaxChartDocumentBytes;
  auto response = client.perform(request);
  if (!response.ok()) {
    return Error(ErrorCode::kTransport,
                 "the agent did not answer " + url + ": " + response.error().message);
  }
  if (response->status == 404) {
    return Error(ErrorCode::kNotFound, notFound);
  }
  if (response->status == 400) {
    return Error(ErrorCode::kInvalidInput,
                 "the agent refused " + url + ": " + agentReason(response->body));
  }
  if (response->status != 200) {
    return Error(ErrorCode::kUnavailable, url + " answered " + std::to_string(response->status));
  }
  dashboard::ChartDocumentLimits limits;
  limits.maxBytes = kMaxChartDocumentBytes;
  return dashboard::parseChartDocument(response->body, limits);
}

}  // namespace

Result<dashboard::ChartDocument> fetchIncidentCharts(http::Client& client,
                                                     const std::string& agentUrl,
                                                     const std::string& incidentId,
                                                     DurationMs timeout) {
  return fetch(client, agentUrl + "/v1/incidents/" + incidentId + "/charts", timeout,
               "the agent saved no charts for incident " + incidentId +
                   " (it saves them when its own rollback completes)");
}

Result<dashboard::ChartDocument> fetchRangeCharts(http::Client& client, const std::string& agentUrl,
                                                  const dashboard::ChartRange& range,
                                                  DurationMs timeout) {
  return fetch(client,
               agentUrl + "/v1/dashboard?from=" + std::to_string(range.from) +
                   "&to=" + std::to_string(range.to),
               timeout, "the agent serves no dashboard");
}

Result<dashboard::ChartDocument> chartsForReport(http::Client& client, const std::string& agentUrl,
                                                 const ReportInput& input) {
  std::string saved;
  if (!input.incidentId.empty()) {
    auto document = fetchIncidentCharts(client, agentUrl, input.incidentId, kChartsTimeout);
    if (document.ok() || document.error().code != ErrorCode::kNotFound) {
      return document;
    }
    saved = document.error().message + "; ";
  }
  dashboard::IncidentMoments moments;
  moments.switchedAt = input.record.switchedAt;
  moments.rolledBackAt = input.rolledBackAt.value_or(input.endedAt);
  moments.openedAt = moments.rolledBackAt;
  moments.now = std::max(input.endedAt, moments.rolledBackAt);
  auto ranged =
      fetchRangeCharts(client, agentUrl, dashboard::incidentChartRange(moments), kChartsTimeout);
  if (!ranged.ok()) {
    return Error(ranged.error().code, saved + ranged.error().message);
  }
  return ranged;
}

}  // namespace nova::rollout
