// Two real nova-agent processes guard one real nova-demo-service (green, under traffic)
// and share one Lease on the fake-kube-apiserver process. One leads; kill -9 of the leader
// hands over within the lease duration (the takeover time is printed); when green fails,
// the Ingress is flipped to blue once (the fake's --request-log) and the team is paged
// once (a recording webhook receiver), whether the leader changed before or not.
#include <doctest/doctest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "capture_receiver.h"
#include "nova/core/clock.h"
#include "nova/core/files.h"
#include "nova/core/rfc3339.h"
#include "nova/http/client.h"
#include "nova/testing/child_process.h"
#include "nova/testing/temp_dir.h"
#include "traffic_load.h"

namespace nova {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;
namespace json = boost::json;

// Short timings so a takeover fits the test; the ratios are client-go's.
constexpr DurationMs kLeaseDuration = 3 * kSecond;
constexpr DurationMs kRetryPeriod = 500;
constexpr const char* kBackendPath = "/spec/rules/0/http/paths/0/backend/service/name";

std::string get(const std::string& url) {
  http::Client client;
  auto r = client.perform({.url = url, .timeout = 2 * kSecond});
  return r.ok() && r->status == 200 ? r->body : "";
}

json::value status(int port) {
  boost::system::error_code ec;
  json::value v = json::parse(get("http://127.0.0.1:" + std::to_string(port) + "/status"), ec);
  return ec || !v.is_object() ? json::value(nullptr) : v;
}

bool isLeader(int port) {
  const json::value s = status(port);
  return s.is_object() && s.at("leader").at("is_leader").as_bool();
}

template <typename Pred>
bool waitUntil(Pred pred, std::chrono::milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  while (Steady::now() < deadline) {
    if (pred()) {
      return true;
    }
    std::this_thread::sleep_for(50ms);
  }
  return pred();
}

// The fake API server process, seeded with production (api-ingress on green), logging its
// writes.
struct ApiServer {
  explicit ApiServer(const testing::TempDir& dir)
      : requestLog(dir.file("requests.jsonl")), log(dir.file("fake-kube.log")) {
    process = std::make_unique<testing::ChildProcess>(testing::ChildOptions{
        .argv = {NOVA_FAKE_KUBE_BIN, "--token", "agent-token", "--seed",
                 std::string(NOVA_SOURCE_DIR) + "/tests/integration/kube/data/production.yaml",
                 "--request-log", requestLog},
        .log = &log});
    const std::string line = process->waitForLine("listening on ", 10 * kSecond);
    const auto at = line.find("listening on ");
    REQUIRE_MESSAGE(at != std::string::npos, log.text());
    url = line.substr(at + 13);
  }

  // Writes answered 2xx that moved api-ingress's backend to user-service-blue.
  int flipsToBlue() const {
    int n = 0;
    auto text = readFile(requestLog, 1 << 24);
    std::istringstream lines(text.ok() ? *text : "");
    for (std::string line; std::getline(lines, line);) {
      boost::system::error_code ec;
      const json::value r = json::parse(line, ec);
      if (ec || r.at("method") != "PATCH" || r.at("status").to_number<int>() / 100 != 2 ||
          !std::string(r.at("path").as_string()).ends_with("/ingresses/api-ingress")) {
        continue;
      }
      const json::value ops = json::parse(r.at("body").as_string(), ec);
      for (const auto& op : ec || !ops.is_array() ? json::array() : ops.as_array()) {
        n += op.at("op") != "test" && op.at("path") == kBackendPath &&
                     op.at("value") == "user-service-blue"
                 ? 1
                 : 0;
      }
    }
    return n;
  }

  std::string requestLog;
  testing::LogCapture log;
  std::unique_ptr<testing::ChildProcess> process;
  std::string url;
};

// Green, the API server, the webhook receiver and two agents.
struct Site {
  Site()
      : dir("nova-leader-it"),
        api(dir),
        greenLog(dir.file("green.log")),
        green({.argv = {NOVA_DEMO_SERVICE_BIN, "--listen", "127.0.0.1:0", "--token", "demo-token"},
               .log = &greenLog}),
        receiver(testing::CaptureReceiver::start([](const testing::Captured&) {
          http::ServerResponse ok;
          ok.body = "ok";
          return ok;
        })) {
    greenPort = green.waitForPort(10 * kSecond);
    REQUIRE(greenPort > 0);
    traffic = std::make_unique<testing::Traffic>(greenPort);
    dir.write("token", "agent-token\n");
    dir.write("rules.yaml",
              "rules:\n"
              "  - name: api_down\n"
              "    expr: max(nova_agent_health_up)\n"
              "    threshold: \"< 1\"\n"
              "    for: 1s\n"
              "    severity: critical\n"
              "    summary: green /health failing\n");
    // The same switch time on both: the incident ids (and dedup keys) are the rollout's.
    switchedAt = formatRfc3339(SystemClock().now(), SubSecond::kMillis);
    for (const char* name : {"agent-a", "agent-b"}) {
      startAgent(name);
    }
  }

  void startAgent(const std::string& name) {
    const std::string green = "http://127.0.0.1:" + std::to_string(greenPort);
    dir.write(name + ".yaml",
              "target:\n  health_url: " + green + "/health\n  metrics_url: " + green +
                  "/metrics\n  health_interval: 200ms\n  metrics_interval: 200ms\n"
                  "rule_files: [rules.yaml]\neval_interval: 200ms\n"
                  "traffic_switched_at: " +
                  switchedAt +
                  "\narming: {mode: always}\n"
                  "state_file: " +
                  name +
                  "-state/state.json\n"
                  "switch:\n  type: kubernetes-ingress\n  server: " +
                  api.url + "\n  token_file: " + dir.file("token") +
                  "\n  namespace: production\n  ingress: api-ingress\n"
                  "  green_service: user-service-green\n  blue_service: user-service-blue\n"
                  "notifiers:\n  - {type: webhook, url: \"" +
                  receiver->url("/hook") +
                  "\"}\n"
                  "leader_election:\n  namespace: production\n  name: nova-agent-user-service\n"
                  "  identity: " +
                  name + "\n  server: " + api.url +
                  "\n  token_file: token\n  lease_duration: 3s\n  renew_deadline: 2s\n"
                  "  retry_period: 500ms\n");
    std::filesystem::create_directories(dir.file(name + "-state"));
    logs[name] = std::make_unique<testing::LogCapture>(dir.file(name + ".log"));
    agents[name] = std::make_unique<testing::ChildProcess>(
        testing::ChildOptions{.argv = {NOVA_AGENT_BIN, "--config", dir.file(name + ".yaml"),
                                       "--set", "listen=127.0.0.1:0"},
                              .log = logs[name].get()});
    ports[name] = agents[name]->waitForPort(10 * kSecond);
    REQUIRE_MESSAGE(ports[name] > 0, logs[name]->text());
  }

  // The name of the one agent that leads, once exactly one does (or "" after 10 s).
  std::string leader() {
    std::string found;
    waitUntil(
        [&] {
          int leading = 0;
          for (const auto& [name, port] : ports) {
            if (agents[name]->running() && isLeader(port)) {
              found = name;
              ++leading;
            }
          }
          return leading == 1;
        },
        10s);
    return found;
  }

  void failGreen() {
    http::Client client;
    auto r =
        client.perform({.method = "POST",
                        .url = "http://127.0.0.1:" + std::to_string(greenPort) + "/admin/faults",
                        .body = R"({"health_down":true})",
                        .timeout = 2 * kSecond});
    REQUIRE((r.ok() && r->status == 200));
  }

  // The webhook deliveries by kind, and the incident ids they name.
  std::map<std::string, int> pages(std::set<std::string>* incidents = nullptr) const {
    std::map<std::string, int> kinds;
    for (const auto& r : receiver->requests()) {
      boost::system::error_code ec;
      const json::value e = json::parse(r.body, ec);
      if (!ec && e.is_object()) {
        ++kinds[std::string(e.at("kind").as_string())];
        if (incidents != nullptr) {
          incidents->insert(std::string(e.at("incident_id").as_string()));
        }
      }
    }
    return kinds;
  }

  // Waits until `name` reports the incident rolled back, then a little longer so a second
  // flip or page, if any were coming, would land.
  void awaitRolledBack(const std::string& name) {
    const bool done = waitUntil(
        [&] {
          const json::value s = status(ports[name]);
          return s.is_object() && !s.at("incident").is_null() &&
                 s.at("incident").at("state") == "rolled_back";
        },
        15s);
    REQUIRE_MESSAGE(done, logs[name]->text());
    std::this_thread::sleep_for(2s);
  }

  std::string allLogs() const {
    std::string out;
    for (const auto& [name, log] : logs) {
      out += "--- " + name + "\n" + log->text();
    }
    return out;
  }

  testing::TempDir dir;
  ApiServer api;
  testing::LogCapture greenLog;
  testing::ChildProcess green;
  int greenPort = 0;
  std::unique_ptr<testing::CaptureReceiver> receiver;
  std::unique_ptr<testing::Traffic> traffic;
  std::string switchedAt;
  std::map<std::string, std::unique_ptr<testing::LogCapture>> logs;
  std::map<std::string, std::unique_ptr<testing::ChildProcess>> agents;
  std::map<std::string, int> ports;
};

void checkOneFlipOnePage(Site& site) {
  CHECK_MESSAGE(site.api.flipsToBlue() == 1, site.allLogs());
  std::set<std::string> incidents;
  const auto kinds = site.pages(&incidents);
  std::string seen;
  for (const auto& [kind, n] : kinds) {
    seen += kind + " x" + std::to_string(n) + " ";
  }
  MESSAGE("webhook deliveries: ", seen, "; flips to blue: ", site.api.flipsToBlue());
  CHECK_MESSAGE(kinds.count("rollback_started") == 1, site.allLogs());
  for (const auto& entry : kinds) {
    CAPTURE(entry.first);
    CHECK(entry.second == 1);
  }
  CHECK(incidents.size() == 1);
}

}  // namespace

TEST_CASE("leader election: kill -9 of the leader hands over; the flip and the page happen once") {
  Site site;
  const std::string first = site.leader();
  REQUIRE_MESSAGE(!first.empty(), site.allLogs());
  const std::string second = first == "agent-a" ? "agent-b" : "agent-a";
  CHECK_MESSAGE(waitUntil(
                    [&] {
                      const json::value s = status(site.ports[second]);
                      return s.is_object() && s.at("leader").at("holder") == first.c_str() &&
                             s.at("leader").at("is_leader") == false;
                    },
                    5s),
                json::serialize(status(site.ports[second])));
  CHECK(get("http://127.0.0.1:" + std::to_string(site.ports[first]) + "/metrics")
            .find("nova_agent_leader{identity=\"" + first +
                  "\",lease=\"production/nova-agent-user-service\"} 1") != std::string::npos);

  site.agents[first]->signal(SIGKILL);
  const auto killedAt = Steady::now();
  REQUIRE(site.agents[first]->waitExit(5 * kSecond));
  const bool tookOver = waitUntil([&] { return isLeader(site.ports[second]); }, 10s);
  const auto takeover =
      std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - killedAt).count();
  REQUIRE_MESSAGE(tookOver, site.allLogs());
  MESSAGE("takeover after kill -9: ", takeover, " ms (lease_duration ", kLeaseDuration,
          " ms, retry_period ", kRetryPeriod, " ms)");
  // The follower last saw a renewal at most a retry period before the kill; it waits out the
  // lease from then and finds it expired at its next jittered round (x2.2 at most).
  CHECK(takeover <= kLeaseDuration + 22 * kRetryPeriod / 10 + 300);
  const json::value s = status(site.ports[second]);
  CHECK(s.at("leader").at("transitions").to_number<int>() == 1);
  CHECK(site.logs[second]->text().find("leader election: " + second + " leads on lease") !=
        std::string::npos);

  site.failGreen();
  site.awaitRolledBack(second);
  checkOneFlipOnePage(site);
}

TEST_CASE(
    "leader election: the leader flips and dies; the new leader does not flip or page again") {
  Site site;
  const std::string first = site.leader();
  REQUIRE_MESSAGE(!first.empty(), site.allLogs());
  const std::string second = first == "agent-a" ? "agent-b" : "agent-a";
  site.failGreen();
  site.awaitRolledBack(first);
  REQUIRE(site.api.flipsToBlue() == 1);
  site.agents[first]->signal(SIGKILL);
  REQUIRE(site.agents[first]->waitExit(5 * kSecond));
  REQUIRE_MESSAGE(waitUntil([&] { return isLeader(site.ports[second]); }, 10s), site.allLogs());
  // The follower had decided the same rollback in shadow: leading, it drives the switch once
  // more, whose compare-and-swap finds the Ingress on blue already.
  site.awaitRolledBack(second);
  CHECK_MESSAGE(
      site.logs[second]->text().find("its decided rollback is carried out") != std::string::npos,
      site.allLogs());
  CHECK(site.api.flipsToBlue() == 1);
  std::set<std::string> incidents;
  const auto kinds = site.pages(&incidents);
  CHECK(kinds.at("rollback_started") == 1);
  // The outcome is reported again by the new leader, under the same incident id.
  CHECK(kinds.at("rollback_done") <= 2);
  CHECK(incidents.size() == 1);
  MESSAGE("after a takeover past the flip: rollback_started x", kinds.at("rollback_started"),
          ", rollback_done x", kinds.at("rollback_done"), ", flips ", site.api.flipsToBlue());
}

TEST_CASE("leader election: both agents alive, green fails: one flip, one page") {
  Site site;
  const std::string leader = site.leader();
  REQUIRE_MESSAGE(!leader.empty(), site.allLogs());
  const std::string follower = leader == "agent-a" ? "agent-b" : "agent-a";
  site.failGreen();
  site.awaitRolledBack(leader);
  checkOneFlipOnePage(site);
  // The follower judged the same incident and decided the same rollback, in shadow.
  const json::value s = status(site.ports[follower]);
  REQUIRE(s.is_object());
  CHECK(s.at("leader").at("is_leader") == false);
  CHECK(s.at("arming").at("shadow_actions").to_number<int>() >= 1);
  CHECK(s.at("rollback_decided") == true);
  CHECK(site.logs[follower]->text().find("shadow: would roll back") != std::string::npos);
}

}  // namespace nova
