#pragma once

// What the rollout's integration tests share: blue and green (nova-demo-service), the real
// nginx in front of them, nova-agent beside green, novactl as a child process, and the
// rollout.yaml that ties them together in a private folder.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "nginx_process.h"
#include "nova/core/rfc3339.h"
#include "nova/http/client.h"
#include "nova/testing/child_process.h"
#include "nova/testing/log_capture.h"
#include "service_process.h"

namespace nova::rollout_site {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;
namespace json = boost::json;

inline std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void writeText(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

// The exit code, or 128 + the signal that ended it.
inline int exitStatus(const std::optional<int>& status) {
  REQUIRE(status.has_value());
  return *status;
}

// A child (novactl, nova-agent) whose stderr and stdout go to a log file the test reads.
class Proc {
 public:
  // `listens`: the child prints "listening on HOST:PORT" on stdout (the agent); otherwise
  // stdout goes to the log with stderr.
  Proc(const std::string& binary, std::vector<std::string> args, const std::string& logFile,
       bool listens = false)
      : log_(logFile), child_(options(binary, std::move(args), listens)) {}

  int waitForPort(std::chrono::milliseconds timeout) { return child_.waitForPort(timeout.count()); }
  void signal(int sig) const { child_.signal(sig); }
  std::optional<int> waitExit(std::chrono::milliseconds timeout) {
    return child_.waitExit(timeout.count());
  }
  std::string log() const { return log_.text(); }

 private:
  testing::ChildOptions options(const std::string& binary, std::vector<std::string> args,
                                bool listens) const {
    args.insert(args.begin(), binary);
    return {.argv = std::move(args), .captureStdout = listens, .log = &log_};
  }

  testing::LogCapture log_;
  testing::ChildProcess child_;
};

// The agent's rules in `dir`/rules.yaml: the default policy, and green's health failing
// for `forDuration` ("2s") is critical (api_down).
inline void writeAgentRules(const fs::path& dir, const std::string& forDuration) {
  const std::string defaults = slurp(fs::path(NOVA_SOURCE_DIR) / "rules/default.yaml");
  writeText(dir / "rules.yaml", defaults.substr(0, defaults.find("\nrules:\n")) +
                                    "\nrules:\n  - name: api_down\n"
                                    "    expr: min(nova_agent_health_up)\n"
                                    "    threshold: \"< 1\"\n    for: " +
                                    forDuration +
                                    "\n    severity: critical\n"
                                    "    summary: green /health failing\n");
}

// `novactl rollout -f config --version V --rollout-id ID` with the tests' window override,
// its events appended to `events`, stdout and stderr to `log`.
inline std::unique_ptr<Proc> rolloutProc(const fs::path& config, const std::string& id,
                                         const std::string& version, const fs::path& events,
                                         const fs::path& log) {
  return std::make_unique<Proc>(
      NOVACTL_BIN,
      std::vector<std::string>{"rollout", "-f", config.string(), "--version", version,
                               "--rollout-id", id, "--window-override", "the tests run at any hour",
                               "--events", events.string(), "-o", "json"},
      log.string());
}

// nova-agent with `dir`/agent.yaml, logging to `dir`/agent.log; `port` gets its port.
inline std::unique_ptr<Proc> agentProc(const fs::path& dir, int& port) {
  auto agent = std::make_unique<Proc>(
      NOVA_AGENT_BIN, std::vector<std::string>{"--config", (dir / "agent.yaml").string()},
      (dir / "agent.log").string(), true);
  port = agent->waitForPort(10s);
  REQUIRE_MESSAGE(port > 0, agent->log());
  return agent;
}

// The GET /status of the agent listening on `port` (null when it does not answer).
inline json::value agentStatusAt(int port) {
  http::Client client;
  auto r = client.perform({.url = "http://127.0.0.1:" + std::to_string(port) + "/status"});
  if (!r.ok() || r->status != 200) {
    return nullptr;
  }
  boost::system::error_code ec;
  json::value v = json::parse(r->body, ec);
  return ec ? json::value(nullptr) : v;
}

// True when the agent on `port` says it is armed for `rolloutId`.
inline bool armedAt(int port, const std::string& rolloutId) {
  const json::value s = agentStatusAt(port);
  return s.is_object() && s.at("armed") == true && s.at("rollout_id") == rolloutId.c_str();
}

// POSTs `faults` (the JSON POST /admin/faults takes) to `service`.
inline void postFaults(const demo::test::ServiceProcess& service, const std::string& faults) {
  http::Client client;
  http::Request request;
  request.method = "POST";
  request.url = service.url("/admin/faults");
  request.body = faults;
  auto answer = client.perform(request);
  REQUIRE(answer.ok());
  REQUIRE(answer->status == 200);
}

// Requests through nginx the whole time, so green has traffic to be judged on and the
// test can count what clients saw.
class Clients {
 public:
  explicit Clients(std::string url)
      : url_(std::move(url)), thread_([this] {
          http::Client client;
          while (!stop_) {
            http::Request request;
            request.url = url_;
            request.timeout = 2000;
            auto r = client.perform(request);
            ++sent_;
            if (!r.ok() || r->status >= 500) {
              ++failed_;
            }
            std::this_thread::sleep_for(20ms);
          }
        }) {}
  ~Clients() {
    stop_ = true;
    thread_.join();
  }
  int sent() const { return sent_; }
  int failed() const { return failed_; }

 private:
  std::string url_;
  std::atomic<bool> stop_{false};
  std::atomic<int> sent_{0};
  std::atomic<int> failed_{0};
  std::thread thread_;
};

// Blue, green, nginx and the agent, with rollout.yaml for them in a private folder.
struct Site {
  // `agentExtra`: more of the agent's configuration ("arming: {mode: record}").
  explicit Site(const std::string& greenVersion, DurationMs monitor = 6 * kSecond,
                const std::string& agentExtra = "")
      : dir(makeDir()),
        blue({"--version", "v1.2.3", "--color", "blue"}),
        green({"--version", greenVersion, "--color", "green"}),
        nginx("server " + address(blue) + ";\n") {
    const std::string switchSettings =
        "  upstream_file: " + nginx.upstreamFile().string() + "\n" + "  blue: " + address(blue) +
        "\n" + "  green: " + address(green) + "\n" + "  reload_command: " + nginx.reloadCommand() +
        "\n" + "  verify_url: " + nginx.url("/health") + "\n";
    writeAgentRules(dir, "2s");
    writeText(dir / "agent.yaml",
              "target:\n  health_url: " + green.url("/health") +
                  "\n  metrics_url: " + green.url("/metrics") + "\n  health_interval: 500ms\n" +
                  "rule_files: [rules.yaml]\neval_interval: 500ms\n" + "switch:\n  type: nginx\n" +
                  switchSettings + "notifiers: [{type: log}]\nstate_file: state.json\n" +
                  "listen: 127.0.0.1:0\n" + agentExtra);
    writeText(dir / "rollout.yaml",
              "switch:\n  type: nginx\n" + switchSettings +
                  "  public_url: " + nginx.url("/health") + "\n  verify_timeout: 10s\n" +
                  "window:\n  days: [sun, mon, tue, wed, thu, fri, sat]\n"
                  "  hours: \"00:00-23:59\"\n  deny_last_days_of_month: 0\n"
                  "  expected_duration: 1m\n"
                  "preflight:\n  - name: db-connections\n    command: [\"true\"]\n"
                  "snapshot:\n  start:\n    shell: true\n"
                  "    command: echo $NOVA_SNAPSHOT_ID >> " +
                  (dir / "snapshots").string() +
                  "\n"
                  "deploy:\n  hook:\n    command: [\"true\"]\n"
                  "smoke:\n  base_url: " +
                  green.url("") +
                  "\n"
                  "blue:\n  scale_down_delay: 1s\n  hook:\n    shell: true\n"
                  "    command: echo stopped >> " +
                  (dir / "blue-stopped").string() + "\nmonitor:\n  agent_url: AGENT\n" +
                  "  duration: " + std::to_string(monitor / kSecond) + "s\n" +
                  "  poll_interval: 500ms\n  medium_max_wait: 20s\n" +
                  "bounds:\n  preflight: 1m\n  green: 1m\n  switch: 1m\n  blue: 1m\n"
                  "  overall: 3m\n"
                  "lease:\n  duration: 3s\n"
                  "report_dir: reports\n");
  }
  ~Site() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  static fs::path makeDir() {
    char pattern[] = "/tmp/nova-rollout-it-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    return pattern;
  }
  static std::string address(const demo::test::ServiceProcess& s) {
    return "127.0.0.1:" + std::to_string(s.port());
  }

  // Starts the agent beside green and points rollout.yaml at it.
  void startAgent() {
    agent = agentProc(dir, agentPort);
    const int port = agentPort;
    std::string config = slurp(dir / "rollout.yaml");
    config.replace(config.find("AGENT"), 5, "http://127.0.0.1:" + std::to_string(port));
    writeText(dir / "rollout.yaml", config);
  }

  std::unique_ptr<Proc> novactl(const std::string& id, const std::string& log,
                                const std::string& version) {
    return rolloutProc(dir / "rollout.yaml", id, version, dir / "events.jsonl", dir / log);
  }

  bool includeNames(const demo::test::ServiceProcess& s) {
    return slurp(nginx.upstreamFile()).find("server " + address(s) + ";") != std::string::npos;
  }

  // The rollout's events show the monitoring window running.
  bool monitoring() {
    return slurp(dir / "events.jsonl").find("\"phase\":\"monitor\"") != std::string::npos;
  }

  // "pre-flight 12 ms, snapshot 3 ms, ...": how long each phase took, from its first event
  // to the first of the next phase (the end event counts as one), by the events' times.
  std::string phaseTimings() {
    std::vector<std::pair<std::string, TimestampMs>> firsts;
    std::istringstream lines(slurp(dir / "events.jsonl"));
    for (std::string line; std::getline(lines, line);) {
      json::value e = json::parse(line);
      auto at = parseRfc3339(std::string(e.at("at").as_string()));
      REQUIRE(at.ok());
      const std::string phase(e.at("phase").as_string());
      if (firsts.empty() || firsts.back().first != phase) {
        firsts.emplace_back(phase, *at);
      }
    }
    std::string out;
    for (std::size_t i = 0; i + 1 < firsts.size(); ++i) {
      out += (out.empty() ? "" : ", ") + firsts[i].first + " " +
             std::to_string(firsts[i + 1].second - firsts[i].second) + " ms";
    }
    return out;
  }

  // Events of the forward switch across every run.
  int forwardSwitches() {
    int n = 0;
    std::istringstream lines(slurp(dir / "events.jsonl"));
    for (std::string line; std::getline(lines, line);) {
      json::value e = json::parse(line);
      n += e.at("step") == "switch" && e.at("result") == "ok" ? 1 : 0;
    }
    return n;
  }

  // The agent's GET /status (null when it does not answer).
  json::value agentStatus() const { return agentStatusAt(agentPort); }

  // True when the agent says it is armed for `rolloutId`.
  bool armedFor(const std::string& rolloutId) const { return armedAt(agentPort, rolloutId); }

  // POSTs `faults` (the JSON POST /admin/faults takes) to green.
  void greenFaults(const std::string& faults) { postFaults(green, faults); }

  fs::path dir;
  int agentPort = 0;
  demo::test::ServiceProcess blue;
  demo::test::ServiceProcess green;
  testing::NginxProcess nginx;
  std::unique_ptr<Proc> agent;
};

inline bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto until = Steady::now() + timeout;
  while (Steady::now() < until) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

}  // namespace nova::rollout_site
