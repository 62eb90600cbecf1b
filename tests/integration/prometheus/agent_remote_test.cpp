// nova-agent with `source: prometheus` rules reading Debian's real Prometheus 2.42, which
// scrapes nova-demo-service with 10% injected errors: the remote error-rate rule breaches,
// the remote `up` rule does not, and a rule on an unreachable source is unknown with the
// reason on /status, counted on /metrics. Then Prometheus stops: its rules turn unknown, and
// /status and the notifications blame the measurement source, not green, while the local
// rule still sees green up. Real time: the processes are real.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "erroring_demo.h"
#include "nova/http/client.h"
#include "nova/testing/child_process.h"
#include "nova/testing/log_capture.h"
#include "nova/testing/temp_dir.h"
#include "nova/testing/tools.h"
#include "prometheus_process.h"

namespace nova {
namespace {

constexpr const char* kRules =
    "source: prometheus\n"
    "rules:\n"
    "  - name: remote_error_rate\n"
    "    expr: sum(rate(nova_http_errors_total[20s])) / sum(rate(nova_http_requests_total[20s]))\n"
    "    threshold: \"> 0.05\"\n"
    "    severity: low\n"
    "  - name: remote_demo_down\n"
    "    expr: up{job=\"demo\"}\n"
    "    threshold: \"< 1\"\n"
    "    severity: low\n"
    "  - name: remote_unreachable\n"
    "    expr: up\n"
    "    threshold: \"< 1\"\n"
    "    severity: low\n"
    "    source: gone\n"
    "  - name: local_up\n"
    "    expr: up\n"
    "    threshold: \"< 1\"\n"
    "    severity: low\n"
    "    source: scrape\n"
    // 10 s is the demo's highest finite bucket: this quantile can never exceed it.
    "  - name: local_p95_blind\n"
    "    expr: histogram_quantile(0.95, sum by (le) "
    "(rate(nova_http_request_duration_seconds_bucket[20s])))\n"
    "    threshold: \"> 10\"\n"
    "    severity: low\n"
    "    source: scrape\n";

Result<http::Response> get(const std::string& url) {
  http::Client client;
  return client.perform({.url = url, .timeout = 2 * kSecond});
}

const boost::json::object* ruleNamed(const boost::json::value& status, std::string_view name) {
  for (const auto& r : status.at("rules").as_array()) {
    if (r.at("name").as_string() == name) {
      return &r.as_object();
    }
  }
  return nullptr;
}

TEST_CASE("prometheus-sourced rules in the real nova-agent fire from the real Prometheus") {
  testing::TempDir dir("nova-agent-remote");
  const testing::ErroringDemo demo(dir);
  auto prometheus = testing::PrometheusProcess::start(demo.target());
  REQUIRE_MESSAGE(prometheus.ok(), prometheus.error().message);

  dir.write("rules.yaml", kRules);
  dir.write(
      "agent.yaml",
      "target:\n  health_url: " + demo.url() + "/health\n  metrics_url: " + demo.url() +
          "/metrics\nrule_files: [rules.yaml]\n" +
          "switch: {type: dry-run, target: ingress test/user}\n" +
          "notifiers: [{type: log}]\nsources:\n  prometheus:\n    url: " + (*prometheus)->url() +
          "\n    timeout: 2s\n  gone:\n    url: " + "http://127.0.0.1:" +
          std::to_string(testing::freeLoopbackPort()) + "\n    timeout: 1s\n");
  const testing::LogCapture agentLog(dir.file("agent.log"));
  testing::ChildProcess agent(
      {.argv = {NOVA_AGENT_BIN, "--config", dir.file("agent.yaml"), "--set", "listen=127.0.0.1:0"},
       .log = &agentLog});
  const int port = agent.waitForPort(10 * kSecond);
  REQUIRE_MESSAGE(port > 0, agentLog.text());
  const std::string agentUrl = "http://127.0.0.1:" + std::to_string(port);

  // Prometheus needs a few scrapes before rate() over 20s has two samples.
  boost::json::value status;
  bool settled = false;
  for (int i = 0; i < 120 && !settled; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto r = get(agentUrl + "/status");
    if (!r.ok() || r->status != 200) {
      continue;
    }
    boost::system::error_code ec;
    status = boost::json::parse(r->body, ec);
    if (ec || !status.is_object() || !status.as_object().contains("rules")) {
      continue;
    }
    const auto* errors = ruleNamed(status, "remote_error_rate");
    const auto* down = ruleNamed(status, "remote_demo_down");
    settled = errors != nullptr && down != nullptr && errors->at("state") == "breaching" &&
              down->at("state") == "ok";
  }
  REQUIRE_MESSAGE(settled, boost::json::serialize(status) << "\n" << agentLog.text());
  const auto* unreachable = ruleNamed(status, "remote_unreachable");
  REQUIRE(unreachable != nullptr);
  CHECK(unreachable->at("state") == "unknown");
  CHECK(std::string(unreachable->at("reason").as_string())
            .rfind("remote source \"gone\": unreachable: ", 0) == 0);
  CHECK(ruleNamed(status, "local_up")->at("state") == "ok");
  const auto& sources = status.at("sources").as_object();
  CHECK(sources.at("prometheus").at("failures").as_int64() == 0);
  CHECK(sources.at("gone").at("failures").as_int64() > 0);
  auto metrics = get(agentUrl + "/metrics");
  REQUIRE(metrics.ok());
  CHECK(
      metrics->body.find("nova_agent_remote_queries_total{result=\"ok\",source=\"prometheus\"}") !=
      std::string::npos);
  CHECK(metrics->body.find(
            "nova_agent_remote_queries_total{result=\"unreachable\",source=\"gone\"}") !=
        std::string::npos);
  CHECK(metrics->body.find("nova_agent_remote_query_duration_seconds_bucket") != std::string::npos);

  // The measurement source goes away; green does not.
  (*prometheus)->stop();
  bool blamed = false;
  for (int i = 0; i < 60 && !blamed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto r = get(agentUrl + "/status");
    boost::system::error_code ec;
    status = r.ok() ? boost::json::parse(r->body, ec) : boost::json::value();
    if (ec || !status.is_object() || !status.as_object().contains("rules")) {
      continue;
    }
    const auto* errors = ruleNamed(status, "remote_error_rate");
    blamed = errors != nullptr && errors->at("state") == "unknown" &&
             errors->at("failed_source") == "prometheus";
  }
  REQUIRE_MESSAGE(blamed, boost::json::serialize(status) << "\n" << agentLog.text());
  const auto* errors = ruleNamed(status, "remote_error_rate");
  CHECK(std::string(errors->at("reason").as_string()).rfind("remote source \"prometheus\": ", 0) ==
        0);
  CHECK(std::string(errors->at("summary").as_string())
            .rfind("unknown: the measurement source failed, not green: ", 0) == 0);
  CHECK(ruleNamed(status, "local_up")->at("state") == "ok");
  CHECK(ruleNamed(status, "local_up")->at("failed_source").is_null());
  // The incident names the failed source for each rule it holds for want of a value.
  const auto& incident = status.at("incident");
  REQUIRE(incident.is_object());
  bool incidentBlamesSource = false;
  for (const auto& rule : incident.at("rules").as_array()) {
    if (rule.at("name") == "remote_unreachable") {
      CHECK(rule.at("failed_source") == "gone");
    }
    incidentBlamesSource = incidentBlamesSource || rule.at("failed_source") == "prometheus";
  }
  CHECK(incidentBlamesSource);
  // The log notifier's text for the incident the unreachable source opened at start
  // (medium, the unknown cost): the source failed, not green.
  bool notified = false;
  for (int i = 0; i < 20 && !notified; ++i) {
    notified =
        agentLog.text().find(
            "remote_unreachable=unknown (measurement source \\\"gone\\\" failed, not green)") !=
        std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  CHECK_MESSAGE(notified, agentLog.text());

  // The quantile rule the demo's buckets cannot show: on /status with its rule, counted
  // once on /metrics, logged once.
  const auto* blind = ruleNamed(status, "local_p95_blind");
  REQUIRE(blind != nullptr);
  const auto& warnings = blind->at("bucket_warnings").as_array();
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].at("kind") == "unreachable");
  CHECK(warnings[0].at("metric") == "nova_http_request_duration_seconds_bucket");
  CHECK(ruleNamed(status, "local_up")->at("bucket_warnings").as_array().empty());
  metrics = get(agentUrl + "/metrics");
  REQUIRE(metrics.ok());
  CHECK(metrics->body.find("nova_agent_rule_bucket_warnings_total{kind=\"unreachable\","
                           "rule=\"local_p95_blind\"} 1") != std::string::npos);
  const std::string logged =
      "rule local_p95_blind: histogram_quantile(0.95, "
      "nova_http_request_duration_seconds_bucket) never exceeds 10";
  const std::string log = agentLog.text();
  CHECK(log.find(logged) != std::string::npos);
  CHECK(log.find(logged) == log.rfind(logged));
}

}  // namespace
}  // namespace nova
