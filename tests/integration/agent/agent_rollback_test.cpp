// nova-agent against nova-demo-service with 10% injected errors: the agent must decide the
// rollback at the time rules/default.yaml and the policy say, leave the trail in /status and
// its log, keep its rules on a bad SIGHUP reload and stop within 2 s on SIGTERM.
#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "nova/core/files.h"
#include "nova/http/client.h"
#include "nova/rules/loader.h"
#include "nova/testing/child_process.h"
#include "nova/testing/temp_dir.h"
#include "traffic_load.h"

namespace nova {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

constexpr DurationMs kInvestigate = 5 * kSecond;  // --set policy.high.investigate=5s
constexpr DurationMs kScrapeInterval = kSecond;   // the agent's default

std::string readText(const std::string& path) {
  auto text = readFile(path, std::size_t{1} << 20);
  REQUIRE_MESSAGE(text.ok(), (text.ok() ? "" : text.error().message));
  return std::move(text).value();
}

Result<http::Response> get(const std::string& url) {
  http::Client client;
  return client.perform({.url = url, .timeout = 2 * kSecond});
}

boost::json::value status(int port) {
  auto r = get("http://127.0.0.1:" + std::to_string(port) + "/status");
  if (!r.ok() || r->status != 200) {
    return nullptr;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(r->body, ec);
  // Until the loop's first publication /status is an empty object.
  if (ec || !v.is_object() || !v.as_object().contains("rollback_decided")) {
    return nullptr;
  }
  return v;
}

std::optional<std::int64_t> eventTime(const boost::json::value& status, std::string_view kind,
                                      std::string_view rule = "") {
  for (const auto& e : status.at("events").as_array()) {
    if (e.at("kind").as_string() == kind && (rule.empty() || e.at("rule").as_string() == rule)) {
      return e.at("at").as_int64();
    }
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("10% errors: rollback decided at for + investigation; SIGHUP keeps rules; SIGTERM") {
  const testing::TempDir dir("nova-agent-it");

  // The expected delay comes from the rule file itself: error_rate_high's `for`, then the
  // HIGH investigation window (shortened by --set to keep the test fast).
  const std::string defaultRules = readText(std::string(NOVA_SOURCE_DIR) + "/rules/default.yaml");
  auto ruleSet = rules::load(defaultRules, "default.yaml");
  REQUIRE(ruleSet.ok());
  const rules::Rule* highRule = ruleSet->find("error_rate_high");
  REQUIRE(highRule != nullptr);
  const DurationMs expected = highRule->forDuration + kInvestigate;
  MESSAGE("expected rollback " << expected << " ms after error_rate_high starts pending");

  dir.write("rules.yaml", defaultRules);
  dir.write("token", "agent-token\n");

  const testing::LogCapture demoLog(dir.file("demo.log"));
  testing::ChildProcess demo(
      {.argv = {NOVA_DEMO_SERVICE_BIN, "--listen", "127.0.0.1:0", "--token", "demo-token"},
       .log = &demoLog});
  const int demoPort = demo.waitForPort(10 * kSecond);
  REQUIRE(demoPort > 0);
  const std::string demoUrl = "http://127.0.0.1:" + std::to_string(demoPort);
  {
    http::Client client;
    auto injected = client.perform(
        {.method = "POST", .url = demoUrl + "/admin/faults", .body = R"({"error_ratio":0.1})"});
    REQUIRE(injected.ok());
    REQUIRE(injected->status == 200);
  }
  testing::Traffic traffic(demoPort);
  std::this_thread::sleep_for(1500ms);

  dir.write("agent.yaml", "target:\n  health_url: " + demoUrl + "/health\n" + "  metrics_url: " +
                              demoUrl + "/metrics\n" + "rule_files: [rules.yaml]\n" +
                              "switch: {type: dry-run, target: ingress test/user}\n" +
                              "notifiers: [{type: log}]\n" + "api_token: {file: token}\n" +
                              "state_file: state.json\n");
  const auto agentStart = Steady::now();
  const testing::LogCapture agentLog(dir.file("agent.log"));
  testing::ChildProcess agent(
      {.argv = {NOVA_AGENT_BIN, "--config", dir.file("agent.yaml"), "--set", "listen=127.0.0.1:0",
                "--set", "policy.high.investigate=5s"},
       .log = &agentLog});
  const int port = agent.waitForPort(10 * kSecond);
  REQUIRE_MESSAGE(port > 0, agentLog.text());
  const std::string agentUrl = "http://127.0.0.1:" + std::to_string(port);

  // Wait for the decision, with 20 s of room past the expected time.
  boost::json::value s;
  const auto deadline = agentStart + std::chrono::milliseconds(expected + 20 * kSecond);
  while (Steady::now() < deadline) {
    s = status(port);
    if (s.is_object() && s.at("rollback_decided").as_bool()) {
      break;
    }
    std::this_thread::sleep_for(200ms);
  }
  const auto seenAfter =
      std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - agentStart).count();
  REQUIRE_MESSAGE(s.is_object(), agentLog.text());
  REQUIRE_MESSAGE(s.at("rollback_decided").as_bool(), agentLog.text());
  CHECK(traffic.sent() > 100);

  // In the agent's own time: from the rule going pending (at its first evaluation, since
  // unknown counts too) to the decision is `for` + investigation, give or take one scrape.
  auto pendingAt = eventTime(s, "rule_pending", "error_rate_high");
  auto decidedAt = eventTime(s, "rollback_decided");
  REQUIRE(pendingAt);
  REQUIRE(decidedAt);
  const auto delay = *decidedAt - *pendingAt;
  MESSAGE("pending -> rollback_decided: " << delay << " ms; seen after " << seenAfter << " ms");
  CHECK(delay >= expected - kScrapeInterval);
  CHECK(delay <= expected + kScrapeInterval);
  // In wall time from the agent's start: the same, plus one scrape for the first
  // evaluation and up to one /status poll and start-up (another 1 s) of slack.
  CHECK(seenAfter >= expected - kScrapeInterval);
  CHECK(seenAfter <= expected + 2 * kScrapeInterval + kSecond);

  // The dry-run flip is reported back and the incident is rolled back.
  std::string incidentId;
  for (int i = 0; i < 30; ++i) {
    s = status(port);
    if (s.at("incident").is_object() && s.at("incident").at("state").as_string() == "rolled_back") {
      incidentId = s.at("incident").at("id").as_string().c_str();
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE_MESSAGE(!incidentId.empty(), boost::json::serialize(s));
  CHECK(s.at("rollback").at("outcome").as_string() == "flipped");
  CHECK(s.at("incident").at("severity").as_string() == "high");
  const std::string log = agentLog.text();
  CHECK(log.find("decision incident=" + incidentId + " action=rollback") != std::string::npos);
  CHECK(log.find("decision incident=" + incidentId + " action=page") != std::string::npos);
  CHECK(log.find("dry-run: would switch ingress test/user from green to blue") !=
        std::string::npos);
  CHECK(log.find("notification kind=rollback_started") != std::string::npos);

  auto ready = get(agentUrl + "/readyz");
  REQUIRE(ready.ok());
  CHECK(ready->status == 200);
  auto metrics = get(agentUrl + "/metrics");
  REQUIRE(metrics.ok());
  CHECK(metrics->body.find(R"(nova_agent_rollbacks_total{outcome="flipped"} 1)") !=
        std::string::npos);
  {
    http::Client client;
    auto noToken = client.perform({.method = "POST", .url = agentUrl + "/v1/rollback"});
    REQUIRE(noToken.ok());
    CHECK(noToken->status == 401);
    auto again = client.perform({.method = "POST",
                                 .url = agentUrl + "/v1/rollback",
                                 .headers = {{"Authorization", "Bearer agent-token"}}});
    REQUIRE(again.ok());
    CHECK(again->status == 409);  // a rollback happens at most once
  }

  // SIGHUP with a broken rule file: the old rules stay, every error is logged.
  dir.write("rules.yaml", "rules:\n  - name: broken\n    expr: rate(x[5q])\n");
  agent.signal(SIGHUP);
  CHECK(agentLog.waitFor("rule reload failed, keeping the old rules", 5 * kSecond));
  CHECK(agentLog.text().find("rules.yaml:3:") != std::string::npos);
  s = status(port);
  REQUIRE(s.is_object());
  CHECK(s.at("rules").as_array().size() == ruleSet->rules.size());
  auto healthz = get(agentUrl + "/healthz");
  REQUIRE(healthz.ok());
  CHECK(healthz->status == 200);

  // SIGTERM: a graceful stop within 2 s, with the escalator state on disk.
  const auto stopAt = Steady::now();
  agent.signal(SIGTERM);
  auto exitStatus = agent.waitExit(3 * kSecond);
  const auto stopTook =
      std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - stopAt).count();
  REQUIRE(exitStatus.has_value());
  CHECK(*exitStatus == 0);
  MESSAGE("SIGTERM to exit: " << stopTook << " ms");
  CHECK(stopTook < 2000);
  CHECK(readText(dir.file("state.json")).find(R"("rollbackDecided":true)") != std::string::npos);
}

TEST_CASE("an invalid configuration is refused with every error and exit code 2") {
  const testing::TempDir dir("nova-agent-it");
  const std::string config =
      dir.write("bad.yaml", "target:\n  health_url: nope\n  metrics_urll: x\nlisten: here\n");
  const testing::LogCapture log(dir.file("err.log"));
  testing::ChildProcess agent({.argv = {NOVA_AGENT_BIN, "--config", config}, .log = &log});
  auto exitStatus = agent.waitExit(10 * kSecond);
  REQUIRE(exitStatus.has_value());
  CHECK(*exitStatus == 2);
  const std::string err = log.text();
  CHECK(err.find("bad.yaml:2:15: target.health_url") != std::string::npos);
  CHECK(err.find("bad.yaml:3:3: unknown key \"target.metrics_urll\"") != std::string::npos);
  CHECK(err.find("bad.yaml:4:9: listen") != std::string::npos);
}

}  // namespace nova
