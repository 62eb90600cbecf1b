#include "nova/http/server.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "nova/http/client.h"

namespace nova::http {
namespace {

std::unique_ptr<Server> startEcho(ServerOptions options = {}) {
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

TEST_CASE("a client that sends too slowly is disconnected after the read timeout") {
  // A real-socket transport timeout: waits the 200 ms read timeout of wall time.
  auto server = startEcho({.readTimeout = 200});
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
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
