#include "incident_rig.h"

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "nova/http/client.h"
#include "served_color.h"
#include "traffic_load.h"

namespace nova::testing {
namespace {

using namespace std::chrono_literals;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int countLines(const std::string& text, std::string_view line) {
  int n = 0;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    n += l == line ? 1 : 0;
  }
  return n;
}

std::string address(const demo::test::ServiceProcess& s) {
  return "127.0.0.1:" + std::to_string(s.port());
}

// rules/default.yaml as shipped, with every `for` cut to 2 s: the same expressions,
// guards, severities and policy, reached in seconds.
std::string shortenedDefaultRules() {
  const std::string rules = slurp(std::string(NOVA_SOURCE_DIR) + "/rules/default.yaml");
  if (rules.empty()) {
    throw std::runtime_error("cannot read rules/default.yaml");
  }
  return std::regex_replace(rules, std::regex(R"(\n(\s+)for: \S+)"), "\n$1for: 2s");
}

}  // namespace

IncidentRig::IncidentRig()
    : blue_({"--version", "v1.2.3", "--color", "blue", "--token", "demo-token"}),
      green_({"--version", "v1.2.4", "--color", "green", "--token", "demo-token"}),
      nginx_("server " + address(green_) + ";\n") {
  dir_.write("rules.yaml", shortenedDefaultRules());
  // Each reload is logged when it starts and when nginx took it; a held one hangs first.
  const std::string hold = dir_.file("hold-reload");
  const std::string hung = dir_.file("reload-hung");
  dir_.write("reload.sh", "echo started >> " + dir_.file("reloads.log") + "\nif [ -e " + hold +
                              " ]; then rm -f " + hold + "; echo $$ > " + hung +
                              "; exec sleep 120; fi\n" + nginx_.reloadCommand() +
                              " && echo completed >> " + dir_.file("reloads.log") + "\n");
  dir_.write("agent.yaml",
             "target:\n  health_url: " + green_.url("/health") +
                 "\n  metrics_url: " + green_.url("/metrics") +
                 "\n  health_interval: 500ms\n  metrics_interval: 500ms\n" +
                 "rule_files: [rules.yaml]\neval_interval: 500ms\n" +
                 "policy:\n  high: {investigate: 3s}\n" +
                 "switch:\n  type: nginx\n  upstream_file: " + nginx_.upstreamFile().string() +
                 "\n  blue: " + address(blue_) + "\n  green: " + address(green_) +
                 "\n  reload_command: sh " + dir_.file("reload.sh") +
                 "\n  reload_timeout: 150s\n  verify_url: " + nginx_.url("/health") + "\n" +
                 "notifiers:\n  - type: webhook\n    url: " + receiver_.url() +
                 "\n    state_file: notify.json\n    backoff: 200ms\n    max_attempts: 100\n" +
                 "    timeout: 20s\n" + "state_file: state.json\nlisten: 127.0.0.1:0\n");
  colorWatcher_ = std::thread([this] { watchColors(); });
}

IncidentRig::~IncidentRig() {
  stop_ = true;
  colorWatcher_.join();
  traffic_.reset();
  agent_.reset();
  endHungReload();
}

void IncidentRig::holdNextReload() {
  dir_.write("hold-reload", "held\n");
}

bool IncidentRig::reloadHeld() const {
  return !slurp(dir_.file("reload-hung")).empty();
}

void IncidentRig::endHungReload() {
  if (const long pid = std::atol(slurp(dir_.file("reload-hung")).c_str()); pid > 1) {
    ::kill(static_cast<pid_t>(pid), SIGKILL);
  }
}

int IncidentRig::completedReloads() const {
  return countLines(slurp(dir_.file("reloads.log")), "completed");
}

void IncidentRig::injectErrors() {
  http::Client client;
  auto r = client.perform(
      {.method = "POST", .url = green_.url("/admin/faults"), .body = R"({"error_ratio":0.5})"});
  if (!r.ok() || r->status != 200) {
    throw std::runtime_error("cannot inject errors into green");
  }
  traffic_ = std::make_unique<Traffic>(green_.port());
}

int IncidentRig::startAgent(int life) {
  agent_.reset();
  log_ = std::make_unique<LogCapture>(dir_.file("agent-" + std::to_string(life) + ".log"));
  agent_ = std::make_unique<ChildProcess>(ChildOptions{
      .argv = {NOVA_AGENT_BIN, "--config", dir_.file("agent.yaml")}, .log = log_.get()});
  port_ = agent_->waitForPort(10 * kSecond);
  return port_;
}

std::string IncidentRig::agentLog() const {
  return log_ ? log_->text() : "";
}

boost::json::value IncidentRig::status() const {
  http::Client client;
  auto r = client.perform(
      {.url = "http://127.0.0.1:" + std::to_string(port_) + "/status", .timeout = 2 * kSecond});
  if (!r.ok() || r->status != 200) {
    return nullptr;
  }
  boost::system::error_code ec;
  auto body = boost::json::parse(r->body, ec);
  return ec ? boost::json::value(nullptr) : body;
}

std::string IncidentRig::color() const {
  return servedColor(nginx_.url("/health"));
}

void IncidentRig::watchColors() {
  // A color counts once every read has answered it for a quarter second: during nginx's
  // graceful reload the old workers still take a few new connections, with the old upstream,
  // until they close their listening sockets, so a single green read just after the switch
  // is not a flip back. Every real flip is a reload as well (completedReloads()).
  constexpr auto kSettled = 250ms;
  std::string candidate;
  auto since = std::chrono::steady_clock::now();
  while (!stop_) {
    const std::string c = color();
    const auto now = std::chrono::steady_clock::now();
    if (c != candidate) {
      candidate = c;
      since = now;
    } else if (!c.empty() && now - since >= kSettled) {
      std::lock_guard lock(colorsMutex_);
      if (colors_.empty() || colors_.back() != c) {
        colors_.push_back(c);
      }
    }
    std::this_thread::sleep_for(50ms);
  }
}

std::vector<std::string> IncidentRig::colorsSeen() const {
  std::lock_guard lock(colorsMutex_);
  return colors_;
}

std::vector<std::string> IncidentRig::journalKinds() const {
  std::vector<std::string> kinds;
  std::istringstream in(slurp(dir_.file("state.json.journal.jsonl")));
  for (std::string line; std::getline(in, line);) {
    boost::system::error_code ec;
    const auto entry = boost::json::parse(line, ec);
    if (!ec && entry.is_object() && entry.as_object().contains("kind")) {
      kinds.emplace_back(entry.at("kind").as_string());
    }
  }
  return kinds;
}

bool waitUntil(const std::function<bool()>& condition, DurationMs timeout) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout);
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(100ms);
  }
  return condition();
}

std::string incidentField(const boost::json::value& status, std::string_view name) {
  if (!status.is_object()) {
    return "";
  }
  const auto* incident = status.as_object().if_contains("incident");
  if (incident == nullptr || !incident->is_object()) {
    return "";
  }
  const auto* value = incident->as_object().if_contains(name);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : "";
}

}  // namespace nova::testing
