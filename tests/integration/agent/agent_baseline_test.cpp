// The real nova-agent scrapes a real blue nova-demo-service (under traffic) before the
// switch, freezes blue's numbers at the switch time, shows them on /status and /metrics,
// and its rules read them: green, which gets no traffic, is judged against blue's rate. The
// frozen baseline is kept on disk: an agent killed and started again after the switch, with
// blue gone, has the same numbers back.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <thread>

#include "nova/core/files.h"
#include "nova/http/client.h"
#include "nova/testing/child_process.h"
#include "nova/testing/temp_dir.h"
#include "traffic_load.h"

namespace nova {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;
namespace json = boost::json;

std::string fetch(const std::string& url) {
  http::Client client;
  auto r = client.perform({.url = url, .timeout = 2 * kSecond});
  return r.ok() && r->status == 200 ? r->body : "";
}

json::value statusOf(int agentPort) {
  boost::system::error_code ec;
  json::value v =
      json::parse(fetch("http://127.0.0.1:" + std::to_string(agentPort) + "/status"), ec);
  return ec ? json::value(nullptr) : v;
}

// /status's "baseline" once its state is `state` (or after `wait`).
json::value awaitBaseline(int agentPort, const char* state, std::chrono::seconds wait) {
  const auto deadline = Steady::now() + wait;
  json::value baseline;
  while (Steady::now() < deadline) {
    json::value s = statusOf(agentPort);
    if (s.is_object() && s.as_object().contains("baseline")) {
      baseline = s.at("baseline");
      if (baseline.is_object() && baseline.at("state") == json::value(state)) {
        return baseline;
      }
    }
    std::this_thread::sleep_for(100ms);
  }
  return baseline;
}

std::string ruleState(const json::value& status, const char* rule) {
  for (const auto& r : status.at("rules").as_array()) {
    if (r.at("name") == json::value(rule)) {
      return std::string(r.at("state").as_string());
    }
  }
  return "";
}

}  // namespace

TEST_CASE("blue scraped before the switch, its baseline frozen at the switch and judged by") {
  const testing::TempDir dir("nova-baseline-it");
  const testing::LogCapture blueLog(dir.file("blue.log"));
  const testing::LogCapture greenLog(dir.file("green.log"));
  testing::ChildProcess blue(
      {.argv = {NOVA_DEMO_SERVICE_BIN, "--listen", "127.0.0.1:0", "--token", "demo-token"},
       .log = &blueLog});
  testing::ChildProcess green(
      {.argv = {NOVA_DEMO_SERVICE_BIN, "--listen", "127.0.0.1:0", "--token", "demo-token"},
       .log = &greenLog});
  const int bluePort = blue.waitForPort(10 * kSecond);
  const int greenPort = green.waitForPort(10 * kSecond);
  REQUIRE(bluePort > 0);
  REQUIRE(greenPort > 0);
  // Blue serves the users until the switch; green gets nothing, before or after it.
  auto blueTraffic = std::make_unique<testing::Traffic>(bluePort);

  const auto switchAt = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch() + 5s)
                            .count();
  dir.write("rules.yaml", *readFile(std::string(NOVA_SOURCE_DIR) + "/rules/default.yaml", 1 << 20));
  const std::string greenUrl = "http://127.0.0.1:" + std::to_string(greenPort);
  dir.write("agent.yaml",
            "target:\n"
            "  health_url: " +
                greenUrl +
                "/health\n"
                "  metrics_url: " +
                greenUrl +
                "/metrics\n"
                "  health_interval: 200ms\n"
                "  metrics_interval: 200ms\n"
                "rule_files: [rules.yaml]\n"
                "traffic_switched_at: " +
                std::to_string(switchAt) +
                "\n"
                "switch: {type: dry-run, target: ingress test/user}\n"
                "notifiers: [{type: log}]\n"
                "state_file: " +
                dir.file("state.json") +
                "\n"
                "baseline:\n"
                "  urls: [http://127.0.0.1:" +
                std::to_string(bluePort) +
                "]\n"
                "  interval: 200ms\n"
                "  window: 3s\n");
  const testing::LogCapture agentLog(dir.file("agent.log"));
  const testing::ChildOptions agentOptions{
      .argv = {NOVA_AGENT_BIN, "--config", dir.file("agent.yaml"), "--set", "listen=127.0.0.1:0"},
      .log = &agentLog};
  auto agent = std::make_unique<testing::ChildProcess>(agentOptions);
  const int port = agent->waitForPort(10 * kSecond);
  REQUIRE_MESSAGE(port > 0, agentLog.text());

  // Before the switch: blue is scraped, nothing is frozen, no rule sees a baseline.
  json::value waiting = awaitBaseline(port, "waiting", 3s);
  REQUIRE_MESSAGE(waiting.is_object(), agentLog.text());
  CHECK(waiting.at("state") == "waiting");
  CHECK(waiting.at("values").as_object().empty());
  CHECK(waiting.at("window_seconds") == 3);

  json::value frozen = awaitBaseline(port, "frozen", 15s);
  REQUIRE_MESSAGE(frozen.is_object(), agentLog.text());
  const std::string why = json::serialize(frozen) + "\n" + agentLog.text();
  REQUIRE_MESSAGE(frozen.at("state") == "frozen", why);
  blueTraffic.reset();  // after the switch blue serves nothing; the baseline stays
  const double rate =
      frozen.at("values").at("baseline:nova_http_requests:rate").to_number<double>();
  CHECK(rate > 5);  // the traffic thread sends up to 50 requests/s
  CHECK(rate < 60);
  CHECK(frozen.at("values").at("baseline:nova_http_error_ratio:rate").to_number<double>() < 0.05);
  const auto& targets = frozen.at("targets").as_array();
  REQUIRE(targets.size() == 1);
  CHECK(targets.at(0).at("instance").as_string() == "127.0.0.1:" + std::to_string(bluePort));
  CHECK(targets.at(0).at("up") == true);
  CHECK(agentLog.text().find("baseline: frozen at the switch") != std::string::npos);

  // The rules read the baseline: green carried nothing, but blue did, so traffic_collapsed
  // judges green (and breaches), where without a baseline it would not judge at all.
  std::this_thread::sleep_for(1s);
  const json::value s = statusOf(port);
  REQUIRE(s.is_object());
  CHECK_MESSAGE(ruleState(s, "traffic_collapsed") == "breaching", json::serialize(s.at("rules")));
  CHECK(ruleState(s, "traffic_below_blue") == "breaching");

  // The frozen value stays put while blue, now idle, is still scraped.
  std::this_thread::sleep_for(1s);
  const json::value later = awaitBaseline(port, "frozen", 2s);
  CHECK(later.at("values").at("baseline:nova_http_requests:rate").to_number<double>() == rate);

  const std::string metrics = fetch("http://127.0.0.1:" + std::to_string(port) + "/metrics");
  CHECK(metrics.find("nova_agent_baseline_state{state=\"frozen\"} 1") != std::string::npos);
  CHECK(metrics.find("baseline:nova_http_requests:rate ") != std::string::npos);
  CHECK(metrics.find("nova_agent_blue_scrapes_total{result=\"ok\"}") != std::string::npos);

  // Killed after the switch, with blue gone: the new agent cannot summarize blue again, and
  // reads the baseline it kept.
  agent->stop(5 * kSecond, SIGKILL);
  blue.stop(5 * kSecond, SIGTERM);
  const testing::LogCapture restartLog(dir.file("agent-restarted.log"));
  testing::ChildOptions restartOptions = agentOptions;
  restartOptions.log = &restartLog;
  agent = std::make_unique<testing::ChildProcess>(restartOptions);
  const int restartedPort = agent->waitForPort(10 * kSecond);
  REQUIRE_MESSAGE(restartedPort > 0, restartLog.text());
  const json::value restored = awaitBaseline(restartedPort, "frozen", 10s);
  REQUIRE_MESSAGE(restored.is_object(), restartLog.text());
  REQUIRE_MESSAGE(restored.at("state") == "frozen", restartLog.text());
  CHECK(restored.at("values").at("baseline:nova_http_requests:rate").to_number<double>() == rate);
  CHECK(restartLog.text().find("baseline: restored, as frozen at the switch") != std::string::npos);
}

}  // namespace nova
