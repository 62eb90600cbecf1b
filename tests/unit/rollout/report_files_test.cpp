// The report's files: charts fetched from a real HTTP server standing in for the agent's
// endpoint, drawn as SVG (read back with an XML parser) and PNG (decoded with cairo where
// rsvg-convert is installed), and the HTML version (read back as XML).
#include "nova/rollout/report_files.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <sstream>

#include "nova/core/files.h"
#include "nova/dashboard/document.h"
#include "nova/http/server.h"
#include "nova/testing/temp_dir.h"
#include "report_png_check.h"

namespace nova::rollout {
namespace {

namespace fs = std::filesystem;
namespace pt = boost::property_tree;
using dashboard::ChartData;
using dashboard::Marker;

constexpr TimestampMs kStart = 1'764'900'000'000;  // 2025-12-05T02:00:00Z

ChartData chart(std::string id, std::string title, dashboard::Unit unit, double base, double peak,
                std::optional<double> threshold) {
  ChartData c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.unit = unit;
  c.axis = {kStart, 10 * kSecond, 60};
  std::vector<double> values(60, base);
  std::fill(values.begin() + 20, values.begin() + 40, peak);
  c.series.push_back({"all", true, values});
  if (threshold) {
    c.threshold = rules::Threshold{rules::ThresholdOp::kGreater, *threshold};
    c.rule = c.id + "_rule";
    c.breaches.push_back({kStart + 200 * kSecond, kStart + 390 * kSecond});
  }
  return c;
}

std::string incidentDocument() {
  using dashboard::Unit;
  const std::vector<ChartData> charts{
      chart("latency", "API response time (p95)", Unit::kSeconds, 0.05, 0.45, 0.2),
      chart("errors", "Error rate", Unit::kRatio, 0.0002, 0.08, 0.001),
      chart("websockets", "WebSocket connections", Unit::kCount, 120, 118, std::nullopt),
      chart("db", "Database p95 <script>", Unit::kSeconds, 0.02, 0.03, 0.1)};
  dashboard::DocumentInputs in;
  in.now = kStart + 10 * kMinute;
  policy::Incident incident;
  incident.id = "1764900000000-1";
  in.incident = incident;
  in.markers = {{kStart, Marker::Kind::kSwitch, "traffic to green"},
                {kStart + 200 * kSecond, Marker::Kind::kIncident, "incident opened"},
                {kStart + 260 * kSecond, Marker::Kind::kPage, "paged"},
                {kStart + 380 * kSecond, Marker::Kind::kRollback, "rollback decided"},
                {kStart + 390 * kSecond, Marker::Kind::kRolledBack, "traffic on blue"}};
  return dashboard::buildDocument(charts, in);
}

struct FakeAgent {
  FakeAgent() {
    auto started = http::Server::start({}, [this](const http::ServerRequest& r) {
      ++requests;
      if (r.path == "/v1/incidents/1764900000000-1/charts") {
        return http::ServerResponse{200, "application/json", {}, document};
      }
      if (r.path == "/v1/dashboard") {
        std::lock_guard lock(mutex);
        rangeQuery = r.query;
        return rangeRefused ? http::ServerResponse{400, "application/json", {}, rangeRefused}
                            : http::ServerResponse{200, "application/json", {}, document};
      }
      return http::ServerResponse{404, "application/json", {}, "{\"error\":\"none\"}"};
    });
    REQUIRE(started.ok());
    server = std::move(*started);
    url = "http://127.0.0.1:" + std::to_string(server->port());
  }
  std::string lastRangeQuery() {
    std::lock_guard lock(mutex);
    return rangeQuery;
  }
  std::string document = incidentDocument();
  std::atomic<int> requests{0};
  std::mutex mutex;
  std::string rangeQuery;
  const char* rangeRefused = nullptr;
  std::unique_ptr<http::Server> server;
  std::string url;
};

using TempDir = nova::testing::TempDir;

ReportInput rolledBack(std::string incidentId) {
  ReportInput in;
  in.record.rolloutId = "r-42";
  in.record.version = "v1.2.4";
  in.record.startedAt = kStart - 5 * kMinute;
  in.record.switchedAt = kStart;
  in.outcome = Outcome::kRolledBack;
  in.endedAt = kStart + 390 * kSecond;
  in.rolledBackAt = kStart + 390 * kSecond;
  in.rollbackBy = "nova-agent";
  in.incidentId = std::move(incidentId);
  return in;
}

std::string slurp(const fs::path& path) {
  auto text = readFile(path.string(), 16 << 20);
  REQUIRE_MESSAGE(text.ok(), path.string());
  return *text;
}

// Every element under `tree` (depth first) with its name, as (name, node) pairs.
void elements(const pt::ptree& tree, const std::string& name,
              std::vector<std::pair<std::string, const pt::ptree*>>& out) {
  for (const auto& [key, child] : tree) {
    if (key == "<xmlattr>" || key == "<xmlcomment>") {
      continue;
    }
    out.emplace_back(key, &child);
    elements(child, key, out);
  }
  (void)name;
}

std::string attr(const pt::ptree& node, const std::string& name) {
  return node.get<std::string>("<xmlattr>." + name, "");
}

// The elements of an SVG document with class `cls`.
std::vector<const pt::ptree*> withClass(const pt::ptree& doc, const std::string& cls) {
  std::vector<std::pair<std::string, const pt::ptree*>> all;
  elements(doc, "", all);
  std::vector<const pt::ptree*> out;
  for (const auto& [key, node] : all) {
    if (attr(*node, "class") == cls) {
      out.push_back(node);
    }
  }
  return out;
}

pt::ptree parseXml(const std::string& text) {
  std::istringstream in(text);
  pt::ptree tree;
  pt::read_xml(in, tree);  // throws on anything that is not well-formed XML
  return tree;
}

}  // namespace

TEST_CASE("the report's charts: one SVG and PNG per chart beside it, referenced, and HTML") {
  FakeAgent agent;
  TempDir dir("nova-report-files");
  const std::string path = dir.file("r-42-report.md");
  http::Client client;
  auto files =
      writeReportFiles(path, rolledBack("1764900000000-1"), client, agent.url, testRasterizer());
  REQUIRE(files.ok());
  CHECK(files->chartsMissing.empty());
  CHECK(files->html == dir.file("r-42-report.html"));

  const std::string markdown = slurp(path);
  for (const char* id : {"latency", "errors", "websockets", "db"}) {
    CHECK(fs::exists(fs::path(dir.file("r-42-report-" + std::string(id) + ".svg"))));
    CHECK(markdown.find("(r-42-report-" + std::string(id) + ".svg)") != std::string::npos);
  }
  CHECK(markdown.find("![API response time (p95)](r-42-report-latency.svg)") != std::string::npos);

  // The latency chart, read as XML: axes with units and UTC times, the series with all
  // its points, the threshold line, the breach and the decision markers.
  const pt::ptree svg = parseXml(slurp(fs::path(dir.file("r-42-report-latency.svg"))));
  REQUIRE(svg.count("svg") == 1);
  std::vector<std::string> yTicks;
  for (const pt::ptree* t : withClass(svg, "y-tick")) {
    yTicks.push_back(t->data());
  }
  CHECK(yTicks.size() >= 3);
  CHECK(std::all_of(yTicks.begin(), yTicks.end(),
                    [](const std::string& t) { return t.ends_with(" ms"); }));
  const auto xTicks = withClass(svg, "x-tick");
  REQUIRE(xTicks.size() >= 3);
  CHECK(xTicks.front()->data() == "02:00");
  const auto series = withClass(svg, "series");
  REQUIRE(series.size() == 1);
  CHECK(attr(*series[0], "data-points") == "60");
  const std::string d = attr(*series[0], "d");
  CHECK(std::count(d.begin(), d.end(), 'L') == 59);
  REQUIRE(withClass(svg, "threshold").size() == 1);
  CHECK(withClass(svg, "breach").size() == 1);
  std::vector<std::string> kinds;
  for (const pt::ptree* m : withClass(svg, "marker")) {
    kinds.push_back(attr(*m, "data-kind"));
  }
  CHECK(kinds == std::vector<std::string>{"switch", "incident", "page", "rollback", "rolled_back"});
  CHECK(slurp(fs::path(dir.file("r-42-report-latency.svg"))).find("rollback decided") !=
        std::string::npos);

  // The HTML: well-formed, self-contained, the four charts inline, text escaped.
  const std::string html = slurp(fs::path(dir.file("r-42-report.html")));
  const pt::ptree page = parseXml(html.substr(html.find("<html")));
  std::vector<std::pair<std::string, const pt::ptree*>> all;
  elements(page, "", all);
  CHECK(std::count_if(all.begin(), all.end(), [](const auto& e) { return e.first == "svg"; }) == 4);
  CHECK(std::count_if(all.begin(), all.end(), [](const auto& e) { return e.first == "script"; }) ==
        0);
  CHECK(html.find("Database p95 &lt;script&gt;") != std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));
  CHECK(html.find("<h1>Deployment Rollback Incident Report</h1>") != std::string::npos);

  checkReportPngs(dir.path(), files->charts, markdown);
}

TEST_CASE("an agent that does not answer or has no charts: the report says why, and is written") {
  TempDir dir("nova-report-files");
  http::Client client;
  const std::string path = dir.file("r-42-report.md");

  // Nothing listens on a port just freed.
  std::string closedUrl;
  {
    FakeAgent gone;
    closedUrl = gone.url;
  }
  auto unreachable = writeReportFiles(path, rolledBack("1764900000000-1"), client, closedUrl);
  REQUIRE(unreachable.ok());
  CHECK(unreachable->chartsMissing.starts_with("the agent did not answer " + closedUrl +
                                               "/v1/incidents/1764900000000-1/charts"));
  CHECK(unreachable->charts.empty());
  CHECK(slurp(path).find("**Charts**: missing: the agent did not answer") != std::string::npos);
  CHECK(fs::exists(fs::path(dir.file("r-42-report.html"))));
  CHECK_FALSE(fs::exists(fs::path(dir.file("r-42-report-latency.svg"))));

  // An incident the agent saved nothing for (a person rolled back): the same window from
  // its store, from the switch to the rollback.
  FakeAgent agent;
  auto ranged = writeReportFiles(path, rolledBack("1764900000000-7"), client, agent.url);
  REQUIRE(ranged.ok());
  CHECK(ranged->chartsMissing.empty());
  CHECK(agent.lastRangeQuery() == "from=1764900000000&to=1764900390000");
  CHECK(fs::exists(fs::path(dir.file("r-42-report-latency.svg"))));
  // ... which its store may no longer hold.
  agent.rangeRefused =
      R"({"ok":false,"error":"the store holds data from 2025-12-05T03:00:00Z on"})";
  auto none = writeReportFiles(path, rolledBack("1764900000000-7"), client, agent.url);
  REQUIRE(none.ok());
  CHECK(none->chartsMissing ==
        "the agent saved no charts for incident 1764900000000-7 (it saves them when its own "
        "rollback completes); the agent refused " +
            agent.url +
            "/v1/dashboard?from=1764900000000&to=1764900390000: the store holds data from "
            "2025-12-05T03:00:00Z on");

  auto noAgent = writeReportFiles(path, rolledBack(""), client, "");
  REQUIRE(noAgent.ok());
  CHECK(noAgent->chartsMissing == "monitor.agent_url is not set, so there is no agent to ask");

  agent.document = "{\"version\":1,\"generated_at\":0,\"charts\":[{\"id\":1}],\"markers\":[]}";
  auto broken = writeReportFiles(path, rolledBack("1764900000000-1"), client, agent.url);
  REQUIRE(broken.ok());
  CHECK(broken->chartsMissing == "chart document: charts[0].id: must be a string");

  // A rollout that succeeded without an incident needs no charts and asks for none.
  ReportInput fine = rolledBack("");
  fine.outcome = Outcome::kSucceeded;
  const int before = agent.requests.load();
  auto succeeded = writeReportFiles(path, fine, client, agent.url);
  REQUIRE(succeeded.ok());
  CHECK(succeeded->chartsMissing.empty());
  CHECK(agent.requests.load() == before);
  CHECK(slurp(path).find("**Charts**") == std::string::npos);
}

TEST_CASE("the HTML version escapes the report's text and inlines only known SVGs") {
  const std::string html = renderReportHtml(
      "# Report <b>\n\n**Root Cause**: a & b\n\n- one\n- <two>\n\n![chart](x.svg)\n\n"
      "![other](y.svg)\n",
      {{"x.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><g class=\"series\"/></svg>"}});
  CHECK(html.find("<title>Report &lt;b&gt;</title>") != std::string::npos);
  CHECK(html.find("<p><strong>Root Cause</strong>: a &amp; b</p>") != std::string::npos);
  CHECK(html.find("<ul>\n<li>one</li>\n<li>&lt;two&gt;</li>\n</ul>") != std::string::npos);
  CHECK(html.find("<figure><svg xmlns=\"http://www.w3.org/2000/svg\"><g class=\"series\"/></svg>"
                  "<figcaption>chart</figcaption></figure>") != std::string::npos);
  CHECK(html.find("<figure><figcaption>other</figcaption></figure>") != std::string::npos);
  CHECK_NOTHROW(parseXml(html.substr(html.find("<html"))));
}

}  // namespace nova::rollout

namespace nova::rollout {

TEST_CASE("the Markdown references each chart, or says why there are none") {
  ReportInput in = rolledBack("1764900000000-1");
  in.charts = {{"p95 [green]\nall", "r-report-latency.svg", "r-report-latency.png"},
               {"Error rate", "r-report-errors.svg", ""}};
  const std::string md = renderReport(in);
  CHECK(md.find("\n![p95 (green) all](r-report-latency.svg)\n") != std::string::npos);
  CHECK(md.find("\n![Error rate](r-report-errors.svg)\n") != std::string::npos);
  CHECK(md.find("\nPNG for chat tools: r-report-latency.png\n") != std::string::npos);

  in.charts.clear();
  in.chartsMissing = "the agent did not answer";
  CHECK(renderReport(in).find("\n**Charts**: missing: the agent did not answer\n") !=
        std::string::npos);
}

}  // namespace nova::rollout
