// The agent's endpoints served by the real HTTP server while a flood of idle and
// slowloris connections holds the listener: real sockets and real time throughout (the
// transport's deadlines are what is tested), with the command loop answered on a thread.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "daemon_shared.h"
#include "nova/http/client.h"
#include "nova/http/server.h"
#include "nova/testing/loopback.h"

namespace nova::daemon::detail {
namespace {

using namespace std::chrono_literals;

int connectTo(std::uint16_t port) {
  const int fd = testing::connectLoopback(port);
  REQUIRE(fd >= 0);
  return fd;
}

// Idle sockets that send nothing and slowloris sockets that trickle a header, held open
// until destroyed.
struct Flood {
  Flood(std::uint16_t port, int idle, int slow) {
    for (int i = 0; i < idle; ++i) {
      fds.push_back(connectTo(port));
    }
    for (int i = 0; i < slow; ++i) {
      fds.push_back(connectTo(port));
      ::send(fds.back(), "GET /status HTTP/1.1\r\nX-a: ", 27, MSG_NOSIGNAL);
    }
  }
  void trickle() {
    for (const int fd : fds) {
      ::send(fd, "a", 1, MSG_NOSIGNAL);
    }
  }
  ~Flood() {
    for (const int fd : fds) {
      ::close(fd);
    }
  }
  std::vector<int> fds;
};

// The loop's side of the inbox, answering every command with 200 until stopped.
struct AnsweringLoop {
  AnsweringLoop()
      : inbox(clock, [] {}), thread([this] {
          while (!stop) {
            for (auto& pending : inbox.takeCommands()) {
              inbox.answer(pending, {200, R"({"held":true})"});
            }
            std::this_thread::sleep_for(1ms);
          }
        }) {}
  ~AnsweringLoop() {
    stop = true;
    thread.join();
  }
  SystemClock clock;
  std::atomic<bool> stop{false};
  Inbox inbox;
  std::thread thread;
};

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

}  // namespace

TEST_CASE("200 idle and 50 slowloris connections leave /healthz, /status and /v1/hold answering") {
  AgentMetrics metrics("t");
  Published published;
  published.setStatus(R"({"phase":"watching"})");
  AnsweringLoop loop;
  http::ConnectionCounters counters;
  ApiContext ctx{loop.clock,  metrics, published, loop.inbox, std::string("tok"),
                 2 * kSecond, nullptr, kSecond,   nullptr,    {{"api", &counters}}};
  auto server = http::Server::start({.counters = &counters}, makeApiHandler(ctx));
  REQUIRE(server.ok());
  const std::uint16_t port = (*server)->port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);

  Flood flood(port, 200, 50);
  flood.trickle();
  http::Client client;
  for (int round = 0; round < 3; ++round) {
    published.heartbeat = loop.clock.monoNow().ms();
    const auto start = std::chrono::steady_clock::now();
    const auto healthz = client.perform({.url = base + "/healthz", .timeout = 2 * kSecond});
    const auto status = client.perform({.url = base + "/status", .timeout = 2 * kSecond});
    const auto hold = client.perform({.method = "POST",
                                      .url = base + "/v1/hold",
                                      .headers = {{"Authorization", "Bearer tok"}},
                                      .body = R"({"for":"10m"})",
                                      .timeout = 2 * kSecond});
    const auto took = since(start);
    REQUIRE(healthz.ok());
    REQUIRE(status.ok());
    REQUIRE(hold.ok());
    CHECK(healthz->status == 200);
    CHECK(status->body == R"({"phase":"watching"})");
    CHECK(hold->status == 200);
    CHECK(took < 1000ms);
    MESSAGE("/healthz + /status + POST /v1/hold under flood: " << took.count() << " ms");
    flood.trickle();
  }
  // The flood shows on /metrics: the connections closed to make room are counted.
  const auto scraped = client.perform({.url = base + "/metrics", .timeout = 2 * kSecond});
  REQUIRE(scraped.ok());
  CHECK(scraped->body.find(R"(nova_agent_http_connections_open{listener="api"})") !=
        std::string::npos);
  CHECK(counters.evicted >= 250 - 128);
  CHECK(
      scraped->body.find(R"(nova_agent_http_connections_total{listener="api",outcome="evicted"} )" +
                         std::to_string(counters.evicted.load())) != std::string::npos);
}

TEST_CASE("slowloris connections are cut at the header deadline and counted") {
  // Real time: a 300 ms header deadline, a byte every 50 ms from 20 clients.
  AgentMetrics metrics("t");
  Published published;
  AnsweringLoop loop;
  http::ConnectionCounters counters;
  ApiContext ctx{loop.clock,  metrics, published, loop.inbox, std::nullopt,
                 2 * kSecond, nullptr, kSecond,   nullptr,    {{"api", &counters}}};
  auto server =
      http::Server::start({.headerTimeout = 300, .counters = &counters}, makeApiHandler(ctx));
  REQUIRE(server.ok());
  Flood flood((*server)->port(), 0, 20);
  const auto start = std::chrono::steady_clock::now();
  while (counters.timedOut < 20 && since(start) < 3s) {
    flood.trickle();
    std::this_thread::sleep_for(50ms);
  }
  CHECK(counters.timedOut == 20);
  CHECK(since(start) < 1500ms);
  metrics.connections("api", counters);
  CHECK(metrics.serialize().find(
            R"(nova_agent_http_connections_total{listener="api",outcome="timed_out"} 20)") !=
        std::string::npos);
}

TEST_CASE("the probe listener answers /healthz and /readyz and nothing else") {
  AgentMetrics metrics("t");
  Published published;
  AnsweringLoop loop;
  ApiContext ctx{loop.clock, metrics, published, loop.inbox, std::string("tok")};
  auto probe = makeProbeHandler(ctx);
  http::ServerRequest get;
  get.method = "GET";
  get.path = "/healthz";
  published.heartbeat = loop.clock.monoNow().ms();
  CHECK(probe(get).status == 200);
  get.path = "/readyz";
  CHECK(probe(get).status == 503);
  for (const char* other : {"/status", "/metrics", "/v1/hold", "/"}) {
    get.path = other;
    const auto r = probe(get);
    CHECK(r.status == 404);
    CHECK(r.body == "not found (this listener answers /healthz and /readyz)\n");
  }
}

}  // namespace nova::daemon::detail
