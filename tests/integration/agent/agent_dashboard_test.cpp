// nova-agent's dashboard against nova-demo-service: GET / serves the embedded page, GET
// /v1/dashboard the document built from the agent's own store, with the runbook's four
// charts filling as scrapes arrive, cached between polls and counted on /metrics; a
// rollback through the command API shows in it.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "nova/dashboard/page.h"
#include "nova/http/client.h"
#include "nova/testing/child_process.h"
#include "nova/testing/temp_dir.h"
#include "traffic_load.h"

namespace nova {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

json::value dashboardDocument(const std::string& agentUrl) {
  http::Client client;
  auto r = client.perform({.url = agentUrl + "/v1/dashboard", .timeout = 5 * kSecond});
  REQUIRE(r.ok());
  REQUIRE(r->status == 200);
  boost::system::error_code ec;
  json::value v = json::parse(r->body, ec);
  REQUIRE_FALSE(ec);
  return v;
}

// Values of a chart's aggregate series that are numbers.
std::size_t pointsOf(const json::value& chart) {
  std::size_t n = 0;
  for (const auto& v : chart.at("series").at(0).at("values").as_array()) {
    n += v.is_number() ? 1 : 0;
  }
  return n;
}

bool chartsFilled(const json::value& doc, std::size_t points) {
  const auto& charts = doc.at("charts").as_array();
  return charts.size() == 4 && std::all_of(charts.begin(), charts.end(), [&](const auto& c) {
           return !c.at("series").as_array().empty() && pointsOf(c) >= points;
         });
}

std::string metricsText(const std::string& agentUrl) {
  http::Client client;
  auto r = client.perform({.url = agentUrl + "/metrics", .timeout = 2 * kSecond});
  REQUIRE(r.ok());
  return r->body;
}

}  // namespace

TEST_CASE("the agent serves its dashboard: the page, and four charts from its own store") {
  const testing::TempDir dir("nova-agent-dash");
  const testing::LogCapture demoLog(dir.file("demo.log"));
  testing::ChildProcess demo({.argv = {NOVA_DEMO_SERVICE_BIN, "--listen", "127.0.0.1:0", "--token",
                                       "demo-token", "--ws-simulated", "30", "--seed-streams", "5"},
                              .log = &demoLog});
  const int demoPort = demo.waitForPort(10 * kSecond);
  REQUIRE(demoPort > 0);
  const std::string demoUrl = "http://127.0.0.1:" + std::to_string(demoPort);
  testing::Traffic traffic(demoPort);

  dir.write("token", "agent-token\n");
  dir.write("agent.yaml", "target:\n  health_url: " + demoUrl +
                              "/health\n  metrics_url: " + demoUrl + "/metrics\nrule_files: [" +
                              NOVA_SOURCE_DIR + "/rules/default.yaml]\n" +
                              "switch: {type: dry-run, target: ingress test/user}\n" +
                              "notifiers: [{type: log}]\napi_token: {file: token}\n");
  const testing::LogCapture agentLog(dir.file("agent.log"));
  testing::ChildProcess agent(
      {.argv = {NOVA_AGENT_BIN, "--config", dir.file("agent.yaml"), "--set", "listen=127.0.0.1:0"},
       .log = &agentLog});
  const int port = agent.waitForPort(10 * kSecond);
  REQUIRE_MESSAGE(port > 0, agentLog.text());
  const std::string agentUrl = "http://127.0.0.1:" + std::to_string(port);

  http::Client client;
  auto page = client.perform({.url = agentUrl + "/", .timeout = 2 * kSecond});
  REQUIRE(page.ok());
  CHECK(page->status == 200);
  CHECK(page->body == dashboard::dashboardPage());
  CHECK(page->body.find("<meta name=\"nova-dashboard-flavor\"") != std::string::npos);

  // Four charts with at least five points each (3 s apart) from the agent's own scrapes.
  json::value doc;
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  while (std::chrono::steady_clock::now() < deadline) {
    doc = dashboardDocument(agentUrl);
    if (chartsFilled(doc, 5)) {
      break;
    }
    std::this_thread::sleep_for(1s);
  }
  REQUIRE_MESSAGE(chartsFilled(doc, 5), json::serialize(doc));
  std::vector<std::string> ids;
  for (const auto& c : doc.at("charts").as_array()) {
    ids.emplace_back(c.at("id").as_string());
    CHECK_MESSAGE(c.at("error").as_string() == "", json::serialize(c));
  }
  CHECK(ids == std::vector<std::string>{"latency", "errors", "websockets", "db"});
  CHECK(doc.at("version").as_int64() == 1);
  CHECK(doc.at("traffic").at("backend").as_string() == "green");
  CHECK(doc.at("commands_enabled").as_bool());
  CHECK(doc.at("rules").as_array().size() >= 4);

  // Polls within the cache's age get the same document; the builds are counted.
  const auto generated = doc.at("generated_at").as_int64();
  CHECK(dashboardDocument(agentUrl).at("generated_at").as_int64() == generated);
  const std::string metrics = metricsText(agentUrl);
  CHECK(metrics.find("nova_agent_dashboard_documents_total ") != std::string::npos);
  CHECK(metrics.find("nova_agent_dashboard_build_seconds_count ") != std::string::npos);

  // The page's rollback button posts this; the next document shows it.
  auto rollback = client.perform({.method = "POST",
                                  .url = agentUrl + "/v1/rollback",
                                  .headers = {{"Authorization", "Bearer agent-token"}},
                                  .body = R"({"who":"tester","reason":"from the dashboard"})"});
  REQUIRE(rollback.ok());
  CHECK(rollback->status == 200);
  std::this_thread::sleep_for(2100ms);  // past the cache's age
  doc = dashboardDocument(agentUrl);
  CHECK(doc.at("generated_at").as_int64() > generated);
  REQUIRE(doc.at("commands").as_array().size() == 1);
  CHECK(doc.at("commands").at(0).at("who").as_string() == "tester");
  CHECK(doc.at("commands").at(0).at("accepted").as_bool());
  CHECK(doc.at("traffic").at("backend").as_string() == "blue");
  CHECK(doc.at("incident").at("state").as_string() == "rolled_back");
}

}  // namespace nova
