// nova-agent killed with SIGKILL while its rollback is in flight (nginx's reload hangs), then
// restarted with the same configuration and state file, as a liveness restart or an OOM kill
// would: the restarted agent must carry the decided rollback out by itself (traffic on blue,
// the same incident rolled back), not show "rolling back" forever.
#include <doctest/doctest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "nginx_process.h"
#include "nova/http/client.h"
#include "nova/testing/child_process.h"
#include "nova/testing/log_capture.h"
#include "nova/testing/temp_dir.h"
#include "served_color.h"
#include "service_process.h"

namespace nova {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

std::string address(const demo::test::ServiceProcess& s) {
  return "127.0.0.1:" + std::to_string(s.port());
}

// The color of the instance nginx answers /health from ("" when nothing answers).
std::string colorThroughNginx(const testing::NginxProcess& nginx) {
  return testing::servedColor(nginx.url("/health"));
}

boost::json::value status(int port) {
  http::Client client;
  auto r = client.perform({.url = "http://127.0.0.1:" + std::to_string(port) + "/status"});
  if (!r.ok() || r->status != 200) {
    return nullptr;
  }
  boost::system::error_code ec;
  auto body = boost::json::parse(r->body, ec);
  return ec ? boost::json::value(nullptr) : body;
}

std::string incidentState(const boost::json::value& s) {
  if (!s.is_object() || !s.at("incident").is_object()) {
    return "";
  }
  return std::string(s.at("incident").at("state").as_string());
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto until = Steady::now() + timeout;
  while (Steady::now() < until) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(100ms);
  }
  return condition();
}

}  // namespace

TEST_CASE("SIGKILL during the flip: the restarted agent finishes the rollback by itself") {
  const testing::TempDir dir("nova-crash-it");
  demo::test::ServiceProcess blue({"--version", "v1.2.3", "--color", "blue"});
  demo::test::ServiceProcess green({"--version", "v1.2.4", "--color", "green"});
  testing::NginxProcess nginx("server " + address(green) + ";\n");
  REQUIRE(colorThroughNginx(nginx) == "green");

  // The first reload hangs (the agent is killed while it waits); later ones reload nginx.
  const std::string hung = dir.file("reload-hung-once");
  // The hung reload writes its pid, so the test can end it once the agent that ran it died.
  dir.write("reload.sh", "if [ ! -e " + hung + " ]; then echo $$ > " + hung +
                             "; exec sleep 120; fi\nexec " + nginx.reloadCommand() + "\n");
  dir.write("rules.yaml",
            "rules:\n  - name: api_down\n    expr: min(nova_agent_health_up)\n"
            "    threshold: \"< 1\"\n    for: 2s\n    severity: critical\n"
            "    summary: green /health failing\n");
  dir.write("agent.yaml", "target:\n  health_url: " + green.url("/health") +
                              "\n  metrics_url: " + green.url("/metrics") +
                              "\n  health_interval: 500ms\n"
                              "rule_files: [rules.yaml]\neval_interval: 500ms\n"
                              "switch:\n  type: nginx\n  upstream_file: " +
                              nginx.upstreamFile().string() + "\n  blue: " + address(blue) +
                              "\n  green: " + address(green) + "\n  reload_command: sh " +
                              dir.file("reload.sh") + "\n  reload_timeout: 150s\n" +
                              "  verify_url: " + nginx.url("/health") + "\n" +
                              "notifiers: [{type: log}]\nstate_file: state.json\n"
                              "listen: 127.0.0.1:0\n");

  const testing::LogCapture firstLog(dir.file("agent-1.log"));
  std::string incident;
  {
    testing::ChildProcess agent(
        {.argv = {NOVA_AGENT_BIN, "--config", dir.file("agent.yaml")}, .log = &firstLog});
    const int port = agent.waitForPort(10 * kSecond);
    REQUIRE_MESSAGE(port > 0, firstLog.text());
    // Green's /health fails: api_down is CRITICAL after 2 s, and CRITICAL rolls back at once.
    http::Client client;
    auto fault = client.perform(
        {.method = "POST", .url = green.url("/admin/faults"), .body = R"({"health_down": true})"});
    REQUIRE(fault.ok());
    REQUIRE(fault->status == 200);
    // The flip is in flight: the include says blue, nginx has not reloaded.
    REQUIRE_MESSAGE(waitFor([&] { return std::filesystem::exists(hung); }, 30s), firstLog.text());
    boost::json::value s = status(port);
    REQUIRE(incidentState(s) == "rolling_back");
    incident = std::string(s.at("incident").at("id").as_string());
    agent.signal(SIGKILL);
    CHECK(agent.waitExit(5 * kSecond) == 128 + SIGKILL);
  }
  std::this_thread::sleep_for(100ms);  // the pid is written right after the file appears
  if (const long pid = std::atol(slurp(hung).c_str()); pid > 1) {
    ::kill(static_cast<pid_t>(pid), SIGKILL);  // the orphaned reload of the dead agent
  }
  CHECK(colorThroughNginx(nginx) == "green");  // users still reach the failing green

  const auto restarted = Steady::now();
  const testing::LogCapture secondLog(dir.file("agent-2.log"));
  testing::ChildProcess agent(
      {.argv = {NOVA_AGENT_BIN, "--config", dir.file("agent.yaml")}, .log = &secondLog});
  const int port = agent.waitForPort(10 * kSecond);
  REQUIRE_MESSAGE(port > 0, secondLog.text());
  REQUIRE_MESSAGE(waitFor([&] { return colorThroughNginx(nginx) == "blue"; }, 30s),
                  secondLog.text());
  const auto onBlue = Steady::now();
  REQUIRE_MESSAGE(waitFor([&] { return incidentState(status(port)) == "rolled_back"; }, 10s),
                  secondLog.text());
  const boost::json::value s = status(port);
  CHECK(s.at("incident").at("id").as_string() == incident);  // the same incident, not a new one
  const std::string log = secondLog.text();
  CHECK(log.find("resuming the rollback of incident " + incident) != std::string::npos);
  // Exactly one rollback was started across both lives: the restart does not announce another.
  CHECK(log.find("kind=rollback_started") == std::string::npos);
  CHECK(log.find("kind=rollback_done") != std::string::npos);
  MESSAGE("restart to traffic on blue: "
          << std::chrono::duration_cast<std::chrono::milliseconds>(onBlue - restarted).count()
          << " ms");
  agent.signal(SIGTERM);
  CHECK(agent.waitExit(10 * kSecond) == 0);
}

}  // namespace nova
