#include "nova/http/client.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nova/http/server.h"

namespace nova::http {
namespace {

// A listening socket on 127.0.0.1 with a kernel-chosen port.
int listenLoopback(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(::listen(fd, 16) == 0);
  socklen_t len = sizeof(addr);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  *port = ntohs(addr.sin_port);
  return fd;
}

// A tiny HTTP/1.1 server: one thread per connection, several requests per connection.
// `respond` gets the raw request (head and body) and returns the raw response bytes.
class TestServer {
 public:
  using Handler = std::function<std::string(const std::string& request)>;

  explicit TestServer(Handler respond) : respond_(std::move(respond)) {
    listenFd_ = listenLoopback(&port_);
    acceptor_ = std::thread([this] { acceptLoop(); });
  }
  ~TestServer() {
    ::shutdown(listenFd_, SHUT_RDWR);  // wakes accept()
    acceptor_.join();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (int fd : connections_) {
        ::shutdown(fd, SHUT_RDWR);  // wakes recv()
      }
    }
    for (std::thread& t : workers_) {
      t.join();
    }
    ::close(listenFd_);
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int accepted() const { return accepted_.load(); }
  std::vector<std::string> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  void acceptLoop() {
    while (true) {
      int fd = ::accept(listenFd_, nullptr, nullptr);
      if (fd < 0) {
        return;
      }
      ++accepted_;
      std::lock_guard<std::mutex> lock(mutex_);
      connections_.push_back(fd);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    std::string buffer;
    char chunk[4096];
    while (true) {
      auto headEnd = buffer.find("\r\n\r\n");
      if (headEnd != std::string::npos) {
        std::size_t bodyLength = contentLength(buffer.substr(0, headEnd));
        std::size_t total = headEnd + 4 + bodyLength;
        if (buffer.size() >= total) {
          std::string request = buffer.substr(0, total);
          buffer.erase(0, total);
          {
            std::lock_guard<std::mutex> lock(mutex_);
            requests_.push_back(request);
          }
          if (!sendAll(fd, respond_(request))) {
            break;
          }
          continue;
        }
      }
      ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) {
        break;
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(fd);
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase(connections_, fd);
  }

  static std::size_t contentLength(const std::string& head) {
    auto pos = head.find("Content-Length: ");
    return pos == std::string::npos ? 0 : std::stoul(head.substr(pos + 16));
  }

  static bool sendAll(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      // MSG_NOSIGNAL: a client that aborted must not kill the test with SIGPIPE.
      ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  Handler respond_;
  int listenFd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<int> connections_;
  std::vector<std::thread> workers_;
  std::vector<std::string> requests_;
  std::atomic<int> accepted_{0};
};

std::string okResponse(const std::string& body, const std::string& extraHeaders = "") {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + extraHeaders +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST_CASE("200 with body and response headers") {
  TestServer server([](const std::string&) { return okResponse("up 1\n", "X-Reply: yes\r\n"); });
  Client client;
  auto response = client.perform({.url = server.url("/metrics")});
  REQUIRE_MESSAGE(response.ok(), response.error().message);
  CHECK(response->status == 200);
  CHECK(response->body == "up 1\n");
  REQUIRE(response->header("x-reply") != nullptr);
  CHECK(*response->header("x-reply") == "yes");
  CHECK(response->header("missing") == nullptr);
  CHECK(response->elapsed >= 0);
}

TEST_CASE("method, headers and body are sent") {
  TestServer server([](const std::string&) { return okResponse(""); });
  Client client;
  Request request{.method = "PUT",
                  .url = server.url("/apply"),
                  .headers = {{"X-Test", "yes"}, {"Authorization", "Bearer t0k"}},
                  .body = R"({"weight":0})"};
  auto response = client.perform(request);
  REQUIRE_MESSAGE(response.ok(), response.error().message);
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].starts_with("PUT /apply HTTP/1.1\r\n"));
  CHECK(requests[0].find("\r\nX-Test: yes\r\n") != std::string::npos);
  CHECK(requests[0].find("\r\nAuthorization: Bearer t0k\r\n") != std::string::npos);
  CHECK(requests[0].ends_with("\r\n\r\n{\"weight\":0}"));
}

TEST_CASE("a 4xx status is a response, not an error") {
  TestServer server([](const std::string&) {
    return std::string("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope");
  });
  Client client;
  auto response = client.perform({.url = server.url("/x")});
  REQUIRE(response.ok());
  CHECK(response->status == 404);
  CHECK(response->body == "nope");
}

TEST_CASE("one Client keeps the connection alive across requests") {
  TestServer server([](const std::string&) { return okResponse("ok"); });
  Client client;
  for (int i = 0; i < 3; ++i) {
    auto response = client.perform({.url = server.url("/metrics")});
    REQUIRE_MESSAGE(response.ok(), response.error().message);
  }
  CHECK(server.requests().size() == 3);
  CHECK(server.accepted() == 1);
}

TEST_CASE("a body over the cap is an error") {
  std::string big(5000, 'x');
  SUBCASE("announced by Content-Length") {
    TestServer server([&](const std::string&) { return okResponse(big); });
    Client client;
    auto response = client.perform({.url = server.url("/big"), .maxBodyBytes = 1000});
    REQUIRE_FALSE(response.ok());
    CHECK(response.error().code == ErrorCode::kInvalidInput);
    CHECK(response.error().message ==
          "GET " + server.url("/big") + ": response body exceeds 1000 bytes");
  }
  SUBCASE("discovered while streaming") {
    TestServer server(
        [&](const std::string&) { return "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + big; });
    Client client;
    auto response = client.perform({.url = server.url("/big"), .maxBodyBytes = 1000});
    REQUIRE_FALSE(response.ok());
    CHECK(response.error().code == ErrorCode::kInvalidInput);
  }
  SUBCASE("the default cap is 16 MiB") {
    CHECK(Request{}.maxBodyBytes == 16777216);
    TestServer server([&](const std::string&) {
      return std::string("HTTP/1.1 200 OK\r\nContent-Length: 16777217\r\n\r\n");
    });
    Client client;
    auto response = client.perform({.url = server.url("/huge")});
    REQUIRE_FALSE(response.ok());
    CHECK(response.error().code == ErrorCode::kInvalidInput);
    CHECK(response.error().message.find("response body exceeds 16777216 bytes") !=
          std::string::npos);
  }
  SUBCASE("exactly at the cap is fine") {
    TestServer server([&](const std::string&) { return okResponse(big); });
    Client client;
    auto response = client.perform({.url = server.url("/big"), .maxBodyBytes = big.size()});
    REQUIRE(response.ok());
    CHECK(response->body.size() == big.size());
  }
}

TEST_CASE("the receive buffer bounds the pieces a streamed body arrives in") {
  std::string body(1 << 20, 'x');
  TestServer server([&](const std::string&) { return okResponse(body); });
  Client client;
  auto largestPiece = [&](std::size_t receiveBufferBytes) {
    std::size_t largest = 0;
    std::size_t total = 0;
    auto response = client.perform({.url = server.url("/metrics"),
                                    .receiveBufferBytes = receiveBufferBytes,
                                    .onBodyChunk = [&](std::string_view piece) {
                                      largest = std::max(largest, piece.size());
                                      total += piece.size();
                                      return true;
                                    }});
    REQUIRE_MESSAGE(response.ok(), response.error().message);
    CHECK(total == body.size());
    return largest;
  };
  CHECK(largestPiece(2048) <= 2048);
  CHECK(largestPiece(64 * 1024) <= 64 * 1024);
  CHECK(largestPiece(0) <= 16 * 1024);  // curl's own buffer
}

TEST_CASE("a server that never answers times out") {
  // A real-socket transport timeout: waits 300 ms of wall time on purpose.
  // Connections complete in the kernel backlog but nobody accepts or replies.
  int port = 0;
  int fd = listenLoopback(&port);
  Client client;
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/slow";
  auto response = client.perform({.url = url, .timeout = 300});
  ::close(fd);
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == ErrorCode::kTimeout);
  CHECK(response.error().message.starts_with("GET " + url + ": Timeout was reached"));
}

TEST_CASE("a peer that stalls mid-body fails within the timeout") {
  // A real-socket transport timeout: waits 300 ms of wall time on purpose.
  // Headers and a few bytes arrive, then nothing: a slowloris peer.
  TestServer server([](const std::string&) {
    return std::string("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nup 1\n");
  });
  Client client;
  auto started = std::chrono::steady_clock::now();
  auto response = client.perform({.url = server.url("/metrics"), .timeout = 300});
  auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == ErrorCode::kTimeout);
  CHECK(took < std::chrono::seconds(2));
}

TEST_CASE("connection refused is an error naming the URL") {
  int port = 0;
  int fd = listenLoopback(&port);
  ::close(fd);  // the port is now free and nothing listens on it
  Client client;
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto response = client.perform({.url = url});
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == ErrorCode::kTransport);
  CHECK(retryable(response.error().code));
  CHECK(response.error().message.starts_with("GET " + url + ": Couldn't connect to server"));
}

TEST_CASE("redirects are not followed with maxRedirects = 0") {
  TestServer server([](const std::string& request) {
    if (request.starts_with("GET /old ")) {
      return std::string("HTTP/1.1 302 Found\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n");
    }
    return okResponse("new");
  });
  Client client;
  auto direct = client.perform({.url = server.url("/old")});
  REQUIRE(direct.ok());
  CHECK(direct->status == 302);
  REQUIRE(direct->header("Location") != nullptr);
  CHECK(*direct->header("Location") == "/new");
  CHECK(server.requests().size() == 1);

  auto followed = client.perform({.url = server.url("/old"), .maxRedirects = 1});
  REQUIRE(followed.ok());
  CHECK(followed->status == 200);
  CHECK(followed->body == "new");
  CHECK(followed->header("Location") == nullptr);
}

TEST_CASE("credentials in the URL stay out of error messages") {
  int port = 0;
  int fd = listenLoopback(&port);
  ::close(fd);
  Client client;
  auto response =
      client.perform({.url = "http://user:secret@127.0.0.1:" + std::to_string(port) + "/"});
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().message.find("secret") == std::string::npos);
  CHECK(response.error().message.starts_with("GET http://user:<redacted>@127.0.0.1:"));
}

TEST_CASE("non-http schemes and malformed URLs are refused before any connection") {
  Client client;
  auto file = client.perform({.url = "file:///etc/passwd"});
  REQUIRE_FALSE(file.ok());
  CHECK(file.error().code == ErrorCode::kInvalidInput);
  CHECK(file.error().message == "GET file:///etc/passwd: scheme \"file\" is not http or https");
  auto noHost = client.perform({.method = "POST", .url = "http:///path"});
  REQUIRE_FALSE(noHost.ok());
  CHECK(noHost.error().code == ErrorCode::kInvalidInput);
  CHECK(noHost.error().message == "POST http:///path: no host");
  auto garbage = client.perform({.url = "not a url"});
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().code == ErrorCode::kInvalidInput);
  CHECK(garbage.error().message ==
        "GET <invalid URL>: not an absolute URL (expected http://host[:port]/path or "
        "https://...)");
}

TEST_CASE("a TLS handshake with a peer that speaks plain HTTP is a transport error") {
  // The plain server reads the ClientHello as a malformed request and hangs up.
  auto server = Server::start({}, [](const ServerRequest&) { return ServerResponse{}; });
  REQUIRE(server.ok());
  Client client;
  const std::string url = "https://127.0.0.1:" + std::to_string((*server)->port()) + "/x";
  auto response = client.perform({.url = url, .timeout = 2000});
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == ErrorCode::kTransport);
  CHECK(response.error().message.starts_with("GET " + url + ": SSL connect error"));
}

}  // namespace
}  // namespace nova::http
