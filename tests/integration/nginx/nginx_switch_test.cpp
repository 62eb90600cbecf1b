// The nginx switch against the real nginx on loopback, in front of two real
// nova-demo-service instances: blue v1.2.3 and green v1.2.4. Clients under steady load
// through nginx move from green to blue with no failed request during the reload. A missing
// nginx fails the test (NginxProcess throws, naming the package).
#include "nova/traffic/nginx_switch.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "nginx_process.h"
#include "nova/http/client.h"
#include "service_process.h"

namespace nova::traffic {
namespace {

using nova::demo::test::ServiceProcess;
using nova::testing::NginxProcess;
using Steady = std::chrono::steady_clock;

std::string address(const ServiceProcess& s) {
  return "127.0.0.1:" + std::to_string(s.port());
}

std::string upstreamFor(const ServiceProcess& s) {
  return "server " + address(s) + ";\n";
}

// One client thread: keep-alive GETs through nginx at a steady pace, remembering the
// version that answered each one and every failure.
struct ClientLog {
  int requests = 0;
  std::vector<std::string> failures;
  std::vector<std::string> versions;
};

class Load {
 public:
  Load(std::string url, int threads) : url_(std::move(url)), logs_(threads) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this, i] { run(logs_[static_cast<std::size_t>(i)]); });
    }
  }
  std::vector<ClientLog> stop() {
    stop_ = true;
    for (auto& t : threads_) {
      t.join();
    }
    return logs_;
  }

 private:
  void run(ClientLog& log) {
    http::Client client;  // one connection per thread, reused (keep-alive)
    while (!stop_) {
      http::Request request;
      request.url = url_;
      request.timeout = 5 * kSecond;
      auto response = client.perform(request);
      ++log.requests;
      if (!response.ok()) {
        log.failures.push_back(response.error().message);
      } else if (response->status != 200) {
        log.failures.push_back("status " + std::to_string(response->status));
      } else {
        const std::string* v = response->header("X-Nova-Version");
        log.versions.push_back(v ? *v : "(none)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  std::string url_;
  std::atomic<bool> stop_{false};
  std::vector<ClientLog> logs_;
  std::vector<std::thread> threads_;
};

std::map<std::string, std::string> settingsFor(const NginxProcess& nginx,
                                               const ServiceProcess& blue,
                                               const ServiceProcess& green) {
  return {{"upstream_file", nginx.upstreamFile().string()},
          {"blue", address(blue)},
          {"green", address(green)},
          {"pid_file", nginx.pidFile().string()},
          {"verify_url", nginx.url("/health")},
          {"verify_header", "X-Nova-Version"},
          {"verify_value", "v1.2.3"}};
}

const RollbackRequest kRequest{"inc-1", "high: error rate 50%", "agent", 0};

}  // namespace

TEST_CASE("real nginx: steady clients move from green to blue with zero failed requests") {
  ServiceProcess blue({"--version", "v1.2.3", "--color", "blue", "--threads", "2"});
  ServiceProcess green({"--version", "v1.2.4", "--color", "green", "--threads", "2"});
  NginxProcess nginx(upstreamFor(green));
  SystemClock clock;  // real nginx, real time
  SystemRandom random;
  auto made = makeSwitch({"nginx", settingsFor(nginx, blue, green)}, clock, random);
  REQUIRE(made.ok());
  Switch& sw = **made;
  REQUIRE(sw.current().ok());
  CHECK(std::string(toString(sw.current()->backend)) == "green");

  Load load(nginx.url("/api/v1/streams/active"), 6);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  const auto start = Steady::now();
  auto flipped = sw.rollback(kRequest);
  const auto took = Steady::now() - start;
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const auto logs = load.stop();

  REQUIRE(flipped.ok());
  INFO("switch detail: ", flipped->detail);
  CHECK(std::string(toString(flipped->kind)) == "flipped");
  CHECK(took < std::chrono::seconds(2));
  int requests = 0;
  for (const auto& log : logs) {
    requests += log.requests;
    for (const auto& f : log.failures) {
      FAIL_CHECK("failed client request: ", f);
    }
    REQUIRE_FALSE(log.versions.empty());
    CHECK(log.versions.front() == "v1.2.4");  // every client started on green...
    CHECK(log.versions.back() == "v1.2.3");   // ...and ended on blue
    // Once on blue, a client never goes back to green.
    const auto firstBlue = std::find(log.versions.begin(), log.versions.end(), "v1.2.3");
    CHECK(std::find(firstBlue, log.versions.end(), "v1.2.4") == log.versions.end());
  }
  MESSAGE(requests, " requests through nginx, flip took ",
          std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), " ms");
  CHECK(requests > 600);
  CHECK(std::string(toString(sw.current()->backend)) == "blue");

  auto again = sw.rollback(kRequest);
  REQUIRE(again.ok());
  CHECK(std::string(toString(again->kind)) == "already_blue");
  CHECK(nginx.errorLog().find("[emerg]") == std::string::npos);
}

TEST_CASE("real nginx: a configuration nginx refuses makes the flip impossible, green stays") {
  ServiceProcess blue({"--version", "v1.2.3", "--color", "blue"});
  ServiceProcess green({"--version", "v1.2.4", "--color", "green"});
  NginxProcess nginx(upstreamFor(green));
  auto settings = settingsFor(nginx, blue, green);
  settings.erase("pid_file");
  settings["reload_command"] = nginx.reloadCommand();
  SystemClock clock;  // real nginx, real time
  NginxSwitch sw(*parseNginxSettings(settings), clock);
  // `nginx -s reload` parses the configuration first and refuses a broken one.
  std::ofstream(nginx.configFile(), std::ios::app) << "\nthis is not nginx syntax\n";

  auto outcome = sw.rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(std::string(toString(outcome->kind)) == "impossible");
  CHECK(outcome->detail.find("nginx reload failed: reload command") != std::string::npos);
  CHECK(outcome->detail.find("[emerg]") != std::string::npos);
  CHECK(std::string(toString(sw.current()->backend)) == "green");
  http::Client client;
  http::Request request;
  request.url = nginx.url("/health");
  auto still = client.perform(request);
  REQUIRE(still.ok());
  REQUIRE(still->header("X-Nova-Color") != nullptr);
  CHECK(*still->header("X-Nova-Color") == "green");
}

TEST_CASE("real nginx: blue unhealthy means no flip") {
  ServiceProcess blue({"--version", "v1.2.3", "--color", "blue", "--health-down"});
  ServiceProcess green({"--version", "v1.2.4", "--color", "green"});
  NginxProcess nginx(upstreamFor(green));
  SystemClock clock;
  SystemRandom random;
  // As the agent builds it: the nginx switch behind the blue guard.
  auto made = makeSwitch({"nginx", settingsFor(nginx, blue, green)}, clock, random);
  REQUIRE(made.ok());
  Switch& sw = **made;
  auto outcome = sw.rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(std::string(toString(outcome->kind)) == "impossible");
  CHECK(outcome->detail.starts_with("blue unhealthy: http://" + address(blue) +
                                    "/health: health: HTTP status 503, want 200"));
  CHECK(std::string(toString(sw.current()->backend)) == "green");
}

}  // namespace nova::traffic
