// `novactl rollout` end to end on one machine: nginx in front of blue and green
// (nova-demo-service), the nginx switch moving traffic, nova-agent guarding green after the
// switch. Covers the happy path, a fault after the switch that the agent rolls back, a
// SIGKILL after the switch resumed by a re-run with the same id (exactly one forward
// switch), and a second rollout id refused while the first is unfinished.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "nginx_process.h"
#include "nova/core/rfc3339.h"
#include "nova/http/client.h"
#include "nova/testing/child_process.h"
#include "nova/testing/log_capture.h"
#include "service_process.h"

namespace nova {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;
namespace json = boost::json;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

// The exit code, or 128 + the signal that ended it.
int exitStatus(const std::optional<int>& status) {
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
    // The agent's rules: the default policy, and green's health failing for 2 s is critical.
    const std::string defaults = slurp(fs::path(NOVA_SOURCE_DIR) / "rules/default.yaml");
    writeText(dir / "rules.yaml", defaults.substr(0, defaults.find("\nrules:\n")) +
                                      "\nrules:\n  - name: api_down\n"
                                      "    expr: min(nova_agent_health_up)\n"
                                      "    threshold: \"< 1\"\n    for: 2s\n"
                                      "    severity: critical\n"
                                      "    summary: green /health failing\n");
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
    agent = std::make_unique<Proc>(
        NOVA_AGENT_BIN, std::vector<std::string>{"--config", (dir / "agent.yaml").string()},
        (dir / "agent.log").string(), true);
    const int port = agent->waitForPort(10s);
    REQUIRE_MESSAGE(port > 0, agent->log());
    agentPort = port;
    std::string config = slurp(dir / "rollout.yaml");
    config.replace(config.find("AGENT"), 5, "http://127.0.0.1:" + std::to_string(port));
    writeText(dir / "rollout.yaml", config);
  }

  std::unique_ptr<Proc> novactl(const std::string& id, const std::string& log,
                                const std::string& version) {
    return std::make_unique<Proc>(
        NOVACTL_BIN,
        std::vector<std::string>{"rollout", "-f", (dir / "rollout.yaml").string(), "--version",
                                 version, "--rollout-id", id, "--window-override",
                                 "the tests run at any hour", "--events",
                                 (dir / "events.jsonl").string(), "-o", "json"},
        (dir / log).string());
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
  json::value agentStatus() const {
    http::Client client;
    auto r = client.perform({.url = "http://127.0.0.1:" + std::to_string(agentPort) + "/status"});
    if (!r.ok() || r->status != 200) {
      return nullptr;
    }
    boost::system::error_code ec;
    json::value v = json::parse(r->body, ec);
    return ec ? json::value(nullptr) : v;
  }

  // True when the agent says it is armed for `rolloutId`.
  bool armedFor(const std::string& rolloutId) const {
    const json::value s = agentStatus();
    return s.is_object() && s.at("armed") == true && s.at("rollout_id") == rolloutId.c_str();
  }

  // POSTs `faults` (the JSON POST /admin/faults takes) to green.
  void greenFaults(const std::string& faults) {
    http::Client client;
    http::Request request;
    request.method = "POST";
    request.url = green.url("/admin/faults");
    request.body = faults;
    auto answer = client.perform(request);
    REQUIRE(answer.ok());
    REQUIRE(answer->status == 200);
  }

  fs::path dir;
  int agentPort = 0;
  demo::test::ServiceProcess blue;
  demo::test::ServiceProcess green;
  testing::NginxProcess nginx;
  std::unique_ptr<Proc> agent;
};

bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto until = Steady::now() + timeout;
  while (Steady::now() < until) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

TEST_CASE("a good version rolls out: every phase, blue stopped, exit 0") {
  Site site("v1.2.4");
  site.startAgent();
  Clients clients(site.nginx.url("/health"));
  const auto start = Steady::now();
  auto run = site.novactl("r-good", "novactl.log", "v1.2.4");
  const int code = exitStatus(run->waitExit(120s));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start);
  INFO(run->log());
  CHECK(code == 0);
  CHECK(site.includeNames(site.green));
  CHECK(slurp(site.dir / "blue-stopped") == "stopped\n");
  CHECK(slurp(site.dir / "snapshots").find("nova-pre-deploy-v1-2-4-r-good") != std::string::npos);
  CHECK(site.forwardSwitches() == 1);
  CHECK(clients.failed() == 0);
  MESSAGE("rollout v1.2.4: succeeded (exit " << code << ") in " << took.count()
                                             << " ms: " << site.phaseTimings());
  // novactl status reads the record novactl wrote.
  Proc status(NOVACTL_BIN, {"status", "-f", (site.dir / "rollout.yaml").string(), "-o", "json"},
              (site.dir / "status.log").string());
  CHECK(exitStatus(status.waitExit(20s)) == 0);
}

// The report's charts, from the document the agent saved when its rollback completed:
// one SVG per runbook chart with its points and the incident's decision moments (the
// breach counted, the rollback decided, traffic on blue), its PNG, and the HTML version.
void checkReportCharts(const fs::path& dir, const std::string& markdown) {
  bool saved = false;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    saved = saved || (name.starts_with("incident-") && name.ends_with("-charts.json"));
  }
  CHECK_MESSAGE(saved, "the agent saved no incident-<id>-charts.json beside its state file");
  for (const std::string id : {"latency", "errors", "websockets", "db"}) {
    const fs::path svgFile = dir / ("reports/r-bad-report-" + id + ".svg");
    CHECK_MESSAGE(markdown.find("(r-bad-report-" + id + ".svg)") != std::string::npos, markdown);
    const std::string svg = slurp(svgFile);
    REQUIRE_MESSAGE(svg.starts_with("<svg"), svgFile.string());
    for (const std::string kind : {"incident", "rollback", "rolled_back"}) {
      CHECK_MESSAGE(svg.find("class=\"marker\" data-kind=\"" + kind + "\"") != std::string::npos,
                    id << " lacks the marker " << kind);
    }
    CHECK(svg.find("class=\"y-tick\"") != std::string::npos);
    CHECK(svg.find("class=\"x-tick\"") != std::string::npos);
    // The clients' requests fill the request-driven charts; no client queries the
    // database, so its chart may have no points.
    const std::size_t points = svg.find("data-points=\"");
    MESSAGE(id << ": " << (points == std::string::npos ? "no series" : svg.substr(points, 20)));
    if (id != "db") {
      REQUIRE_MESSAGE(points != std::string::npos, id << ": no series");
      CHECK_MESSAGE(std::stoi(svg.substr(points + 13)) > 0, id << ": a series without points");
    }
    CHECK(fs::file_size(dir / ("reports/r-bad-report-" + id + ".png")) > 2000);
  }
  const std::string html = slurp(dir / "reports/r-bad-report.html");
  std::size_t inlined = 0;
  for (std::size_t at = html.find("<svg"); at != std::string::npos;
       at = html.find("<svg", at + 1)) {
    ++inlined;
  }
  CHECK(inlined == 4);
}

TEST_CASE("a bad version fails after the switch: the agent rolls back, rollout exits 4") {
  Site site("v1.2.5", 30 * kSecond);
  site.startAgent();
  Clients clients(site.nginx.url("/health"));
  auto run = site.novactl("r-bad", "novactl.log", "v1.2.5");
  // The fault comes once the switch is verified and the monitoring window runs.
  REQUIRE_MESSAGE(waitFor([&] { return site.monitoring(); }, 60s), run->log());
  REQUIRE(site.includeNames(site.green));
  const auto switched = Steady::now();
  {
    http::Client client;
    http::Request fault;
    fault.method = "POST";
    fault.url = site.green.url("/admin/faults");
    fault.body = R"({"health_down": true})";
    auto answer = client.perform(fault);
    REQUIRE(answer.ok());
    REQUIRE(answer->status == 200);
  }
  REQUIRE(waitFor([&] { return site.includeNames(site.blue); }, 30s));
  const auto onBlue = Steady::now();
  const int code = exitStatus(run->waitExit(60s));
  INFO(run->log());
  INFO(site.agent->log());
  CHECK(code == 4);
  const fs::path report = site.dir / "reports/r-bad-report.md";
  const std::string text = slurp(report);
  CHECK(text.find("Deployment Rollback Incident Report") != std::string::npos);
  // The agent's incident is in it: the rule that fired and its timeline.
  CHECK_MESSAGE(text.find("api_down") != std::string::npos, text);
  MESSAGE("fault-to-blue: "
          << std::chrono::duration_cast<std::chrono::milliseconds>(onBlue - switched).count()
          << " ms; failed client requests: " << clients.failed() << " of " << clients.sent());
  CHECK(run->log().find("the agent rolled back") != std::string::npos);
  checkReportCharts(site.dir, text);
  MESSAGE("rollout v1.2.5: rolled_back (exit " << code << "): " << site.phaseTimings());
}

TEST_CASE(
    "armed from the record: shadow through green's failing start-up, armed after the switch") {
  Site site("v1.2.4", 30 * kSecond, "arming: {mode: record, interval: 200ms}\n");
  // Green fails from its start, before any rollout: api_down fires after 2 s.
  site.greenFaults(R"({"health_down": true})");
  site.startAgent();
  REQUIRE_MESSAGE(
      waitFor(
          [&] { return site.agent->log().find("shadow: would roll back") != std::string::npos; },
          20s),
      site.agent->log());
  CHECK(site.agentStatus().at("armed") == false);
  CHECK(site.agent->log().find("kind=rollback_started") == std::string::npos);
  CHECK(site.agent->log().find("rollback of incident") == std::string::npos);
  CHECK(site.includeNames(site.blue));
  // Green recovers (started up), and the rollout runs: its smoke tests need a healthy green.
  site.greenFaults(R"({"health_down": false})");
  Clients clients(site.nginx.url("/health"));
  auto run = site.novactl("r-arm", "novactl.log", "v1.2.4");
  REQUIRE_MESSAGE(waitFor([&] { return site.monitoring(); }, 60s), run->log());
  REQUIRE_MESSAGE(waitFor([&] { return site.armedFor("r-arm"); }, 10s), site.agent->log());
  const json::value status = site.agentStatus();
  CHECK(status.at("version") == "v1.2.4");
  CHECK(status.at("switched_at").is_int64());
  const auto switched = Steady::now();
  site.greenFaults(R"({"health_down": true})");
  REQUIRE_MESSAGE(waitFor([&] { return site.includeNames(site.blue); }, 30s), site.agent->log());
  const auto onBlue = Steady::now();
  const int code = exitStatus(run->waitExit(60s));
  INFO(run->log());
  CHECK(code == 4);
  // The journal beside the state file has the rollout's story.
  const std::string journal = slurp(site.dir / "state.json.journal.jsonl");
  CHECK(journal.find(R"("rollout_id":"r-arm","kind":"armed")") != std::string::npos);
  CHECK(journal.find(R"("rollout_id":"r-arm","kind":"rollback_decided")") != std::string::npos);
  CHECK(journal.find(R"("kind":"traffic_on_blue")") != std::string::npos);
  MESSAGE("armed agent: fault-to-blue "
          << std::chrono::duration_cast<std::chrono::milliseconds>(onBlue - switched).count()
          << " ms; failed client requests: " << clients.failed() << " of " << clients.sent());
}

TEST_CASE("CI dies right after the switch: the agent arms from the record and rolls back") {
  Site site("v1.2.5", 60 * kSecond, "arming: {mode: record, interval: 200ms}\n");
  site.startAgent();
  auto run = site.novactl("r-ci", "novactl.log", "v1.2.5");
  REQUIRE_MESSAGE(waitFor([&] { return site.includeNames(site.green); }, 60s), run->log());
  run->signal(SIGKILL);  // the CI job is gone: nothing reads the agent's verdict any more
  CHECK(exitStatus(run->waitExit(10s)) == 128 + SIGKILL);
  REQUIRE_MESSAGE(waitFor([&] { return site.armedFor("r-ci"); }, 10s), site.agent->log());
  site.greenFaults(R"({"health_down": true})");
  REQUIRE_MESSAGE(waitFor([&] { return site.includeNames(site.blue); }, 30s), site.agent->log());
  CHECK(site.agent->log().find("armed for rollout r-ci version v1.2.5") != std::string::npos);
}

TEST_CASE("SIGKILL after the switch: another id is refused, the same id resumes, one switch") {
  Site site("v1.2.4", 8 * kSecond);
  site.startAgent();
  auto first = site.novactl("r-kill", "novactl-1.log", "v1.2.4");
  REQUIRE_MESSAGE(waitFor([&] { return site.includeNames(site.green); }, 60s), first->log());
  // Past the switch and its check through the public URL: monitoring.
  REQUIRE(waitFor([&] { return site.monitoring(); }, 30s));
  first->signal(SIGKILL);
  CHECK(exitStatus(first->waitExit(10s)) == 128 + SIGKILL);

  auto other = site.novactl("r-other", "novactl-2.log", "v1.2.4");
  const int refused = exitStatus(other->waitExit(60s));
  INFO(other->log());
  CHECK(refused == 5);
  CHECK(other->log().find("r-kill") != std::string::npos);

  const auto start = Steady::now();
  auto again = site.novactl("r-kill", "novactl-3.log", "v1.2.4");
  const int code = exitStatus(again->waitExit(120s));
  INFO(again->log());
  CHECK(code == 0);
  CHECK(site.forwardSwitches() == 1);
  CHECK(site.includeNames(site.green));
  CHECK(slurp(site.dir / "blue-stopped") == "stopped\n");
  MESSAGE("resumed run took "
          << std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start).count()
          << " ms");
}

TEST_CASE("SIGTERM while monitoring stops at a step boundary (143); a re-run resumes") {
  Site site("v1.2.4", 6 * kSecond);
  site.startAgent();
  auto first = site.novactl("r-term", "novactl-1.log", "v1.2.4");
  REQUIRE_MESSAGE(waitFor([&] { return site.monitoring(); }, 60s), first->log());
  first->signal(SIGTERM);
  CHECK(exitStatus(first->waitExit(10s)) == 143);
  INFO(first->log());
  CHECK(first->log().find("stopped (SIGTERM)") != std::string::npos);
  // The lease was released on the way out: the re-run starts at once.
  auto again = site.novactl("r-term", "novactl-2.log", "v1.2.4");
  CHECK(exitStatus(again->waitExit(60s)) == 0);
  INFO(again->log());
  CHECK(site.forwardSwitches() == 1);
}

TEST_CASE("rollback --option switch with the agent dead; status and report read the record") {
  Site site("v1.2.4", 2 * kSecond);
  site.startAgent();
  auto run = site.novactl("r-back", "novactl.log", "v1.2.4");
  REQUIRE_MESSAGE(exitStatus(run->waitExit(60s)) == 0, run->log());
  site.agent->signal(SIGKILL);
  const std::string config = (site.dir / "rollout.yaml").string();

  Proc plan(NOVACTL_BIN, {"rollback", "-f", config, "--dry-run"}, (site.dir / "plan.log").string());
  CHECK(exitStatus(plan.waitExit(20s)) == 0);
  CHECK(site.includeNames(site.green));

  Proc back(NOVACTL_BIN, {"rollback", "-f", config, "--reason", "customer reports"},
            (site.dir / "rollback.log").string());
  const int code = exitStatus(back.waitExit(60s));
  INFO(back.log());
  CHECK(code == 0);
  CHECK(site.includeNames(site.blue));
  const std::string report = slurp(site.dir / "reports/r-back-rollback-report.md");
  CHECK(report.find("Deployment Rollback Incident Report") != std::string::npos);
  CHECK(report.find("customer reports") != std::string::npos);

  Proc status(NOVACTL_BIN, {"status", "-f", config}, (site.dir / "status.log").string());
  CHECK(exitStatus(status.waitExit(20s)) == 0);
  Proc rendered(NOVACTL_BIN, {"report", "-f", config, "--out", (site.dir / "report.md").string()},
                (site.dir / "report.log").string());
  CHECK(exitStatus(rendered.waitExit(20s)) == 0);
  CHECK(slurp(site.dir / "report.md").find("r-back") != std::string::npos);
  // The agent is dead: the report says why it has no charts, and the exit code is 0.
  CHECK(slurp(site.dir / "report.md").find("**Charts**: missing: the agent did not answer") !=
        std::string::npos);
}

}  // namespace
}  // namespace nova
