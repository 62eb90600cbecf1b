// The real nova-agent finds three real nova-demo-service processes through EndpointSlices
// on the fake API server, probes and scrapes each as its own target, and follows the
// slices: a pod made unready is removed; a pod restarted (counters back to 0) raises no
// alarm; when every remaining pod fails /health the agent rolls back.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/http/client.h"
#include "nova/testing/child_process.h"
#include "nova/testing/temp_dir.h"
#include "traffic_load.h"

namespace nova {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;
namespace json = boost::json;

std::string get(const std::string& url) {
  http::Client client;
  auto r = client.perform({.url = url, .timeout = 2 * kSecond});
  return r.ok() && r->status == 200 ? r->body : "";
}

// `service`'s slices (in production) with the pods on `ports`; `ready[i]` per pod.
std::string slice(const std::vector<int>& ports, const std::vector<bool>& ready,
                  const std::string& service = "user-service-green") {
  // On loopback the pods share an address and differ by port, and a slice's ports apply
  // to all its endpoints: one slice per pod (as the controller may split them anyway).
  json::array items;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    items.push_back(json::object{
        {"apiVersion", "discovery.k8s.io/v1"},
        {"kind", "EndpointSlice"},
        {"metadata",
         {{"name", service + "-" + std::to_string(i)},
          {"namespace", "production"},
          {"labels", {{"kubernetes.io/service-name", service}}}}},
        {"addressType", "IPv4"},
        {"endpoints",
         json::array{json::object{{"addresses", json::array{"127.0.0.1"}},
                                  {"conditions", {{"ready", static_cast<bool>(ready[i])}}},
                                  {"targetRef",
                                   {{"kind", "Pod"},
                                    {"name", service + "-" + std::to_string(i)},
                                    {"namespace", "production"}}}}}},
        {"ports",
         json::array{json::object{{"name", "http"}, {"port", ports[i]}, {"protocol", "TCP"}}}}});
  }
  return json::serialize(json::object{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}});
}

// Pods of nova-demo-service on loopback, each on a port of its own, logging to DIR/podN.
struct DemoPods {
  std::vector<std::unique_ptr<testing::LogCapture>> logs;
  std::vector<std::unique_ptr<testing::ChildProcess>> pods;
  std::vector<int> ports;
};

DemoPods startPods(const testing::TempDir& dir, int count) {
  DemoPods demo;
  for (int i = 0; i < count; ++i) {
    demo.logs.push_back(std::make_unique<testing::LogCapture>(dir.file("pod" + std::to_string(i))));
    demo.pods.push_back(std::make_unique<testing::ChildProcess>(testing::ChildOptions{
        .argv = {NOVA_DEMO_SERVICE_BIN, "--listen", "127.0.0.1:0", "--token", "demo-token"},
        .log = demo.logs.back().get()}));
    demo.ports.push_back(demo.pods.back()->waitForPort(10 * kSecond));
    REQUIRE(demo.ports.back() > 0);
  }
  return demo;
}

json::value status(int agentPort) {
  boost::system::error_code ec;
  json::value v = json::parse(get("http://127.0.0.1:" + std::to_string(agentPort) + "/status"), ec);
  return ec ? json::value(nullptr) : v;
}

bool post(int podPort, const std::string& body) {
  http::Client client;
  auto r = client.perform({.method = "POST",
                           .url = "http://127.0.0.1:" + std::to_string(podPort) + "/admin/faults",
                           .body = body,
                           .timeout = 2 * kSecond});
  return r.ok() && r->status == 200;
}

// /status's targets once `pred` holds for them (or after 20 s).
template <typename Pred>
json::value awaitTargets(int agentPort, Pred pred) {
  const auto deadline = Steady::now() + 20s;
  json::value targets;
  while (Steady::now() < deadline) {
    const std::string body = get("http://127.0.0.1:" + std::to_string(agentPort) + "/status");
    boost::system::error_code ec;
    json::value status = json::parse(body, ec);
    if (!ec && status.is_object() && status.as_object().contains("targets")) {
      targets = status.at("targets");
      if (pred(targets.at("list").as_array())) {
        return targets;
      }
    }
    std::this_thread::sleep_for(100ms);
  }
  return targets;
}

}  // namespace

TEST_CASE("three pods discovered; unready removed; a restart is no alarm; all failing rolls back") {
  const testing::TempDir dir("nova-discovery-it");
  fake_kube::Options options;
  options.tokens = {"agent-token"};
  auto started = fake_kube::FakeKube::start(options);
  REQUIRE(started.ok());
  auto& server = **started;

  DemoPods demo = startPods(dir, 3);
  auto& [logs, pods, ports] = demo;
  REQUIRE(server.seed(slice(ports, {true, true, true})).ok());
  // 50 requests/s to each pod, so the error-rate rules judge (their guards need traffic).
  std::vector<std::unique_ptr<testing::Traffic>> traffic;
  traffic.reserve(ports.size());
  for (int p : ports) {
    traffic.push_back(std::make_unique<testing::Traffic>(p));
  }

  dir.write("token", "agent-token\n");
  dir.write("rules.yaml", *readFile(std::string(NOVA_SOURCE_DIR) + "/rules/default.yaml", 1 << 20));
  dir.write("agent.yaml",
            "target:\n"
            "  health_interval: 200ms\n"
            "  metrics_interval: 200ms\n"
            "  labels: {job: user-service}\n"
            "  discovery:\n"
            "    kind: kubernetes\n"
            "    namespace: production\n"
            "    service: user-service-green\n"
            "    port: http\n"
            "    server: " +
                server.url() +
                "\n"
                "    token_file: token\n"
                "rule_files: [rules.yaml]\n"
                "switch: {type: dry-run, target: ingress test/user}\n"
                "notifiers: [{type: log}]\n");
  const testing::LogCapture agentLog(dir.file("agent.log"));
  testing::ChildProcess agent(
      {.argv = {NOVA_AGENT_BIN, "--config", dir.file("agent.yaml"), "--set", "listen=127.0.0.1:0"},
       .log = &agentLog});
  const int port = agent.waitForPort(10 * kSecond);
  REQUIRE_MESSAGE(port > 0, agentLog.text());

  auto allUp = [](std::size_t n) {
    return [n](const json::array& list) {
      if (list.size() != n) {
        return false;
      }
      for (const auto& t : list) {
        if (!t.at("up").as_bool() || t.at("healthy") != json::value(true)) {
          return false;
        }
      }
      return true;
    };
  };
  auto targets = awaitTargets(port, allUp(3));
  REQUIRE_MESSAGE(targets.is_object(), agentLog.text());
  REQUIRE_MESSAGE(targets.at("list").as_array().size() == 3, agentLog.text());
  CHECK(targets.at("list").at(0).at("pod").as_string().starts_with("user-service-green-"));
  CHECK(targets.at("discovery").as_string().find("synced at resourceVersion") != std::string::npos);

  // Pod 1 turns unready: the watch's MODIFIED removes it within a scrape or two.
  REQUIRE(server.seed(slice(ports, {true, false, true})).ok());
  targets = awaitTargets(port, allUp(2));
  REQUIRE_MESSAGE(targets.at("list").as_array().size() == 2, agentLog.text());
  for (const auto& t : targets.at("list").as_array()) {
    CHECK(t.at("pod").as_string() != "user-service-green-1");
  }
  CHECK(agentLog.text().find("targets: removed 127.0.0.1:" + std::to_string(ports[1])) !=
        std::string::npos);

  const std::string metrics = get("http://127.0.0.1:" + std::to_string(port) + "/metrics");
  CHECK(metrics.find("nova_agent_targets{state=\"up\"} 2") != std::string::npos);
  CHECK(metrics.find("nova_agent_target_changes_total{change=\"removed\"} 1") != std::string::npos);
  CHECK(metrics.find("nova_agent_discovery_events_total{type=\"list\"} 1") != std::string::npos);
  // Pod 0 restarts on its port: its probe and scrape fail for a moment and its counters
  // start again from 0. No alarm: no incident opens.
  pods[0].reset();
  pods[0] = std::make_unique<testing::ChildProcess>(testing::ChildOptions{
      .argv = {NOVA_DEMO_SERVICE_BIN, "--listen", "127.0.0.1:" + std::to_string(ports[0]),
               "--token", "demo-token"},
      .log = logs[0].get()});
  REQUIRE(pods[0]->waitForPort(10 * kSecond) == ports[0]);
  targets = awaitTargets(port, allUp(2));
  REQUIRE_MESSAGE(targets.at("list").as_array().size() == 2, agentLog.text());
  // Long enough for rate()'s 1m windows to hold samples from both sides of the reset.
  std::this_thread::sleep_for(5s);
  json::value s = status(port);
  REQUIRE(s.is_object());
  CHECK_MESSAGE(s.at("incident").is_null(), json::serialize(s.at("incident")));
  CHECK_FALSE(s.at("rollback_decided").as_bool());
  for (const auto& rule : s.at("rules").as_array()) {
    const auto& name = rule.at("name").as_string();
    if (name.starts_with("error_rate") || name == "data_loss" || name == "traffic_collapsed") {
      CAPTURE(name);
      CHECK_MESSAGE(rule.at("state") == "ok", json::serialize(rule));
    }
  }
  CHECK(traffic[0]->sent() > 100);

  // Every pod still in the Service fails /health: the service is down, api_down rolls back
  // after its 15 s `for`.
  REQUIRE(post(ports[0], R"({"health_down":true})"));
  REQUIRE(post(ports[2], R"({"health_down":true})"));
  const auto deadline = Steady::now() + 30s;
  while (Steady::now() < deadline) {
    s = status(port);
    if (s.is_object() && s.at("rollback_decided").as_bool()) {
      break;
    }
    std::this_thread::sleep_for(200ms);
  }
  REQUIRE_MESSAGE(s.at("rollback_decided").as_bool(), agentLog.text());
  bool apiDown = false;
  for (const auto& r : s.at("incident").at("rules").as_array()) {
    apiDown = apiDown || r.at("name") == "api_down";
  }
  CHECK_MESSAGE(apiDown, json::serialize(s.at("incident")));

  // Only list and watch: discovery never polled.
  for (const auto& r : server.requests()) {
    if (r.path.find("endpointslices") != std::string::npos) {
      CHECK(r.method == "GET");
    }
  }
}

TEST_CASE(
    "blue's pods found through its Service are the baseline's targets, summed at the "
    "switch") {
  const testing::TempDir dir("nova-blue-discovery-it");
  fake_kube::Options options;
  options.tokens = {"agent-token"};
  auto started = fake_kube::FakeKube::start(options);
  REQUIRE(started.ok());
  auto& server = **started;

  DemoPods demo = startPods(dir, 3);  // blue 0, blue 1, green
  const std::vector<int>& ports = demo.ports;
  const std::vector<int> bluePorts{ports[0], ports[1]};
  REQUIRE(server.seed(slice(bluePorts, {true, true}, "user-service-blue")).ok());
  // Blue serves the users until the switch, both pods alike.
  std::vector<std::unique_ptr<testing::Traffic>> traffic;
  traffic.reserve(bluePorts.size());
  for (int p : bluePorts) {
    traffic.push_back(std::make_unique<testing::Traffic>(p));
  }

  const auto switchAt = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch() + 5s)
                            .count();
  const std::string greenUrl = "http://127.0.0.1:" + std::to_string(ports[2]);
  dir.write("token", "agent-token\n");
  dir.write("rules.yaml", *readFile(std::string(NOVA_SOURCE_DIR) + "/rules/default.yaml", 1 << 20));
  dir.write("agent.yaml",
            "target:\n"
            "  health_url: " +
                greenUrl +
                "/health\n"
                "  metrics_url: " +
                greenUrl +
                "/metrics\n"
                "rule_files: [rules.yaml]\n"
                "traffic_switched_at: " +
                std::to_string(switchAt) +
                "\n"
                "switch: {type: dry-run, target: ingress test/user}\n"
                "notifiers: [{type: log}]\n"
                "baseline:\n"
                "  interval: 200ms\n"
                "  window: 3s\n"
                "  discovery:\n"
                "    kind: kubernetes\n"
                "    namespace: production\n"
                "    service: user-service-blue\n"
                "    port: http\n"
                "    server: " +
                server.url() +
                "\n"
                "    token_file: token\n");
  const testing::LogCapture agentLog(dir.file("agent.log"));
  testing::ChildProcess agent(
      {.argv = {NOVA_AGENT_BIN, "--config", dir.file("agent.yaml"), "--set", "listen=127.0.0.1:0"},
       .log = &agentLog});
  const int port = agent.waitForPort(10 * kSecond);
  REQUIRE_MESSAGE(port > 0, agentLog.text());

  // Both of blue's pods are scraped as targets of their own, named as discovery names them.
  json::value baseline;
  const auto deadline = Steady::now() + 15s;
  while (Steady::now() < deadline) {
    json::value s = status(port);
    if (s.is_object() && s.as_object().contains("baseline")) {
      baseline = s.at("baseline");
      if (baseline.at("state") == "frozen") {
        break;
      }
    }
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE_MESSAGE(baseline.is_object(), agentLog.text());
  const std::string why = json::serialize(baseline) + "\n" + agentLog.text();
  REQUIRE_MESSAGE(baseline.at("state") == "frozen", why);
  const auto& targets = baseline.at("targets").as_array();
  REQUIRE_MESSAGE(targets.size() == 2, why);
  for (const auto& t : targets) {
    CHECK(t.at("up") == true);
  }
  CHECK(baseline.at("discovery")
            .as_string()
            .find("service user-service-blue in production: "
                  "synced at resourceVersion") == 0);
  // Blue's rate is both pods' requests summed: each gets up to 50 requests/s.
  const double rate =
      baseline.at("values").at("baseline:nova_http_requests:rate").to_number<double>();
  CHECK_MESSAGE(rate > 10, why);
  CHECK(agentLog.text().find("baseline: watching the EndpointSlices of service "
                             "user-service-blue in production (port http)") != std::string::npos);
}

}  // namespace nova
