#include "nova/http/server.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "nova/http/client.h"
#include "nova/testing/loopback.h"

namespace nova::http {
namespace {

std::unique_ptr<Server> startEcho(const ServerOptions& options = {}) {
  auto server = Server::start(options, [](const ServerRequest& request) {
    if (request.path == "/boom") {
      throw std::runtime_error("handler failed");
    }
    const std::string* token = request.header("authorization");
    return ServerResponse{200,
                          "text/plain",
                          {{"X-Path", request.path}},
                          request.method + " " + request.path + "?" + request.query + " " +
                              (token ? *token : "-") + " " + request.body};
  });
  REQUIRE(server.ok());
  return std::move(server).value();
}

// A blocking client socket connected to the server on loopback.
int connectTo(std::uint16_t port) {
  const int fd = testing::connectLoopback(port);
  REQUIRE(fd >= 0);
  return fd;
}

// Everything the server sends until it closes the connection (or resets it).
std::string readUntilClosed(int fd) {
  std::string out;
  char chunk[4096];
  ssize_t n = 0;
  while ((n = ::recv(fd, chunk, sizeof chunk, 0)) > 0) {
    out.append(chunk, static_cast<std::size_t>(n));
  }
  return out;
}

// Polls the server's counters, which its own thread updates (real time, 5 s at most).
void waitFor(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(done());
}

std::string url(const Server& server, std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(server.port()) + std::string(path);
}

}  // namespace

TEST_CASE("the server hands method, path, query, headers and body to the handler") {
  auto server = startEcho();
  Client client;
  Request request;
  request.method = "POST";
  request.url = url(*server, "/v1/hold?for=5m");
  request.headers = {{"Authorization", "Bearer t"}};
  request.body = "why";
  const auto response = client.perform(request);
  REQUIRE(response.ok());
  CHECK(response->status == 200);
  CHECK(response->body == "POST /v1/hold?for=5m Bearer t why");
  REQUIRE(response->header("x-path") != nullptr);
  CHECK(*response->header("x-path") == "/v1/hold");
}

TEST_CASE("keep-alive connections serve several requests") {
  auto server = startEcho();
  Client client;
  for (int i = 0; i < 3; ++i) {
    const auto response = client.perform({.url = url(*server, "/status")});
    REQUIRE(response.ok());
    CHECK(response->status == 200);
  }
}

TEST_CASE("HEAD answers the GET's headers and no body, so keep-alive stays in step") {
  auto server = startEcho();
  Client client;
  Request head;
  head.method = "HEAD";
  head.url = url(*server, "/status");
  const auto first = client.perform(head);
  REQUIRE(first.ok());
  CHECK(first->status == 200);
  CHECK(first->body.empty());
  REQUIRE(first->header("content-length") != nullptr);
  CHECK(*first->header("content-length") == std::to_string(std::string("HEAD /status? - ").size()));
  // The same connection answers the next request with its own response, not the HEAD's body.
  const auto next = client.perform({.url = url(*server, "/next")});
  REQUIRE(next.ok());
  CHECK(next->body == "GET /next? - ");
}

TEST_CASE("a body over the cap is refused with 413") {
  auto server = startEcho({.maxBodyBytes = 16});
  Client client;
  const auto response =
      client.perform({.method = "POST", .url = url(*server, "/x"), .body = std::string(64, 'a')});
  REQUIRE(response.ok());
  CHECK(response->status == 413);
}

TEST_CASE("a throwing handler answers 500 and the server keeps serving") {
  auto server = startEcho();
  Client client;
  const auto failed = client.perform({.url = url(*server, "/boom")});
  REQUIRE(failed.ok());
  CHECK(failed->status == 500);
  const auto next = client.perform({.url = url(*server, "/ok")});
  REQUIRE(next.ok());
  CHECK(next->status == 200);
}

TEST_CASE("a client that sends its header too slowly is disconnected at the header deadline") {
  // A real-socket transport timeout: waits the 200 ms header deadline of wall time.
  auto server = startEcho({.headerTimeout = 200});
  const int fd = connectTo(server->port());
  REQUIRE(::send(fd, "GET / HTTP/1.1\r\n", 16, 0) == 16);
  const auto started = std::chrono::steady_clock::now();
  char byte = 0;
  // The server closes the half-sent request; recv returns 0 (or an error), never data.
  const ssize_t got = ::recv(fd, &byte, 1, 0);
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(got <= 0);
  CHECK(waited < std::chrono::seconds(3));
  ::close(fd);
}

TEST_CASE("the header deadline is a total: a client trickling a byte at a time is cut") {
  // Real sockets and real time: a byte every 50 ms against a 400 ms header deadline. A
  // per-read timeout would keep this client forever; the total cuts it near 400 ms.
  ConnectionCounters counters;
  auto server = startEcho({.headerTimeout = 400, .counters = &counters});
  const int fd = connectTo(server->port());
  const std::string header = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a');
  const auto started = std::chrono::steady_clock::now();
  std::size_t sent = 0;
  while (sent < header.size() && ::send(fd, header.data() + sent, 1, MSG_NOSIGNAL) == 1) {
    ++sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto cut = std::chrono::steady_clock::now() - started;
  CHECK(sent < header.size());
  CHECK(cut >= std::chrono::milliseconds(350));
  CHECK(cut < std::chrono::milliseconds(1500));
  waitFor([&] { return counters.timedOut == 1; });
  ::close(fd);
}

TEST_CASE("a keep-alive connection idle past its idle timeout is closed and counted") {
  // Real sockets and real time: waits the 150 ms idle timeout.
  ConnectionCounters counters;
  auto server = startEcho({.idleTimeout = 150, .counters = &counters});
  const int fd = connectTo(server->port());
  const std::string request = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  CHECK(readUntilClosed(fd).find("GET /a") != std::string::npos);
  // The stream's timer closes the socket before the server's handler counts it.
  waitFor([&] { return counters.idleClosed == 1 && counters.open == 0; });
  ::close(fd);
}

TEST_CASE("at the cap the connection waiting longest makes room; a busy listener refuses") {
  // Real sockets: two clients ask for a response larger than the socket buffers and never
  // read it, so both connections stay busy writing; a third finds nothing to evict.
  ConnectionCounters counters;
  auto server = Server::start(
      {.writeTimeout = 60 * kSecond, .maxConnections = 2, .counters = &counters},
      [](const ServerRequest&) {
        return ServerResponse{200, "text/plain", {}, std::string(std::size_t{32} << 20, 'x')};
      });
  REQUIRE(server.ok());
  const int idle = connectTo((*server)->port());
  waitFor([&] { return counters.open == 1; });
  const int first = connectTo((*server)->port());
  waitFor([&] { return counters.open == 2; });
  // A third arrives at the cap: the idle one, waiting longest, is closed for it.
  const int second = connectTo((*server)->port());
  waitFor([&] { return counters.evicted == 1; });
  CHECK(readUntilClosed(idle).empty());
  const std::string request = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const int fd : {first, second}) {
    REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  }
  // Both answers have started once their first bytes reach the clients; neither client
  // reads, so both stay busy writing.
  for (const int fd : {first, second}) {
    waitFor([fd] {
      char byte = 0;
      return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 1;
    });
  }
  const int refused = connectTo((*server)->port());
  INFO("evicted " << counters.evicted.load() << " open " << counters.open.load());
  waitFor([&] { return counters.refused == 1; });
  CHECK(readUntilClosed(refused).empty());
  CHECK(counters.evicted == 1);
  CHECK(counters.accepted == 3);
  for (const int fd : {idle, first, second, refused}) {
    ::close(fd);
  }
}

TEST_CASE("a flood of idle and slowloris connections leaves the server answering") {
  // Real sockets and real time: 200 connections that send nothing and 50 that trickle a
  // header, against the default cap of 128; then real requests must be answered at once.
  ConnectionCounters counters;
  auto server = startEcho({.counters = &counters});
  std::vector<int> flood;
  flood.reserve(200);
  for (int i = 0; i < 200; ++i) {
    flood.push_back(connectTo(server->port()));
  }
  std::vector<int> slow;
  for (int i = 0; i < 50; ++i) {
    slow.push_back(connectTo(server->port()));
    REQUIRE(::send(slow.back(), "GET / HTTP/1.1\r\n", 16, MSG_NOSIGNAL) == 16);
  }
  waitFor([&] { return counters.accepted == 250; });
  for (const int fd : slow) {
    ::send(fd, "X", 1, MSG_NOSIGNAL);  // still sending, never finishing
  }
  Client client;
  for (int round = 0; round < 5; ++round) {
    const auto started = std::chrono::steady_clock::now();
    const auto get = client.perform({.url = url(*server, "/healthz"), .timeout = 2 * kSecond});
    const auto hold = client.perform({.method = "POST",
                                      .url = url(*server, "/v1/hold"),
                                      .body = R"({"for":"10m"})",
                                      .timeout = 2 * kSecond});
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE(get.ok());
    REQUIRE(hold.ok());
    CHECK(get->status == 200);
    CHECK(hold->body == R"(POST /v1/hold? - {"for":"10m"})");
    CHECK(took < std::chrono::milliseconds(500));
    MESSAGE("GET + POST under flood: "
            << std::chrono::duration_cast<std::chrono::microseconds>(took).count() << " us");
  }
  CHECK(counters.open <= 128);
  CHECK(counters.evicted >= 250 - 128);
  CHECK(counters.refused == 0);
  for (const int fd : flood) {
    ::close(fd);
  }
  for (const int fd : slow) {
    ::close(fd);
  }
}

TEST_CASE("binding a taken port fails with the address in the message") {
  auto first = startEcho();
  const auto second =
      Server::start({.port = first->port()}, [](const ServerRequest&) { return ServerResponse{}; });
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == ErrorCode::kConflict);
  CHECK(second.error().message ==
        "cannot listen on 127.0.0.1:" + std::to_string(first->port()) + ": Address already in use");
  const auto notAnAddress = Server::start({.address = "localhost"},
                                          [](const ServerRequest&) { return ServerResponse{}; });
  REQUIRE_FALSE(notAnAddress.ok());
  CHECK(notAnAddress.error().code == ErrorCode::kInvalidInput);
  CHECK(notAnAddress.error().message == "cannot listen on localhost:0: invalid address");
}

}  // namespace nova::http
