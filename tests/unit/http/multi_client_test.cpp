#include "nova/http/multi_client.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "nova/http/server.h"

namespace nova::http {
namespace {

std::unique_ptr<Server> startPeer() {
  auto server = Server::start({}, [](const ServerRequest& request) {
    if (request.path == "/slow") {
      // A real-socket transport test: the peer holds its answer past the client's timeout.
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
    }
    if (request.path == "/big") {
      return ServerResponse{200, "text/plain", {}, std::string(64 * 1024, 'x')};
    }
    if (request.path == "/fail") {
      return ServerResponse{503, "text/plain", {}, "down\n"};
    }
    return ServerResponse{200, "text/plain", {}, request.method + " " + request.path};
  });
  REQUIRE(server.ok());
  return std::move(server).value();
}

std::string url(const Server& server, std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(server.port()) + std::string(path);
}

// Polls until nothing is in flight or the deadline passes; the peer is real, so this waits on
// real sockets (bounded by the deadline).
void drain(MultiClient& client) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (client.inFlight() > 0 && std::chrono::steady_clock::now() < deadline) {
    client.poll(50);
  }
}

}  // namespace

TEST_CASE("several transfers run at once and each completion runs once") {
  auto server = startPeer();
  MultiClient client;
  std::vector<std::string> bodies;
  for (const char* path : {"/a", "/b", "/c"}) {
    client.start({.url = url(*server, path)}, [&](Result<Response> r) {
      REQUIRE(r.ok());
      CHECK(r->status == 200);
      bodies.push_back(r->body);
    });
  }
  CHECK(client.inFlight() == 3);
  drain(client);
  CHECK(client.inFlight() == 0);
  std::sort(bodies.begin(), bodies.end());
  CHECK(bodies == std::vector<std::string>{"GET /a", "GET /b", "GET /c"});
}

TEST_CASE("statuses, timeouts, refusals, body cap and bad URLs come back as values") {
  auto server = startPeer();
  MultiClient client;
  const Error unset(ErrorCode::kInternal, "unset");
  Result<Response> failed = unset;
  Result<Response> slow = unset;
  Result<Response> big = unset;
  Result<Response> bad = unset;
  client.start({.url = url(*server, "/fail")}, [&](Result<Response> r) { failed = std::move(r); });
  client.start({.url = url(*server, "/slow"), .timeout = 100},
               [&](Result<Response> r) { slow = std::move(r); });
  client.start({.url = url(*server, "/big"), .maxBodyBytes = 1024},
               [&](Result<Response> r) { big = std::move(r); });
  client.start({.url = "ftp://example.invalid/"}, [&](Result<Response> r) { bad = std::move(r); });
  drain(client);
  REQUIRE(failed.ok());
  CHECK(failed->status == 503);
  REQUIRE_FALSE(slow.ok());
  CHECK(slow.error().code == ErrorCode::kTimeout);
  CHECK(slow.error().message.starts_with("GET " + url(*server, "/slow") + ": Timeout was reached"));
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == ErrorCode::kInvalidInput);
  CHECK(big.error().message ==
        "GET " + url(*server, "/big") + ": response body exceeds 1024 bytes");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK(bad.error().message == "GET ftp://example.invalid/: scheme \"ftp\" is not http or https");

  std::uint16_t closedPort = server->port();
  server.reset();  // destroyed, so the port is closed
  Result<Response> refused = unset;
  client.start({.url = "http://127.0.0.1:" + std::to_string(closedPort) + "/"},
               [&](Result<Response> r) { refused = std::move(r); });
  drain(client);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kTransport);
  CHECK(refused.error().message.starts_with("GET http://127.0.0.1:" + std::to_string(closedPort) +
                                            "/: Couldn't connect to server"));
}

TEST_CASE("poll returns within its wait while a transfer is still running") {
  // Real sockets: poll() waits up to 50 ms of wall time for the slow peer.
  auto server = startPeer();
  MultiClient client;
  bool done = false;
  client.start({.url = url(*server, "/slow")}, [&](Result<Response>) { done = true; });
  const auto before = std::chrono::steady_clock::now();
  CHECK(client.poll(50) == 0);
  const auto waited = std::chrono::steady_clock::now() - before;
  CHECK(waited < std::chrono::milliseconds(300));
  CHECK_FALSE(done);
  drain(client);
  CHECK(done);
}

TEST_CASE("a completion may start the next transfer; cancel drops a transfer silently") {
  auto server = startPeer();
  MultiClient client;
  int completions = 0;
  client.start({.url = url(*server, "/one")}, [&](Result<Response> r) {
    ++completions;
    REQUIRE(r.ok());
    client.start({.url = url(*server, "/two")}, [&](Result<Response> r2) {
      ++completions;
      CHECK(r2->body == "GET /two");
    });
  });
  auto id = client.start({.url = url(*server, "/slow")},
                         [&](Result<Response>) { FAIL("a cancelled transfer must not complete"); });
  client.cancel(id);
  drain(client);
  CHECK(completions == 2);
}

}  // namespace nova::http
